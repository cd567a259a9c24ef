from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from zgpu.edge import DispatchConfig, Dispatcher, EmbeddedNats


@pytest.fixture
async def nats_server(tmp_path: Path) -> AsyncIterator[EmbeddedNats]:
    async with EmbeddedNats(tmp_path / "nats") as server:
        yield server


@pytest.fixture
async def dispatcher(nats_server: EmbeddedNats) -> AsyncIterator[Dispatcher]:
    async with Dispatcher(nats_server.url, DispatchConfig(attempt_timeout_s=1.0)) as d:
        yield d
