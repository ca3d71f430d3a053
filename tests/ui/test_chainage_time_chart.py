"""The chainage–time chart's rows and spec (ui.chainage_time) on hand-made records."""

from __future__ import annotations

import pandas as pd

from geo.chainage_time import record_marks
from ui import chainage_time as ct


def _marks(n_points: int, deadly: int = 0) -> pd.DataFrame:
    ids = [f"i{k}" for k in range(n_points)]
    recs = pd.DataFrame({"id": [*ids, "dev"], "event_date": ["2025-11-26"] * (n_points + 1),
                         "chainage_km": [float(k % 1200) for k in range(n_points)] + [300.0],
                         "record_kind": ["incident"] * n_points + ["development"],
                         "event_type": ["Battles"] * n_points + ["Strategic developments"],
                         "fatalities": [1 if k < deadly else 0 for k in range(n_points)] + [0]})
    return record_marks(recs)


def test_points_and_date_lines_are_split_and_the_selected_one_flagged() -> None:
    points, lines, note = ct.chart_rows(_marks(3), "i1")
    assert list(points["id"]) == ["i0", "i1", "i2"] and list(lines["id"]) == ["dev"]
    assert list(points["selected"]) == [False, True, False] and note == ""
    assert points["day"].iloc[0] == "2025-11-26" and "id i0" in points["label"].iloc[0]


def test_many_points_keep_the_deadliest_and_the_selected_and_say_so() -> None:
    marks = _marks(ct.MAX_POINTS + 10, deadly=5)
    selected = f"i{ct.MAX_POINTS + 5}"  # no deaths
    points, _, note = ct.chart_rows(marks, selected)
    assert len(points) == ct.MAX_POINTS and selected in set(points["id"])
    assert {f"i{k}" for k in range(5)} <= set(points["id"])  # every deadly one
    assert f"Of {ct.MAX_POINTS + 10:,} incidents, the {ct.MAX_POINTS:,} deadliest" in note


def test_the_spec_selects_by_id_on_points_and_date_lines_and_spans_the_line() -> None:
    points, lines, _ = ct.chart_rows(_marks(3), None)
    days = (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01"))
    spec = ct.chart_spec(points, lines, pd.DataFrame(), pd.DataFrame(), 1245.7, days)
    params = [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert {p["name"] for p in params} == {ct.POINT_PARAM, ct.LINE_PARAM}
    assert all(p["select"] == {"type": "point", "fields": ["id"]} for p in params)
    point_layer = spec["layer"][-1]
    assert point_layer["encoding"]["x"]["scale"]["domain"] == [0, 1246]
    assert point_layer["encoding"]["y"]["scale"]["domain"] == ["2025-01-01", "2026-01-01"]
    assert point_layer["encoding"]["color"]["scale"]["domain"] == ["Battles"]  # only types present
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_no_records_give_empty_rows_and_a_spec_without_a_key() -> None:
    points, lines, note = ct.chart_rows(record_marks(pd.DataFrame({"id": [], "event_date": []})), None)
    assert points.empty and lines.empty and note == ""
    days = (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01"))
    spec = ct.chart_spec(points, lines, pd.DataFrame(), pd.DataFrame(), 1245.7, days)
    assert spec["layer"][-1]["encoding"]["color"]["legend"] is None
