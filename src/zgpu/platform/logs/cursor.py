"""Opaque cursors for keyset pagination: the sort value and row id of the last row served.

A cursor names a position in one ordering, not an offset, so rows inserted or deleted while a
client pages never shift or repeat what it sees. Cursors are URL-safe base64 of a small JSON
document; they are not secret and not signed (they only move within the caller's project).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from zgpu.platform.errors import InvalidArgument
from zgpu.platform.logs.query import Order, SortKey

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_VERSION = 1
_MAX_LENGTH = 256


@dataclass(frozen=True, slots=True)
class Position:
    """The last row served: its sort value (a ``datetime`` or a latency) and id."""

    value: datetime | float
    row_id: int


def encode_cursor(sort: SortKey, order: Order, position: Position) -> str:
    """The cursor for ``position`` in the given ordering."""
    if isinstance(position.value, datetime):
        value: int | float = (position.value - _EPOCH) // timedelta(microseconds=1)
    else:
        value = float(position.value)
    document = {"v": _VERSION, "s": sort.value, "o": order.value, "k": value, "i": position.row_id}
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: SortKey, order: Order) -> Position:
    """The position a cursor names; raises ``InvalidArgument`` (param ``after``) if it is
    malformed or was issued for another sort or order."""
    try:
        if len(cursor) > _MAX_LENGTH:
            raise ValueError("cursor too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw)
        if not isinstance(document, dict) or document.get("v") != _VERSION:
            raise ValueError("unknown cursor version")
        key, row_id = document["k"], document["i"]
        if type(row_id) is not int or isinstance(key, bool) or not isinstance(key, int | float):
            raise ValueError("bad cursor fields")
        if not math.isfinite(key):
            raise ValueError("bad sort value")
        if document["s"] != sort.value or document["o"] != order.value:
            raise InvalidArgument("the cursor was issued for another sort or order", param="after")
        if sort is SortKey.TIME:
            if type(key) is not int:
                raise ValueError("bad time")
            return Position(_EPOCH + timedelta(microseconds=key), row_id)
        return Position(float(key), row_id)
    except InvalidArgument:
        raise
    except (
        ValueError,
        KeyError,
        TypeError,
        OverflowError,
        RecursionError,
        binascii.Error,
        UnicodeError,
    ) as exc:
        raise InvalidArgument("after is not a valid cursor", param="after") from exc
