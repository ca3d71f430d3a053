"""Importers: ACLED CSV, lat/lon CSV, GeoJSON, KML/KMZ (with XML attacks), GeoPackage, preview."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Point

from geo import importers
from geo.errors import DataFileError
from geo.importers import import_file, preview_file, read_file
from geo.incidents import ACLED_COLUMNS
from geo.store import IncidentStore


def acled_row(i: int, **extra: str) -> dict[str, str]:
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update(event_id_cnty=f"AFG{1000 + i}", event_date="2025-02-1" + str(i % 9), year="2025",
               time_precision="1", disorder_type="Political violence", event_type="Battles",
               sub_event_type="Armed clash", actor1="Military Forces of Afghanistan (2021-)",
               inter1="State forces", actor2="NRF: National Resistance Front", inter2="Rebel group",
               interaction="State forces-Rebel group", iso="4", region="Caucasus and Central Asia",
               country="Afghanistan", admin1="Badakhshan", admin2="Darwaz", location="Nusay",
               latitude="38.4351", longitude="70.7843", geo_precision="1", source="Amu TV",
               source_scale="National", notes="Clash near the river; 2 killed.", fatalities="2",
               tags="", timestamp="1740000000")
    row.update(extra)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_acled_csv_all_columns(tmp_path: Path) -> None:
    rows = [acled_row(i) for i in range(5)]
    rows[2]["latitude"] = "abc"
    rows[3]["fatalities"] = "-4"
    parsed = read_file(write_csv(tmp_path / "acled.csv", rows))
    assert parsed.format == "acled-csv" and len(parsed.rows) == 5 and parsed.ignored_columns == ()
    preview = preview_file(tmp_path / "acled.csv", n=2)
    assert preview.valid_rows == 3 and len(preview.rows) == 2
    assert [r.row for r in preview.rejected] == [3, 4]
    assert "latitude" in preview.rejected[0].reason and "fatalities" in preview.rejected[1].reason
    assert set(preview.rows[0]) >= set(ACLED_COLUMNS)
    assert preview.rows[0]["inter1"] == "State forces" and preview.rows[0]["iso"] == 4


@pytest.mark.parametrize(("lat_name", "lon_name"), [("lat", "lon"), ("Latitude", "Longitude"), ("y", "x"),
                                                    ("LAT", "lng"), ("lat", "long")])
def test_generic_csv_detects_coordinate_columns(tmp_path: Path, lat_name: str, lon_name: str) -> None:
    rows = [{"Date": "2025-03-01", "Type": "Attack", lat_name: "37.2", lon_name: "68.6", "colour": "red"}]
    parsed = read_file(write_csv(tmp_path / "g.csv", rows, delimiter=";"))
    assert parsed.format == "csv" and parsed.ignored_columns == ("colour",)
    assert parsed.rows[0]["latitude"] == "37.2" and parsed.rows[0]["longitude"] == "68.6"
    assert parsed.rows[0]["event_date"] == "2025-03-01" and parsed.rows[0]["event_type"] == "Attack"


def test_csv_coordinates_column_with_dms_and_mgrs(tmp_path: Path) -> None:
    rows = [{"date": "2025-03-01", "type": "Attack", "coordinates": "37°11'40\"N 68°36'19\"E"},
            {"date": "2025-03-01", "type": "Attack", "coordinates": "42SVG6497016511"},
            {"date": "2025-03-01", "type": "Attack", "coordinates": "37 11 40"}]
    parsed = read_file(write_csv(tmp_path / "c.csv", rows))
    assert len(parsed.rows) == 2 and parsed.rows[1]["latitude"] == pytest.approx(37.1944, abs=1e-3)
    assert parsed.rejected[0].row == 3 and "ambiguous" in parsed.rejected[0].reason


def test_csv_without_coordinates_or_with_ragged_rows(tmp_path: Path) -> None:
    (tmp_path / "n.csv").write_text("date,place\n2025-01-01,Khorog\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="no latitude/longitude"):
        read_file(tmp_path / "n.csv")
    (tmp_path / "r.csv").write_text("lat,lon,date\n37,68,2025-01-01\n37,68\n", encoding="utf-8")
    parsed = read_file(tmp_path / "r.csv")
    assert len(parsed.rows) == 1 and parsed.rejected[0].row == 2


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "big.csv", [acled_row(i) for i in range(20)])
    monkeypatch.setattr(importers, "MAX_IMPORT_BYTES", 1000)
    with pytest.raises(DataFileError, match="limit"):
        read_file(path)


def test_unknown_suffix(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(DataFileError, match="unknown type"):
        read_file(tmp_path / "x.xlsx")


def test_geojson_rejections(tmp_path: Path) -> None:
    props = {"event_date": "2025-03-01", "event_type": "Armed clash"}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [68.6, 37.2]}, "properties": props},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["68.6", "37.2"]},
         "properties": props},
        {"type": "Feature", "geometry": None, "properties": props},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[68, 37], [69, 38]]},
         "properties": props},
    ]}
    (tmp_path / "f.geojson").write_text(json.dumps(doc), encoding="utf-8")
    parsed = read_file(tmp_path / "f.geojson")
    assert len(parsed.rows) == 1 and parsed.rows[0]["latitude"] == 37.2
    reasons = {r.row: r.reason for r in parsed.rejected}
    assert "not two numbers" in reasons[2] and "no geometry" in reasons[3] and "LineString" in reasons[4]


GOOGLE_EARTH_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
  <name>Reports.kml</name>
  <Folder><name>March</name>
    <Placemark>
      <name>Clash at Shuroabad</name>
      <description><![CDATA[<b>Two</b> border guards wounded]]></description>
      <TimeStamp><when>2025-03-04</when></TimeStamp>
      <ExtendedData>
        <Data name="event_type"><value>Armed clash</value></Data>
        <Data name="injured"><value>2</value></Data>
      </ExtendedData>
      <Point><coordinates>69.9861,37.8431,0</coordinates></Point>
    </Placemark>
    <Placemark>
      <name>Patrol route</name>
      <LineString><coordinates>69,37 70,38</coordinates></LineString>
    </Placemark>
    <Placemark>
      <name>No type</name>
      <Point><coordinates>69.9,37.8</coordinates></Point>
    </Placemark>
  </Folder>
</Document>
</kml>
"""


def test_kml_google_earth_style(tmp_path: Path) -> None:
    (tmp_path / "r.kml").write_text(GOOGLE_EARTH_KML, encoding="utf-8")
    parsed = read_file(tmp_path / "r.kml")
    assert parsed.format == "kml" and len(parsed.rows) == 2
    row = parsed.rows[0]
    assert row["event_date"] == "2025-03-04" and row["injured"] == "2"
    assert row["latitude"] == 37.8431 and row["longitude"] == 69.9861
    assert row["location"] == "Clash at Shuroabad" and row["notes"].startswith("<b>Two</b>")
    assert parsed.rejected[0].row == 2 and "no Point" in parsed.rejected[0].reason
    preview = preview_file(tmp_path / "r.kml")
    assert preview.valid_rows == 1 and "event_date is required" in preview.rejected[-1].reason


def test_kmz(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "r.kmz", "w") as zf:
        zf.writestr("doc.kml", GOOGLE_EARTH_KML)
    assert len(read_file(tmp_path / "r.kmz").rows) == 2
    (tmp_path / "bad.kmz").write_bytes(b"not a zip")
    with pytest.raises(DataFileError, match="KMZ"):
        read_file(tmp_path / "bad.kmz")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&lol3;</name>
<Point><coordinates>69,37</coordinates></Point></Placemark></kml>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&xxe;</name>
<Point><coordinates>69,37</coordinates></Point></Placemark></kml>
"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE])
def test_xml_attacks_refused(tmp_path: Path, payload: str) -> None:
    (tmp_path / "evil.kml").write_text(payload, encoding="utf-8")
    with pytest.raises(DataFileError, match="refused"):
        read_file(tmp_path / "evil.kml")


def test_malformed_and_non_kml_xml(tmp_path: Path) -> None:
    (tmp_path / "a.kml").write_text("<kml><Placemark>", encoding="utf-8")
    with pytest.raises(DataFileError, match="well-formed"):
        read_file(tmp_path / "a.kml")
    (tmp_path / "b.kml").write_text("<svg/>", encoding="utf-8")
    with pytest.raises(DataFileError, match="not KML"):
        read_file(tmp_path / "b.kml")


def test_gpkg_layer_reprojected(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"date": ["2025-03-01", "2025-03-02"], "type": ["Attack", "Attack"]},
                           geometry=[Point(68.6, 37.2), LineString([(68, 37), (69, 38)])], crs=4326)
    gdf.to_crs(32642).pipe(lambda g: pyogrio.write_dataframe(g, tmp_path / "c.gpkg", layer="reports"))
    parsed = read_file(tmp_path / "c.gpkg")
    assert parsed.format == "gpkg" and len(parsed.rows) == 1
    assert parsed.rows[0]["latitude"] == pytest.approx(37.2)
    assert parsed.rows[0]["longitude"] == pytest.approx(68.6)
    assert "LineString" in parsed.rejected[0].reason
    (tmp_path / "fake.gpkg").write_text("nope", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a GeoPackage"):
        read_file(tmp_path / "fake.gpkg")


def test_preview_writes_nothing_and_reimport_adds_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "acled.csv", [acled_row(i) for i in range(6)])
    store = IncidentStore(tmp_path / "s.gpkg", seed_path=None)
    preview_file(path)
    assert not store.path.exists()
    first = import_file(store, path, "ana")
    assert first.imported == 6 and first.rejected == ()
    second = import_file(store, path, "ana")
    assert second.imported == 0 and second.duplicates == 6
    assert len(store.list()) == 6
