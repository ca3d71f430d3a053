"""Escalation triggers: red-line rules (data) evaluated over the incident record.

The rules live in ``data/triggers.json`` and the scenarios in ``data/scenarios.json``
(both cite the Lansing Institute analysis, 2025). :func:`load_rules` and
:func:`load_scenarios` read and validate them into frozen dataclasses;
:func:`evaluate_triggers` is pure: it takes the incidents as a GeoDataFrame (the
columns of :meth:`geo.store.IncidentStore.list`, EPSG:4326) and returns one
:class:`TriggerResult` per trigger.

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

import dataclasses
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import datasets
from geo.border import Border, locate_points
from geo.errors import DataFileError, InvalidInputError
from geo.incidents import CONTENT_FIELDS, EVENT_TAXONOMY, RECORD_KINDS

logger = logging.getLogger(__name__)

RULES_FILE = "triggers.json"
SCENARIOS_FILE = "scenarios.json"
#: Trigger statuses, from furthest to closest to the red line.
STATUSES: tuple[str, ...] = ("not met", "partly met", "met")
#: Verification value that never counts.
REJECTED = "rejected"
TRIGGER_KINDS = ("attack", "development")
FATALITY_ESTIMATES = {"low": "fatalities_low", "best": "fatalities_best", "high": "fatalities_high"}
#: Criteria of the attack trigger, in display order.
ATTACK_CRITERIA: tuple[str, ...] = ("inside_tajikistan", "targets_chinese", "afghan_origin",
                                    "min_fatalities", "min_confidence")

_TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HASHTAG_RE = re.compile(r"(?<![\w#])#([a-z0-9][a-z0-9-]*)", re.IGNORECASE)
_ISO2_RE = re.compile(r"^[A-Z]{2}$")


# ------------------------------------------------------------------ rule values

def _need(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise InvalidInputError(f"{where} {message}")


@dataclass(frozen=True)
class Threshold:
    """One adjustable threshold: its value, unit and why it is set so.

    ``allowed`` lists the permitted values of a choice threshold (empty for numbers).
    """

    name: str
    value: int | str
    unit: str
    description: str
    allowed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"threshold {self.name!r}"
        _need(bool(self.name), "threshold", "needs a name")
        _need(bool(self.unit.strip()), where, "needs a unit (e.g. 'people killed')")
        _need(bool(self.description.strip()), where, "needs a description saying why it is set so")
        if self.allowed:
            _need(self.value in self.allowed, where,
                  f"has value {self.value!r}; allowed values are {', '.join(self.allowed)}")
        else:
            _need(isinstance(self.value, int) and not isinstance(self.value, bool) and self.value >= 1, where,
                  f"must be a whole number ≥ 1, got {self.value!r}")


@dataclass(frozen=True)
class TextMatch:
    """How a criterion is read from a record: ISO2 nationals, words in fields, or tags.

    Words match whole words, case-insensitively; tags are the record's markers
    (see :func:`record_markers`).
    """

    fields: tuple[str, ...]
    words: tuple[str, ...]
    tags: tuple[str, ...] = ()
    nationals: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        bad = [f for f in self.fields if f not in CONTENT_FIELDS]
        _need(not bad, "criterion fields", f"name unknown record field(s) {bad}; use incident field names")
        _need(bool(self.words or self.tags or self.nationals), "criterion",
              "needs at least one of words, tags or nationals")
        for code in self.nationals:
            _need(bool(_ISO2_RE.match(code)), "criterion nationals", f"must be ISO2 codes, got {code!r}")
        for tag in self.tags:
            _need(bool(_TAG_RE.match(tag)), "criterion tags", f"must be lower-case-with-dashes, got {tag!r}")

    def pattern(self) -> re.Pattern[str] | None:
        """One case-insensitive regex matching any of :attr:`words` as whole words."""
        if not self.words:
            return None
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in self.words) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class ConfidencePolicy:
    """How confidence values rank: ``order`` from weakest to strongest, aliases, and the
    rank of a record that states none."""

    order: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()
    missing_as: str = "claimed"
    description: str = ""

    def __post_init__(self) -> None:
        _need(len(self.order) >= 1 and len(set(self.order)) == len(self.order), "confidence.order",
              f"must list distinct levels, got {list(self.order)}")
        for alias, target in self.aliases:
            _need(target in self.order, f"confidence.aliases[{alias!r}]",
                  f"points to {target!r}, which is not in confidence.order {list(self.order)}")
        _need(self.missing_as in self.order, "confidence.missing_as",
              f"is {self.missing_as!r}, not one of {list(self.order)}")

    def rank(self, value: Any) -> int:
        """0-based rank of a record's confidence (unknown text ranks as missing)."""
        text = str(value).strip().lower() if isinstance(value, str) and value.strip() else None
        text = dict(self.aliases).get(text, text) if text else None
        if text in self.order:
            return self.order.index(text)
        return self.order.index(self.missing_as)


def _status_rules(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    _need(isinstance(raw, Mapping), where, "must be an object mapping each status to its rule")
    unknown = [k for k in raw if k not in STATUSES]
    _need(not unknown, f"{where}[{unknown[0]!r}]" if unknown else where,
          f"is not a known status; statuses are {', '.join(STATUSES)}")
    missing = [s for s in STATUSES if s not in raw]
    _need(not missing, f"{where}[{missing[0]!r}]" if missing else where, "is missing: state the rule in words")
    return tuple((s, str(raw[s])) for s in STATUSES)


@dataclass(frozen=True)
class _TriggerBase:
    id: int
    name: str
    source: str
    description: str
    thresholds: tuple[Threshold, ...]
    record_kinds: tuple[str, ...]
    status_rules: tuple[tuple[str, str], ...]

    def _check_base(self, required: Sequence[str]) -> None:
        where = f"trigger {self.id!r}"
        _need(isinstance(self.id, int) and not isinstance(self.id, bool) and self.id >= 1, "trigger id",
              f"must be a whole number ≥ 1, got {self.id!r}")
        _need(bool(self.name.strip()), where, "needs a name")
        _need(bool(self.source.strip()), f"{where} source", "is missing: name where the trigger comes from")
        names = [t.name for t in self.thresholds]
        for req in required:
            _need(req in names, f"{where} thresholds.{req}", "is missing")
        for kind in self.record_kinds:
            _need(kind in RECORD_KINDS, f"{where} record_kinds", f"has {kind!r}; use {', '.join(RECORD_KINDS)}")
        _status_rules(dict(self.status_rules), f"{where} status_rules")

    def threshold(self, name: str) -> Threshold:
        """The threshold called ``name`` (KeyError if the trigger has none)."""
        for t in self.thresholds:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def min_confidence(self) -> str:
        """Weakest confidence level that counts toward ``met``."""
        return str(self.threshold("min_confidence").value)

    def status_rule(self, status: str) -> str:
        """The rule stated in words for ``status``."""
        return dict(self.status_rules)[status]


@dataclass(frozen=True)
class AttackTrigger(_TriggerBase):
    """Trigger 1: an attack inside Tajikistan, Chinese target, Afghan origin, many killed."""

    inside_country: str = "Tajikistan"
    inside_side: str = "TJK"
    inside_description: str = ""
    target: TextMatch = field(default_factory=lambda: TextMatch((), (), nationals=("CN",)))
    origin: TextMatch = field(default_factory=lambda: TextMatch(("origin",), ("afghanistan",)))

    def __post_init__(self) -> None:
        self._check_base(("min_fatalities", "fatality_estimate", "min_confidence"))
        est = self.threshold("fatality_estimate").value
        _need(est in FATALITY_ESTIMATES, f"trigger {self.id} thresholds.fatality_estimate",
              f"is {est!r}; use one of {', '.join(FATALITY_ESTIMATES)}")
        _need(not isinstance(self.threshold("min_fatalities").value, str),
              f"trigger {self.id} thresholds.min_fatalities", "must be a number of people killed")
        _need(self.inside_side in ("TJK", "AFG"), f"trigger {self.id} criteria.inside.side",
              f"is {self.inside_side!r}; use TJK")

    @property
    def min_fatalities(self) -> int:
        """Fewest people killed that make the attack mass-casualty."""
        return int(self.threshold("min_fatalities").value)

    @property
    def fatality_estimate(self) -> str:
        """Which figure is compared: ``low``, ``best`` or ``high``."""
        return str(self.threshold("fatality_estimate").value)


@dataclass(frozen=True)
class DevelopmentTrigger(_TriggerBase):
    """Triggers 2 and 3: political developments carrying machine-readable markers.

    ``met_sequence`` is a list of steps; each step is a set of markers, one of which a
    counting development must carry, dated no earlier than the previous step's.
    """

    event_type: str = "Strategic developments"
    markers: tuple[tuple[str, str], ...] = ()
    met_sequence: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        self._check_base(("min_confidence",))
        where = f"trigger {self.id} criteria"
        _need(self.event_type in EVENT_TAXONOMY, f"{where}.event_type",
              f"is {self.event_type!r}, not an ACLED event type")
        _need(bool(self.markers), f"{where}.markers", "is missing or empty")
        for tag, text in self.markers:
            _need(bool(_TAG_RE.match(tag)), f"{where}.markers[{tag!r}]", "must be lower-case-with-dashes")
            _need(bool(text.strip()), f"{where}.markers[{tag!r}]", "needs a description")
        _need(bool(self.met_sequence) and all(self.met_sequence), f"{where}.met_sequence",
              "must list at least one non-empty step")
        known = dict(self.markers)
        for step in self.met_sequence:
            for tag in step:
                _need(tag in known, f"{where}.met_sequence", f"names {tag!r}, which is not in markers")

    @property
    def marker_tags(self) -> tuple[str, ...]:
        """Every marker of this trigger."""
        return tuple(t for t, _ in self.markers)


Trigger = AttackTrigger | DevelopmentTrigger


@dataclass(frozen=True)
class TriggerRules:
    """All triggers and the confidence policy, as read from ``data/triggers.json``."""

    triggers: tuple[Trigger, ...]
    confidence: ConfidencePolicy
    source: str = ""
    version: int = 1
    status_meanings: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        ids = [t.id for t in self.triggers]
        _need(bool(ids), "triggers", "is empty")
        _need(len(set(ids)) == len(ids), "triggers", f"have duplicate ids {ids}")
        for t in self.triggers:
            for th in t.thresholds:
                if th.allowed and th.name == "min_confidence":
                    bad = [a for a in th.allowed if a not in self.confidence.order]
                    _need(not bad, f"trigger {t.id} thresholds.min_confidence.allowed",
                          f"has {bad}, not in confidence.order {list(self.confidence.order)}")
        if self.status_meanings:
            _status_rules(dict(self.status_meanings), "statuses")

    def trigger(self, trigger_id: int) -> Trigger:
        """The trigger with id ``trigger_id``."""
        for t in self.triggers:
            if t.id == trigger_id:
                return t
        raise InvalidInputError(f"no trigger with id {trigger_id!r}; ids are {[t.id for t in self.triggers]}")


@dataclass(frozen=True)
class Scenario:
    """One scenario with its estimate as published (``probability_pct`` when numeric)."""

    id: str
    actor: str
    name: str
    estimate: str
    description: str
    source: str
    date: str
    probability_pct: tuple[float, float] | None = None
    shifted_by_triggers: tuple[int, ...] = ()
    source_url: str | None = None

    def __post_init__(self) -> None:
        where = f"scenario {self.id!r}"
        for name in ("id", "actor", "name", "estimate", "description", "source", "date"):
            value = getattr(self, name)
            _need(isinstance(value, str) and bool(value.strip()), f"{where} {name}", "is missing or empty")
        _need(bool(re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", self.date)), f"{where} date",
              f"must be YYYY, YYYY-MM or YYYY-MM-DD, got {self.date!r}")
        if self.probability_pct is not None:
            lo, hi = self.probability_pct
            _need(0 <= lo <= hi <= 100, f"{where} probability_pct", f"must be [low, high] in 0–100, got "
                                                                     f"{list(self.probability_pct)}")


@dataclass(frozen=True)
class TriggerResult:
    """The outcome of one trigger over the record.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    incident_ids : tuple of str
        The records that count: those meeting the trigger when ``met``, those falling
        short when ``partly met``, none when ``not met``.
    explanation : str
        One or two sentences saying why.
    criteria_met : dict
        Criterion → whether it holds for the evidence closest to the red line (for the
        attack trigger: the single closest record; for development triggers: each step of
        the sequence plus ``min_confidence``).
    record_criteria : dict
        Incident id → criterion → bool, for the listed records.
    """

    id: int
    name: str
    status: str
    incident_ids: tuple[str, ...]
    explanation: str
    criteria_met: dict[str, bool]
    record_criteria: dict[str, dict[str, bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _need(self.status in STATUSES, "status", f"is {self.status!r}; use one of {', '.join(STATUSES)}")

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON form: ``{"id", "name", "status", "incident_ids"}``."""
        return {"id": self.id, "name": self.name, "status": self.status,
                "incident_ids": list(self.incident_ids)}


# ------------------------------------------------------------------------ loading

def _get(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(obj, Mapping) or key not in obj:
        raise InvalidInputError(f"{where}.{key} is missing")
    return obj[key]


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    _need(isinstance(value, list) and all(isinstance(v, str) for v in value), where,
          f"must be a list of strings, got {value!r}")
    return tuple(value)


def _thresholds(raw: Any, where: str) -> tuple[Threshold, ...]:
    _need(isinstance(raw, Mapping), where, "must be an object of named thresholds")
    out = []
    for name, spec in raw.items():
        w = f"{where}.{name}"
        _need(isinstance(spec, Mapping), w, "must be an object with value, unit and description")
        try:
            out.append(Threshold(name=name, value=_get(spec, "value", w), unit=str(_get(spec, "unit", w)),
                                 description=str(_get(spec, "description", w)),
                                 allowed=_strs(spec.get("allowed"), f"{w}.allowed")))
        except InvalidInputError as exc:
            raise InvalidInputError(f"{w}: {exc}") from None
    return tuple(out)


def _text_match(raw: Any, where: str) -> TextMatch:
    _need(isinstance(raw, Mapping), where, "must be an object")
    try:
        return TextMatch(fields=_strs(raw.get("fields"), f"{where}.fields"),
                         words=tuple(w.lower() for w in _strs(raw.get("words"), f"{where}.words")),
                         tags=_strs(raw.get("tags"), f"{where}.tags"),
                         nationals=tuple(c.upper() for c in _strs(raw.get("nationals"), f"{where}.nationals")),
                         description=str(raw.get("description", "")))
    except InvalidInputError as exc:
        if str(exc).startswith(where):
            raise
        raise InvalidInputError(f"{where}: {exc}") from None


def _trigger(raw: Any, where: str) -> Trigger:
    _need(isinstance(raw, Mapping), where, "must be an object")
    kind = _get(raw, "kind", where)
    _need(kind in TRIGGER_KINDS, f"{where}.kind", f"is {kind!r}; use one of {', '.join(TRIGGER_KINDS)}")
    crit = _get(raw, "criteria", where)
    common: dict[str, Any] = {
        "id": _get(raw, "id", where), "name": str(_get(raw, "name", where)),
        "source": str(_get(raw, "source", where)), "description": str(_get(raw, "description", where)),
        "thresholds": _thresholds(_get(raw, "thresholds", where), f"{where}.thresholds"),
        "record_kinds": _strs(_get(crit, "record_kinds", f"{where}.criteria"), f"{where}.criteria.record_kinds"),
        "status_rules": _status_rules(_get(raw, "status_rules", where), f"{where}.status_rules"),
    }
    try:
        if kind == "attack":
            inside = _get(crit, "inside", f"{where}.criteria")
            return AttackTrigger(**common, inside_country=str(_get(inside, "country", f"{where}.criteria.inside")),
                                 inside_side=str(_get(inside, "side", f"{where}.criteria.inside")),
                                 inside_description=str(inside.get("description", "")),
                                 target=_text_match(_get(crit, "target", f"{where}.criteria"),
                                                    f"{where}.criteria.target"),
                                 origin=_text_match(_get(crit, "origin", f"{where}.criteria"),
                                                    f"{where}.criteria.origin"))
        markers = _get(crit, "markers", f"{where}.criteria")
        _need(isinstance(markers, Mapping), f"{where}.criteria.markers", "must map each marker to its meaning")
        seq = _get(crit, "met_sequence", f"{where}.criteria")
        _need(isinstance(seq, list), f"{where}.criteria.met_sequence", "must be a list of marker lists")
        return DevelopmentTrigger(**common, event_type=str(_get(crit, "event_type", f"{where}.criteria")),
                                  markers=tuple((str(k), str(v)) for k, v in markers.items()),
                                  met_sequence=tuple(_strs(s, f"{where}.criteria.met_sequence") for s in seq))
    except InvalidInputError as exc:
        msg, own = str(exc), f"trigger {common['id']!r} "
        if msg.startswith(where):
            raise
        if msg.startswith(own):  # name the field by its place in the file
            raise InvalidInputError(f"{where}.{msg[len(own):]}") from None
        raise InvalidInputError(f"{where}: {msg}") from None


def rules_from_dict(doc: Mapping[str, Any]) -> TriggerRules:
    """Build and validate :class:`TriggerRules` from the parsed ``triggers.json``.

    Raises
    ------
    InvalidInputError
        Naming the field (e.g. ``triggers[0].thresholds.min_fatalities is missing``).
    """
    _need(isinstance(doc, Mapping), "rules file", "must hold a JSON object")
    conf = _get(doc, "confidence", "rules")
    aliases = conf.get("aliases") or {} if isinstance(conf, Mapping) else {}
    _need(isinstance(aliases, Mapping), "confidence.aliases", "must be an object")
    confidence = ConfidencePolicy(order=_strs(_get(conf, "order", "confidence"), "confidence.order"),
                                  aliases=tuple((str(k), str(v)) for k, v in aliases.items()),
                                  missing_as=str(conf.get("missing_as", "claimed")),
                                  description=str(conf.get("description", "")))
    raw_triggers = _get(doc, "triggers", "rules")
    _need(isinstance(raw_triggers, list), "triggers", "must be a list")
    statuses = doc.get("statuses")
    meanings = _status_rules(statuses, "statuses") if statuses is not None else ()
    return TriggerRules(triggers=tuple(_trigger(t, f"triggers[{i}]") for i, t in enumerate(raw_triggers)),
                        confidence=confidence, source=str(doc.get("source", "")),
                        version=int(doc.get("version", 1)), status_meanings=meanings)


def _read_json(path: Path) -> Any:
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"rules file {path.name!r} is missing (looked in {path.parent.name}/)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"rules file {path.name!r} is not readable JSON: {exc}") from exc


def load_rules(path: str | Path | None = None) -> TriggerRules:
    """Read and validate the trigger rules (default ``data/triggers.json``).

    Raises
    ------
    DataFileError
        If the file is missing or not JSON.
    InvalidInputError
        If a field is missing or invalid (the message names it and the file).
    """
    path = Path(path) if path is not None else datasets.DATA_DIR / RULES_FILE
    try:
        return rules_from_dict(_read_json(path))
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path.name}: {exc}") from None


def load_scenarios(path: str | Path | None = None) -> tuple[Scenario, ...]:
    """Read and validate the scenarios (default ``data/scenarios.json``)."""
    path = Path(path) if path is not None else datasets.DATA_DIR / SCENARIOS_FILE
    doc = _read_json(path)
    try:
        raw = _get(doc, "scenarios", "scenarios file")
        _need(isinstance(raw, list) and bool(raw), "scenarios", "must be a non-empty list")
        out = []
        for i, s in enumerate(raw):
            w = f"scenarios[{i}]"
            pct = s.get("probability_pct") if isinstance(s, Mapping) else None
            _need(pct is None or (isinstance(pct, list) and len(pct) == 2), f"{w}.probability_pct",
                  f"must be null or [low, high], got {pct!r}")
            out.append(Scenario(
                id=str(_get(s, "id", w)), actor=str(_get(s, "actor", w)), name=str(_get(s, "name", w)),
                estimate=str(_get(s, "estimate", w)), description=str(_get(s, "description", w)),
                source=str(_get(s, "source", w)), date=str(_get(s, "date", w)),
                probability_pct=(float(pct[0]), float(pct[1])) if pct else None,
                shifted_by_triggers=tuple(int(x) for x in s.get("shifted_by_triggers") or ()),
                source_url=s.get("source_url")))
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path.name}: {exc}") from None
    return tuple(out)


def with_thresholds(rules: TriggerRules, *, min_fatalities: int | None = None,
                    min_confidence: str | None = None, fatality_estimate: str | None = None) -> TriggerRules:
    """A copy of ``rules`` with thresholds overridden (``None`` keeps the file's value).

    ``min_fatalities`` and ``fatality_estimate`` apply to attack triggers;
    ``min_confidence`` applies to every trigger. Values are validated as in the file.
    """
    changes: dict[str, int | str | None] = {"min_fatalities": min_fatalities, "min_confidence": min_confidence,
                                             "fatality_estimate": fatality_estimate}
    new = []
    for trig in rules.triggers:
        ths = []
        for th in trig.thresholds:
            value = changes.get(th.name)
            ths.append(th if value is None else dataclasses.replace(th, value=value))
        new.append(dataclasses.replace(trig, thresholds=tuple(ths)))
    return dataclasses.replace(rules, triggers=tuple(new))


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
