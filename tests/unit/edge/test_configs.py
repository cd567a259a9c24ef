from __future__ import annotations

import sys
from pathlib import Path

import pytest

from zgpu.edge import DispatchConfig, EmbeddedNats, NatsServerError, find_nats_server_binary
from zgpu.edge.connection import RECONNECT_BASE_S, RECONNECT_MAX_S, reconnect_delay
from zgpu.edge.worker_main import load_runner


def test_dispatch_backoff_grows_and_is_capped() -> None:
    config = DispatchConfig(backoff_initial_s=0.01, backoff_max_s=0.05)
    assert 0.005 <= config.backoff_s(1) <= 0.01
    assert 0.01 <= config.backoff_s(2) <= 0.02
    assert 0.025 <= config.backoff_s(50) <= 0.05


def test_reconnect_delay_is_jittered_and_capped() -> None:
    assert RECONNECT_BASE_S / 2 <= reconnect_delay(0) <= RECONNECT_BASE_S
    assert RECONNECT_MAX_S / 2 <= reconnect_delay(1000) <= RECONNECT_MAX_S


def test_the_bundled_server_binary_is_found() -> None:
    assert find_nats_server_binary() == Path(sys.executable).parent / "nats-server"


async def test_a_missing_binary_is_reported(tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path, binary=tmp_path / "no-such-nats-server")
    with pytest.raises(NatsServerError) as caught:
        await server.start()
    assert caught.value.code == "nats_server_missing"
    assert not server.running


@pytest.mark.parametrize("spec", ["no_colon", ":x", "json:", "json:not_there"])
def test_runner_spec_must_name_a_callable(spec: str) -> None:
    with pytest.raises(ValueError, match=r"runner|callable"):
        load_runner(spec)
