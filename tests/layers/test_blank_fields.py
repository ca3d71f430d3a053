"""Every renderer and exporter with a blank (NA) value in every nullable column.

Records come from a real store, so the blanks have the store's own types (``pd.NA`` in
Int64 columns, NaN in string and float columns). One record has only what ``incidents
add`` requires (date, type, point); another has nothing but date and point.
"""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.export import incidents_to_csv_bytes, incidents_to_geojson, incidents_to_kml_bytes, write_incidents
from geo.incidents import CONTENT_FIELDS
from geo.store import IncidentStore
from layers.base import format_value, is_approximate, popup_html, precision_rows, tooltip_text
from layers.basemaps import OFFLINE
from layers.incidents import incidents_layer, prepare_incidents
from layers.scene import DEFAULT_OVERLAYS, SceneOptions
from layers.snapshot import snapshot_html
from layers.static_map import static_bytes, static_map

#: Fields a record cannot lack (a point and a date); every other content field may be blank.
REQUIRED = {"latitude", "longitude", "event_date"}
NULLABLE = [f for f in CONTENT_FIELDS if f not in REQUIRED]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """The seed incidents plus a minimal one and one blanked in every nullable column."""
    store = IncidentStore(tmp_path_factory.mktemp("store") / "incidents.gpkg")
    minimal = store.add({"latitude": 37.19, "longitude": 68.61, "event_date": "2025-03-01",
                         "event_type": "Armed clash"}, "test")
    blank = store.add({"latitude": 37.5, "longitude": 70.2, "event_date": "2025-04-01",
                       "event_type": "Armed clash"}, "test")
    frame = store.list()
    row = frame.index[frame["id"] == blank][0]
    for col in NULLABLE:  # the store's own missing value for the column's type
        frame[col] = frame[col].astype(object) if frame[col].dtype == bool else frame[col]
        frame.loc[row, col] = None
    assert frame.loc[frame["id"] == minimal, "fatalities"].isna().all()
    assert frame.loc[row, NULLABLE].isna().all()
    return frame


def test_records_really_hold_pandas_na(records):
    assert records["fatalities"].dtype == "Int64" and records["fatalities"].isna().sum() >= 2
    assert any(v is pd.NA for v in records["fatalities"])


def test_print_map_draws_records_with_blank_fields(scene_data, records):
    data = dataclasses.replace(scene_data, incidents=records)
    fig = static_map(data, SceneOptions(basemap=OFFLINE, overlays=DEFAULT_OVERLAYS), size_px=(900, 600),
                     dpi=100, today=date(2026, 1, 2))
    from PIL import Image

    with Image.open(io.BytesIO(static_bytes(fig, "png"))) as im:
        assert im.size == (900, 600)
        img = np.asarray(im.convert("RGB"))
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 100


@pytest.mark.parametrize("style", ["points", "cluster", "heatmap"])
def test_map_layer_takes_blank_fields(records, style):
    bundle = incidents_layer(records, style=style)
    payload = prepare_incidents(records)
    assert payload.n == len(records)
    columns = json.loads(payload.payload_json)
    assert columns and bundle.groups


def test_html_snapshot_takes_blank_fields(scene_data, records):
    html = snapshot_html(dataclasses.replace(scene_data, incidents=records), SceneOptions(basemap=OFFLINE))
    assert "<html" in html and "bm-legend" in html


def test_popup_helpers_take_blank_values():
    for blank in (None, float("nan"), pd.NA, pd.NaT):
        assert format_value(blank) == "—"
        assert "bm-popup" in popup_html(blank, [("Fatalities", blank)], link=blank)
        assert tooltip_text(blank, "x") == "x"
        assert is_approximate({"confidence": blank, "precision_km": blank}) is False
        assert precision_rows({"precision_km": blank, "precision_label": blank, "source": blank})


def test_exports_write_blank_fields_as_empty(records, tmp_path):
    blank_id = records["id"].iloc[-1]
    csv_rows = list(__import__("csv").DictReader(io.StringIO(incidents_to_csv_bytes(records).decode("utf-8-sig"))))
    row = next(r for r in csv_rows if r["id"] == blank_id)
    assert all(row[c] == "" for c in NULLABLE)
    feats = incidents_to_geojson(records)["features"]
    props = next(f["properties"] for f in feats if f["id"] == blank_id)
    assert all(props[c] is None for c in NULLABLE)
    root = ET.fromstring(incidents_to_kml_bytes(records))
    assert len(root.findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == len(records)
    for fmt in ("csv", "geojson", "kml", "gpkg"):
        out = write_incidents(records, tmp_path / f"out.{fmt}")
        assert out.stat().st_size > 0


def test_readme_sequence_add_then_static_snapshot(tmp_path, capsys):
    """``incidents add`` with nothing optional, then ``snapshot --renderer static`` (README)."""
    from cli import main

    db = str(tmp_path / "s.gpkg")
    assert main(["incidents", "add", "--lat", "37.19", "--lon", "68.61", "--date", "2025-03-01",
                 "--type", "Armed clash", "--db", db]) == 0
    out = tmp_path / "print.png"
    code = main(["snapshot", "--renderer", "static", "--out", str(out), "--db", db,
                 "--width", "800", "--height", "600"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["incidents", "list", "--db", db]) == 0
