from __future__ import annotations

import ipaddress

import pytest

from zgpu.edge.geo import GeoPoint, haversine_km, region_of, rtt_ms
from zgpu.edge.geoip import CallerLocator, GeoIpDatabase

PARIS = GeoPoint(48.8566, 2.3522)
NEW_YORK = GeoPoint(40.7128, -74.0060)


def test_haversine_matches_known_distances() -> None:
    assert haversine_km(PARIS, NEW_YORK) == pytest.approx(5837, rel=0.01)
    assert haversine_km(PARIS, PARIS) == 0.0
    # across the antimeridian: Fiji to Samoa is ~1150 km, not ~39,000
    assert haversine_km(GeoPoint(-18.1, 178.4), GeoPoint(-13.8, -171.8)) < 1300


def test_rtt_is_two_ways_through_fibre_plus_overhead() -> None:
    assert rtt_ms(1000.0, overhead_ms=2.0) == pytest.approx(12.0)
    assert rtt_ms(0.0, overhead_ms=2.0) == 2.0


def test_points_are_validated_and_parsed() -> None:
    assert GeoPoint.parse(" 48.85, 2.35 ") == GeoPoint(48.85, 2.35)
    for bad in ("91,0", "0,181", "abc", "1,2,3", "nan,0"):
        with pytest.raises(ValueError, match=r"LAT,LON|latitude|longitude"):
            GeoPoint.parse(bad)


def test_regions_of_major_cities() -> None:
    cities = {
        "eu": PARIS,
        "na": NEW_YORK,
        "as": GeoPoint(35.68, 139.69),
        "oc": GeoPoint(-33.87, 151.21),
        "sa": GeoPoint(-23.55, -46.63),
        "af": GeoPoint(-1.29, 36.82),
        "me": GeoPoint(25.2, 55.27),
    }
    assert {name: region_of(point) for name, point in cities.items()} == {
        name: name for name in cities
    }


@pytest.fixture(scope="module")
def geoip() -> GeoIpDatabase:
    return GeoIpDatabase()


def test_geoip_places_public_addresses_and_not_private_ones(geoip: GeoIpDatabase) -> None:
    london = geoip.locate(ipaddress.ip_address("81.2.69.160"))
    assert london is not None
    assert haversine_km(london, GeoPoint(51.5, -0.1)) < 100
    sydney = geoip.locate(ipaddress.ip_address("1.1.1.1"))
    assert sydney is not None
    assert region_of(sydney) == "oc"
    assert geoip.locate(ipaddress.ip_address("2a00:1450:4001::1")) is not None
    for private in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "::1", "fe80::1"):
        assert geoip.locate(ipaddress.ip_address(private)) is None


def test_hint_header_wins_over_geoip(geoip: GeoIpDatabase) -> None:
    locator = CallerLocator.build(geoip, [])
    found = locator.locate({"x-zerogpu-location": "35.68,139.69"}, "81.2.69.160")
    assert (found.source, found.point) == ("hint", GeoPoint(35.68, 139.69))
    # a malformed hint is ignored
    found = locator.locate({"x-zerogpu-location": "here"}, "81.2.69.160")
    assert found.source == "geoip"


def test_forwarded_for_is_believed_only_from_trusted_proxies(geoip: GeoIpDatabase) -> None:
    headers = {"x-forwarded-for": "1.1.1.1, 10.0.0.7"}
    untrusted = CallerLocator.build(geoip, [])
    assert untrusted.locate(headers, "81.2.69.160").client_address == "81.2.69.160"
    trusted = CallerLocator.build(geoip, ["10.0.0.0/8", "127.0.0.1"])
    found = trusted.locate(headers, "127.0.0.1")
    assert found.client_address == "1.1.1.1"
    assert found.point is not None
    assert region_of(found.point) == "oc"
    # a spoofed left-most entry does not matter: the right-most untrusted hop is the client
    spoofed = {"x-forwarded-for": "8.8.8.8, 81.2.69.160"}
    assert trusted.locate(spoofed, "127.0.0.1").client_address == "81.2.69.160"


def test_private_and_missing_addresses_are_unknown(geoip: GeoIpDatabase) -> None:
    locator = CallerLocator.build(geoip, [])
    assert locator.locate({}, "127.0.0.1").source == "unknown"
    assert locator.locate({}, None).point is None
    assert CallerLocator(None).locate({}, "81.2.69.160").source == "unknown"
