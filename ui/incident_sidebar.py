"""Sidebar controls for incidents: filters, map style and a month-by-month time playback.

Empty multiselects mean "all". The date range follows the data: while the slider spans
the whole range, a record added outside it widens the range instead of being hidden.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import streamlit as st

from geo.datasets import CONFIDENCE_VALUES
from geo.incident_filters import SIDES, UNSTATED, IncidentFilter, date_bounds, record_months
from geo.incidents import EVENT_TYPE_VALUES, RECORD_KINDS, VERIFICATION_VALUES
from ui.incidents_state import STYLES
from ui.page_state import USER_KEY

#: Seconds each playback step stays on screen.
PLAYBACK_STEP_S = 0.8
SIDE_LABELS = {"TJK": "Tajik side", "AFG": "Afghan side", "other": "Neither (other country)"}
KIND_LABELS = {"incident": "Incidents", "development": "Strategic developments"}


@dataclass(frozen=True)
class IncidentView:
    """What the sidebar chose: the filter, the map style, and the playback steps (if on)."""

    flt: IncidentFilter
    style: str = "points"
    playback_steps: tuple[dt.date, ...] = ()

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"style must be one of {', '.join(STYLES)}, got {self.style!r}")


def _range_bounds(incidents: gpd.GeoDataFrame) -> tuple[dt.date, dt.date] | None:
    bounds = date_bounds(incidents)
    if bounds is None:
        return None
    lo, hi = bounds
    hi = max(hi, dt.date.today())
    if lo >= hi:
        lo = hi - dt.timedelta(days=1)
    return lo, hi


def _follow_bounds(key: str, bounds: tuple[dt.date, dt.date]) -> None:
    """Keep the range slider's state inside ``bounds``; widen it if it spanned the old range."""
    ss = st.session_state
    previous = ss.get(f"_{key}_bounds")
    current = ss.get(key)
    if current is None or previous is None or tuple(current) == tuple(previous):
        ss[key] = bounds
    else:
        lo = min(max(current[0], bounds[0]), bounds[1])
        hi = max(min(current[1], bounds[1]), lo)
        if (lo, hi) != tuple(current):
            ss[key] = (lo, hi)
    ss[f"_{key}_bounds"] = bounds


def _toggle_play(steps: tuple[dt.date, ...]) -> None:
    """The Play/Pause button's callback; Play at the last month starts again from the first."""
    ss = st.session_state
    playing = not ss.get("_inc_playing", False)
    ss["_inc_playing"] = playing
    if playing and ss.get("inc_until") == steps[-1]:
        ss["inc_until"] = steps[0]


def _playback(steps: tuple[dt.date, ...]) -> dt.date | None:
    """The playback controls over ``steps`` (the months with records): show records up to the
    chosen month (None: playback off)."""
    sb, ss = st.sidebar, st.session_state
    if not sb.checkbox("Time playback", key="inc_playback",
                       help="Show incidents up to a month; Play steps through the months that have records."):
        ss["_inc_playing"] = False
        return None
    if "_inc_until_next" in ss:  # set by the previous playback step, before the widget exists
        ss["inc_until"] = ss.pop("_inc_until_next")
    if ss.get("inc_until") not in steps:
        ss["inc_until"] = steps[-1]
    if ss.get("inc_until") == steps[-1]:  # the last month is shown: playback has stopped
        ss["_inc_playing"] = False
    until = sb.select_slider("Show incidents up to", options=steps, key="inc_until",
                             format_func=lambda d: d.strftime("%b %Y"))
    playing = bool(ss.get("_inc_playing"))
    sb.button("⏸ Pause" if playing else "▶ Play", key="inc_play_button", on_click=_toggle_play, args=(steps,),
              disabled=len(steps) < 2)
    return until


def user_box() -> None:
    """"Your name" in the sidebar: kept in the history of every record, zone and import the analyst
    writes. It starts with the ``BORDERMAP_USER`` setting, else empty (the page asks)."""
    st.sidebar.text_input("Your name (kept in the history of what you change)", key=USER_KEY, max_chars=100,
                          placeholder="Type your name before saving")


def sidebar_view(incidents: gpd.GeoDataFrame) -> IncidentView:
    """Draw the incident filters in the sidebar and return the chosen view."""
    sb = st.sidebar
    sb.subheader("Incidents")
    bounds = _range_bounds(incidents)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    steps: tuple[dt.date, ...] = ()
    if bounds is not None:
        _follow_bounds("inc_dates", bounds)
        chosen: Any = sb.slider("Date range", min_value=bounds[0], max_value=bounds[1], key="inc_dates",
                                format="YYYY-MM-DD")
        date_from, date_to = chosen
        months = tuple(record_months(incidents))
        until = _playback(months) if months else None
        if until is not None:
            steps = months
            date_to = min(chosen[1], until)
            date_from = min(chosen[0], date_to)
    event_types = sb.multiselect("Event types", list(EVENT_TYPE_VALUES), key="inc_types",
                                 placeholder="All event types")
    kinds = sb.multiselect("Record kind", list(RECORD_KINDS), key="inc_kinds", placeholder="All kinds",
                           format_func=lambda v: KIND_LABELS.get(v, v))
    actor = sb.text_input("Actor contains", key="inc_actor", max_chars=200,
                          help="Searched in actor 1, actor 2 and the associated actors (any case).")
    confidence = sb.multiselect("Confidence", [*CONFIDENCE_VALUES, UNSTATED], key="inc_confidence",
                                placeholder="Any confidence")
    verification = sb.multiselect("Verification", list(VERIFICATION_VALUES), key="inc_verification",
                                  placeholder="Any verification status")
    sides = sb.multiselect("Side of the border", list(SIDES), key="inc_sides", placeholder="Both sides and beyond",
                           format_func=lambda v: SIDE_LABELS.get(v, v),
                           help="The side of the recorded point. The table's side column says 'uncertain' where "
                                "the record's precision circle reaches across the border.")
    style_keys = list(STYLES)
    style = sb.radio("Draw incidents as", style_keys, key="inc_style", horizontal=True,
                     format_func=lambda v: STYLES.get(v, v))
    flt = IncidentFilter(date_from=date_from, date_to=date_to, event_types=tuple(event_types), actor=actor,
                         confidence=tuple(confidence), verification=tuple(verification), sides=tuple(sides),
                         record_kinds=tuple(kinds))
    return IncidentView(flt=flt, style=str(style), playback_steps=steps)


def playback_tick(view: IncidentView) -> None:
    """Call last on the page: while playing, wait a moment and show the next month."""
    ss = st.session_state
    if not ss.get("_inc_playing") or not view.playback_steps:
        return
    steps = view.playback_steps
    current = ss.get("inc_until")
    if current not in steps or current == steps[-1]:
        return
    ss["_inc_until_next"] = steps[steps.index(current) + 1]
    time.sleep(PLAYBACK_STEP_S)
    st.rerun()  # a timer: no callback can serve (nothing is clicked)
