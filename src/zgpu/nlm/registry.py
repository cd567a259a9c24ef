"""The model catalogue: public model id → task, context window, over-length policy and prices.

A model id is what clients put in ``model``. The registry is the single place that knows which
task serves it, how many input tokens it accepts, what happens beyond that, and what it costs.
Prices are integers (micro-dollars per million tokens) because money is never a float here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from zgpu.nlm.errors import UnknownModel


class Task(StrEnum):
    """What a model does with its input."""

    SUMMARIZE = "summarization"
    IAB_CLASSIFY = "iab-classification"


class OverLength(StrEnum):
    """What to do with input longer than the context window."""

    REJECT = "reject"
    TRUNCATE = "truncate"


@dataclass(frozen=True)
class Price:
    """USD per million tokens, in micro-dollars (1 USD = 1,000,000)."""

    input_micro_usd_per_million: int
    output_micro_usd_per_million: int


@dataclass(frozen=True)
class ModelSpec:
    """One public model of the catalogue."""

    id: str
    task: Task
    context_window: int
    over_length: OverLength
    price: Price
    description: str
    created: int  # unix seconds of the model's release, for /v1/models


DEFAULT_PRICE = Price(input_micro_usd_per_million=200_000, output_micro_usd_per_million=400_000)

DEFAULT_MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        id="zlm-v1-summary-cloud",
        task=Task.SUMMARIZE,
        context_window=8192,
        over_length=OverLength.REJECT,
        price=DEFAULT_PRICE,
        description="Extractive summarization: the sentences that carry the text, in order.",
        created=1767225600,
    ),
    ModelSpec(
        id="zlm-v1-iab-classify-cloud",
        task=Task.IAB_CLASSIFY,
        context_window=400,
        over_length=OverLength.TRUNCATE,
        price=DEFAULT_PRICE,
        description="IAB content and audience classification with topics, keywords and intent.",
        created=1767225600,
    ),
)


class ModelRegistry:
    """Look up models by id; iteration order is the catalogue order."""

    def __init__(self, models: tuple[ModelSpec, ...] = DEFAULT_MODELS) -> None:
        self._models = {m.id: m for m in models}
        if len(self._models) != len(models):
            raise ValueError("duplicate model id in the catalogue")

    def get(self, model_id: str) -> ModelSpec:
        """The spec for ``model_id``; raises ``UnknownModel`` naming the valid ids."""
        try:
            return self._models[model_id]
        except KeyError:
            valid = ", ".join(sorted(self._models))
            raise UnknownModel(
                f"The model '{model_id}' does not exist. Valid models: {valid}.", param="model"
            ) from None

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self._models.values())

    def ids(self) -> list[str]:
        """All model ids, in catalogue order."""
        return list(self._models)
