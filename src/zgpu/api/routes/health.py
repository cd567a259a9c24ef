"""Liveness, readiness and Prometheus metrics for operators and load balancers."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from zgpu.api.deps import GatewayDep
from zgpu.platform.db import Database

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="health", summary="Liveness")
async def healthz() -> dict[str, str]:
    """The process is up and serving HTTP."""
    return {"status": "ok"}


@router.get("/readyz", operation_id="ready", summary="Readiness")
async def readyz(gateway: GatewayDep) -> JSONResponse:
    """Ready when the database answers and the fabric is connected; 503 otherwise."""
    database_ok = await asyncio.to_thread(_database_ok, gateway.database)
    checks = {"database": database_ok, "fabric": gateway.dispatcher.connected}
    ready = all(checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status_code=200 if ready else 503,
    )


def _database_ok(database: Database) -> bool:
    """Blocking probe, run off the event loop so a slow database stalls no other request."""
    try:
        with database.session() as session:
            session.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


@router.get("/metrics", operation_id="metrics", summary="Prometheus metrics")
async def metrics(gateway: GatewayDep) -> Response:
    """Counters and histograms in the Prometheus text format."""
    return Response(gateway.metrics.render(), media_type=gateway.metrics.content_type)
