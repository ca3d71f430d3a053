"""``python -m geo triggers`` as CLI.md fixes it, on temporary stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from geo.store import IncidentStore

REPO = Path(__file__).resolve().parents[2]
DUSHANBE = ("38.56", "68.78")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def triggers_json(capsys, db: Path, *extra: str) -> dict:
    code, out, err = run(capsys, "triggers", "--db", str(db), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def add_development(capsys, db: Path, date: str, notes: str, confidence: str = "assessed") -> str:
    code, out, err = run(capsys, "incidents", "add", "--lat", DUSHANBE[0], "--lon", DUSHANBE[1], "--date", date,
                         "--type", "Other", "--notes", notes, "--confidence", confidence,
                         "--country", "Tajikistan", "--db", str(db), "--json", "--by", "tester")
    assert code == 0, err
    return json.loads(out)["id"]


def test_json_shape_exactly_as_cli_md(capsys, tmp_path):
    db = tmp_path / "store.gpkg"
    IncidentStore(db, create=True)
    doc = triggers_json(capsys, db)
    assert list(doc) == ["triggers"]
    assert [t["id"] for t in doc["triggers"]] == [1, 2, 3]
    for t in doc["triggers"]:
        assert list(t) == ["id", "name", "status", "incident_ids"]
        assert isinstance(t["name"], str) and t["name"]
        assert t["status"] in ("not met", "partly met", "met")
        assert isinstance(t["incident_ids"], list) and all(isinstance(i, str) for i in t["incident_ids"])


def test_seed_incidents_with_defaults(capsys, tmp_path):
    """The shipped seed records (data/seed_incidents.geojson; reasons pinned in tests/data/test_board.py):
    trigger 1 partly met by the two officially attributed November 2025 attacks on Chinese workers (3 and 2
    killed, below the default 10) and the December 2025 clash with intruders from Afghanistan (Tajik
    victims); the 2024 Zarbuz attack is unattributed; trigger 2 partly met by two requests
    for help outside the formal CSTO mechanisms; trigger 3 partly met by the embassy's call to leave."""
    db = tmp_path / "store.gpkg"
    store = IncidentStore(db, create=True)
    seeds = store.list()
    day = dict(zip(seeds["id"], seeds["event_date"].astype(str).str.slice(0, 10), strict=True))
    doc = triggers_json(capsys, db)
    by_id = {t["id"]: t for t in doc["triggers"]}
    assert [by_id[i]["status"] for i in (1, 2, 3)] == ["partly met"] * 3
    assert sorted(day[i] for i in by_id[1]["incident_ids"]) == ["2025-11-26", "2025-11-30", "2025-12-24"]
    assert sorted(day[i] for i in by_id[2]["incident_ids"]) == ["2021-07-07", "2025-12-02"]
    assert [day[i] for i in by_id[3]["incident_ids"]] == ["2025-11-28"]
    # lowered to 3 killed, the Shohin SM drone strike (3 killed) meets it
    lowered = {t["id"]: t for t in triggers_json(capsys, db, "--min-fatalities", "3")["triggers"]}
    shohin = seeds.loc[(seeds["fatalities"] == 3) & (seeds["record_kind"] == "incident"), "id"].tolist()
    assert lowered[1]["status"] == "met" and lowered[1]["incident_ids"] == shohin


def test_developments_added_from_the_command_line(capsys, tmp_path):
    db = tmp_path / "store.gpkg"
    IncidentStore(db, seed_path=None, create=True)  # without the seed records and their markers
    inv = add_development(capsys, db, "2025-12-02", "Dushanbe requests CSTO help under the treaty. #csto-invoked")
    by_id = {t["id"]: t for t in triggers_json(capsys, db, "--as-of", "2025-12-20")["triggers"]}
    assert by_id[2] == {"id": 2, "name": "CSTO credibility crisis", "status": "partly met", "incident_ids": [inv]}
    # the lapse clock: 30 days without an answer by default, adjustable
    assert {t["id"]: t for t in triggers_json(capsys, db, "--as-of", "2026-01-01")["triggers"]}[2]["status"] == "met"
    late = triggers_json(capsys, db, "--as-of", "2026-01-01", "--lapse-days", "45")["triggers"]
    assert late[1]["status"] == "partly met"
    code, out, _ = run(capsys, "triggers", "--db", str(db), "--as-of", "2025-12-20")
    assert code == 0 and "invoked 2025-12-02, 18 day(s) without an answer by 2025-12-20 (lapses after 30)" in out
    ref = add_development(capsys, db, "2025-12-09", "Moscow declines. #russia-refused", confidence="claimed")
    assert {t["id"]: t for t in triggers_json(capsys, db)["triggers"]}[2]["status"] == "partly met"  # answered
    claimed = {t["id"]: t for t in triggers_json(capsys, db, "--min-confidence", "claimed")["triggers"]}
    assert claimed[2]["status"] == "met" and claimed[2]["incident_ids"] == [inv, ref]


def test_structured_origin_from_the_command_line(capsys, tmp_path):
    """``incidents add --origin-country/--origin-attribution`` and ``edit --set``; triggers judge by them."""
    db = tmp_path / "store.gpkg"
    IncidentStore(db, seed_path=None, create=True)
    code, out, err = run(capsys, "incidents", "add", "--lat", "38.4504", "--lon", "71.0302", "--date", "2025-11-30",
                         "--type", "Attack", "--fatalities", "12", "--nationals", "CN", "--confidence", "assessed",
                         "--country", "Tajikistan", "--origin", "Afghanistan, per a news site",
                         "--origin-country", "AF", "--origin-attribution", "claimed", "--db", str(db), "--json",
                         "--by", "tester")
    assert code == 0, err
    rid = json.loads(out)["id"]
    assert triggers_json(capsys, db)["triggers"][0]["status"] == "partly met"
    assert triggers_json(capsys, db, "--min-attribution", "claimed")["triggers"][0]["status"] == "met"
    code, _, err = run(capsys, "incidents", "edit", rid, "--set", "origin_attribution=official", "--db", str(db),
                       "--by", "tester")
    assert code == 0, err
    assert triggers_json(capsys, db)["triggers"][0]["status"] == "met"
    code, _, err = run(capsys, "incidents", "edit", rid, "--set", "origin_attribution=unattributed", "--db", str(db),
                       "--by", "tester")
    assert code == 2 and "clear the country" in err and err.count("\n") == 1


def test_human_table(capsys, tmp_path):
    code, out, _ = run(capsys, "triggers", "--db", str(tmp_path / "none.gpkg"))
    assert code == 0
    assert "Mass-casualty attack with Afghan origin" in out and "partly met" in out
    assert not (tmp_path / "none.gpkg").exists()  # reading never creates the store


@pytest.mark.parametrize(("argv", "words"), [(["--min-fatalities", "0"], "--min-fatalities"),
                                             (["--campaign-days", "0"], "--campaign-days"),
                                             (["--lapse-days", "-3"], "--lapse-days"),
                                             (["--as-of", "2025-13-01"], "--as-of"),
                                             (["--rules", "missing.json"], "missing.json")])
def test_bad_input_exits_2_with_one_sentence(capsys, tmp_path, argv, words):
    code, out, err = run(capsys, "triggers", "--db", str(tmp_path / "s.gpkg"), "--json", *argv)
    assert code == 2 and out == ""
    assert err.startswith("error:") and words in err and err.count("\n") == 1


def test_unknown_confidence_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["triggers", "--db", str(tmp_path / "s.gpkg"), "--json", "--min-confidence", "rumoured"])
    assert info.value.code == 2
    assert "--min-confidence" in capsys.readouterr().err


@pytest.mark.slow
def test_module_entry_point_prints_one_json_document(tmp_path):
    env = {**os.environ, "BORDERMAP_DB": str(tmp_path / "env.gpkg")}
    proc = subprocess.run([sys.executable, "-m", "geo", "triggers", "--json"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [t["status"] for t in doc["triggers"]] == ["partly met", "partly met", "partly met"]
