"""How fresh each scenario's support is: the newest record behind it, and whether it is stale.

A scenario is supported by (a) the records behind the triggers that raise it
(``Scenario.shifted_by_triggers``) while such a trigger is partly met or met, and (b) the
developments carrying one of its own ``evidence_markers`` (e.g. a token Russian deployment
for the limited-deployment scenario: the response, kept apart from the triggers). Pure: takes
the trigger results, the records (columns of :meth:`geo.store.IncidentStore.list`) and the day
to count to.

Example
-------
>>> import pandas as pd
>>> from geo.trigger_rules import Scenario
>>> sc = Scenario(id="s", actor="Russia", name="n", estimate="low", description="d", source="x",
...               date="2025-12", evidence_markers=(("russia-limited-deployment", "a presence"),))
>>> recs = pd.DataFrame({"id": ["a"], "event_date": ["2025-12-20"], "tags": ["russia-limited-deployment"],
...                      "notes": [None], "record_kind": ["development"], "verification": ["unverified"]})
>>> ev = scenario_evidence([sc], [], recs, as_of=dt.date(2026, 1, 19))[0]
>>> ev.newest, ev.days_old, ev.stale
('2025-12-20', 30, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from geo.trigger_rules import REJECTED, Scenario, TriggerResult
from geo.triggers import cached_record_markers


@dataclass(frozen=True)
class ScenarioEvidence:
    """The support of one scenario on ``as_of``.

    ``newest``: ISO date of the newest supporting record (``None``: none on record);
    ``days_old``: days from it to ``as_of``; ``stale``: older than ``stale_after_days``;
    ``record_ids``: the supporting records, newest first; ``via``: what each kind of support was
    (``"trigger 2"``, ``"marker russia-limited-deployment"``).
    """

    scenario_id: str
    newest: str | None
    days_old: int | None
    stale: bool
    stale_after_days: int
    record_ids: tuple[str, ...]
    via: tuple[str, ...]

    def summary(self) -> str:
        """One sentence for the page: the newest evidence's date and age, or that there is none."""
        if self.newest is None:
            return "no supporting evidence on record"
        age = f"{self.newest} ({self.days_old} days ago)"
        if self.stale:
            return f"newest evidence {age}: stale — older than {self.stale_after_days} days"
        return f"newest evidence {age}"


def _dates(records: pd.DataFrame) -> dict[str, str]:
    if records.empty or "event_date" not in records.columns:
        return {}
    # through lists: iterating Arrow-backed columns yields one Python string at a time, ~3x slower
    return dict(zip(records["id"].astype(str).tolist(), records["event_date"].astype(str).str.slice(0, 10).tolist(),
                    strict=True))


def _marked(records: pd.DataFrame, tags: set[str]) -> dict[str, set[str]]:
    """Record id → which of ``tags`` it carries (developments not rejected nor deleted only)."""
    if records.empty or not tags:
        return {}
    if "record_kind" not in records.columns:
        return {}  # every record counts as an incident
    # only developments, and only the columns read: not a Python pass over every record
    developments = records.loc[(records["record_kind"] == "development").fillna(False).to_numpy(dtype=bool),
                               [c for c in ("id", "verification", "deleted", "tags", "notes") if c in records.columns]]
    out: dict[str, set[str]] = {}
    for row in developments.itertuples(index=False):
        if str(getattr(row, "verification", "") or "").lower() == REJECTED or bool(getattr(row, "deleted", False)):
            continue
        tags_text, notes = getattr(row, "tags", None), getattr(row, "notes", None)
        found = cached_record_markers(tags_text if isinstance(tags_text, str) else None,
                                      notes if isinstance(notes, str) else None) & tags
        if found:
            out[str(row.id)] = set(found)
    return out


def scenario_evidence(scenarios: Sequence[Scenario], results: Sequence[TriggerResult], records: pd.DataFrame,
                      *, as_of: dt.date | None = None, stale_after_days: int | None = None
                      ) -> list[ScenarioEvidence]:
    """The support of each scenario (in order) on ``as_of`` (default today, UTC).

    ``stale_after_days`` overrides each scenario's own threshold (days, ≥ 1).
    """
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    dates = _dates(records)
    by_trigger = {r.id: r for r in results if r.status != "not met"}
    marked = _marked(records, {tag for sc in scenarios for tag, _ in sc.evidence_markers})
    out = []
    for sc in scenarios:
        limit = stale_after_days or sc.stale_after_days
        support: dict[str, set[str]] = {}
        for tid in sc.shifted_by_triggers:
            for rid in by_trigger[tid].incident_ids if tid in by_trigger else ():
                support.setdefault(rid, set()).add(f"trigger {tid}")
        own = {tag for tag, _ in sc.evidence_markers}
        for rid, tags in marked.items():
            for tag in tags & own:
                support.setdefault(rid, set()).add(f"marker {tag}")
        dated = sorted(((dates.get(rid, ""), rid) for rid in support if dates.get(rid)), reverse=True)
        newest = dated[0][0] if dated else None
        days = (as_of - dt.date.fromisoformat(newest)).days if newest else None
        out.append(ScenarioEvidence(scenario_id=sc.id, newest=newest, days_old=days,
                                    stale=days is not None and days > limit, stale_after_days=limit,
                                    record_ids=tuple(rid for _, rid in dated),
                                    via=tuple(sorted({v for vs in support.values() for v in vs}))))
    return out
