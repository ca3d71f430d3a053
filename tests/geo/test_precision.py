"""Side, distance and chainage over a record's precision circle, on hand-made borders."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, box

from geo.border import build_border, locate_points
from geo.coords import check_point
from geo.crs import GEOD, METRIC_CRS, STORAGE_CRS
from geo.errors import InvalidInputError
from geo.incident_filters import locate_incidents
from geo.precision import (
    GEO_PRECISION_RADIUS_KM,
    SIDE_UNCERTAIN,
    location_radius_km,
    location_summary,
    precision_ranges,
    range_text,
    segment_incident_counts,
)

_TO_M = Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)
_TO_DEG = Transformer.from_crs(METRIC_CRS, STORAGE_CRS, always_xy=True)


@pytest.fixture(scope="module")
def straight():
    """A straight ~177-km border along 37.5° N (69–71° E); Tajikistan the big box to the north,
    Afghanistan to the south, each reaching 2° beyond the line."""
    line = LineString([(69.0, 37.5), (70.0, 37.5), (71.0, 37.5)])
    return build_border(line, box(66.0, 37.5, 74.0, 39.5), box(66.0, 35.5, 74.0, 37.5), "straight test line")


@pytest.fixture(scope="module")
def zigzag():
    """A border that doubles back every 4 km (meanders): far more line inside a circle than its diameter."""
    xs = np.linspace(69.0, 71.0, 51)
    ys = 37.5 + np.where(np.arange(51) % 2 == 0, 0.0, 0.18)  # 20-km teeth, 4 km apart
    line = LineString(np.column_stack([xs, ys]))
    south = shapely.Polygon([(66.0, 35.5), (74.0, 35.5), (74.0, 37.5), *np.column_stack([xs, ys])[::-1],
                             (66.0, 37.5)])
    north = box(66.0, 35.5, 74.0, 39.5).difference(south)
    return build_border(line, north, south, "zigzag test line")


def _north_of(lon: float, lat: float, km: float) -> tuple[float, float]:
    lon2, lat2, _ = GEOD.fwd(lon, lat, 0.0, km * 1000.0)
    return float(lon2), float(lat2)


def _ranges(border, lon, lat, radius_km):
    loc = locate_points(border, np.array([lon]), np.array([lat]))
    out = precision_ranges(border, np.array([lon]), np.array([lat]), np.array([radius_km]),
                           loc["side"].to_numpy(), loc["distance_km"].to_numpy(), loc["chainage_km"].to_numpy())
    return loc.iloc[0], out.iloc[0]


def test_point_5_km_from_the_line_with_30_km_precision(straight):
    lon, lat = _north_of(70.0, 37.5, 5.0)
    point, r = _ranges(straight, lon, lat, 30.0)
    assert point["side"] == "TJK" and point["distance_km"] == pytest.approx(5.0, abs=0.01)
    assert r["side_within_precision"] == SIDE_UNCERTAIN
    assert r["border_km_min"] == 0.0
    assert r["border_km_max"] == pytest.approx(35.0, abs=0.01)
    # the circle covers the line over its chord (±√(30² − 5²) = ±29.58 km) and faces it over ±30 km
    half_chord = np.sqrt(30.0 ** 2 - 5.0 ** 2)
    assert r["chainage_km_min"] <= point["chainage_km"] - half_chord + 0.05
    assert r["chainage_km_max"] >= point["chainage_km"] + half_chord - 0.05
    assert r["chainage_km_min"] == pytest.approx(point["chainage_km"] - 30.0, abs=0.1)
    assert r["chainage_km_max"] == pytest.approx(point["chainage_km"] + 30.0, abs=0.1)


def test_a_precise_point_has_min_equal_max_equal_its_value(straight):
    lon, lat = _north_of(70.0, 37.5, 5.0)
    point, r = _ranges(straight, lon, lat, 0.0)
    assert r["side_within_precision"] == "TJK"
    assert r["border_km_min"] == r["border_km_max"] == point["distance_km"]
    assert r["chainage_km_min"] == r["chainage_km_max"] == point["chainage_km"]
    _, r_nan = _ranges(straight, lon, lat, np.nan)  # no precision stated: the point itself
    assert r_nan["border_km_min"] == r_nan["border_km_max"] == point["distance_km"]


def test_a_far_circle_keeps_its_side_and_a_distance_range(straight):
    lon, lat = _north_of(70.0, 37.5, 50.0)
    _, r = _ranges(straight, lon, lat, 30.0)
    assert r["side_within_precision"] == "TJK"
    assert r["border_km_min"] == pytest.approx(20.0, abs=0.01)
    assert r["border_km_max"] == pytest.approx(80.0, abs=0.01)
    assert r["chainage_km_max"] - r["chainage_km_min"] == pytest.approx(60.0, abs=0.2)


def test_a_circle_leaving_its_country_by_another_border_is_uncertain(straight):
    lon, lat = _north_of(70.0, 39.5, -10.0)  # 10 km inside Tajikistan's northern edge, ~212 km from the line
    _, r = _ranges(straight, lon, lat, 30.0)
    assert r["side_within_precision"] == SIDE_UNCERTAIN  # it may lie beyond the box: neither country
    _, r = _ranges(straight, lon, lat, 5.0)
    assert r["side_within_precision"] == "TJK"


def test_chainage_range_on_a_meandering_line_is_the_line_inside_the_circle(zigzag):
    lon, lat = 70.0, 37.4  # south of the teeth, ~11 km below the line
    radius_km = 25.0
    _, r = _ranges(zigzag, lon, lat, radius_km)
    # reference: the circle in METRIC_CRS intersected with the metric line by GEOS
    x, y = _TO_M.transform(lon, lat)
    circle = shapely.Point(x, y).buffer(radius_km * 1000.0, quad_segs=256)
    inside = shapely.intersection(zigzag.line_m, circle)
    parts = list(getattr(inside, "geoms", [inside]))
    along = [zigzag.line_m.project(shapely.Point(c)) for p in parts for c in p.coords]
    coords = np.asarray(zigzag.line_m.coords)
    vertex_m = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    ref_lo, ref_hi = np.interp([min(along), max(along)], vertex_m, zigzag.vertex_km)
    assert r["chainage_km_min"] == pytest.approx(ref_lo, abs=0.3)
    assert r["chainage_km_max"] == pytest.approx(ref_hi, abs=0.3)
    # the meanders put much more border in the circle than its ±25 km along the line
    assert r["chainage_km_max"] - r["chainage_km_min"] > 2.5 * 2 * radius_km
    assert r["side_within_precision"] == SIDE_UNCERTAIN and r["border_km_min"] == 0.0


def test_radius_from_precision_km_then_geo_precision_then_zero():
    radius = location_radius_km([30.0, None, None, None, "bad", -1.0], [3, 2, 3, None, 1, None])
    assert radius.tolist() == [30.0, GEO_PRECISION_RADIUS_KM[2], GEO_PRECISION_RADIUS_KM[3], 0.0,
                               GEO_PRECISION_RADIUS_KM[1], 0.0]


def test_located_records_carry_ranges(straight):
    lon, lat = _north_of(70.0, 37.5, 5.0)
    gdf = gpd.GeoDataFrame({"id": ["exact", "district", "stated"], "longitude": [lon] * 3, "latitude": [lat] * 3,
                            "precision_km": [None, None, 30.0], "geo_precision": [None, 2, 1]},
                           geometry=gpd.points_from_xy([lon] * 3, [lat] * 3), crs=4326)
    out = locate_incidents(gdf, straight).set_index("id")
    assert out.loc["exact", "side_within_precision"] == "TJK"
    assert out.loc["exact", "border_km_min"] == out.loc["exact", "border_km_max"] == out.loc["exact", "border_km"]
    assert out.loc["district", "location_radius_km"] == 25.0
    assert out.loc["district", "border_km_max"] == pytest.approx(30.0, abs=0.01)
    assert out.loc["stated", "location_radius_km"] == 30.0  # precision_km wins over the code
    assert out.loc["stated", "side_within_precision"] == SIDE_UNCERTAIN


def test_check_point_reports_ranges_not_a_point_distance(straight):
    lon, lat = _north_of(70.0, 37.5, 12.6)
    exact = check_point(lat, lon, straight)
    assert exact.distance_to_border_km_min == exact.distance_to_border_km_max == exact.distance_to_border_km
    assert "12.6 km from the border" in exact.summary
    rough = check_point(lat, lon, straight, precision_km=30.0)
    assert rough.distance_to_border_km == pytest.approx(12.6, abs=0.01)  # the point value stays
    assert rough.distance_to_border_km_min == 0.0 and rough.side_within_precision == SIDE_UNCERTAIN
    assert rough.summary.startswith("0–43 km from the border, chainage ")
    assert rough.summary.endswith("side uncertain")
    assert not any("12.6" in w for w in rough.warnings)


def test_texts():
    assert range_text(0.0, 42.4, 0) == "0–42"
    assert range_text(12.63, 12.64, 1) == "12.6"
    assert range_text(1200.0, 1300.0, 0) == "1,200–1,300"
    assert location_summary("AFG", 1.0, 3.0, 10.0, 12.0) == "1.0–3.0 km from the border, chainage 10–12, AFG side"
    assert "neither" in location_summary("other", 200.0, 200.0, 0.0, 0.0)


def test_segment_counts_take_an_approximate_record_across_the_segments_it_touches():
    edges = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    # precise in segment 1; approximate over km 5–32 within reach; approximate but maybe too far;
    # precise but 50 km away
    c0 = np.array([15.0, 5.0, 25.0, 12.0])
    c1 = np.array([15.0, 32.0, 26.0, 12.0])
    d0 = np.array([2.0, 0.0, 8.0, 50.0])
    d1 = np.array([2.0, 40.0, 14.0, 50.0])
    at_least, at_most = segment_incident_counts(edges, c0, c1, d0, d1, near_km=10.0)
    assert at_least.tolist() == [0, 1, 0, 0]
    assert at_most.tolist() == [1, 2, 2, 1]
    assert (at_least <= at_most).all()
    with pytest.raises(InvalidInputError):
        segment_incident_counts(np.array([0.0]), c0, c1, d0, d1)


def test_ranges_of_100k_records_cost_little_beside_locating_them(border):
    rng = np.random.default_rng(7)
    n = 100_000
    lon, lat = rng.uniform(67.0, 75.0, n), rng.uniform(36.0, 39.5, n)
    radius = rng.choice([0.0, 1.0, 8.0, 25.0, 100.0], n)
    t0 = time.perf_counter()
    loc = locate_points(border, lon, lat)
    t1 = time.perf_counter()
    out = precision_ranges(border, lon, lat, radius, loc["side"].to_numpy(), loc["distance_km"].to_numpy(),
                           loc["chainage_km"].to_numpy())
    t2 = time.perf_counter()
    assert len(out) == n
    assert (out["border_km_min"] <= loc["distance_km"]).all() and (loc["distance_km"] <= out["border_km_max"]).all()
    assert (out["chainage_km_min"] <= loc["chainage_km"]).all()
    assert (loc["chainage_km"] <= out["chainage_km_max"]).all()
    precise = radius == 0
    assert (out["side_within_precision"][precise] == loc["side"][precise]).all()
    assert t2 - t1 < 3 * (t1 - t0) + 0.5, f"ranges {t2 - t1:.2f} s against locating {t1 - t0:.2f} s"
