"""The chainage–time view on the Incidents tab: where along the line (km) and when.

x is the border km from the Uzbek tripoint, y the date. Incidents are points coloured by event
type as on the map and sized by fatalities; developments (national, stored at the capital as
a stand-in) are dashed date lines across the whole line; crossing closures and openings and the
201st Base's garrisons are spans of dates at their chainage, from the places' sourced status
histories. The sidebar's filters apply (the records are the filtered ones; the date axis is the
filter's range). Clicking a point or a date line selects its record on the page: the map
highlights it and the table shows it (:data:`ui.page_state.SELECTED_KEY`).

The chart is a plain Vega-Lite spec (as :mod:`ui.timeline`) drawn by ``st.vega_lite_chart`` with
selection events; the pure rows come from :mod:`geo.chainage_time`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from geo.chainage_time import CATEGORIES, date_range, record_marks, status_intervals
from geo.incident_filters import IncidentFilter
from geo.incidents import EVENT_TYPE_VALUES
from geo.scene_data import SceneData
from layers.admin_areas import PROVINCE_COLOR
from layers.incidents import EVENT_TYPE_COLORS, OTHER_COLOR
from ui import page_state, state

#: Selection parameters of the chart (points, date lines).
POINT_PARAM = "pick_incident"
LINE_PARAM = "pick_development"
#: Above this many incidents only the deadliest and the selected one are plotted (as the
#: triggers' timeline does): the chart travels again with each change of its records, and 1,000
#: points are ~25 KB.
MAX_POINTS = 1000
CATEGORY_COLORS = {"closure": "#d7301f", "open": "#a6d96a", "deployment": "#c51b7d"}
DEVELOPMENT_COLOR = EVENT_TYPE_COLORS["Strategic developments"]
#: Height (px) of the plot area.
HEIGHT_PX = 330
#: Height (px) of the whole chart with its axis and keys (Streamlit sizes the chart as a whole).
CHART_HEIGHT_PX = 560
_KEY = "inc_chainage_time"


def chart_rows(marks: pd.DataFrame, selected: str | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(points, date lines, note): the incident points to plot (at most :data:`MAX_POINTS`) and the
    developments, each with ``day`` (ISO date text), ``selected`` (bool) and a one-line ``label``
    (its description in the chart); the note says what was left out (empty when nothing was)."""
    points = marks[marks["placement"] == "point"].copy()
    lines = marks[marks["placement"] == "date line"].copy()
    note = ""
    if len(points) > MAX_POINTS:
        # the deadliest (newest first among equals) and the selected one
        rank = points.assign(_sel=points["id"] == selected).sort_values(["_sel", "fatalities", "date"],
                                                                         ascending=False)
        kept = rank.head(MAX_POINTS)
        note = (f"Of {len(points):,} incidents, the {len(kept):,} deadliest (and the selected one) are plotted.")
        points = kept.drop(columns="_sel").sort_index()
    unplaced = int((marks["placement"] == "unplaced").sum())
    if unplaced:
        note += f" {unplaced:,} record(s) without a location are not plotted."
    for frame in (points, lines):
        frame["selected"] = frame["id"] == selected
        frame["day"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
        what = frame["sub_event_type"].where(frame["sub_event_type"] != "", frame["event_type"])
        where = frame["location"].where(frame["location"] != "", "—")
        frame["label"] = frame["day"] + " · " + what + " · " + where + " · id " + frame["id"]
    cols = ["id", "day", "chainage_km", "border_km", "event_type", "sub_event_type", "location", "fatalities",
            "fatalities_known", "precision_km", "selected", "label"]
    return points[cols].reset_index(drop=True), lines[cols].reset_index(drop=True), note.strip()


def _field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **extra}


def chart_spec(points: pd.DataFrame, lines: pd.DataFrame, intervals: pd.DataFrame,
               provinces: pd.DataFrame, length_km: float, days: tuple[pd.Timestamp, pd.Timestamp]) -> dict[str, Any]:
    """The layered Vega-Lite spec: province strips, status spans, development date lines and
    incident points (``points`` is passed to the chart as its data; the others are inline)."""
    x = _field("chainage_km", "quantitative", title="border km from the Uzbek tripoint (west → east)",
               scale={"domain": [0, round(length_km)], "nice": False})
    y_scale = {"domain": [days[0].date().isoformat(), days[1].date().isoformat()]}
    y = _field("day", "temporal", title="date", scale=y_scale)
    present = set(points["event_type"])
    types = [t for t in EVENT_TYPE_VALUES if t in EVENT_TYPE_COLORS and t in present]
    layers: list[dict[str, Any]] = []
    if len(provinces):
        strips = [{"from_km": float(a), "to_km": float(b), "province": str(n)} for n, a, b in zip(
            provinces["name"], provinces["facing_from_km"], provinces["facing_to_km"], strict=True)]
        layers.append({"data": {"values": strips}, "mark": {"type": "text", "baseline": "top", "dy": 2,
                                                            "color": PROVINCE_COLOR, "fontStyle": "italic",
                                                            "fontSize": 9},
                       "transform": [{"calculate": "(datum.from_km + datum.to_km) / 2", "as": "mid"}],
                       "encoding": {"x": _field("mid", "quantitative"), "y": {"value": 0},
                                    "text": _field("province", "nominal")}})
        layers.append({"data": {"values": strips[1:]}, "mark": {"type": "rule", "color": PROVINCE_COLOR,
                                                                "opacity": 0.35, "strokeDash": [2, 4]},
                       "encoding": {"x": _field("from_km", "quantitative")}})
    if len(intervals):
        spans = [{"chainage_km": float(r["chainage_km"]), "day": r["start"].date().isoformat(),
                  "until": r["end"].date().isoformat(), "what": f"{r['name']}: {r['status']}",
                  "category": CATEGORIES[r["category"]],
                  "end": "none on record (drawn to today)" if r["open_ended"] else r["end"].date().isoformat(),
                  "km_off_line": float(r["border_km"]), "source": f"{r['source']} ({r['confidence']})"}
                 for r in intervals.to_dict("records")]
        cats = [CATEGORIES[c] for c in CATEGORY_COLORS]
        layers.append({"data": {"values": spans},
                       "mark": {"type": "rule", "strokeWidth": 5, "opacity": 0.75, "strokeCap": "butt"},
                       "encoding": {"x": _field("chainage_km", "quantitative"), "y": y, "y2": {"field": "until"},
                                    "color": _field("category", "nominal", title="status spans",
                                                    scale={"domain": cats, "range": list(CATEGORY_COLORS.values())},
                                                    legend={"orient": "bottom", "direction": "horizontal",
                                                            "columns": 2, "symbolType": "stroke"}),
                                    "tooltip": [_field("what", "nominal"), _field("day", "temporal", title="from"),
                                                _field("end", "nominal", title="until"),
                                                _field("km_off_line", "quantitative", title="km from the line"),
                                                _field("source", "nominal")]}})
    if len(lines):
        layers.append({"data": {"values": lines.assign(x0=0.0, x1=float(round(length_km))).to_dict("records")},
                       "params": [{"name": LINE_PARAM, "select": {"type": "point", "fields": ["id"]}}],
                       "mark": {"type": "rule", "color": DEVELOPMENT_COLOR, "strokeDash": [6, 4]},
                       "encoding": {"x": _field("x0", "quantitative"), "x2": {"field": "x1"}, "y": y,
                                    "strokeWidth": {"condition": {"test": "datum.selected", "value": 4}, "value": 1.5},
                                    "opacity": {"condition": {"test": "datum.selected", "value": 1}, "value": 0.6},
                                    "description": _field("label", "nominal"),
                                    "tooltip": [_field("day", "temporal", title="date"),
                                                _field("sub_event_type", "nominal", title="development"),
                                                _field("location", "nominal")]}})
    layers.append({
        "params": [{"name": POINT_PARAM, "select": {"type": "point", "fields": ["id"]}}],
        "mark": {"type": "point", "filled": True, "opacity": 0.85},
        "encoding": {
            "x": x, "y": y,
            "color": _field("event_type", "nominal", title="event type",
                            scale={"domain": types, "range": [EVENT_TYPE_COLORS[t] for t in types],
                                   "unknown": OTHER_COLOR},
                            legend={"orient": "top", "direction": "vertical", "symbolSize": 90} if types else None),
            "size": _field("fatalities", "quantitative", title="fatalities",
                           scale={"type": "sqrt", "domain": [0, max(5.0, float(points["fatalities"].max())
                                                                     if len(points) else 0.0)],
                                  "range": [40, 520]}, legend=None),
            "stroke": {"condition": {"test": "datum.selected", "value": "#000000"}, "value": "#ffffff"},
            "strokeWidth": {"condition": {"test": "datum.selected", "value": 3}, "value": 0.8},
            "description": _field("label", "nominal"),
            "tooltip": [_field("day", "temporal", title="date"), _field("event_type", "nominal"),
                        _field("sub_event_type", "nominal"), _field("location", "nominal"),
                        _field("fatalities", "quantitative"), _field("chainage_km", "quantitative", title="km"),
                        _field("border_km", "quantitative", title="km from the line"),
                        _field("precision_km", "quantitative", title="precision ± km")],
        },
    })
    return {"height": HEIGHT_PX, "layer": layers, "config": {"legend": {"labelLimit": 200}},
            # the spans' and the points' colours are two keys, not one merged scale
            "resolve": {"scale": {"color": "independent"}, "legend": {"color": "independent"}},
            # SVG, so every mark is an element with its description (read by screen readers and tests)
            "usermeta": {"embedOptions": {"renderer": "svg"}}}


def _on_pick(key: str) -> None:
    """The chart's selection callback: the clicked point's or date line's record becomes the
    page's selected record (an empty selection — a click beside the marks — changes nothing)."""
    event = st.session_state.get(key) or {}
    chosen = (event.get("selection") or {}) if isinstance(event, dict) else {}
    for name in (POINT_PARAM, LINE_PARAM):
        items = chosen.get(name) or []
        if items and isinstance(items[0], dict) and items[0].get("id"):
            page_state.select(str(items[0]["id"]))
            return


@st.cache_resource(show_spinner=False, max_entries=8)
def _chart(version: tuple[int, str], flt: IncidentFilter, selected: str | None, today: dt.date, data_key: str,
           _shown: pd.DataFrame, _data: SceneData) -> tuple[pd.DataFrame, dict[str, Any], str] | None:
    """(points, spec, note) for the filtered records, once per (data version, filter, selection,
    day): a rerun that changes none of them (a map click, another tab) rebuilds nothing."""
    marks = record_marks(_shown)
    intervals = status_intervals(_data.places, _data.border, today, flt.date_from, flt.date_to)
    days = date_range(marks, intervals, flt.date_from, flt.date_to)
    if days is None:
        return None
    points, lines, note = chart_rows(marks, selected)
    spec = chart_spec(points, lines, intervals, _data.admin_areas, _data.border.length_km, days)
    return points, spec, note


def render(shown: pd.DataFrame, data: SceneData, selected: str | None, flt: IncidentFilter,
           today: dt.date | None = None) -> None:
    """The view over ``shown`` (the filtered, located records) inside an expander."""
    today = today or dt.date.today()
    # the version of the data itself (every write stamps updated_at), as the incidents layer keys it
    version = (len(shown), str(shown["updated_at"].max()) if "updated_at" in shown and len(shown) else "")
    with st.expander("Along the line in time — border km × date", expanded=True):
        built = _chart(version, flt, selected, today, str(state.data_dir()), shown, data)
        if built is None:
            st.info("No dated records or status reports to plot.")
            return
        points, spec, note = built
        key = f"{_KEY}_{selected or 'none'}"  # a new chart after each selection: its own selection starts empty
        has_lines = any(p.get("name") == LINE_PARAM for layer in spec["layer"] for p in layer.get("params", []))
        st.vega_lite_chart(points, spec, width="stretch", height=CHART_HEIGHT_PX, key=key,
                           on_select=lambda: _on_pick(key), selection_mode=[POINT_PARAM, *([LINE_PARAM] if has_lines else [])])
        st.caption(" ".join(part for part in (
            "Click a point or a dashed date line to select its record on the map and in the table. "
            "Points: incidents at the border km nearest them (size: fatalities). Dashed lines: developments, "
            "which concern the whole line. Bars: crossings closed or open and 201st Base garrisons active, from "
            "the places' sourced histories (a garrison is drawn at the km nearest it; its distance is in the "
            "tooltip). Names at the top: the Afghan provinces facing each stretch. Filters apply; the date "
            "axis is the date range chosen.", note) if part))
