from __future__ import annotations

import pytest

from zgpu.edge import (
    DeadlineExceeded,
    EdgeError,
    FabricError,
    MalformedMessage,
    NatsServerError,
    NoCapacity,
)


@pytest.mark.parametrize(
    ("error", "code", "parents"),
    [
        (NoCapacity, "no_capacity", (EdgeError,)),
        (DeadlineExceeded, "deadline_exceeded", (EdgeError,)),
        (FabricError, "fabric_error", (EdgeError,)),
        (MalformedMessage, "malformed_message", (FabricError, EdgeError)),
        (NatsServerError, "nats_server_failed", (FabricError, EdgeError)),
    ],
)
def test_codes_and_hierarchy(
    error: type[EdgeError], code: str, parents: tuple[type[EdgeError], ...]
) -> None:
    instance = error("boom")
    assert (instance.message, instance.code, str(instance)) == ("boom", code, "boom")
    assert all(isinstance(instance, parent) for parent in parents)


def test_code_can_be_specific() -> None:
    assert NatsServerError("x", "port_in_use").code == "port_in_use"
