"""``create_app(settings)``: the gateway's FastAPI application, built from passed-in settings.

The lifespan opens the database, the fabric connection, the edge network (node registry,
router, edge dispatcher, verifier, caller locator; unless ``edge_enabled`` is off) and the log
writer, and puts them on ``app.state.gateway``; what the node enrollment routes need goes on
``app.state.edge_enrollment``. Nothing is built at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from zgpu import __version__
from zgpu.api.billing_jobs import BillingJobs
from zgpu.api.credit import CreditGate
from zgpu.api.dashboard import mount_dashboard
from zgpu.api.edge_routing import EdgeRouting, edge_routing_config
from zgpu.api.errors import install_error_handlers
from zgpu.api.gateway import Gateway
from zgpu.api.management import management_routers
from zgpu.api.management.routes_nodes import EdgeEnrollment
from zgpu.api.metrics import GatewayMetrics
from zgpu.api.middleware import RequestContextMiddleware
from zgpu.api.routes import health, models, node_artifacts, responses
from zgpu.config import Settings
from zgpu.edge.dispatcher import Dispatcher
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.window import ContextWindow
from zgpu.platform.billing import Billing
from zgpu.platform.db import Database
from zgpu.platform.keys import KeyAuthenticator
from zgpu.platform.logs import RequestLogWriter, RetentionPruner
from zgpu.web import DIST_DIR


def create_app(settings: Settings, window: ContextWindow, registry: ModelRegistry) -> FastAPI:
    """Build the gateway app.

    ``settings.nats_url`` must point at a running NATS server (``zgpu serve`` starts an
    embedded one first); ``window`` is the tokenizer used to count and fit input.
    """
    if not settings.nats_url:
        raise ValueError("create_app needs settings.nats_url")
    nats_url = settings.nats_url

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.resolved_database_url)
        dispatcher = Dispatcher(nats_url)
        await dispatcher.connect()
        edge = (
            await EdgeRouting.open(database, dispatcher, nats_url, edge_routing_config(settings))
            if settings.edge_enabled
            else None
        )
        app.state.edge_enrollment = EdgeEnrollment(
            database=database,
            nats_url=nats_url,
            heartbeat_interval_s=settings.node_heartbeat_s,
            locator=edge.locator if edge is not None else None,
        )
        billing_jobs = BillingJobs(database, Billing())
        await billing_jobs.start()
        log_writer = RequestLogWriter(
            database, bill_usage=True, on_billed=billing_jobs.usage_billed
        )
        await log_writer.start()
        authenticator = KeyAuthenticator(database, cache_ttl_s=settings.key_cache_ttl_s)
        pruner = RetentionPruner(database, default_days=settings.log_retention_days)
        await pruner.start()
        app.state.gateway = Gateway(
            database=database,
            authenticator=authenticator,
            registry=registry,
            window=window,
            dispatcher=dispatcher,
            log_writer=log_writer,
            metrics=GatewayMetrics(),
            deadline_s=settings.request_deadline_s,
            credit=CreditGate(database, enforced=settings.billing_enforced),
            secure_cookies=settings.secure_cookies,
            welcome_credit_micro=settings.welcome_credit_micro,
            edge=edge,
        )
        try:
            yield
        finally:
            await pruner.stop()
            await log_writer.stop()
            await billing_jobs.stop()
            await authenticator.aclose()
            if edge is not None:
                await edge.close()
            await dispatcher.close()
            database.dispose()

    app = FastAPI(
        title="ZeroGPU",
        version=__version__,
        summary="Nano Language Models behind one endpoint, on CPUs and edge devices.",
        lifespan=lifespan,
    )
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    install_error_handlers(app)
    for router in (responses.router, models.router, health.router):
        app.include_router(router)
    app.include_router(node_artifacts.router_for(settings.resolved_model_dir))
    for router in management_routers():
        app.include_router(router)
    mount_dashboard(app, DIST_DIR)  # last: its catch-all answers only what no route did
    return app
