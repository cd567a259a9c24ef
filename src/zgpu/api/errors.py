"""Errors at the HTTP edge, and the one place where any error becomes an HTTP response.

HTTP-level problems found inside ``zgpu.api`` raise ``ApiError`` subclasses::

    ApiError(message, code=None, param=None)      400 invalid_request_error
    ├── InvalidRequest                            400 invalid_request_error
    ├── UnsupportedMediaType                      415 invalid_request_error
    ├── RequestTooLarge                           413 invalid_request_error / request_too_large
    ├── RouteNotFound                             404 not_found_error
    └── MethodNotAllowed                          405 invalid_request_error

The other packages raise their own errors, which know nothing of HTTP. ``ERROR_TABLE`` maps
each class to ``(status, type, code)``; ``resolve_mapping`` walks the exception's MRO, so a
subclass inherits its nearest mapped ancestor's row. Anything unmapped is a bug: 500
``internal_error``, logged with its traceback, the message carrying the request id and nothing
of the exception.

Wire it with ``install_error_handlers(app)``; document routes with ``error_responses(...)``.
Every error response is ``{"error": {"message", "type", "code", "param"}}`` with an
``x-request-id`` header, and 503 and 429 responses carry ``retry-after``: the exception's
``retry_after_s`` attribute rounded up to whole seconds, or 1.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, cast

from fastapi.exceptions import RequestValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from zgpu.api.ids import request_id_for
from zgpu.api.schemas.errors import ErrorEnvelope
from zgpu.edge.errors import DeadlineExceeded, EdgeError, FabricError, NoCapacity
from zgpu.nlm.errors import ContextLengthExceeded, NlmError, Overloaded, UnknownModel
from zgpu.platform.billing import PaymentDeclined
from zgpu.platform.errors import (
    Conflict,
    Forbidden,
    InsufficientQuota,
    InvalidArgument,
    InvalidKey,
    NotFound,
    PlatformError,
    ProjectForbidden,
    RateLimited,
    StorageError,
    Unauthenticated,
)

logger = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_S: Final = 1
CONTEXT_LENGTH_EXCEEDED_STATUS: Final = 420
"""Not in ``http.HTTPStatus``: uvicorn sends it with an empty reason phrase, which is valid."""
CLIENT_CLOSED_REQUEST_STATUS: Final = 499
"""nginx's convention for a request whose client went away before the answer."""


class ApiError(Exception):
    """Base of the HTTP-level errors raised inside ``zgpu.api``.

    ``message`` is shown to the caller; ``code`` is a machine id (the table's code wins when
    the row has one); ``param`` names the offending input, as a dotted path.
    """

    default_code: str | None = None

    def __init__(self, message: str, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.param = param


class InvalidRequest(ApiError):
    """The request is malformed or violates the schema; ``param`` names the field."""


class UnsupportedMediaType(ApiError):
    """The body is not sent as ``application/json``."""


class RequestTooLarge(ApiError):
    """The body is over the size limit."""

    default_code = "request_too_large"


class RouteNotFound(ApiError):
    """No route, or no resource, answers to this path."""


class MethodNotAllowed(ApiError):
    """The route exists but not for this method."""


@dataclass(frozen=True, slots=True)
class ErrorMapping:
    """How one class of error goes out: status, ``type``, and defaults for code and param.

    ``code`` and ``param``, when set, are the row's; otherwise the exception's own ``code`` and
    ``param`` attributes are used. ``retry_after`` adds the ``retry-after`` header.
    """

    status: int
    type: str
    code: str | None = None
    param: str | None = None
    retry_after: bool = False


INTERNAL_ERROR: Final = ErrorMapping(500, "internal_error")
_INVALID: Final = "invalid_request_error"
_UNAVAILABLE: Final = ErrorMapping(503, "service_unavailable", retry_after=True)

ERROR_TABLE: Final[Mapping[type[Exception], ErrorMapping]] = MappingProxyType(
    {
        # zgpu.api
        ApiError: ErrorMapping(400, _INVALID),
        InvalidRequest: ErrorMapping(400, _INVALID),
        UnsupportedMediaType: ErrorMapping(415, _INVALID, code="unsupported_media_type"),
        RequestTooLarge: ErrorMapping(413, _INVALID, code="request_too_large"),
        RouteNotFound: ErrorMapping(404, "not_found_error"),
        MethodNotAllowed: ErrorMapping(405, _INVALID, code="method_not_allowed"),
        RequestValidationError: ErrorMapping(400, _INVALID),
        # The caller left mid-body: nobody reads this answer, but logs and metrics do.
        ClientDisconnect: ErrorMapping(
            CLIENT_CLOSED_REQUEST_STATUS, _INVALID, code="client_closed"
        ),
        # zgpu.nlm
        ContextLengthExceeded: ErrorMapping(
            CONTEXT_LENGTH_EXCEEDED_STATUS, _INVALID, code="context_length_exceeded", param="input"
        ),
        Overloaded: _UNAVAILABLE,
        UnknownModel: ErrorMapping(400, _INVALID, code="model_not_found", param="model"),
        # zgpu.edge
        NoCapacity: _UNAVAILABLE,
        DeadlineExceeded: _UNAVAILABLE,
        FabricError: _UNAVAILABLE,
        # zgpu.platform
        InvalidArgument: ErrorMapping(400, _INVALID),
        InvalidKey: ErrorMapping(401, "authentication_error"),
        ProjectForbidden: ErrorMapping(403, "permission_error"),
        NotFound: ErrorMapping(404, "not_found_error"),
        Conflict: ErrorMapping(409, "conflict_error"),
        StorageError: _UNAVAILABLE,
        Unauthenticated: ErrorMapping(401, "authentication_error"),
        Forbidden: ErrorMapping(403, "permission_error"),
        RateLimited: ErrorMapping(429, "rate_limit_exceeded", retry_after=True),
        InsufficientQuota: ErrorMapping(402, "insufficient_quota", code="insufficient_quota"),
        PaymentDeclined: ErrorMapping(402, "card_error"),
    }
)
"""Class → how it goes out. Unlisted classes (and unlisted package bases) are 500s."""

_TYPE_BY_STATUS: Final[Mapping[int, str]] = MappingProxyType(
    {
        401: "authentication_error",
        402: "insufficient_quota",
        403: "permission_error",
        404: "not_found_error",
        409: "conflict_error",
        429: "rate_limit_exceeded",
        500: "internal_error",
        503: "service_unavailable",
    }
)

STATUS_DESCRIPTIONS: Final[Mapping[int, str]] = MappingProxyType(
    {
        400: "Malformed JSON, a schema violation (param names the field) or an unknown model.",
        401: "Missing, unknown or revoked API key.",
        402: "The organization is out of credit.",
        403: "The project id is not the key's, or the project is archived.",
        404: "Unknown route or resource.",
        405: "The route does not accept this method.",
        409: "The change conflicts with existing state.",
        413: "The body is over the size limit.",
        415: "The content-type is not application/json.",
        420: "The input is over the model's token limit (models configured to reject).",
        429: "Rate limited; retry after the retry-after header's seconds.",
        500: "A server bug; the message carries the request id.",
        503: "No capacity could serve the request in time; retry after retry-after seconds.",
    }
)


def resolve_mapping(exc_type: type[BaseException]) -> ErrorMapping:
    """The row of the nearest class in ``exc_type``'s MRO; ``INTERNAL_ERROR`` when none."""
    for cls in exc_type.__mro__:
        mapping = ERROR_TABLE.get(cls)
        if mapping is not None:
            return mapping
    return INTERNAL_ERROR


def describe_error(exc: BaseException) -> tuple[int, str, str | None]:
    """``(status, type, code)`` that ``exc`` goes out with (for logs and metrics)."""
    mapping = resolve_mapping(type(exc))
    return mapping.status, mapping.type, _code_of(exc, mapping)


def type_for_status(status: int) -> str:
    """The envelope ``type`` for a bare status (used for Starlette's ``HTTPException``)."""
    default = _INVALID if status < 500 else "service_unavailable"
    return _TYPE_BY_STATUS.get(status, default)


def param_from_loc(loc: Sequence[int | str]) -> str | None:
    """A validation location as a dotted path: ``("input", 0, "role")`` → ``"input.0.role"``."""
    return ".".join(str(part) for part in loc) or None


def invalid_request_from_errors(errors: Sequence[Mapping[str, Any]]) -> InvalidRequest:
    """An ``InvalidRequest`` naming the first of pydantic's ``errors()``.

    Pass ``ValidationError.errors(include_url=False, include_input=False)``; locations must be
    relative to the body (strip FastAPI's leading ``"body"`` first).
    """
    if not errors:
        return InvalidRequest("The request body is invalid.")
    first = errors[0]
    param = param_from_loc(first.get("loc", ()))
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if param is None:
        text = f"Invalid request: {message}."
    elif first.get("type") == "missing":
        text = f"Missing required parameter '{param}'."
    else:
        text = f"Invalid '{param}': {message}."
    if len(errors) > 1:
        text += f" ({len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} found.)"
    return InvalidRequest(text, param=param)


def error_response(
    status: int,
    envelope: ErrorEnvelope,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The HTTP response for ``envelope`` with ``x-request-id`` (and any extra headers)."""
    all_headers = dict(headers or {})
    all_headers["x-request-id"] = request_id
    return Response(
        envelope.model_dump_json().encode(),
        status_code=status,
        headers=all_headers,
        media_type="application/json",
    )


def render_error(exc: BaseException, request_id: str) -> Response:
    """The response for any exception, through ``ERROR_TABLE``.

    Unmapped exceptions become a 500 whose message names only the request id; logging them is
    the caller's job (the installed handlers do it).
    """
    mapping = resolve_mapping(type(exc))
    if mapping is INTERNAL_ERROR:
        envelope = ErrorEnvelope.of(
            f"The server had an internal error (request id {request_id}).", mapping.type
        )
        return error_response(mapping.status, envelope, request_id)
    message = getattr(exc, "message", None)
    param = getattr(exc, "param", None)
    envelope = ErrorEnvelope.of(
        message if isinstance(message, str) and message else str(exc) or type(exc).__name__,
        mapping.type,
        code=_code_of(exc, mapping),
        param=param if isinstance(param, str) and param else mapping.param,
    )
    headers = {"retry-after": _retry_after(exc)} if mapping.retry_after else None
    return error_response(mapping.status, envelope, request_id, headers)


def _code_of(exc: BaseException, mapping: ErrorMapping) -> str | None:
    if mapping.code is not None or mapping is INTERNAL_ERROR:
        return mapping.code
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) and code else None


def _retry_after(exc: BaseException) -> str:
    """Whole seconds from the exception's ``retry_after_s`` (or ``retry_after``), at least 1."""
    for name in ("retry_after_s", "retry_after"):
        seconds = getattr(exc, name, None)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            continue
        if 0 < seconds < math.inf:
            return str(max(1, math.ceil(seconds)))
    return str(DEFAULT_RETRY_AFTER_S)


async def _handle_mapped(request: Request, exc: Exception) -> Response:
    request_id = request_id_for(request.scope)
    status, _, code = describe_error(exc)
    if status == INTERNAL_ERROR.status:
        _log_unexpected(request, exc, request_id)
    elif status >= 500:
        logger.warning(
            "%s %s answered %d %s (request id %s): %s",
            request.method,
            request.url.path,
            status,
            code,
            request_id,
            exc,
        )
    return render_error(exc, request_id)


async def _handle_validation(request: Request, exc: Exception) -> Response:
    raw = cast(RequestValidationError, exc).errors()
    errors = [{**error, "loc": _strip_source(tuple(error.get("loc", ())))} for error in raw]
    return render_error(invalid_request_from_errors(errors), request_id_for(request.scope))


async def _handle_http(request: Request, exc: Exception) -> Response:
    http_exc = cast(HTTPException, exc)
    status = http_exc.status_code
    request_id = request_id_for(request.scope)
    message = str(http_exc.detail)
    if status == 404 and message == "Not Found":  # Starlette's router: no route matched
        message = f"No route matches {request.method} {request.url.path}."
    elif status == 405 and message == "Method Not Allowed":
        message = f"{request.url.path} does not accept {request.method}."
    code = "method_not_allowed" if status == 405 else None
    envelope = ErrorEnvelope.of(message, type_for_status(status), code=code)
    return error_response(status, envelope, request_id, http_exc.headers)


async def _handle_unexpected(request: Request, exc: Exception) -> Response:
    request_id = request_id_for(request.scope)
    _log_unexpected(request, exc, request_id)
    return render_error(exc, request_id)


def _log_unexpected(request: Request, exc: BaseException, request_id: str) -> None:
    log_unexpected_error(exc, request_id, request.method, request.url.path)


def log_unexpected_error(exc: BaseException, request_id: str, method: str, path: str) -> None:
    """Log an error that became a 500, with its traceback and the request id."""
    logger.error("unhandled error in %s %s (request id %s)", method, path, request_id, exc_info=exc)


def _strip_source(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """FastAPI prefixes locations with where the value came from; the param is the rest."""
    if len(loc) > 1 and loc[0] in {"body", "query", "path", "header", "cookie"}:
        return loc[1:]
    return loc


def install_error_handlers(app: Starlette) -> None:
    """Render every error ``app`` can raise as the envelope, through ``ERROR_TABLE``.

    Registers handlers for every class of ``ERROR_TABLE`` and the ``nlm``, ``edge`` and
    ``platform`` error bases (their unmapped subclasses are 500s), FastAPI's
    ``RequestValidationError`` (400, ``param`` the dotted field path), Starlette's
    ``HTTPException`` (unknown routes, wrong methods) and ``Exception`` (500, logged with its
    traceback). The request id is read from the scope state (``RequestContextMiddleware``
    assigns it) or assigned here.
    """
    mapped: list[type[Exception]] = [NlmError, EdgeError, PlatformError, *ERROR_TABLE]
    for cls in mapped:
        app.add_exception_handler(cls, _handle_mapped)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(HTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` documenting the envelope for each status (and ``retry-after``)."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "model": ErrorEnvelope,
            "description": STATUS_DESCRIPTIONS.get(status, "Error."),
            "headers": {"x-request-id": _REQUEST_ID_HEADER_DOC},
        }
        if status in (429, 503):
            entry["headers"]["retry-after"] = _RETRY_AFTER_HEADER_DOC
        documented[status] = entry
    return documented


_REQUEST_ID_HEADER_DOC: Final = {
    "description": "The request's id (req_…), also quoted in 500 messages.",
    "schema": {"type": "string"},
}
_RETRY_AFTER_HEADER_DOC: Final = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer"},
}
