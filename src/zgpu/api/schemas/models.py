"""Wire schema of ``GET /v1/models``: OpenAI's list shape plus task, context window and prices.

Prices are USD per million tokens written as decimal strings (``"0.20"``): money is never a
float on the wire either. The catalogue keeps them as integer micro-dollars.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    # Only the catalogue's shape is needed; importing it lazily keeps the wire schemas
    # importable without loading the model registry.
    from zgpu.nlm.registry import ModelSpec

DecimalUsd = Annotated[str, Field(pattern=r"^\d+\.\d{2,6}$", examples=["0.20"])]
"""A non-negative USD amount as a decimal string with 2 to 6 decimals."""

_CONFIG = ConfigDict(json_schema_serialization_defaults_required=True)
_MICRO_PER_USD = 1_000_000


def format_micro_usd(micro_usd: int) -> str:
    """``200_000`` → ``"0.20"``, ``1`` → ``"0.000001"``: exact, at least two decimals.

    Raises ``ValueError`` for a negative amount.
    """
    if micro_usd < 0:
        raise ValueError(f"a price cannot be negative: {micro_usd}")
    whole, fraction = divmod(micro_usd, _MICRO_PER_USD)
    decimals = f"{fraction:06d}".rstrip("0").ljust(2, "0")
    return f"{whole}.{decimals}"


class ModelPricing(BaseModel):
    """USD per million input and output tokens."""

    model_config = _CONFIG

    input_per_million_usd: DecimalUsd
    output_per_million_usd: DecimalUsd

    @classmethod
    def from_micro_usd(cls, input_micro_usd: int, output_micro_usd: int) -> ModelPricing:
        """Prices given as integer micro-dollars per million tokens."""
        return cls(
            input_per_million_usd=format_micro_usd(input_micro_usd),
            output_per_million_usd=format_micro_usd(output_micro_usd),
        )


class ModelCard(BaseModel):
    """One model of the catalogue, as listed by ``GET /v1/models``."""

    model_config = _CONFIG

    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: Literal["zerogpu"] = "zerogpu"
    task: str
    context_window: int
    over_length: Literal["reject", "truncate"]
    pricing: ModelPricing

    @classmethod
    def from_spec(cls, spec: ModelSpec) -> ModelCard:
        """The card of a catalogue entry."""
        return cls(
            id=spec.id,
            created=spec.created,
            task=str(spec.task),
            context_window=spec.context_window,
            over_length=spec.over_length.value,
            pricing=ModelPricing.from_micro_usd(
                spec.price.input_micro_usd_per_million, spec.price.output_micro_usd_per_million
            ),
        )


class ModelList(BaseModel):
    """``{"object": "list", "data": [...]}``."""

    model_config = _CONFIG

    object: Literal["list"] = "list"
    data: list[ModelCard]

    @classmethod
    def from_registry(cls, specs: Iterable[ModelSpec]) -> ModelList:
        """Every model of ``specs`` (a ``ModelRegistry`` iterates its specs), in order."""
        return cls(data=[ModelCard.from_spec(spec) for spec in specs])
