"""The review list: records that came in without an event type, classified one at a time.

An import keeps rows that have a location and a date but no event type as
:data:`geo.incidents.UNCLASSIFIED` (drawn grey, never counted by the triggers). Here the
analyst sees how many there are, reads them, and picks the ACLED event and sub-event type
of each; the change is saved through the store with the analyst's name, so it has history
and can be undone like any edit.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.errors import BorderMapError
from geo.incidents import UNCLASSIFIED
from ui import incidents_state, page_state
from ui.incident_form import EVENT_CHOICES
from ui.markdown import escape_markdown

#: Most unclassified records listed at once (newest first).
MAX_LISTED = 500
#: Columns shown for each record under review.
REVIEW_COLUMNS = ("event_date", "location", "latitude", "longitude", "actor1", "actor2", "source", "notes")
_FEEDBACK = "_review_feedback"


def unclassified(records: pd.DataFrame) -> pd.DataFrame:
    """The records whose event type is :data:`geo.incidents.UNCLASSIFIED`, newest first."""
    if "event_type" not in records.columns or records.empty:
        return records.iloc[0:0]
    mask = records["event_type"].fillna("").astype(str) == UNCLASSIFIED
    return records[mask].sort_values(["event_date", "id"], ascending=[False, True])


def classification(event_type: str, sub_event_type: str) -> dict[str, Any]:
    """The store changes that classify a record as ``event_type`` / ``sub_event_type``.

    >>> classification("Strategic developments", "Arrests")["record_kind"]
    'development'
    """
    kind = "development" if event_type == "Strategic developments" else "incident"
    return {"event_type": event_type, "sub_event_type": sub_event_type, "record_kind": kind}


def _label(row: pd.Series) -> str:
    where = row.get("location") if isinstance(row.get("location"), str) else ""
    return (f"{row['event_date']} · {where or 'no place name'} ({float(row['latitude']):.4f}, "
            f"{float(row['longitude']):.4f}) · {str(row['id'])[:8]}")


def _classify(incident_id: str, version: int | None, user: str | None) -> None:
    """Button callback: save the chosen type for ``incident_id`` (before the page reruns) as ``user``."""
    ss = st.session_state
    if user is None:
        ss[_FEEDBACK] = ("error", "Not classified — type your name in the sidebar first (it is kept in the "
                                  "record's history).")
        return
    choice = ss.get("review_type")
    if not choice:
        ss[_FEEDBACK] = ("error", "Pick an event type first.")
        return
    et, sub = choice
    try:
        owner = incidents_state.store().get(incident_id).get("created_by")
        page_state.current_access().check("edit", owner)
        incidents_state.store().update(incident_id, classification(et, sub), by=user,
                                       expected_version=version)
    except BorderMapError as exc:
        ss[_FEEDBACK] = ("error", f"Not classified — {escape_markdown(exc)}")
        return
    ss[_FEEDBACK] = ("success", f"Classified {escape_markdown(incident_id[:8])} as {escape_markdown(sub)} "
                                f"({escape_markdown(et)}); its history keeps the change.")
    ss.pop("review_record", None)


def review_panel(records: gpd.GeoDataFrame, user: str | None) -> None:
    """Count, list and classify the unclassified records of ``records`` (the live store records);
    ``user`` is the analyst's name written in the history (None: not given yet)."""
    todo = unclassified(records)
    st.markdown(f"**Needs review: {len(todo):,} unclassified record{'s' if len(todo) != 1 else ''}** "
                f"(imported without an event type; drawn grey on the map, not counted by the triggers)")
    feedback = st.session_state.pop(_FEEDBACK, None)
    if feedback:
        (st.success if feedback[0] == "success" else st.error)(feedback[1])
    if todo.empty:
        st.caption("Nothing to review: every record has an event type.")
        return
    listed = todo.head(MAX_LISTED)
    if len(todo) > MAX_LISTED:
        st.caption(f"The {MAX_LISTED:,} newest are listed; filter the map by event type "
                   f"'{UNCLASSIFIED}' to see all.")
    st.dataframe(pd.DataFrame(listed[[c for c in ("id", *REVIEW_COLUMNS) if c in listed]]), hide_index=True,
                 key="review_table")
    labels = {str(r["id"]): _label(r) for _, r in listed.iterrows()}
    versions = dict(zip(listed["id"].astype(str), listed["version"], strict=True)) if "version" in listed else {}
    if st.session_state.get("review_record") not in labels:
        st.session_state.pop("review_record", None)
    c1, c2 = st.columns([3, 2])
    incident_id = c1.selectbox("Record to classify", list(labels), format_func=labels.__getitem__,
                               key="review_record")
    c2.selectbox("Event type", list(EVENT_CHOICES), index=None, key="review_type",
                 format_func=lambda c: f"{c[1]} ({c[0]})", placeholder="ACLED sub-event type")
    version = versions.get(str(incident_id))
    st.button("Save classification", key="review_go", type="primary", on_click=_classify,
              args=(str(incident_id), int(version) if version is not None else None, user))
