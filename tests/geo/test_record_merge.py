"""geo.record_merge: previous located records + the rows changed since → the current list."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.record_merge import located_records, merge_changed_records


def _records(rows: list[tuple[str, float, float, bool]]) -> gpd.GeoDataFrame:
    ids, lons, lats, deleted = zip(*rows, strict=True) if rows else ((), (), (), ())
    return gpd.GeoDataFrame({"id": list(ids), "longitude": list(lons), "latitude": list(lats),
                             "deleted": list(deleted)},
                            geometry=[Point(x, y) for x, y in zip(lons, lats, strict=True)], crs=4326)


@pytest.fixture()
def previous(border):
    # a: Tajik bank near Panj; b: Afghan side near Shir Khan; c: far from the border (Dushanbe)
    return located_records(_records([("a", 69.1, 37.3, False), ("b", 68.61, 37.16, False),
                                     ("c", 68.78, 38.56, False)]), border)


def test_located_records_adds_side_distance_and_chainage(previous):
    by_id = previous.set_index("id")
    assert list(by_id["side"]) == ["TJK", "AFG", "TJK"]
    assert by_id.loc["c", "border_km"] > 100 and by_id.loc["b", "border_km"] < 5
    assert previous.crs.to_epsg() == 4326


def test_edit_delete_and_add_since_the_previous_read(previous, border):
    before = previous.copy()
    changed = _records([("b", 68.78, 38.56, False),   # moved to Dushanbe
                        ("c", 68.78, 38.56, True),    # deleted
                        ("d", 69.1, 37.3, False)])    # new
    merged = merge_changed_records(previous, changed, border)
    assert list(merged["id"]) == ["a", "b", "d"]
    by_id = merged.set_index("id")
    assert by_id.loc["b", "side"] == "TJK" and by_id.loc["b", "border_km"] > 100  # located again
    assert by_id.loc["a", "border_km"] == pytest.approx(previous.set_index("id").loc["a", "border_km"])
    assert merged.crs == previous.crs and isinstance(merged, gpd.GeoDataFrame)
    pd.testing.assert_frame_equal(previous, before)  # inputs untouched


def test_no_changes_gives_an_equal_new_frame(previous, border):
    merged = merge_changed_records(previous, _records([]).iloc[:0], border)
    assert merged is not previous
    pd.testing.assert_frame_equal(merged.reset_index(drop=True), previous.reset_index(drop=True),
                                  check_dtype=False)


def test_a_restored_record_comes_back(previous, border):
    without_c = previous[previous["id"] != "c"]
    merged = merge_changed_records(without_c, _records([("c", 68.78, 38.56, False)]), border)
    assert sorted(merged["id"]) == ["a", "b", "c"]


def _versioned(rows: list[tuple[str, float, float, bool]], version: str) -> gpd.GeoDataFrame:
    frame = _records(rows)
    frame["updated_at"] = version
    return frame


def test_merged_records_carry_the_same_chunk_hashes_as_a_fresh_read(border):
    from geo.record_chunks import HASHES_ATTR, chunk_numbers, chunks, row_keys

    previous = located_records(_versioned([(f"r{i}", 69.1 + i / 1000, 37.3, False) for i in range(40)],
                                          "2025-01-01T00:00:00+00:00"), border)
    changed = pd.concat([_versioned([("r3", 68.78, 38.56, False)], "2025-02-01T00:00:00+00:00"),  # moved
                         _versioned([("r5", 69.1, 37.3, True)], "2025-02-01T00:00:00+00:00"),     # deleted
                         _versioned([("new", 69.2, 37.3, False)], "2025-02-01T00:00:00+00:00")])
    merged = merge_changed_records(previous, gpd.GeoDataFrame(changed, crs=4326), border)
    carried = merged.attrs[HASHES_ATTR].for_frame(merged)
    assert carried is not None
    assert (carried[0] == chunk_numbers(merged)).all() and (carried[1] == row_keys(merged, ())).all()
    # a filtered frame finds its rows' hashes; chunks agree with a frame that carries none
    part = merged[merged["id"] != "r7"]
    bare = part.copy()
    bare.attrs.clear()
    assert [(c.rows.tolist(), c.digest) for c in chunks(part)] == [(c.rows.tolist(), c.digest) for c in chunks(bare)]


def test_carried_hashes_are_not_used_for_rows_that_changed_since(border):
    from geo.record_chunks import HASHES_ATTR, chunks

    frame = located_records(_versioned([("a", 69.1, 37.3, False), ("b", 68.61, 37.16, False)],
                                       "2025-01-01T00:00:00+00:00"), border)
    before = [c.digest for c in chunks(frame)]
    edited = frame.copy()
    edited.loc[0, "updated_at"] = "2025-03-01T00:00:00+00:00"  # same labels, another version
    assert edited.attrs[HASHES_ATTR].for_frame(edited) is None
    assert [c.digest for c in chunks(edited)] != before
