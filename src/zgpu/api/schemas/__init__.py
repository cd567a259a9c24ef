"""Pydantic models mirroring the public wire contract (spec/api-compat.md)."""

from zgpu.api.schemas.errors import ErrorBody, ErrorEnvelope
from zgpu.api.schemas.models import ModelCard, ModelList, ModelPricing, format_micro_usd
from zgpu.api.schemas.responses import (
    CreateResponseRequest,
    InputMessage,
    InputTextPart,
    OutputMessage,
    OutputText,
    ResponseObject,
    TextConfig,
    TextFormat,
    Usage,
)

__all__ = [
    "CreateResponseRequest",
    "ErrorBody",
    "ErrorEnvelope",
    "InputMessage",
    "InputTextPart",
    "ModelCard",
    "ModelList",
    "ModelPricing",
    "OutputMessage",
    "OutputText",
    "ResponseObject",
    "TextConfig",
    "TextFormat",
    "Usage",
    "format_micro_usd",
]
