"""Coordinate parsing (real-world strings, property tests) and the point check."""

from __future__ import annotations

import math

import mgrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from geo.border import load_border
from geo.coords import (
    check_point,
    distance_from_stated_location_km,
    parse_coordinates,
    validate_lat_lon,
)
from geo.errors import InvalidCoordinateError

# (text, lat, lon, tolerance in degrees) — forms seen in reports, chats and GIS tools
REAL_WORLD = [
    ("37.1944, 68.6053", 37.1944, 68.6053, 1e-9),
    ("37.1944 68.6053", 37.1944, 68.6053, 1e-9),
    ("37.1944;68.6053", 37.1944, 68.6053, 1e-9),
    ("(37.1944, 68.6053)", 37.1944, 68.6053, 1e-9),
    ("37.1944N 68.6053E", 37.1944, 68.6053, 1e-9),
    ("N37.1944 E68.6053", 37.1944, 68.6053, 1e-9),
    ("68.6053E, 37.1944N", 37.1944, 68.6053, 1e-9),
    ("E 68.6053 N 37.1944", 37.1944, 68.6053, 1e-9),
    ("37°11'40\"N 68°36'19\"E", 37 + 11 / 60 + 40 / 3600, 68 + 36 / 60 + 19 / 3600, 1e-6),
    ("37°11′40″N, 68°36′19″E", 37 + 11 / 60 + 40 / 3600, 68 + 36 / 60 + 19 / 3600, 1e-6),
    ("37° 11' 40\" N 68° 36' 19\" E", 37 + 11 / 60 + 40 / 3600, 68 + 36 / 60 + 19 / 3600, 1e-6),
    ("37 11 40 N 68 36 19 E", 37 + 11 / 60 + 40 / 3600, 68 + 36 / 60 + 19 / 3600, 1e-6),
    ("N 37 11 40 E 68 36 19", 37 + 11 / 60 + 40 / 3600, 68 + 36 / 60 + 19 / 3600, 1e-6),
    ("37°11'40''N 68°36'19''E", 37 + 11 / 60 + 40 / 3600, 68 + 36 / 60 + 19 / 3600, 1e-6),
    ("37°11.67'N 68°36.32'E", 37 + 11.67 / 60, 68 + 36.32 / 60, 1e-6),
    ("37º11'N 68º36'E", 37 + 11 / 60, 68 + 36 / 60, 1e-6),
    ("lat 37.19, lon 68.61", 37.19, 68.61, 1e-9),
    ("lon: 68.61 lat: 37.19", 37.19, 68.61, 1e-9),
    ("POINT (68.6053 37.1944)", 37.1944, 68.6053, 1e-9),
    ("-33.86, 151.21", -33.86, 151.21, 1e-9),
    ("33.86S 151.21E", -33.86, 151.21, 1e-9),
    ("۳۷.۱۹, ۶۸.۶۱", 37.19, 68.61, 1e-9),  # Eastern Arabic-Indic digits (Dari/Pashto reports)
    ("42SVG6497016511", 37.1944, 68.6053, 1e-4),
    ("42S VG 64970 16511", 37.1944, 68.6053, 1e-4),
    ("42svg6497016511", 37.1944, 68.6053, 1e-4),
]


@pytest.mark.parametrize(("text", "lat", "lon", "tol"), REAL_WORLD)
def test_real_world_strings(text: str, lat: float, lon: float, tol: float) -> None:
    got = parse_coordinates(text)
    assert got[0] == pytest.approx(lat, abs=tol)
    assert got[1] == pytest.approx(lon, abs=tol)


BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("near Khorog", "unexpected character"),
    ("37.19", "ambiguous"),
    ("37.19 68.61 12.5", "ambiguous"),
    ("37, 68, 12", "ambiguous"),
    ("95.0, 68.0", "latitude 95"),
    ("37.0, 181", "longitude 181"),
    ("nan, 68", "unexpected character"),
    ("inf, 68", "unexpected character"),
    ("37°61'N 68°E", "minutes must be below 60"),
    ("37°11'60\"N 68°E", "seconds must be below 60"),
    ("37N 68N", "conflicting hemisphere"),
    ("37E 68W", "conflicting hemisphere"),
    ("-37N 68E", "minus sign"),
    ("42SVG649701651", "even number of digits"),
    ("42SII123456", "malformed"),
    ("37.19,,68.61", "separator"),
    ("N N 37 68", "two hemisphere letters"),
    ("37.5°11'N 68E", "degrees must be whole"),
    ("1" * 300, "longer than"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD)
def test_refusals_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(InvalidCoordinateError, match=fragment):
        parse_coordinates(text)


def test_non_text_refused() -> None:
    with pytest.raises(InvalidCoordinateError, match="must be text"):
        parse_coordinates(37.19)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "nan", None, True, "abc"])
def test_validate_lat_lon_refuses_non_finite(value: object) -> None:
    with pytest.raises(InvalidCoordinateError):
        validate_lat_lon(value, 68.0)


lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)


def _dms(value: float, pos: str, neg: str) -> str:
    hem = pos if value >= 0 else neg
    v = abs(value)
    d = int(v)
    m = int((v - d) * 60)
    s = (v - d - m / 60) * 3600
    s = min(s, 59.9999)
    return f"{d}°{m}'{s:.4f}\"{hem}"


def _ddm(value: float, pos: str, neg: str) -> str:
    hem = pos if value >= 0 else neg
    v = abs(value)
    d = int(v)
    m = min((v - d) * 60, 59.999999)
    return f"{hem}{d}°{m:.6f}'"


STYLES = ["signed", "letters", "letters-first", "dms", "ddm", "swap"]


@settings(max_examples=300, deadline=None)
@given(lat=lats, lon=lons, style=st.sampled_from(STYLES))
def test_format_then_parse_round_trip(lat: float, lon: float, style: str) -> None:
    if style == "signed":
        text, tol = f"{lat:.6f}, {lon:.6f}", 1e-6
    elif style == "letters":
        text = f"{abs(lat):.6f}{'N' if lat >= 0 else 'S'} {abs(lon):.6f}{'E' if lon >= 0 else 'W'}"
        tol = 1e-6
    elif style == "letters-first":
        text = f"{'N' if lat >= 0 else 'S'}{abs(lat):.6f}; {'E' if lon >= 0 else 'W'}{abs(lon):.6f}"
        tol = 1e-6
    elif style == "swap":  # letters decide the order
        text = f"{abs(lon):.6f}{'E' if lon >= 0 else 'W'}, {abs(lat):.6f}{'N' if lat >= 0 else 'S'}"
        tol = 1e-6
    elif style == "dms":
        text, tol = f"{_dms(lat, 'N', 'S')} {_dms(lon, 'E', 'W')}", 1e-5
    else:
        text, tol = f"{_ddm(lat, 'N', 'S')} {_ddm(lon, 'E', 'W')}", 1e-5
    got = parse_coordinates(text)
    assert got[0] == pytest.approx(lat, abs=tol)
    assert got[1] == pytest.approx(lon, abs=tol)


@settings(max_examples=150, deadline=None)
@given(lat=st.floats(min_value=-79.9, max_value=83.9), lon=st.floats(min_value=-179.9, max_value=179.9))
def test_mgrs_round_trip_within_a_metre(lat: float, lon: float) -> None:
    # the mgrs library cannot read back its own reference for points a few mm south of the
    # equator ('31MAA6602100000' for lat -2e-8); no border point is near there
    assume(abs(lat) > 1e-6)
    ref = mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=5)
    got = parse_coordinates(ref)
    # 1 m grid: 1e-5 degrees of latitude is ~1.1 m; longitude shrinks with cos(lat)
    assert got[0] == pytest.approx(lat, abs=2e-5)
    assert abs(got[1] - lon) * math.cos(math.radians(lat)) < 2e-5


_ALPHABET = "0123456789 .,;:-+°'\"′″NSEWnsewXYZabc/()\t\n\x00é٣"


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=40), st.text(max_size=40)))
def test_garbage_raises_only_invalid_coordinate_error(text: str) -> None:
    try:
        lat, lon = parse_coordinates(text)
    except InvalidCoordinateError:
        return
    assert -90 <= lat <= 90 and -180 <= lon <= 180
    assert math.isfinite(lat) and math.isfinite(lon)


@pytest.fixture(scope="module")
def border():
    return load_border()


def test_check_point_afghan_side(border) -> None:
    # Sher Khan Bandar, Kunduz province, just south of the Panj
    check = check_point(37.16, 68.62, border)
    assert check.side == "AFG"
    assert check.in_region
    assert check.swapped_suggestion is None
    assert check.distance_to_border_km < 20
    assert any("Afghan side" in w for w in check.warnings)
    assert 0 <= check.chainage_km <= border.length_km


def test_check_point_suggests_swap(border) -> None:
    check = check_point(68.61, 37.19, border)
    assert not check.in_region
    assert check.swapped_suggestion == [37.19, 68.61]
    assert any("did you mean 37.19, 68.61" in w for w in check.warnings)
    assert any("outside the region" in w for w in check.warnings)


def test_check_point_far_from_border(border) -> None:
    check = check_point(38.56, 68.78, border)  # Dushanbe
    assert check.side == "TJK"
    assert check.distance_to_border_km > 50
    assert any("more than 50 km" in w for w in check.warnings)


def test_check_point_refuses_invalid(border) -> None:
    with pytest.raises(InvalidCoordinateError):
        check_point(math.nan, 68.0, border)


def test_distance_from_stated_location() -> None:
    # one degree of latitude is ~111 km
    assert distance_from_stated_location_km(37.0, 68.0, 38.0, 68.0) == pytest.approx(111.0, abs=0.5)
