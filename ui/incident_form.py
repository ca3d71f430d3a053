"""Entering an incident: coordinates in any form (or a map click), a live check, the details.

The coordinate box and the location sit outside the form, so the preview (side of the
border, km to it, chainage, warnings, terrain) updates as soon as they change; the
other fields are in a ``st.form`` so typing them does not redraw the map. Nothing typed
is lost on an error: the widgets keep their values and the error names the field.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import streamlit as st

from geo.coords import PointCheck, check_point, parse_coordinates
from geo.datasets import CONFIDENCE_VALUES
from geo.errors import BorderMapError, InvalidCoordinateError, InvalidInputError
from geo.incidents import EVENT_TAXONOMY, ORIGIN_ATTRIBUTIONS, UNCLASSIFIED, VERIFICATION_VALUES
from geo.precision import SIDE_UNCERTAIN, range_text
from geo.scene_data import SceneData
from geo.stated_place import far_from_stated_place
from geo.terrain import elevation_at, slope_at
from ui import incidents_state, page_state
from ui.markdown import escape_markdown
from ui.terrain import load_dem

SIDE_NAMES = {"TJK": "Tajikistan", "AFG": "Afghanistan", "other": "neither"}
#: (event_type, sub_event_type) pairs of the ACLED taxonomy, as offered in the form.
EVENT_CHOICES: tuple[tuple[str, str], ...] = tuple((et, sub) for et, subs in EVENT_TAXONOMY.items()
                                                   for sub in subs)
#: Form fields (besides coordinates and location) and their labels.
TEXT_FIELDS: dict[str, str] = {
    "event_date": "Event date (YYYY-MM-DD or 15 March 2025)",
    "actor1": "Actor 1", "actor2": "Actor 2",
    "fatalities": "Fatalities (blank = unknown)", "injured": "Injured (blank = unknown)",
    "nationals": "Nationals affected (ISO codes, e.g. TJ;CN)", "origin": "Attributed origin",
    "origin_country": "Origin country (ISO code, e.g. AF)",
    "source": "Source (e.g. Asia-Plus)", "source_url": "Source URL (http/https)",
    "source_date": "Source date", "precision_km": "Location precision (± km)",
}
_ADD = "inc_f_"
_ADD_KEYS = ("inc_coords", "inc_location", "inc_precision", *(f"{_ADD}{k}" for k in
                                             (*TEXT_FIELDS, "event", "confidence", "verification", "notes",
                                              "origin_attribution")))


def _event_label(choice: tuple[str, str | None]) -> str:
    return choice[0] if choice[1] is None else f"{choice[0]} › {choice[1]}"


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def detail_fields(prefix: str, defaults: Mapping[str, Any], with_location: bool = False,
                  with_precision: bool = True) -> None:
    """The detail widgets (inside a form), keyed ``prefix + field``, initialised from ``defaults``
    (``with_precision=False``: the location precision is asked next to the coordinates instead)."""
    ss = st.session_state

    def init(name: str, value: Any) -> str:
        key = prefix + name
        if key not in ss:
            ss[key] = value
        return key

    def text(name: str, label: str, col: Any = st) -> None:
        value = defaults.get(name)
        col.text_input(label, key=init(name, "" if value is None else str(value)), max_chars=5000)

    et, sub = defaults.get("event_type"), defaults.get("sub_event_type")
    # a stored record shows its own type (an unclassified one keeps that value unless the analyst
    # picks a type: never a silent default); a new report starts with none chosen (the form asks)
    choices: tuple[tuple[str, str | None], ...] = (
        ((UNCLASSIFIED, None), *EVENT_CHOICES) if et == UNCLASSIFIED else EVENT_CHOICES)
    current = (et, sub) if (et, sub) in choices else next(
        (c for c in choices if c[0] == et), None)
    st.selectbox("Event type › sub-event type (ACLED)", choices, key=init("event", current),
                 format_func=_event_label, placeholder="Choose the event type",
                 help="'Strategic developments' are saved as developments (record kind), not incidents.")
    text("event_date", TEXT_FIELDS["event_date"])
    if with_location:
        text("location", "Location (place name as the report gives it)")
    c1, c2 = st.columns(2)
    text("actor1", TEXT_FIELDS["actor1"], c1)
    text("actor2", TEXT_FIELDS["actor2"], c2)
    c1, c2, c3 = st.columns(3)
    text("fatalities", TEXT_FIELDS["fatalities"], c1)
    text("injured", TEXT_FIELDS["injured"], c2)
    if with_precision:
        text("precision_km", TEXT_FIELDS["precision_km"], c3)
    c1, c2 = st.columns(2)
    text("nationals", TEXT_FIELDS["nationals"], c1)
    text("origin", TEXT_FIELDS["origin"], c2)
    c1, c2 = st.columns(2)
    text("origin_country", TEXT_FIELDS["origin_country"], c1)
    c2.selectbox("Origin attributed by", ["", *ORIGIN_ATTRIBUTIONS],
                 key=init("origin_attribution", defaults.get("origin_attribution") or ""),
                 format_func=lambda v: v or "— not recorded —",
                 help="official: a government body gave the origin on the record; claimed: only others asserted "
                      "it; unattributed: no one has. Trigger 1 reads this, not the text.")
    c1, c2 = st.columns(2)
    c1.selectbox("Confidence", ["", *CONFIDENCE_VALUES], key=init("confidence", defaults.get("confidence") or ""),
                 format_func=lambda v: v or "— not stated —")
    c2.selectbox("Verification", VERIFICATION_VALUES,
                 key=init("verification", defaults.get("verification") or "unverified"))
    c1, c2, c3 = st.columns(3)
    text("source", TEXT_FIELDS["source"], c1)
    text("source_url", TEXT_FIELDS["source_url"], c2)
    text("source_date", TEXT_FIELDS["source_date"], c3)
    notes = defaults.get("notes")
    st.text_area("Notes", key=init("notes", "" if notes is None else str(notes)), max_chars=5000)


def collect_fields(prefix: str, with_location: bool = False) -> dict[str, Any]:
    """The values of :func:`detail_fields` as incident fields (blank → ``None``); raises
    :class:`InvalidInputError` when no event type is chosen."""
    ss = st.session_state
    if not ss.get(prefix + "event"):
        raise InvalidInputError("event type: choose one (the form does not guess it)")
    et, sub = ss[prefix + "event"]
    out: dict[str, Any] = {name: _blank_to_none(ss[prefix + name]) for name in TEXT_FIELDS
                           if prefix + name in ss}
    out.update(event_type=et, sub_event_type=sub,
               record_kind="development" if et == "Strategic developments" else "incident",
               confidence=ss[prefix + "confidence"] or None, verification=ss[prefix + "verification"],
               origin_attribution=ss[prefix + "origin_attribution"] or None,
               notes=_blank_to_none(ss[prefix + "notes"]))
    if with_location:
        out["location"] = _blank_to_none(ss[prefix + "location"])
    return out


def _use_click(click: tuple[float, float] | None) -> None:
    """Put a new map click (lat, lon degrees) into the coordinate box (before the box is drawn)."""
    if click is not None and st.session_state.get("_inc_last_click") != click:
        st.session_state["_inc_last_click"] = click
        st.session_state["inc_coords"] = f"{click[0]:.5f}, {click[1]:.5f}"


def _apply_swap(lat: float, lon: float) -> None:
    st.session_state["inc_coords"] = f"{lat:.6g}, {lon:.6g}"


def _terrain_at(lat: float, lon: float, source: str | None) -> None:
    if source is None:
        return
    try:
        dem = load_dem(source)
        elev, slope = elevation_at(dem, lon, lat), slope_at(dem, lon, lat)
    except BorderMapError as exc:
        st.caption(f"Terrain: {escape_markdown(exc)}")
        return
    c1, c2 = st.columns(2)
    c1.metric("Elevation (DEM)", f"{elev:,.0f} m")
    c2.metric("Slope (DEM)", f"{slope:.1f}°")


def precision_value(text: str | None) -> float | None:
    """The typed location precision (± km) as a number; ``None`` when blank.

    Raises :class:`InvalidInputError` with one sentence for anything but a radius of 0–1000 km."""
    if text is None or not str(text).strip():
        return None
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        raise InvalidInputError(f"location precision must be a number of km, got {str(text)[:40]!r}") from None
    if not (math.isfinite(value) and 0 <= value <= 1000):
        raise InvalidInputError(f"location precision must be between 0 and 1000 km, got {str(text)[:40]!r}")
    return value


def _check_metrics(chk: PointCheck) -> None:
    """Side, distance and chainage of a checked point: ranges over its precision circle if any."""
    c1, c2 = st.columns(2)
    c1.metric("Parsed point (lat, lon)", f"{chk.lat:.5f}, {chk.lon:.5f}")
    if chk.precision_km > 0:
        side = ("uncertain" if chk.side_within_precision == SIDE_UNCERTAIN
                else SIDE_NAMES[chk.side_within_precision])
        c2.metric(f"Side (within ±{chk.precision_km:g} km)", side,
                  help=f"The point itself is in {SIDE_NAMES[chk.side]}; 'uncertain' when the precision circle "
                       "reaches the border or leaves the country.")
        distance = range_text(chk.distance_to_border_km_min, chk.distance_to_border_km_max, None)
        c1, c2 = st.columns(2)
        c1.metric("Distance to border", f"{distance} km",
                  help="Over the precision circle: nearest and farthest it may be from the line.")
        c2.metric("Nearest chainage", f"km {range_text(chk.chainage_km_min, chk.chainage_km_max, 0)}",
                  help="The stretch of border the precision circle covers (km from the Uzbek tripoint).")
        return
    c2.metric("Side", SIDE_NAMES[chk.side])
    c1, c2 = st.columns(2)
    c1.metric("Distance to border", f"{chk.distance_to_border_km:,.1f} km")
    c2.metric("Nearest chainage", f"km {chk.chainage_km:,.0f}")


def point_preview(text: str, location: str | None, data: SceneData,
                  dem_source: str | None = None, precision: str | None = None) -> tuple[float, float] | None:
    """Parse ``text`` and show where the point falls (with elevation and slope from the DEM at
    ``dem_source``, if any); with a typed ``precision`` (± km) side, distance and chainage are
    ranges over that circle. Returns ``(lat, lon)`` degrees or ``None``."""
    if not text.strip():
        st.info("Type or paste coordinates (decimal degrees, DMS, degrees-decimal-minutes or MGRS), "
                "or click the map.")
        return None
    try:
        radius = precision_value(precision)
    except InvalidInputError as exc:
        st.error(f"Location precision: {escape_markdown(exc)}")
        radius = None
    try:
        lat, lon = parse_coordinates(text)
        chk = check_point(lat, lon, data.border, precision_km=radius)
    except InvalidCoordinateError as exc:
        st.error(f"Coordinates: {escape_markdown(exc)}")
        return None
    _check_metrics(chk)
    for warning in chk.warnings:
        if not warning.startswith(("on the ", "within its ±")):  # restates the metrics above
            st.warning(escape_markdown(warning))
    if chk.swapped_suggestion:
        s_lat, s_lon = chk.swapped_suggestion
        st.button(f"Use {s_lat:.6g}, {s_lon:.6g} (swap latitude and longitude)", key="inc_swap",
                  on_click=_apply_swap, args=(s_lat, s_lon))
    far = far_from_stated_place(lat, lon, location, data.places)
    if far:
        st.warning(escape_markdown(far))
    _terrain_at(lat, lon, dem_source)
    return lat, lon


def _save(data: SceneData) -> None:
    """Save the form as a new record. A callback of the save button: it runs before the page
    script, so the single run that follows already draws the new marker."""
    ss = st.session_state
    try:
        lat, lon = parse_coordinates(str(ss.get("inc_coords") or ""))
        check_point(lat, lon, data.border)
    except InvalidCoordinateError:
        ss["_inc_error"] = "Not saved — coordinates: enter a valid point first (see above). Your entries are kept."
        return
    by = page_state.current_user()
    if by is None:
        ss["_inc_error"] = ("Not saved — type your name in the sidebar (Your name) first: it is kept in the "
                            "record's history. Your entries are kept.")
        return
    try:
        page_state.current_access().check("add")  # the role as the store keeps it now, not as drawn
        fields = collect_fields(_ADD)
        fields.update(latitude=lat, longitude=lon, location=_blank_to_none(ss.get("inc_location") or ""),
                      precision_km=_blank_to_none(ss.get("inc_precision") or ""))
        new_id = incidents_state.store().add(fields, by=by)
    except BorderMapError as exc:
        ss["_inc_error"] = (f"Not saved — {escape_markdown(exc)}. Your entries are kept: correct that field "
                            "and save again.")
        return
    for key in _ADD_KEYS:  # an empty form for the next report (widgets not drawn yet: allowed)
        ss.pop(key, None)
    ss["_inc_saved"] = f"{fields['sub_event_type']} on {fields['event_date']} ({new_id[:8]})"
    ss["_inc_undo_id"], ss["_inc_undo_version"] = new_id, 1  # a new record's first version
    page_state.select(new_id)


def entry_panel(data: SceneData, click: tuple[float, float] | None,
                dem_source: str | None = None) -> tuple[float, float, float] | None:
    """The "Add incident" panel: coordinates with live preview, then the details form.

    ``click``: the map's last click (lat, lon degrees), put into the coordinate box when new;
    ``dem_source``: the page's DEM, if any. Returns the point being entered (lat, lon degrees) and
    its typed precision (km, 0 if none), for the map's pin, or ``None``."""
    ss = st.session_state
    _use_click(click)
    # the confirmation stays (the map's own rerun after it redraws would otherwise take it away)
    # until the analyst starts on the next report
    if ss.get("inc_coords"):
        ss.pop("_inc_saved", None)
    if saved := ss.get("_inc_saved"):
        st.success(f"Saved {escape_markdown(saved)} — it is on the map. Undo it from the Incidents tab.")
    ss.setdefault("inc_coords", "")
    ss.setdefault("inc_location", "")
    text = st.text_input("Coordinates — any form, or click the map", key="inc_coords", max_chars=200,
                         placeholder="37°11'40\"N 68°36'19\"E · 37.1944, 68.6053 · 42S VG 64970 16511")
    ss.setdefault("inc_precision", "")
    c1, c2 = st.columns([2, 1])
    location = c1.text_input("Location (as the report names it)", key="inc_location", max_chars=5000)
    precision = c2.text_input("Precision (± km)", key="inc_precision", max_chars=20,
                              help="Radius within which the report places the event (blank: the point is "
                                   "taken as exact). The check below then gives ranges over that circle.")
    point = point_preview(text, location, data, dem_source, precision)
    try:
        radius = precision_value(precision) or 0.0
    except InvalidInputError:  # said above the check already
        radius = 0.0
    with st.form("inc_add_form", clear_on_submit=False, enter_to_submit=False):
        detail_fields(_ADD, {"event_date": dt.date.today().isoformat(), "verification": "unverified"},
                      with_precision=False)
        st.form_submit_button("Save incident", type="primary", key="inc_save", on_click=_save, args=(data,))
    show_error()  # under the save button, where the analyst looks
    return None if point is None else (*point, radius)


def show_error() -> None:
    """The last save's refusal, if any (shown once)."""
    if error := st.session_state.pop("_inc_error", None):
        st.error(error)
