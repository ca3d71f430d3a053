"""Copy a whole store into another (GeoPackage ↔ PostGIS): records, history, zones, scenarios, users.

Live and deleted records are copied as they are (id, version, who and when, deleted flag)
with every history entry; records and zones whose id the destination already holds are
left alone (likewise scenarios by name), so a second run copies nothing new. Each batch is one transaction in the
destination.

Example
-------
>>> copy_store(open_store("incidents.gpkg"), open_store("postgresql://me@db:5432/bordermap"))  # doctest: +SKIP
CopyReport(records=1234, history=2345, zones=3, skipped_records=0, skipped_zones=0, scenarios=2, ...)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from geo.errors import InvalidInputError
from geo.store import IncidentStoreProtocol

#: Records per destination transaction.
COPY_BATCH = 2000


@dataclass(frozen=True)
class CopyReport:
    """What a copy wrote: records, history entries and zones copied, and those already there."""

    records: int
    history: int
    zones: int
    skipped_records: int
    skipped_zones: int
    scenarios: int = 0
    skipped_scenarios: int = 0
    users: int = 0
    skipped_users: int = 0

    def to_dict(self) -> dict[str, int]:
        """The ``store copy --json`` document."""
        return asdict(self)


def copy_store(src: IncidentStoreProtocol, dst: IncidentStoreProtocol, *,
               on_progress: Callable[[str, int, int], None] | None = None) -> CopyReport:
    """Copy every record (live and deleted), its history and the zones of ``src`` into ``dst``.

    ``on_progress(stage, done, total)`` is called after each batch (stage ``records`` or
    ``zones``). Raises :class:`InvalidInputError` when both are the same store.
    """
    if getattr(src, "location", object()) == getattr(dst, "location", None):
        raise InvalidInputError("--from and --to name the same store; give two different stores")
    records = src.records_for_copy()
    known = dst.known_ids()
    fresh = [r for r in records if str(r["id"]) not in known]
    copied = history_count = 0
    for start in range(0, len(fresh), COPY_BATCH):
        batch = fresh[start:start + COPY_BATCH]
        history = src.history_entries([str(r["id"]) for r in batch])
        copied += dst.insert_copies(batch, history)
        history_count += len(history)
        if on_progress is not None:
            on_progress("records", start + len(batch), len(fresh))
    zones = src.list_zones(include_deleted=True)
    known_zones = set(dst.list_zones(include_deleted=True)["id"])
    new_zones = zones[~zones["id"].isin(known_zones)]
    for done, (_, row) in enumerate(new_zones.iterrows(), start=1):
        dst.insert_zone({k: _plain(row[k]) for k in zones.columns if k != "geometry"}, row.geometry)
        if on_progress is not None:
            on_progress("zones", done, len(new_zones))
    scenarios = src.list_scenarios()
    written = sum(dst.put_scenario(sc["name"], sc["data"], sc["saved_by"] or "unknown", saved_at=sc["saved_at"],
                                   overwrite=False) for sc in scenarios)
    known_users = {u["email"] for u in dst.list_users()}
    users = [u for u in src.list_users() if u["email"] not in known_users]
    for user in users:  # a role already given in the destination is the destination's to keep
        dst.set_user(user["email"], user["role"], user["added_by"] or "copy")
    return CopyReport(records=copied, history=history_count, zones=len(new_zones),
                      skipped_records=len(records) - len(fresh), skipped_zones=len(zones) - len(new_zones),
                      scenarios=written, skipped_scenarios=len(scenarios) - written,
                      users=len(users), skipped_users=len(known_users & {u["email"] for u in src.list_users()}))


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
