"""The services one gateway process composes, built in the app's lifespan and kept on app.state."""

from __future__ import annotations

from dataclasses import dataclass

from zgpu.api.metrics import GatewayMetrics
from zgpu.edge.dispatcher import Dispatcher
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.window import ContextWindow
from zgpu.platform.db import Database
from zgpu.platform.keys import KeyAuthenticator
from zgpu.platform.logs import RequestLogWriter


@dataclass
class Gateway:
    """Everything the request path needs, passed explicitly instead of living in globals."""

    database: Database
    authenticator: KeyAuthenticator
    registry: ModelRegistry
    window: ContextWindow
    dispatcher: Dispatcher
    log_writer: RequestLogWriter
    metrics: GatewayMetrics
    deadline_s: float
