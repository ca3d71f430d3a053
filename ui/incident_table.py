"""The "Incidents" tab: the filtered table, one record's edit / delete / undo and history, exports.

Edits never overwrite a colleague's silently: edit, delete and undo pass the record's version
the analyst saw (the edit form's when it was filled), and the fields sent are only those the
analyst changed. When the record changed meanwhile the store refuses
(:class:`geo.errors.EditConflictError`) and the tab shows who changed it and when, both values
of each differing field, and lets the analyst reload the stored record or overwrite deliberately.

``st.dataframe`` shows text as text (no HTML is interpreted); exports are built only
when a download button is pressed, from the filtered records, formula-safe for CSV.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo.claims import claim_count, disagreement_labels
from geo.coords import parse_coordinates
from geo.errors import BorderMapError, EditConflictError
from geo.export import (
    incidents_to_csv_bytes,
    incidents_to_geojson_bytes,
    incidents_to_kml_bytes,
    write_incidents,
)
from geo.precision import range_texts
from geo.store import PUBLIC_COLUMNS, edited_values
from ui import claims_panel, incidents_state, page_state
from ui.incident_form import collect_fields, detail_fields
from ui.markdown import escape_markdown

TABLE_COLUMNS: tuple[str, ...] = (
    "event_date", "event_type", "sub_event_type", "location", "actor1", "actor2", "fatalities", "injured",
    "side", "border_km", "chainage_km", "confidence", "verification", "record_kind", "source", "notes",
    "latitude", "longitude", "id",
)
_HISTORY_SKIP = {"updated_at", "updated_by", "created_at", "created_by", "id"}
#: Key prefix of the edit form's widgets (``inc_e_<id>_<field>``), the stored record they were
#: filled from (``{"id", "version", "updated_at", "record"}``), and the record picker.
_EDIT = "inc_e_"
_EDIT_BUILT = "_inc_edit_built"
_PICKER = "inc_selected"
#: A refused change waiting for the analyst's choice (reload or overwrite); see :func:`_conflict_state`.
_CONFLICT = "_inc_conflict"
#: The record of "Undo my last change" and its version right after that change.
_UNDO_ID, _UNDO_VERSION = "_inc_undo_id", "_inc_undo_version"
#: Fields sent together: the form's event choice sets all three.
_EVENT_FIELDS = ("event_type", "sub_event_type", "record_kind")
#: Degrees under which a coordinate counts as unchanged (the form shows 6 decimals, ~0.1 m).
_COORD_TOLERANCE_DEG = 5e-7
#: The permission each store change needs (:mod:`geo.permissions`).
_ACTIONS = {"update": "edit", "delete": "delete", "undo": "undo"}
#: What a refused change did not do, and its "overwrite" button.
_REFUSED = {"update": ("Not saved", "Overwrite with my values"),
            "delete": ("Not deleted", "Delete it anyway"),
            "undo": ("Not undone", "Undo its last change anyway")}


#: Rows on one page of the table (and in the record picker); the map and exports take every match.
TABLE_PAGE_ROWS = 25
#: The table's page widget, and the record whose page it last jumped to.
_PAGE = "inc_table_page"
_PAGE_FOLLOWS = "_inc_page_follows"


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
        if key == "claims":  # the JSON text is long: the number of claims says what changed
            old, new = claim_count(old), claim_count(new)
        parts.append(f"{key}: {'—' if old is None else old} → {'—' if new is None else new}")
    return "; ".join(parts) or "no change"


def history_table(incident_id: str) -> pd.DataFrame:
    """Every revision of one record with what it changed."""
    rows, previous = [], None
    for item in incidents_state.store().history(incident_id):
        rows.append({"revision": item["revision"], "action": item["action"], "at": item["at"], "by": item["by"],
                     "via": item.get("channel"), "undone": item["undone"],
                     "changes": _changes(previous, item["record"])})
        previous = item["record"]
    return pd.DataFrame(rows)


def _conflict_state(action: str, exc: EditConflictError, changes: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the conflict block shows and its buttons need: the refused ``action`` and its
    ``changes``, who changed the record and when, the version now stored, both values."""
    return {"action": action, "id": exc.incident_id, "changed_by": exc.changed_by, "changed_at": exc.changed_at,
            "expected_version": exc.expected_version, "current_version": exc.current_version,
            "yours": dict(exc.yours), "theirs": dict(exc.theirs), "changes": dict(changes or {})}


def _run_change(action: str, incident_id: str, changes: dict[str, Any] | None = None,
                expected_version: int | None = None) -> None:
    """Apply a store change and leave the outcome for :func:`_feedback` (a conflict for
    :func:`_conflict_block`); on success remember the record and its new version for undo.
    ``expected_version``: the record's version the analyst saw (``None``: overwrite). A button
    callback: it runs before the page script, so the one run that follows already shows the
    change (on the map, in the table and the history)."""
    ss = st.session_state
    st_ = incidents_state.store()
    by = page_state.current_user()
    revision = st_.revision
    if by is None:
        ss["_inc_feedback"] = ("error", f"Not {action}d — type your name in the sidebar (Your name) first: "
                               "it is kept in the record's history.", revision)
        return
    try:
        page_state.current_access().check(_ACTIONS[action], st_.get(incident_id).get("created_by"))
        if action == "update":
            version = st_.update(incident_id, changes or {}, by=by, expected_version=expected_version)
        elif action == "delete":
            version = st_.delete(incident_id, by=by, expected_version=expected_version)
        else:
            version = st_.undo(incident_id, by=by, expected_version=expected_version)
    except EditConflictError as exc:  # nothing written: the analyst chooses (reload or overwrite)
        ss[_CONFLICT] = _conflict_state(action, exc, changes)
        ss.pop("_inc_feedback", None)
        page_state.select(incident_id)  # the block shows with the record it is about
        return
    except BorderMapError as exc:
        ss["_inc_feedback"] = ("error", f"Not {action}d — {escape_markdown(exc)}", revision)
        return
    ss.pop(_CONFLICT, None)
    if st_.revision == revision:  # an edit that changed nothing: no revision, nothing to undo
        ss["_inc_feedback"] = ("info", "Nothing changed: the record already holds these values.", revision)
        return
    ss[_UNDO_ID], ss[_UNDO_VERSION] = incident_id, version
    page_state.select(incident_id)  # the changed record stays the selected one
    ss["_inc_feedback"] = ("success", f"Last change: {action} done on {escape_markdown(incident_id[:8])}.",
                           st_.revision)


def _claim_saved(incident_id: str, version: int, text: str) -> None:
    """A claim was added, chosen or removed (a callback): feedback, and "Undo my last change" takes it back."""
    ss = st.session_state
    ss[_UNDO_ID], ss[_UNDO_VERSION] = incident_id, version
    page_state.select(incident_id)
    ss["_inc_feedback"] = ("success", text, incidents_state.store().revision)


def _claim_refused(text: str) -> None:
    st.session_state["_inc_feedback"] = ("error", text, incidents_state.store().revision)


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
    seen = st.session_state.get(_EDIT_BUILT) or {}
    if seen.get("id") != incident_id:  # the form always records what it was filled from; never guess
        st.session_state["_inc_feedback"] = ("error", "Not saved — the form lost track of the stored record; "
                                             "select the record again.", incidents_state.store().revision)
        return
    mine = my_changes(seen["record"], changes)
    if not mine:
        st.session_state["_inc_feedback"] = ("info", "Nothing changed: you changed no field of the record.",
                                             incidents_state.store().revision)
        return
    _run_change("update", incident_id, changes=mine, expected_version=seen["version"])


def my_changes(seen: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``form`` (the edit form's values) that differ from ``seen`` (the stored
    record the form was filled from), compared as the store would keep them; the event fields go
    together. Only these are sent, so a colleague's edit of other fields is never undone."""
    kept = edited_values(seen, form)
    out: dict[str, Any] = {}
    for key, value in form.items():
        new, old = kept.get(key, value), seen.get(key)
        if key in ("latitude", "longitude") and new is not None and old is not None:
            same = abs(float(new) - float(old)) < _COORD_TOLERANCE_DEG
        else:
            same = new == old
        if not same:
            out[key] = value
    if any(k in out for k in _EVENT_FIELDS):
        out.update({k: form[k] for k in _EVENT_FIELDS if k in form})
    return out


def _when(iso: str) -> str:
    """An ISO UTC time as ``YYYY-MM-DD HH:MM:SS UTC`` (the text as given when it is no time)."""
    try:
        t = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def _cell(value: Any) -> str:
    return "—" if value is None else escape_markdown(value)


def _reload_stored(incident_id: str) -> None:
    """"Reload the stored record" (a callback): drop the refused change; the form refills from the store."""
    ss = st.session_state
    ss.pop(_CONFLICT, None)
    _free_edit_widgets()
    ss.pop(_EDIT_BUILT, None)
    ss["_inc_feedback"] = ("info", "Reloaded: the form shows the stored record.", incidents_state.store().revision)


def _overwrite(incident_id: str) -> None:
    """The conflict's "overwrite" button (a callback): the refused change again, deliberately over
    the version the conflict block showed (refused again if the record changed once more)."""
    conflict = st.session_state.get(_CONFLICT) or {}
    if conflict.get("id") != incident_id:
        return
    _run_change(conflict["action"], incident_id, changes=conflict["changes"] or None,
                expected_version=conflict["current_version"])


def _conflict_block(incident_id: str) -> None:
    """The refused change of this record, if any: who changed it and when, both values of each
    differing field, and the two ways on (reload, overwrite)."""
    ss = st.session_state
    conflict = ss.get(_CONFLICT)
    if not conflict:
        return
    if conflict["id"] != incident_id:  # another record selected: that choice is no longer asked
        ss.pop(_CONFLICT, None)
        return
    refused, overwrite = _REFUSED[conflict["action"]]
    kept = " Your values are kept in the form." if conflict["action"] == "update" else ""
    st.error(f"{refused} — this record was changed by {escape_markdown(conflict['changed_by'])} at "
             f"{escape_markdown(_when(conflict['changed_at']))} since you opened it (version "
             f"{conflict['current_version']}, you had {conflict['expected_version']}). Nothing was written."
             f"{kept}")
    yours, theirs = conflict["yours"], conflict["theirs"]
    rows = [{"field": escape_markdown(k), "yours": _cell(yours[k]), "theirs (stored now)": _cell(theirs.get(k))}
            for k in yours if yours[k] != theirs.get(k)]
    if rows:
        st.table(pd.DataFrame(rows), hide_index=True)
    elif conflict["action"] == "update":
        st.caption("The stored record already holds your values in every field you changed.")
    c1, c2 = st.columns(2)
    c1.button("Reload the stored record", key="inc_conflict_reload", on_click=_reload_stored, args=(incident_id,))
    c2.button(overwrite, key="inc_conflict_overwrite", type="primary", on_click=_overwrite, args=(incident_id,))


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
    built = ss.get(_EDIT_BUILT) or {}
    stored = (rec["id"], rec.get("version"), str(rec.get("updated_at")))
    refused = (ss.get(_CONFLICT) or {}).get("id") == rec["id"]  # keep what the analyst typed
    if (built.get("id"), built.get("version"), built.get("updated_at")) != stored and not refused:
        _free_edit_widgets()
        ss[_EDIT_BUILT] = {"id": rec["id"], "version": rec.get("version"), "updated_at": str(rec.get("updated_at")),
                           "record": dict(rec)}
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


def _table_page(listed_ids: np.ndarray, selected: str | None, page_count: int) -> int:
    """The table's page (1-based): the one holding the selected record when the selection changes
    (a row clicked, a record saved, chosen in the picker), else the page the analyst chose."""
    ss = st.session_state
    if selected is not None and ss.get(_PAGE_FOLLOWS) != selected:
        at = np.flatnonzero(listed_ids == selected)
        if len(at):
            ss[_PAGE] = int(at[0]) // TABLE_PAGE_ROWS + 1
            ss[_PAGE_FOLLOWS] = selected
    number = ss.get(_PAGE, 1)
    if not isinstance(number, int) or not 1 <= number <= page_count:  # fewer pages now (a filter)
        number = ss[_PAGE] = min(max(number, 1), page_count) if isinstance(number, int) else 1
    return number


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
    undo_id = ss.get(_UNDO_ID)
    if undo_id:  # only while the record is still as my change left it
        st.button(f"Undo my last change (record {undo_id[:8]})", icon=":material/undo:", key="inc_undo_last",
                  on_click=_run_change, args=("undo", undo_id, None, ss.get(_UNDO_VERSION)))
    order = filtered["event_date"].sort_values(ascending=False, kind="stable").index  # newest first
    listed_ids = filtered.loc[order, "id"].astype(str).to_numpy() if "id" in filtered else np.array([], str)
    page_count = max(1, -(-len(order) // TABLE_PAGE_ROWS))
    number = _table_page(listed_ids, selected, page_count)
    start = (number - 1) * TABLE_PAGE_ROWS
    listed = filtered.loc[order[start:start + TABLE_PAGE_ROWS]]  # one page travels to the browser
    shown_rows = (f" Newest first: rows {start + 1:,}–{start + len(listed):,}, page {number:,} of "
                  f"{page_count:,}." if len(order) > TABLE_PAGE_ROWS else "")
    st.caption(f"{len(filtered):,} of {total:,} records match the filters in the sidebar.{shown_rows}")
    cols = [c for c in TABLE_COLUMNS if c in listed]
    table = with_range_texts(pd.DataFrame(listed[cols]).reset_index(drop=True), listed)
    if "claims" in listed:  # a marker where the sources' claims differ
        table.insert(1 if len(cols) > 1 else 0, "claims", disagreement_labels(listed["claims"]).to_numpy())
    ids = tuple(table["id"].astype(str)) if "id" in table else ()
    # a new table widget whenever the rows change order or membership: its row selection (a
    # position) then starts on the selected record's row instead of staying on a position
    table_key = "inc_table_" + hashlib.blake2b("\n".join(ids).encode(), digest_size=6).hexdigest()
    st.dataframe(
        table, key=table_key, on_select=functools.partial(_pick_row, table_key, ids),
        selection_mode="single-row", hide_index=True, height=320,
        selection_default={"selection": {"rows": [ids.index(selected)]}} if selected in ids else None,
        column_config={
            "side": st.column_config.TextColumn("side", help=_SIDE_HELP),
            "border_km": st.column_config.TextColumn("km to border", help=_RANGE_HELP),
            "chainage_km": st.column_config.TextColumn("chainage km", help=_RANGE_HELP),
            "source": st.column_config.TextColumn("source"),
            "claims": st.column_config.TextColumn("claims", help="⚠ and the fields where the sources differ"),
        })
    if page_count > 1:
        st.pagination(page_count, key=_PAGE, max_visible_pages=7, persist_state="page")
    if len(listed) or selected is not None:
        labels = _labels(listed) if len(listed) else {}
        if selected is not None and selected not in labels and selected in listed_ids:  # on another page
            labels = {**_labels(filtered[filtered["id"].astype(str) == selected]), **labels}
        selected = _picker(labels, selected)
    if selected is not None:
        _record_panel(selected)
    else:
        _free_edit_widgets()
    _export_buttons(filtered)


_SIDE_HELP = ("The side the record's whole precision circle lies on; 'uncertain' when the circle reaches the "
              "border or leaves the country (the side filter uses the point itself).")
_RANGE_HELP = ("Over the record's precision circle (precision_km, else ACLED geo_precision 1/2/3 = 1/25/100 km): "
               "a range such as 0–42; one value for a precise point.")


def with_range_texts(table: pd.DataFrame, located: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``side``, ``border_km`` and ``chainage_km`` as the texts an analyst reads: the
    side within the precision circle and the km ranges over it (``located``: the same rows, with
    :data:`geo.incident_filters.LOCATION_COLUMNS`). A new frame."""
    if "border_km_min" not in located or len(table) == 0:
        return table
    out = table.copy()
    rows = located.reset_index(drop=True)
    if "side" in out:
        out["side"] = rows["side_within_precision"].to_numpy()
    if "border_km" in out:
        out["border_km"] = range_texts(rows["border_km_min"], rows["border_km_max"], None)
    if "chainage_km" in out:
        out["chainage_km"] = range_texts(rows["chainage_km_min"], rows["chainage_km_max"], 0)
    return out


def _record_panel(incident_id: str) -> None:
    ss = st.session_state
    try:
        rec = incidents_state.store().get(incident_id)
    except BorderMapError as exc:
        st.error(escape_markdown(exc))
        return
    _conflict_block(incident_id)
    version = rec.get("version")  # the version shown: delete and undo act only on it
    access, owner = page_state.current_access(), rec.get("created_by")
    if not access.may("edit", owner):
        st.caption(f"Your role ({access.role}) does not let you change this record (created by "
                   f"{escape_markdown(owner or 'unknown')}).")
    buttons = st.container(horizontal=True)  # the buttons wrap rather than cut their labels
    buttons.button("Delete this record", icon=":material/delete:", key="inc_delete", on_click=_run_change,
                   args=("delete", incident_id, None, version),
                   disabled=bool(rec.get("deleted")) or not access.may("delete", owner))
    buttons.button("Undo this record's last change", icon=":material/undo:", key="inc_undo_selected",
                   on_click=_run_change, args=("undo", incident_id, None, version),
                   disabled=not access.may("undo", owner))
    if rec.get("deleted"):
        st.info("This record is deleted: undo its last change to restore it.")
        _free_edit_widgets()
    elif not access.may("edit", owner):
        _free_edit_widgets()
    else:
        conflict = ss.get(_CONFLICT) or {}
        refused_edit = conflict.get("id") == incident_id and conflict.get("action") == "update"
        with st.expander("Edit this record", expanded=refused_edit):  # open on the kept values
            _edit_form(rec)
    claims_panel.render(rec, _claim_saved, _claim_refused)
    st.markdown("**History of this record** (oldest first)")
    try:
        st.dataframe(history_table(incident_id), hide_index=True, key="inc_history")
    except BorderMapError as exc:
        st.error(escape_markdown(exc))
    with st.expander("All fields (as stored)"):
        st.json(json.dumps({k: rec.get(k) for k in PUBLIC_COLUMNS}, ensure_ascii=False, default=str),
                expanded=True)
