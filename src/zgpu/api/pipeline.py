"""The path of one ``POST /v1/responses``, top to bottom, as ARCHITECTURE.md lays it out.

parse → authenticate → admit → resolve → dispatch → meter and record → respond. Each step is one
call into the package that owns it. Failures after the caller is known are logged to their
project too, so the Logs page shows 4xx and 5xx requests, not just successes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse

from zgpu.api.auth import authenticate
from zgpu.api.body import parse_json_body
from zgpu.api.errors import describe_error
from zgpu.api.gateway import Gateway
from zgpu.api.ids import new_message_id, new_response_id
from zgpu.api.schemas.responses import CreateResponseRequest, ResponseObject
from zgpu.edge.edge_dispatch import CLOUD_REGION, DispatchOutcome
from zgpu.edge.messages import InferReply, InferRequest
from zgpu.nlm.errors import ContextLengthExceeded, NlmError, Overloaded, UnknownModel
from zgpu.platform.errors import InvalidKey, ProjectForbidden
from zgpu.platform.keys import AuthenticatedKey
from zgpu.platform.logs import RequestLogEntry

logger = logging.getLogger(__name__)


class WorkerFailed(RuntimeError):
    """A worker hit an unexpected error running the model: a bug, so the caller sees a 500."""


@dataclass
class _Trace:
    """What is known about the request so far, for the log row and metrics."""

    request_id: str
    started: float
    key: AuthenticatedKey | None = None
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    served_by: str | None = None
    route: str | None = None
    region: str | None = None


async def create_response(request: Request, gateway: Gateway) -> JSONResponse:
    """Answer one Responses API call; every outcome after authentication leaves a log row."""
    trace = _Trace(request_id=request.state.request_id, started=time.perf_counter())
    try:
        body = await parse_json_body(request, CreateResponseRequest)  # 1 parse
        trace.model = body.model
        trace.key = await authenticate(gateway.authenticator, request.headers)  # 2 authenticate
        await gateway.credit.admit(trace.key.organization_id)  # 3 admit
        spec = gateway.registry.get(body.model)  # 4 resolve
        fitted = gateway.window.fit(spec, body.task_text())
        trace.input_tokens = fitted.tokens
        outcome = await _dispatch(request, gateway, trace, body, fitted.text)  # 5 route, dispatch
        if outcome.served_by == "cloud":  # an edge node's own count is not trusted for billing
            trace.input_tokens = outcome.reply.input_tokens
        trace.output_tokens = outcome.reply.output_tokens
        await _record(gateway, trace, status=200, error_code=None)  # 6 meter and record
        return _respond(trace, body, outcome)  # 7 respond
    except Exception as exc:
        await _record_failure(request, gateway, trace, exc)
        raise


async def _dispatch(
    request: Request, gateway: Gateway, trace: _Trace, body: CreateResponseRequest, text: str
) -> DispatchOutcome:
    """Run the request on an edge node or the cloud workers; note who served it."""
    deadline = time.time() + gateway.deadline_s
    infer = InferRequest(
        request_id=trace.request_id,
        model=body.model,
        text=text,
        max_output_tokens=body.max_output_tokens,
        deadline_unix_ms=int(deadline * 1000),
    )
    if gateway.edge is None or trace.key is None:
        reply = await gateway.dispatcher.dispatch(infer, deadline_s=gateway.deadline_s)
        outcome = DispatchOutcome(reply, "cloud", reply.worker_id, CLOUD_REGION)
    else:
        outcome = await gateway.edge.dispatch(
            infer,
            key=trace.key,
            headers=request.headers,
            peer=request.client.host if request.client is not None else None,
            tokens=trace.input_tokens,
            deadline_s=gateway.deadline_s,
        )
    trace.served_by, trace.route, trace.region = outcome.node_id, outcome.served_by, outcome.region
    if not outcome.reply.ok:
        raise _reply_error(outcome.reply)
    return outcome


# The model errors a worker reports by code, turned back into the exception it raised.
_WORKER_ERRORS: dict[str, type[NlmError]] = {
    error.code: error for error in (ContextLengthExceeded, UnknownModel, Overloaded)
}


def _reply_error(reply: InferReply) -> Exception:
    """Turn a worker's refusal back into the error the worker raised."""
    message = reply.error_message or "The model could not process this input."
    error_type = _WORKER_ERRORS.get(reply.error_code or "")
    if error_type is None:
        return WorkerFailed(f"worker {reply.worker_id} failed: {reply.error_code}: {message}")
    return error_type(message, param=reply.error_param)


def _respond(trace: _Trace, body: CreateResponseRequest, outcome: DispatchOutcome) -> JSONResponse:
    reply = outcome.reply
    now = int(time.time())
    payload = ResponseObject.completed(
        response_id=new_response_id(),
        message_id=new_message_id(),
        created=now,
        model=body.model,
        text=reply.text,
        input_tokens=trace.input_tokens,
        output_tokens=trace.output_tokens,
        metadata=body.metadata or {},
    )
    headers = {
        "x-zerogpu-served-by": outcome.served_by,
        "x-zerogpu-node-id": outcome.node_id or reply.worker_id,
        "x-zerogpu-region": outcome.region or CLOUD_REGION,
    }
    return JSONResponse(payload.model_dump(mode="json"), headers=headers)


async def _record(gateway: Gateway, trace: _Trace, status: int, error_code: str | None) -> None:
    """Write the log row durably (group commit) and count the request in the metrics."""
    latency_s = time.perf_counter() - trace.started
    known_model = trace.model if trace.model in gateway.registry else "unknown"
    gateway.metrics.observe(known_model, status, latency_s, trace.input_tokens, trace.output_tokens)
    if trace.key is None:
        return
    await gateway.log_writer.record(
        RequestLogEntry(
            request_id=trace.request_id,
            project_id=trace.key.project_id,
            api_key_id=trace.key.key_id,
            model=trace.model[:128],
            status=status,
            error_code=error_code,
            latency_ms=round(latency_s * 1000, 3),
            input_tokens=trace.input_tokens if status == 200 else 0,
            output_tokens=trace.output_tokens,
            served_by=trace.served_by,
            route=trace.route,
            region=trace.region,
            created_at=datetime.now(UTC),
        )
    )


async def _model_named_in(request: Request) -> str:
    """The ``model`` of a body that failed validation, when it names one, so the log row of
    the failure says which model the caller asked for (``""`` otherwise)."""
    try:
        parsed = orjson.loads(await request.body())  # the body was already read: cached
    except (orjson.JSONDecodeError, RuntimeError):
        return ""
    model = parsed.get("model") if isinstance(parsed, dict) else None
    return model if isinstance(model, str) else ""


async def _record_failure(
    request: Request, gateway: Gateway, trace: _Trace, exc: Exception
) -> None:
    """Log a failed request to its project when the caller can be identified."""
    if trace.key is None and not isinstance(exc, InvalidKey | ProjectForbidden):
        # Parsing failed before authentication: find the caller to log the 4xx to its project.
        try:
            trace.key = await authenticate(gateway.authenticator, request.headers)
        except Exception:
            trace.key = None
    if not trace.model:
        trace.model = await _model_named_in(request)
    status, error_type, code = describe_error(exc)
    try:
        # Validation errors have no code of their own; the type still says what kind it was.
        await _record(gateway, trace, status=status, error_code=code or error_type)
    except Exception:
        # The client gets its original error; the failed write is reported here, not hidden.
        logger.exception("could not record the failed request %s", trace.request_id)
