"""The gateway side of the fabric: send one inference to a worker and wait for its reply."""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import random
from dataclasses import dataclass
from types import TracebackType

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from zgpu.edge.connection import close_quietly, open_connection
from zgpu.edge.errors import DeadlineExceeded, FabricError, MalformedMessage, NoCapacity
from zgpu.edge.messages import InferReply, InferRequest, decode_reply, encode, unix_ms_now
from zgpu.edge.subjects import INFER_CLOUD

log = logging.getLogger(__name__)

_NO_RESPONDERS = "503"


class _Outcome(enum.Enum):
    """Why a dispatch ended without a reply."""

    NO_CAPACITY = "no worker had a free slot"
    DELIVERED = "a worker took the request but did not answer in time"


def _is_no_responders(msg: Msg) -> bool:
    """The server's status message for a publish that no subscriber (free slot) received."""
    headers = msg.headers or {}
    return headers.get("Status") == _NO_RESPONDERS and not msg.data


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
        # One inbox for every attempt: a slow first worker's answer still counts after a
        # second copy went out, so a busy pool never loses work it already did.
        replies: asyncio.Queue[Msg] = asyncio.Queue()
        inbox = client.new_inbox()
        try:
            subscription = await client.subscribe(inbox, cb=replies.put)
            try:
                reply = await self._attempts(client, request, payload, inbox, replies, give_up)
            finally:
                await subscription.unsubscribe()
        except (nats.errors.Error, OSError) as exc:
            raise FabricError(f"request {request.request_id}: {exc!r}") from exc
        if reply is _Outcome.NO_CAPACITY:
            raise NoCapacity(f"no worker was free within {deadline_s:g}s")
        if reply is _Outcome.DELIVERED:
            raise DeadlineExceeded(f"no reply within {deadline_s:g}s")
        return self._check(request, decode_reply(reply.data))

    async def _attempts(
        self,
        client: NatsClient,
        request: InferRequest,
        payload: bytes,
        inbox: str,
        replies: asyncio.Queue[Msg],
        give_up: float,
    ) -> Msg | _Outcome:
        """Publish copies until a worker answers or ``give_up`` passes.

        A copy that no worker took (the server's "no responders" status) is resent after a
        jittered backoff. A copy that was taken but not answered within ``attempt_timeout_s`` is
        followed by another copy (the first worker may have died); whichever answer comes first
        wins. Returns the reply, or why there is none.
        """
        loop = asyncio.get_running_loop()
        delivered = False
        busy_retries = 0
        while loop.time() < give_up:
            await client.publish(self._subject, payload, reply=inbox)
            attempt_end = min(loop.time() + self._config.attempt_timeout_s, give_up)
            try:
                msg = await asyncio.wait_for(replies.get(), max(0.0, attempt_end - loop.time()))
            except TimeoutError:
                delivered = True
                log.debug("request %s: no reply yet, sending another copy", request.request_id)
                continue
            if not _is_no_responders(msg):
                return msg
            busy_retries += 1
            pause = min(self._config.backoff_s(busy_retries), max(0.0, give_up - loop.time()))
            try:  # an earlier copy may still answer during the pause
                msg = await asyncio.wait_for(replies.get(), pause)
            except TimeoutError:
                continue
            if not _is_no_responders(msg):
                return msg
        if busy_retries and not delivered:
            return _Outcome.NO_CAPACITY
        return _Outcome.DELIVERED

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
