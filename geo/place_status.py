"""A place's status on a date (open, closed, active, vacated…) from its sourced status history.

Each shipped place may carry ``status_history``: dated entries written by
``data/build/build_places.py``, each with its own source, source date and confidence::

    {"from": "2022-05-09", "until": null, "status": "closed", "temporary": true,
     "source": "...", "source_url": "...", "source_date": "2022-05", "confidence": "claimed",
     "note": "..."}

:func:`status_as_of` is pure: the status on a date is the latest entry that began on
or before it, unless that entry has ended (``until``), in which case the entry before
it applies again. Dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a partial date
stands for its first day. ``temporary`` marks a state whose end is not on record: it
is still the last reported state, and :attr:`PlaceStatus.text` says so.
:func:`statuses_as_of` adds the columns a map layer needs to a places frame.

Example
-------
>>> place = {"status_history": [
...     {"from": "2007-08-26", "status": "open", "source": "AFP", "confidence": "assessed"},
...     {"from": "2022-05-09", "status": "closed", "temporary": True, "source": "Radio Ozodi",
...      "confidence": "claimed"}]}
>>> status_as_of(place, "2020-01-01").status
'open'
>>> status_as_of(place, "2023-01-01").text
'closed since 2022-05-09 (temporary; no reopening on record) — Radio Ozodi, claimed'
>>> status_as_of(place, "2000-01-01") is None
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.errors import InvalidInputError

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: Columns :func:`statuses_as_of` adds.
STATUS_COLUMNS = ("status_as_of", "status_since", "status_text", "status_confidence")


def parse_partial_date(value: str | dt.date, name: str = "date") -> dt.date:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` text (or a date) as the first day it covers.

    >>> parse_partial_date("2017-08")
    datetime.date(2017, 8, 1)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE_RE.match(str(value).strip())
    if not m:
        raise InvalidInputError(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    try:
        return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError as exc:
        raise InvalidInputError(f"{name} {value!r} is not a real date: {exc}") from None


@dataclass(frozen=True)
class StatusEntry:
    """One dated entry of a status history (dates as written, e.g. ``2017-08``)."""

    start: str
    status: str
    source: str
    confidence: str
    until: str | None = None
    temporary: bool = False
    source_url: str | None = None
    source_date: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        begin = parse_partial_date(self.start, "status_history.from")
        if not self.status.strip():
            raise InvalidInputError(f"status_history entry from {self.start} has no status")
        if not self.source.strip():
            raise InvalidInputError(f"status_history entry from {self.start} has no source")
        if self.until is not None and parse_partial_date(self.until, "status_history.until") <= begin:
            raise InvalidInputError(f"status_history entry from {self.start} ends ({self.until}) before it begins")

    @property
    def begins(self) -> dt.date:
        """First day the entry covers."""
        return parse_partial_date(self.start)

    def covers(self, day: dt.date) -> bool:
        """True if ``day`` is on or after the start and before ``until`` (if any)."""
        return self.begins <= day and (self.until is None or day < parse_partial_date(self.until))


@dataclass(frozen=True)
class PlaceStatus:
    """A place's status on a date and the entry it rests on."""

    status: str
    entry: StatusEntry

    @property
    def since(self) -> str:
        """When this status began (as written in the history)."""
        return self.entry.start

    @property
    def text(self) -> str:
        """One line for a popup or table: status, since when, caveat, source and confidence."""
        caveat = " (temporary; no reopening on record)" if self.entry.temporary and self.entry.until is None else ""
        until = f" until {self.entry.until}" if self.entry.until else ""
        return f"{self.status} since {self.since}{until}{caveat} — {self.entry.source}, {self.entry.confidence}"


def status_history(place: Mapping[str, Any]) -> tuple[StatusEntry, ...]:
    """The ``status_history`` of a place's properties as entries sorted by start (empty if none).

    Raises
    ------
    InvalidInputError
        If an entry lacks a start, status or source, or has an impossible date.
    """
    raw = place.get("status_history")
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise InvalidInputError(f"status_history must be a list of entries, got {type(raw).__name__}")
    out = []
    for i, ev in enumerate(raw):
        if not isinstance(ev, Mapping) or "from" not in ev:
            raise InvalidInputError(f"status_history[{i}] needs a 'from' date")
        out.append(StatusEntry(start=str(ev["from"]), status=str(ev.get("status") or ""),
                               source=str(ev.get("source") or ""), confidence=str(ev.get("confidence") or ""),
                               until=None if ev.get("until") in (None, "") else str(ev["until"]),
                               temporary=bool(ev.get("temporary", False)), source_url=ev.get("source_url"),
                               source_date=ev.get("source_date"), note=str(ev.get("note") or "")))
    return tuple(sorted(out, key=lambda e: e.begins))


def status_as_of(place: Mapping[str, Any], date: str | dt.date) -> PlaceStatus | None:
    """The status of ``place`` (its properties) on ``date``; ``None`` before its first entry.

    The latest entry covering the date wins; an entry that has ended (``until``) gives
    way to the latest earlier entry that still covers the date.
    """
    day = parse_partial_date(date)
    for entry in reversed(status_history(place)):
        if entry.covers(day):
            return PlaceStatus(status=entry.status, entry=entry)
    return None


def statuses_as_of(places: pd.DataFrame, date: str | dt.date) -> pd.DataFrame:
    """A copy of ``places`` with :data:`STATUS_COLUMNS` for ``date`` (empty strings where none).

    ``places`` is a (Geo)DataFrame of place properties, e.g. ``geo.datasets.load_layer
    ("places.geojson")``; it is not modified.
    """
    out = places.copy()
    rows = [status_as_of(rec, date) for rec in places.to_dict("records")]
    out["status_as_of"] = [s.status if s else "" for s in rows]
    out["status_since"] = [s.since if s else "" for s in rows]
    out["status_text"] = [s.text if s else "" for s in rows]
    out["status_confidence"] = [s.entry.confidence if s else "" for s in rows]
    return out
