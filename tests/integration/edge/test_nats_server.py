from __future__ import annotations

import socket
from pathlib import Path

import pytest

from zgpu.edge import DispatchConfig, Dispatcher, EmbeddedNats, FabricError, NatsServerError


async def test_server_accepts_clients_until_stopped(tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path / "nats")
    async with server:
        assert server.running
        assert server.url == f"nats://127.0.0.1:{server.port}"
        async with Dispatcher(server.url) as dispatcher:
            assert dispatcher.connected
        url = server.url
    assert not server.running
    with pytest.raises(FabricError):
        await Dispatcher(url, DispatchConfig(connect_timeout_s=0.5)).connect()
    assert "Server is ready" in server.log_path.read_text()


async def test_server_uses_the_port_it_is_given(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with EmbeddedNats(tmp_path / "nats", port=port) as server:
        assert server.port == port


async def test_port_in_use_is_reported(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = EmbeddedNats(tmp_path / "nats", port=taken.getsockname()[1])
        with pytest.raises(NatsServerError) as caught:
            await server.start()
    assert caught.value.code == "port_in_use"
    assert not server.running


async def test_stop_is_idempotent(tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path / "nats", jetstream=False)
    await server.start()
    await server.stop()
    await server.stop()
    with pytest.raises(NatsServerError):
        _ = server.url
