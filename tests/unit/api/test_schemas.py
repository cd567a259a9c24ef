"""The wire models themselves: request normalization, response shape, model list, exports."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import zgpu.api.schemas as schemas
from zgpu.api.schemas import (
    CreateResponseRequest,
    ErrorEnvelope,
    ModelList,
    ModelPricing,
    ResponseObject,
    format_micro_usd,
)
from zgpu.nlm.registry import ModelRegistry


def test_string_input_is_one_user_message() -> None:
    request = CreateResponseRequest.model_validate({"model": "m", "input": "Hi."})
    assert [(m.role, m.content) for m in request.input] == [("user", "Hi.")]
    assert request.task_text() == "Hi."


def test_task_text_is_user_content_only() -> None:
    request = CreateResponseRequest.model_validate(
        {
            "model": "m",
            "instructions": "Summarize.",
            "input": [
                {"role": "system", "content": "Be short."},
                {"role": "user", "content": [{"type": "input_text", "text": "A."}]},
                {"role": "user", "content": ""},
                {"role": "user", "content": [{"type": "text", "text": "B."},
                                             {"type": "input_text", "text": "C."}]},
            ],
        }
    )  # fmt: skip
    assert request.task_text() == "A.\n\nB.\n\nC."
    assert request.system_text() == "Summarize.\n\nBe short."


def test_request_errors_carry_the_field_location() -> None:
    with pytest.raises(ValidationError) as caught:
        CreateResponseRequest.model_validate(
            {"model": "m", "input": [{"role": "user", "content": [{"type": "input_text"}]}]}
        )
    assert caught.value.errors()[0]["loc"] == ("input", 0, "content", 0, "text")


def test_response_object_has_the_exact_wire_shape() -> None:
    response = ResponseObject.completed(
        model="zlm-v1-summary-cloud",
        text="Short.",
        input_tokens=24,
        output_tokens=2,
        metadata={"k": "v"},
        created=1710000000,
    )
    wire = response.model_dump(mode="json")
    assert wire == {
        "id": response.id,
        "object": "response",
        "created": 1710000000,
        "created_at": 1710000000,
        "status": "completed",
        "model": "zlm-v1-summary-cloud",
        "output": [
            {
                "type": "message",
                "id": response.output[0].id,
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Short.", "annotations": []}],
            }
        ],
        "usage": {"input_tokens": 24, "output_tokens": 2, "total_tokens": 26},
        "metadata": {"k": "v"},
    }
    assert response.id.startswith("resp_")
    assert response.output[0].id.startswith("msg_")
    schema = ResponseObject.model_json_schema(mode="serialization")
    assert set(schema["required"]) == set(wire)


def test_error_envelope_always_has_code_and_param() -> None:
    assert ErrorEnvelope.of("m", "t").model_dump() == {
        "error": {"message": "m", "type": "t", "code": None, "param": None}
    }


@pytest.mark.parametrize(
    ("micro", "text"),
    [(0, "0.00"), (1, "0.000001"), (20_000, "0.02"), (50_000, "0.05"), (200_000, "0.20"),
     (500_000, "0.50"), (1_000_000, "1.00"), (1_234_567, "1.234567"), (12_000_000, "12.00")],
)  # fmt: skip
def test_prices_are_exact_decimal_strings(micro: int, text: str) -> None:
    assert format_micro_usd(micro) == text
    assert ModelPricing.from_micro_usd(micro, micro).input_per_million_usd == text


def test_negative_prices_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_micro_usd(-1)


def test_model_list_from_the_registry() -> None:
    registry = ModelRegistry()
    listing = ModelList.from_registry(registry).model_dump(mode="json")
    assert listing["object"] == "list"
    assert [card["id"] for card in listing["data"]] == registry.ids()
    summary = next(c for c in listing["data"] if c["id"] == "zlm-v1-summary-cloud")
    spec = registry.get("zlm-v1-summary-cloud")
    assert summary == {
        "id": spec.id,
        "object": "model",
        "created": spec.created,
        "owned_by": "zerogpu",
        "task": str(spec.task),
        "context_window": spec.context_window,
        "over_length": spec.over_length.value,
        "pricing": {
            "input_per_million_usd": format_micro_usd(spec.price.input_micro_usd_per_million),
            "output_per_million_usd": format_micro_usd(spec.price.output_micro_usd_per_million),
        },
    }


def test_exported_names_are_sorted_and_real() -> None:
    assert schemas.__all__ == sorted(schemas.__all__)
    public = {name for name in vars(schemas) if not name.startswith("_")}
    assert set(schemas.__all__) == public - {"errors", "models", "responses", "annotations"}
