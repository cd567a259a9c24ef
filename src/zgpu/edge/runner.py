"""The seam between a worker and the models it runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TaskResult:
    """What a model produced for one request, with its usage in tokens."""

    text: str
    input_tokens: int
    output_tokens: int


class TaskRunner(Protocol):
    """Runs one inference; a worker calls it once per request, possibly concurrently."""

    async def run(self, model: str, text: str, max_output_tokens: int | None) -> TaskResult:
        """Run ``model`` on ``text``.

        Raises:
            zgpu.nlm.errors.NlmError: a model error (unknown model, input too long, overloaded);
                its ``code``, ``message`` and ``param`` are sent back to the caller.
            Exception: anything else is reported to the caller as an ``internal`` error.
        """
        ...
