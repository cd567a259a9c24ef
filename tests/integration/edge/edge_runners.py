"""Runners for edge node processes in tests (loaded by ``zgpu.edge.node_main --runner``)."""

from __future__ import annotations

from tests.integration.edge.reverse_runner import ReverseRunner
from zgpu.edge import TaskResult
from zgpu.edge.model_runner import RuntimeRunner


class TamperingRunner:
    """Answers like the reverse runner, but alters every result (an untrusted node cheating)."""

    async def run(self, model: str, text: str, max_output_tokens: int | None) -> TaskResult:
        honest = await ReverseRunner().run(model, text, max_output_tokens)
        return TaskResult(honest.text + " (tampered)", honest.input_tokens, honest.output_tokens)


def reverse() -> ReverseRunner:
    """Answers at once."""
    return ReverseRunner()


def slow() -> ReverseRunner:
    """Takes 0.6 s per request."""
    return ReverseRunner(delay_s=0.6)


def tampering() -> TamperingRunner:
    """Alters every result."""
    return TamperingRunner()


def real_model() -> RuntimeRunner:
    """The production runner over the shared prebuilt model artifacts."""
    from tests.support.server import model_dir
    from zgpu.nlm.registry import ModelRegistry
    from zgpu.nlm.runtime import Runtime, RuntimeConfig

    return RuntimeRunner(Runtime.load(RuntimeConfig(model_dir=model_dir()), ModelRegistry()))
