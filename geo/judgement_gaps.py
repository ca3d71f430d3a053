"""Records the triggers cannot judge, and a bulk edit that fills them in with history.

Trigger 1 reads two things an import often lacks: who attributed the attackers' origin
(``origin_attribution``, with ``origin_country``) and the victims' nationalities
(``nationals``). :func:`judgement_gaps` counts the live, classified, not rejected incidents
that lack either; :func:`plan_bulk_edit` works out, for a chosen set, the changes per record
(with the version each was seen at); :func:`apply_bulk_edit` writes them through the store's
normal update path, one versioned, undo-able change per record signed by the analyst, and
:func:`undo_bulk_edit` takes a whole batch back the same way.

Example
-------
>>> import pandas as pd
>>> recs = pd.DataFrame({"id": ["a", "b"], "record_kind": ["incident"] * 2, "event_type": ["Battles"] * 2,
...                      "verification": ["unverified"] * 2, "nationals": ["TJ", None],
...                      "origin_attribution": [None, "official"], "origin_country": [None, "AF"],
...                      "version": [1, 4]})
>>> gaps = judgement_gaps(recs)
>>> gaps.lacking_origin, gaps.lacking_nationals, gaps.total
(('a',), ('b',), 2)
>>> [(p.incident_id, p.changes) for p in plan_bulk_edit(recs, ["a", "b"], origin_attribution="unattributed")]
[('a', {'origin_attribution': 'unattributed'})]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from geo.errors import BorderMapError, EditConflictError, InvalidInputError
from geo.incidents import UNCLASSIFIED, validate_incident
from geo.permissions import Access
from geo.store import IncidentStoreProtocol

logger = logging.getLogger(__name__)

#: The fields a bulk edit may set.
BULK_FIELDS: tuple[str, ...] = ("nationals", "origin_country", "origin_attribution")


@dataclass(frozen=True)
class JudgementGaps:
    """Ids of the incidents trigger 1 cannot judge, by what they lack; ``incidents``: how many were looked at."""

    lacking_origin: tuple[str, ...]
    lacking_nationals: tuple[str, ...]
    incidents: int

    @property
    def ids(self) -> tuple[str, ...]:
        """Every record lacking either field, each once."""
        return tuple(dict.fromkeys((*self.lacking_origin, *self.lacking_nationals)))

    @property
    def total(self) -> int:
        """How many records lack either field."""
        return len(self.ids)


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype("string").str.strip().fillna("").eq("")


def _col(records: pd.DataFrame, name: str) -> pd.Series:
    return records[name] if name in records.columns else pd.Series(None, index=records.index, dtype=object)


def judged_incidents(records: pd.DataFrame) -> pd.DataFrame:
    """The records trigger 1 looks at: incidents, classified, not rejected, not deleted."""
    if records.empty:
        return records
    keep = _col(records, "record_kind").fillna("incident").eq("incident")
    keep &= _col(records, "event_type").fillna("").ne(UNCLASSIFIED)
    keep &= _col(records, "verification").fillna("").astype(str).str.lower().ne("rejected")
    if "deleted" in records.columns:
        keep &= ~records["deleted"].fillna(False).astype(bool)
    return records[keep]


def judgement_gaps(records: pd.DataFrame) -> JudgementGaps:
    """Count the incidents of ``records`` that lack an origin attribution or nationals."""
    judged = judged_incidents(records)
    ids = judged["id"].astype(str) if not judged.empty else pd.Series([], dtype=str)
    no_origin = _blank(_col(judged, "origin_attribution")) if not judged.empty else pd.Series([], dtype=bool)
    no_nat = _blank(_col(judged, "nationals")) if not judged.empty else pd.Series([], dtype=bool)
    return JudgementGaps(lacking_origin=tuple(ids[no_origin].tolist()), lacking_nationals=tuple(ids[no_nat].tolist()),
                         incidents=len(judged))


def check_bulk_values(nationals: str | None = None, origin_country: str | None = None,
                      origin_attribution: str | None = None) -> dict[str, str]:
    """The non-blank values of a bulk edit, normalised as the store keeps them (``af`` → ``AF``).

    Raises :class:`InvalidInputError` (one sentence naming the field) for a value no record could take,
    or when nothing is to be set."""
    values = {"nationals": nationals, "origin_country": origin_country, "origin_attribution": origin_attribution}
    given = {k: v.strip() for k, v in values.items() if isinstance(v, str) and v.strip()}
    if not given:
        raise InvalidInputError("nothing to set: give nationals, an origin country or who attributed the origin")
    probe = {"event_date": "2025-01-01", "event_type": "Attack", "latitude": 38.0, "longitude": 70.0, **given}
    if "origin_country" in given and "origin_attribution" not in given:
        probe["origin_attribution"] = "claimed"  # the country alone is checked here; each record's own pairing below
    if "origin_attribution" in given and given["origin_attribution"].lower() != "unattributed":
        probe.setdefault("origin_country", "AF")
    clean = validate_incident(probe)
    return {k: str(clean[k]) for k in given}


@dataclass(frozen=True)
class PlannedChange:
    """One record's part of a bulk edit: the changes, and the version they were planned against."""

    incident_id: str
    version: int | None
    changes: dict[str, str] = field(hash=False)


def plan_bulk_edit(records: pd.DataFrame, ids: Iterable[str], *, only_blank: bool = True,
                   **values: str | None) -> list[PlannedChange]:
    """The change per record of ``ids`` (in ``records``' order) that sets ``values`` (see
    :data:`BULK_FIELDS`; blank values are not set). ``only_blank``: a field the record already holds
    is left as it is. Records that would not change are left out."""
    wanted = check_bulk_values(**values)
    chosen = set(map(str, ids))
    out = []
    for row in records.to_dict("records"):
        if str(row["id"]) not in chosen:
            continue
        changes = {}
        for name, value in wanted.items():
            current = row.get(name)
            has = isinstance(current, str) and bool(current.strip())
            if (only_blank and has) or current == value:
                continue
            changes[name] = value
        if changes:
            version = row.get("version")
            out.append(PlannedChange(str(row["id"]), int(version) if pd.notna(version) else None, changes))
    return out


@dataclass(frozen=True)
class BulkReport:
    """What a bulk edit (or its undo) did: new versions of the records changed, the ids another
    analyst changed meanwhile (left alone), and the records refused with the reason."""

    changed: Mapping[str, int]
    conflicts: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()

    def summary(self, verb: str = "changed") -> str:
        """One sentence for the page and the log."""
        parts = [f"{len(self.changed)} record(s) {verb}"]
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} left alone because someone changed them since you loaded them")
        if self.refused:
            first = self.refused[0]
            parts.append(f"{len(self.refused)} refused (e.g. {first[0][:8]}: {first[1]})")
        return "; ".join(parts) + "."


def apply_bulk_edit(store: IncidentStoreProtocol, plan: Iterable[PlannedChange], by: str,
                    access: Access | None = None) -> BulkReport:
    """Write each planned change through ``store.update`` as ``by`` (one history entry, one version each).

    ``access``: who edits and their role; a record their role may not edit (e.g. an editor's on a
    colleague's record) is refused, not written. ``None``: no role to check (the CLI's operator).
    """
    changed: dict[str, int] = {}
    conflicts: list[str] = []
    refused: list[tuple[str, str]] = []
    for item in plan:
        try:
            if access is not None:
                access.check("edit", store.get(item.incident_id).get("created_by"))
            changed[item.incident_id] = store.update(item.incident_id, item.changes, by,
                                                     expected_version=item.version)
        except EditConflictError:
            conflicts.append(item.incident_id)
        except BorderMapError as exc:
            refused.append((item.incident_id, str(exc)))
    report = BulkReport(changed, tuple(conflicts), tuple(refused))
    logger.info("bulk edit by %s: %s", by, report.summary())
    return report


def undo_bulk_edit(store: IncidentStoreProtocol, versions: Mapping[str, int], by: str,
                   access: Access | None = None) -> BulkReport:
    """Undo each record's change of a bulk edit (``versions``: the versions it left), as ``by``; a
    record changed again since is left alone (undo it from its own history). ``access`` as for
    :func:`apply_bulk_edit`."""
    changed: dict[str, int] = {}
    conflicts: list[str] = []
    refused: list[tuple[str, str]] = []
    for incident_id, version in versions.items():
        try:
            if access is not None:
                access.check("undo", store.get(incident_id).get("created_by"))
            changed[incident_id] = store.undo(incident_id, by, expected_version=version)
        except EditConflictError:
            conflicts.append(incident_id)
        except BorderMapError as exc:
            refused.append((incident_id, str(exc)))
    return BulkReport(changed, tuple(conflicts), tuple(refused))
