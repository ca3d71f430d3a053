"""``incidents import --default-type/--default-date/--default-source/--default-confidence`` (CLI.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.incidents import UNCLASSIFIED
from tests.cli.test_cli_incidents import run
from tests.geo.test_import_defaults import write_google_earth_kml

PLACEMARKS = ("Shots heard near Panji Poyon", "Road works (Chinese crew)", "Checkpoint seen")


def _listed(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, dict]:
    """The file's records in the store (a new store also holds the shipped records), by location."""
    code, out, _ = run(capsys, "incidents", "list", "--db", str(db), "--json")
    assert code == 0
    return {f["properties"]["location"]: f["properties"] for f in json.loads(out)["features"]
            if f["properties"]["location"] in PLACEMARKS}


def test_google_earth_kml_without_defaults_two_in_one_rejected(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    kml, db = write_google_earth_kml(tmp_path), tmp_path / "s.gpkg"
    code, out, err = run(capsys, "incidents", "import", str(kml), "--db", str(db), "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["imported"] == 2 and doc["rejected"] == [{"row": 3, "reason": "event_date is required (YYYY-MM-DD)"}]
    assert _listed(capsys, db)["Road works (Chinese crew)"]["event_type"] == UNCLASSIFIED


def test_google_earth_kml_with_defaults_lands_whole(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    kml, db = write_google_earth_kml(tmp_path), tmp_path / "s.gpkg"
    code, out, _ = run(capsys, "incidents", "import", str(kml), "--db", str(db), "--default-date", "2025-05-01",
                       "--default-source", "Field notes", "--default-confidence", "claimed", "--json")
    assert code == 0 and json.loads(out)["imported"] == 3 and json.loads(out)["rejected"] == []
    recs = _listed(capsys, db)
    assert recs["Checkpoint seen"]["event_date"] == "2025-05-01"
    assert recs["Checkpoint seen"]["event_type"] == UNCLASSIFIED
    assert {r["source"] for r in recs.values()} == {"Field notes"}
    assert {r["confidence"] for r in recs.values()} == {"claimed"}


def test_default_type_and_dry_run_counts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    kml, db = write_google_earth_kml(tmp_path), tmp_path / "s.gpkg"
    code, out, _ = run(capsys, "incidents", "import", str(kml), "--db", str(db), "--dry-run", "--json")
    doc = json.loads(out)
    assert code == 0 and (doc["valid"], doc["unclassified"], len(doc["rejected"])) == (2, 1, 1)
    assert not db.exists() or _listed(capsys, db) == {}
    code, out, _ = run(capsys, "incidents", "import", str(kml), "--db", str(db), "--default-type",
                       "Headquarters or base established", "--default-date", "2025-05-01")
    assert code == 0 and out.startswith("imported 3 incidents")
    types = {k: (v["event_type"], v["sub_event_type"]) for k, v in _listed(capsys, db).items()}
    assert types == {"Shots heard near Panji Poyon": ("Battles", "Armed clash"),
                     "Road works (Chinese crew)": ("Strategic developments", "Headquarters or base established"),
                     "Checkpoint seen": ("Strategic developments", "Headquarters or base established")}


@pytest.mark.parametrize(("option", "value", "words"), [
    ("--default-type", "Shooting", "default event type 'Shooting' is not an ACLED event type"),
    ("--default-date", "31/31/2025", "default date '31/31/2025' is not a date"),
    ("--default-date", "2999-01-01", "default date 2999-01-01 is in the future"),
    ("--default-confidence", "certain", "default confidence must be one of assessed, claimed, approximate"),
    ("--default-source", "x" * 6000, "default source is 6,000 characters long"),
])
def test_bad_defaults_exit_2_with_one_sentence(capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str,
                                               value: str, words: str) -> None:
    kml, db = write_google_earth_kml(tmp_path), tmp_path / "s.gpkg"
    code, out, err = run(capsys, "incidents", "import", str(kml), "--db", str(db), option, value, "--json")
    assert code == 2 and out == ""
    assert words in err and err.count("\n") == 1 and "Traceback" not in err and len(err) < 400
    assert not db.exists()
