"""``GET /v1/models``: the catalogue, in OpenAI's list shape plus task, window and prices."""

from __future__ import annotations

from fastapi import APIRouter

from zgpu.api.deps import GatewayDep
from zgpu.api.schemas.models import ModelList

router = APIRouter(tags=["models"])


@router.get("/v1/models", operation_id="listModels", summary="List the models")
async def list_models(gateway: GatewayDep) -> ModelList:
    """Every model this server runs, with its context window and prices."""
    return ModelList.from_registry(gateway.registry)
