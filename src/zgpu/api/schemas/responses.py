"""Wire schema of ``POST /v1/responses`` (spec/api-compat.md), request and response.

The request model ignores unknown fields (existing clients send extras) and accepts ``null`` for
every optional field. It accepts the shapes the known clients send:

- ``input`` as a non-empty string, or as a non-empty array of ``{role, content}`` messages with
  ``role`` ``"user"`` or ``"system"``;
- ``content`` as a string, or as an array of ``{type: "input_text", text}`` parts (the OpenAI
  Responses API shape; ``type: "text"`` is accepted too), which is flattened into one string
  with the parts joined by a blank line.

After validation ``input`` is always a list of ``InputMessage`` whose ``content`` is a string:
a string ``input`` becomes one user message. Validation errors carry the location of the
offending value (``input.0.content.1.text``), which ``zgpu.api.body`` turns into the error
``param``. Scalars are strict: ``"5"`` is not a number and ``true`` is not an integer.
"""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    TypeAdapter,
    field_validator,
)
from pydantic_core import PydanticCustomError

from zgpu.api.ids import new_message_id, new_response_id

MAX_METADATA_PAIRS = 16
MAX_METADATA_KEY_CHARS = 64
MAX_METADATA_VALUE_CHARS = 512
PART_SEPARATOR = "\n\n"
"""Joins the text parts of one message, and the user messages of one request."""

_REQUEST_CONFIG = ConfigDict(extra="ignore", strict=True)
_RESPONSE_CONFIG = ConfigDict(json_schema_serialization_defaults_required=True)


class InputTextPart(BaseModel):
    """One text part of a message's content, as the OpenAI Responses API sends it."""

    model_config = _REQUEST_CONFIG

    type: Literal["input_text", "text"]
    text: StrictStr


_PARTS = TypeAdapter(list[InputTextPart])


def _flatten_content(value: object) -> object:
    """A list of text parts becomes one string; anything else is left to the ``str`` check."""
    if isinstance(value, list):
        return PART_SEPARATOR.join(part.text for part in _PARTS.validate_python(value))
    return value


def _content_schema(schema: dict[str, Any]) -> None:
    schema.pop("type", None)
    schema["anyOf"] = [
        {"type": "string"},
        {"type": "array", "items": InputTextPart.model_json_schema()},
    ]


class InputMessage(BaseModel):
    """One input message; ``content`` is the flattened text whichever shape was sent."""

    model_config = _REQUEST_CONFIG

    role: Literal["user", "system"]
    content: Annotated[StrictStr, BeforeValidator(_flatten_content)] = Field(
        json_schema_extra=_content_schema,
        description="A string, or an array of {type: 'input_text', text} parts.",
    )


def _coerce_input(value: object) -> object:
    """A string ``input`` is one user message; only strings and arrays are accepted."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    if isinstance(value, list):
        return value
    raise PydanticCustomError(
        "input_type", "input must be a string or an array of {role, content} messages"
    )


def _input_schema(schema: dict[str, Any]) -> None:
    as_array = {key: schema.pop(key) for key in ("type", "items", "minItems") if key in schema}
    schema["anyOf"] = [{"type": "string", "minLength": 1}, as_array]


class TextFormat(BaseModel):
    """``text.format``: only plain text output exists."""

    model_config = _REQUEST_CONFIG

    type: Literal["text"]


class TextConfig(BaseModel):
    """``text``: response format configuration; ``{}`` and ``{format: null}`` mean plain text."""

    model_config = _REQUEST_CONFIG

    format: TextFormat | None = None


class CreateResponseRequest(BaseModel):
    """The body of ``POST /v1/responses``.

    ``instructions`` and system messages are accepted and kept (``instructions`` acts as a
    system message placed first), but they are not content: the task models summarize or
    classify the user's text only, which ``task_text`` returns.
    """

    model_config = _REQUEST_CONFIG

    model: StrictStr = Field(min_length=1, description="An exact model id from GET /v1/models.")
    input: Annotated[list[InputMessage], BeforeValidator(_coerce_input)] = Field(
        min_length=1,
        json_schema_extra=_input_schema,
        description="A non-empty string, or a non-empty array of {role, content} messages.",
    )
    instructions: StrictStr | None = None
    text: TextConfig | None = None
    metadata: dict[StrictStr, StrictStr] | None = Field(
        default=None,
        description=(
            f"At most {MAX_METADATA_PAIRS} string pairs (keys ≤ {MAX_METADATA_KEY_CHARS} "
            f"characters, values ≤ {MAX_METADATA_VALUE_CHARS}), echoed back in the response."
        ),
    )
    max_output_tokens: StrictInt | None = Field(default=None, gt=0)

    @field_validator("input")
    @classmethod
    def _has_user_text(cls, messages: list[InputMessage]) -> list[InputMessage]:
        if not any(m.role == "user" and m.content.strip() for m in messages):
            raise PydanticCustomError(
                "empty_input", "input must contain a user message with non-whitespace text"
            )
        return messages

    @field_validator("metadata")
    @classmethod
    def _metadata_limits(cls, metadata: dict[str, str] | None) -> dict[str, str] | None:
        if metadata is None:
            return None
        if len(metadata) > MAX_METADATA_PAIRS:
            raise PydanticCustomError(
                "metadata_too_many",
                "metadata may hold at most {limit} pairs, got {count}",
                {"limit": MAX_METADATA_PAIRS, "count": len(metadata)},
            )
        for key, value in metadata.items():
            if len(key) > MAX_METADATA_KEY_CHARS:
                raise PydanticCustomError(
                    "metadata_key_too_long",
                    "metadata keys may be at most {limit} characters",
                    {"limit": MAX_METADATA_KEY_CHARS},
                )
            if len(value) > MAX_METADATA_VALUE_CHARS:
                raise PydanticCustomError(
                    "metadata_value_too_long",
                    "the metadata value for '{key}' is longer than {limit} characters",
                    {"key": key, "limit": MAX_METADATA_VALUE_CHARS},
                )
        return metadata

    def system_text(self) -> str:
        """``instructions`` then the system messages, joined by a blank line (may be empty)."""
        parts = [self.instructions] if self.instructions and self.instructions.strip() else []
        parts += [m.content for m in self.input if m.role == "system" and m.content.strip()]
        return PART_SEPARATOR.join(parts)

    def task_text(self) -> str:
        """The text the task model processes: the user messages, in order, joined by a blank line.

        Whitespace-only user messages are skipped; ``instructions`` and system messages are not
        part of it. Validation guarantees the result contains non-whitespace text.
        """
        return PART_SEPARATOR.join(
            m.content for m in self.input if m.role == "user" and m.content.strip()
        )


class OutputText(BaseModel):
    """The one content item of the output message; task models put JSON strings here."""

    model_config = _RESPONSE_CONFIG

    type: Literal["output_text"] = "output_text"
    text: str
    annotations: list[Any] = Field(default_factory=list)


class OutputMessage(BaseModel):
    """The assistant message: always ``output[0]``, simple clients read its first content text."""

    model_config = _RESPONSE_CONFIG

    type: Literal["message"] = "message"
    id: str
    status: Literal["completed"] = "completed"
    role: Literal["assistant"] = "assistant"
    content: list[OutputText]


class Usage(BaseModel):
    """Token counts; ``total_tokens`` is always ``input_tokens + output_tokens``."""

    model_config = _RESPONSE_CONFIG

    input_tokens: int = Field(ge=0)
    output_tokens: int = Field(ge=0)
    total_tokens: int = Field(ge=0)

    @classmethod
    def of(cls, input_tokens: int, output_tokens: int) -> Usage:
        """Usage with the total computed."""
        return cls(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            total_tokens=input_tokens + output_tokens,
        )


class ResponseObject(BaseModel):
    """The 200 body of ``POST /v1/responses``.

    Both ``created`` and ``created_at`` are sent with the same value: the older SDK requires
    ``created``, the hosted service now sends ``created_at``.
    """

    model_config = _RESPONSE_CONFIG

    id: str
    object: Literal["response"] = "response"
    created: int
    created_at: int
    status: Literal["completed"] = "completed"
    model: str
    output: list[OutputMessage]
    usage: Usage
    metadata: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def completed(
        cls,
        *,
        model: str,
        text: str,
        input_tokens: int,
        output_tokens: int,
        metadata: dict[str, str] | None = None,
        response_id: str | None = None,
        message_id: str | None = None,
        created: int | None = None,
    ) -> ResponseObject:
        """A completed response holding one assistant message with ``text``.

        Ids are generated and ``created`` is the current time when not given.
        """
        created = int(time.time()) if created is None else created
        message = OutputMessage(id=message_id or new_message_id(), content=[OutputText(text=text)])
        return cls(
            id=response_id or new_response_id(),
            created=created,
            created_at=created,
            model=model,
            output=[message],
            usage=Usage.of(input_tokens, output_tokens),
            metadata=dict(metadata or {}),
        )
