"""``KeyAuthenticator``: from a secret to the project it speaks for, cached for a short TTL.

The hot path is: check the secret's shape (no database work for garbage), hash it, look the
hash up in a small in-process cache, and only on a miss query the database in a worker thread.
Positive and negative results are cached for at most ``cache_ttl_s`` seconds, measured from
when the lookup started, so a key revoked by any process stops working here within that TTL.
Concurrent misses for the same secret share one query.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from zgpu.platform.db.session import Database
from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import InvalidKey
from zgpu.platform.keys import secret as key_secret
from zgpu.platform.keys.last_used import LastUsedRecorder
from zgpu.platform.keys.repository import KeyRecord, KeyRepository
from zgpu.platform.keys.schemas import AuthenticatedKey

_INVALID = "Invalid API key: it is unknown, revoked or expired."
_MALFORMED = f"Invalid API key: keys start with {key_secret.KEY_PREFIX!r}."


@dataclass(frozen=True, slots=True)
class _Cached:
    record: KeyRecord | None
    valid_until: float


class KeyAuthenticator:
    """Authenticates API key secrets against the database, with a bounded TTL cache.

    ``cache_ttl_s`` bounds how long a revocation elsewhere can go unnoticed (0 disables
    caching). ``max_cache_entries`` bounds memory (oldest entries are evicted first).
    ``last_used_at`` is updated at most once per ``touch_interval_s`` per key, in the
    background; call ``aclose`` at shutdown to wait for the last update.
    """

    def __init__(
        self,
        db: Database,
        cache_ttl_s: float,
        *,
        max_cache_entries: int = 100_000,
        touch_interval_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if cache_ttl_s < 0:
            raise ValueError("cache_ttl_s must be >= 0")
        self._db = db
        self._ttl = cache_ttl_s
        self._max_entries = max_cache_entries
        self._clock = clock
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._inflight: dict[str, asyncio.Task[KeyRecord | None]] = {}
        self._last_used = LastUsedRecorder(db, touch_interval_s, clock)

    async def authenticate(self, secret: str) -> AuthenticatedKey:
        """Who ``secret`` speaks for.

        Raises ``InvalidKey`` for a malformed, unknown, revoked or expired secret and
        ``StorageError`` when the database cannot be reached (not cached). An archived project
        still authenticates, with ``project_archived=True``: refusing it is the caller's rule.
        """
        if not key_secret.is_well_formed(secret):
            raise InvalidKey(_MALFORMED)
        record = await self._record(key_secret.hash_secret(secret))
        if record is None:
            raise InvalidKey(_INVALID)
        now = utc_now()
        if record.expires_at is not None and record.expires_at <= now:
            raise InvalidKey(_INVALID)
        self._last_used.note(record.key_id, now)
        return AuthenticatedKey(
            key_id=record.key_id,
            project_id=record.project_id,
            organization_id=record.organization_id,
            project_archived=record.project_archived,
        )

    def evict_key(self, key_id: uuid.UUID) -> None:
        """Drop cached results for ``key_id`` so this process sees its revocation at once."""
        stale = [h for h, c in self._cache.items() if c.record and c.record.key_id == key_id]
        for secret_hash in stale:
            del self._cache[secret_hash]

    async def aclose(self) -> None:
        """Wait for pending ``last_used_at`` writes."""
        await self._last_used.aclose()

    async def _record(self, secret_hash: str) -> KeyRecord | None:
        cached = self._cache.get(secret_hash)
        if cached is not None:
            if cached.valid_until > self._clock():
                return cached.record
            del self._cache[secret_hash]
        task = self._inflight.get(secret_hash)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._lookup(secret_hash))
            self._inflight[secret_hash] = task
            task.add_done_callback(self._lookup_done)
        return await asyncio.shield(task)

    def _lookup_done(self, task: asyncio.Task[KeyRecord | None]) -> None:
        for secret_hash, inflight in list(self._inflight.items()):
            if inflight is task:
                del self._inflight[secret_hash]
        if not task.cancelled():
            task.exception()  # every waiter may have left; the error is theirs, not the loop's

    async def _lookup(self, secret_hash: str) -> KeyRecord | None:
        started = self._clock()
        record = await asyncio.to_thread(self._query, secret_hash)
        if self._ttl > 0:
            self._cache[secret_hash] = _Cached(record, started + self._ttl)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return record

    def _query(self, secret_hash: str) -> KeyRecord | None:
        with self._db.session() as session:
            return KeyRepository(session).find_unrevoked(secret_hash)
