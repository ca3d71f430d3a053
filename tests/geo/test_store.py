"""The GeoPackage incident store beyond the contract (test_store_contract.py): GDAL, R-tree, seeding, paths, upgrade."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pyogrio
import pytest

from geo.errors import IncidentNotFoundError, InvalidInputError, StoreError
from geo.store import IncidentStore, IncidentStoreProtocol, default_db_path, open_store, store_target

REPO = Path(__file__).resolve().parents[2]


def rec(i: int = 0, **extra: object) -> dict[str, object]:
    out: dict[str, object] = {"event_date": "2025-03-15", "event_type": "Armed clash",
                              "latitude": 37.0 + i * 1e-4, "longitude": 68.5 + i * 1e-4,
                              "notes": f"report {i}"}
    out.update(extra)
    return out


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "incidents.gpkg", seed_path=None)


def count_rows(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM incidents").fetchone()[0]


def test_implements_protocol(store: IncidentStore) -> None:
    assert isinstance(store, IncidentStoreProtocol)


def test_created_on_first_write_only(store: IncidentStore) -> None:
    assert len(store.list()) == 0 and store.revision == 0
    assert not store.path.exists()
    store.add(rec(), "ana")
    assert store.path.exists()


def test_update_delete_undo_history(store: IncidentStore) -> None:
    new_id = store.add(rec(), "ana")
    store.update(new_id, {"fatalities": 4, "latitude": 37.5}, "bo")
    assert store.get(new_id)["fatalities"] == 4
    assert store.list().geometry.iloc[0].y == pytest.approx(37.5)
    store.delete(new_id, "bo")
    assert len(store.list()) == 0 and len(store.list(include_deleted=True)) == 1
    with pytest.raises(StoreError, match="deleted"):
        store.update(new_id, {"fatalities": 1}, "bo")

    store.undo(new_id, "cy")  # undo the delete
    assert store.get(new_id)["deleted"] is False and store.get(new_id)["fatalities"] == 4
    store.undo(new_id, "cy")  # undo the update
    got = store.get(new_id)
    assert got["fatalities"] is None and got["latitude"] == pytest.approx(37.0)
    store.undo(new_id, "cy")  # undo the creation: soft delete
    assert store.get(new_id)["deleted"] is True
    with pytest.raises(StoreError, match="nothing left to undo"):
        store.undo(new_id, "cy")

    hist = store.history(new_id)
    assert [h["action"] for h in hist] == ["add", "update", "delete", "undo", "undo", "undo"]
    assert [h["undone"] for h in hist[:3]] == [True, True, True]
    assert hist[1]["record"]["fatalities"] == 4 and hist[1]["by"] == "bo"
    # the R-tree follows the point through updates and undos
    with sqlite3.connect(store.path) as conn:
        miny = conn.execute("SELECT miny FROM rtree_incidents_geom").fetchone()[0]
    assert miny == pytest.approx(37.0, abs=1e-4)


def test_update_refuses_bookkeeping_and_unknown_id(store: IncidentStore) -> None:
    new_id = store.add(rec(), "ana")
    with pytest.raises(InvalidInputError, match="set by the store"):
        store.update(new_id, {"created_by": "mallory"}, "x")
    with pytest.raises(IncidentNotFoundError):
        store.get("nope")
    with pytest.raises(IncidentNotFoundError):
        store.delete("nope", "x")


def test_revision_counts_writes(store: IncidentStore) -> None:
    assert store.revision == 0
    i = store.add(rec(), "a")
    store.update(i, {"fatalities": 1}, "a")
    store.import_rows([rec(5)], "a")
    assert store.revision == 3


def test_import_keeps_uuid_ids(store: IncidentStore, tmp_path: Path) -> None:
    first = store.add(rec(), "ana")
    other = IncidentStore(tmp_path / "other.gpkg", seed_path=None)
    rep = other.import_rows([{**store.get(first)}], "bo")
    assert rep.ids == (first,)
    assert other.import_rows([{**store.get(first), "notes": "edited"}], "bo").duplicates == 1


def test_gdal_reads_it_as_a_point_layer(store: IncidentStore) -> None:
    for i in range(3):
        store.add(rec(i), "ana")
    info = pyogrio.read_info(store.path, layer="incidents")
    assert info["geometry_type"] == "Point" and info["features"] == 3
    gdf = pyogrio.read_dataframe(store.path, layer="incidents")
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 3
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.skip("ogrinfo (Debian package gdal-bin) is not installed")
    out = subprocess.run([ogrinfo, "-so", str(store.path), "incidents"], capture_output=True, text=True,
                         check=True)
    assert "Geometry: Point" in out.stdout and "Feature Count: 3" in out.stdout
    assert "ERROR" not in out.stderr


def test_not_a_store_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "other.gpkg"
    bad.write_bytes(b"hello, not sqlite")
    with pytest.raises(StoreError):
        IncidentStore(bad, seed_path=None).list()
    with pytest.raises(StoreError, match="directory"):
        IncidentStore(tmp_path, seed_path=None)


def test_seed_on_first_creation(tmp_path: Path) -> None:
    seed = tmp_path / "seed.geojson"
    seed.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [68.6, 37.2]},
         "properties": {"event_date": "2025-01-05", "event_type": "Armed clash", "source": "press",
                        "source_date": "2025-01-06", "precision_km": 5, "confidence": "approximate"}},
        {"type": "Feature", "geometry": None, "properties": {"event_date": "2025-01-05"}},
    ]}), encoding="utf-8")
    store = IncidentStore(tmp_path / "s.gpkg", seed_path=seed, create=True)
    gdf = store.list()
    assert len(gdf) == 1 and gdf["source_date"].iloc[0] == "2025-01-06"
    assert gdf["created_by"].iloc[0] == "seed"
    # an existing store is never re-seeded
    assert len(IncidentStore(tmp_path / "s.gpkg", seed_path=seed, create=True).list()) == 1


def test_missing_seed_is_skipped(tmp_path: Path) -> None:
    store = IncidentStore(tmp_path / "s.gpkg", seed_path=tmp_path / "absent.geojson", create=True)
    assert store.path.exists() and len(store.list()) == 0


def test_default_db_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BORDERMAP_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "border-map" / "incidents.gpkg"
    monkeypatch.setenv("BORDERMAP_DB", str(tmp_path / "env.gpkg"))
    assert default_db_path() == tmp_path / "env.gpkg"
    assert default_db_path(tmp_path / "cli.gpkg") == tmp_path / "cli.gpkg"
    assert REPO not in default_db_path().parents
    with pytest.raises(StoreError, match="cannot connect to the PostGIS store postgresql://nobody@127.0.0.1:1/db"):
        open_store("postgresql://nobody:secret@127.0.0.1:1/db")
    monkeypatch.setenv("BORDERMAP_DB", "postgresql://ana@db.example:5432/team")
    assert store_target() == "postgresql://ana@db.example:5432/team"
    assert store_target(tmp_path / "cli.gpkg") == str(tmp_path / "cli.gpkg")
    with pytest.raises(StoreError, match="PostGIS database"):
        default_db_path()  # a URL is never turned into a file path




def test_schema_1_store_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    store = IncidentStore(path, seed_path=None)
    first = store.add(rec(), "ana")
    with sqlite3.connect(path) as conn:  # what a store made before versions looks like
        conn.execute("ALTER TABLE incidents DROP COLUMN version")
        conn.execute("ALTER TABLE incidents DROP COLUMN claims")
        conn.execute("DROP TABLE analyst_zones")
        conn.execute("DELETE FROM gpkg_contents WHERE table_name = 'analyst_zones'")
        conn.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'analyst_zones'")
        conn.execute("UPDATE bordermap_meta SET value = '1' WHERE key = 'schema_version'")
    reopened = IncidentStore(path, seed_path=None)
    assert reopened.get(first)["version"] == 1
    assert reopened.update(first, {"fatalities": 2}, "bo", expected_version=1) == 2
    assert reopened.list_zones().empty
    assert pyogrio.read_info(path, layer="incidents")["features"] == 1
