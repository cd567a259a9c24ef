"""Joining the gateway: transient failures are retried with jittered backoff, refusals are not."""

from __future__ import annotations

import pytest

from zgpu.edge.connection import RECONNECT_BASE_S, RECONNECT_MAX_S
from zgpu.edge.node_join import EnrollmentFailed, NodeSession, join_with_retry

SESSION = NodeSession("n1", "org", "nats://h:4222", 1.0, None, None)


async def test_transient_failures_are_retried_with_growing_jittered_delays() -> None:
    failures = [EnrollmentFailed("HTTP 503", retryable=True) for _ in range(6)]
    delays: list[float] = []

    async def join() -> NodeSession:
        if failures:
            raise failures.pop()
        return SESSION

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    assert await join_with_retry(join, sleep=sleep) is SESSION
    assert len(delays) == 6
    for attempt, delay in enumerate(delays):
        ceiling = min(RECONNECT_MAX_S, RECONNECT_BASE_S * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling


async def test_a_refusal_is_final() -> None:
    calls = 0

    async def join() -> NodeSession:
        nonlocal calls
        calls += 1
        raise EnrollmentFailed("HTTP 401: revoked")

    async def sleep(seconds: float) -> None:
        raise AssertionError("a refusal must not be retried")

    with pytest.raises(EnrollmentFailed, match="401"):
        await join_with_retry(join, sleep=sleep)
    assert calls == 1


async def test_retrying_gives_up_after_its_budget() -> None:
    async def join() -> NodeSession:
        raise EnrollmentFailed("unreachable", retryable=True)

    async def sleep(seconds: float) -> None:
        return None

    with pytest.raises(EnrollmentFailed, match="unreachable"):
        await join_with_retry(join, give_up_after_s=-1.0, sleep=sleep)
