"""A NATS cluster of local ``nats-server`` processes, routed over loopback (or one host).

A fleet runs its NATS servers on separate machines, each started with the same
:meth:`~zgpu.edge.nats_auth.AuthDirectory.server_config` and a ``cluster`` block naming the
others; :class:`NatsCluster` does exactly that with child processes, for one-machine clusters and
for tests. Clients connect with the comma-separated :attr:`NatsCluster.url` and fail over to any
member; a message published on one server reaches subscribers on every other.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from zgpu.edge.errors import NatsServerError
from zgpu.edge.nats_auth import AuthDirectory
from zgpu.edge.nats_server import ClusterConfig, EmbeddedNats


class NatsCluster:
    """``size`` servers named ``<name>-0`` ... in subdirectories of ``root``.

    The first server picks its route port; the others route to it and learn the rest by gossip.
    :meth:`restart` brings one member back on the same ports with routes to every other member.
    Use as ``async with NatsCluster(root, 3) as cluster: ... cluster.url ...``.
    """

    def __init__(
        self,
        root: Path,
        size: int = 3,
        *,
        host: str = "127.0.0.1",
        name: str = "zgpu",
        auth: AuthDirectory | None = None,
        jetstream: bool = False,
    ) -> None:
        """Raises ``ValueError`` if ``size`` is below 1."""
        if size < 1:
            raise ValueError("a cluster needs at least one server")
        self._root = root
        self._size = size
        self._host = host
        self._name = name
        self._auth = auth
        self._jetstream = jetstream
        self._servers: list[EmbeddedNats] = []

    @property
    def servers(self) -> list[EmbeddedNats]:
        """The members, in start order."""
        return list(self._servers)

    @property
    def url(self) -> str:
        """Every member's client URL, comma-separated (a fabric URL without credentials)."""
        return ",".join(server.url for server in self._servers)

    def _server(self, index: int, routes: tuple[str, ...]) -> EmbeddedNats:
        return EmbeddedNats(
            self._root / f"{self._name}-{index}",
            host=self._host,
            jetstream=self._jetstream,
            server_name=f"{self._name}-{index}",
            auth=self._auth,
            cluster=ClusterConfig(name=self._name, routes=routes),
        )

    async def start(self) -> None:
        """Start every member; returns when all accept clients.

        Raises:
            NatsServerError: a member could not start (the others are stopped again).
        """
        if self._servers:
            raise NatsServerError("the cluster is already started")
        try:
            first = self._server(0, ())
            self._servers.append(first)
            await first.start()
            for index in range(1, self._size):
                server = self._server(index, (first.route_url,))
                self._servers.append(server)
                await server.start()
        except BaseException:
            await self.stop()
            raise

    async def restart(self, index: int) -> None:
        """Stop member ``index`` (SIGTERM) and start it again on the same ports.

        Raises:
            IndexError: no such member.
            NatsServerError: it could not start again.
        """
        server = self._servers[index]
        others = tuple(s.route_url for i, s in enumerate(self._servers) if i != index)
        await server.restart(routes=others)

    async def stop(self) -> None:
        """Stop every member. Idempotent."""
        servers, self._servers = self._servers, []
        for server in reversed(servers):
            await server.stop()

    async def __aenter__(self) -> NatsCluster:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
