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
``"met"``: some evidence satisfies every criterion at the chosen thresholds.
``"partly met"``: events of the right kind exist but fall short, exactly:

* attack trigger (1): no record is met, but at least one record is inside Tajikistan,
  targets Chinese nationals or infrastructure and has an Afghan origin, failing only
  the fatality threshold and/or the confidence bar;
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

import logging
import math
import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.border import Border, locate_points
from geo.errors import InvalidInputError
from geo.trigger_rules import (
    ATTACK_CRITERIA,
    FATALITY_ESTIMATES,
    REJECTED,
    RULES_FILE,
    SCENARIOS_FILE,
    STATUSES,
    AttackTrigger,
    ConfidencePolicy,
    DevelopmentTrigger,
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
           "DevelopmentTrigger", "Scenario", "TextMatch", "Threshold", "Trigger", "TriggerResult", "TriggerRules",
           "evaluate_triggers", "load_rules", "load_scenarios", "record_markers", "rules_from_dict",
           "with_thresholds"]

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


def _column(gdf: pd.DataFrame, name: str) -> list[Any]:
    if name not in gdf.columns:
        return [None] * len(gdf)
    return [None if _missing(v) else v for v in gdf[name].tolist()]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _eligible(gdf: pd.DataFrame, kinds: Sequence[str]) -> np.ndarray:
    verification = _column(gdf, "verification")
    kind = _column(gdf, "record_kind")
    deleted = _column(gdf, "deleted")
    return np.array([str(v).lower() != REJECTED and (k or "incident") in kinds and not bool(d)
                     for v, k, d in zip(verification, kind, deleted, strict=True)], dtype=bool)


def _matches(gdf: pd.DataFrame, crit: TextMatch, markers: list[frozenset[str]]) -> np.ndarray:
    n = len(gdf)
    hit = np.zeros(n, dtype=bool)
    if crit.nationals:
        want = set(crit.nationals)
        nat = _column(gdf, "nationals")
        hit |= np.array([bool(want & {c.strip().upper() for c in re.split(r"[,;\s]+", str(v)) if c.strip()})
                         if v else False for v in nat], dtype=bool)
    pattern = crit.pattern()
    if pattern is not None:
        for name in crit.fields:
            hit |= np.array([bool(v) and bool(pattern.search(str(v))) for v in _column(gdf, name)], dtype=bool)
    if crit.tags:
        want_tags = set(crit.tags)
        hit |= np.array([bool(want_tags & m) for m in markers], dtype=bool)
    return hit


def _fatalities(gdf: pd.DataFrame, estimate: str) -> list[int | None]:
    primary = _column(gdf, FATALITY_ESTIMATES[estimate])
    fallback = _column(gdf, "fatalities")
    out: list[int | None] = []
    for p, f in zip(primary, fallback, strict=True):
        v = p if p is not None else (f if estimate == "best" else None)
        out.append(int(v) if v is not None else None)
    return out


def _inside(gdf: gpd.GeoDataFrame, rows: np.ndarray, trig: AttackTrigger, border: Border | None) -> np.ndarray:
    """Whether each of ``rows`` (indices) is inside the trigger's country (see triggers.json)."""
    country = _column(gdf, "country")
    inside = np.array([str(country[i] or "").strip().lower() == trig.inside_country.lower() for i in rows],
                      dtype=bool)
    if border is None or not len(rows):
        return inside
    lon, lat = _lon_lat(gdf, rows)
    ok = np.isfinite(lon) & np.isfinite(lat)
    side = np.full(len(rows), "unknown", dtype=object)
    dist = np.full(len(rows), np.inf)
    if ok.any():
        loc = locate_points(border, lon[ok], lat[ok])
        side[ok] = loc["side"].to_numpy()
        dist[ok] = loc["distance_km"].to_numpy()
    precision = np.array([float(v) if v is not None else 0.0 for v in _column(gdf, "precision_km")])[rows]
    other = "AFG" if trig.inside_side == "TJK" else "TJK"
    by_country = inside & ((side != other) | (dist <= precision))
    return (side == trig.inside_side) | by_country


def _lon_lat(gdf: gpd.GeoDataFrame, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(gdf, gpd.GeoDataFrame) and gdf.geometry.name in gdf.columns:
        geom = gdf.geometry.iloc[rows]
        valid = geom.notna().to_numpy() & ~geom.is_empty.to_numpy()
        lon = np.full(len(rows), np.nan)
        lat = np.full(len(rows), np.nan)
        if valid.any():
            lon[valid] = geom[valid].x.to_numpy()
            lat[valid] = geom[valid].y.to_numpy()
        return lon, lat
    lon = np.array([float(v) if v is not None else np.nan for v in _column(gdf, "longitude")])[rows]
    lat = np.array([float(v) if v is not None else np.nan for v in _column(gdf, "latitude")])[rows]
    return lon, lat


def _ids(gdf: pd.DataFrame) -> list[str]:
    if "id" not in gdf.columns:
        raise InvalidInputError("incidents have no 'id' column; pass the frame IncidentStore.list() returns")
    return [str(v) for v in gdf["id"].tolist()]


def _evaluate_attack(gdf: gpd.GeoDataFrame, trig: AttackTrigger, policy: ConfidencePolicy,
                     border: Border | None) -> TriggerResult:
    ids = _ids(gdf)
    markers = [record_markers(t, n) for t, n in zip(_column(gdf, "tags"), _column(gdf, "notes"), strict=True)]
    eligible = _eligible(gdf, trig.record_kinds)
    target = _matches(gdf, trig.target, markers)
    origin = _matches(gdf, trig.origin, markers)
    fatalities = _fatalities(gdf, trig.fatality_estimate)
    enough = np.array([f is not None and f >= trig.min_fatalities for f in fatalities], dtype=bool)
    bar = policy.order.index(trig.min_confidence)
    confident = np.array([policy.rank(c) >= bar for c in _column(gdf, "confidence")], dtype=bool)
    # locate only records that could matter (geometry is the expensive part)
    candidates = np.flatnonzero(eligible & (target | origin))
    inside = np.zeros(len(gdf), dtype=bool)
    inside[candidates] = _inside(gdf, candidates, trig, border)

    table = {"inside_tajikistan": inside, "targets_chinese": target, "afghan_origin": origin,
             "min_fatalities": enough, "min_confidence": confident}
    kind_ok = eligible & inside & target & origin
    met = kind_ok & enough & confident
    crit_of = {i: {k: bool(v[i]) for k, v in table.items()} for i in np.flatnonzero(eligible)}

    def closest() -> dict[str, bool]:
        if not crit_of:
            return dict.fromkeys(ATTACK_CRITERIA, False)
        best = max(crit_of, key=lambda i: (sum(crit_of[i].values()), fatalities[i] or 0))
        return crit_of[best]

    thr = (f"{trig.min_fatalities} killed by the {trig.fatality_estimate} estimate, at confidence "
           f"≥ {trig.min_confidence}")
    if met.any():
        rows = np.flatnonzero(met)
        status = "met"
        explanation = (f"{len(rows)} record(s) inside Tajikistan hit Chinese targets from Afghan territory "
                       f"with at least {thr}.")
        criteria = dict.fromkeys(ATTACK_CRITERIA, True)
    elif kind_ok.any():
        rows = np.flatnonzero(kind_ok)
        status = "partly met"
        top = max((fatalities[i] or 0) for i in rows)
        short_conf = int((~confident[rows]).sum())
        explanation = (f"{len(rows)} attack(s) inside Tajikistan on Chinese targets with an Afghan origin, "
                       f"but none reaches the red line (≥ {thr}); most killed in one: {top}"
                       + (f"; {short_conf} below the confidence bar" if short_conf else "") + ".")
        criteria = closest()
    else:
        rows = np.array([], dtype=int)
        status = "not met"
        explanation = ("No record inside Tajikistan combines a Chinese target with an Afghan origin "
                       "(rejected records are not counted).")
        criteria = closest()
    return TriggerResult(id=trig.id, name=trig.name, status=status, incident_ids=tuple(ids[i] for i in rows),
                         explanation=explanation, criteria_met=criteria,
                         record_criteria={ids[i]: crit_of[i] for i in rows})


def _evaluate_development(gdf: pd.DataFrame, trig: DevelopmentTrigger,
                          policy: ConfidencePolicy) -> TriggerResult:
    ids = _ids(gdf)
    eligible = _eligible(gdf, trig.record_kinds)
    et = _column(gdf, "event_type")
    eligible &= np.array([str(e or "") == trig.event_type for e in et], dtype=bool)
    own = set(trig.marker_tags)
    markers = [record_markers(t, n) & own for t, n in zip(_column(gdf, "tags"), _column(gdf, "notes"),
                                                            strict=True)]
    dates = [str(d or "")[:10] for d in _column(gdf, "event_date")]
    bar = policy.order.index(trig.min_confidence)
    confident = [policy.rank(c) >= bar for c in _column(gdf, "confidence")]
    marked = [int(i) for i in np.flatnonzero(eligible) if markers[i]]

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
    criteria = {**steps, "min_confidence": any(confident[i] for i in marked)}

    def crit(i: int) -> dict[str, bool]:
        return {**{k: bool(markers[i] & set(k.split(" or "))) for k in steps}, "min_confidence": confident[i]}

    if is_met:
        rows = sorted(set(chain), key=lambda i: (dates[i], i))
        status = "met"
        explanation = (f"{len(rows)} development(s) at confidence ≥ {trig.min_confidence} complete the "
                       f"sequence {' → '.join(steps)}.")
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
                         record_criteria={ids[i]: crit(i) for i in rows})


def evaluate_triggers(incidents_gdf: pd.DataFrame, rules: TriggerRules,
                      border: Border | None) -> list[TriggerResult]:
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

    Returns
    -------
    list of TriggerResult
        In the order of ``rules.triggers``.
    """
    gdf = incidents_gdf.reset_index(drop=True)
    out: list[TriggerResult] = []
    for trig in rules.triggers:
        if isinstance(trig, AttackTrigger):
            out.append(_evaluate_attack(gdf, trig, rules.confidence, border))
        else:
            out.append(_evaluate_development(gdf, trig, rules.confidence))
    logger.info("triggers over %d records: %s", len(gdf), ", ".join(f"{r.id}={r.status}" for r in out))
    return out
