"""Place popups show the sourced status of the day asked for (geo.place_status), escaped."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
from shapely.geometry import Point

from layers.places import place_symbols

HISTORY = [
    {"from": "2007-08-26", "status": "open", "source": "AFP <b>2007</b>", "confidence": "assessed"},
    {"from": "2022-05-09", "status": "closed", "temporary": True, "source": "Radio Ozodi", "confidence": "claimed"},
]


def _places() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["c1", "c2"], "name": ["Bridge A", "Bridge B"], "kind": ["crossing", "crossing"],
         "description": ["a", "b"], "precision_km": [1.0, 1.0], "confidence": ["assessed", "assessed"],
         "status_history": [HISTORY, None]},
        geometry=[Point(68.6, 37.2), Point(71.5, 37.5)], crs="EPSG:4326")


def test_popup_shows_status_on_the_date_with_source_and_caveat() -> None:
    a, b = place_symbols(_places(), "crossing", as_of=dt.date(2020, 1, 1))
    assert "Status on 2020-01-01" in a.popup and "open since 2007-08-26" in a.popup
    assert "AFP &lt;b&gt;2007&lt;/b&gt;" in a.popup and "<b>2007" not in a.popup  # escaped
    assert "Status" not in b.popup.replace("bm-popup", "")  # no history, no status row
    later, _ = place_symbols(_places(), "crossing", as_of=dt.date(2023, 1, 1))
    assert "closed since 2022-05-09 (temporary; no reopening on record)" in later.popup
    assert "Radio Ozodi, claimed" in later.popup


def test_default_is_the_latest_report() -> None:
    a, _ = place_symbols(_places(), "crossing")
    assert "Status (latest report)" in a.popup and "closed since 2022-05-09" in a.popup
