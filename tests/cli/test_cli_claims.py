"""``python -m geo incidents claims add|list|choose|remove|export`` (CLI.md style: one JSON
document with --json, one sentence and exit 2 for bad input)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from geo.importers import read_file
from geo.store import IncidentStore

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "c.gpkg"
    iid = IncidentStore(path, seed_path=None).add({"event_date": "2025-12-24", "event_type": "Armed clash",
                                                   "latitude": 37.84, "longitude": 70.04}, "ana")
    return str(path), iid


def test_add_list_choose_remove(capsys: pytest.CaptureFixture[str], db: tuple[str, str]) -> None:
    path, iid = db
    code, out, err = run(capsys, "incidents", "claims", "add", iid, "--field", "fatalities", "--value", "5",
                         "--source", "Asia-Plus citing Khovar", "--url", "https://asiaplustj.info/en/news/x",
                         "--date", "2025-12-25", "--claimant", "official", "--by", "ana", "--db", path, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["version"] == 2 and doc["fatalities"] == {"low": 5, "best": 5, "high": 5}
    first = doc["claim_id"]
    code, out, err = run(capsys, "incidents", "claims", "add", iid, "--field", "fatalities", "--value", "4",
                         "--source", "TASS", "--date", "2025-12-25", "--claimant", "media", "--note", "early count",
                         "--db", path, "--json")
    assert code == 0, err
    code, out, _ = run(capsys, "incidents", "claims", "list", iid, "--db", path, "--json")
    doc = json.loads(out)
    assert [c["value"] for c in doc["claims"]] == [5, 4] and doc["claims"][1]["added_by"] == "cli"
    s = doc["summary"]["fatalities"]
    assert (s["low"], s["best"], s["high"], s["sources_differ"]) == (4, 4, 5, True)
    assert doc["origin_attribution"] == "unattributed"
    code, out, _ = run(capsys, "incidents", "claims", "choose", iid, first, "--db", path, "--json")
    assert code == 0 and json.loads(out)["fatalities"]["best"] == 5
    code, out, _ = run(capsys, "incidents", "claims", "choose", iid, "--none", "fatalities", "--db", path, "--json")
    assert json.loads(out)["fatalities"]["best"] == 4
    code, out, _ = run(capsys, "incidents", "claims", "remove", iid, first, "--db", path, "--json")
    assert code == 0 and json.loads(out)["removed"] == first
    code, out, _ = run(capsys, "incidents", "claims", "list", iid, "--db", path)
    assert "fatalities: low 4, best 4, high 4 — 1 source(s), sources agree" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--value", "three"], "error: claim value (fatalities) must be a whole number"),
    (["--value", "2-4"], "error: claim value '2-4' is a range"),
    (["--date", "2999-01-01"], "error: claim source_date 2999-01-01 is in the future"),
    (["--url", "ftp://x"], "error: source_url must be an http(s) address"),
])
def test_bad_claims_exit_2_in_one_sentence(capsys: pytest.CaptureFixture[str], db: tuple[str, str],
                                           args: list[str], message: str) -> None:
    path, iid = db
    given = {"--value": "3", "--date": "2025-12-25"}
    for k, v in zip(args[::2], args[1::2], strict=True):
        given[k] = v
    code, out, err = run(capsys, "incidents", "claims", "add", iid, "--field", "fatalities", "--source", "X",
                         "--claimant", "media", *[x for kv in given.items() for x in kv], "--db", path, "--json")
    assert code == 2 and out == "" and err.startswith(message) and err.count("\n") == 1, err
    assert IncidentStore(path).get(iid)["version"] == 1


def test_unknown_record_or_claim(capsys: pytest.CaptureFixture[str], db: tuple[str, str]) -> None:
    path, iid = db
    code, _, err = run(capsys, "incidents", "claims", "list", "nope", "--db", path)
    assert code == 2 and err.startswith("error: no incident")
    code, _, err = run(capsys, "incidents", "claims", "remove", iid, "zz", "--db", path)
    assert code == 2 and "is not a claim of this record" in err


def test_exports_carry_the_claims_and_reimport(capsys: pytest.CaptureFixture[str], db: tuple[str, str],
                                               tmp_path: Path) -> None:
    path, iid = db
    for value, source in (("2", "=HYPERLINK(\"http://x\")"), ("3", "RFE/RL")):
        run(capsys, "incidents", "claims", "add", iid, "--field", "injured", "--value", value, "--source", source,
            "--date", "2025-12-25", "--claimant", "media", "--db", path)
    out_csv = tmp_path / "claims.csv"
    code, out, err = run(capsys, "incidents", "claims", "export", "--out", str(out_csv), "--db", path, "--json")
    assert code == 0 and json.loads(out)["claims"] == 2, err
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert [r["incident_id"] for r in rows] == [iid, iid] and rows[1]["value"] == "3"
    assert rows[0]["source"].startswith("'=")  # formula-safe
    geojson = tmp_path / "inc.geojson"
    code, _, err = run(capsys, "incidents", "export", "--format", "geojson", "--out", str(geojson), "--db", path)
    assert code == 0, err
    props = json.loads(geojson.read_text(encoding="utf-8"))["features"][0]["properties"]
    assert [c["value"] for c in props["claims"]] == [2, 3] and props["injured"] == 2
    # the exported file goes back in with its claims (another store)
    again = tmp_path / "again.gpkg"
    done = subprocess.run([sys.executable, "-m", "geo", "incidents", "import", str(geojson), "--db", str(again),
                           "--json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    got = IncidentStore(again).list()  # (a new store: with the seed records too)
    assert len(read_file(geojson).rows) == 1 and (got["id"] == iid).sum() == 1
    row = got[got["id"] == iid].iloc[0]
    assert "RFE/RL" in row["claims"] and row["injured"] == 2
