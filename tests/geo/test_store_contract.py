"""The store contract, run against both backends (GeoPackage file and PostGIS database).

add, edit, conflict, delete, undo, history, change cursor, import, zones, scenarios, concurrent
writers (8 processes × 100 read-modify-write increments; 8 × 50 adds) and a kill -9 in
the middle of an import.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from shapely.geometry import box

from geo.assets import Asset, Scenario
from geo.errors import EditConflictError, IncidentNotFoundError, InvalidInputError, StoreError
from geo.scenario_store import ScenarioStore
from geo.store import IncidentStoreProtocol
from geo.zone_store import ZoneStore

REPO = Path(__file__).resolve().parents[2]


def rec(i: int = 0, **extra: object) -> dict[str, object]:
    out: dict[str, object] = {"event_date": "2025-03-15", "event_type": "Armed clash",
                              "latitude": 37.0 + i * 1e-4, "longitude": 68.5 + i * 1e-4, "notes": f"report {i}"}
    out.update(extra)
    return out


def test_implements_the_protocol(any_store: IncidentStoreProtocol) -> None:
    assert isinstance(any_store, IncidentStoreProtocol)
    assert any_store.count_live() == 0 and any_store.list().empty


def test_add_get_list(any_store: IncidentStoreProtocol) -> None:
    new_id = any_store.add(rec(notes="<img src=x onerror=alert(1)>", fatalities=2), "ana")
    got = any_store.get(new_id)
    assert got["notes"] == "<img src=x onerror=alert(1)>"  # stored as-is
    assert got["created_by"] == "ana" and got["deleted"] is False and got["version"] == 1
    gdf = any_store.list()
    assert len(gdf) == 1 and gdf.crs.to_epsg() == 4326
    assert gdf.geometry.iloc[0].x == pytest.approx(68.5) and gdf.geometry.iloc[0].y == pytest.approx(37.0)
    assert gdf["fatalities"].iloc[0] == 2 and gdf["version"].iloc[0] == 1
    with pytest.raises(IncidentNotFoundError):
        any_store.get("nope")


def test_identity_is_stable_across_writes(any_store: IncidentStoreProtocol) -> None:
    any_store.add(rec(), "ana")
    before = any_store.identity()
    any_store.add(rec(1), "ana")
    assert before is not None and any_store.identity() == before


def test_invalid_add_writes_nothing(any_store: IncidentStoreProtocol) -> None:
    any_store.add(rec(), "ana")
    rev = any_store.revision
    with pytest.raises(InvalidInputError, match="fatalities"):
        any_store.add(rec(fatalities=-3), "ana")
    assert any_store.revision == rev and any_store.count_live() == 1


def test_edit_with_the_version_seen_and_a_conflict(make_store: Callable[[], IncidentStoreProtocol]) -> None:
    mine, theirs = make_store(), make_store()  # two editors, two store objects
    new_id = mine.add(rec(fatalities=1), "ana")
    seen = mine.get(new_id)["version"]
    assert theirs.update(new_id, {"fatalities": 5}, "bo", expected_version=seen) == seen + 1
    rev = mine.revision
    with pytest.raises(EditConflictError) as info:
        mine.update(new_id, {"fatalities": 2}, "ana", expected_version=seen)
    err = info.value
    assert isinstance(err, StoreError)
    assert (err.changed_by, err.expected_version, err.current_version) == ("bo", seen, seen + 1)
    assert err.yours == {"fatalities": 2} and err.theirs == {"fatalities": 5}
    assert err.changed_at.startswith("20") and "changed by bo" in str(err)
    assert mine.get(new_id)["fatalities"] == 5 and mine.revision == rev  # nothing written
    # the editor reloads and saves on top of the newer version; or overwrites deliberately
    assert mine.update(new_id, {"fatalities": 2}, "ana", expected_version=seen + 1) == seen + 2
    assert mine.update(new_id, {"fatalities": 3}, "ana") == seen + 3
    with pytest.raises(EditConflictError):
        mine.delete(new_id, "ana", expected_version=seen)
    with pytest.raises(EditConflictError):
        mine.undo(new_id, "ana", expected_version=seen)
    assert mine.get(new_id)["deleted"] is False
    with pytest.raises(InvalidInputError, match="set by the store"):
        mine.update(new_id, {"version": 99}, "ana")


def test_noop_update_adds_no_revision(any_store: IncidentStoreProtocol) -> None:
    new_id = any_store.add(rec(fatalities=1), "ana")
    rev = any_store.revision
    assert any_store.update(new_id, {"fatalities": "1"}, "ana", expected_version=1) == 1
    assert any_store.revision == rev and len(any_store.history(new_id)) == 1


def test_update_delete_undo_history(any_store: IncidentStoreProtocol) -> None:
    new_id = any_store.add(rec(), "ana")
    any_store.update(new_id, {"fatalities": 4, "latitude": 37.5}, "bo", expected_version=1)
    assert any_store.list().geometry.iloc[0].y == pytest.approx(37.5)
    assert any_store.delete(new_id, "bo", expected_version=2) == 3
    assert any_store.count_live() == 0 and len(any_store.list(include_deleted=True)) == 1
    with pytest.raises(StoreError, match="deleted"):
        any_store.update(new_id, {"fatalities": 1}, "bo")
    any_store.undo(new_id, "cy", expected_version=3)  # undo the delete
    got = any_store.get(new_id)
    assert got["deleted"] is False and got["fatalities"] == 4 and got["version"] == 4
    any_store.undo(new_id, "cy")  # undo the update
    got = any_store.get(new_id)
    assert got["fatalities"] is None and got["latitude"] == pytest.approx(37.0)
    assert any_store.list().geometry.iloc[0].y == pytest.approx(37.0)  # the point followed
    any_store.undo(new_id, "cy")  # undo the creation: soft delete
    assert any_store.get(new_id)["deleted"] is True
    with pytest.raises(StoreError, match="nothing left to undo"):
        any_store.undo(new_id, "cy")
    hist = any_store.history(new_id)
    assert [h["action"] for h in hist] == ["add", "update", "delete", "undo", "undo", "undo"]
    assert [h["undone"] for h in hist[:3]] == [True, True, True]
    assert [h["record"]["version"] for h in hist] == [1, 2, 3, 4, 5, 6]
    assert hist[1]["record"]["fatalities"] == 4 and hist[1]["by"] == "bo" and hist[-1]["by"] == "cy"


def test_change_cursor_and_live_count(any_store: IncidentStoreProtocol) -> None:
    base = {"event_date": "2025-06-01", "sub_event_type": "Armed clash", "source": "test",
            "latitude": 37.5, "longitude": 70.0}
    any_store.import_rows([{**base, "location": f"p{i}"} for i in range(5)], "a")
    cursor = any_store.change_cursor()
    assert cursor > 0 and any_store.changed_since(cursor).empty
    first = any_store.add(base, "a")
    second = any_store.add({**base, "latitude": 37.6}, "a")
    any_store.delete(first, "a")
    changed = any_store.changed_since(cursor)
    assert set(changed["id"]) == {first, second}
    assert bool(changed.set_index("id").loc[first, "deleted"]) is True
    assert any_store.count_live() == 6 and any_store.change_cursor() > cursor
    assert len(any_store.changed_since(0)) == 7 and any_store.changed_since(any_store.change_cursor()).empty


def test_import_dedup_and_rejections(any_store: IncidentStoreProtocol) -> None:
    rows = [rec(1), rec(2), rec(2), rec(3, fatalities=-1), rec(4, event_id_cnty="TJK1"),
            rec(5, event_id_cnty="TJK1"), rec(6, version=7)]
    rep = any_store.import_rows(rows, "ana")
    assert rep.imported == 4 and rep.duplicates == 2
    assert [r.row for r in rep.rejected] == [4] and "fatalities" in rep.rejected[0].reason
    again = any_store.import_rows(rows, "ana")
    assert again.imported == 0 and again.duplicates == 6
    assert any_store.count_live() == 4 and set(any_store.list()["version"]) == {1}
    assert any_store.history(rep.ids[0])[0]["action"] == "import"


def test_streamed_import_dedups_across_batches(any_store: IncidentStoreProtocol,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from geo import store as store_module

    monkeypatch.setattr(store_module, "IMPORT_CHUNK", 3)  # each batch of 3 rows written before the next is read
    rows = [rec(1), rec(2), rec(3, event_id_cnty="TJK7"), rec(4), rec(1), rec(5, event_id_cnty="TJK7"), rec(6)]
    rep = any_store.import_rows(iter(rows), "ana", row_numbers=iter(range(10, 17)))
    assert rep.imported == 5 and rep.duplicates == 2 and rep.rejected == ()
    assert any_store.count_live() == 5


def test_zones(any_store: IncidentStoreProtocol) -> None:
    zones = ZoneStore(any_store)
    before = any_store.revision
    first = zones.add(box(69.9, 37.7, 70.2, 37.9), "Shuroobod option", "<b>note</b>", "analyst")
    assert any_store.revision > before
    zones.add(box(71.4, 37.4, 71.7, 37.6), "Khorog option", "", "analyst")
    listed = zones.list()
    assert list(listed["name"]) == ["Shuroobod option", "Khorog option"] and listed.crs.to_epsg() == 4326
    assert listed.geometry.iloc[0].equals(box(69.9, 37.7, 70.2, 37.9))
    assert listed["notes"].iloc[0] == "<b>note</b>" and 0 < listed["area_km2"].iloc[0] < 1000
    zones.delete(first)
    assert list(zones.list()["name"]) == ["Khorog option"]
    assert len(any_store.list_zones(include_deleted=True)) == 2
    with pytest.raises(InvalidInputError, match="no zone"):
        zones.delete(first)
    with pytest.raises(InvalidInputError, match="leaves the region"):
        zones.add(box(10, 10, 11, 11), "far", "", "a")
    assert len(zones.list()) == 1


def test_scenarios(any_store: IncidentStoreProtocol) -> None:
    scenarios = ScenarioStore(any_store)
    posts = (Asset("p1", "Post <Shuroobod>", "border_post", 69.95, 37.75, radius_km=12.0),
             Asset("p2", "Drone", "drone", 70.3, 37.6))
    before = any_store.revision
    scenarios.save(Scenario("Two posts", posts), "ana")
    scenarios.save(Scenario("Empty", ()), "bo")
    assert any_store.revision > before and scenarios.names() == ["Empty", "Two posts"]
    assert scenarios.load("Two posts") == Scenario("Two posts", posts)
    scenarios.save(Scenario("Two posts", posts[:1]), "cy")  # saving again replaces
    assert scenarios.load("Two posts").assets == posts[:1]
    assert any_store.get_scenario("Two posts")["saved_by"] == "cy"
    with pytest.raises(InvalidInputError, match="no saved scenario"):
        scenarios.load("nope")


_INCREMENTER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from geo.errors import EditConflictError
    from geo.store import open_store
    store = open_store(sys.argv[2], seed_path=None)
    conflicts = 0
    for _ in range(int(sys.argv[4])):
        while True:  # the way the page edits: read, then update later with the version seen
            seen = store.get(sys.argv[3])
            try:
                store.update(sys.argv[3], {"fatalities": seen["fatalities"] + 1}, "w",
                             expected_version=seen["version"])
                break
            except EditConflictError:
                conflicts += 1
    store.close()
    print(conflicts)
""")


@pytest.mark.slow
def test_concurrent_read_modify_write_loses_no_increment(any_store: IncidentStoreProtocol, store_target: str) -> None:
    new_id = any_store.add(rec(fatalities=0), "ana")
    procs = [subprocess.Popen([sys.executable, "-c", _INCREMENTER, str(REPO), store_target, new_id, "100"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    outs = [p.communicate(timeout=280) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-500:] for o in outs]
    got = any_store.get(new_id)
    assert got["fatalities"] == 800 and got["version"] == 801
    assert sum(int(o[0]) for o in outs) > 0  # the writers did collide, and the conflicts were caught
    assert len(any_store.history(new_id)) == 801


_ADDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from geo.store import open_store
    store = open_store(sys.argv[2], seed_path=None)
    for i in range(int(sys.argv[4])):
        store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
                   "longitude": 68.1 + i * 1e-4, "notes": f"writer {sys.argv[3]} #{i}"}, f"w{sys.argv[3]}")
    store.close()
""")


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(any_store: IncidentStoreProtocol, store_target: str) -> None:
    cursor = any_store.change_cursor()
    procs = [subprocess.Popen([sys.executable, "-c", _ADDER, str(REPO), store_target, str(w), "50"],
                              stderr=subprocess.PIPE, text=True) for w in range(8)]
    errors = [p.communicate(timeout=280)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert any_store.count_live() == 400 and len(any_store.changed_since(cursor)) == 400
    assert sorted(set(any_store.list()["created_by"])) == [f"w{w}" for w in range(8)]


_IMPORTER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from geo.store import open_store
    rows = [{"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
             "longitude": 68.1 + i * 1e-6, "notes": f"bulk {i}"} for i in range(12000)]
    def progress(done, total):
        print("writing", done, total, flush=True)
        time.sleep(60)  # the parent kills us here, mid-transaction
    open_store(sys.argv[2], seed_path=None).import_rows(rows, "bulk", on_progress=progress)
""")


@pytest.mark.slow
def test_kill_during_import_leaves_store_unchanged(any_store: IncidentStoreProtocol, store_target: str) -> None:
    any_store.add(rec(), "ana")
    rev = any_store.revision
    proc = subprocess.Popen([sys.executable, "-c", _IMPORTER, str(REPO), store_target],
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
    assert any_store.count_live() == 1 and any_store.revision == rev
    any_store.add(rec(1), "ana")  # still writable after the crash (no lock left behind)
    assert any_store.count_live() == 2


def test_users_and_roles(any_store: IncidentStoreProtocol) -> None:
    assert any_store.list_users() == [] and any_store.role_of("ana@example.org") is None
    assert any_store.set_user(" Ana@Example.org ", "editor", "admin@example.org") is True
    assert any_store.set_user("ana@example.org", "admin", "admin@example.org") is False  # a new role, same user
    any_store.set_user("bo@example.org", "viewer", "admin@example.org")
    assert [(u["email"], u["role"]) for u in any_store.list_users()] == [("ana@example.org", "admin"),
                                                                         ("bo@example.org", "viewer")]
    assert any_store.role_of("ANA@example.org") == "admin" and any_store.role_of("not an address") is None
    with pytest.raises(InvalidInputError, match="role must be one of"):
        any_store.set_user("cy@example.org", "owner", "admin@example.org")
    with pytest.raises(InvalidInputError, match="not an e-mail address"):
        any_store.set_user("cy", "viewer", "admin@example.org")
    any_store.remove_user("bo@example.org")
    assert any_store.role_of("bo@example.org") is None
    with pytest.raises(InvalidInputError, match="not a user"):
        any_store.remove_user("bo@example.org")


def test_history_records_the_channel(any_store: IncidentStoreProtocol) -> None:
    new_id = any_store.add(rec(), "ana@example.org")
    any_store.update(new_id, {"fatalities": 3}, "ana@example.org")
    hist = any_store.history(new_id)
    assert [(h["by"], h["channel"]) for h in hist] == [("ana@example.org", "app")] * 2
