"""The errors ``zgpu.nlm`` raises.

Every error carries a machine ``code`` (stable, used in API error bodies) and, where one
input is at fault, the offending ``param``. The package knows nothing of HTTP: the API
layer maps these classes to statuses in one place.

::

    NlmError
    ├── ContextLengthExceeded   code "context_length_exceeded"
    ├── Overloaded              code "overloaded"
    ├── UnknownModel            code "model_not_found"
    ├── ArtifactError           code "artifact_error"
    └── InferenceError          code "inference_failed"
"""

from __future__ import annotations

from typing import ClassVar


class NlmError(Exception):
    """Base of all model errors: a message, a machine ``code`` and an optional ``param``."""

    code: ClassVar[str] = "nlm_error"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class ContextLengthExceeded(NlmError):
    """The input has more tokens than the model accepts and the model does not truncate."""

    code: ClassVar[str] = "context_length_exceeded"

    def __init__(
        self,
        message: str,
        *,
        param: str | None = "input",
        limit: int | None = None,
        tokens: int | None = None,
    ) -> None:
        super().__init__(message, param=param)
        self.limit = limit
        self.tokens = tokens


class Overloaded(NlmError):
    """The runtime's queue is full; the caller may retry after ``retry_after_s`` seconds."""

    code: ClassVar[str] = "overloaded"

    def __init__(
        self, message: str, *, param: str | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, param=param)
        self.retry_after_s = retry_after_s


class UnknownModel(NlmError):
    """No model of that id exists in the catalogue."""

    code: ClassVar[str] = "model_not_found"

    def __init__(self, message: str, *, param: str | None = "model") -> None:
        super().__init__(message, param=param)


class ArtifactError(NlmError):
    """A model artifact is missing, corrupt (sha256 mismatch) or cannot be built."""

    code: ClassVar[str] = "artifact_error"


class InferenceError(NlmError):
    """The inference engine failed on an input (an ONNX Runtime error, translated)."""

    code: ClassVar[str] = "inference_failed"
