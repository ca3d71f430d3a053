"""``incidents show|edit`` and ``store copy`` as CLI.md fixes them, on GeoPackage and PostGIS."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import box

from cli import main
from geo.assets import Asset, Scenario
from geo.errors import StoreError
from geo.scenario_store import ScenarioStore
from geo.store import open_store
from geo.zone_store import ZoneStore
from tests.geo.store_backends import fresh_database, pg_cluster  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(params=["gpkg", "postgis"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "gpkg":
        return str(tmp_path / "cli.gpkg")
    return fresh_database(request.getfixturevalue("pg_cluster"))


def test_show_and_edit_with_expected_version(capsys: pytest.CaptureFixture[str], db: str) -> None:
    store = open_store(db, seed_path=None)
    new_id = store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
                        "longitude": 68.1}, "ana")
    code, out, _ = run(capsys, "incidents", "show", new_id, "--db", db, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["id"] == new_id and doc["version"] == 1 and doc["created_by"] == "ana"

    code, out, _ = run(capsys, "incidents", "edit", new_id, "--set", "fatalities=2", "--set", "notes=seen",
                       "--expect-version", "1", "--db", db, "--by", "bo", "--json")
    assert code == 0 and json.loads(out) == {"id": new_id, "version": 2}

    code, out, err = run(capsys, "incidents", "edit", new_id, "--set", "fatalities=9", "--expect-version", "1",
                         "--db", db, "--by", "cy", "--json")
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and "changed by bo" in err and "version 2, you had 1" in err
    assert "fatalities is now 2, yours 9" in err  # both values, as the store keeps them
    assert store.history(new_id)[-1]["channel"] == "cli"
    assert store.get(new_id)["fatalities"] == 2  # not overwritten

    code, out, err = run(capsys, "incidents", "edit", new_id, "--set", "colour=red", "--db", db, "--json")
    assert code == 2 and "unknown field 'colour'" in err
    code, _, err = run(capsys, "incidents", "show", "nope", "--db", db, "--json")
    assert code == 2 and err.startswith("error: no incident")
    store.close()


def test_postgres_url_never_makes_a_local_file(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "incidents", "list", "--db", "postgresql://nobody@127.0.0.1:1/bordermap", "--json")
    assert code == 2 and err.startswith("error: cannot connect to the PostGIS store") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_store_copy_both_ways_and_again(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        pg_cluster) -> None:  # noqa: F811
    src = tmp_path / "team.gpkg"
    store = open_store(src, seed_path=None)
    store.import_rows([{"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
                        "longitude": 68.1 + i * 1e-3} for i in range(2500)], "imp")
    live, gone = store.list()["id"].iloc[:2]
    store.update(live, {"fatalities": 4}, "bo")
    store.delete(gone, "bo")
    zones = ZoneStore(store)
    zones.add(box(69.9, 37.7, 70.2, 37.9), "Shuroobod option", "", "ana")
    zones.delete(zones.add(box(71.4, 37.4, 71.7, 37.6), "dropped", "", "ana"))
    ScenarioStore(store).save(Scenario("One post", (Asset("p1", "Post", "border_post", 69.95, 37.75),)), "ana")
    store.set_user("ana@example.org", "admin", "ana")
    url = fresh_database(pg_cluster)

    code, out, err = run(capsys, "store", "copy", "--from", str(src), "--to", url, "--json")
    assert code == 0, err
    assert json.loads(out) == {"records": 2500, "history": 2502, "zones": 2, "skipped_records": 0,
                               "skipped_zones": 0, "scenarios": 1, "skipped_scenarios": 0,
                               "users": 1, "skipped_users": 0}
    assert "records  [" in err and "2500/2500" in err  # the progress bar, on stderr
    pg = open_store(url, seed_path=None)
    assert pg.count_live() == 2499 and pg.get(live)["version"] == 2 and pg.get(gone)["deleted"] is True
    assert [h["action"] for h in pg.history(live)] == ["import", "update"]
    assert list(pg.list_zones(include_deleted=True)["deleted"]) == [False, True]
    assert pg.role_of("ana@example.org") == "admin"
    pg.undo(gone, "cy")  # the copied history works: the deletion is undone
    assert pg.get(gone)["deleted"] is False

    code, out, _ = run(capsys, "store", "copy", "--from", str(src), "--to", url, "--json")
    assert json.loads(out) == {"records": 0, "history": 0, "zones": 0, "skipped_records": 2500,
                               "skipped_zones": 2, "scenarios": 0, "skipped_scenarios": 1,
                               "users": 0, "skipped_users": 1}

    back = tmp_path / "back.gpkg"  # and back again, through a separate process
    done = subprocess.run([sys.executable, "-m", "geo", "store", "copy", "--from", url, "--to", str(back), "--json"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    again = open_store(back, seed_path=None)
    assert again.count_live() == 2500 and again.get(gone)["version"] == 3
    assert [h["action"] for h in again.history(gone)] == ["import", "delete", "undo"]
    assert len(again.list_zones()) == 1
    assert ScenarioStore(again).load("One post").assets[0].name == "Post"
    assert again.get_scenario("One post")["saved_at"] == store.get_scenario("One post")["saved_at"]
    pg.close()


@pytest.mark.slow
def test_local_postgis_for_trying_starts_and_cleans_up(pg_cluster, tmp_path: Path) -> None:  # noqa: F811
    import signal

    proc = subprocess.Popen([sys.executable, "-m", "geo", "store", "local-postgis"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        url = first.split(" runs at ")[1].strip()
        assert url.startswith("postgresql://postgres@127.0.0.1:")
        store = open_store(url)  # seeded on creation, like a new GeoPackage
        assert store.count_live() > 0 and store.list()["created_by"].eq("seed").all()
        store.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "stopped; its data is deleted" in err
    with pytest.raises(StoreError, match="cannot connect"):
        open_store(url)
