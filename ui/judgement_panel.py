"""The triggers tab's "cannot judge" panel: how many incidents lack an origin attribution or
nationals, and a bulk edit that fills them in on a filtered set (see :mod:`geo.judgement_gaps`).

Every record is changed through the store's normal update path with the version it was shown
at, signed with the page's user, so each has its own history entry and undo; the last batch can
also be undone as a whole.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo.errors import BorderMapError
from geo.incidents import ORIGIN_ATTRIBUTIONS
from geo.judgement_gaps import (
    JudgementGaps,
    PlannedChange,
    apply_bulk_edit,
    judged_incidents,
    judgement_gaps,
    plan_bulk_edit,
    undo_bulk_edit,
)
from ui import incidents_state, page_state
from ui.markdown import escape_markdown

#: Most records listed in the preview (all matching ones are edited).
MAX_LISTED = 500
_COLUMNS = ("event_date", "location", "actor1", "actor2", "nationals", "origin", "origin_country",
            "origin_attribution", "id")
_FEEDBACK = "_trg_bulk_feedback"
_LAST = "_trg_bulk_last"
_LACKING = {"either": "lacking either", "origin": "lacking an origin attribution", "nationals": "lacking nationals"}


def gaps_sentence(gaps: JudgementGaps) -> str:
    """The count the tab states, in words."""
    if gaps.total == 0:
        return (f"**Every incident can be judged**: all {gaps.incidents:,} have an origin attribution and "
                "nationals.")
    return (f"**{gaps.total:,} of {gaps.incidents:,} incidents cannot be judged by trigger 1**: "
            f"{len(gaps.lacking_origin):,} lack an origin attribution (who attributed it: official, claimed or "
            f"unattributed), {len(gaps.lacking_nationals):,} lack nationals. They count toward no status "
            "until filled in.")


def _apply(plan: tuple[PlannedChange, ...]) -> None:
    """Button callback: write the planned changes as the page's user."""
    ss = st.session_state
    user = page_state.current_user()
    if user is None:
        ss[_FEEDBACK] = ("error", "Nothing changed — type your name in the sidebar first (it is kept in each "
                                  "record's history).")
        return
    report = apply_bulk_edit(incidents_state.store(), plan, user, page_state.current_access())
    ss[_LAST] = dict(report.changed)
    kind = "success" if report.changed and not (report.conflicts or report.refused) else "warning"
    ss[_FEEDBACK] = (kind, f"Bulk edit: {escape_markdown(report.summary())} Each change has its own history "
                           "entry and can be undone there, or all at once below.")


def _undo() -> None:
    """Button callback: undo the last bulk edit, record by record."""
    ss = st.session_state
    user = page_state.current_user()
    versions = ss.get(_LAST) or {}
    if user is None:
        ss[_FEEDBACK] = ("error", "Nothing undone — type your name in the sidebar first.")
        return
    report = undo_bulk_edit(incidents_state.store(), versions, user, page_state.current_access())
    ss.pop(_LAST, None)
    ss[_FEEDBACK] = ("success" if not (report.conflicts or report.refused) else "warning",
                     f"Undo of the bulk edit: {escape_markdown(report.summary('restored'))}")


def _matching(records: gpd.GeoDataFrame, gaps: JudgementGaps, lacking: str, text: str) -> pd.DataFrame:
    ids = {"either": gaps.ids, "origin": gaps.lacking_origin, "nationals": gaps.lacking_nationals}[lacking]
    rows = judged_incidents(records)
    if not rows.empty:  # a set lookup per id: Series.isin over 100,000s of Arrow strings takes ~0.7 s
        wanted = set(ids)
        rows = rows[np.fromiter((i in wanted for i in rows["id"].astype(str).tolist()), dtype=bool, count=len(rows))]
    if text.strip() and not rows.empty:
        hay = pd.Series("", index=rows.index)
        for col in ("location", "admin1", "admin2", "actor1", "actor2", "origin", "notes", "source"):
            if col in rows.columns:
                hay = hay + " " + rows[col].fillna("").astype(str)
        rows = rows[hay.str.contains(text.strip(), case=False, regex=False)]
    return rows.sort_values(["event_date", "id"], ascending=[False, True]) if not rows.empty else rows


def render(records: gpd.GeoDataFrame, shown: gpd.GeoDataFrame) -> None:
    """The count over all live records, and the bulk edit over the sidebar's filtered set (``shown``)
    or all of them."""
    gaps = judgement_gaps(records)
    st.markdown(gaps_sentence(gaps))
    feedback = st.session_state.pop(_FEEDBACK, None)
    if feedback:
        getattr(st, feedback[0])(feedback[1])
    if st.session_state.get(_LAST):
        st.button(f"Undo the last bulk edit ({len(st.session_state[_LAST])} records)", key="trg_bulk_undo",
                  on_click=_undo)
    if gaps.total == 0:
        return
    with st.expander("Fill them in: bulk edit of origin and nationals", expanded=False):
        c1, c2 = st.columns(2)
        scope = c1.radio("Records", ["shown", "all"], key="trg_bulk_scope", horizontal=True,
                         format_func=lambda v: "as filtered in the sidebar" if v == "shown" else "all in the store")
        lacking = c2.radio("Which", list(_LACKING), key="trg_bulk_lacking", horizontal=True,
                           format_func=_LACKING.__getitem__)
        text = st.text_input("…whose place, actors, origin, source or notes contain", key="trg_bulk_text",
                             max_chars=200)
        base = shown if scope == "shown" else records
        rows = _matching(base, judgement_gaps(base), lacking, text)
        st.caption(f"{len(rows):,} record(s) match" + (f"; the {MAX_LISTED} newest are listed" if len(rows) > MAX_LISTED
                                                         else ""))
        if not rows.empty:
            st.dataframe(pd.DataFrame(rows.head(MAX_LISTED)[[c for c in _COLUMNS if c in rows.columns]]),
                         hide_index=True, key="trg_bulk_table")
        c1, c2, c3 = st.columns(3)
        nationals = c1.text_input("Nationals (ISO codes, e.g. TJ;CN)", key="trg_bulk_nationals", max_chars=200)
        country = c2.text_input("Origin country (ISO code, e.g. AF)", key="trg_bulk_country", max_chars=10)
        attribution = c3.selectbox("Origin attributed by", ["", *ORIGIN_ATTRIBUTIONS], key="trg_bulk_attr",
                                   format_func=lambda v: v or "— leave as is —")
        only_blank = st.checkbox("Only fill fields that are blank (never overwrite a value)", value=True,
                                 key="trg_bulk_only_blank")
        if not (nationals.strip() or country.strip() or attribution):
            st.caption("Choose what to set; nothing is written until you press the button.")
            return
        try:
            plan = plan_bulk_edit(rows, rows["id"].astype(str).tolist() if not rows.empty else [],
                                  only_blank=only_blank, nationals=nationals, origin_country=country,
                                  origin_attribution=attribution)
        except BorderMapError as exc:
            st.error(f"Not ready — {escape_markdown(exc)}")
            return
        st.button(f"Apply to {len(plan):,} record(s)", key="trg_bulk_go", type="primary", disabled=not plan,
                  on_click=_apply, args=(tuple(plan),))
