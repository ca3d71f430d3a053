"""Escalation-trigger rules and scenarios as data: frozen values, loading and validation.

``data/triggers.json`` holds the triggers (criteria, thresholds with units and reasons,
the meaning of each status) and ``data/scenarios.json`` the scenarios with their
published estimates. :func:`load_rules` / :func:`load_scenarios` read them;
:func:`rules_from_dict` validates a parsed document, raising
:class:`geo.errors.InvalidInputError` naming the field (``triggers[0].thresholds.min_fatalities
is missing``). Evaluation over the incident record lives in :mod:`geo.triggers`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo import datasets
from geo.errors import DataFileError, InvalidInputError
from geo.incidents import CONTENT_FIELDS, EVENT_TAXONOMY, ORIGIN_ATTRIBUTIONS, RECORD_KINDS

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
                                    "origin_attribution", "min_fatalities", "min_confidence")
#: How strongly an origin is attributed (``origin_attribution``), weakest first; a blank one ranks
#: with ``unattributed``: it never counts as an origin.
ATTRIBUTION_ORDER: tuple[str, ...] = tuple(reversed(ORIGIN_ATTRIBUTIONS))

_TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
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
class OriginRule:
    """How trigger 1 reads the attackers' origin: the structured fields, never free text.

    A record has this origin when ``origin_country`` is :attr:`country` and
    ``origin_attribution`` is ``official`` or ``claimed`` (who said so); the threshold
    ``min_attribution`` decides which of the two counts toward ``met``.
    """

    country: str
    description: str = ""

    def __post_init__(self) -> None:
        _need(bool(_ISO2_RE.match(self.country)), "criterion origin.country",
              f"must be an ISO 3166 two-letter code (e.g. AF), got {self.country!r}")


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
    origin: OriginRule = field(default_factory=lambda: OriginRule("AF"))

    def __post_init__(self) -> None:
        self._check_base(("min_fatalities", "fatality_estimate", "min_confidence", "min_attribution",
                          "campaign_window_days"))
        est = self.threshold("fatality_estimate").value
        _need(est in FATALITY_ESTIMATES, f"trigger {self.id} thresholds.fatality_estimate",
              f"is {est!r}; use one of {', '.join(FATALITY_ESTIMATES)}")
        attr = self.threshold("min_attribution")
        bad = [a for a in (attr.allowed or (attr.value,)) if a not in ATTRIBUTION_ORDER[1:]]
        _need(not bad, f"trigger {self.id} thresholds.min_attribution",
              f"has {bad}; an origin counts only when attributed: use official or claimed")

    @property
    def min_attribution(self) -> str:
        """Weakest attribution of the origin that counts toward ``met``: ``official`` or ``claimed``."""
        return str(self.threshold("min_attribution").value)

    @property
    def campaign_window_days(self) -> int:
        """Length of the rolling window over which the campaign test sums attacks (days)."""
        return int(self.threshold("campaign_window_days").value)
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
    ``lapse_from`` (optional) starts a clock: a development carrying it that no development
    carrying one of ``lapse_answers`` follows (same day or later) for ``lapse_days`` days
    stands in for the sequence's last step (the request was left to lapse).
    """

    event_type: str = "Strategic developments"
    markers: tuple[tuple[str, str], ...] = ()
    met_sequence: tuple[tuple[str, ...], ...] = ()
    lapse_from: str | None = None
    lapse_answers: tuple[str, ...] = ()

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
        if self.lapse_from is not None:
            _need(self.lapse_from in known, f"{where}.lapse.from", f"names {self.lapse_from!r}, which is not in markers")
            _need(bool(self.lapse_answers), f"{where}.lapse.answers", "must list the markers that answer it")
            for tag in self.lapse_answers:
                _need(tag in known, f"{where}.lapse.answers", f"names {tag!r}, which is not in markers")
            _need("lapse_days" in [t.name for t in self.thresholds], f"trigger {self.id!r} thresholds.lapse_days",
                  "is missing (the lapse clock needs it)")

    @property
    def lapse_days(self) -> int | None:
        """Days without an answer after which an invocation counts as left to lapse (None: no clock)."""
        return int(self.threshold("lapse_days").value) if self.lapse_from is not None else None

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
    #: Markers (tag → meaning) of developments that show the scenario itself under way, e.g. a
    #: token Russian deployment for the limited-deployment scenario (the response, not a trigger).
    evidence_markers: tuple[tuple[str, str], ...] = ()
    #: Days after which the newest supporting evidence counts as stale (the page warns).
    stale_after_days: int = 90

    def __post_init__(self) -> None:
        where = f"scenario {self.id!r}"
        for tag, text in self.evidence_markers:
            _need(bool(_TAG_RE.match(tag)), f"{where} evidence_markers[{tag!r}]", "must be lower-case-with-dashes")
            _need(bool(text.strip()), f"{where} evidence_markers[{tag!r}]", "needs a description")
        _need(isinstance(self.stale_after_days, int) and self.stale_after_days >= 1, f"{where} stale_after_days",
              f"must be a whole number of days ≥ 1, got {self.stale_after_days!r}")
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
    notes : tuple of str
        Further sentences: the campaign test's best window, the lapse clock.
    """

    id: int
    name: str
    status: str
    incident_ids: tuple[str, ...]
    explanation: str
    criteria_met: dict[str, bool]
    record_criteria: dict[str, dict[str, bool]] = field(default_factory=dict)
    #: Further lines for the reader: the campaign window's sum (trigger 1), the lapse clock (trigger 2).
    notes: tuple[str, ...] = ()

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


def _origin_rule(raw: Any, where: str) -> OriginRule:
    _need(isinstance(raw, Mapping), where, "must be an object with country (ISO2) and description")
    return OriginRule(country=str(_get(raw, "country", where)).upper(), description=str(raw.get("description", "")))


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
                                 origin=_origin_rule(_get(crit, "origin", f"{where}.criteria"),
                                                     f"{where}.criteria.origin"))
        markers = _get(crit, "markers", f"{where}.criteria")
        _need(isinstance(markers, Mapping), f"{where}.criteria.markers", "must map each marker to its meaning")
        seq = _get(crit, "met_sequence", f"{where}.criteria")
        _need(isinstance(seq, list), f"{where}.criteria.met_sequence", "must be a list of marker lists")
        lapse = crit.get("lapse")
        _need(lapse is None or isinstance(lapse, Mapping), f"{where}.criteria.lapse",
              "must be an object with from and answers")
        return DevelopmentTrigger(**common, event_type=str(_get(crit, "event_type", f"{where}.criteria")),
                                  markers=tuple((str(k), str(v)) for k, v in markers.items()),
                                  met_sequence=tuple(_strs(s, f"{where}.criteria.met_sequence") for s in seq),
                                  lapse_from=str(_get(lapse, "from", f"{where}.criteria.lapse")) if lapse else None,
                                  lapse_answers=_strs(lapse.get("answers"), f"{where}.criteria.lapse.answers")
                                  if lapse else ())
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
    path = Path(path) if path is not None else datasets.resolve_data_dir() / RULES_FILE
    try:
        return rules_from_dict(_read_json(path))
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path.name}: {exc}") from None


def load_scenarios(path: str | Path | None = None) -> tuple[Scenario, ...]:
    """Read and validate the scenarios (default ``data/scenarios.json``)."""
    path = Path(path) if path is not None else datasets.resolve_data_dir() / SCENARIOS_FILE
    doc = _read_json(path)
    try:
        raw = _get(doc, "scenarios", "scenarios file")
        stale_spec = doc.get("evidence_stale_after_days") or {"value": 90}
        _need(isinstance(stale_spec, Mapping), "evidence_stale_after_days", "must be an object with value and unit")
        stale = stale_spec.get("value")
        _need(isinstance(stale, int) and not isinstance(stale, bool) and stale >= 1,
              "evidence_stale_after_days.value", f"must be a whole number of days ≥ 1, got {stale!r}")
        assert isinstance(stale, int)
        _need(isinstance(raw, list) and bool(raw), "scenarios", "must be a non-empty list")
        out = []
        for i, s in enumerate(raw):
            w = f"scenarios[{i}]"
            pct = s.get("probability_pct") if isinstance(s, Mapping) else None
            _need(pct is None or (isinstance(pct, list) and len(pct) == 2), f"{w}.probability_pct",
                  f"must be null or [low, high], got {pct!r}")
            ev = s.get("evidence_markers") or {}
            _need(isinstance(ev, Mapping), f"{w}.evidence_markers", "must map each marker to its meaning")
            out.append(Scenario(
                id=str(_get(s, "id", w)), actor=str(_get(s, "actor", w)), name=str(_get(s, "name", w)),
                estimate=str(_get(s, "estimate", w)), description=str(_get(s, "description", w)),
                source=str(_get(s, "source", w)), date=str(_get(s, "date", w)),
                probability_pct=(float(pct[0]), float(pct[1])) if pct else None,
                shifted_by_triggers=tuple(int(x) for x in s.get("shifted_by_triggers") or ()),
                source_url=s.get("source_url"),
                evidence_markers=tuple((str(k), str(v)) for k, v in ev.items()),
                stale_after_days=stale))
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path.name}: {exc}") from None
    return tuple(out)


def with_thresholds(rules: TriggerRules, *, min_fatalities: int | None = None,
                    min_confidence: str | None = None, fatality_estimate: str | None = None,
                    min_attribution: str | None = None, campaign_window_days: int | None = None,
                    lapse_days: int | None = None) -> TriggerRules:
    """A copy of ``rules`` with thresholds overridden (``None`` keeps the file's value).

    ``min_fatalities``, ``fatality_estimate``, ``min_attribution`` and ``campaign_window_days``
    apply to attack triggers, ``lapse_days`` to a trigger with a lapse clock; ``min_confidence``
    applies to every trigger. Values are validated as in the file.
    """
    changes: dict[str, int | str | None] = {"min_fatalities": min_fatalities, "min_confidence": min_confidence,
                                             "fatality_estimate": fatality_estimate,
                                             "min_attribution": min_attribution,
                                             "campaign_window_days": campaign_window_days,
                                             "lapse_days": lapse_days}
    new = []
    for trig in rules.triggers:
        ths = []
        for th in trig.thresholds:
            value = changes.get(th.name)
            ths.append(th if value is None else dataclasses.replace(th, value=value))
        new.append(dataclasses.replace(trig, thresholds=tuple(ths)))
    return dataclasses.replace(rules, triggers=tuple(new))
