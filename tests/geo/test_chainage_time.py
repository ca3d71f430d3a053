"""Rows of the chainage–time view (geo.chainage_time) on a hand-made line and hand-made records."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from geo.border import build_border
from geo.chainage_time import INTERVAL_COLUMNS, MARK_COLUMNS, date_range, record_marks, status_intervals

#: A straight east–west line along 37.5° N from 70° to 71° E (≈ 88.5 km), Tajikistan north of it.
BORDER = build_border(LineString([(70.0, 37.5), (71.0, 37.5)]), box(69.5, 37.5, 71.5, 38.5),
                      box(69.5, 36.5, 71.5, 37.5), "test line")
TODAY = dt.date(2026, 1, 1)


def _records() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["i1", "i2", "d1", "u1", "bad"],
        "event_date": ["2025-11-26", "2025-12-24", "2025-07-03", "2025-01-01", "not a date"],
        "chainage_km": [41.26, 80.0, 60.0, np.nan, 10.0],
        "border_km": [3.0, 12.6, 120.0, np.nan, 1.0],
        "record_kind": ["incident", None, "development", "incident", "incident"],
        "event_type": ["Battles", "Explosions/Remote violence", "Strategic developments", "Battles", "Battles"],
        "fatalities": [5, None, 0, 1, 2],
    })


def test_marks_place_incidents_on_the_line_and_developments_across_it() -> None:
    marks = record_marks(_records())
    assert list(marks.columns) == list(MARK_COLUMNS)
    by_id = marks.set_index("id")
    assert "bad" not in by_id.index  # an unreadable date is not plotted
    assert by_id.loc["i1", "placement"] == "point" and by_id.loc["i1", "chainage_km"] == pytest.approx(41.3)
    assert by_id.loc["i2", "record_kind"] == "incident"  # a missing kind is an incident
    assert by_id.loc["d1", "placement"] == "date line"  # national: the whole line on its date
    assert by_id.loc["u1", "placement"] == "unplaced"
    # unknown fatalities draw as 0 and say they are unknown
    assert by_id.loc["i2", "fatalities"] == 0 and not by_id.loc["i2", "fatalities_known"]
    assert by_id.loc["i1", "date"] == pd.Timestamp("2025-11-26")


def test_marks_of_no_records_is_an_empty_table() -> None:
    assert list(record_marks(pd.DataFrame({"id": [], "event_date": []})).columns) == list(MARK_COLUMNS)


def _places(history_a: list, history_g: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["bridge", "garrison", "town"], "name": ["Bridge", "Garrison", "Town"],
         "kind": ["crossing", "garrison", "town"], "status_history": [history_a, history_g, None]},
        geometry=[Point(70.5, 37.49), Point(70.2, 38.0), Point(70.8, 37.6)], crs=4326)


HISTORY = [
    {"from": "2007-08-26", "status": "open", "source": "AFP", "confidence": "assessed"},
    {"from": "2022-05-09", "status": "closed", "temporary": True, "source": "Ozodi", "confidence": "claimed"},
    {"from": "2023-02", "status": "open", "source": "Asia-Plus", "confidence": "assessed"},
    {"from": "2025-12-17", "status": "reported closed", "temporary": True, "source": "Sputnik", "confidence": "claimed"},
]
GARRISON = [{"from": "2013", "status": "active", "source": "TASS", "confidence": "assessed"},
            {"from": "2015-10", "until": "2015-12", "status": "vacated", "source": "Asia-Plus", "confidence": "assessed"}]


def test_intervals_run_from_each_entry_to_the_next_and_the_last_to_today() -> None:
    out = status_intervals(_places(HISTORY, []), BORDER, TODAY)
    assert list(out.columns) == list(INTERVAL_COLUMNS)
    spans = list(zip(out["status"], out["start"].dt.date, out["end"].dt.date, out["open_ended"], strict=True))
    assert spans == [
        ("open", dt.date(2007, 8, 26), dt.date(2022, 5, 9), False),
        ("closed", dt.date(2022, 5, 9), dt.date(2023, 2, 1), False),
        ("open", dt.date(2023, 2, 1), dt.date(2025, 12, 17), False),
        ("reported closed", dt.date(2025, 12, 17), TODAY, True),  # no end on record: to today
    ]
    assert list(out["category"]) == ["open", "closure", "open", "closure"]
    # at the bridge's chainage: 0.5° of 1° along the line, 1 km south of it
    assert out["chainage_km"].iloc[0] == pytest.approx(BORDER.length_km / 2, abs=0.2)
    assert out["border_km"].iloc[0] == pytest.approx(1.1, abs=0.1)


def test_intervals_are_clipped_to_the_dates_asked_for() -> None:
    out = status_intervals(_places(HISTORY, []), BORDER, TODAY, dt.date(2022, 1, 1), dt.date(2024, 1, 1))
    assert list(out["status"]) == ["open", "closed", "open"]
    assert out["start"].min() == pd.Timestamp("2022-01-01") and out["end"].max() == pd.Timestamp("2024-01-01")
    assert status_intervals(_places(HISTORY, []), BORDER, TODAY, dt.date(1990, 1, 1), dt.date(2000, 1, 1)).empty


def test_a_garrison_is_a_deployment_and_ends_where_an_entry_with_until_begins() -> None:
    out = status_intervals(_places([], GARRISON), BORDER, TODAY)
    assert list(out["category"]) == ["deployment"]  # "vacated" is not drawn
    assert out["end"].iloc[0] == pd.Timestamp("2015-10-01")
    assert out["border_km"].iloc[0] > 50  # drawn at its nearest km, its distance kept


def test_no_history_no_intervals() -> None:
    assert status_intervals(_places([], []), BORDER, TODAY).empty


def test_date_range_is_the_filter_else_the_data() -> None:
    marks = record_marks(_records())
    spans = status_intervals(_places(HISTORY, []), BORDER, TODAY)
    assert date_range(marks, spans, dt.date(2025, 1, 1), None) == (pd.Timestamp("2025-01-01"), pd.Timestamp(TODAY))
    assert date_range(marks, spans.iloc[0:0], None, None) == (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-24"))
    assert date_range(record_marks(pd.DataFrame({"id": [], "event_date": []})), spans.iloc[0:0], None, None) is None
