"""The gateway side of the fabric: send one inference to a worker and wait for its reply."""

from __future__ import annotations

import asyncio
import logging
import math
import random
from dataclasses import dataclass
from types import TracebackType

import nats
from nats.aio.client import Client as NatsClient

from zgpu.edge.connection import close_quietly, open_connection
from zgpu.edge.errors import DeadlineExceeded, FabricError, MalformedMessage, NoCapacity
from zgpu.edge.messages import InferReply, InferRequest, decode_reply, encode, unix_ms_now
from zgpu.edge.subjects import INFER_CLOUD

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DispatchConfig:
    """How hard a :class:`Dispatcher` tries.

    ``attempt_timeout_s`` bounds one attempt: a worker that took a request and died (or hangs)
    costs at most that long before the request goes to another worker. When no worker has a free
    slot, attempts are spaced by a jittered backoff growing from ``backoff_initial_s`` to
    ``backoff_max_s``.
    """

    attempt_timeout_s: float = 3.0
    backoff_initial_s: float = 0.005
    backoff_max_s: float = 0.1
    connect_timeout_s: float | None = 10.0

    def backoff_s(self, retry: int) -> float:
        """The pause before ``retry`` (1-based) after "no responders": exponential, jittered."""
        doublings = min(max(retry - 1, 0), 16)
        ceiling = min(self.backoff_max_s, self.backoff_initial_s * (1 << doublings))
        jitter: float = random.uniform(0.5, 1.0)
        return ceiling * jitter


class Dispatcher:
    """Sends :class:`InferRequest` messages to the worker pool on ``subject`` (request/reply).

    Use ``async with Dispatcher(url) as dispatcher`` or :meth:`connect` / :meth:`close`.
    One dispatcher is shared by all requests of a process; :meth:`dispatch` is concurrency-safe.
    """

    def __init__(
        self,
        nats_url: str,
        config: DispatchConfig | None = None,
        *,
        subject: str = INFER_CLOUD,
        name: str = "zgpu-gateway",
    ) -> None:
        self._nats_url = nats_url
        self._config = config if config is not None else DispatchConfig()
        self._subject = subject
        self._name = name
        self._client: NatsClient | None = None

    @property
    def connected(self) -> bool:
        """Whether the connection is up right now (it may be reconnecting)."""
        return self._client is not None and self._client.is_connected

    async def connect(self) -> None:
        """Connect to the fabric. Raises :class:`FabricError` if it cannot be reached in time."""
        if self._client is not None:
            return
        self._client = await open_connection(
            self._nats_url, name=self._name, connect_timeout_s=self._config.connect_timeout_s
        )

    async def close(self) -> None:
        """Close the connection; requests still waiting fail with :class:`FabricError`."""
        client, self._client = self._client, None
        if client is not None:
            await close_quietly(client)

    async def dispatch(self, request: InferRequest, deadline_s: float) -> InferReply:
        """Have one worker run ``request``; give up after ``deadline_s`` seconds.

        The request is sent with its deadline lowered to ``deadline_s`` from now (if sooner), so
        workers skip it once the caller has gone. An attempt that gets no reply within
        ``attempt_timeout_s`` is sent again, reaching another worker; running a request twice is
        harmless (inference is deterministic and has no side effects).

        Returns:
            The worker's reply: ``ok`` with the result, or not ``ok`` with a model error's code
            (or ``internal``), which the caller reports.

        Raises:
            NoCapacity: no worker had a free slot before the deadline.
            DeadlineExceeded: a worker took the request but no answer came before the deadline.
            FabricError: not connected, connection closed, or an invalid reply.
        """
        client = self._client
        if client is None:
            raise FabricError("dispatcher is not connected")
        loop = asyncio.get_running_loop()
        now_ms = unix_ms_now()
        caller_deadline_ms = now_ms + math.ceil(deadline_s * 1000)
        deadline_ms = min(request.deadline_unix_ms, caller_deadline_ms)
        give_up = loop.time() + (deadline_ms - now_ms) / 1000
        payload = encode(request.model_copy(update={"deadline_unix_ms": deadline_ms}))
        busy_retries = 0
        while (remaining := give_up - loop.time()) > 0:
            try:
                msg = await client.request(
                    self._subject, payload, timeout=min(self._config.attempt_timeout_s, remaining)
                )
            except nats.errors.NoRespondersError:
                busy_retries += 1
                pause = min(self._config.backoff_s(busy_retries), max(0.0, give_up - loop.time()))
                await asyncio.sleep(pause)
                continue
            except TimeoutError:
                busy_retries = 0
                log.debug("request %s: attempt timed out, retrying", request.request_id)
                continue
            except (nats.errors.Error, OSError) as exc:
                raise FabricError(f"request {request.request_id}: {exc!r}") from exc
            return self._check(request, decode_reply(msg.data))
        if busy_retries > 0:
            raise NoCapacity(f"no worker was free within {deadline_s:g}s")
        raise DeadlineExceeded(f"no reply within {deadline_s:g}s")

    @staticmethod
    def _check(request: InferRequest, reply: InferReply) -> InferReply:
        if reply.request_id != request.request_id:
            raise MalformedMessage(
                f"reply for {reply.request_id!r} received for request {request.request_id!r}"
            )
        if reply.ok:
            return reply
        if reply.error_code == "deadline_exceeded":
            raise DeadlineExceeded(reply.error_message or "deadline exceeded at the worker")
        if reply.error_code == "malformed_request":
            raise FabricError(reply.error_message or "worker rejected the request", "fabric_error")
        return reply

    async def __aenter__(self) -> Dispatcher:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
