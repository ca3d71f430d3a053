"""The page's incremental refresh of the incident list equals a full read, whatever was written."""

from __future__ import annotations

import pandas as pd

from geo.border import load_border
from geo.incident_filters import locate_incidents, with_locations
from geo.store import IncidentStore
from ui.incidents_state import _RecordsMemo, _refresh

BORDER = load_border()
BASE = {"event_date": "2025-06-01", "sub_event_type": "Armed clash", "source": "test",
        "latitude": 37.5, "longitude": 70.0}


def _full(store: IncidentStore) -> pd.DataFrame:
    records = store.list()
    return with_locations(records, locate_incidents(records, BORDER))


def _same_records(a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = ["id", "updated_at", "latitude", "longitude", "notes", "side", "border_km", "chainage_km"]
    def norm(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[key].astype(object)
        return frame.where(frame.notna(), None).sort_values("id").reset_index(drop=True)

    pd.testing.assert_frame_equal(norm(a), norm(b), check_dtype=False)


def test_refresh_after_imports_edits_deletes_and_undo_matches_a_full_read(tmp_path):
    path = tmp_path / "inc.gpkg"
    page = IncidentStore(path, seed_path=None, create=True)
    other = IncidentStore(path, seed_path=None)  # another session or CLI process writing
    memo = _RecordsMemo()
    memo.records = _refresh(page, memo, BORDER)
    assert memo.records.empty

    # an import stamps all its rows with one time; then writes land within the same milliseconds
    other.import_rows([{**BASE, "location": f"p{i}", "latitude": 37.0 + i / 100} for i in range(20)], "x")
    memo.records = _refresh(page, memo, BORDER)
    _same_records(memo.records, _full(page))
    first = other.add({**BASE, "notes": "first"}, "x")
    moved = memo.records["id"].iloc[3]
    other.update(moved, {"latitude": 37.9, "notes": "moved"}, "x")
    gone = memo.records["id"].iloc[5]
    other.delete(gone, "x")
    memo.records = _refresh(page, memo, BORDER)
    _same_records(memo.records, _full(page))
    assert gone not in set(memo.records["id"]) and first in set(memo.records["id"])
    assert memo.records.set_index("id").loc[moved, "latitude"] == 37.9
    # the moved record was located again where it now is; the others kept their place
    again = memo.records.set_index("id")
    assert again.loc[moved, "side"] == "TJK" and again.loc[moved, "border_km"] > 10

    other.undo(gone, "x")  # the deleted record comes back
    other.update(first, {"notes": "edited"}, "x")
    memo.records = _refresh(page, memo, BORDER)
    _same_records(memo.records, _full(page))
    assert len(memo.records) == 21


def test_refresh_reads_everything_again_when_the_store_file_was_replaced(tmp_path):
    path = tmp_path / "inc.gpkg"
    store = IncidentStore(path, seed_path=None, create=True)
    store.import_rows([{**BASE, "location": f"p{i}"} for i in range(10)], "x")
    memo = _RecordsMemo()
    memo.records = _refresh(store, memo, BORDER)
    assert len(memo.records) == 10
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    fresh = IncidentStore(path, seed_path=None, create=True)
    fresh.add({**BASE, "notes": "only one"}, "x")  # its log starts again below the memo's cursor
    memo.records = _refresh(fresh, memo, BORDER)
    _same_records(memo.records, _full(fresh))
    assert len(memo.records) == 1
