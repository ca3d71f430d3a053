"""The GeoPackage incident store: CRUD, history/undo, imports, concurrency, crash safety, GDAL."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pyogrio
import pytest

from geo.errors import IncidentNotFoundError, InvalidInputError, StoreError
from geo.store import IncidentStore, IncidentStoreProtocol, default_db_path, open_store

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


def test_add_get_list(store: IncidentStore) -> None:
    new_id = store.add(rec(notes="<img src=x onerror=alert(1)>", fatalities=2), "ana")
    got = store.get(new_id)
    assert got["notes"] == "<img src=x onerror=alert(1)>"  # stored as-is
    assert got["created_by"] == "ana" and got["deleted"] is False
    gdf = store.list()
    assert len(gdf) == 1 and gdf.crs.to_epsg() == 4326
    assert gdf.geometry.iloc[0].x == pytest.approx(68.5) and gdf.geometry.iloc[0].y == pytest.approx(37.0)
    assert gdf["fatalities"].iloc[0] == 2


def test_invalid_add_writes_nothing(store: IncidentStore) -> None:
    store.add(rec(), "ana")
    rev = store.revision
    with pytest.raises(InvalidInputError, match="fatalities"):
        store.add(rec(fatalities=-3), "ana")
    assert store.revision == rev and len(store.list()) == 1


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


def test_noop_update_adds_no_revision(store: IncidentStore) -> None:
    new_id = store.add(rec(fatalities=1), "ana")
    rev = store.revision
    store.update(new_id, {"fatalities": "1"}, "ana")
    assert store.revision == rev and len(store.history(new_id)) == 1


def test_revision_counts_writes(store: IncidentStore) -> None:
    assert store.revision == 0
    i = store.add(rec(), "a")
    store.update(i, {"fatalities": 1}, "a")
    store.import_rows([rec(5)], "a")
    assert store.revision == 3


def test_import_rows_dedup_and_rejections(store: IncidentStore) -> None:
    rows = [rec(1), rec(2), rec(2), rec(3, fatalities=-1), rec(4, event_id_cnty="TJK1"),
            rec(5, event_id_cnty="TJK1")]
    rep = store.import_rows(rows, "ana")
    assert rep.imported == 3 and rep.duplicates == 2
    assert [r.row for r in rep.rejected] == [4] and "fatalities" in rep.rejected[0].reason
    again = store.import_rows(rows, "ana")
    assert again.imported == 0 and again.duplicates == 5
    assert len(store.list()) == 3


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
    with pytest.raises(StoreError, match="PostGIS"):
        open_store("postgresql://localhost/db")


_WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from geo.store import IncidentStore
    store = IncidentStore(sys.argv[2], seed_path=None)
    for i in range(int(sys.argv[4])):
        store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
                   "longitude": 68.1 + i * 1e-4, "notes": f"writer {sys.argv[3]} #{i}"}, f"w{sys.argv[3]}")
""")


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.gpkg"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(REPO), str(path), str(w), "25"],
                              stderr=subprocess.PIPE, text=True) for w in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert count_rows(path) == 100
    store = IncidentStore(path, seed_path=None)
    assert len(store.list()) == 100 and store.revision == 100
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM rtree_incidents_geom").fetchone()[0] == 100
        assert conn.execute("SELECT count(*) FROM incident_history").fetchone()[0] == 100


_IMPORTER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from geo.store import IncidentStore
    rows = [{"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
             "longitude": 68.1 + i * 1e-6, "notes": f"bulk {i}"} for i in range(20000)]
    def progress(done, total):
        print("writing", done, total, flush=True)
        time.sleep(60)  # the parent kills us here, mid-transaction
    IncidentStore(sys.argv[2], seed_path=None).import_rows(rows, "bulk", on_progress=progress)
""")


def test_kill_during_import_leaves_store_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "crash.gpkg"
    store = IncidentStore(path, seed_path=None)
    store.add(rec(), "ana")
    proc = subprocess.Popen([sys.executable, "-c", _IMPORTER, str(REPO), str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("writing"), proc.stderr.read()  # type: ignore[union-attr]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL
    assert len(store.list()) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.add(rec(1), "ana")  # still writable after the crash
    assert count_rows(path) == 2


def test_records_changed_since_a_cursor_and_live_count(tmp_path):
    from geo.store import IncidentStore

    store = IncidentStore(tmp_path / "inc.gpkg", seed_path=None, create=True)
    base = {"event_date": "2025-06-01", "sub_event_type": "Armed clash", "source": "test",
            "latitude": 37.5, "longitude": 70.0}
    # an import stamps every row with the same time: a cursor, unlike a time, tells them apart
    store.import_rows([{**base, "location": f"p{i}"} for i in range(5)], "a")
    cursor = store.change_cursor()
    assert cursor >= 5
    assert store.changed_since(cursor).empty
    first = store.add(base, "a")
    second = store.add({**base, "latitude": 37.6}, "a")
    store.delete(first, "a")
    changed = store.changed_since(cursor)
    assert set(changed["id"]) == {first, second}
    assert bool(changed.set_index("id").loc[first, "deleted"]) is True
    assert store.count_live() == 6
    assert store.change_cursor() == cursor + 3
    assert len(store.changed_since(0)) == 7
