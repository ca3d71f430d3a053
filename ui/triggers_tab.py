"""The "Escalation triggers" tab: scenarios, the three red-line triggers over the record, a timeline.

Rules and scenarios come from ``data/triggers.json`` and ``data/scenarios.json``
(via :mod:`geo.triggers`); thresholds are page widgets (keys ``trg_*``). :func:`render`
returns the incident ids behind the trigger chosen for highlighting on the map (the page
draws the map after the tabs, so the highlight applies in the same rerun).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.errors import BorderMapError
from geo.record_chunks import CHUNK_COUNT, ChunkCache
from geo.scenario_evidence import ScenarioEvidence, scenario_evidence
from geo.scene_data import SceneData
from geo.triggers import (
    ATTACK_CRITERIA,
    AttackTrigger,
    DevelopmentTrigger,
    Scenario,
    TriggerResult,
    TriggerRules,
    evaluate_triggers,
    load_rules,
    load_scenarios,
    with_thresholds,
)
from ui import incidents_state, judgement_panel, state
from ui.timeline import plotted_records, timeline_points, timeline_spec

logger = logging.getLogger(__name__)

#: Status → (Streamlit call name, label). Met is the alarming end, so it is red.
BADGES = {"met": ("error", "MET"), "partly met": ("warning", "PARTLY MET"), "not met": ("info", "NOT MET")}
_NONE = "none"
_CRITERIA_LABELS = {"inside_tajikistan": "inside Tajikistan", "targets_chinese": "Chinese target",
                    "afghan_origin": "Afghan origin", "origin_attribution": "attribution bar",
                    "min_fatalities": "fatality threshold", "min_confidence": "confidence bar"}
_LIST_COLUMNS = ("event_date", "location", "sub_event_type", "fatalities", "confidence", "verification",
                 "source", "source_url", "id")


@st.cache_data(show_spinner=False)
def _rules(path: str, mtime: float) -> TriggerRules:
    return load_rules(path)


@st.cache_data(show_spinner=False)
def _scenarios(path: str, mtime: float) -> tuple[Scenario, ...]:
    return load_scenarios(path)


def _file_key(name: str) -> tuple[str, float]:
    path = Path(state.data_dir()) / name
    return str(path), path.stat().st_mtime if path.is_file() else 0.0


def _current_rules() -> TriggerRules:
    """The shipped rules with the thresholds set by the widgets (if any were drawn yet)."""
    rules = _rules(*_file_key("triggers.json"))
    ss = st.session_state
    return with_thresholds(rules, min_fatalities=ss.get("trg_min_fatalities"),
                           min_confidence=ss.get("trg_min_confidence"),
                           fatality_estimate=ss.get("trg_fatality_estimate"),
                           min_attribution=ss.get("trg_min_attribution"),
                           campaign_window_days=ss.get("trg_campaign_days"),
                           lapse_days=ss.get("trg_lapse_days"))


def _scenarios_table(scenarios: tuple[Scenario, ...], evidence: list[ScenarioEvidence]) -> None:
    st.markdown("**Scenarios and their estimates**")
    by_id = {e.scenario_id: e for e in evidence}
    table = pd.DataFrame([{"actor": s.actor, "newest evidence": by_id[s.id].newest or "none on record",
                           "stale": "⚠ stale" if by_id[s.id].stale else "",
                           "scenario": s.name, "estimate": s.estimate,
                           "days old": by_id[s.id].days_old,
                           "in short": s.description,
                           "raised by triggers": ", ".join(map(str, s.shifted_by_triggers)) or "—",
                           "response markers": ", ".join(t for t, _ in s.evidence_markers) or "—",
                           "source": s.source, "date": s.date} for s in scenarios])
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"days old": st.column_config.NumberColumn("days old", format="%d")})
    stale = [s for s in scenarios if by_id[s.id].stale]
    limit = evidence[0].stale_after_days if evidence else 0
    if stale:
        st.warning(f"Stale evidence (older than {limit} days): "
                   + "; ".join(f"{s.name} — newest {by_id[s.id].newest}, {by_id[s.id].days_old} days ago"
                               for s in stale) + ".")
    st.caption(f"Evidence: the records behind the triggers that raise a scenario (while partly met or met) and "
               f"developments carrying the scenario's response markers (e.g. a token Russian deployment for the "
               f"limited deployment: Moscow's answer, not a trigger). Stale: newest evidence older than {limit} "
               "days, counted to today.")


def _threshold_controls(rules: TriggerRules, scenarios: tuple[Scenario, ...]) -> None:
    attack = next((t for t in rules.triggers if isinstance(t, AttackTrigger)), None)
    c1, c2, c3 = st.columns(3)
    if attack is not None:
        fat = attack.threshold("min_fatalities")
        est = attack.threshold("fatality_estimate")
        c1.number_input(f"Mass-casualty threshold ({fat.unit.split('(')[0].strip()})", min_value=1,
                        max_value=10_000, step=1, value=int(fat.value), key="trg_min_fatalities",
                        help=fat.description, persist_state="page")
        c2.selectbox("Fatality figure compared", est.allowed, index=est.allowed.index(str(est.value)),
                     key="trg_fatality_estimate", help=est.description, persist_state="page")
    conf = rules.triggers[0].threshold("min_confidence")
    c3.selectbox("Weakest confidence that counts", conf.allowed, index=conf.allowed.index(str(conf.value)),
                 key="trg_min_confidence", help=f"{conf.description} {rules.confidence.description}",
                 persist_state="page")
    c1, c2 = st.columns(2)
    if attack is not None:
        attr = attack.threshold("min_attribution")
        win = attack.threshold("campaign_window_days")
        c1.selectbox("Weakest origin attribution", attr.allowed, index=attr.allowed.index(str(attr.value)),
                     key="trg_min_attribution", help=attr.description, persist_state="page")
        c2.number_input("Campaign window (days)", min_value=1, max_value=3650, step=1, value=int(win.value),
                        key="trg_campaign_days", help=win.description,
                        persist_state="page")
    c3, c4 = st.columns(2)
    lapse = next((t for t in rules.triggers if isinstance(t, DevelopmentTrigger) and t.lapse_days), None)
    if lapse is not None:
        th = lapse.threshold("lapse_days")
        c3.number_input(f"Lapse clock, trigger {lapse.id} (days)", min_value=1, max_value=3650, step=1,
                        value=int(th.value), key="trg_lapse_days", help=th.description,
                        persist_state="page")
    c4.number_input("Evidence stale after (days)", min_value=1, max_value=3650, step=1,
                    value=scenarios[0].stale_after_days if scenarios else 90, key="trg_stale_days", persist_state="page",
                    help="A scenario whose newest supporting record is older than this is flagged stale.")


def _records_table(incidents: gpd.GeoDataFrame, result: TriggerResult) -> None:
    if not result.incident_ids:
        return
    rows = incidents[incidents["id"].astype(str).isin(result.incident_ids)]
    cols = [c for c in _LIST_COLUMNS if c in rows.columns]
    table = pd.DataFrame(rows[cols]).copy()
    crit = pd.DataFrame.from_dict(result.record_criteria, orient="index")
    if not crit.empty:
        crit = crit.rename(columns=lambda c: _CRITERIA_LABELS.get(c, c)).map(lambda v: "✔" if v else "✘")
        table = table.join(crit, on="id")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"source_url": st.column_config.LinkColumn("source_url")})


def _trigger_block(rules: TriggerRules, result: TriggerResult, incidents: gpd.GeoDataFrame) -> None:
    trig = rules.trigger(result.id)
    call, label = BADGES[result.status]
    st.markdown(f"#### Trigger {result.id}: {trig.name}")
    st.caption(f"{trig.description} — Source: {trig.source}")
    getattr(st, call)(f"**{label}** · {result.explanation}")
    if isinstance(trig, AttackTrigger):
        names = [_CRITERIA_LABELS[c] for c in ATTACK_CRITERIA]
        ticks = [("✔ " if result.criteria_met.get(c) else "✘ ") + n for c, n in zip(ATTACK_CRITERIA, names,
                                                                                  strict=True)]
        st.caption("Closest record: " + " · ".join(ticks))
    else:
        st.caption("Steps: " + " · ".join(("✔ " if v else "✘ ") + k for k, v in result.criteria_met.items()))
    for note in result.notes:
        st.caption(note)
    _records_table(incidents, result)
    with st.expander(f"Rules of trigger {result.id}"):
        for status in ("met", "partly met", "not met"):
            st.markdown(f"- **{status}**: {trig.status_rule(status)}")
        for th in trig.thresholds:
            st.markdown(f"- threshold `{th.name}` = **{th.value}** ({th.unit}): {th.description}")
        if not isinstance(trig, AttackTrigger):
            for tag, text in trig.markers:
                st.markdown(f"- marker `{tag}`: {text}")


@st.cache_resource(show_spinner=False)
def _facts_cache(path: str) -> ChunkCache:
    return ChunkCache(max_entries=3 * CHUNK_COUNT)


@st.cache_resource(show_spinner=False, max_entries=4)
def _evaluate(revision_key: tuple[str, int, str], rules: TriggerRules, as_of: dt.date, _incidents: gpd.GeoDataFrame,
              _border: Any) -> list[TriggerResult]:
    """Trigger results, computed once per (store, record count, newest change), rules and day (the
    lapse clock counts to it); the per-record facts are kept chunk by chunk, so after a write only one
    chunk is examined."""
    return evaluate_triggers(_incidents, rules, _border, cache=_facts_cache(revision_key[0]), as_of=as_of)


@st.cache_resource(show_spinner=False, max_entries=4)
def _timeline(revision_key: tuple[str, int, str], rules: TriggerRules, selected: tuple[str, ...],
              _incidents: gpd.GeoDataFrame) -> tuple[pd.DataFrame, dict[str, Any], str]:
    """The timeline's points, spec and note, built once per (data version, rules, highlight); the
    points without their ids (the chart does not show them: fewer bytes to the browser)."""
    plotted, note = plotted_records(_incidents, list(selected))
    points = timeline_points(plotted, rules, list(selected))
    return points.drop(columns="id"), timeline_spec(points, rules), note


def _revision_key(incidents: gpd.GeoDataFrame) -> tuple[str, int, str]:
    """The version of the records themselves (store, count, newest change): every write stamps updated_at."""
    newest = str(incidents["updated_at"].max()) if "updated_at" in incidents and len(incidents) else ""
    return incidents_state.target(), len(incidents), newest


def highlighted_ids(incidents_gdf: gpd.GeoDataFrame, data: SceneData) -> list[str]:
    """The incident ids of the trigger chosen for highlighting (``[]``: none), for runs in which the
    tab is not drawn (its choice is kept while it is closed)."""
    choice = st.session_state.get("trg_highlight")
    if choice in (None, _NONE):
        return []
    try:
        results = _evaluate(_revision_key(incidents_gdf), _current_rules(), dt.datetime.now(dt.UTC).date(),
                            incidents_gdf, data.border)
    except BorderMapError:
        return []  # the tab says why when it is opened
    return next((list(r.incident_ids) for r in results if str(r.id) == choice), [])


def render(incidents_gdf: gpd.GeoDataFrame, data: SceneData, shown: gpd.GeoDataFrame | None = None) -> list[str]:
    """Draw the tab over the live records ``incidents_gdf`` (``shown``: those the sidebar filters
    keep, for the bulk edit); return the incident ids of the trigger chosen for highlighting (``[]``: none)."""
    try:
        scenarios = _scenarios(*_file_key("scenarios.json"))
        base_rules = _rules(*_file_key("triggers.json"))
    except BorderMapError as exc:
        st.error(f"The escalation triggers could not be loaded: {exc}")
        return []
    st.caption(f"How close the incident record is to the red lines named in the {base_rules.source}. "
               "Rules and thresholds live in data/triggers.json; strategic developments are recorded like "
               "incidents (event type 'Strategic developments') with a marker in their tags or notes.")
    judgement_panel.render(incidents_gdf, incidents_gdf if shown is None else shown)
    st.markdown("**Thresholds**")
    _threshold_controls(base_rules, scenarios)
    today = dt.datetime.now(dt.UTC).date()
    try:
        rules = _current_rules()
        key = _revision_key(incidents_gdf)
        results = _evaluate(key, rules, today, incidents_gdf, data.border)
    except BorderMapError as exc:
        st.error(f"The triggers could not be evaluated: {exc}")
        return []
    evidence = scenario_evidence(scenarios, results, incidents_gdf, as_of=today,
                                 stale_after_days=st.session_state.get("trg_stale_days"))
    _scenarios_table(scenarios, evidence)
    for result in results:
        _trigger_block(rules, result, incidents_gdf)
    options = [_NONE, *[str(r.id) for r in results]]
    names = {str(r.id): f"{r.id} · {r.name} ({r.status})" for r in results}
    choice = st.radio("Highlight on map", options, horizontal=True, key="trg_highlight",
                      format_func=lambda o: names.get(o, "none"), persist_state="page")
    selected = next((list(r.incident_ids) for r in results if str(r.id) == choice), [])
    st.markdown("**Timeline of incidents and developments**")
    if incidents_gdf.empty:
        st.info("The store holds no incidents yet.")
    else:
        points, spec, note = _timeline(key, rules, tuple(selected), incidents_gdf)
        st.vega_lite_chart(points, spec, width="stretch")
        st.caption("Dashed red line: the fatality threshold of trigger 1. Dashed blue lines: developments "
                   "that carry a trigger marker. Outlined: the records behind the highlighted trigger." + note)
    return selected
