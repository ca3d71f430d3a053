"""Locating an incident's origin text (geo.origins) on hand-made towns and provinces."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Point, box

from geo.origins import ARC_COLUMNS, locate_origin, origin_arcs, origin_gazetteer

GEOD = Geod(ellps="WGS84")
TOWNS = gpd.GeoDataFrame({"name": ["Faizabad", "Khorog"], "kind": ["town", "town"]},
                         geometry=[Point(70.58, 37.12), Point(71.55, 37.49)], crs=4326)
BRIDGE = gpd.GeoDataFrame({"name": ["Kokul"], "kind": ["crossing"]}, geometry=[Point(69.4, 37.17)], crs=4326)
PROVINCES = gpd.GeoDataFrame({"name": ["Badakhshan", "Takhar"], "name_alt": ["Badahšan", "Takar"]},
                             geometry=[box(70.0, 36.0, 72.0, 37.8), box(69.0, 36.0, 70.0, 37.3)], crs=4326)
GAZ = origin_gazetteer(pd.concat([TOWNS, BRIDGE]), PROVINCES)


def test_a_town_named_wins_over_its_province() -> None:
    found = locate_origin("Fighters from Badakhshan, near Faizabad", GAZ, 70.3, 38.2)
    assert (found.name, found.level, found.lon, found.lat) == ("Faizabad", "town", 70.58, 37.12)


def test_a_province_starts_at_its_point_nearest_the_target() -> None:
    found = locate_origin("Shahri Buzurg district, Badakhshan, Afghan territory", GAZ, 70.3, 38.2)
    assert (found.name, found.level) == ("Badakhshan", "province")
    # on the edge at 37.8° N (within 0.3 km: the 2°-long edge is straight in the metric CRS, not in degrees)
    assert found.lat == pytest.approx(37.8, abs=0.003) and found.lon == pytest.approx(70.3, abs=0.01)
    _, _, d = GEOD.inv(found.lon, found.lat, 70.3, 38.2)
    assert d / 1000 == pytest.approx(44.4, abs=0.5)  # straight south to the province's edge


def test_alternative_names_and_case_are_matched_but_not_parts_of_words() -> None:
    assert locate_origin("from TAKAR", GAZ, 69.5, 37.8).name == "Takhar"
    assert locate_origin("from Takharistan", GAZ, 69.5, 37.8) is None
    assert locate_origin("from Kokul", GAZ, 69.5, 37.8) is None  # only towns and provinces are origins


@pytest.mark.parametrize("text", [None, "", "Crossed from Afghanistan", "Unattributed: no one claimed it (Badakhshan)",
                                  "unknown, maybe Takhar"])
def test_what_cannot_be_located_is_not(text) -> None:
    assert locate_origin(text, GAZ, 70.3, 38.2) is None


def test_an_origin_in_the_province_the_record_lies_in_draws_nothing() -> None:
    assert locate_origin("Badakhshan", GAZ, 71.0, 37.0) is None


def test_arcs_keep_located_attributed_incidents_only() -> None:
    records = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "origin": ["Badakhshan province (per the border troops)", "Takhar", "Takhar", "Faizabad", "Badakhshan"],
        "origin_attribution": ["official", "claimed", "unattributed", None, "official"],
        "record_kind": ["incident", "incident", "incident", "incident", "development"],
        "longitude": [70.3, 69.5, 69.5, 70.9, 70.3], "latitude": [38.2, 37.8, 37.8, 38.0, 38.2],
        "event_date": ["2025-11-30"] * 5, "location": ["x"] * 5,
    })
    arcs = origin_arcs(records, GAZ)
    assert list(arcs.columns) == list(ARC_COLUMNS)
    assert list(arcs["id"]) == ["a", "b", "d"]  # c unattributed, e a development
    assert list(arcs["attribution"]) == ["official", "claimed", "not recorded"]
    assert list(arcs["level"]) == ["province", "province", "town"]
    assert origin_arcs(records.drop(columns="origin_attribution"), GAZ)["attribution"].eq("not recorded").all()
    assert origin_arcs(records.iloc[0:0], GAZ).empty
