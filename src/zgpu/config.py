"""The one settings object: every ``ZGPU_*`` environment variable is read here and nowhere else.

``Settings`` is built once by the command line and passed down; components take the narrow
slices they need (see the ``*_config`` helpers) instead of reading the environment themselves.
"""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def default_data_dir() -> Path:
    """``./data`` beside where the service is started: easy to find, easy to delete."""
    return Path.cwd() / "data"


class Settings(BaseSettings):
    """Configuration of a ZeroGPU process (gateway or node), from ``ZGPU_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="ZGPU_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite in the data directory when unset."
    )
    nats_url: str | None = Field(
        default=None,
        description="An existing NATS server; when unset the gateway starts an embedded one.",
    )
    model_dir: Path | None = Field(
        default=None,
        description="Where built model artifacts are cached; <data_dir>/models by default.",
    )
    local_worker: bool = Field(
        default=True, description="Run one cloud worker inside the gateway process."
    )
    request_deadline_s: float = Field(default=10.0, gt=0, description="Longest a request may wait.")
    max_body_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    key_cache_ttl_s: float = Field(
        default=0.5, ge=0, description="How long a key lookup is cached; bounds revocation delay."
    )
    secure_cookies: bool = Field(
        default=False,
        description="Mark session cookies Secure even on plain-HTTP requests (behind TLS proxies).",
    )
    log_retention_days: int | None = Field(
        default=90, ge=1, description="Request logs older than this are deleted; None keeps all."
    )
    billing_enforced: bool = Field(
        default=True, description="Refuse inference (402) to organizations out of credit."
    )
    welcome_credit_usd: Decimal = Field(
        default=Decimal("5.00"),
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="Credit granted to the first organization and to each sign-up.",
    )
    public_url: str | None = Field(
        default=None, description="The URL clients use to reach this server, for printed snippets."
    )
    log_level: str = "info"
    edge_enabled: bool = Field(
        default=True,
        description="Route requests to enrolled edge nodes (cloud workers remain the fallback).",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or CIDR networks whose x-forwarded-for is believed.",
    )
    edge_verify_sample: float = Field(
        default=0.05, ge=0, le=1, description="Share of edge results re-run on the cloud."
    )
    edge_hedge: bool = Field(
        default=False,
        description="After a node's p95 without an answer, also ask the cloud; first answer wins.",
    )
    node_identity_ttl_s: float = Field(
        default=10.0,
        gt=0,
        description="How long node identities read from the database stay trusted when they "
        "cannot be refreshed; past it the gateway serves from the cloud only.",
    )
    node_identity_refresh_s: float = Field(
        default=0.5,
        gt=0,
        description="How often node identities and project edge policies are re-read.",
    )
    node_heartbeat_s: float = Field(
        default=1.0, gt=0, description="Heartbeat interval edge nodes are told to keep."
    )

    @field_validator("data_dir", "model_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for entry in _comma_list(value):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"not an address or network: {entry!r}") from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        """``trusted_proxies`` as a list of addresses and networks (validated)."""
        return _comma_list(self.trusted_proxies)

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite (WAL) inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'zgpu.db'}"

    @property
    def resolved_model_dir(self) -> Path:
        """Where model artifacts live: ``model_dir`` or ``<data_dir>/models``."""
        return self.model_dir if self.model_dir is not None else self.data_dir / "models"

    @property
    def welcome_credit_micro(self) -> int:
        """``welcome_credit_usd`` in micro-dollars (money is an integer everywhere else)."""
        return int(self.welcome_credit_usd * 1_000_000)

    @property
    def base_url(self) -> str:
        """The URL printed in snippets: ``public_url`` or what the server binds to."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "localhost" if self.host in ("0.0.0.0", "127.0.0.1", "::") else self.host
        return f"http://{host}:{self.port}"
