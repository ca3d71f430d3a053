"""Sourced claims about one incident, and the figures derived from them.

An incident can hold several claims, each one source's statement about one field:
``fatalities`` or ``injured`` (a whole number of people), ``origin`` or ``location`` (text).
Each claim names its source (publication), the source's date, its web address (optional),
who makes the statement (:data:`CLAIMANTS`: ``official`` — a government body or its forces;
``party`` — a party to the event, e.g. a group claiming it; ``media`` — the outlet's own
reporting; ``other``) and an optional note. Claims are stored with the record, as JSON text
in its ``claims`` field, so history, undo, versions and ``store copy`` carry them.

Derivation rules (the record's figures follow its claims)
---------------------------------------------------------
Per field, each source counts once: a source's *current* claim is its latest by source date
(sources are told apart by name, ignoring case and spacing). For ``fatalities`` / ``injured``:

* **best** = the value of the claim the analyst chose (``chosen``), else the median of the
  sources' current figures — with an even number of sources the lower of the two middle
  figures, so best is always a figure some source gave;
* **low** = the smallest, **high** = the largest of the sources' current figures (and best);
* they fill ``fatalities_low`` / ``fatalities_best`` / ``fatalities_high`` and ``fatalities``
  (= best), and ``injured`` (= best), which the triggers and exports read. A field without
  claims keeps the values typed into the record.

For ``origin`` / ``location``, a chosen claim's text becomes the record's ``origin`` /
``location``; otherwise the record's text stays as typed. **Sources differ** for a field when
the sources' current claims hold more than one value (numbers; or texts compared ignoring
case and spacing). An origin claim's claimant maps to an attribution level
(:data:`ATTRIBUTION_BY_CLAIMANT`: official → ``official``; party, media, other →
``claimed``; no origin claim → ``unattributed``).

The figures are derived whenever Border Map writes the record (form, CLI, import, claim
changes). A ``claims`` column edited outside it (QGIS, SQL) is checked, and the figures derived
again, the next time the record is changed here.

Example
-------
>>> cs = parse_claims([
...     {"field": "injured", "value": 4, "source": "24.kg", "source_date": "2024-11-20",
...      "claimant": "official"},
...     {"field": "injured", "value": 5, "source": "RFE/RL", "source_date": "2024-11-18",
...      "claimant": "media"}])
>>> s = summarize(cs)["injured"]
>>> (s.low, s.best, s.high, s.sources_differ)
(4, 4, 5, True)
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from geo.errors import InvalidInputError, shown

if TYPE_CHECKING:  # frames are passed in; the CLI's --help must not load pandas
    import pandas as pd

#: Fields a claim can be about, and the value each holds.
CLAIM_FIELDS: dict[str, str] = {"fatalities": "count", "injured": "count", "origin": "text",
                                "location": "text"}
#: Who makes the statement a claim reports.
CLAIMANTS: tuple[str, ...] = ("official", "party", "media", "other")
#: An origin claim's claimant → the origin attribution level (official / claimed / unattributed).
ATTRIBUTION_BY_CLAIMANT: dict[str, str] = {"official": "official", "party": "claimed", "media": "claimed",
                                           "other": "claimed"}
#: Record fields each claimed field fills (see the module docstring for the rule).
DERIVED_FIELDS: dict[str, tuple[str, ...]] = {
    "fatalities": ("fatalities_low", "fatalities_best", "fatalities_high", "fatalities"),
    "injured": ("injured",), "origin": ("origin",), "location": ("location",)}
#: Most claims one record holds.
MAX_CLAIMS = 100
#: Longest source name (characters); notes and texts follow the record's text limit.
MAX_SOURCE_LENGTH = 300
_KEYS = ("id", "field", "value", "source", "source_url", "source_date", "claimant", "note", "chosen",
         "added_at", "added_by")


@dataclass(frozen=True)
class Claim:
    """One source's statement about one field of an incident (see the module docstring)."""

    id: str
    field: str
    value: int | str
    source: str
    source_date: str
    claimant: str
    source_url: str | None = None
    note: str | None = None
    chosen: bool = False
    added_at: str | None = None
    added_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The claim as stored and exported (JSON-ready)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @property
    def source_key(self) -> str:
        """The source's name as claims are grouped by it (case and spacing ignored)."""
        return " ".join(self.source.split()).casefold()


@dataclass(frozen=True)
class FieldSummary:
    """What one field's claims say: the derived figures and whether the sources differ.

    ``low``/``best``/``high`` are people (counts) or ``None`` for text fields; ``best`` of a
    text field is the chosen claim's text (or ``None``); ``values`` are the sources' current
    values, in claim order."""

    field: str
    claims: int
    sources: int
    values: tuple[int | str, ...]
    sources_differ: bool
    best: int | str | None
    low: int | None = None
    high: int | None = None
    chosen_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``incidents claims list --json``)."""
        return {**asdict(self), "values": list(self.values)}


def _text(value: Any, name: str, limit: int | None = None) -> str | None:
    from geo.incidents import MAX_TEXT_LENGTH, clean_text

    text = clean_text(value, name)
    if text is not None and limit is not None and len(text) > min(limit, MAX_TEXT_LENGTH):
        raise InvalidInputError(f"{name} is {len(text):,} characters long; the limit is {limit:,}")
    return text


def _value(field: str, raw: Any) -> int | str:
    from geo.incidents import _int

    if CLAIM_FIELDS[field] == "count":
        if isinstance(raw, str) and "-" in raw.strip().lstrip("-"):
            raise InvalidInputError(f"claim value {shown(raw)} is a range; record each source's figure as its "
                                    "own claim (the low and high come from the claims)")
        number = _int(raw, f"claim value ({field})")
        if number is None:
            raise InvalidInputError(f"claim value is required: the number of people {field} the source gives")
        return number
    text = _text(raw, f"claim value ({field})")
    if text is None:
        raise InvalidInputError(f"claim value is required: the {field} the source gives, as text")
    return text


def validate_claim(fields: Mapping[str, Any], *, today: dt.date | None = None) -> Claim:
    """Check one claim (a mapping of :class:`Claim`'s fields); a new id when none is given.

    Raises :class:`InvalidInputError` naming the field: unknown claim field or claimant, a
    missing value, source or source date, a future date, an address that is not http(s)."""
    from geo.incidents import _url, parse_date

    unknown = [k for k in fields if k not in _KEYS]
    if unknown:
        raise InvalidInputError(f"unknown claim key {shown(unknown[0])}; a claim has {', '.join(_KEYS)}")
    field = str(fields.get("field") or "").strip().lower()
    if field not in CLAIM_FIELDS:
        raise InvalidInputError(f"claim field must be one of {', '.join(CLAIM_FIELDS)}; got {shown(fields.get('field'))}")
    today = today or dt.datetime.now(dt.UTC).date()
    source = _text(fields.get("source"), "claim source", MAX_SOURCE_LENGTH)
    if source is None:
        raise InvalidInputError("claim source is required: the publication or body that gives the figure")
    date = parse_date(fields.get("source_date"), "claim source_date", today)
    if date is None:
        raise InvalidInputError("claim source_date is required (YYYY-MM-DD): when the source published it")
    claimant = str(fields.get("claimant") or "").strip().lower()
    if claimant not in CLAIMANTS:
        raise InvalidInputError(f"claimant (who makes the statement) must be one of {', '.join(CLAIMANTS)}; "
                                f"got {shown(fields.get('claimant'))}")
    url = _url(fields.get("source_url"))
    chosen = fields.get("chosen", False)
    if not isinstance(chosen, bool):
        chosen = str(chosen).strip().lower() in ("1", "true", "yes")
    claim_id = _text(fields.get("id"), "claim id", 64) or uuid.uuid4().hex[:8]
    return Claim(id=claim_id, field=field, value=_value(field, fields.get("value")), source=source,
                 source_date=date.isoformat(), claimant=claimant, source_url=url,
                 note=_text(fields.get("note"), "claim note"), chosen=chosen,
                 added_at=_text(fields.get("added_at"), "claim added_at", 40),
                 added_by=_text(fields.get("added_by"), "claim added_by", 100))


def parse_claims(value: Any, *, today: dt.date | None = None) -> tuple[Claim, ...]:
    """The claims held in a record's ``claims`` field: JSON text, a list of mappings, or empty.

    Each is validated (:func:`validate_claim`); ids must be unique and at most one claim per
    field chosen. Raises :class:`InvalidInputError` naming the claim."""
    if value is None or value.__class__.__name__ == "NAType" or (isinstance(value, float) and value != value):
        return ()
    if isinstance(value, str):
        if not value.strip():
            return ()
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"claims must be a JSON list of claim objects ({exc.msg} at character "
                                    f"{exc.pos})") from None
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise InvalidInputError(f"claims must be a list of claim objects, got {type(value).__name__}")
    if len(value) > MAX_CLAIMS:
        raise InvalidInputError(f"a record holds at most {MAX_CLAIMS} claims, got {len(value)}")
    out: list[Claim] = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            raise InvalidInputError(f"claim {n} is not an object with field, value, source, source_date, claimant")
        try:
            out.append(validate_claim(item, today=today))
        except InvalidInputError as exc:
            raise InvalidInputError(f"claim {n}: {exc}") from None
    _check_unique(out)
    return tuple(out)


def _check_unique(claims: Sequence[Claim]) -> None:
    ids = [c.id for c in claims]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup is not None:
        raise InvalidInputError(f"two claims share the id {dup!r}; each claim needs its own id")
    for field in CLAIM_FIELDS:
        if sum(c.chosen for c in claims if c.field == field) > 1:
            raise InvalidInputError(f"more than one {field} claim is marked chosen; choose one")


def claims_text(claims: Iterable[Claim]) -> str | None:
    """Canonical JSON text of claims (what the store keeps), ``None`` when there are none."""
    items = [c.to_dict() for c in claims]
    return json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if items else None


def current_by_source(claims: Iterable[Claim], field: str) -> list[Claim]:
    """Each source's current claim on ``field``: its latest by source date (then by order)."""
    latest: dict[str, Claim] = {}
    for claim in claims:
        if claim.field != field:
            continue
        held = latest.get(claim.source_key)
        if held is None or claim.source_date >= held.source_date:
            latest[claim.source_key] = claim
    return list(latest.values())


def _norm(value: int | str) -> int | str:
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def summarize_field(claims: Sequence[Claim], field: str) -> FieldSummary | None:
    """The summary of one field's claims (``None`` without claims); rules in the module docstring."""
    mine = [c for c in claims if c.field == field]
    if not mine:
        return None
    current = current_by_source(mine, field)
    values = tuple(c.value for c in current)
    chosen = next((c for c in mine if c.chosen), None)
    differ = len({_norm(v) for v in values}) > 1
    if CLAIM_FIELDS[field] == "text":
        return FieldSummary(field, len(mine), len(current), values, differ,
                            chosen.value if chosen else None, chosen_id=chosen.id if chosen else None)
    numbers = [int(v) for v in values]
    best = int(chosen.value) if chosen is not None else int(statistics.median_low(numbers))
    return FieldSummary(field, len(mine), len(current), values, differ, best, low=min([*numbers, best]),
                        high=max([*numbers, best]), chosen_id=chosen.id if chosen else None)


def summarize(claims: Sequence[Claim]) -> dict[str, FieldSummary]:
    """Summaries of every claimed field, in :data:`CLAIM_FIELDS` order."""
    out = {f: summarize_field(claims, f) for f in CLAIM_FIELDS}
    return {f: s for f, s in out.items() if s is not None}


def derived_values(claims: Sequence[Claim]) -> dict[str, Any]:
    """The record fields the claims set (module docstring): only fields that have claims, and
    ``origin``/``location`` only from a chosen claim."""
    out: dict[str, Any] = {}
    for field, s in summarize(claims).items():
        if field == "fatalities":
            out.update(fatalities_low=s.low, fatalities_best=s.best, fatalities_high=s.high, fatalities=s.best)
        elif field == "injured":
            out["injured"] = s.best
        elif s.best is not None:
            out[field] = s.best
    return out


def differing_fields(claims_value: Any) -> tuple[str, ...]:
    """The fields whose sources differ, from a record's stored ``claims`` text (``()`` for none
    or for text that does not parse: the table marks, it does not judge)."""
    try:
        claims = parse_claims(claims_value)
    except InvalidInputError:
        return ()
    return tuple(f for f, s in summarize(claims).items() if s.sources_differ)


def disagreement_label(claims_value: Any) -> str:
    """The table's marker: ``"⚠ fatalities, injured"`` where sources differ, ``"✓ 3 agree"``
    where the 3 claims agree, ``""`` without claims."""
    try:
        claims = parse_claims(claims_value)
    except InvalidInputError:
        return "claims unreadable"
    if not claims:
        return ""
    differ = [f for f, s in summarize(claims).items() if s.sources_differ]
    return f"⚠ {', '.join(differ)}" if differ else f"✓ {len(claims)} agree"


def origin_attribution(claims: Sequence[Claim]) -> str:
    """Attribution level of the origin: the chosen origin claim's claimant level, else the
    strongest among the origin claims (official > claimed); ``unattributed`` without any."""
    mine = [c for c in claims if c.field == "origin"]
    chosen = next((c for c in mine if c.chosen), None)
    if chosen is not None:
        return ATTRIBUTION_BY_CLAIMANT[chosen.claimant]
    levels = {ATTRIBUTION_BY_CLAIMANT[c.claimant] for c in mine}
    return "official" if "official" in levels else "claimed" if levels else "unattributed"


def governed_fields(claims: Sequence[Claim]) -> tuple[str, ...]:
    """The record fields these claims set (:func:`derived_values`' keys)."""
    return tuple(derived_values(claims))


def apply_claims(given: Mapping[str, Any], record: dict[str, Any], claims: Sequence[Claim]) -> None:
    """Set ``record``'s claimed fields from ``claims`` (in place; ``record`` is the validated
    copy being built), refusing a figure typed in ``given`` that differs from the derived one
    (blank values are not typed ones). Used by :func:`geo.incidents.validate_incident`."""
    from geo.incidents import _blank, _int

    derived = derived_values(claims)
    for name, value in derived.items():
        raw = given.get(name)
        if raw is None or _blank(raw):
            continue
        typed = _int(raw, name) if isinstance(value, int) else _text(raw, name)
        if typed != value and not (isinstance(value, str) and _norm(str(typed)) == _norm(value)):
            field = next(f for f, names in DERIVED_FIELDS.items() if name in names)
            s = summarize_field(claims, field)
            assert s is not None
            figures = f"low {s.low}, best {s.best}, high {s.high}" if s.low is not None else f"chosen: {s.best}"
            raise InvalidInputError(
                f"{name} of this record comes from its {s.claims} {field} claim{'s' * (s.claims > 1)} "
                f"({figures}), not {shown(raw)}; add a claim with its source, or choose one, instead")
    record.update(derived)


def with_claim_added(claims: Sequence[Claim], claim: Claim) -> tuple[Claim, ...]:
    """``claims`` plus ``claim`` (a fresh id if its id is taken; choosing it un-chooses the
    field's other claims)."""
    taken = {c.id for c in claims}
    while claim.id in taken:
        claim = Claim(**{**asdict(claim), "id": uuid.uuid4().hex[:8]})
    kept = [_unchosen(c) if claim.chosen and c.field == claim.field else c for c in claims]
    return (*kept, claim)


def with_claim_chosen(claims: Sequence[Claim], claim_id: str | None, field: str | None = None) -> tuple[Claim, ...]:
    """``claims`` with ``claim_id`` the chosen claim of its field (``None`` with ``field``: none
    chosen for that field, so best falls back to the median)."""
    target = find_claim(claims, claim_id) if claim_id is not None else None
    field = target.field if target is not None else field
    return tuple(Claim(**{**asdict(c), "chosen": target is not None and c.id == target.id})
                 if c.field == field else c for c in claims)


def without_claim(claims: Sequence[Claim], claim_id: str) -> tuple[Claim, ...]:
    """``claims`` without ``claim_id`` (which must be there)."""
    target = find_claim(claims, claim_id)
    return tuple(c for c in claims if c.id != target.id)


def find_claim(claims: Sequence[Claim], claim_id: str) -> Claim:
    """The claim with this id, or one whose id starts with it (unique prefix)."""
    key = str(claim_id).strip()
    exact = [c for c in claims if c.id == key]
    found = exact or [c for c in claims if key and c.id.startswith(key)]
    if len(found) != 1:
        ids = ", ".join(c.id for c in claims) or "none"
        what = "matches several claims" if found else "is not a claim of this record"
        raise InvalidInputError(f"claim id {shown(claim_id)} {what} (its claims: {ids})")
    return found[0]


def _unchosen(claim: Claim) -> Claim:
    return Claim(**{**asdict(claim), "chosen": False}) if claim.chosen else claim


#: Columns of the claims CSV (``incidents claims export``).
CLAIM_CSV_COLUMNS: tuple[str, ...] = ("incident_id", "id", "field", "value", "source", "source_url",
                                      "source_date", "claimant", "chosen", "note", "added_at", "added_by")


def claims_rows(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per claim of these records (``incident_id`` first): the claims CSV's rows.
    Records whose stored claims do not parse are skipped (the import refuses such text)."""
    rows: list[dict[str, Any]] = []
    for rec in records:
        try:
            claims = parse_claims(rec.get("claims"))
        except InvalidInputError:
            continue
        rows += [{"incident_id": rec.get("id"), **{k: c.to_dict().get(k) for k in CLAIM_CSV_COLUMNS[1:]}}
                 for c in claims]
    return rows


def _figures(s: FieldSummary) -> str:
    if s.low is None:
        shown_values = " vs ".join(str(v) for v in s.values)
        return f"{shown_values} (chosen: {s.best})" if s.best is not None else shown_values
    spread = f"{s.low}" if s.low == s.high else f"{s.low} to {s.high}"
    return f"{spread}, best {s.best}"


def claims_summary_text(claims_value: Any) -> str | None:
    """One line on a record's claims for its popup: where the sources differ first, e.g.
    ``"Sources differ on injured: 4 to 5, best 5 (2 sources). Agree on fatalities: 1 (1 source)."``;
    ``None`` without claims."""
    try:
        claims = parse_claims(claims_value)
    except InvalidInputError:
        return "The stored claims cannot be read (edited outside Border Map?)."
    if not claims:
        return None
    summaries = summarize(claims)
    parts = []
    for differ, head in ((True, "Sources differ on"), (False, "Agree on")):
        items = [f"{f}: {_figures(s)} ({s.sources} source{'s' * (s.sources > 1)})"
                 for f, s in summaries.items() if s.sources_differ == differ]
        if items:
            parts.append(f"{head} {'; '.join(items)}.")
    return " ".join(parts)


def claim_count(claims_value: Any) -> str:
    """``"2 claims"`` for a record's stored claims text (history lines); ``"—"`` for none."""
    try:
        n = len(parse_claims(claims_value))
    except InvalidInputError:
        return "unreadable claims"
    return f"{n} claim{'s' * (n != 1)}" if n else "—"


def disagreement_labels(values: pd.Series) -> pd.Series:
    """:func:`disagreement_label` of each stored claims text (each distinct text parsed once)."""
    labels = {v: disagreement_label(v) for v in values.dropna().unique()}
    # as objects first: a column without any claims is all-NaN floats, which take no text
    mapped = values.astype(object).map(labels)
    return mapped.where(mapped.notna(), "").astype(object)
