"""Shipped data files: provenance present; bad files give errors naming the file."""

from __future__ import annotations

import json
import shutil

import pytest

from geo import datasets
from geo.border import load_border
from geo.errors import DataFileError


@pytest.mark.parametrize("name", [datasets.BORDER_FILE, datasets.COUNTRIES_FILE,
                                  datasets.REFERENCE_BORDER_FILE, datasets.PLACES_FILE])
def test_every_shipped_feature_has_provenance(name):
    gdf = datasets.load_layer(name)
    for field in datasets.PROVENANCE_FIELDS:
        assert gdf[field].notna().all(), f"{name}: {field} missing"
    assert set(gdf["confidence"]) <= set(datasets.CONFIDENCE_VALUES)
    assert (gdf["precision_km"].astype(float) > 0).all()


@pytest.fixture()
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(datasets.DATA_DIR, target, ignore=shutil.ignore_patterns("build"))
    return target


def test_missing_file_is_named(data_copy):
    (data_copy / datasets.BORDER_FILE).unlink()
    with pytest.raises(DataFileError, match="border.geojson.*missing"):
        load_border(data_copy)


def test_corrupt_file_is_named(data_copy):
    (data_copy / datasets.COUNTRIES_FILE).write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(DataFileError, match="countries.geojson.*not readable"):
        load_border(data_copy)


def test_feature_without_provenance_is_refused(data_copy):
    path = data_copy / datasets.PLACES_FILE
    doc = json.loads(path.read_text())
    del doc["features"][0]["properties"]["source"]
    path.write_text(json.dumps(doc))
    with pytest.raises(DataFileError, match="places.geojson.*'source'"):
        datasets.load_layer(datasets.PLACES_FILE, data_copy)


def test_string_coordinates_are_refused(data_copy):
    path = data_copy / datasets.PLACES_FILE
    doc = json.loads(path.read_text())
    doc["features"][0]["geometry"]["coordinates"] = ["68.6", "37.2"]
    path.write_text(json.dumps(doc))
    with pytest.raises(DataFileError, match="places.geojson"):
        datasets.load_layer(datasets.PLACES_FILE, data_copy)
