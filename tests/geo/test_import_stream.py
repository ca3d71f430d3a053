"""Streamed import: a CSV file of any size is read, validated and written in batches inside one
transaction; rejections keep their row numbers; a failure part-way leaves the store as it was."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo import importers
from geo import store as store_mod
from geo.errors import DataFileError, InvalidInputError
from geo.importers import CsvStream, import_file, preview_file
from geo.store import IncidentStore
from tests.geo.test_importers import acled_row, write_csv

REPO = Path(__file__).resolve().parents[2]


def _rows(n: int) -> list[dict[str, str]]:
    rows = [acled_row(i, event_id_cnty=f"TJK{i}", notes=f"row {i}", latitude=f"{37 + i * 1e-5:.5f}")
            for i in range(n)]
    for i in (j for j in (3, 1207, 2500) if j < n):  # bad rows spread over several batches
        rows[i]["fatalities"] = "-4"
    return rows


def test_csv_over_the_read_limit_imports_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "MAX_IMPORT_BYTES", 1000)  # read_file would refuse this file
    monkeypatch.setattr(store_mod, "IMPORT_CHUNK", 500)
    path = write_csv(tmp_path / "big.csv", _rows(3000))
    with path.open("a", encoding="utf-8") as fh:
        fh.write("only,three,cells\n")  # data row 3001: wrong width
    store = IncidentStore(tmp_path / "s.gpkg", seed_path=None, create=True)
    seen: list[tuple[int, float]] = []
    report = import_file(store, path, "ana", on_progress=lambda rows, frac: seen.append((rows, frac)))
    assert report.imported == 2997 and store.count_live() == 2997
    assert [(r.row, "fatalities" in r.reason) for r in report.rejected][:3] == [(4, True), (1208, True),
                                                                                (2501, True)]
    assert report.rejected[3].row == 3001 and "3 cells" in report.rejected[3].reason
    # one call per written batch of 500 input rows, the file read growing, then the end
    assert len(seen) == 7 and seen[-1] == (3001, 1.0)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and 0 < fractions[0] < 0.5
    assert store.revision == 1  # one transaction
    again = import_file(store, path, "ana")
    assert again.imported == 0 and again.duplicates == 2997 and len(again.rejected) == 4


def test_preview_streams_a_large_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "MAX_IMPORT_BYTES", 1000)
    prev = preview_file(write_csv(tmp_path / "big.csv", _rows(3000)), n=2)
    assert prev.total_rows == 3000 and prev.valid_rows == 2997 and len(prev.rows) == 2
    assert [r.row for r in prev.rejected] == [4, 1208, 2501]


def test_broken_csv_after_written_batches_leaves_store_unchanged(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "IMPORT_CHUNK", 500)
    path = write_csv(tmp_path / "b.csv", _rows(2000))
    with path.open("a", encoding="utf-8") as fh:
        fh.write('AFG9,"' + "x" * 200_000 + '"\n')  # over the csv module's field size limit
    store = IncidentStore(tmp_path / "s.gpkg", seed_path=None, create=True)
    store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1, "longitude": 68.1}, "ana")
    rev = store.revision
    written: list[int] = []
    with pytest.raises(DataFileError, match="not valid CSV near data row 2001"):
        import_file(store, path, "ana", on_progress=lambda rows, _f: written.append(rows))
    assert written  # batches had been written inside the transaction …
    assert store.count_live() == 1 and store.revision == rev  # … and were rolled back


def test_import_rows_pulls_a_stream_lazily(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "IMPORT_CHUNK", 100)
    pulled = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield {"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
                   "longitude": 68.1 + i * 1e-5, "notes": f"n{i}"}

    store = IncidentStore(tmp_path / "s.gpkg", seed_path=None, create=True)
    at_progress: list[tuple[int, int, int]] = []
    report = store.import_rows(rows(), "ana", on_progress=lambda d, t: at_progress.append((d, t, pulled)))
    assert report.imported == 1000
    assert at_progress[0] == (100, 0, 100)  # the first batch was written after 100 rows were read
    assert at_progress[-1] == (1000, 0, 1000)


def test_row_numbers_of_another_length_refused(tmp_path: Path) -> None:
    store = IncidentStore(tmp_path / "s.gpkg", seed_path=None, create=True)
    row = {"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1, "longitude": 68.1}
    with pytest.raises(InvalidInputError, match="different lengths"):
        store.import_rows(iter([row, {**row, "notes": "b"}]), "ana", row_numbers=iter([1]))
    assert store.count_live() == 0


def test_csv_stream_reads_cp1252_and_refuses_blank_files(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes("lat,lon,date,location\n37.1,68.1,2025-01-01,Panj \xe9\n".encode("cp1252"))
    with CsvStream(path) as stream:
        assert [row["location"] for _, row in stream] == ["Panj é"]
    (tmp_path / "e.csv").write_bytes(b"\xef\xbb\xbf \n\n")
    with pytest.raises(DataFileError, match="is empty"):
        CsvStream(tmp_path / "e.csv")


def test_cli_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", _rows(30))
    primary, secondary = pty.openpty()
    env = {**os.environ, "BORDERMAP_USER": "ana"}
    proc = subprocess.run([sys.executable, "-m", "geo", "incidents", "import", str(path), "--db",
                           str(tmp_path / "s.gpkg"), "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                          stderr=secondary, timeout=120, check=False)
    os.close(secondary)
    err = os.read(primary, 65536).decode()
    os.close(primary)
    assert proc.returncode == 0, err
    assert '"imported": 29' in proc.stdout.decode()  # stdout stays the JSON report
    assert "import [" in err and "100% 30 rows" in err
    quiet = subprocess.run([sys.executable, "-m", "geo", "incidents", "import", str(path), "--db",
                            str(tmp_path / "s.gpkg"), "--json"], cwd=REPO, env=env, capture_output=True,
                           timeout=120, check=False)
    assert quiet.returncode == 0 and "import [" not in quiet.stderr.decode()  # not a terminal: no bar


def test_bulk_import_keeps_gdal_spatial_index_and_count(tmp_path: Path) -> None:
    import sqlite3

    import pyogrio

    store = IncidentStore(tmp_path / "s.gpkg", seed_path=None, create=True)
    store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 36.0, "longitude": 70.0}, "ana")
    rows = [{"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.0 + i / 1000,
             "longitude": 68.0 + i / 1000, "notes": f"n{i}"} for i in range(300)]
    assert store.import_rows(rows, "ana").imported == 300
    with sqlite3.connect(tmp_path / "s.gpkg") as conn:
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        count = conn.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'incidents'").fetchone()
    assert {"rtree_incidents_geom_insert", "trigger_insert_feature_count_incidents"} <= triggers
    assert count == (301,)
    # GDAL answers a bounding-box query from the R-tree: only the imported points in the box
    box = pyogrio.read_dataframe(tmp_path / "s.gpkg", layer="incidents", bbox=(68.0995, 37.0995, 68.2005, 37.2005))
    assert sorted(box["notes"]) == sorted(f"n{i}" for i in range(100, 201))
    store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.15, "longitude": 68.15}, "ana")
    with sqlite3.connect(tmp_path / "s.gpkg") as conn:  # the restored triggers work for later writes
        assert conn.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchone() == (302,)
        assert conn.execute("SELECT count(*) FROM rtree_incidents_geom").fetchone() == (302,)
