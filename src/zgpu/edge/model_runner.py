"""Plugs the local model runtime into a worker: the production ``TaskRunner``."""

from __future__ import annotations

from zgpu.edge.runner import TaskResult
from zgpu.nlm.runtime import Runtime


class RuntimeRunner:
    """A ``TaskRunner`` that runs catalogue models with an ``nlm.Runtime`` on this machine."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    async def run(self, model: str, text: str, max_output_tokens: int | None) -> TaskResult:
        """Run the model; ``NlmError`` subclasses propagate for the worker to report."""
        output = await self._runtime.run(model, text, max_output_tokens)
        return TaskResult(
            text=output.text, input_tokens=output.input_tokens, output_tokens=output.output_tokens
        )
