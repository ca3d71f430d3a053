"""Exports: formula-safe CSV, GeoJSON, GeoPackage, KML; round trips; unsafe file names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import defusedxml.ElementTree as DET
import pyogrio
import pytest

from geo.errors import InvalidInputError
from geo.export import (
    incidents_to_csv_bytes,
    incidents_to_geojson_bytes,
    incidents_to_kml_bytes,
    safe_output_path,
    write_incidents,
)
from geo.importers import import_file
from geo.store import IncidentStore

BOOKKEEPING = ["created_at", "updated_at", "created_by", "updated_by"]
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", "＝1"]


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    s = IncidentStore(tmp_path / "src.gpkg", seed_path=None)
    s.add({"event_date": "2025-03-01", "event_type": "Armed clash", "latitude": 37.19, "longitude": 68.61,
           "notes": "<script>alert(1)</script> ${x} `y` \\ & \"q\"", "actor1": FORMULAS[0],
           "location": "Pyanj", "fatalities": 3}, "ana")
    for i, f in enumerate(FORMULAS[1:]):
        s.add({"event_date": "2025-03-02", "event_type": "Attack", "latitude": -1.0 * i,
               "longitude": -60.0 - i, "actor2": f, "nationals": "CN,RU"}, "bo")
    return s


def test_csv_formula_cells_neutralised(store: IncidentStore) -> None:
    text = incidents_to_csv_bytes(store.list()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["actor1"].startswith("'=HYPERLINK")
    for row, f in zip(rows[1:], FORMULAS[1:], strict=True):
        assert row["actor2"] == "'" + f
    # numbers stay numbers, negative included
    assert rows[2]["longitude"] == "-61.0" and rows[0]["fatalities"] == "3"


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "kml"])
def test_round_trip(store: IncidentStore, tmp_path: Path, fmt: str) -> None:
    suffix = {"csv": ".csv", "geojson": ".geojson", "gpkg": ".gpkg", "kml": ".kml"}[fmt]
    out = write_incidents(store.list(), tmp_path / f"out{suffix}")
    other = IncidentStore(tmp_path / "dst.gpkg", seed_path=None)
    report = import_file(other, out, "cy")
    assert report.imported == len(FORMULAS) and report.rejected == ()
    a = store.list().drop(columns=BOOKKEEPING).reset_index(drop=True)
    b = other.list().drop(columns=BOOKKEEPING).reset_index(drop=True)
    assert a.equals(b)
    # exporting and re-importing into the same store adds nothing
    assert import_file(store, out, "cy").imported == 0


def test_geojson_is_strict_json(store: IncidentStore) -> None:
    doc = json.loads(incidents_to_geojson_bytes(store.list()))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == len(FORMULAS)
    feat = doc["features"][0]
    assert feat["geometry"]["coordinates"] == [68.61, 37.19]
    assert feat["properties"]["fatalities"] == 3 and feat["properties"]["injured"] is None


def test_kml_structure_and_escaping(store: IncidentStore) -> None:
    data = incidents_to_kml_bytes(store.list())
    assert b"<script>" not in data and b"&lt;script" in data
    root = DET.fromstring(data, forbid_dtd=True)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    pms = root.findall(".//k:Placemark", ns)
    assert len(pms) == len(FORMULAS)
    pm = pms[0]
    assert pm.find("k:TimeStamp/k:when", ns).text == "2025-03-01"
    assert pm.find("k:Point/k:coordinates", ns).text == "68.61,37.19"
    # the description Google Earth renders as HTML is escaped once more
    assert pm.find("k:description", ns).text.startswith("&lt;script&gt;")
    assert "&#36;&#123;x&#125;" in pm.find("k:description", ns).text
    data_names = {d.get("name") for d in pm.findall("k:ExtendedData/k:Data", ns)}
    assert {"id", "event_date", "event_type", "notes", "actor1", "fatalities"} <= data_names


def test_gpkg_export_is_a_point_layer(store: IncidentStore, tmp_path: Path) -> None:
    out = write_incidents(store.list(), tmp_path / "o.gpkg")
    info = pyogrio.read_info(out, layer="incidents")
    assert info["geometry_type"] == "Point" and info["features"] == len(FORMULAS)


def test_empty_export(tmp_path: Path) -> None:
    empty = IncidentStore(tmp_path / "e.gpkg", seed_path=None).list()
    for name in ("e.csv", "e.geojson", "e.kml"):
        assert write_incidents(empty, tmp_path / name).stat().st_size > 0


@pytest.mark.parametrize(("name", "fmt", "fragment"), [
    ("-rf.csv", "csv", "must not start"),
    (".hidden.csv", "csv", "must not start"),
    ("a\x00b.csv", "csv", "control"),
    ("a\u202egpj.csv", "csv", "control"),
    ("CON.csv", "csv", "reserved device"),
    ("a|b.csv", "csv", "reserved"),
    ("out.exe", "csv", "must end with"),
    ("out.csv", "kml", "must end with"),
    ("out.csv", "xlsx", "unknown"),
    ("x" * 300 + ".csv", "csv", "255"),
])
def test_unsafe_names_refused(tmp_path: Path, name: str, fmt: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        safe_output_path(tmp_path / name, fmt)


def test_missing_folder_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="does not exist"):
        safe_output_path(tmp_path / "nope" / "a.csv", "csv")
