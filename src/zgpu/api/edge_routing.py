"""``EdgeRouting``: the gateway's side of the edge network, for step 5 of the request path.

For one request it decides where the caller is (``x-zerogpu-location`` hint, else GeoIP of the
client address, believing ``x-forwarded-for`` only from trusted proxies), looks up the
project's edge policy, and hands the request to the
:class:`~zgpu.edge.edge_dispatch.EdgeDispatcher`: the best edge node by expected completion
time, with the cloud workers as fallback (deadline, node error, no candidate) and optional
hedging. A sample of edge answers is re-run on the cloud; a node that disagrees is quarantined
in its database record.

:meth:`EdgeRouting.open` builds the parts from an :class:`EdgeRoutingConfig` (see
:func:`edge_routing_config` for the settings it comes from); :meth:`EdgeRouting.close` stops
them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from zgpu.api.edge_directory import DirectoryConfig, EdgeDirectory
from zgpu.config import Settings
from zgpu.edge.dispatcher import Dispatcher
from zgpu.edge.edge_dispatch import DispatchOutcome, EdgeDispatchConfig, EdgeDispatcher
from zgpu.edge.geoip import CallerLocator, GeoIpDatabase, GeoIpUnavailable
from zgpu.edge.messages import InferRequest
from zgpu.edge.registry import NodeRegistry, RegistryConfig
from zgpu.edge.router import EdgePolicy, Router
from zgpu.edge.verification import VerificationConfig, Verifier
from zgpu.platform.db import Database
from zgpu.platform.keys import AuthenticatedKey
from zgpu.platform.nodes import NodeTrustStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EdgeRoutingConfig:
    """The edge network's slice of the settings.

    ``trusted_proxies``: addresses/networks whose ``x-forwarded-for`` is believed;
    ``verify_sample``: share of edge results re-run on the cloud (0 disables);
    ``verify_deadline_s``: how long one re-run may take; ``hedge``: also ask the cloud after a
    node's p95; ``heartbeat_s``: the nodes' heartbeat interval; ``geoip``: locate callers by
    address (needs the DB-IP database package).
    """

    trusted_proxies: tuple[str, ...] = ()
    verify_sample: float = 0.05
    verify_deadline_s: float = 10.0
    hedge: bool = False
    heartbeat_s: float = 1.0
    directory: DirectoryConfig = field(default_factory=DirectoryConfig)
    geoip: bool = True


def edge_routing_config(settings: Settings) -> EdgeRoutingConfig:
    """The :class:`EdgeRoutingConfig` described by ``settings``."""
    return EdgeRoutingConfig(
        trusted_proxies=tuple(settings.trusted_proxy_list),
        verify_sample=settings.edge_verify_sample,
        verify_deadline_s=settings.request_deadline_s,
        hedge=settings.edge_hedge,
        heartbeat_s=settings.node_heartbeat_s,
        directory=DirectoryConfig(
            refresh_s=settings.node_identity_refresh_s, ttl_s=settings.node_identity_ttl_s
        ),
    )


def _open_geoip(enabled: bool) -> GeoIpDatabase | None:
    if not enabled:
        return None
    try:
        return GeoIpDatabase()
    except GeoIpUnavailable as exc:
        log.warning("callers are located by hint only: %s", exc.message)
        return None


class EdgeRouting:
    """Locate the caller, apply the project's policy, dispatch to edge or cloud.

    Built by :meth:`open`; ``directory`` keeps node identities and project policies current;
    ``locator`` also places enrolling nodes.
    """

    def __init__(
        self,
        dispatcher: EdgeDispatcher,
        locator: CallerLocator,
        directory: EdgeDirectory,
        geoip: GeoIpDatabase | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.locator = locator
        self.directory = directory
        self._geoip = geoip

    @property
    def registry(self) -> NodeRegistry:
        """The live fleet view."""
        return self.dispatcher.registry

    @classmethod
    async def open(
        cls, database: Database, cloud: Dispatcher, nats_url: str, config: EdgeRoutingConfig
    ) -> EdgeRouting:
        """Build and start the edge side over a connected cloud ``Dispatcher`` (not owned).

        Raises:
            FabricError: the fabric cannot be reached or subscribed to.
            ValueError: a trusted proxy entry is not an address or network.
        """
        geoip = _open_geoip(config.geoip)
        locator = CallerLocator.build(geoip, config.trusted_proxies)
        registry = NodeRegistry(RegistryConfig(interval_s=config.heartbeat_s))
        verifier = None
        if config.verify_sample > 0:
            verifier = Verifier(
                cloud,
                registry,
                NodeTrustStore(database),
                VerificationConfig(
                    sample_rate=config.verify_sample, deadline_s=config.verify_deadline_s
                ),
            )
        dispatcher = EdgeDispatcher(
            nats_url,
            cloud,
            Router(registry),
            verifier=verifier,
            config=EdgeDispatchConfig(hedge=config.hedge),
        )
        directory = EdgeDirectory(database, registry, config.directory)
        await directory.start()
        try:
            await dispatcher.start()
        except BaseException:
            await directory.stop()
            if geoip is not None:
                geoip.close()
            raise
        return cls(dispatcher, locator, directory, geoip)

    async def close(self) -> None:
        """Stop following the fleet, wait for verification re-runs, release the database."""
        await self.directory.stop()
        await self.dispatcher.close()
        if self._geoip is not None:
            self._geoip.close()

    async def dispatch(
        self,
        request: InferRequest,
        *,
        key: AuthenticatedKey,
        headers: Mapping[str, str],
        peer: str | None,
        tokens: int,
        deadline_s: float,
    ) -> DispatchOutcome:
        """Serve ``request`` for the key's project on an edge node or the cloud.

        Raises:
            NoCapacity, DeadlineExceeded, FabricError: the cloud fallback failed too.
        """
        policy = self.directory.policy(key.project_id)
        origin = None
        if policy is not EdgePolicy.CLOUD_ONLY and len(self.registry) > 0:
            origin = self.locator.locate(headers, peer).point
        return await self.dispatcher.dispatch(
            request,
            origin=origin,
            policy=policy,
            organization_id=key.organization_id,
            deadline_s=deadline_s,
            tokens=tokens,
        )
