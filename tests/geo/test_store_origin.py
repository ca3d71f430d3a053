"""The structured origin (``origin_country``, ``origin_attribution``) in the store: kept on both
backends, edited with history and undo, carried through exports, imports and ``store copy``, and
added to stores made before it (schema 2 → 3) without changing their records' dedup keys."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from geo.errors import InvalidInputError
from geo.export import write_incidents
from geo.importers import import_file
from geo.incidents import CONTENT_FIELDS, LATER_FIELDS, dedup_key, validate_incident
from geo.pg_cluster import LocalCluster
from geo.store import IncidentStore, open_store
from geo.store_copy import copy_store
from tests.geo.store_backends import fresh_database


def rec(**fields: Any) -> dict[str, Any]:
    base = {"event_date": "2025-11-30", "event_type": "Attack", "latitude": 38.4504, "longitude": 71.0302,
            "country": "Tajikistan", "nationals": "CN", "fatalities": 2, "source": "Border Troops"}
    return {**base, **fields}


def test_fields_are_validated_together() -> None:
    out = validate_incident(rec(origin_country="af", origin_attribution="Official"))
    assert (out["origin_country"], out["origin_attribution"]) == ("AF", "official")
    assert validate_incident(rec(origin_attribution="unattributed"))["origin_country"] is None
    for bad, words in [({"origin_country": "AFG", "origin_attribution": "official"}, "one ISO 3166 two-letter code"),
                       ({"origin_attribution": "rumour"}, "origin_attribution must be one of"),
                       ({"origin_country": "AF"}, "needs origin_attribution"),
                       ({"origin_country": "AF", "origin_attribution": "unattributed"}, "clear the country")]:
        with pytest.raises(InvalidInputError, match=words):
            validate_incident(rec(**bad))


def test_a_record_without_them_keeps_its_old_dedup_key() -> None:
    """The key before schema 3 hashed the fields without the two new ones: re-importing an old file adds 0."""
    clean = validate_incident(rec(notes="a raid"))
    old_fields = [f for f in CONTENT_FIELDS if f not in LATER_FIELDS]
    old_key = "sha1:" + hashlib.sha1(json.dumps([clean.get(f) for f in old_fields], ensure_ascii=False,
                                                default=str).encode(), usedforsecurity=False).hexdigest()
    assert dedup_key(clean) == old_key
    assert dedup_key(validate_incident(rec(notes="a raid", origin_attribution="unattributed"))) != old_key


def test_kept_edited_and_undone_on_both_backends(any_store) -> None:
    rid = any_store.add(rec(origin_country="AF", origin_attribution="claimed"), "ana")
    got = any_store.get(rid)
    assert (got["origin_country"], got["origin_attribution"]) == ("AF", "claimed")
    row = any_store.list().set_index("id").loc[rid]
    assert (row["origin_country"], row["origin_attribution"]) == ("AF", "claimed")
    version = any_store.update(rid, {"origin_attribution": "official"}, "bo", expected_version=got["version"])
    history = any_store.history(rid)
    assert [h["record"]["origin_attribution"] for h in history] == ["claimed", "official"]
    assert history[-1]["by"] == "bo"
    any_store.undo(rid, "bo", expected_version=version)
    assert any_store.get(rid)["origin_attribution"] == "claimed"


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml", "gpkg"])
def test_exports_round_trip_the_origin(tmp_path: Path, fmt: str) -> None:
    src = IncidentStore(tmp_path / "a.gpkg", seed_path=None)
    src.add(rec(origin_country="AF", origin_attribution="official"), "ana")
    src.add(rec(event_date="2024-11-18", origin_attribution="unattributed"), "ana")
    path = write_incidents(src.list(), tmp_path / f"out.{fmt}")
    dst = IncidentStore(tmp_path / "b.gpkg", seed_path=None)
    report = import_file(dst, path, "bo")
    assert report.imported == 2 and not report.rejected
    back = dst.list().sort_values("event_date")
    assert back["origin_attribution"].tolist() == ["unattributed", "official"]
    assert back["origin_country"].fillna("").tolist() == ["", "AF"]


def _as_schema_2_gpkg(path: Path) -> None:
    """Make ``path`` look like a store written before schema 3 (no origin columns)."""
    with sqlite3.connect(path) as conn:
        for column in LATER_FIELDS:
            conn.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
        conn.execute("UPDATE bordermap_meta SET value = '2' WHERE key = 'schema_version'")


def test_schema_2_geopackage_gains_the_columns_and_reimports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    store = IncidentStore(path, seed_path=None)
    csv = tmp_path / "rows.csv"
    csv.write_text("event_date,event_type,latitude,longitude,source\n2025-01-05,Armed clash,37.2,68.6,press\n",
                   encoding="utf-8")
    assert import_file(store, csv, "ana").imported == 1
    rid = store.list()["id"].item()
    _as_schema_2_gpkg(path)
    reopened = IncidentStore(path, seed_path=None)
    got = reopened.get(rid)
    assert got["origin_country"] is None and got["origin_attribution"] is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM bordermap_meta WHERE key = 'schema_version'").fetchone() == ("3",)
    assert import_file(reopened, csv, "ana").imported == 0  # same dedup key as before the upgrade
    reopened.update(rid, {"origin_attribution": "unattributed"}, "bo", expected_version=got["version"])
    assert reopened.history(rid)[-1]["record"]["origin_attribution"] == "unattributed"


def test_schema_2_postgis_database_gains_the_columns(pg_cluster: LocalCluster) -> None:
    url = fresh_database(pg_cluster)
    with open_store(url, seed_path=None) as store:
        rid = store.add(rec(), "ana")
    with psycopg.connect(url, autocommit=True) as conn:
        for column in LATER_FIELDS:
            conn.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
        conn.execute("UPDATE bordermap_meta SET value = '2' WHERE key = 'schema_version'")
    with open_store(url, seed_path=None) as store:
        got = store.get(rid)
        assert got["origin_attribution"] is None
        store.update(rid, {"origin_country": "AF", "origin_attribution": "official"}, "bo",
                     expected_version=got["version"])
        assert store.history(rid)[-1]["record"]["origin_country"] == "AF"
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT value FROM bordermap_meta WHERE key = 'schema_version'").fetchone() == ("3",)


def test_store_copy_carries_the_origin_both_ways(tmp_path: Path, pg_cluster: LocalCluster) -> None:
    gpkg = IncidentStore(tmp_path / "a.gpkg", seed_path=None)
    rid = gpkg.add(rec(origin_country="AF", origin_attribution="official"), "ana")
    with open_store(fresh_database(pg_cluster), seed_path=None) as pg:
        assert copy_store(gpkg, pg).records == 1
        assert pg.get(rid)["origin_attribution"] == "official"
        back = IncidentStore(tmp_path / "b.gpkg", seed_path=None)
        copy_store(pg, back)
        assert (back.get(rid)["origin_country"], back.get(rid)["origin_attribution"]) == ("AF", "official")
        assert back.history(rid)[-1]["record"]["origin_attribution"] == "official"


def test_map_popups_carry_the_structured_origin(tmp_path: Path) -> None:
    from layers.incidents import incident_columns

    store = IncidentStore(tmp_path / "a.gpkg", seed_path=None)
    store.add(rec(origin_country="AF", origin_attribution="official"), "ana")
    cols = {c["key"]: c for c in incident_columns(store.list())["cols"]}
    for key, label, value in [("origin_country", "Origin country (structured)", "AF"),
                              ("origin_attribution", "Origin attributed by", "official")]:
        assert cols[key]["label"] == label
        assert cols[key]["table"][cols[key]["v"][0]] == value
