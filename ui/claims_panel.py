"""The selected record's sourced claims: where the sources differ, the derived figures, and a
small "Add a claim" form (signed with the page's user), choose and remove.

Every change is a store update of the record (:mod:`geo.claim_edits`): its history shows it and
"Undo" takes it back. The rules deriving low / best / high are :mod:`geo.claims`'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from geo.claim_edits import add_claim, choose_claim, remove_claim
from geo.claims import CLAIM_FIELDS, CLAIMANTS, Claim, FieldSummary, governed_fields, parse_claims, summarize
from geo.errors import BorderMapError
from ui import incidents_state, page_state
from ui.markdown import escape_markdown

#: Widget keys of the form (one form: the selected record's), and the record it was filled for.
_KEYS = {name: f"inc_claim_{name}" for name in
         ("field", "value", "source", "url", "date", "claimant", "note", "chosen", "pick")}
_FOR = "_inc_claim_for"
CLAIMANT_LABELS = {"official": "official (a government body or its forces)",
                   "party": "party to the event (e.g. a group claiming it)",
                   "media": "media (the outlet's own reporting)", "other": "other (NGO, analyst…)"}

#: Called after a change was written: ``(incident_id, new version, message)``.
OnSaved = Callable[[str, int, str], None]
#: Called with a message when a change was refused (nothing written).
OnRefused = Callable[[str], None]


def summary_text(field: str, s: FieldSummary) -> str:
    """One field's derived figures as the panel states them (Markdown-safe)."""
    n = f"{s.claims} claim{'s' * (s.claims > 1)} from {s.sources} source{'s' * (s.sources > 1)}"
    if s.low is not None:
        how = "best = the chosen claim" if s.chosen_id else "best = the sources' median"
        return f"**{field}**: low {s.low} · best {s.best} · high {s.high} ({n}; {how})"
    values = " / ".join(escape_markdown(v) for v in s.values)
    chosen = f"; chosen: {escape_markdown(s.best)}" if s.best is not None else ""
    return f"**{field}**: {values} ({n}{chosen})"


def claims_frame(claims: tuple[Claim, ...]) -> pd.DataFrame:
    """The claims as the panel's table shows them (text stays text in ``st.dataframe``)."""
    return pd.DataFrame([{"field": c.field, "value": str(c.value), "chosen": c.chosen, "who": c.claimant,
                          "source": c.source, "source date": c.source_date, "address": c.source_url or "",
                          "note": c.note or "", "added by": c.added_by or "", "id": c.id} for c in claims])


def _reset_form(keep_source: bool) -> None:
    ss = st.session_state
    for name in ("value", "note", "chosen", *(() if keep_source else ("source", "url", "date", "claimant"))):
        ss.pop(_KEYS[name], None)


def _fields() -> dict[str, Any]:
    ss = st.session_state
    date = ss.get(_KEYS["date"])
    return {"field": ss.get(_KEYS["field"]), "value": ss.get(_KEYS["value"]), "source": ss.get(_KEYS["source"]),
            "source_url": ss.get(_KEYS["url"]) or None,
            "source_date": date.isoformat() if isinstance(date, dt.date) else date,
            "claimant": ss.get(_KEYS["claimant"]), "note": ss.get(_KEYS["note"]) or None,
            "chosen": bool(ss.get(_KEYS["chosen"]))}


def _signed(action: str, incident_id: str, on_refused: OnRefused) -> str | None:
    """Who signs a change of ``incident_id``'s claims — ``None`` (and ``on_refused`` says why) when
    no one is named or the role does not let them edit that record (a claim edits the record)."""
    by = page_state.current_user()
    if by is None:
        on_refused(f"Not {action} — type your name in the sidebar (Your name) first: it signs the claim.")
        return None
    try:
        page_state.current_access().check("edit", incidents_state.store().get(incident_id).get("created_by"))
    except BorderMapError as exc:
        on_refused(f"Not {action} — {escape_markdown(exc)}.")
        return None
    return by


def _add(incident_id: str, on_saved: OnSaved, on_refused: OnRefused) -> None:
    """The form's submit (a callback): validate and add; the typed values stay on a refusal."""
    by = _signed("added", incident_id, on_refused)
    if by is None:
        return
    try:
        claim, version = add_claim(incidents_state.store(), incident_id, _fields(), by)
    except BorderMapError as exc:
        on_refused(f"Claim not added — {escape_markdown(exc)}. Your entries are kept.")
        return
    _reset_form(keep_source=True)
    on_saved(incident_id, version, f"Claim {claim.id} added ({claim.field}: {escape_markdown(claim.value)}, "
                                   f"{escape_markdown(claim.source)}).")


def _choose(incident_id: str, on_saved: OnSaved, on_refused: OnRefused) -> None:
    by = _signed("chosen", incident_id, on_refused)
    claim_id = st.session_state.get(_KEYS["pick"])
    if by is None or not claim_id:
        return
    try:
        version = choose_claim(incidents_state.store(), incident_id, claim_id, by)
    except BorderMapError as exc:
        on_refused(f"Not chosen — {escape_markdown(exc)}")
        return
    on_saved(incident_id, version, f"Claim {escape_markdown(claim_id)} is now the chosen one for its field.")


def _remove(incident_id: str, on_saved: OnSaved, on_refused: OnRefused) -> None:
    by = _signed("removed", incident_id, on_refused)
    claim_id = st.session_state.get(_KEYS["pick"])
    if by is None or not claim_id:
        return
    try:
        claim, version = remove_claim(incidents_state.store(), incident_id, claim_id, by)
    except BorderMapError as exc:
        on_refused(f"Not removed — {escape_markdown(exc)}")
        return
    st.session_state.pop(_KEYS["pick"], None)
    on_saved(incident_id, version, f"Claim {claim.id} removed (undo brings it back).")


def _disagreements(summaries: Mapping[str, FieldSummary]) -> None:
    differ = [f for f, s in summaries.items() if s.sources_differ]
    if differ:
        st.warning("⚠ Sources differ on " + ", ".join(differ) + ". "
                   + "; ".join(summary_text(f, summaries[f]) for f in differ), icon=None)
    agree = [f for f in summaries if f not in differ]
    if agree:
        st.caption("Sources agree — " + "; ".join(summary_text(f, summaries[f]) for f in agree))


def _form(incident_id: str, on_saved: OnSaved, on_refused: OnRefused) -> None:
    ss = st.session_state
    if ss.get(_FOR) != incident_id:  # another record: start the form afresh
        _reset_form(keep_source=False)
        ss[_FOR] = incident_id
    with st.form("inc_claim_form", enter_to_submit=False):
        c1, c2 = st.columns(2)
        c1.selectbox("Claim about", tuple(CLAIM_FIELDS), key=_KEYS["field"])
        c2.text_input("Value (people, or text for origin / location)", key=_KEYS["value"], max_chars=500)
        c1.text_input("Source (publication or body)", key=_KEYS["source"], max_chars=300)
        c2.date_input("Source date", value=None, max_value=dt.date.today(), key=_KEYS["date"], format="YYYY-MM-DD")
        c1.text_input("Source address (http/https, optional)", key=_KEYS["url"], max_chars=2000)
        c2.selectbox("Who makes the statement", CLAIMANTS, key=_KEYS["claimant"], index=None,
                     placeholder="Choose: official, party, media, other", format_func=lambda k: CLAIMANT_LABELS[k])
        st.text_input("Note (optional: who exactly is quoted, what the figure counts)", key=_KEYS["note"],
                      max_chars=2000)
        st.checkbox("Use this figure as the best estimate (the analyst's choice)", key=_KEYS["chosen"])
        st.form_submit_button("Add the claim", key="inc_claim_add", on_click=_add,
                              args=(incident_id, on_saved, on_refused))


def render(rec: Mapping[str, Any], on_saved: OnSaved, on_refused: OnRefused) -> None:
    """The claims block of the selected record ``rec`` (as the store returned it)."""
    incident_id = str(rec["id"])
    locked = bool(rec.get("deleted")) or not page_state.current_access().may("edit", rec.get("created_by"))
    st.markdown("**Sourced claims** — low = smallest, high = largest of the sources' figures; best = the "
                "chosen claim, else the sources' median (each source counts once, with its latest claim).")
    try:
        claims = parse_claims(rec.get("claims"))
    except BorderMapError as exc:
        st.error(f"This record's stored claims cannot be read: {escape_markdown(exc)}")
        return
    if claims:
        _disagreements(summarize(claims))
        st.caption("Set by these claims, not typed in the edit form: " + ", ".join(governed_fields(claims)) + ".")
        st.dataframe(claims_frame(claims), hide_index=True, key="inc_claims_table",
                     column_config={"address": st.column_config.LinkColumn("address")})
        st.selectbox("Claim to use as best or remove", [c.id for c in claims], key=_KEYS["pick"],
                     format_func=lambda i: next(f"{c.field}: {c.value} — {c.source} ({i})" for c in claims
                                                if c.id == i))
        c2, c3 = st.columns(2)
        c2.button("Use as best", key="inc_claim_choose", on_click=_choose, args=(incident_id, on_saved, on_refused),
                  disabled=locked)
        c3.button("Remove claim", key="inc_claim_remove", on_click=_remove, args=(incident_id, on_saved, on_refused),
                  disabled=locked)
    else:
        st.caption("No claims yet: add each source's figure to see where they differ.")
    if not locked:
        with st.expander("Add a claim", expanded=not claims):
            _form(incident_id, on_saved, on_refused)
