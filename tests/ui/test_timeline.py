"""The triggers tab's timeline: which records are plotted and what the Vega-Lite spec draws."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.triggers import load_rules, with_thresholds
from ui.timeline import TIMELINE_MAX_POINTS, plotted_records, timeline_points, timeline_spec


def _records(n: int, fatal_every: int = 0) -> gpd.GeoDataFrame:
    rows = [{"id": f"r{i}", "event_date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
             "fatalities": (2 if fatal_every and i % fatal_every == 0 else 0),
             "record_kind": "incident", "location": f"place {i}", "sub_event_type": "Armed clash",
             "tags": None, "notes": None} for i in range(n)]
    return gpd.GeoDataFrame(rows, geometry=[Point(69.0, 37.2)] * n, crs=4326)


def _with_development(records: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    dev = {"id": "dev1", "event_date": "2025-03-04", "fatalities": 0, "record_kind": "development",
           "location": "Dushanbe", "sub_event_type": "Other", "tags": "CSTO-invoked; unrelated-tag",
           "notes": "also #china-demands-protection", "geometry": Point(68.8, 38.6)}
    undated = {**dev, "id": "undated", "event_date": "not a date", "tags": None, "notes": None}
    return gpd.GeoDataFrame(pd.concat([records, gpd.GeoDataFrame([dev, undated], crs=4326)],
                                      ignore_index=True), crs=4326)


def test_spec_draws_points_threshold_and_marked_developments():
    rules = with_thresholds(load_rules(), min_fatalities=7)
    points = timeline_points(_with_development(_records(5, fatal_every=2)), rules, ["r2"])
    assert len(points) == 6  # the undated record is left out
    dev = points.set_index("id").loc["dev1"]
    # only the trigger's own markers, sorted; other tags are not markers
    assert dev["markers"] == "china-demands-protection, csto-invoked"
    assert points.set_index("id")["selected"].to_dict()["r2"]
    assert int(points["selected"].sum()) == 1

    spec = timeline_spec(points, rules)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["point", "rule", "text", "rule"]
    threshold = spec["layer"][1]["data"]["values"][0]
    assert threshold["y"] == 7 and "7 killed" in spec["layer"][2]["data"]["values"][0]["label"]
    assert spec["layer"][3]["data"]["values"] == [{"date": "2025-03-04",
                                                   "markers": "china-demands-protection, csto-invoked"}]
    enc = spec["layer"][0]["encoding"]
    assert {enc[c]["field"] for c in ("x", "y", "color")} <= set(points.columns)
    assert all(t["field"] in points.columns for t in enc["tooltip"])


def test_without_marked_developments_there_is_no_marker_layer():
    rules = load_rules()
    points = timeline_points(_records(4), rules, [])
    assert (points["markers"] == "").all()
    assert [layer["mark"]["type"] for layer in timeline_spec(points, rules)["layer"]] == ["point", "rule", "text"]


def test_many_records_plot_only_deaths_developments_and_highlight():
    records = _with_development(_records(TIMELINE_MAX_POINTS + 500, fatal_every=10))
    plotted, note = plotted_records(records, ["r1"])
    fatal = (TIMELINE_MAX_POINTS + 500 + 9) // 10
    assert set(plotted["id"]) == ({f"r{i}" for i in range(0, TIMELINE_MAX_POINTS + 500, 10)}
                                  | {"dev1", "undated", "r1"})
    assert len(plotted) == fatal + 3
    assert f"Of {len(records):,} records, the {fatal + 3:,} with deaths" in note
    few = _records(10)
    assert plotted_records(few, [])[0] is few and plotted_records(few, [])[1] == ""


def test_at_most_max_points_the_deadliest_first_developments_and_highlight_always():
    records = _with_development(_records(3 * TIMELINE_MAX_POINTS, fatal_every=2))
    records.loc[records["id"] == "r4", "fatalities"] = 50  # the deadliest
    records.loc[records["id"] == "r6", "fatalities"] = 9
    plotted, note = plotted_records(records, ["r3"])  # r3: no deaths, but highlighted
    assert len(plotted) == TIMELINE_MAX_POINTS
    ids = set(plotted["id"])
    assert {"r4", "r6", "dev1", "undated", "r3"} <= ids
    kept_deaths = pd.to_numeric(plotted["fatalities"])[~plotted["id"].isin(["dev1", "undated", "r3"])]
    left_out = records[~records["id"].isin(ids)]
    assert kept_deaths.min() >= left_out["fatalities"].max()  # none left out is deadlier than one kept
    assert f"the {TIMELINE_MAX_POINTS - 3:,} deadliest (2 or more killed)" in note
