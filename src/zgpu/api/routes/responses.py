"""``POST /v1/responses``: the one inference endpoint every client uses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from zgpu.api.body import openapi_body
from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.pipeline import create_response
from zgpu.api.schemas.responses import CreateResponseRequest, ResponseObject

router = APIRouter(tags=["responses"])


@router.post(
    "/v1/responses",
    operation_id="createResponse",
    summary="Run a model on the input",
    response_model=ResponseObject,
    responses=error_responses(400, 401, 403, 413, 415, 420, 500, 503),
    openapi_extra=openapi_body(CreateResponseRequest),
)
async def responses(request: Request, gateway: GatewayDep) -> JSONResponse:
    """Send input to a Nano Language Model and get its output as a Responses object."""
    return await create_response(request, gateway)
