"""The error envelope every non-2xx response carries (spec/api-compat.md, "Errors")."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ErrorBody(BaseModel):
    """What went wrong: a human ``message``, a ``type``, a machine ``code`` and the ``param``.

    ``code`` and ``param`` are always present, ``null`` when they do not apply.
    """

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    message: str
    type: str
    code: str | None = None
    param: str | None = None


class ErrorEnvelope(BaseModel):
    """``{"error": {"message", "type", "code", "param"}}``."""

    error: ErrorBody

    @classmethod
    def of(
        cls, message: str, type: str, code: str | None = None, param: str | None = None
    ) -> ErrorEnvelope:
        """The envelope around one error body."""
        return cls(error=ErrorBody(message=message, type=type, code=code, param=param))
