"""The "Incidents" tab: the filtered table, one record's edit / delete / undo and history, exports.

``st.dataframe`` shows text as text (no HTML is interpreted); exports are built only
when a download button is pressed, from the filtered records, formula-safe for CSV.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.coords import parse_coordinates
from geo.errors import BorderMapError
from geo.export import (
    incidents_to_csv_bytes,
    incidents_to_geojson_bytes,
    incidents_to_kml_bytes,
    write_incidents,
)
from geo.store import PUBLIC_COLUMNS
from ui import incidents_state, page_state
from ui.incident_form import collect_fields, detail_fields
from ui.markdown import escape_markdown

TABLE_COLUMNS: tuple[str, ...] = (
    "event_date", "event_type", "sub_event_type", "location", "actor1", "actor2", "fatalities", "injured",
    "side", "border_km", "chainage_km", "confidence", "verification", "record_kind", "source", "notes",
    "latitude", "longitude", "id",
)
_HISTORY_SKIP = {"updated_at", "updated_by", "created_at", "created_by", "id"}
#: Key prefix of the edit form's widgets (``inc_e_<id>_<field>``), the stored version they were
#: filled from, and the record picker.
_EDIT = "inc_e_"
_EDIT_BUILT = "_inc_edit_built"
_PICKER = "inc_selected"


#: Most rows the table and the record picker list (the map and exports take every match).
TABLE_MAX_ROWS = 1000


def _labels(incidents: gpd.GeoDataFrame) -> dict[str, str]:
    loc = incidents["location"].fillna("(no location)").astype(str).str.slice(0, 60)
    text = (incidents["event_date"].astype(str) + " · " + incidents["sub_event_type"].fillna(
        incidents["event_type"]).astype(str) + " · " + loc + " · " + incidents["id"].astype(str).str.slice(0, 8))
    return dict(zip(incidents["id"].astype(str), text, strict=True))


def _changes(before: dict[str, Any] | None, after: dict[str, Any]) -> str:
    """What one revision changed, as ``field: old → new`` text."""
    if before is None:
        return "created"
    parts = []
    for key in PUBLIC_COLUMNS:
        if key in _HISTORY_SKIP or before.get(key) == after.get(key):
            continue
        if key == "deleted":
            parts.append("deleted" if after.get(key) else "restored")
            continue
        old, new = before.get(key), after.get(key)
        parts.append(f"{key}: {'—' if old is None else old} → {'—' if new is None else new}")
    return "; ".join(parts) or "no change"


def history_table(incident_id: str) -> pd.DataFrame:
    """Every revision of one record with what it changed."""
    rows, previous = [], None
    for item in incidents_state.store().history(incident_id):
        rows.append({"revision": item["revision"], "action": item["action"], "at": item["at"], "by": item["by"],
                     "undone": item["undone"], "changes": _changes(previous, item["record"])})
        previous = item["record"]
    return pd.DataFrame(rows)


def _run_change(action: str, incident_id: str, changes: dict[str, Any] | None = None) -> None:
    """Apply a store change and leave the outcome for :func:`_feedback`; on success remember
    the record for undo. A button callback: it runs before the page script, so the one run
    that follows already shows the change (on the map, in the table and the history)."""
    ss = st.session_state
    st_ = incidents_state.store()
    by = page_state.current_user()
    revision = st_.revision
    if by is None:
        ss["_inc_feedback"] = ("error", f"Not {action}d — type your name in the sidebar (Your name) first: "
                               "it is kept in the record's history.", revision)
        return
    try:
        if action == "update":
            st_.update(incident_id, changes or {}, by=by)
        elif action == "delete":
            st_.delete(incident_id, by=by)
        else:
            st_.undo(incident_id, by=by)
    except BorderMapError as exc:
        ss["_inc_feedback"] = ("error", f"Not {action}d — {escape_markdown(exc)}", revision)
        return
    if st_.revision == revision:  # an edit that changed nothing: no revision, nothing to undo
        ss["_inc_feedback"] = ("info", "Nothing changed: the record already holds these values.", revision)
        return
    ss["_inc_undo_id"] = incident_id
    page_state.select(incident_id)  # the changed record stays the selected one
    ss["_inc_feedback"] = ("success", f"Last change: {action} done on {escape_markdown(incident_id[:8])}.",
                           st_.revision)


def _save_edit(incident_id: str) -> None:
    """The edit form's save (a callback): coordinates parsed, then :func:`_run_change`."""
    prefix = _edit_prefix(incident_id)
    try:
        lat, lon = parse_coordinates(st.session_state[prefix + "coords"])
        changes = collect_fields(prefix, with_location=True)
    except BorderMapError as exc:
        st.session_state["_inc_feedback"] = (
            "error", f"Not saved — {escape_markdown(exc)}. Your entries are kept.",
            incidents_state.store().revision)
        return
    changes.update(latitude=lat, longitude=lon)
    _run_change("update", incident_id, changes=changes)


def _feedback() -> None:
    """What the last change did (left by :func:`_run_change`), shown until the store changes
    again (so the map's own rerun after it redraws does not take it away)."""
    kind, text, revision = st.session_state.get("_inc_feedback", (None, "", None))
    if revision is not None and revision != incidents_state.store().revision:
        st.session_state.pop("_inc_feedback", None)
        return
    if kind == "success":
        st.success(text)
    elif kind == "info":
        st.info(text)
    elif kind == "error":
        st.error(text)


def _edit_prefix(incident_id: str) -> str:
    return f"{_EDIT}{incident_id}_"


def _free_edit_widgets() -> None:
    """Forget the edit widgets' values (every record's)."""
    ss = st.session_state
    for key in [k for k in list(ss.keys()) if str(k).startswith(_EDIT)]:
        del ss[key]


def _edit_form(rec: dict[str, Any]) -> None:
    """The selected record's edit form. Its widgets start from the stored values and start again
    from them whenever the record changes in the store (a save, an undo, another analyst's edit)
    or another record is selected; what was typed is kept only while the stored record stays as
    it was (e.g. after an error)."""
    ss = st.session_state
    prefix = _edit_prefix(rec["id"])
    stored = (rec["id"], str(rec.get("updated_at")))
    if ss.get(_EDIT_BUILT) != stored:
        _free_edit_widgets()
        ss[_EDIT_BUILT] = stored
    key = prefix + "coords"
    if key not in ss:
        ss[key] = f"{rec['latitude']:.6f}, {rec['longitude']:.6f}"
    with st.form(f"inc_edit_form_{rec['id']}", enter_to_submit=False):
        st.text_input("Coordinates — any form", key=key, max_chars=200)
        detail_fields(prefix, rec, with_location=True)
        st.form_submit_button("Save changes", type="primary", key="inc_edit_save", on_click=_save_edit,
                              args=(rec["id"],))


def _pick_row(table_key: str, ids: tuple[str, ...]) -> None:
    """The table's selection callback: the clicked row's record becomes the selected one (by id, so
    the selection stays with the record when the table re-sorts)."""
    event = st.session_state.get(table_key) or {}
    rows = list((event.get("selection") or {}).get("rows") or [])
    if rows and 0 <= rows[0] < len(ids):
        page_state.select(ids[rows[0]])


def _pick_box() -> None:
    """The record picker's callback."""
    page_state.select(st.session_state.get(_PICKER))


def _picker(labels: dict[str, str], selected: str | None) -> str | None:
    """The record picker: the listed records, plus the selected one when the filters hide it or it
    is deleted; returns the selected id if that record exists."""
    ss = st.session_state
    ids = list(labels)
    if selected is not None and selected not in labels:
        try:
            rec = incidents_state.store().get(selected)
        except BorderMapError:
            selected = None
        else:
            hidden = "deleted" if rec.get("deleted") else "hidden by the filters"
            labels = {**labels, selected: f"{rec.get('event_date')} · {rec.get('location') or '(no location)'}"
                                          f" · {selected[:8]} ({hidden})"}
            ids = [selected, *ids]
    ss[_PICKER] = selected  # the widget shows the page's selection (set before it is drawn)
    st.selectbox("Selected record (or click a row in the table)", ids, key=_PICKER, on_change=_pick_box,
                 format_func=lambda i: labels.get(i, i),
                 placeholder="Choose a record to edit, delete or see its history")
    return selected


def _export_buttons(incidents: gpd.GeoDataFrame) -> None:
    def gpkg() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            return write_incidents(incidents, Path(tmp) / "incidents.gpkg", "gpkg").read_bytes()

    st.caption(f"Export the {len(incidents):,} filtered records (CSV cells are formula-safe):")
    cols = st.columns(4)
    specs = [("CSV", lambda: incidents_to_csv_bytes(incidents), "csv", "text/csv"),
             ("GeoJSON", lambda: incidents_to_geojson_bytes(incidents), "geojson", "application/geo+json"),
             ("KML", lambda: incidents_to_kml_bytes(incidents), "kml", "application/vnd.google-earth.kml+xml"),
             ("GeoPackage", gpkg, "gpkg", "application/geopackage+sqlite3")]
    for col, (label, make, ext, mime) in zip(cols, specs, strict=True):
        col.download_button(label, data=make, file_name=f"incidents.{ext}", mime=mime, key=f"inc_export_{ext}",
                            on_click="ignore", disabled=len(incidents) == 0)


def incidents_tab(filtered: gpd.GeoDataFrame, total: int, selected: str | None) -> None:
    """The filtered table, the selected record's actions and history, the exports.

    ``selected``: the selected record's id (:class:`ui.page_state.PageState`); edit, delete and undo
    act on that record and only on it, wherever the table lists it."""
    ss = st.session_state
    _feedback()
    undo_id = ss.get("_inc_undo_id")
    if undo_id:
        st.button(f"↶ Undo my last change (record {undo_id[:8]})", key="inc_undo_last", on_click=_run_change,
                  args=("undo", undo_id))
    listed = filtered
    note = ""
    if len(filtered) > TABLE_MAX_ROWS:  # a table (and picker) of 10,000 rows costs every rerun
        newest = filtered["event_date"].sort_values(ascending=False, kind="stable").index[:TABLE_MAX_ROWS]
        listed = filtered.loc[newest]  # sorting the one column, not the whole frame
        note = (f" The table lists the {TABLE_MAX_ROWS:,} most recent; narrow the filters to see others, "
                "or export them all below.")
    st.caption(f"{len(filtered):,} of {total:,} records match the filters in the sidebar.{note}")
    cols = [c for c in TABLE_COLUMNS if c in listed]
    table = pd.DataFrame(listed[cols]).reset_index(drop=True)
    ids = tuple(table["id"].astype(str)) if "id" in table else ()
    # a new table widget whenever the rows change order or membership: its row selection (a
    # position) then starts on the selected record's row instead of staying on a position
    table_key = "inc_table_" + hashlib.blake2b("\n".join(ids).encode(), digest_size=6).hexdigest()
    st.dataframe(
        table, key=table_key, on_select=functools.partial(_pick_row, table_key, ids),
        selection_mode="single-row", hide_index=True, height=320,
        selection_default={"selection": {"rows": [ids.index(selected)]}} if selected in ids else None,
        column_config={
            "border_km": st.column_config.NumberColumn("km to border", format="%.1f"),
            "chainage_km": st.column_config.NumberColumn("chainage km", format="%.0f"),
            "source": st.column_config.TextColumn("source"),
        })
    if len(listed) or selected is not None:
        selected = _picker(_labels(listed) if len(listed) else {}, selected)
    if selected is not None:
        _record_panel(selected)
    else:
        _free_edit_widgets()
    _export_buttons(filtered)


def _record_panel(incident_id: str) -> None:
    try:
        rec = incidents_state.store().get(incident_id)
    except BorderMapError as exc:
        st.error(escape_markdown(exc))
        return
    c1, c2 = st.columns(2)
    c1.button("🗑 Delete this record", key="inc_delete", on_click=_run_change, args=("delete", incident_id),
              disabled=bool(rec.get("deleted")))
    c2.button("↶ Undo this record's last change", key="inc_undo_selected", on_click=_run_change,
              args=("undo", incident_id))
    if rec.get("deleted"):
        st.info("This record is deleted: undo its last change to restore it.")
        _free_edit_widgets()
    else:
        with st.expander("Edit this record", expanded=False):
            _edit_form(rec)
    st.markdown("**History of this record** (oldest first)")
    try:
        st.dataframe(history_table(incident_id), hide_index=True, key="inc_history")
    except BorderMapError as exc:
        st.error(escape_markdown(exc))
    with st.expander("All fields (as stored)"):
        st.json(json.dumps({k: rec.get(k) for k in PUBLIC_COLUMNS}, ensure_ascii=False, default=str),
                expanded=True)
