"""The class → (status, type, code) table, and every row as it goes out through uvicorn."""

from __future__ import annotations

import json
import logging
import socket
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.exceptions import RequestValidationError
from starlette.requests import ClientDisconnect

from zgpu.api.errors import (
    ERROR_TABLE,
    INTERNAL_ERROR,
    ApiError,
    InvalidRequest,
    MethodNotAllowed,
    RequestTooLarge,
    RouteNotFound,
    UnsupportedMediaType,
    describe_error,
    error_responses,
    param_from_loc,
    resolve_mapping,
)
from zgpu.edge.errors import (
    DeadlineExceeded,
    EdgeError,
    FabricError,
    MalformedMessage,
    NatsServerError,
    NoCapacity,
)
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

from .envelope import REQUEST_ID, assert_envelope

INVALID = "invalid_request_error"
UNAVAILABLE = "service_unavailable"

# (class, status, type, code the table pins or None when the exception's own code goes out)
PINNED: list[tuple[type[Exception], int, str, str | None]] = [
    (ApiError, 400, INVALID, None),
    (InvalidRequest, 400, INVALID, None),
    (UnsupportedMediaType, 415, INVALID, "unsupported_media_type"),
    (RequestTooLarge, 413, INVALID, "request_too_large"),
    (RouteNotFound, 404, "not_found_error", None),
    (MethodNotAllowed, 405, INVALID, "method_not_allowed"),
    (RequestValidationError, 400, INVALID, None),
    (ClientDisconnect, 499, INVALID, "client_closed"),
    (ContextLengthExceeded, 420, INVALID, "context_length_exceeded"),
    (Overloaded, 503, UNAVAILABLE, None),
    (UnknownModel, 400, INVALID, "model_not_found"),
    (NoCapacity, 503, UNAVAILABLE, None),
    (DeadlineExceeded, 503, UNAVAILABLE, None),
    (FabricError, 503, UNAVAILABLE, None),
    (InvalidArgument, 400, INVALID, None),
    (InvalidKey, 401, "authentication_error", None),
    (ProjectForbidden, 403, "permission_error", None),
    (NotFound, 404, "not_found_error", None),
    (Conflict, 409, "conflict_error", None),
    (StorageError, 503, UNAVAILABLE, None),
    (Unauthenticated, 401, "authentication_error", None),
    (Forbidden, 403, "permission_error", None),
    (RateLimited, 429, "rate_limit_exceeded", None),
    (InsufficientQuota, 402, "insufficient_quota", "insufficient_quota"),
    (PaymentDeclined, 402, "card_error", None),
]


@pytest.mark.parametrize(("cls", "status", "type_", "code"), PINNED)
def test_table_row(cls: type[Exception], status: int, type_: str, code: str | None) -> None:
    mapping = ERROR_TABLE[cls]
    assert (mapping.status, mapping.type, mapping.code) == (status, type_, code)
    assert mapping.retry_after == (status in (429, 503))


def test_table_has_no_unpinned_rows() -> None:
    assert set(ERROR_TABLE) == {row[0] for row in PINNED}


class _SpecialCapacity(NoCapacity):
    pass


class _ShortOfCapacity(_SpecialCapacity):
    pass


@pytest.mark.parametrize(
    ("cls", "status"),
    [
        (_ShortOfCapacity, 503),
        (MalformedMessage, 503),
        (NatsServerError, 503),
        (type("TooLong", (ContextLengthExceeded,), {}), 420),
        (type("NoSuchRoute", (RouteNotFound,), {}), 404),
        (type("Revoked", (InvalidKey,), {}), 401),
    ],
)
def test_subclasses_resolve_through_the_mro(cls: type[BaseException], status: int) -> None:
    assert resolve_mapping(cls).status == status


@pytest.mark.parametrize(
    "cls", [RuntimeError, KeyError, NlmError, EdgeError, PlatformError, type("X", (Exception,), {})]
)
def test_unmapped_classes_are_internal_errors(cls: type[BaseException]) -> None:
    assert resolve_mapping(cls) is INTERNAL_ERROR


def test_describe_error_prefers_the_pinned_code_then_the_exceptions() -> None:
    assert describe_error(UnknownModel("nope")) == (400, INVALID, "model_not_found")
    assert describe_error(InvalidKey("who?")) == (401, "authentication_error", "invalid_api_key")
    assert describe_error(NoCapacity("busy")) == (503, UNAVAILABLE, "no_capacity")
    assert describe_error(ValueError("x")) == (500, "internal_error", None)


def test_param_from_loc() -> None:
    assert param_from_loc(("input", 0, "role")) == "input.0.role"
    assert param_from_loc(()) is None


# (name, exception, status, type, code, param) as they go out on the wire
WIRE = [
    ("api", ApiError("bad"), 400, INVALID, None, None),
    ("invalid", InvalidRequest("bad field", param="input.0"), 400, INVALID, None, "input.0"),
    ("media", UnsupportedMediaType("json please"), 415, INVALID, "unsupported_media_type", None),
    ("large", RequestTooLarge("too big"), 413, INVALID, "request_too_large", None),
    ("route", RouteNotFound("gone"), 404, "not_found_error", None, None),
    ("method", MethodNotAllowed("no"), 405, INVALID, "method_not_allowed", None),
    ("ctx", ContextLengthExceeded("too long"), 420, INVALID, "context_length_exceeded", "input"),
    ("overloaded", Overloaded("queue full"), 503, UNAVAILABLE, "overloaded", None),
    ("model", UnknownModel("which?"), 400, INVALID, "model_not_found", "model"),
    ("capacity", NoCapacity("none"), 503, UNAVAILABLE, "no_capacity", None),
    ("deadline", DeadlineExceeded("late"), 503, UNAVAILABLE, "deadline_exceeded", None),
    ("fabric", MalformedMessage("garbled"), 503, UNAVAILABLE, "malformed_message", None),
    ("argument", InvalidArgument("no", param="name"), 400, INVALID, "invalid_argument", "name"),
    ("key", InvalidKey("who?"), 401, "authentication_error", "invalid_api_key", None),
    ("project", ProjectForbidden("not yours", param="x-project-id"), 403, "permission_error",
     "project_forbidden", "x-project-id"),
    ("notfound", NotFound("no such key"), 404, "not_found_error", "not_found", None),
    ("conflict", Conflict("taken"), 409, "conflict_error", "conflict", None),
    ("storage", StorageError("db down"), 503, UNAVAILABLE, "storage_error", None),
    ("unauthenticated", Unauthenticated("sign in"), 401, "authentication_error",
     "unauthenticated", None),
    ("forbidden", Forbidden("not your role", code="csrf_token_invalid", param="x-csrf-token"),
     403, "permission_error", "csrf_token_invalid", "x-csrf-token"),
    ("ratelimited", RateLimited("slow down", retry_after_s=2.5), 429, "rate_limit_exceeded",
     "rate_limited", None),
    ("quota", InsufficientQuota("no credit"), 402, "insufficient_quota", "insufficient_quota",
     None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "exc", "status", "type_", "code", "param"), WIRE)
def test_each_mapping_goes_out_as_the_envelope(
    client: httpx.Client,
    raisable: dict[str, BaseException],
    name: str,
    exc: BaseException,
    status: int,
    type_: str,
    code: str | None,
    param: str | None,
) -> None:
    raisable[name] = exc
    response = client.get(f"/raise/{name}")
    error = assert_envelope(response, status, type_, code, param)
    assert error["message"] == str(exc)
    if status == 503:
        assert response.headers["retry-after"] == "1"
    elif status == 429:
        assert response.headers["retry-after"] == "3"  # 2.5 s, rounded up
    else:
        assert "retry-after" not in response.headers


def test_retry_after_comes_from_the_exception(
    client: httpx.Client, raisable: dict[str, BaseException]
) -> None:
    raisable["busy"] = Overloaded("busy", retry_after_s=2.2)
    assert client.get("/raise/busy").headers["retry-after"] == "3"
    raisable["instant"] = Overloaded("busy", retry_after_s=0.01)
    assert client.get("/raise/instant").headers["retry-after"] == "1"


def test_420_status_line_and_body_through_uvicorn(
    base_url: str, raisable: dict[str, BaseException]
) -> None:
    raisable["ctx420"] = ContextLengthExceeded("The input has 9000 tokens.")
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(b"GET /raise/ctx420 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    assert status_line.split(" ", 2)[:2] == ["HTTP/1.1", "420"]
    headers = dict(line.split(": ", 1) for line in header_lines)
    assert int(headers["content-length"]) == len(body)
    assert REQUEST_ID.match(headers["x-request-id"])
    assert json.loads(body) == {
        "error": {
            "message": "The input has 9000 tokens.",
            "type": INVALID,
            "code": "context_length_exceeded",
            "param": "input",
        }
    }


def test_unexpected_error_is_a_500_naming_only_the_request_id(
    client: httpx.Client, raisable: dict[str, BaseException], caplog: pytest.LogCaptureFixture
) -> None:
    raisable["bug"] = RuntimeError("secret internals")
    with caplog.at_level(logging.ERROR, logger="zgpu.api.errors"):
        response = client.get("/raise/bug")
    error = assert_envelope(response, 500, "internal_error")
    request_id = response.headers["x-request-id"]
    assert f"(request id {request_id})" in error["message"]
    assert "secret" not in response.text
    [record] = [r for r in caplog.records if r.name == "zgpu.api.errors"]
    assert request_id in record.getMessage()
    assert record.exc_info is not None
    assert record.exc_info[1] is raisable["bug"]


def test_unmapped_package_base_is_a_500(
    client: httpx.Client, raisable: dict[str, BaseException]
) -> None:
    raisable["platform"] = PlatformError("vague")
    error = assert_envelope(client.get("/raise/platform"), 500, "internal_error")
    assert "vague" not in error["message"]


def test_unknown_route_and_wrong_method(client: httpx.Client) -> None:
    error = assert_envelope(client.get("/v1/nothing"), 404, "not_found_error")
    assert "/v1/nothing" in error["message"]
    response = client.get("/v1/responses")
    assert_envelope(response, 405, INVALID, "method_not_allowed")
    assert response.headers["allow"] == "POST"


def test_fastapi_validation_error_names_the_parameter(client: httpx.Client) -> None:
    error = assert_envelope(client.get("/items"), 400, INVALID, param="limit")
    assert "limit" in error["message"]
    assert_envelope(client.get("/items", params={"limit": "0"}), 400, INVALID, param="limit")
    assert client.get("/items", params={"limit": "3"}).json() == {"limit": 3}


def test_error_responses_document_the_envelope_per_status() -> None:
    documented = error_responses(400, 420, 503)
    assert set(documented) == {400, 420, 503}
    assert "retry-after" in documented[503]["headers"]
    assert "retry-after" not in documented[420]["headers"]
    assert all("x-request-id" in entry["headers"] for entry in documented.values())


def test_openapi_documents_body_and_errors(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/responses"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["model", "input"]
    message = schema["properties"]["input"]["anyOf"][1]["items"]
    assert message["properties"]["role"]["enum"] == ["user", "system"]
    assert "$ref" not in json.dumps(schema)
    for status in ("400", "413", "415", "420", "500", "503"):
        content = operation["responses"][status]["content"]["application/json"]
        assert content["schema"]["$ref"] == "#/components/schemas/ErrorEnvelope"
    assert "ErrorEnvelope" in document["components"]["schemas"]
