"""Records trigger 1 cannot judge, and the bulk edit that fills them in, on both store backends."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from geo.errors import InvalidInputError
from geo.incidents import UNCLASSIFIED
from geo.judgement_gaps import (
    apply_bulk_edit,
    check_bulk_values,
    judgement_gaps,
    plan_bulk_edit,
    undo_bulk_edit,
)


def rec(**fields: Any) -> dict[str, Any]:
    base = {"event_date": "2025-06-01", "event_type": "Armed clash", "latitude": 37.84, "longitude": 70.04,
            "country": "Tajikistan", "source": "test"}
    return {**base, **fields}


def test_gaps_count_only_incidents_that_could_count() -> None:
    frame = pd.DataFrame([
        {"id": "ok", "record_kind": "incident", "event_type": "Battles", "verification": "unverified",
         "nationals": "TJ", "origin_attribution": "unattributed"},
        {"id": "no-origin", "record_kind": "incident", "event_type": "Battles", "verification": None,
         "nationals": "CN", "origin_attribution": None},
        {"id": "no-both", "record_kind": "incident", "event_type": "Battles", "verification": "verified",
         "nationals": " ", "origin_attribution": ""},
        {"id": "dev", "record_kind": "development", "event_type": "Strategic developments",
         "verification": "unverified", "nationals": None, "origin_attribution": None},
        {"id": "rejected", "record_kind": "incident", "event_type": "Battles", "verification": "rejected",
         "nationals": None, "origin_attribution": None},
        {"id": "unclassified", "record_kind": "incident", "event_type": UNCLASSIFIED, "verification": "unverified",
         "nationals": None, "origin_attribution": None},
    ])
    gaps = judgement_gaps(frame)
    assert gaps.lacking_origin == ("no-origin", "no-both") and gaps.lacking_nationals == ("no-both",)
    assert gaps.ids == ("no-origin", "no-both") and gaps.total == 2 and gaps.incidents == 3
    empty = judgement_gaps(frame.iloc[0:0])
    assert (empty.total, empty.incidents) == (0, 0)


@pytest.mark.parametrize(("values", "words"), [
    ({}, "nothing to set"),
    ({"nationals": "Chinese"}, "nationals must be ISO 3166"),
    ({"origin_country": "AFG"}, "origin_country must be one ISO 3166"),
    ({"origin_attribution": "rumour"}, "origin_attribution must be one of"),
    ({"origin_country": "AF", "origin_attribution": "unattributed"}, "clear the country"),
])
def test_bad_values_are_refused_before_anything_is_written(values: dict[str, str], words: str) -> None:
    with pytest.raises(InvalidInputError, match=words):
        check_bulk_values(**values)


def test_values_are_normalised() -> None:
    assert check_bulk_values(nationals="cn; tj", origin_country=" af ", origin_attribution="Official") == {
        "nationals": "CN,TJ", "origin_country": "AF", "origin_attribution": "official"}


def test_bulk_edit_writes_one_versioned_change_per_record_and_undoes(any_store) -> None:
    blank = any_store.add(rec(location="a"), "importer")
    half = any_store.add(rec(location="b", nationals="TJ"), "importer")
    claimed = any_store.add(rec(location="c", nationals="RU", origin_country="AF", origin_attribution="claimed"),
                            "importer")
    records = any_store.list()
    plan = plan_bulk_edit(records, [blank, half, claimed], nationals="TJ", origin_country="AF",
                          origin_attribution="official")
    # only blank fields: the claimed record keeps its origin and nationals, so it is not in the plan
    assert {p.incident_id: p.changes for p in plan} == {
        blank: {"nationals": "TJ", "origin_country": "AF", "origin_attribution": "official"},
        half: {"origin_country": "AF", "origin_attribution": "official"}}
    report = apply_bulk_edit(any_store, plan, "ana")
    assert set(report.changed) == {blank, half} and not report.conflicts and not report.refused
    for rid in (blank, half):
        history = any_store.history(rid)
        assert [h["action"] for h in history] == ["add", "update"] and history[-1]["by"] == "ana"
        assert any_store.get(rid)["origin_attribution"] == "official"
    assert judgement_gaps(any_store.list()).total == 0
    back = undo_bulk_edit(any_store, report.changed, "ana")
    assert set(back.changed) == {blank, half}
    assert any_store.get(blank)["nationals"] is None and any_store.get(half)["origin_attribution"] is None
    assert any_store.get(half)["nationals"] == "TJ"


def test_overwrite_and_a_colleagues_edit_meanwhile(any_store) -> None:
    mine = any_store.add(rec(location="a", origin_attribution="claimed", origin_country="AF"), "importer")
    theirs = any_store.add(rec(location="b"), "importer")
    records = any_store.list()
    plan = plan_bulk_edit(records, [mine, theirs], only_blank=False, origin_attribution="unattributed")
    # the record with a country cannot become unattributed without clearing it: refused, one sentence
    any_store.update(theirs, {"notes": "edited meanwhile"}, "bo")
    report = apply_bulk_edit(any_store, plan, "ana")
    assert report.changed == {} and report.conflicts == (theirs,)
    assert report.refused and report.refused[0][0] == mine and "clear the country" in report.refused[0][1]
    assert "1 left alone because someone changed them" in report.summary()
    assert any_store.get(theirs)["origin_attribution"] is None and any_store.get(mine)["origin_attribution"] == "claimed"


def test_bulk_edit_writes_only_what_the_role_may_edit(any_store) -> None:
    """An editor fills in their own records; a colleague's is refused (one sentence), and a viewer
    changes nothing — checked per record where it is written, not only by hiding the button."""
    from geo.permissions import Access

    own = any_store.add(rec(location="own"), "ed@example.org")
    other = any_store.add(rec(location="other"), "bo@example.org")
    plan = plan_bulk_edit(any_store.list(), [own, other], nationals="TJ")
    report = apply_bulk_edit(any_store, plan, "ed@example.org", Access("ed@example.org", "editor"))
    assert set(report.changed) == {own} and [r[0] for r in report.refused] == [other]
    assert "editor" in report.refused[0][1] and any_store.get(other)["nationals"] is None
    viewer = apply_bulk_edit(any_store, plan_bulk_edit(any_store.list(), [other], nationals="TJ"),
                             "vi@example.org", Access("vi@example.org", "viewer"))
    assert not viewer.changed and len(viewer.refused) == 1
    back = undo_bulk_edit(any_store, report.changed, "vi@example.org", Access("vi@example.org", "viewer"))
    assert not back.changed and any_store.get(own)["nationals"] == "TJ"
