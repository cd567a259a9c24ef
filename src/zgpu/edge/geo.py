"""Positions on the globe: points, great-circle distance, network round trips and regions.

The router estimates a network round trip from distance alone: light in optical fibre covers
about 200 km per millisecond one way, so ``rtt_ms = 2 * d_km / 200 + overhead_ms``. That is a
lower bound on real paths (routes are not great circles), which is what ranking needs: it is
applied to every node the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), in kilometres."""

FIBRE_KM_PER_MS = 200.0
"""How far light travels in optical fibre in one millisecond, one way."""

DEFAULT_RTT_OVERHEAD_MS = 2.0
"""Fixed cost of any round trip on top of propagation (switching, TLS, the broker hop)."""


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A position in decimal degrees. Raises ``ValueError`` outside [-90, 90] × [-180, 180]."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0) or math.isnan(self.lat):
            raise ValueError(f"latitude {self.lat} is outside [-90, 90]")
        if not (-180.0 <= self.lon <= 180.0) or math.isnan(self.lon):
            raise ValueError(f"longitude {self.lon} is outside [-180, 180]")

    @classmethod
    def parse(cls, text: str) -> GeoPoint:
        """``"48.85,2.35"`` → ``GeoPoint(48.85, 2.35)``.

        Raises:
            ValueError: not two comma-separated numbers, or out of range.
        """
        parts = [part.strip() for part in text.split(",")]
        if len(parts) != 2:
            raise ValueError(f"expected LAT,LON, got {text!r}")
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(f"expected LAT,LON as numbers, got {text!r}") from None
        return cls(lat, lon)

    def __str__(self) -> str:
        return f"{self.lat:.4f},{self.lon:.4f}"


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance between ``a`` and ``b`` in kilometres."""
    return haversine_km_raw(a.lat, a.lon, b.lat, b.lon)


def haversine_km_raw(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """:func:`haversine_km` on bare degrees (the router's inner loop avoids object creation)."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def rtt_ms(distance_km: float, overhead_ms: float = DEFAULT_RTT_OVERHEAD_MS) -> float:
    """Estimated round trip over ``distance_km`` of fibre, plus ``overhead_ms``."""
    return 2.0 * distance_km / FIBRE_KM_PER_MS + overhead_ms


# Coarse regions: (name, south, north, west, east), first match wins. They only need to be
# stable and plausible: they label log rows and the "served within region" figure.
_REGION_BOXES: tuple[tuple[str, float, float, float, float], ...] = (
    ("me", 12.0, 42.0, 34.0, 63.0),
    ("eu", 35.0, 72.0, -25.0, 45.0),
    ("af", -36.0, 37.5, -20.0, 52.0),
    ("na", 7.0, 84.0, -170.0, -50.0),
    ("sa", -57.0, 13.0, -92.0, -33.0),
    ("oc", -50.0, 0.0, 110.0, 180.0),
    ("as", -11.0, 82.0, 25.0, 180.0),
)

REGIONS: tuple[str, ...] = ("af", "as", "eu", "me", "na", "oc", "sa", "xx")
"""Every region name :func:`region_of` can return (``xx``: open ocean, poles)."""


def region_of(point: GeoPoint) -> str:
    """The coarse continental region of ``point``: one of :data:`REGIONS`."""
    for name, south, north, west, east in _REGION_BOXES:
        if south <= point.lat <= north and west <= point.lon <= east:
            return name
    if point.lon < -150.0 and point.lat < 0:
        return "oc"  # the Pacific islands east of the antimeridian
    return "xx"
