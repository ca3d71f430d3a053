"""The incident record: ACLED's export columns plus Border Map's own fields, and validation.

One record type serves violent incidents and political "Strategic developments"
(``record_kind``). Coordinates are degrees in EPSG:4326 (``latitude``,
``longitude``); ``precision_km`` is the stated uncertainty radius in km;
``geo_precision`` is ACLED's code (1 = exact town, 2 = near / district,
3 = province or larger).

:func:`validate_incident` is the one gate every record passes (form, CLI, import):
it returns a new dict with every content field (missing ones as ``None``) or raises
:class:`geo.errors.InvalidInputError` naming the field. Text is stored as given
(HTML and script included — escaping happens where text is shown or exported),
minus control characters.

Example
-------
>>> rec = validate_incident({"event_date": "2025-03-15", "event_type": "Armed clash",
...                          "latitude": 37.19, "longitude": 68.61})
>>> rec["event_type"], rec["sub_event_type"], rec["record_kind"]
('Battles', 'Armed clash', 'incident')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from geo.coords import parse_coordinates, validate_lat_lon
from geo.datasets import CONFIDENCE_VALUES
from geo.errors import InvalidCoordinateError, InvalidInputError, shown

logger = logging.getLogger(__name__)

#: ACLED export columns, in ACLED's order (31).
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
#: Border Map's fields beyond ACLED's.
EXTRA_COLUMNS: tuple[str, ...] = (
    "fatalities_low", "fatalities_best", "fatalities_high", "injured", "nationals", "origin",
    "confidence", "verification", "record_kind", "source_url", "source_date", "precision_km",
    "origin_country", "origin_attribution", "claims",
)
#: Every field a user or an import supplies.
CONTENT_FIELDS: tuple[str, ...] = ACLED_COLUMNS + EXTRA_COLUMNS
#: Fields the store sets (never taken from input).
BOOKKEEPING_FIELDS: tuple[str, ...] = ("id", "created_at", "updated_at", "created_by", "updated_by",
                                       "deleted")

_INT_FIELDS = frozenset({"year", "time_precision", "iso", "geo_precision", "fatalities", "timestamp",
                         "fatalities_low", "fatalities_best", "fatalities_high", "injured"})
_REAL_FIELDS = frozenset({"latitude", "longitude", "precision_km"})
_DATE_FIELDS = frozenset({"event_date", "source_date"})
#: Sourced claims (JSON text of a list; see :mod:`geo.claims`), validated on their own.
_JSON_FIELDS = frozenset({"claims"})
_TEXT_FIELDS = frozenset(CONTENT_FIELDS) - _INT_FIELDS - _REAL_FIELDS - _DATE_FIELDS - _JSON_FIELDS
#: Storage type of each content field: "text", "int", "real" or "date" (ISO text).
FIELD_TYPES: dict[str, str] = {
    f: ("int" if f in _INT_FIELDS else "real" if f in _REAL_FIELDS else "date" if f in _DATE_FIELDS
        else "text") for f in CONTENT_FIELDS
}

#: Longest text accepted in one field (characters).
MAX_TEXT_LENGTH = 5000
#: Largest count accepted for fatalities / injured.
MAX_COUNT = 1_000_000
EARLIEST_DATE = dt.date(1900, 1, 1)

VERIFICATION_VALUES = ("unverified", "verified", "rejected")
RECORD_KINDS = ("incident", "development")
#: Who attributed the attackers' origin (``origin_attribution``), strongest first: a government
#: body said so on the record (``official``: e.g. the Tajik Border Troops or a ministry); someone
#: else asserted it (``claimed``: a media outlet's own report, anonymous officials, a group's own
#: claim); or no one has (``unattributed``: attackers not identified). Blank: not recorded yet.
ORIGIN_ATTRIBUTIONS = ("official", "claimed", "unattributed")
#: Fields added after the first stores were made (schema 3: the structured origin and the sourced
#: claims): an older store gains them on opening, and a record that leaves them blank keeps the
#: dedup key it had before, so re-importing an old file adds nothing.
LATER_FIELDS: tuple[str, ...] = ("origin_country", "origin_attribution", "claims")

#: ACLED's event types and their sub-event types (ACLED codebook, 2023 onwards).
EVENT_TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
                                   "Grenade"),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"),
}
#: The event type of a record that came in without a classification (an import row with no
#: event type): kept, drawn grey and listed for review; never counted by the triggers.
UNCLASSIFIED = "Unclassified — needs review"
#: Every value ``event_type`` may hold: ACLED's event types, then :data:`UNCLASSIFIED`.
EVENT_TYPE_VALUES: tuple[str, ...] = (*EVENT_TAXONOMY, UNCLASSIFIED)
_DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
             "Violence against civilians": "Political violence", "Protests": "Demonstrations",
             "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
_SUB_DISORDER = {"Mob violence": "Political violence",
                 "Excessive force against protesters": "Political violence; Demonstrations"}
_EVENT_BY_KEY = {k.lower(): k for k in EVENT_TAXONOMY} | {UNCLASSIFIED.lower(): UNCLASSIFIED,
                                                           "unclassified": UNCLASSIFIED,
                                                           "unclassified - needs review": UNCLASSIFIED}
_SUB_BY_KEY = {s.lower(): (k, s) for k, subs in EVENT_TAXONOMY.items() for s in subs}

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_ISO2_RE = re.compile(r"^[A-Z]{2}$")
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%B-%Y", "%Y/%m/%d", "%d.%m.%Y")


def resolve_event_type(text: str) -> tuple[str, str | None]:
    """Resolve an ACLED event type *or* sub-event type to ``(event_type, sub_event_type)``.

    Matching ignores case and surrounding spaces; ``sub_event_type`` is ``None`` when
    ``text`` names an event type.

    >>> resolve_event_type("air/drone strike")
    ('Explosions/Remote violence', 'Air/drone strike')
    >>> resolve_event_type("Battles")
    ('Battles', None)
    """
    key = " ".join(str(text).split()).lower()
    if key in _EVENT_BY_KEY:  # an ACLED event type, or UNCLASSIFIED
        return _EVENT_BY_KEY[key], None
    if key in _SUB_BY_KEY:
        return _SUB_BY_KEY[key]
    raise InvalidInputError(
        f"event type {shown(text)} is not an ACLED event type or sub-event type; use one of "
        f"{', '.join(EVENT_TAXONOMY)} or a sub-event type such as 'Armed clash', 'Attack', "
        "'Air/drone strike'"
    )


def clean_text(value: Any, name: str) -> str | None:
    """Text without control characters (tab and newlines kept) and outer spaces; ``None`` if empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value) is str and value.isprintable():  # the usual case: no control character, no surrogate
        text = value.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise InvalidInputError(f"{name} is {len(text):,} characters long; the limit is "
                                    f"{MAX_TEXT_LENGTH:,} — shorten it or split the record")
        return text or None
    text = _CONTROL_RE.sub("", str(value)).strip()
    if not text:
        return None
    if _SURROGATE_RE.search(text):
        raise InvalidInputError(f"{name} holds bytes that are not valid text (a lone UTF-16 surrogate, "
                                "e.g. from a file that is not UTF-8); re-save the source as UTF-8")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInputError(f"{name} is {len(text):,} characters long; the limit is "
                                f"{MAX_TEXT_LENGTH:,} — shorten it or split the record")
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def _int(value: Any, name: str, lo: int = 0, hi: int = MAX_COUNT) -> int | None:
    if value is None:
        return None
    if type(value) is str and len(value) < 19 and value.isascii() and value.isdigit():  # plain digits
        v = int(value)
        if v < lo or v > hi:
            return _int(float(v), name, lo, hi)  # the range messages below
        return v
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise InvalidInputError(f"{name} must be a whole number, got {shown(value)}")
    if isinstance(value, int):
        v = value
    else:
        try:
            f = float(str(value).strip().replace(",", "")) if not isinstance(value, float) else value
        except ValueError:
            raise InvalidInputError(f"{name} must be a whole number, got {shown(value)}") from None
        if not math.isfinite(f) or f != int(f):
            raise InvalidInputError(f"{name} must be a whole number, got {shown(value)}")
        v = int(f)
    if v < lo:
        what = "negative" if lo == 0 and v < 0 else f"below {lo}"
        raise InvalidInputError(f"{name} cannot be {what} (got {v})")
    if v > hi:
        raise InvalidInputError(f"{name} must be at most {hi:,}, got {v:,}")
    return v


def parse_date(value: Any, name: str, today: dt.date) -> dt.date | None:
    """Parse an ISO (``2025-03-15``) or ACLED-style (``15 March 2025``) date; refuse future dates."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        d = value.date()
    elif isinstance(value, dt.date):
        d = value
    else:
        text = str(value).strip()
        d = None
        try:
            d = dt.date.fromisoformat(text[:10]) if len(text) >= 10 and text[4] == "-" else None
            if d is not None and len(text) > 10:
                if text[10] not in "T ":
                    d = None
                else:  # a date and time: the time must be one too ("2025-01-01T<junk>" is not)
                    d = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            raise InvalidInputError(f"{name} {shown(text)} is not a real date or time (use YYYY-MM-DD, "
                                   "or e.g. 2025-03-15T10:30 with a time)") from None
        if d is None:
            for fmt in _DATE_FORMATS:
                try:
                    d = dt.datetime.strptime(text, fmt).date()
                    break
                except ValueError:
                    continue
        if d is None:
            raise InvalidInputError(f"{name} {shown(text)} is not a date; use YYYY-MM-DD (e.g. 2025-03-15)")
    assert d is not None
    if d > today + dt.timedelta(days=1):
        raise InvalidInputError(f"{name} {d.isoformat()} is in the future (today is {today.isoformat()})")
    if d < EARLIEST_DATE:
        raise InvalidInputError(f"{name} {d.isoformat()} is before {EARLIEST_DATE.year}; check the year")
    return d


def _coords(lat: Any, lon: Any) -> tuple[float, float]:
    if _blank(lat) or _blank(lon):
        raise InvalidInputError("latitude and longitude are required (degrees, EPSG:4326)")
    try:
        return validate_lat_lon(lat, lon)
    except InvalidCoordinateError as exc:
        if isinstance(lat, str) and isinstance(lon, str):
            try:
                return parse_coordinates(f"{lat}, {lon}")
            except InvalidCoordinateError as exc2:
                raise InvalidInputError(f"latitude/longitude: {exc2}") from None
        raise InvalidInputError(f"latitude/longitude: {exc}") from None


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str | None:
    text = clean_text(value, name)
    if text is None:
        return None
    low = text.lower()
    if low not in allowed:
        raise InvalidInputError(f"{name} must be one of {', '.join(allowed)}; got {shown(text)}")
    return low


def _nationals(value: Any) -> str | None:
    if _blank(value):
        return None
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;\s]+", str(value))
    codes = []
    for item in items:
        code = str(item).strip().upper()
        if not code:
            continue
        if not _ISO2_RE.match(code):
            raise InvalidInputError(f"nationals must be ISO 3166 two-letter codes separated by commas "
                                    f"(e.g. CN,RU); {shown(item)} is not one")
        if code not in codes:
            codes.append(code)
    return ",".join(codes) or None


def _origin(country: Any, attribution: Any) -> tuple[str | None, str | None]:
    """``origin_country`` (one ISO2 code, upper case) and ``origin_attribution`` (one of
    :data:`ORIGIN_ATTRIBUTIONS`), checked together: an unattributed origin names no country."""
    code = clean_text(country, "origin_country")
    if code is not None:
        code = code.upper()
        if not _ISO2_RE.match(code):
            raise InvalidInputError(f"origin_country must be one ISO 3166 two-letter code (e.g. AF); got {shown(country)}")
    by = _choice(attribution, "origin_attribution", ORIGIN_ATTRIBUTIONS)
    if by == "unattributed" and code is not None:
        raise InvalidInputError(f"origin_attribution is unattributed but origin_country is {code}; clear the "
                                "country or say who attributed it (official or claimed)")
    if code is not None and by is None:
        raise InvalidInputError(f"origin_country {code} needs origin_attribution: official or claimed (who said so)")
    return code, by


def _url(value: Any) -> str | None:
    text = clean_text(value, "source_url")
    if text is None:
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 — a port that is not a number raises here
    except ValueError:  # e.g. "http://[::1" (unclosed IPv6 bracket)
        raise InvalidInputError(f"source_url {shown(text)} is not a valid web address") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise InvalidInputError(f"source_url must be an http(s) address, got {shown(text)}")
    return text


def _event(fields: Mapping[str, Any]) -> tuple[str, str | None]:
    et_raw = clean_text(fields.get("event_type"), "event_type")
    st_raw = clean_text(fields.get("sub_event_type"), "sub_event_type")
    if et_raw is None and st_raw is None:
        raise InvalidInputError("event_type is required: an ACLED event type or sub-event type "
                                "(e.g. 'Armed clash', 'Attack', 'Air/drone strike')")
    et: str | None = None
    st: str | None = None
    if et_raw is not None:
        et, st = resolve_event_type(et_raw)
    if et == UNCLASSIFIED and st_raw is not None:  # a sub-event type classifies the record
        et = None
    if st_raw is not None:
        parent, sub = resolve_event_type(st_raw)
        if sub is None:
            raise InvalidInputError(f"sub_event_type {shown(st_raw)} is an event type, not a sub-event type")
        if et is not None and parent != et:
            raise InvalidInputError(f"sub_event_type {sub!r} belongs to {parent!r}, not to event_type {et!r}")
        if st is not None and st != sub:
            raise InvalidInputError(f"event_type {shown(et_raw)} and sub_event_type {shown(st_raw)} disagree")
        et, st = parent, sub
    assert et is not None
    return et, st


def validate_incident(fields: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Check and normalise one incident record.

    Parameters
    ----------
    fields : Mapping
        Field name → value, names from :data:`CONTENT_FIELDS`. ``event_type`` may hold a
        sub-event type (the event type is then filled in). Coordinates in degrees, EPSG:4326.
    today : datetime.date, optional
        The date against which future dates are refused (UTC today by default).

    Returns
    -------
    dict
        A new dict with every content field, ``None`` where absent.

    Raises
    ------
    InvalidInputError
        Naming the field: unknown field, impossible or future date, negative or
        non-integer count, geo_precision not 1–3, invalid coordinates, text longer than
        :data:`MAX_TEXT_LENGTH`, value not in an allowed set.
    """
    unknown = [k for k in fields if k not in FIELD_TYPES]
    if unknown:
        raise InvalidInputError(f"unknown field {shown(unknown[0])}; known fields are the ACLED columns plus "
                                f"{', '.join(EXTRA_COLUMNS)}")
    today = today or dt.datetime.now(dt.UTC).date()
    out: dict[str, Any] = dict.fromkeys(CONTENT_FIELDS)
    for name in _TEXT_FIELDS:
        out[name] = clean_text(fields.get(name), name)

    event_date = parse_date(fields.get("event_date"), "event_date", today)
    if event_date is None:
        raise InvalidInputError("event_date is required (YYYY-MM-DD)")
    out["event_date"] = event_date.isoformat()
    source_date = parse_date(fields.get("source_date"), "source_date", today)
    out["source_date"] = source_date.isoformat() if source_date else None
    year = _int(fields.get("year"), "year", 1900, 9999)
    if year is not None and year != event_date.year:
        raise InvalidInputError(f"year {year} does not match event_date {event_date.isoformat()}")
    out["year"] = event_date.year

    et, st = _event(fields)
    out["event_type"], out["sub_event_type"] = et, st
    out["disorder_type"] = out["disorder_type"] or _SUB_DISORDER.get(st or "", _DISORDER.get(et))
    kind = _choice(fields.get("record_kind"), "record_kind", RECORD_KINDS)
    out["record_kind"] = kind or ("development" if et == "Strategic developments" else "incident")

    out["latitude"], out["longitude"] = _coords(fields.get("latitude"), fields.get("longitude"))
    out["time_precision"] = _int(fields.get("time_precision"), "time_precision", 1, 3)
    out["geo_precision"] = _int(fields.get("geo_precision"), "geo_precision", 1, 3)
    out["iso"] = _int(fields.get("iso"), "iso", 0, 999)
    out["timestamp"] = _int(fields.get("timestamp"), "timestamp", 0, 10**11)
    for name in ("fatalities", "fatalities_low", "fatalities_best", "fatalities_high", "injured"):
        out[name] = _int(fields.get(name), name)
    if out["fatalities_best"] is None:
        out["fatalities_best"] = out["fatalities"]
    if out["fatalities"] is None:
        out["fatalities"] = out["fatalities_best"]
    from geo.claims import apply_claims, claims_text, parse_claims  # geo.claims reads this module's helpers

    claims = parse_claims(fields.get("claims"), today=today)
    out["claims"] = claims_text(claims)
    if claims:  # the claimed figures (low/best/high, injured…) follow the claims
        apply_claims(fields, out, claims)
    low, best, high = out["fatalities_low"], out["fatalities_best"], out["fatalities_high"]
    if low is not None and best is not None and low > best:
        raise InvalidInputError(f"fatalities_low ({low}) is above fatalities_best ({best})")
    if high is not None and best is not None and high < best:
        raise InvalidInputError(f"fatalities_high ({high}) is below fatalities_best ({best})")
    if low is not None and high is not None and low > high:
        raise InvalidInputError(f"fatalities_low ({low}) is above fatalities_high ({high})")

    out["nationals"] = _nationals(fields.get("nationals"))
    out["origin_country"], out["origin_attribution"] = _origin(fields.get("origin_country"),
                                                               fields.get("origin_attribution"))
    out["confidence"] = _choice(fields.get("confidence"), "confidence", CONFIDENCE_VALUES)
    out["verification"] = _choice(fields.get("verification"), "verification",
                                  VERIFICATION_VALUES) or "unverified"
    out["source_url"] = _url(fields.get("source_url"))
    pk = fields.get("precision_km")
    if not _blank(pk):
        try:
            pkf = float(pk)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InvalidInputError(f"precision_km must be a number of km, got {shown(pk)}") from None
        if not (math.isfinite(pkf) and 0 <= pkf <= 1000):
            raise InvalidInputError(f"precision_km must be between 0 and 1000 km, got {shown(pk)}")
        out["precision_km"] = pkf
    return out


def dedup_key(record: Mapping[str, Any]) -> str:
    """The key that makes re-importing the same row a no-op.

    ACLED rows are keyed by ``event_id_cnty``; other rows by a hash of their
    validated content.
    """
    event_id = record.get("event_id_cnty")
    if event_id:
        return f"acled:{event_id}"
    # claims left out, and the later fields while blank: keys of older records stay as they were
    values = [record.get(f) for f in CONTENT_FIELDS
              if f not in _JSON_FIELDS and (f not in LATER_FIELDS or record.get(f) is not None)]
    payload = json.dumps(values, ensure_ascii=False, default=str)
    return "sha1:" + hashlib.sha1(payload.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported: its 1-based number in the source and why."""

    row: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """``{"row": int, "reason": str}`` (the CLI's JSON form)."""
        return {"row": self.row, "reason": self.reason}


@dataclass(frozen=True)
class ImportReport:
    """Outcome of an import: how many rows were added, skipped as duplicates, rejected."""

    imported: int
    duplicates: int
    rejected: tuple[Rejection, ...] = ()
    ids: tuple[str, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The ``incidents import --json`` document."""
        return {"imported": self.imported, "duplicates": self.duplicates,
                "rejected": [r.to_dict() for r in self.rejected]}
