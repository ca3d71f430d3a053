"""The static print map: drawn from our own layers, no browser, PNG and one-page PDF."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import numpy as np
import pytest
from affine import Affine
from matplotlib.image import AxesImage
from pyproj import CRS

from geo import datasets
from geo.crs import METRIC_CRS
from geo.dem import Dem
from geo.errors import InvalidInputError
from layers.basemaps import OFFLINE
from layers.scene import DEFAULT_OVERLAYS, SceneOptions
from layers.static_map import (
    data_as_of,
    nice_length,
    plain_text,
    save_static,
    static_bytes,
    static_map,
)

BORDER_RGB = (214, 39, 40)


def _near(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 20) -> int:
    return int((np.abs(img[..., :3].astype(int) - np.array(rgb)).max(axis=-1) <= tol).sum())


def _png_array(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"
        return np.asarray(im.convert("RGB"))


@pytest.fixture(scope="module")
def scene_with_incidents(scene_data):
    return dataclasses.replace(scene_data, incidents=datasets.load_layer(datasets.SEED_INCIDENTS_FILE))


def _texts(fig) -> str:
    parts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        parts += [t.get_text() for t in ax.texts]
    for legend in fig.legends:
        parts += [legend.get_title().get_text(), *(t.get_text() for t in legend.get_texts())]
    return "\n".join(parts)


def test_png_has_size_border_and_print_furniture(scene_with_incidents):
    fig = static_map(scene_with_incidents, SceneOptions(basemap=OFFLINE), size_px=(1200, 800), dpi=100,
                     today=date(2026, 1, 2))
    img = _png_array(static_bytes(fig, "png"))
    assert img.shape == (800, 1200, 3)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 200
    assert _near(img, BORDER_RGB) > 500
    text = _texts(fig)
    assert "Tajikistan–Afghanistan border" in text  # title and legend
    assert "Legend" in text and "Border crossings and bridges" in text and "Incident: " in text
    assert "km" in text and "Scale true at" in text  # scale bar
    assert "N" in [t.get_text() for t in fig.axes[0].texts]  # north arrow
    assert "Sources — Border and countries: DCW-GMT" in text
    assert "Data as of 2026-01-29" in text and "Rendered 2026-01-02" in text  # newest seed source: TASS, 29 Jan 2026
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks and all(re.fullmatch(r"\d+(\.\d+)?°E", t) for t in ticks)  # graticule labels


def test_pdf_has_exactly_one_page(scene_with_incidents, tmp_path):
    fig = static_map(scene_with_incidents, SceneOptions(basemap=OFFLINE), size_px=(1200, 800))
    path = save_static(fig, tmp_path / "map.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) == 1


def test_layers_follow_the_options(scene_data):
    fig = static_map(scene_data, SceneOptions(basemap=OFFLINE, overlays=("town",)), size_px=(600, 400), dpi=100)
    img = _png_array(static_bytes(fig, "png"))
    assert _near(img, BORDER_RGB) == 0  # the border overlay is off: no red anywhere
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Towns" in legend and "Tajikistan–Afghanistan border" not in legend


def test_hostile_text_is_shown_literally(scene_data, hostile_places):
    data = dataclasses.replace(scene_data, places=hostile_places.assign(kind="town"))
    title = "Report ${window.__xss=1} <script>alert(1)</script> $x^2$"
    fig = static_map(data, SceneOptions(basemap=OFFLINE, overlays=("border", "town")), title=title,
                     bbox=(69.8, 37.5, 70.8, 38.1), size_px=(600, 400), dpi=100)
    png = static_bytes(fig, "png")  # mathtext would fail on unbalanced "$" if not escaped
    pdf = static_bytes(fig, "pdf")
    assert png and pdf.startswith(b"%PDF")
    labels = [t.get_text() for t in fig.axes[0].texts]
    for payload in hostile_places["name"]:
        assert plain_text(payload) in labels
    assert any(t.get_text() == plain_text(title) for t in fig.texts)


def test_bbox_frames_the_map_and_bad_input_is_refused(scene_data):
    fig = static_map(scene_data, SceneOptions(basemap=OFFLINE), bbox=(71.0, 37.0, 72.0, 38.0), size_px=(800, 600))
    (w, e), (s, n) = fig.axes[0].get_xlim(), fig.axes[0].get_ylim()
    assert w <= 71.0 and e >= 72.0 and s <= 37.0 and n >= 38.0  # grown to fill the frame, never cut
    assert min(e - w - 1.0, n - s - 1.0) < 1e-9  # …along one axis only
    with pytest.raises(InvalidInputError, match="outside the region"):
        static_map(scene_data, SceneOptions(basemap=OFFLINE), bbox=(0, 0, 1, 1))
    with pytest.raises(InvalidInputError, match="size_px"):
        static_map(scene_data, SceneOptions(basemap=OFFLINE), size_px=(10, 10**6))
    with pytest.raises(InvalidInputError, match="format"):
        static_bytes(fig, "svg")


def _tilted_dem(crs: CRS, transform: Affine, shape=(40, 60)) -> Dem:
    rows, cols = np.indices(shape, dtype=np.float32)
    return Dem((rows + cols) * 50.0, transform, crs, source="test DEM")


@pytest.mark.parametrize("projected", [False, True])
def test_hillshade_underlay_from_a_dem(scene_data, projected):
    if projected:
        dem = _tilted_dem(METRIC_CRS, Affine(2000.0, 0, -60_000.0, 0, -2000.0, 40_000.0))
    else:
        dem = _tilted_dem(CRS.from_epsg(4326), Affine(0.02, 0, 70.0, 0, -0.02, 38.2))
    fig = static_map(scene_data, SceneOptions(basemap=OFFLINE), bbox=(69.5, 37.0, 71.5, 38.5), dem=dem,
                     size_px=(600, 400), dpi=100)
    images = [a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)]
    assert len(images) == 1
    shade = images[0].get_array()
    assert 0.0 <= float(shade.min()) and float(shade.max()) <= 1.0
    assert "hillshade: test DEM" in _texts(fig)


def test_dem_outside_the_map_draws_no_hillshade(scene_data):
    dem = _tilted_dem(CRS.from_epsg(4326), Affine(0.02, 0, 74.0, 0, -0.02, 39.5))
    fig = static_map(scene_data, SceneOptions(basemap=OFFLINE), bbox=(68.0, 37.0, 69.0, 38.0), dem=dem,
                     size_px=(600, 400), dpi=100)
    assert not [a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)]


@pytest.mark.parametrize(("target", "expected"), [(173.0, 100.0), (0.7, 0.5), (25.0, 20.0), (9.99, 5.0)])
def test_nice_length(target, expected):
    assert nice_length(target) == expected


def test_data_as_of_takes_the_latest_date(scene_with_incidents, scene_data):
    assert data_as_of(scene_with_incidents) == "2026-01-29"  # the newest source date of the seed records
    later = scene_with_incidents.incidents.assign(event_date="2026-03-04")
    assert data_as_of(dataclasses.replace(scene_data, incidents=later)) == "2026-03-04"


def test_default_overlays_are_all_drawn(scene_with_incidents):
    fig = static_map(scene_with_incidents, SceneOptions(basemap=OFFLINE, overlays=DEFAULT_OVERLAYS),
                     size_px=(800, 600), dpi=100)
    text = _texts(fig)
    for label in ("Tajikistan", "Afghanistan", "Russian 201st Military Base", "Chinese project and security sites",
                  "Approximate location"):
        assert label in text, label
