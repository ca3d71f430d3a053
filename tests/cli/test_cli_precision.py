"""The command line gives ranges over a point's precision circle: ``coords check --precision-km``,
``incidents list --json`` and every export format."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cli import main

#: The shipped Zarbuz seed point: 12.6 km from the border on the Tajik bank (lat, lon).
ZARBUZ = "37.84, 70.0419"
RANGE_KEYS = ("location_radius_km", "side_within_precision", "border_km_min", "border_km_max",
              "chainage_km_min", "chainage_km_max")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_coords_check_with_a_precision_gives_ranges_and_keeps_the_point_value(capsys) -> None:
    code, out, _ = run(capsys, "coords", "check", ZARBUZ, "--json")
    exact = json.loads(out)
    assert code == 0 and exact["precision_km"] == 0.0
    assert exact["distance_to_border_km_min"] == exact["distance_to_border_km_max"] == exact["distance_to_border_km"]
    assert exact["chainage_km_min"] == exact["chainage_km_max"] == exact["chainage_km"]
    assert exact["side_within_precision"] == exact["side"] == "TJK"

    code, out, _ = run(capsys, "coords", "check", ZARBUZ, "--precision-km", "30", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["distance_to_border_km"] == exact["distance_to_border_km"]  # the point value stays
    assert doc["side"] == "TJK" and doc["side_within_precision"] == "uncertain"
    assert doc["distance_to_border_km_min"] == 0.0
    assert doc["distance_to_border_km_max"] == pytest.approx(exact["distance_to_border_km"] + 30, abs=0.01)
    assert doc["chainage_km_min"] < exact["chainage_km"] - 25 and doc["chainage_km_max"] > exact["chainage_km"] + 25
    assert not any(f"{exact['distance_to_border_km']:.1f} km" in w for w in doc["warnings"])

    code, out, _ = run(capsys, "coords", "check", ZARBUZ, "--geo-precision", "3", "--json")
    assert json.loads(out)["precision_km"] == 100.0  # a province: ACLED code 3 read as 100 km
    code, out, _ = run(capsys, "coords", "check", ZARBUZ, "--precision-km", "30")
    assert code == 0 and out.splitlines()[0].endswith("km from the border, chainage "
                                                      f"{doc['chainage_km_min']:.0f}–{doc['chainage_km_max']:.0f}"
                                                      ", side uncertain")


@pytest.mark.parametrize("bad", [["--precision-km", "far"], ["--precision-km", "-3"], ["--geo-precision", "4"]])
def test_coords_check_refuses_a_bad_precision_in_one_sentence(capsys, bad) -> None:
    code, out, err = run(capsys, "coords", "check", ZARBUZ, *bad, "--json")
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err


def test_list_and_exports_carry_point_values_and_ranges(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "p.gpkg")
    lat, lon = (v.strip() for v in ZARBUZ.split(","))
    code, out, err = run(capsys, "incidents", "add", "--lat", lat, "--lon", lon, "--date", "2025-03-01",
                         "--type", "Armed clash", "--precision-km", "30", "--db", db, "--json")
    assert code == 0, err
    new_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "incidents", "list", "--db", db, "--json")
    props = next(f["properties"] for f in json.loads(out)["features"] if f["id"] == new_id)
    assert set(RANGE_KEYS) <= set(props)
    assert props["side"] == "TJK" and props["side_within_precision"] == "uncertain"
    assert props["border_km_min"] == 0.0 < props["border_km"] < props["border_km_max"]
    assert props["chainage_km_min"] < props["chainage_km"] < props["chainage_km_max"]

    for fmt in ("csv", "geojson", "kml", "gpkg"):
        path = tmp_path / f"out.{fmt}"
        code, _, err = run(capsys, "incidents", "export", "--format", fmt, "--out", str(path), "--db", db)
        assert code == 0, err
        row = _exported_row(path, fmt, new_id)
        assert set(RANGE_KEYS) <= set(row), fmt
        assert row["side_within_precision"] == "uncertain", fmt
        assert float(row["border_km_min"]) == 0.0, fmt
        assert float(row["border_km_max"]) == pytest.approx(props["border_km_max"], abs=1e-6), fmt
        assert float(row["chainage_km_max"]) == pytest.approx(props["chainage_km_max"], abs=1e-6), fmt
        assert float(row["location_radius_km"]) == 30.0, fmt


def _exported_row(path: Path, fmt: str, record_id: str) -> dict:
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        return next(r for r in rows if r["id"] == record_id)
    if fmt == "geojson":
        return next(f["properties"] for f in json.loads(path.read_text())["features"] if f["id"] == record_id)
    if fmt == "kml":
        ns = {"k": "http://www.opengis.net/kml/2.2"}
        for pm in ET.parse(path).getroot().iter(f"{{{ns['k']}}}Placemark"):
            data = {d.get("name"): d.find("k:value", ns).text for d in pm.iter(f"{{{ns['k']}}}Data")}
            if data.get("id") == record_id:
                return data
        raise AssertionError("record not in the KML")
    with sqlite3.connect(path) as con:
        con.row_factory = sqlite3.Row
        return dict(con.execute("SELECT * FROM incidents WHERE id = ?", (record_id,)).fetchone())
