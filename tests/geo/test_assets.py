"""Patrol assets: validation, GeoJSON round trip, anchors from places, scenarios."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.assets import (
    PARAM_DEFAULTS,
    Asset,
    Scenario,
    anchor_assets_from_places,
    assets_from_geojson,
    assets_to_geojson,
    compare_scenarios,
    list_scenarios,
    load_scenario,
    save_scenario,
)
from geo.border import load_border
from geo.coverage import CoverageParams, compute_coverage
from geo.errors import DataFileError, InvalidInputError


def _feature(lon, lat, **props):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def _fc(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_defaults_and_round_trip():
    a = Asset("p1", "Post 1", "border_post", 69.3, 37.2)
    assert (a.radius_km, a.travel_hours, a.observer_height_m, a.range_km) == (15.0, 2.0, 10.0, 20.0)
    b = Asset("d1", "Drone", "drone", 70.1, 37.6, radius_km=40, observer_height_m=400, range_km=60)
    assert assets_from_geojson(assets_to_geojson([a, b])) == [a, b]
    assert hash(a) == hash(Asset("p1", "Post 1", "border_post", 69.3, 37.2))


def test_geojson_defaults_when_properties_absent():
    [a] = assets_from_geojson(_fc(_feature(69.3, 37.2)))
    assert a.id == "asset-1" and a.kind == "border_post"
    assert {k: getattr(a, k) for k in PARAM_DEFAULTS} == PARAM_DEFAULTS


def test_geojson_accepts_numeric_strings_and_text():
    [a] = assets_from_geojson(json.dumps(_fc(_feature(69.3, 37.2, id=7, radius_km="12.5"))))
    assert a.id == "7" and a.radius_km == 12.5


@pytest.mark.parametrize("lon,lat,needle", [(10.0, 37.0, "outside the region"), (37.2, 69.3, "swapped"),
                                            (float("nan"), 37.0, "lon")])
def test_position_outside_region_is_refused(lon, lat, needle):
    with pytest.raises(InvalidInputError, match=needle):
        Asset("p", "P", "border_post", lon, lat)


@pytest.mark.parametrize("field", list(PARAM_DEFAULTS))
@pytest.mark.parametrize("value", [0, -1, 1e6, math.inf, math.nan, True, None, "abc"])
def test_bad_parameters_name_the_field(field, value):
    with pytest.raises(InvalidInputError, match=field):
        Asset("p", "P", "border_post", 69.3, 37.2, **{field: value})


def test_caps_are_inclusive():
    a = Asset("p", "P", "drone", 69.3, 37.2, radius_km=200, travel_hours=48, observer_height_m=5000,
              range_km=150)
    assert a.range_km == 150


@pytest.mark.parametrize("kwargs,needle", [({"kind": "tank"}, "kind"), ({"id": " "}, "id"),
                                           ({"name": "x" * 500}, "name"), ({"id": 5}, "id")])
def test_bad_text_fields(kwargs, needle):
    base = {"id": "p", "name": "P", "kind": "border_post", "lon": 69.3, "lat": 37.2} | kwargs
    with pytest.raises(InvalidInputError, match=needle):
        Asset(**base)


@pytest.mark.parametrize("doc,needle", [
    ({"type": "Feature"}, "FeatureCollection"),
    (_fc({"type": "Feature", "properties": {},
          "geometry": {"type": "LineString", "coordinates": [[69, 37], [70, 37]]}}), "Point"),
    (_fc({"type": "Feature", "properties": {},
          "geometry": {"type": "Point", "coordinates": ["69.3", "x"]}}), "lat"),
    (_fc(_feature(69.3, 37.2, id="a"), _feature(69.4, 37.2, id="a")), "twice"),
    (_fc(_feature(69.3, 37.2, range_km=0)), "feature 0.*range_km"),
    ("not json", "JSON"),
])
def test_bad_geojson(doc, needle):
    with pytest.raises(InvalidInputError, match=needle):
        assets_from_geojson(doc)


def test_anchor_assets_only_crossings_and_garrisons():
    places = gpd.GeoDataFrame(
        {"id": ["x1", "g1", "t1"], "name": ["Bridge", "Garrison", "Town"],
         "kind": ["crossing", "garrison", "town"], "source": ["ref A", "ref B", "ref C"]},
        geometry=[Point(68.66, 37.18), Point(68.78, 38.56), Point(69.0, 37.5)], crs="EPSG:4326")
    anchors = anchor_assets_from_places(places)
    assert [(a.id, a.kind, a.source) for a in anchors] == [("x1", "crossing", "ref A"),
                                                           ("g1", "garrison", "ref B")]
    with pytest.raises(InvalidInputError, match="kind"):
        anchor_assets_from_places(places.drop(columns="kind"))


def test_scenarios_save_load_list(tmp_path):
    s = Scenario("Reinforced Khatlon / test", (Asset("p1", "Post", "border_post", 69.3, 37.2),
                                               Asset("d1", "Drone", "drone", 70.0, 37.6, range_km=50)))
    path = save_scenario(s, tmp_path)
    assert path.name == "reinforced-khatlon-test.geojson"
    assert load_scenario(path) == s
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"name": "plain", "assets": [
        {"id": "p9", "name": "P9", "kind": "detachment", "lon": 71.0, "lat": 37.0, "travel_hours": 5}]}))
    loaded = load_scenario(plain)
    assert loaded.name == "plain" and loaded.assets[0].travel_hours == 5
    assert list_scenarios(tmp_path) == [plain, path]
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    with pytest.raises(DataFileError, match=r"bad\.json"):
        load_scenario(bad)
    bad.write_text(json.dumps({"name": "x", "assets": [{"id": "a", "lon": 69, "lat": 37, "colour": "red"}]}))
    with pytest.raises(InvalidInputError, match="colour"):
        load_scenario(bad)


def test_compare_scenarios_baseline_first():
    border = load_border()
    base = Scenario("base", (Asset("p1", "Post", "border_post", 69.3, 37.2),))
    more = Scenario("more", (*base.assets, Asset("p2", "Post 2", "border_post", 71.6, 37.0, radius_km=30)))
    params = CoverageParams(model="radius")
    table = compare_scenarios({s.name: compute_coverage(border, s.assets, params) for s in (base, more)})
    assert list(table["scenario"]) == ["base", "more"]
    row = table.set_index("scenario")
    assert row.loc["more", "covered_km"] > row.loc["base", "covered_km"]
    assert row.loc["more", "lost_km"] == 0 and row.loc["base", "gained_km"] == 0
    gain = row.loc["more", "covered_km"] - row.loc["base", "covered_km"]
    assert row.loc["more", "gained_km"] == pytest.approx(gain)
