"""Asyncio helpers that every part of the service uses."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel ``task`` (if any) and wait until it has stopped; its cancellation is not raised.

    Stopping a background loop this way lets its ``finally`` blocks run before the caller goes
    on to close what the loop was using.
    """
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
