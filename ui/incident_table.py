"""The "Incidents" tab: the filtered table, one record's edit / delete / undo and history, exports.

``st.dataframe`` shows text as text (no HTML is interpreted); exports are built only
when a download button is pressed, from the filtered records, formula-safe for CSV.
"""

from __future__ import annotations

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
from ui import incidents_state
from ui.incident_form import collect_fields, detail_fields
from ui.markdown import escape_markdown

TABLE_COLUMNS: tuple[str, ...] = (
    "event_date", "event_type", "sub_event_type", "location", "actor1", "actor2", "fatalities", "injured",
    "side", "border_km", "chainage_km", "confidence", "verification", "record_kind", "source", "notes",
    "latitude", "longitude", "id",
)
_HISTORY_SKIP = {"updated_at", "updated_by", "created_at", "created_by", "id"}


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
    by = incidents_state.current_user()
    revision = st_.revision
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
    ss["inc_undo_id"] = incident_id
    ss["_inc_feedback"] = ("success", f"Last change: {action} done on {escape_markdown(incident_id[:8])}.",
                           st_.revision)


def _save_edit(incident_id: str) -> None:
    """The edit form's save (a callback): coordinates parsed, then :func:`_run_change`."""
    prefix = f"inc_e_{incident_id}_"
    try:
        lat, lon = parse_coordinates(st.session_state[prefix + "coords"])
    except BorderMapError as exc:
        st.session_state["_inc_feedback"] = (
            "error", f"Not saved — coordinates: {escape_markdown(exc)}. Your entries are kept.",
            incidents_state.store().revision)
        return
    changes = collect_fields(prefix, with_location=True)
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


def _edit_form(rec: dict[str, Any]) -> None:
    prefix = f"inc_e_{rec['id']}_"
    key = prefix + "coords"
    if key not in st.session_state:
        st.session_state[key] = f"{rec['latitude']:.6f}, {rec['longitude']:.6f}"
    with st.form(f"inc_edit_form_{rec['id']}", enter_to_submit=False):
        st.text_input("Coordinates — any form", key=key, max_chars=200)
        detail_fields(prefix, rec, with_location=True)
        st.form_submit_button("Save changes", type="primary", key="inc_edit_save", on_click=_save_edit,
                              args=(rec["id"],))


def _selected(incidents: gpd.GeoDataFrame, table_rows: list[int], labels: dict[str, str]) -> str | None:
    ss = st.session_state
    ids = list(labels)
    if table_rows:
        picked = ids[table_rows[0]]
        if ss.get("_inc_table_pick") != picked:  # a new row clicked in the table
            ss["_inc_table_pick"] = picked
            ss["inc_selected"] = picked
    if ss.get("inc_selected") not in labels:
        ss["inc_selected"] = None
    choice: str | None = st.selectbox("Selected record (or click a row in the table)", ids, key="inc_selected",
                                      format_func=lambda i: labels.get(i, i), placeholder="Choose a record to edit, delete or see its history")
    return choice


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


def incidents_tab(filtered: gpd.GeoDataFrame, total: int) -> None:
    """The filtered table, the selected record's actions and history, the exports."""
    ss = st.session_state
    _feedback()
    undo_id = ss.get("inc_undo_id")
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
    event = st.dataframe(
        table, key="inc_table", on_select="rerun", selection_mode="single-row", hide_index=True,
        height=320, column_config={
            "border_km": st.column_config.NumberColumn("km to border", format="%.1f"),
            "chainage_km": st.column_config.NumberColumn("chainage km", format="%.0f"),
            "source": st.column_config.TextColumn("source"),
        })
    rows = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
    selected = _selected(listed, rows, _labels(listed)) if len(listed) else None
    if selected:
        _record_panel(selected)
    _export_buttons(filtered)


def _record_panel(incident_id: str) -> None:
    try:
        rec = incidents_state.store().get(incident_id)
    except BorderMapError as exc:
        st.error(escape_markdown(exc))
        return
    c1, c2 = st.columns(2)
    c1.button("🗑 Delete this record", key="inc_delete", on_click=_run_change, args=("delete", incident_id))
    c2.button("↶ Undo this record's last change", key="inc_undo_selected", on_click=_run_change,
              args=("undo", incident_id))
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
