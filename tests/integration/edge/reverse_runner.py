"""A tiny deterministic TaskRunner for fabric tests (also loaded by worker subprocesses)."""

from __future__ import annotations

import asyncio

from zgpu.edge import TaskResult

FAILING_MODEL = "zlm-test-missing"
CRASHING_MODEL = "zlm-test-crash"


class ModelNotFound(Exception):
    """Shaped like a model error: message, code, param."""

    def __init__(self, message: str, code: str, param: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param


class ReverseRunner:
    """Answers the input reversed, after ``delay_s``; records every text it ran."""

    def __init__(self, delay_s: float = 0.0, announce: bool = False) -> None:
        self.delay_s = delay_s
        self.announce = announce
        self.calls: list[str] = []
        self.cancelled = 0

    async def run(self, model: str, text: str, max_output_tokens: int | None) -> TaskResult:
        self.calls.append(text)
        if self.announce:
            print(f"started {text}", flush=True)
        if self.delay_s:
            try:
                await asyncio.sleep(self.delay_s)
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
        if model == FAILING_MODEL:
            raise ModelNotFound(f"unknown model {model}", "model_not_found", "model")
        if model == CRASHING_MODEL:
            raise RuntimeError("runner bug")
        output = text[::-1]
        if max_output_tokens is not None:
            output = " ".join(output.split()[:max_output_tokens])
        return TaskResult(output, len(text.split()), len(output.split()))


def slow() -> ReverseRunner:
    """A runner that takes 0.3 s per request and prints ``started <text>`` as each begins."""
    return ReverseRunner(delay_s=0.3, announce=True)
