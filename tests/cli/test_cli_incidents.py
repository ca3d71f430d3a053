"""``python -m geo coords …`` and ``python -m geo incidents …`` as CLI.md fixes them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_coords_parse_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "coords", "parse", "37°11'40\"N 68°36'19\"E", "--json")
    assert code == 0
    assert json.loads(out) == {"lat": 37.194444, "lon": 68.605278}


@pytest.mark.parametrize("text", ["37 11 40", "95, 68", "37N 68N", "hello"])
def test_coords_parse_refuses_with_exit_2(capsys: pytest.CaptureFixture[str], text: str) -> None:
    code, out, err = run(capsys, "coords", "parse", text, "--json")
    assert code == 2 and out == ""
    assert err.startswith("error: coordinates") and err.count("\n") == 1


def test_coords_check_swapped(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "coords", "check", "68.61, 37.19", "--json")
    doc = json.loads(out)
    assert code == 0
    assert {"lat", "lon", "side", "distance_to_border_km", "in_region", "swapped_suggestion",
            "warnings"} <= set(doc)
    assert doc["in_region"] is False and doc["swapped_suggestion"] == [37.19, 68.61]


def test_coords_check_afghan_side(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "coords", "check", "37.16N 68.62E", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["side"] == "AFG" and doc["in_region"] is True and doc["swapped_suggestion"] is None


def test_incidents_add_list_export_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "cli.gpkg")
    code, out, _ = run(capsys, "incidents", "list", "--db", db, "--json")
    before = len(json.loads(out)["features"])
    code, out, err = run(capsys, "incidents", "add", "--lat", "37.19", "--lon", "68.61",
                         "--date", "2025-03-01", "--type", "Air/drone strike", "--fatalities", "2",
                         "--nationals", "CN", "--confidence", "claimed", "--precision", "2",
                         "--notes", "=1+1", "--db", db, "--json")
    assert code == 0, err
    new_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "incidents", "list", "--db", db, "--json")
    doc = json.loads(out)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == before + 1
    feat = next(f for f in doc["features"] if f["properties"]["id"] == new_id)
    assert feat["properties"]["event_type"] == "Explosions/Remote violence"
    assert feat["properties"]["geo_precision"] == 2 and feat["geometry"]["coordinates"] == [68.61, 37.19]

    csv_path = tmp_path / "out.csv"
    code, _, err = run(capsys, "incidents", "export", "--format", "csv", "--out", str(csv_path), "--db", db)
    assert code == 0, err
    assert "'=1+1" in csv_path.read_text(encoding="utf-8-sig")

    other = str(tmp_path / "other.gpkg")
    code, out, _ = run(capsys, "incidents", "import", str(csv_path), "--db", other, "--json")
    doc = json.loads(out)
    # the new store is created with the seed incidents, so only the added one is new
    assert code == 0 and doc["imported"] == 1 and doc["rejected"] == []
    assert doc["duplicates"] == before
    code, out, _ = run(capsys, "incidents", "import", str(csv_path), "--db", other, "--json")
    assert json.loads(out)["imported"] == 0


def test_import_reports_rejected_rows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    src.write_text("date,type,lat,lon,fatalities\n2025-03-01,Attack,37.1,68.1,1\n"
                   "2025-03-01,Attack,137.1,68.1,1\n2099-01-01,Attack,37.1,68.1,1\n", encoding="utf-8")
    code, out, _ = run(capsys, "incidents", "import", str(src), "--db", str(tmp_path / "d.gpkg"), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["imported"] == 1
    assert [r["row"] for r in doc["rejected"]] == [2, 3]
    assert "latitude" in doc["rejected"][0]["reason"] and "future" in doc["rejected"][1]["reason"]


@pytest.mark.parametrize("bad", [["--date", "2025-02-30"], ["--type", "Skirmish"], ["--lat", "nan"],
                                 ["--fatalities", "-1"]])
def test_add_bad_input_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, bad: list[str]) -> None:
    args = {"--lat": "37.1", "--lon": "68.1", "--date": "2025-03-01", "--type": "Attack"}
    args.update(dict([bad]))
    argv = ["incidents", "add", "--db", str(tmp_path / "x.gpkg"), "--json"]
    for k, v in args.items():
        argv += [k, v]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.startswith("error:") and "Traceback" not in err


def test_update_delete_undo_history(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "u.gpkg")
    _, out, _ = run(capsys, "incidents", "add", "--lat", "37.1", "--lon", "68.1", "--date", "2025-03-01",
                    "--type", "Attack", "--db", db, "--json")
    new_id = json.loads(out)["id"]
    assert run(capsys, "incidents", "update", new_id, "--set", "fatalities=5", "--db", db)[0] == 0
    assert run(capsys, "incidents", "delete", new_id, "--db", db)[0] == 0
    code, out, _ = run(capsys, "incidents", "undo", new_id, "--db", db, "--json")
    assert code == 0
    assert json.loads(out)["deleted"] is False
    _, out, _ = run(capsys, "incidents", "history", new_id, "--db", db, "--json")
    assert [h["action"] for h in json.loads(out)["history"]] == ["add", "update", "delete", "undo"]


def test_export_refuses_unsafe_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "incidents", "export", "--format", "kml", "--out", str(tmp_path / "a.csv"),
                       "--db", str(tmp_path / "x.gpkg"))
    assert code == 2 and "must end with .kml" in err


@pytest.mark.slow
def test_real_command_line(tmp_path: Path) -> None:
    db = tmp_path / "p.gpkg"
    proc = subprocess.run([sys.executable, "-m", "geo", "incidents", "add", "--lat", "37.19",
                           "--lon", "68.61", "--date", "2025-03-01", "--type", "Armed clash",
                           "--db", str(db), "--json"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) == {"id"}
    proc = subprocess.run([sys.executable, "-m", "geo", "coords", "parse", "garbled", "--json"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("env_user", "by", "recorded"), [
    (None, None, "cli"), ("Ana Petrova", None, "Ana Petrova"), ("Ana Petrova", "Bo", "Bo")])
def test_who_is_recorded_never_the_os_login(capsys, tmp_path, monkeypatch, env_user, by, recorded) -> None:
    if env_user is None:
        monkeypatch.delenv("BORDERMAP_USER", raising=False)
    else:
        monkeypatch.setenv("BORDERMAP_USER", env_user)
    monkeypatch.setenv("BORDERMAP_DB", str(tmp_path / "env.gpkg"))  # the page's store too
    extra = ["--by", by] if by else []
    code, out, err = run(capsys, "incidents", "add", "--lat", "37.19", "--lon", "68.61", "--date",
                         "2025-03-01", "--type", "Attack", *extra, "--json")
    assert code == 0, err
    new_id = json.loads(out)["id"]
    assert (tmp_path / "env.gpkg").is_file()
    from geo.store import IncidentStore

    live = IncidentStore(tmp_path / "env.gpkg").list().set_index("id")
    assert live.loc[new_id, "created_by"] == recorded
