"""Claims in the incident store, on both backends (GeoPackage file and PostGIS database): added,
chosen, removed as versioned record updates with history and undo; concurrent additions never
lose each other; copied by ``store copy``; stores made before claims (schema 2) open and take them."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from geo.claim_edits import add_claim, choose_claim, record_claims, remove_claim
from geo.errors import InvalidInputError, StoreError
from geo.store import IncidentStore, IncidentStoreProtocol, open_store
from geo.store_copy import copy_store
from geo.trigger_rules import load_rules, with_thresholds
from geo.triggers import evaluate_triggers
from tests.geo.store_backends import fresh_database


def rec(**extra: object) -> dict[str, object]:
    return {"event_date": "2025-11-26", "event_type": "Attack", "latitude": 37.84, "longitude": 70.04,
            "country": "Tajikistan", "nationals": "CN", "origin": "Badakhshan, Afghanistan (per the Tajik MFA)", "confidence": "assessed",
            "actor2": "Civilians (China)", **extra}


def claim(value: object = 3, source: str = "A", field: str = "fatalities", **extra: object) -> dict[str, object]:
    return {"field": field, "value": value, "source": source, "source_date": "2025-11-27", "claimant": "official",
            **extra}


def test_claims_are_versioned_edits_with_history_and_undo(any_store: IncidentStoreProtocol) -> None:
    iid = any_store.add(rec(fatalities=1), "ana")
    first, v2 = add_claim(any_store, iid, claim(3, "TRT World"), "ana")
    second, v3 = add_claim(any_store, iid, claim(5, "Gazeta.ru", claimant="media"), "bo")
    assert (v2, v3) == (2, 3)
    got = any_store.get(iid)
    assert (got["fatalities_low"], got["fatalities_best"], got["fatalities_high"], got["fatalities"]) == (3, 3, 5, 3)
    assert [c.added_by for c in record_claims(any_store, iid)] == ["ana", "bo"]
    listed = any_store.list().iloc[0]
    assert listed["fatalities_high"] == 5 and "Gazeta.ru" in listed["claims"]
    assert choose_claim(any_store, iid, second.id[:4], "cy") == 4  # a unique start of the id
    assert any_store.get(iid)["fatalities_best"] == 5
    removed, v5 = remove_claim(any_store, iid, first.id, "cy")
    assert removed.id == first.id and v5 == 5
    assert (any_store.get(iid)["fatalities_low"], any_store.get(iid)["fatalities_high"]) == (5, 5)
    history = any_store.history(iid)
    assert [h["action"] for h in history] == ["add", "update", "update", "update", "update"]
    assert '"TRT World"' in history[1]["record"]["claims"]
    any_store.undo(iid, "cy")  # the removal is undone: the claim and the figures it set come back
    back = any_store.get(iid)
    assert len(record_claims(any_store, iid)) == 2 and (back["fatalities_low"], back["fatalities_best"]) == (3, 5)
    with pytest.raises(InvalidInputError, match="comes from its 2 fatalities claims"):
        any_store.update(iid, {"fatalities": 9}, "cy")
    assert any_store.update(iid, {"notes": "checked"}, "cy") == back["version"] + 1  # other fields stay editable
    assert any_store.get(iid)["fatalities_high"] == 5


def test_bad_claim_writes_nothing(any_store: IncidentStoreProtocol) -> None:
    iid = any_store.add(rec(), "ana")
    revision = any_store.revision
    with pytest.raises(InvalidInputError, match="claimant"):
        add_claim(any_store, iid, claim(claimant="blogger"), "ana")
    with pytest.raises(InvalidInputError, match="not a claim of this record"):
        remove_claim(any_store, iid, "nope", "ana")
    any_store.delete(iid, "ana")
    with pytest.raises(StoreError, match="deleted"):
        add_claim(any_store, iid, claim(), "ana")
    assert any_store.revision == revision + 1  # only the deletion


def test_import_keeps_claims_and_refuses_a_figure_they_contradict(any_store: IncidentStoreProtocol) -> None:
    report = any_store.import_rows([rec(claims=[claim(2), claim(4, "B")]),
                                    rec(latitude=37.9, fatalities=7, claims=[claim(2)])], "imp")
    assert report.imported == 1 and len(report.rejected) == 1
    assert "fatalities of this record comes from its 1 fatalities claim" in report.rejected[0].reason
    got = any_store.get(report.ids[0])
    assert (got["fatalities_low"], got["fatalities_best"], got["fatalities_high"]) == (2, 2, 4)


def test_concurrent_claims_are_all_kept(any_store: IncidentStoreProtocol,
                                        make_store: Callable[[], IncidentStoreProtocol]) -> None:
    """Four writers (own store objects) add 5 claims each to one record at once: all 20 land."""
    iid = any_store.add(rec(), "ana")
    failures: list[BaseException] = []

    def writer(k: int) -> None:
        store = make_store()
        try:
            for j in range(5):
                add_claim(store, iid, claim(k * 10 + j, f"source {k}-{j}"), f"writer {k}")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    claims = record_claims(any_store, iid)
    assert len(claims) == 20 and len({c.id for c in claims}) == 20
    assert any_store.get(iid)["fatalities_high"] == 34


def test_triggers_read_the_derived_figures(any_store: IncidentStoreProtocol) -> None:
    """One attack on Chinese nationals with Afghan origin: 2 killed by one source, 6 by another.
    Trigger 1 (threshold 5 killed) is met on the high estimate and not on the low one."""
    iid = any_store.add(rec(origin_country="AF", origin_attribution="official"), "ana")
    add_claim(any_store, iid, claim(2, "Tajik MFA"), "ana")
    add_claim(any_store, iid, claim(6, "Chinese embassy"), "ana")
    records = any_store.list()
    rules = load_rules()

    def status(estimate: str) -> str:
        result = evaluate_triggers(records, with_thresholds(rules, min_fatalities=5, fatality_estimate=estimate), None)
        return next(t for t in result if t.id == 1).status

    assert status("high") == "met"
    assert status("low") != "met" and status("best") != "met"  # best = median_low(2, 6) = 2
    choose_claim(any_store, iid, record_claims(any_store, iid)[1].id, "ana")
    records = any_store.list()
    assert status("best") == "met"


def test_store_copy_carries_the_claims(tmp_path: Path, store_target: str) -> None:
    src = IncidentStore(tmp_path / "src.gpkg", seed_path=None)
    iid = src.add(rec(), "ana")
    add_claim(src, iid, claim(3), "ana")
    add_claim(src, iid, claim(5, "B"), "bo")
    dst = open_store(store_target, seed_path=None)
    try:
        report = copy_store(src, dst)
        assert report.records == 1 and report.history == 3
        assert record_claims(dst, iid) == record_claims(src, iid)
        assert dst.get(iid)["fatalities_high"] == 5 and dst.get(iid)["version"] == 3
        dst.undo(iid, "cy")  # the copied history undoes the second claim
        assert len(record_claims(dst, iid)) == 1 and dst.get(iid)["fatalities_high"] == 3
    finally:
        dst.close()


def test_a_geopackage_made_before_claims_opens_and_takes_them(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    first = IncidentStore(path, seed_path=None).add(rec(fatalities=2), "ana")
    with sqlite3.connect(path) as conn:  # what a schema-2 store looks like
        conn.execute("ALTER TABLE incidents DROP COLUMN claims")
        conn.execute("UPDATE bordermap_meta SET value = '2' WHERE key = 'schema_version'")
    reopened = IncidentStore(path, seed_path=None)
    assert reopened.get(first)["claims"] is None and reopened.get(first)["fatalities"] == 2
    add_claim(reopened, first, claim(4), "bo")
    assert reopened.get(first)["fatalities"] == 4
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM bordermap_meta WHERE key = 'schema_version'").fetchone() == ("3",)


def test_a_postgis_store_made_before_claims_opens_and_takes_them(pg_cluster) -> None:
    url = fresh_database(pg_cluster)
    store = open_store(url, seed_path=None)
    first = store.add(rec(fatalities=2), "ana")
    store.close()
    with psycopg.connect(url, autocommit=True) as conn:  # what a schema-2 database looks like
        conn.execute("ALTER TABLE incidents DROP COLUMN claims")
        conn.execute("UPDATE bordermap_meta SET value = '2' WHERE key = 'schema_version'")
    reopened = open_store(url, seed_path=None)
    try:
        assert reopened.get(first)["claims"] is None and reopened.get(first)["version"] == 1
        add_claim(reopened, first, claim(4), "bo")
        assert reopened.get(first)["fatalities"] == 4
        assert [h["action"] for h in reopened.history(first)] == ["add", "update"]
    finally:
        reopened.close()


def test_store_copy_back_to_a_geopackage_carries_the_claims(tmp_path: Path, store_target: str) -> None:
    src = open_store(store_target, seed_path=None)
    try:
        iid = src.add(rec(), "ana")
        add_claim(src, iid, claim("Ruzvayak", "Border Troops", field="origin"), "ana")
        add_claim(src, iid, claim("Maimay", "Afghanistan International", field="origin", claimant="media"), "bo")
        dst = IncidentStore(tmp_path / "back.gpkg", seed_path=None)
        assert copy_store(src, dst).records == 1
        assert record_claims(dst, iid) == record_claims(src, iid)
        assert [h["action"] for h in dst.history(iid)] == ["add", "update", "update"]
    finally:
        src.close()
