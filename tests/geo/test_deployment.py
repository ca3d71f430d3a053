"""Deployment-zone suitability: criteria hold in every zone, zones are hypotheses, drawn zones validated."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, mapping

from geo.assets import Asset
from geo.coverage import compute_coverage
from geo.deployment import (
    DRAWN_STATUS,
    STATUS,
    DeploymentParams,
    deployment_zones,
    suitability,
    zones_from_geojson,
    zones_to_geojson,
)
from geo.errors import InvalidInputError

GARRISON = (70.25, 37.75)  # inside the toy Tajikistan, ~28 km north of the toy border
PARAMS = DeploymentParams(max_border_km=25.0, standoff_km=3.0, cell_km=1.0, max_hours=10.0,
                          max_slope_deg=20.0)


@pytest.fixture(scope="module")
def coverage(toy_border):
    return compute_coverage(toy_border, [Asset("p", "P", "border_post", 70.1, 37.52, radius_km=5)])


def test_zones_meet_every_criterion(toy_border, rough_dem, coverage):
    zones = deployment_zones(rough_dem, toy_border, PARAMS, garrisons=(GARRISON,), coverage=coverage)
    assert 1 <= len(zones) <= PARAMS.top_n
    assert list(zones["rank"]) == list(range(1, len(zones) + 1))
    assert (np.diff(zones["score"]) <= 1e-12).all()
    assert (zones["status"] == STATUS).all()
    assert (zones["slope_deg_mean"] <= PARAMS.max_slope_deg).all()
    assert (zones["elevation_m_mean"] <= PARAMS.max_elev_m).all()
    assert (zones["travel_h_min"] <= PARAMS.max_hours).all()
    assert (zones["border_km_min"] >= PARAMS.standoff_km).all()
    assert ((zones["score"] > 0) & (zones["score"] <= 1)).all()
    # on the Tajik side: every zone's centroid lies north of the toy border (37.5° N)
    assert (zones["centroid_lat"] > 37.5).all()
    assert zones.crs.to_epsg() == 4326 and zones.geometry.is_valid.all()


def test_stricter_criteria_never_add_feasible_cells(toy_border, rough_dem, coverage):
    counts = []
    for max_slope in (20.0, 2.0, 0.5):
        params = DeploymentParams(**{**PARAMS.__dict__, "max_slope_deg": max_slope})
        _, layers = suitability(rough_dem, toy_border, params, (GARRISON,), coverage)
        counts.append(int(layers["feasible"].sum()))
    assert counts[0] >= counts[1] >= counts[2]
    assert counts[0] > counts[2]
    wider = DeploymentParams(**{**PARAMS.__dict__, "standoff_km": 10.0})
    _, strict = suitability(rough_dem, toy_border, wider, (GARRISON,), coverage)
    assert (strict["border_km"][strict["feasible"]] >= 10.0).all()


def test_gap_weight_pulls_zones_towards_the_gap(toy_border, rough_dem, coverage):
    _, layers = suitability(rough_dem, toy_border, PARAMS, (GARRISON,), coverage)
    ok = layers["feasible"] & np.isfinite(layers["gap_km"])
    near = ok & (layers["gap_km"] < 5)
    far = ok & (layers["gap_km"] > 12)
    assert near.any() and far.any()
    assert np.nanmean(layers["score"][near]) > np.nanmean(layers["score"][far])


def test_geojson_carries_the_hypothesis_label(toy_border, rough_dem, coverage):
    zones = deployment_zones(rough_dem, toy_border, PARAMS, garrisons=(GARRISON,), coverage=coverage)
    doc = json.loads(json.dumps(zones_to_geojson(zones, PARAMS), allow_nan=False))
    assert doc["metadata"]["status"] == STATUS
    assert doc["metadata"]["params"]["max_slope_deg"] == 20.0
    assert all(f["properties"]["status"] == STATUS for f in doc["features"])


@pytest.mark.parametrize("kwargs,needle", [
    ({"max_slope_deg": 0}, "max_slope_deg"), ({"max_elev_m": float("inf")}, "max_elev_m"),
    ({"standoff_km": 70.0}, "standoff_km"), ({"top_n": 0}, "top_n"), ({"cell_km": 50}, "cell_km"),
    ({"w_slope": 0, "w_elev": 0, "w_travel": 0, "w_gap": 0, "w_incidents": 0}, "weight"),
    ({"max_hours": True}, "max_hours")])
def test_bad_params(kwargs, needle):
    with pytest.raises(InvalidInputError, match=needle):
        DeploymentParams(**kwargs)


def test_needs_a_garrison(toy_border, rough_dem):
    with pytest.raises(InvalidInputError, match="garrison"):
        deployment_zones(rough_dem, toy_border, PARAMS, garrisons=())


def _zone_doc(geom, **props):
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": props,
                                                       "geometry": mapping(geom)}]}


def test_drawn_zones_valid():
    zones = zones_from_geojson(_zone_doc(Point(69.5, 37.4).buffer(0.05), name="Near Panj"))
    assert list(zones["name"]) == ["Near Panj"] and zones.iloc[0]["status"] == DRAWN_STATUS
    assert 50 < zones.iloc[0]["area_km2"] < 80


@pytest.mark.parametrize("geom,needle", [
    (Point(69.5, 37.4), "Polygon"),
    (shapely.Polygon([(69, 37), (69.2, 37.2), (69.2, 37), (69, 37.2), (69, 37)]), "not valid"),
    (Point(10.0, 37.4).buffer(0.05), "region"),
    (Point(69.5, 37.4).buffer(3.0), "region"),
    (shapely.box(67, 36, 75, 39.5), "area"),
])
def test_drawn_zones_refused(geom, needle):
    with pytest.raises(InvalidInputError, match=needle):
        zones_from_geojson(_zone_doc(geom))


def test_drawn_zone_bad_name():
    with pytest.raises(InvalidInputError, match="name"):
        zones_from_geojson(_zone_doc(Point(69.5, 37.4).buffer(0.05), name=["x"]))
