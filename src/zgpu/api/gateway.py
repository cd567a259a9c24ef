"""The services one gateway process composes, built in the app's lifespan and kept on app.state."""

from __future__ import annotations

from dataclasses import dataclass, field

from zgpu.api.credit import CreditGate
from zgpu.api.edge_routing import EdgeRouting
from zgpu.api.metrics import GatewayMetrics
from zgpu.edge.dispatcher import Dispatcher
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.window import ContextWindow
from zgpu.platform.db import Database
from zgpu.platform.keys import KeyAuthenticator
from zgpu.platform.logs import RequestLogWriter
from zgpu.platform.sessions import SessionPolicy
from zgpu.platform.signin_limits import SigninLimits
from zgpu.platform.users import PasswordHashing


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
    credit: CreditGate
    # The management API: password hashing, session lifetimes, sign-in limits, cookie flags.
    passwords: PasswordHashing = field(default_factory=PasswordHashing)
    session_policy: SessionPolicy = field(default_factory=SessionPolicy)
    signin_limits: SigninLimits = field(default_factory=SigninLimits)
    secure_cookies: bool = False
    # Credit granted to each new sign-up's organization, in micro-dollars.
    welcome_credit_micro: int = 0
    # The edge network (routing to nodes, cloud fallback); ``None``: cloud workers only.
    edge: EdgeRouting | None = None
