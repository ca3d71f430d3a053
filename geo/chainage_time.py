"""Rows for a chainage–time view of the border: where along the line (km) and when.

Chainage is the km from the Uzbek tripoint along the shipped line (:mod:`geo.border`), the
chainage of the border point nearest a record or place; dates are days (pandas Timestamps,
no time of day). Two tables, both pure functions of frames passed in:

* :func:`record_marks` — one row per dated record. Incidents are points at their chainage;
  developments (``record_kind`` ``development``: national decisions and statements, stored at
  the capital as a stand-in location) are marked ``placement="date line"``: they belong to the
  whole line on their date, not to the km nearest Dushanbe.
* :func:`status_intervals` — one row per entry of a place's sourced status history
  (:mod:`geo.place_status`) as a span of dates at the place's chainage: crossing closures,
  openings, deployments of the 201st Base.

Example
-------
>>> import pandas as pd
>>> recs = pd.DataFrame({"id": ["a"], "event_date": ["2025-11-26"], "chainage_km": [412.3],
...                      "border_km": [4.0], "record_kind": ["incident"], "fatalities": [3]})
>>> row = record_marks(recs).iloc[0]
>>> float(row["chainage_km"]), row["placement"], float(row["fatalities"])
(412.3, 'point', 3.0)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from geo.border import Border, locate_points
from geo.place_status import parse_partial_date, status_history

#: Columns of :func:`record_marks`.
MARK_COLUMNS = ("id", "date", "chainage_km", "border_km", "record_kind", "event_type", "sub_event_type",
                "location", "fatalities", "fatalities_known", "precision_km", "placement")
#: Columns of :func:`status_intervals`.
INTERVAL_COLUMNS = ("place_id", "name", "kind", "status", "category", "start", "end", "open_ended",
                    "chainage_km", "border_km", "source", "confidence", "note")
#: Interval categories, as the chart names them.
CATEGORIES = {"closure": "crossing closed", "open": "crossing open", "deployment": "201st Base garrison active"}


def _text(frame: pd.DataFrame, name: str, default: str = "") -> pd.Series:
    if name not in frame:
        return pd.Series(default, index=frame.index, dtype=object)
    return frame[name].astype(object).fillna(default).astype(str)


def _number(frame: pd.DataFrame, name: str) -> pd.Series:
    col = frame[name] if name in frame else pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(col, errors="coerce").astype(float)


def record_marks(records: pd.DataFrame) -> pd.DataFrame:
    """One row per record with a readable ``event_date``, in :data:`MARK_COLUMNS`.

    ``records`` needs ``id`` and ``event_date`` (ISO text or dates), and normally the located
    columns ``chainage_km`` and ``border_km`` (:func:`geo.incident_filters.locate_incidents`);
    ``record_kind``, ``event_type``, ``sub_event_type``, ``location``, ``fatalities`` and
    ``precision_km`` are optional. Unknown fatalities count as 0 with ``fatalities_known``
    False. ``placement`` is ``"point"`` for an incident with a chainage, ``"date line"`` for a
    development, and ``"unplaced"`` for an incident without a location. A new frame.
    """
    if len(records) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in MARK_COLUMNS})
    deaths = _number(records, "fatalities")
    kind = _text(records, "record_kind", "incident").replace("", "incident")
    chainage = _number(records, "chainage_km")
    out = pd.DataFrame({
        "id": records["id"].astype(str).to_numpy(),
        # ISO dates as the store keeps them (a time of day, if any, is dropped)
        "date": pd.to_datetime(records["event_date"].astype(str).str.slice(0, 10), format="%Y-%m-%d",
                               errors="coerce").to_numpy(),
        "chainage_km": chainage.round(1).to_numpy(),
        "border_km": _number(records, "border_km").round(1).to_numpy(),
        "record_kind": kind.to_numpy(),
        "event_type": _text(records, "event_type").to_numpy(),
        "sub_event_type": _text(records, "sub_event_type").to_numpy(),
        "location": _text(records, "location").to_numpy(),
        "fatalities": deaths.fillna(0.0).to_numpy(),
        "fatalities_known": deaths.notna().to_numpy(),
        "precision_km": _number(records, "precision_km").to_numpy(),
    })
    out["placement"] = np.where(out["record_kind"] == "development", "date line",
                                np.where(np.isfinite(out["chainage_km"].to_numpy(dtype=float)), "point", "unplaced"))
    return out.dropna(subset=["date"]).reset_index(drop=True)


def _category(kind: str, status: str) -> str | None:
    text = status.lower()
    if kind == "crossing":
        return "closure" if "closed" in text else "open" if "open" in text else None
    if kind == "garrison" and text == "active":
        return "deployment"
    return None


def status_intervals(places: pd.DataFrame, border: Border, today: dt.date,
                     date_from: dt.date | None = None, date_to: dt.date | None = None) -> pd.DataFrame:
    """The status histories of ``places`` as spans of dates at each place's chainage.

    Each entry runs from its start to the next entry's start or its own ``until``, whichever
    comes first; the last runs to ``today`` (``open_ended`` True: no end on record). Only the
    categories of :data:`CATEGORIES` are kept (crossing closed / open, garrison active). Spans
    are clipped to ``[date_from, date_to]`` (days, inclusive) and dropped when outside it.

    ``places``: a (Geo)DataFrame with ``id``, ``name``, ``kind``, ``status_history`` and a
    point geometry (EPSG:4326), e.g. the shipped ``places.geojson``. Returns
    :data:`INTERVAL_COLUMNS` (``start``/``end`` Timestamps; ``border_km`` is the place's
    distance from the line: a garrison far from it is drawn at its nearest chainage).
    """
    rows: list[dict[str, Any]] = []
    lo = pd.Timestamp(date_from) if date_from else None
    hi = pd.Timestamp(date_to) if date_to else None
    geoms = places.geometry if "geometry" in places else pd.Series([None] * len(places), index=places.index)
    for props, geom in zip(places.drop(columns="geometry", errors="ignore").to_dict("records"), geoms, strict=True):
        history = status_history(props)
        if not history or geom is None or geom.is_empty:
            continue
        for k, entry in enumerate(history):
            category = _category(str(props.get("kind", "")), entry.status)
            if category is None:
                continue
            start = pd.Timestamp(entry.begins)
            ends = [pd.Timestamp(parse_partial_date(entry.until))] if entry.until else []
            if k + 1 < len(history):
                ends.append(pd.Timestamp(history[k + 1].begins))
            open_ended = not ends
            end = min(ends) if ends else pd.Timestamp(today)
            if lo is not None:
                start = max(start, lo)
            if hi is not None:
                end = min(end, hi)
            if end < start:
                continue
            rows.append({"place_id": str(props.get("id", "")), "name": str(props.get("name", "")),
                         "kind": str(props.get("kind", "")), "status": entry.status, "category": category,
                         "start": start, "end": end, "open_ended": open_ended,
                         "lon": float(geom.x), "lat": float(geom.y), "source": entry.source,
                         "confidence": entry.confidence, "note": entry.note})
    if not rows:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in INTERVAL_COLUMNS})
    out = pd.DataFrame(rows)
    loc = locate_points(border, out["lon"].to_numpy(), out["lat"].to_numpy())
    out["chainage_km"] = loc["chainage_km"].round(1).to_numpy()
    out["border_km"] = loc["distance_km"].round(1).to_numpy()
    return out[list(INTERVAL_COLUMNS)]


def date_range(marks: pd.DataFrame, intervals: pd.DataFrame, date_from: dt.date | None,
               date_to: dt.date | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The dates the view spans: the filter's range where set, else the data's (None: no data)."""
    starts = [*marks["date"].dropna().tolist(), *intervals["start"].dropna().tolist()]
    ends = [*marks["date"].dropna().tolist(), *intervals["end"].dropna().tolist()]
    lo = pd.Timestamp(date_from) if date_from else (min(starts) if starts else None)
    hi = pd.Timestamp(date_to) if date_to else (max(ends) if ends else None)
    if lo is None or hi is None:
        return None
    return (lo, hi) if lo <= hi else (hi, lo)

