"""Reading a JSON request body into a schema model, with an exact 4xx for every client mistake.

POST handlers read their own body (instead of declaring a FastAPI body parameter) so that each
failure gets the contract's status and ``param``::

    @router.post("/v1/responses", openapi_extra=openapi_body(CreateResponseRequest),
                 responses=error_responses(400, 413, 415, ...))
    async def create(request: Request) -> ...:
        body = await parse_json_body(request, CreateResponseRequest)

or, as a dependency, ``body: Annotated[CreateResponseRequest, Depends(json_body(...))]``.
``openapi_body`` puts the model's schema in the OpenAPI document, since FastAPI cannot see it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from zgpu.api.errors import InvalidRequest, UnsupportedMediaType, invalid_request_from_errors

JSON_MEDIA_TYPE: Final = "application/json"
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF8_NAMES: Final = frozenset({"utf-8", "utf8"})

ModelT = TypeVar("ModelT", bound=BaseModel)


def check_json_content_type(content_type: str | None) -> None:
    """Accept ``application/json``, with parameters, and no charset other than UTF-8.

    Raises ``UnsupportedMediaType`` (415) otherwise, naming the expected type.
    """
    if content_type is None or not content_type.strip():
        raise UnsupportedMediaType(
            f"Missing content-type header: send the body as {JSON_MEDIA_TYPE}."
        )
    media_type, *parameters = content_type.split(";")
    if media_type.strip().lower() != JSON_MEDIA_TYPE:
        raise UnsupportedMediaType(
            f"Unsupported content-type '{media_type.strip()}': send the body as {JSON_MEDIA_TYPE}."
        )
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in _UTF8_NAMES:
            raise UnsupportedMediaType(
                f"Unsupported charset '{charset}': send the body as {JSON_MEDIA_TYPE} in UTF-8."
            )


def decode_json_object(body: bytes) -> dict[str, Any]:
    """Parse ``body`` as a UTF-8 JSON object (a leading byte order mark is skipped).

    Raises ``InvalidRequest`` (400) for an empty body, invalid UTF-8, invalid JSON (with the
    line and column of the error; also for NaN, Infinity and nesting deeper than 1024) and for
    JSON that is not an object. Duplicate keys keep the last value.
    """
    body = body.removeprefix(_UTF8_BOM)
    if not body.strip():
        raise InvalidRequest("The request body is empty: send a JSON object.")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidRequest("The request body is not valid UTF-8.") from None
        raise InvalidRequest(
            f"The request body is not valid JSON: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno})."
        ) from None
    if not isinstance(data, dict):
        raise InvalidRequest(f"The request body must be a JSON object, not {_json_kind(data)}.")
    return data


def validate_body(data: dict[str, Any], model: type[ModelT]) -> ModelT:
    """Validate a decoded body; raises ``InvalidRequest`` whose ``param`` is the dotted path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        raise invalid_request_from_errors(errors) from None


async def parse_json_body(request: Request, model: type[ModelT]) -> ModelT:
    """Read, decode and validate ``request``'s body as ``model``.

    Raises ``UnsupportedMediaType`` (415), ``InvalidRequest`` (400; see ``decode_json_object``
    and ``validate_body``) and, through ``RequestContextMiddleware``, ``RequestTooLarge`` (413).
    Nothing a client can send makes it raise anything else.
    """
    check_json_content_type(request.headers.get("content-type"))
    return validate_body(decode_json_object(await request.body()), model)


def json_body(model: type[ModelT]) -> Callable[[Request], Awaitable[ModelT]]:
    """A FastAPI dependency that returns ``parse_json_body(request, model)``."""

    async def dependency(request: Request) -> ModelT:
        return await parse_json_body(request, model)

    return dependency


def openapi_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` that documents ``model`` as the required ``application/json`` body.

    The schema is inlined (``$defs`` references resolved) so it stands alone in the operation.
    Raises ``ValueError`` for a recursive model, which cannot be inlined.
    """
    schema = model.model_json_schema(mode="validation")
    definitions = schema.pop("$defs", {})
    inlined = _inline_refs(schema, definitions, ())
    return {
        "requestBody": {
            "required": True,
            "content": {JSON_MEDIA_TYPE: {"schema": inlined}},
        }
    }


def _inline_refs(node: Any, definitions: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline_refs(item, definitions, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        if name in seen:
            raise ValueError(f"cannot inline the recursive schema {name}")
        target = _inline_refs(definitions[name], definitions, (*seen, name))
        siblings = {k: _inline_refs(v, definitions, seen) for k, v in node.items() if k != "$ref"}
        return {**target, **siblings}
    return {key: _inline_refs(value, definitions, seen) for key, value in node.items()}


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"
