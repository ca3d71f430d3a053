"""The timeline of incidents and developments on the triggers tab, as a Vega-Lite spec.

A plain spec (a dict) plus one table of points, drawn by ``st.vega_lite_chart``. Building
the same chart through altair validated every encoding against the Vega-Lite JSON schema on
each build and again on each draw (≈ 60 ms a rerun after a write with 10,000 records,
``benchmarks/bench_incidents_page.py``); the spec below is what altair produced, written out.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from geo.triggers import AttackTrigger, TriggerRules, cached_record_markers

#: Above this many records the timeline shows only those with deaths, developments and the
#: highlighted ones (zero-fatality incidents would only pile up on the axis); and at most this
#: many points in all: the deadliest records, then the developments and highlighted ones.
TIMELINE_MAX_POINTS = 1000
KIND_COLORS = {"incident": "#c0392b", "development": "#2c7fb8"}
KIND_SHAPES = {"incident": "circle", "development": "triangle-up"}
THRESHOLD_COLOR = "#c0392b"
MARKER_COLOR = "#2c7fb8"


def plotted_records(incidents: gpd.GeoDataFrame, selected: list[str]) -> tuple[gpd.GeoDataFrame, str]:
    """The records to plot, and a note saying what was left out (empty when nothing was)."""
    if len(incidents) <= TIMELINE_MAX_POINTS:
        return incidents, ""
    deaths = pd.to_numeric(incidents.get("fatalities"), errors="coerce").fillna(0)
    development = incidents.get("record_kind", pd.Series("", index=incidents.index)) == "development"
    always = development | incidents["id"].astype(str).isin(selected)
    fatal = (deaths > 0) & ~always
    room = max(TIMELINE_MAX_POINTS - int(always.sum()), 0)
    if int(fatal.sum()) <= room:
        keep = fatal | always
        return incidents[keep], (f" Of {len(incidents):,} records, the {int(keep.sum()):,} with deaths, the "
                                 "developments and the highlighted ones are plotted.")
    deadliest = deaths[fatal].sort_values(ascending=False, kind="stable").index[:room]
    keep = always | incidents.index.isin(deadliest)
    least = int(deaths.loc[deadliest].min()) if len(deadliest) else 0
    return incidents[keep], (f" Of {len(incidents):,} records, the {len(deadliest):,} deadliest ({least:,} or "
                             "more killed), the developments and the highlighted ones are plotted.")


def _column(incidents: pd.DataFrame, name: str, default: str = "") -> pd.Series:
    return incidents.get(name, pd.Series(default, index=incidents.index)).fillna(default)


def timeline_points(incidents: pd.DataFrame, rules: TriggerRules, selected: list[str]) -> pd.DataFrame:
    """One row per dated record: date, fatalities, record kind, location, type, id,
    ``selected`` (bool) and ``markers`` (the trigger markers a development carries, joined)."""
    df = pd.DataFrame({
        "date": pd.to_datetime(incidents["event_date"], errors="coerce"),
        "fatalities": pd.to_numeric(incidents.get("fatalities"), errors="coerce").fillna(0).astype(float),
        "record kind": _column(incidents, "record_kind", "incident"),
        "location": _column(incidents, "location"),
        "type": _column(incidents, "sub_event_type"),
        "id": incidents["id"].astype(str),
    })
    df["selected"] = df["id"].isin(selected)
    own = {tag for t in rules.triggers if not isinstance(t, AttackTrigger) for tag in t.marker_tags}
    # trigger markers (triggers 2 and 3) are carried by developments only: read just those rows
    df["markers"] = ""
    dev = (df["record kind"] == "development").to_numpy()
    if dev.any():
        tags = incidents.get("tags", pd.Series(None, index=incidents.index))[dev]
        notes = incidents.get("notes", pd.Series(None, index=incidents.index))[dev]
        df.loc[dev, "markers"] = [", ".join(sorted(cached_record_markers(t, n) & own))
                                  for t, n in zip(tags, notes, strict=True)]
    return df.dropna(subset=["date"]).reset_index(drop=True)


def _field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **extra}


def timeline_spec(points: pd.DataFrame, rules: TriggerRules) -> dict[str, Any]:
    """A layered Vega-Lite spec over ``points`` (from :func:`timeline_points`, passed to the chart
    as its data): records by date and fatalities, trigger 1's fatality threshold as a dashed
    rule, and a dashed vertical rule at each development carrying a trigger marker. Records
    in the highlight are drawn larger with a black outline."""
    kinds = list(KIND_COLORS)
    layers: list[dict[str, Any]] = [{
        "mark": {"type": "point", "filled": True, "opacity": 0.85},
        "encoding": {
            "x": _field("date", "temporal", title="event date"),
            "y": _field("fatalities", "quantitative", title="fatalities"),
            "color": _field("record kind", "nominal",
                            scale={"domain": kinds, "range": [KIND_COLORS[k] for k in kinds]}),
            "shape": _field("record kind", "nominal",
                            scale={"domain": kinds, "range": [KIND_SHAPES[k] for k in kinds]}),
            "size": {"condition": {"test": "datum.selected", "value": 260}, "value": 90},
            "stroke": {"condition": {"test": "datum.selected", "value": "black"}, "value": None},
            "tooltip": [_field("date", "temporal"), _field("type", "nominal"), _field("location", "nominal"),
                        _field("fatalities", "quantitative"), _field("markers", "nominal")],
        },
    }]
    attack = next((t for t in rules.triggers if isinstance(t, AttackTrigger)), None)
    if attack is not None:
        threshold = {"values": [{"y": attack.min_fatalities,
                                 "label": f"trigger {attack.id}: {attack.min_fatalities} killed"}]}
        layers.append({"data": threshold, "mark": {"type": "rule", "color": THRESHOLD_COLOR, "strokeDash": [6, 4]},
                       "encoding": {"y": _field("y", "quantitative")}})
        layers.append({"data": threshold, "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6,
                                                   "color": THRESHOLD_COLOR},
                       "encoding": {"y": _field("y", "quantitative"), "text": _field("label", "nominal")}})
    marked = points[points["markers"] != ""]
    if not marked.empty:
        values = [{"date": d.date().isoformat(), "markers": m}
                  for d, m in zip(marked["date"], marked["markers"], strict=True)]
        layers.append({"data": {"values": values},
                       "mark": {"type": "rule", "color": MARKER_COLOR, "strokeDash": [2, 3]},
                       "encoding": {"x": _field("date", "temporal"),
                                    "tooltip": [_field("date", "temporal"), _field("markers", "nominal")]}})
    return {"height": 280, "layer": layers}
