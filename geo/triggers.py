"""Escalation triggers: red-line rules (data) evaluated over the incident record.

The rules live in ``data/triggers.json`` and the scenarios in ``data/scenarios.json``
(both cite the Lansing Institute analysis, 2025). :func:`load_rules` and
:func:`load_scenarios` read and validate them into frozen dataclasses;
:func:`evaluate_triggers` is pure: it takes the incidents as a GeoDataFrame (the
columns of :meth:`geo.store.IncidentStore.list`, EPSG:4326) and returns one
:class:`TriggerResult` per trigger. The rule values and their loading live in
:mod:`geo.trigger_rules` and are re-exported here.

Statuses
--------
``"met"``: some evidence satisfies every criterion at the chosen thresholds. Trigger 1 has two
tests: one attack at the mass-casualty threshold, or a campaign (two or more qualifying attacks
within ``campaign_window_days`` that together reach it). Trigger 2's refusal may be a lapse:
a formal invocation left ``lapse_days`` without an answer by ``as_of``.
``"partly met"``: events of the right kind exist but fall short, exactly:

* attack trigger (1): not met, but some record inside Tajikistan has an attributed Afghan
  origin (``origin_country`` AF, ``origin_attribution`` official or claimed) — an attack on
  Chinese targets short of a threshold, or an Afghan-origin attack on other targets;
* development triggers (2, 3): the met sequence of markers is not complete at the
  confidence bar, but some development carries any of the trigger's markers (at any
  confidence).

``"not met"``: neither. Records with ``verification == "rejected"`` never count.

Example
-------
>>> rules = load_rules()
>>> [t.id for t in rules.triggers]
[1, 2, 3]
>>> rules.trigger(1).min_fatalities
10
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.border import Border, locate_points
from geo.errors import InvalidInputError
from geo.incidents import UNCLASSIFIED
from geo.record_chunks import ChunkCache, chunks
from geo.trigger_rules import (
    ATTACK_CRITERIA,
    ATTRIBUTION_ORDER,
    FATALITY_ESTIMATES,
    REJECTED,
    RULES_FILE,
    SCENARIOS_FILE,
    STATUSES,
    AttackTrigger,
    ConfidencePolicy,
    DevelopmentTrigger,
    OriginRule,
    Scenario,
    TextMatch,
    Threshold,
    Trigger,
    TriggerResult,
    TriggerRules,
    load_rules,
    load_scenarios,
    rules_from_dict,
    with_thresholds,
)

__all__ = ["ATTACK_CRITERIA", "RULES_FILE", "SCENARIOS_FILE", "STATUSES", "AttackTrigger", "ConfidencePolicy",
           "DevelopmentTrigger", "OriginRule", "Scenario", "TextMatch", "Threshold", "Trigger", "TriggerResult", "TriggerRules",
           "cached_record_markers", "evaluate_triggers", "load_rules", "load_scenarios", "record_markers",
           "rules_from_dict", "with_thresholds"]

logger = logging.getLogger(__name__)

_HASHTAG_RE = re.compile(r"(?<![\w#])#([a-z0-9][a-z0-9-]*)", re.IGNORECASE)


# --------------------------------------------------------------------- evaluation

def record_markers(tags: Any, notes: Any) -> frozenset[str]:
    """Markers of a record: tokens of ``tags`` (split on ';' and ','), plus ``#hashtags`` in notes.

    >>> sorted(record_markers("CSTO-invoked; crowd size=no report", "see #russia-refused"))
    ['crowd size=no report', 'csto-invoked', 'russia-refused']
    """
    out: set[str] = set()
    if isinstance(tags, str):
        out.update(t.strip().lower() for t in re.split(r"[;,]", tags) if t.strip())
    if isinstance(notes, str):
        out.update(m.lower() for m in _HASHTAG_RE.findall(notes))
    return frozenset(out)


def _text(gdf: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as pandas strings (``<NA>`` where empty or absent)."""
    if name not in gdf.columns:
        return pd.Series(pd.NA, index=gdf.index, dtype="string")
    col = gdf[name]
    return col.astype("string") if len(col) else pd.Series([], index=gdf.index, dtype="string")


def _numbers(gdf: pd.DataFrame, name: str) -> pd.Series:
    if name not in gdf.columns:
        return pd.Series(np.nan, index=gdf.index, dtype="float64")
    return pd.to_numeric(gdf[name], errors="coerce").astype("float64")


def _markers(gdf: pd.DataFrame) -> list[frozenset[str]]:
    """:func:`record_markers` of every row (parsed only where tags or a '#' are present)."""
    tags, notes = _text(gdf, "tags"), _text(gdf, "notes")
    has = (tags.notna() | notes.str.contains("#", regex=False).fillna(False)).to_numpy(dtype=bool)
    out: list[frozenset[str]] = [frozenset()] * len(gdf)
    t, n = tags.to_numpy(dtype=object, na_value=None), notes.to_numpy(dtype=object, na_value=None)
    for i in np.flatnonzero(has):
        out[i] = cached_record_markers(t[i], n[i])
    return out


@lru_cache(maxsize=200_000)
def cached_record_markers(tags: str | None, notes: str | None) -> frozenset[str]:
    """:func:`record_markers` of text values, remembered across calls: after one write, only
    the new record's text is parsed again."""
    return record_markers(tags, notes)


def _eligible(gdf: pd.DataFrame, kinds: Sequence[str], event_type: str | None = None) -> np.ndarray:
    """Rows that may count: not rejected, not deleted, classified, of the trigger's record kinds (and
    event type). Unclassified records (no event type yet) never count until an analyst classifies them."""
    ok = _text(gdf, "verification").str.lower().fillna("") != REJECTED
    ok &= _text(gdf, "event_type").fillna("") != UNCLASSIFIED
    ok &= _text(gdf, "record_kind").fillna("incident").isin(list(kinds))
    if "deleted" in gdf.columns:
        ok &= ~gdf["deleted"].fillna(False).astype(bool)
    if event_type is not None:
        ok &= _text(gdf, "event_type").fillna("") == event_type
    return ok.to_numpy(dtype=bool)


def _confident(gdf: pd.DataFrame, policy: ConfidencePolicy, minimum: str) -> np.ndarray:
    conf = _text(gdf, "confidence")
    bar = policy.order.index(minimum)
    ranks = {v: policy.rank(v) for v in conf.dropna().unique()}
    return (conf.map(ranks).fillna(policy.rank(None)) >= bar).to_numpy(dtype=bool)


def _matches(gdf: pd.DataFrame, crit: TextMatch, markers: list[frozenset[str]]) -> np.ndarray:
    hit = np.zeros(len(gdf), dtype=bool)
    if crit.nationals:
        codes = "|".join(re.escape(c) for c in crit.nationals)
        nat = _text(gdf, "nationals").str.upper()
        hit |= nat.str.contains(rf"(?:^|[,;\s])(?:{codes})(?:$|[,;\s])", regex=True).fillna(False).to_numpy(bool)
    pattern = crit.pattern()
    if pattern is not None:
        for name in crit.fields:
            hit |= _text(gdf, name).str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    if crit.tags:
        want = set(crit.tags)
        hit |= np.array([bool(want & m) for m in markers], dtype=bool)
    return hit


def _fatalities(gdf: pd.DataFrame, estimate: str) -> np.ndarray:
    """The chosen fatality figure per row (NaN where none; 'best' falls back to ``fatalities``)."""
    values = _numbers(gdf, FATALITY_ESTIMATES[estimate])
    if estimate == "best":
        values = values.fillna(_numbers(gdf, "fatalities"))
    return values.to_numpy(dtype=float)


def _inside(gdf: gpd.GeoDataFrame, rows: np.ndarray, trig: AttackTrigger, border: Border | None) -> np.ndarray:
    """Whether each of ``rows`` (indices) is inside the trigger's country (see triggers.json)."""
    country = _text(gdf, "country").str.strip().str.lower().fillna("").to_numpy(dtype=object)[rows]
    by_country = country == trig.inside_country.lower()
    if border is None or not len(rows):
        return by_country
    lon, lat = _lon_lat(gdf, rows)
    other_side = "AFG" if trig.inside_side == "TJK" else "TJK"
    if "side" in gdf.columns:  # already located (geo.incident_filters.locate_incidents): same polygons
        side = gdf["side"].to_numpy(dtype=object)[rows]
        on_own, on_other = side == trig.inside_side, side == other_side
    else:
        own, other = (border.tjk, border.afg) if trig.inside_side == "TJK" else (border.afg, border.tjk)
        ok = np.isfinite(lon) & np.isfinite(lat)
        on_own = np.zeros(len(rows), dtype=bool)
        on_other = np.zeros(len(rows), dtype=bool)
        on_own[ok] = shapely.contains_xy(own, lon[ok], lat[ok])
        on_other[ok] = shapely.contains_xy(other, lon[ok], lat[ok])
    # the country field may overrule a point on the other side only within the point's own precision
    conflict = np.flatnonzero(by_country & on_other)
    if len(conflict):
        dist = locate_points(border, lon[conflict], lat[conflict])["distance_km"].to_numpy()
        precision = np.nan_to_num(_numbers(gdf, "precision_km").to_numpy()[rows][conflict], nan=0.0)
        by_country[conflict] = dist <= precision
    return on_own | by_country


def _lon_lat(gdf: gpd.GeoDataFrame, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(gdf, gpd.GeoDataFrame) and gdf.geometry.name in gdf.columns:
        geom = gdf.geometry.iloc[rows].to_numpy()
        valid = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
        lon = np.full(len(rows), np.nan)
        lat = np.full(len(rows), np.nan)
        lon[valid] = shapely.get_x(geom[valid])
        lat[valid] = shapely.get_y(geom[valid])
        return lon, lat
    return _numbers(gdf, "longitude").to_numpy()[rows], _numbers(gdf, "latitude").to_numpy()[rows]


def _ids(gdf: pd.DataFrame) -> list[str]:
    if "id" not in gdf.columns:
        raise InvalidInputError("incidents have no 'id' column; pass the frame IncidentStore.list() returns")
    return [str(v) for v in gdf["id"].tolist()]


#: Per-record facts a trigger is judged on (name → one value per record, in the frame's order).
Facts = dict[str, np.ndarray]


def _origin(gdf: pd.DataFrame, rule: OriginRule) -> tuple[np.ndarray, np.ndarray]:
    """Per row: whether the structured origin is ``rule.country`` attributed by someone (official or
    claimed), and the rank of that attribution in :data:`ATTRIBUTION_ORDER` (0: none)."""
    country = _text(gdf, "origin_country").str.strip().str.upper().fillna("")
    by = _text(gdf, "origin_attribution").str.strip().str.lower().fillna("")
    ranks = by.map({a: i for i, a in enumerate(ATTRIBUTION_ORDER)}).fillna(0).to_numpy(dtype=int)
    return ((country == rule.country).to_numpy(dtype=bool) & (ranks > 0)), ranks


def _attack_facts(gdf: gpd.GeoDataFrame, trig: AttackTrigger, policy: ConfidencePolicy,
                  border: Border | None, markers: list[frozenset[str]]) -> Facts:
    eligible = _eligible(gdf, trig.record_kinds)
    target = _matches(gdf, trig.target, markers) & eligible
    origin, ranks = _origin(gdf, trig.origin)
    origin &= eligible
    # locate only the records that could count (the geometry test is the costly part)
    candidates = np.flatnonzero(origin)
    inside = np.zeros(len(gdf), dtype=bool)
    inside[candidates] = _inside(gdf, candidates, trig, border)
    days = pd.to_datetime(_text(gdf, "event_date").str.slice(0, 10), errors="coerce", format="%Y-%m-%d")
    return {"eligible": eligible, "target": target, "origin": origin, "inside": inside,
            "attributed": ranks >= ATTRIBUTION_ORDER.index(trig.min_attribution),
            "fatalities": _fatalities(gdf, trig.fatality_estimate),
            "confident": _confident(gdf, policy, trig.min_confidence),
            "day": (days - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype=float, na_value=np.nan)}


def _best_window(rows: np.ndarray, day: np.ndarray, fatalities: np.ndarray, window_days: int
                 ) -> tuple[float, np.ndarray]:
    """The ``window_days``-long span of dates holding the most fatalities among ``rows``: (total, rows
    in it). Unknown figures add 0; rows without a date are left out; a tie goes to the later span."""
    rows = rows[np.isfinite(day[rows])]
    if not len(rows):
        return 0.0, rows
    rows = rows[np.argsort(day[rows], kind="stable")]
    d = day[rows]
    running = np.concatenate(([0.0], np.cumsum(np.nan_to_num(fatalities[rows], nan=0.0))))
    # for each attack as the window's last, the first attack no more than window_days - 1 days before it
    starts = np.searchsorted(d, d - (window_days - 1), side="left")
    totals = running[np.arange(1, len(rows) + 1)] - running[starts]
    end = len(totals) - 1 - int(np.argmax(totals[::-1]))  # the latest of the largest
    return float(totals[end]), rows[starts[end]:end + 1]


def _evaluate_attack(trig: AttackTrigger, facts: Facts, ids: list[str]) -> TriggerResult:
    eligible, target, origin, inside = facts["eligible"], facts["target"], facts["origin"], facts["inside"]
    attributed, fatalities, confident = facts["attributed"], facts["fatalities"], facts["confident"]
    enough = np.nan_to_num(fatalities, nan=-1.0) >= trig.min_fatalities

    table = {"inside_tajikistan": inside, "targets_chinese": target, "afghan_origin": origin,
             "origin_attribution": attributed & origin, "min_fatalities": enough & eligible,
             "min_confidence": confident & eligible}
    kind_ok = inside & target & origin
    qualifying = kind_ok & attributed & confident  # all but the fatality criterion
    single = qualifying & enough
    window = trig.campaign_window_days
    total, span = _best_window(np.flatnonzero(qualifying), facts["day"], fatalities, window)
    campaign = len(span) >= 2 and total >= trig.min_fatalities
    afghan_inside = inside & origin

    def crit(i: int) -> dict[str, bool]:
        return {k: bool(v[i]) for k, v in table.items()}

    def closest() -> dict[str, bool]:
        if not eligible.any():
            return dict.fromkeys(ATTACK_CRITERIA, False)
        score = np.sum([v.astype(int) for v in table.values()], axis=0)
        order = np.lexsort((np.nan_to_num(fatalities, nan=0.0), score))
        return crit(int([i for i in order if eligible[i]][-1]))

    bars = (f"origin attributed {'officially' if trig.min_attribution == 'official' else 'at least as a claim'}, "
            f"confidence ≥ {trig.min_confidence}")
    thr = f"{trig.min_fatalities} killed by the {trig.fatality_estimate} estimate"
    campaign_note = (f"Campaign test: the most killed in qualifying attacks within any {window} days is "
                     f"{total:g} in {len(span)} attack(s)"
                     + (f" ({_day_text(facts['day'][span[0]])} to {_day_text(facts['day'][span[-1]])})"
                        if len(span) else "") + f"; the red line is {trig.min_fatalities} in at least two.")
    notes = (campaign_note,)
    if single.any():  # the single-attack test; the campaign note still shows the busiest window
        rows = np.flatnonzero(single)
        status = "met"
        explanation = (f"{len(rows)} attack(s) inside Tajikistan hit Chinese targets from Afghan territory with at "
                       f"least {thr} ({bars}).")
        criteria = dict.fromkeys(ATTACK_CRITERIA, True)
    elif campaign:
        rows = np.sort(span)
        status = "met"
        explanation = (f"Met as a campaign: {len(span)} attacks inside Tajikistan on Chinese targets from Afghan "
                       f"territory within {window} days, {total:g} killed in all (≥ {thr}; none alone reaches it; "
                       f"{bars}).")
        criteria = {k: k != "min_fatalities" for k in ATTACK_CRITERIA}
    elif afghan_inside.any():
        rows = np.flatnonzero(afghan_inside)
        status = "partly met"
        chinese = np.flatnonzero(kind_ok)
        others = len(rows) - len(chinese)
        parts = [f"{len(chinese)} on Chinese targets", f"{others} on other targets"]
        top = int(np.nan_to_num(fatalities[chinese], nan=0.0).max()) if len(chinese) else 0
        short_conf = int((~confident[chinese]).sum())
        short_attr = int((~attributed[chinese]).sum())
        explanation = (f"{len(rows)} attack(s) inside Tajikistan with an attributed Afghan origin "
                       f"({', '.join(parts)}), but none reaches the red line (≥ {thr}, {bars}, alone or "
                       f"summed within {window} days); most killed in one on Chinese targets: {top}"
                       + (f"; {short_attr} attributed below the bar" if short_attr else "")
                       + (f"; {short_conf} below the confidence bar" if short_conf else "") + ".")
        criteria = closest()
    else:
        rows = np.array([], dtype=int)
        status = "not met"
        explanation = ("No record inside Tajikistan has an attributed Afghan origin (origin_country AF with "
                       "origin_attribution official or claimed; rejected records are not counted).")
        criteria = closest()
    return TriggerResult(id=trig.id, name=trig.name, status=status, incident_ids=tuple(ids[i] for i in rows),
                         explanation=explanation, criteria_met=criteria,
                         record_criteria={ids[i]: crit(int(i)) for i in rows}, notes=notes)


def _day_text(day: float) -> str:
    """A day number (days since 1970-01-01) as ``YYYY-MM-DD``."""
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()


def _development_facts(gdf: pd.DataFrame, trig: DevelopmentTrigger, policy: ConfidencePolicy,
                       all_markers: list[frozenset[str]]) -> Facts:
    eligible = _eligible(gdf, trig.record_kinds, trig.event_type)
    own = frozenset(trig.marker_tags)
    markers = np.empty(len(gdf), dtype=object)
    markers[:] = [all_markers[i] & own if eligible[i] else frozenset() for i in range(len(gdf))]
    dates = np.empty(len(gdf), dtype=object)
    dates[:] = _text(gdf, "event_date").str.slice(0, 10).fillna("").tolist()
    return {"eligible": eligible, "markers": markers, "dates": dates,
            "confident": _confident(gdf, policy, trig.min_confidence)}


def _lapse_clock(trig: DevelopmentTrigger, markers: dict[int, frozenset[str]], facts: Facts,
                 as_of: dt.date) -> tuple[list[int], str]:
    """The rows of confident invocations left unanswered for ``lapse_days`` or more on ``as_of``,
    and one sentence on the clock (the latest invocation's days without an answer)."""
    dates, confident = facts["dates"], facts["confident"]
    limit = trig.lapse_days
    assert limit is not None and trig.lapse_from is not None
    answers = set(trig.lapse_answers)
    answer_dates = sorted(dates[j] for j, m in markers.items() if m & answers and dates[j])
    starts = sorted((dates[i], i) for i, m in markers.items() if trig.lapse_from in m and confident[i] and dates[i])
    if not starts:
        return [], (f"Lapse clock: not running — no {trig.lapse_from} record at confidence ≥ "
                    f"{trig.min_confidence}; it would count as lapsed after {limit} days without an answer.")
    lapsed: list[int] = []
    lines: list[str] = []
    for day, i in starts:
        answered = next((a for a in answer_dates if a >= day), None)
        if answered is not None:
            lines.append(f"invoked {day}, answered {answered}")
            continue
        waited = (as_of - dt.date.fromisoformat(day)).days
        if waited >= limit:
            lapsed.append(i)
        lines.append(f"invoked {day}, {waited} day(s) without an answer by {as_of.isoformat()}"
                     + (" — lapsed" if waited >= limit else f" (lapses after {limit})"))
    return lapsed, "Lapse clock: " + "; ".join(lines[-3:]) + "."


def _evaluate_development(trig: DevelopmentTrigger, facts: Facts, ids: list[str],
                          as_of: dt.date | None = None) -> TriggerResult:
    markers = {int(i): facts["markers"][i] for i in np.flatnonzero(facts["eligible"]) if facts["markers"][i]}
    marked = list(markers)
    dates, confident = facts["dates"], facts["confident"]

    # walk the sequence: each step needs a confident record dated no earlier than the previous step's
    chain: list[int] = []
    steps: dict[str, bool] = {}
    earliest = ""
    complete = True
    for step in trig.met_sequence:
        hits = sorted((dates[i], i) for i in marked if confident[i] and markers[i] & set(step)
                      and dates[i] >= earliest)
        steps[" or ".join(step)] = bool(hits)
        if hits and complete:
            earliest = hits[0][0]
            chain.extend(i for _, i in hits)
        else:
            complete = False
    is_met = all(steps.values())
    criteria = {**steps}
    notes: tuple[str, ...] = ()
    lapse_key = ""
    if trig.lapse_from is not None:
        lapsed, clock = _lapse_clock(trig, markers, facts, as_of or dt.datetime.now(dt.UTC).date())
        notes = (clock,)
        lapse_key = f"no answer within {trig.lapse_days} days"
        criteria[lapse_key] = bool(lapsed)
        if lapsed and not is_met:  # a lapse stands in for the last step (the refusal)
            is_met = True
            chain = [*lapsed]
    criteria["min_confidence"] = bool(any(confident[i] for i in marked))
    step_tags = {" or ".join(step): set(step) for step in trig.met_sequence}

    def crit(i: int) -> dict[str, bool]:
        out = {k: bool(markers[i] & tags) for k, tags in step_tags.items()}
        if lapse_key:
            out[lapse_key] = bool(criteria[lapse_key] and trig.lapse_from in markers[i])
        return {**out, "min_confidence": bool(confident[i])}

    if is_met:
        rows = sorted(set(chain), key=lambda i: (dates[i], i))
        status = "met"
        explanation = (f"{len(rows)} development(s) at confidence ≥ {trig.min_confidence} complete the "
                       f"sequence {' → '.join(steps)}"
                       + (f" (or the invocation went {trig.lapse_days} days without an answer)" if lapse_key else "")
                       + ".")
    elif marked:
        rows = sorted(marked, key=lambda i: (dates[i], i))
        status = "partly met"
        missing = [k for k, v in steps.items() if not v]
        explanation = (f"{len(rows)} development(s) carry this trigger's markers, but the step(s) "
                       f"{', '.join(missing)} are not yet on record at confidence ≥ {trig.min_confidence} "
                       "in the required order.")
    else:
        rows = []
        status = "not met"
        explanation = ("No 'Strategic developments' record carries a marker of this trigger "
                       f"({', '.join(trig.marker_tags)}).")
    return TriggerResult(id=trig.id, name=trig.name, status=status, incident_ids=tuple(ids[i] for i in rows),
                         explanation=explanation, criteria_met=criteria,
                         record_criteria={ids[i]: crit(i) for i in rows}, notes=notes)


def evaluate_triggers(incidents_gdf: pd.DataFrame, rules: TriggerRules,
                      border: Border | None, cache: ChunkCache | None = None, *,
                      as_of: dt.date | None = None) -> list[TriggerResult]:
    """Evaluate every trigger of ``rules`` over the incident record.

    Parameters
    ----------
    incidents_gdf : geopandas.GeoDataFrame
        Incidents and developments (EPSG:4326 points), columns as
        :meth:`geo.store.IncidentStore.list` returns; columns it lacks count as empty.
        ``id`` is required. Not modified.
    rules : TriggerRules
        From :func:`load_rules`, possibly adjusted by :func:`with_thresholds`.
    border : Border or None
        Used to place points on the Tajik or Afghan side (:func:`geo.border.locate_points`);
        ``None``: the ``country`` field alone decides.
    cache : ChunkCache, optional
        Keeps the per-record facts chunk by chunk (:mod:`geo.record_chunks`), so after one
        record is added or edited only its chunk is examined again.
    as_of : datetime.date, optional
        The day the lapse clock runs to (default: today, UTC).

    Returns
    -------
    list of TriggerResult
        In the order of ``rules.triggers``.
    """
    gdf = incidents_gdf.reset_index(drop=True)
    ids = _ids(gdf)
    facts = _facts(gdf, rules, border) if cache is None else _cached_facts(gdf, rules, border, cache)
    out = [_evaluate_attack(trig, f, ids) if isinstance(trig, AttackTrigger) else
           _evaluate_development(trig, f, ids, as_of) for trig, f in zip(rules.triggers, facts, strict=True)]
    logger.info("triggers over %d records: %s", len(gdf), ", ".join(f"{r.id}={r.status}" for r in out))
    return out


def _facts(gdf: gpd.GeoDataFrame, rules: TriggerRules, border: Border | None) -> list[Facts]:
    """The per-record facts of every trigger of ``rules``, in its order."""
    markers = _markers(gdf)
    return [_attack_facts(gdf, trig, rules.confidence, border, markers) if isinstance(trig, AttackTrigger)
            else _development_facts(gdf, trig, rules.confidence, markers) for trig in rules.triggers]


#: Record columns the facts read (what a frame without ids and versions is keyed on).
_FACT_COLUMNS = ("id", "verification", "record_kind", "deleted", "event_type", "sub_event_type", "confidence",
                 "nationals", "origin", "origin_country", "origin_attribution", "notes", "tags", "actor1", "actor2", "location", "country", "admin1",
                 "fatalities", "fatalities_low", "fatalities_high", "precision_km", "event_date", "side")


def _cached_facts(gdf: gpd.GeoDataFrame, rules: TriggerRules, border: Border | None,
                  cache: ChunkCache) -> list[Facts]:
    """:func:`_facts` worked out chunk by chunk, each chunk's from ``cache`` when its records,
    the rules and the border are unchanged; put back together in the frame's order."""
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns or not len(gdf):
        return _facts(gdf, rules, border)
    border_key = None if border is None else (border.source, border.length_km)
    out: list[Facts] | None = None
    for chunk in chunks(gdf, _FACT_COLUMNS):
        key = ("trigger-facts", chunk.digest, rules, border_key)
        part = cache.get(key)
        if part is None:
            part = _facts(gdf.iloc[chunk.rows].reset_index(drop=True), rules, border)
            cache.put(key, part)
        if out is None:
            out = [{name: np.empty(len(gdf), dtype=values.dtype) for name, values in f.items()} for f in part]
        for whole, piece in zip(out, part, strict=True):
            for name, values in piece.items():
                whole[name][chunk.rows] = values
    return out if out is not None else _facts(gdf, rules, border)
