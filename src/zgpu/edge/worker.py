"""The cloud worker: takes inference requests from the fabric and answers them.

Flow control. Each of the worker's ``concurrency`` slots holds at most one *credit*: a queue
subscription that the server itself removes after delivering one message (``UNSUB <sid> 1``).
A busy slot holds no credit, so a worker with every slot busy has no interest in the subject and
the server gives new requests to workers with free slots; the queue group's random choice among
credits spreads load in proportion to free capacity. When no worker anywhere has a free slot, a
caller gets "no responders" at once and backs off (see :class:`~zgpu.edge.dispatcher.Dispatcher`)
instead of waiting in the buffer of one busy worker. Nothing is buffered client side, so nothing
is lost when a worker drains.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from zgpu.edge.connection import close_quietly, open_connection
from zgpu.edge.errors import FabricError, MalformedMessage
from zgpu.edge.messages import InferReply, decode_request, encode, unix_ms_now
from zgpu.edge.nats_auth import FabricCredentials
from zgpu.edge.runner import TaskRunner
from zgpu.edge.subjects import CLOUD_QUEUE_GROUP, INFER_CLOUD

log = logging.getLogger(__name__)

_RETRY_SUBSCRIBE_S = 0.5


@dataclass(frozen=True, slots=True)
class _Credit:
    subscription: Subscription
    delivery: asyncio.Future[Msg]


@dataclass(frozen=True, slots=True)
class _ModelError:
    code: str
    message: str
    param: str | None


def _as_model_error(exc: Exception) -> _ModelError | None:
    """A runner's model error (``NlmError``: ``message``, ``code``, ``param``), else ``None``."""
    code = getattr(exc, "code", None)
    if not isinstance(code, str) or not code:
        return None
    message = getattr(exc, "message", None)
    param = getattr(exc, "param", None)
    return _ModelError(
        code=code,
        message=message if isinstance(message, str) else str(exc),
        param=param if isinstance(param, str) else None,
    )


class Worker:
    """Serves :class:`~zgpu.edge.messages.InferRequest` messages with a :class:`TaskRunner`.

    At most ``concurrency`` requests run at once. Requests whose deadline has passed are
    answered ``deadline_exceeded`` without running; a run is cut off at the request's deadline.
    Model errors are answered with their code, anything else with ``internal``; the worker never
    stops serving because of one request. The connection reconnects forever (jittered).

    Lifecycle: :meth:`start` (connect and subscribe), then :meth:`run_until_stopped` or
    :meth:`drain`. :meth:`request_stop` may be called from a signal handler.
    """

    def __init__(
        self,
        nats_url: str,
        runner: TaskRunner,
        worker_id: str | None = None,
        concurrency: int = 2,
        *,
        subject: str = INFER_CLOUD,
        queue_group: str = CLOUD_QUEUE_GROUP,
        connect_timeout_s: float | None = 10.0,
        drain_timeout_s: float = 30.0,
        credentials: FabricCredentials | None = None,
    ) -> None:
        """Raises ``ValueError`` if ``concurrency`` is below 1.

        ``credentials``: the NATS identity to connect as (else the URL's, see
        :func:`~zgpu.edge.connection.open_connection`).
        """
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._nats_url = nats_url
        self._runner = runner
        self._worker_id = worker_id or f"cloud-{uuid.uuid4().hex[:12]}"
        self._concurrency = concurrency
        self._subject = subject
        self._queue_group = queue_group
        self._connect_timeout_s = connect_timeout_s
        self._drain_timeout_s = drain_timeout_s
        self._credentials = credentials
        self._client: NatsClient | None = None
        self._slots: list[asyncio.Task[None]] = []
        self._waiting: dict[int, _Credit] = {}
        self._in_flight = 0
        self._stopping = False
        self._stop_requested = asyncio.Event()
        self._drain_task: asyncio.Task[None] | None = None

    @property
    def worker_id(self) -> str:
        """This worker's id, sent in every reply."""
        return self._worker_id

    @property
    def concurrency(self) -> int:
        """The most requests this worker runs at once."""
        return self._concurrency

    @property
    def in_flight(self) -> int:
        """Requests being served right now."""
        return self._in_flight

    async def start(self) -> None:
        """Connect and subscribe every slot; when this returns, the server routes to this worker.

        Raises:
            FabricError: the server cannot be reached, or the worker was already started.
        """
        if self._client is not None or self._stopping:
            raise FabricError("worker already started")
        client = await open_connection(
            self._nats_url,
            name=f"zgpu-worker-{self._worker_id}",
            connect_timeout_s=self._connect_timeout_s,
            credentials=self._credentials,
        )
        self._client = client
        try:
            for slot in range(self._concurrency):
                credit = await self._take_credit(client)
                self._slots.append(asyncio.create_task(self._slot_loop(slot, credit)))
            await client.flush()
        except (nats.errors.Error, OSError) as exc:
            await self.drain()
            raise FabricError(f"worker cannot subscribe to {self._subject}: {exc}") from exc
        log.info(
            "worker %s serving %s (concurrency %d)",
            self._worker_id,
            self._subject,
            self._concurrency,
        )

    def request_stop(self) -> None:
        """Ask :meth:`run_until_stopped` to drain and return. Safe from a signal handler."""
        self._stop_requested.set()

    async def run_until_stopped(self) -> None:
        """Start if needed, serve until :meth:`request_stop` (or :meth:`drain`), then drain.

        Raises:
            FabricError: as :meth:`start`.
        """
        if self._client is None and not self._stopping:
            await self.start()
        await self._stop_requested.wait()
        await self.drain()

    async def drain(self) -> None:
        """Stop taking requests, finish those in flight, then close the connection.

        Requests already delivered to this worker are served and answered. In-flight work still
        running after ``drain_timeout_s`` is cancelled (its callers retry elsewhere). Idempotent;
        concurrent callers all wait for the same drain.
        """
        if self._drain_task is None:
            self._drain_task = asyncio.create_task(self._drain())
        await asyncio.shield(self._drain_task)

    async def _drain(self) -> None:
        self._stopping = True
        self._stop_requested.set()
        try:
            await asyncio.wait_for(self._finish_slots(), self._drain_timeout_s)
        except TimeoutError:
            log.warning(
                "worker %s: drain timed out, %d in flight", self._worker_id, self._in_flight
            )
            for task in self._slots:
                task.cancel()
            await asyncio.gather(*self._slots, return_exceptions=True)
        client, self._client = self._client, None
        if client is not None and not client.is_closed:
            try:
                await client.drain()
            except (nats.errors.Error, OSError) as exc:
                log.debug("worker %s: closing connection: %s", self._worker_id, exc)
            await close_quietly(client)
        log.info("worker %s drained", self._worker_id)

    async def _finish_slots(self) -> None:
        await asyncio.gather(*(self._retire(slot) for slot in list(self._waiting)))
        await asyncio.gather(*self._slots, return_exceptions=True)

    async def _take_credit(self, client: NatsClient) -> _Credit:
        delivery: asyncio.Future[Msg] = asyncio.get_running_loop().create_future()
        subscription = await client.subscribe(
            self._subject, queue=self._queue_group, future=delivery, max_msgs=1
        )
        await subscription.unsubscribe(limit=1)
        return _Credit(subscription, delivery)

    async def _next_credit(self) -> _Credit | None:
        while not self._stopping:
            client = self._client
            if client is None or client.is_closed:
                return None
            try:
                return await self._take_credit(client)
            except (nats.errors.Error, OSError) as exc:
                log.warning("worker %s: cannot subscribe: %s", self._worker_id, exc)
                await asyncio.sleep(_RETRY_SUBSCRIBE_S)
        return None

    async def _retire(self, slot: int) -> None:
        """Withdraw a slot's unused credit; a message the server already sent is still served."""
        credit = self._waiting.pop(slot, None)
        if credit is None or credit.delivery.done():
            return
        try:
            # UNSUB, then a round trip: afterwards every message sent to the credit has arrived.
            await credit.subscription.drain()  # type: ignore[no-untyped-call]
        except (nats.errors.Error, OSError) as exc:
            log.debug("worker %s: withdrawing a credit: %s", self._worker_id, exc)
        if not credit.delivery.done():
            credit.delivery.cancel()

    async def _slot_loop(self, slot: int, credit: _Credit | None) -> None:
        while credit is not None:
            self._waiting[slot] = credit
            if self._stopping:
                await self._retire(slot)
            await asyncio.wait([credit.delivery])
            self._waiting.pop(slot, None)
            if credit.delivery.cancelled():
                return
            self._in_flight += 1
            try:
                await self._serve(credit.delivery.result())
            finally:
                self._in_flight -= 1
            credit = await self._next_credit()

    async def _serve(self, msg: Msg) -> None:
        started = time.perf_counter()
        if not msg.reply:
            log.warning("worker %s: ignoring a message with no reply subject", self._worker_id)
            return
        reply = await self._answer(msg.data, started)
        client = self._client
        if client is None:
            return
        try:
            await client.publish(msg.reply, encode(reply))
        except nats.errors.MaxPayloadError:
            too_big = self._failure(reply.request_id, started, "internal", "reply too large")
            await self._publish_quietly(client, msg.reply, encode(too_big))
        except (nats.errors.Error, OSError) as exc:
            log.warning("worker %s: cannot reply to %s: %s", self._worker_id, reply.request_id, exc)

    async def _publish_quietly(self, client: NatsClient, subject: str, payload: bytes) -> None:
        try:
            await client.publish(subject, payload)
        except (nats.errors.Error, OSError) as exc:
            log.warning("worker %s: cannot reply: %s", self._worker_id, exc)

    async def _answer(self, data: bytes, started: float) -> InferReply:
        try:
            request = decode_request(data)
        except MalformedMessage as exc:
            log.warning("worker %s: %s", self._worker_id, exc.message)
            return self._failure("", started, "malformed_request", exc.message)
        rid = request.request_id
        remaining_s = (request.deadline_unix_ms - unix_ms_now()) / 1000
        if remaining_s <= 0:
            return self._failure(rid, started, "deadline_exceeded", "deadline passed before start")
        try:
            result = await asyncio.wait_for(
                self._runner.run(request.model, request.text, request.max_output_tokens),
                remaining_s,
            )
            return InferReply(
                request_id=rid,
                ok=True,
                text=result.text,
                input_tokens=result.input_tokens,
                output_tokens=result.output_tokens,
                worker_id=self._worker_id,
                service_ms=self._elapsed_ms(started),
            )
        except TimeoutError:
            return self._failure(rid, started, "deadline_exceeded", "deadline passed while running")
        except Exception as exc:
            model_error = _as_model_error(exc)
            if model_error is None:
                log.exception("worker %s: request %s failed", self._worker_id, rid)
                return self._failure(rid, started, "internal", "internal error")
            return self._failure(
                rid, started, model_error.code, model_error.message, model_error.param
            )

    def _failure(
        self, request_id: str, started: float, code: str, message: str, param: str | None = None
    ) -> InferReply:
        return InferReply(
            request_id=request_id,
            ok=False,
            worker_id=self._worker_id,
            error_code=code,
            error_message=message,
            error_param=param,
            service_ms=self._elapsed_ms(started),
        )

    @staticmethod
    def _elapsed_ms(started: float) -> float:
        return (time.perf_counter() - started) * 1000
