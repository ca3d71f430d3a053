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
    assert f"Data as of {_newest_date(scene_with_incidents)}" in text and "Rendered 2026-01-02" in text
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


def _newest_date(data) -> str:
    """The newest source or event date of the shipped places and seed records, read directly."""
    dates = [*data.places["source_date"].dropna(), *data.incidents["event_date"].dropna(),
             *data.incidents["source_date"].dropna()]
    return max(str(d)[:10] for d in dates)


def test_data_as_of_takes_the_latest_date(scene_with_incidents, scene_data):
    assert data_as_of(scene_with_incidents) == _newest_date(scene_with_incidents) >= "2025-12-01"
    later = scene_with_incidents.incidents.assign(event_date="2026-03-04")
    assert data_as_of(dataclasses.replace(scene_data, incidents=later)) == "2026-03-04"


def test_default_overlays_are_all_drawn(scene_with_incidents):
    fig = static_map(scene_with_incidents, SceneOptions(basemap=OFFLINE, overlays=DEFAULT_OVERLAYS),
                     size_px=(800, 600), dpi=100)
    text = _texts(fig)
    for label in ("Tajikistan", "Afghanistan", "Russian 201st Military Base", "Chinese project and security sites",
                  "Approximate location"):
        assert label in text, label


# --------------------------------------------------------------------------- the page's layers


def _hex_rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _pixel(fig, lon: float, lat: float) -> tuple[int, int]:
    """(row, col) of the PNG pixel where (lon, lat) lands in ``fig``'s map axes."""
    fig.canvas.draw()
    x, y = fig.axes[0].transData.transform((lon, lat))
    return int(np.rint(fig.bbox.height - y)), int(np.rint(x))


def _near_in(img: np.ndarray, rgb: tuple[int, int, int], row: int, col: int, half: int, tol: int = 30) -> int:
    return _near(img[max(0, row - half):row + half, max(0, col - half):col + half], rgb, tol)


@pytest.fixture(scope="module")
def page_layers(border, scene_data):
    """What the coverage tab and the entry form put on the page's map: coverage of two assets,
    an analyst zone (70.0–70.6 E, 37.6–38.0 N), a candidate zone and the pin at (37.3, 69.5)."""
    from geo.assets import Asset
    from geo.coverage import CoverageParams, compute_coverage
    from geo.deployment import zones_from_geojson
    from layers.coverage import assets_layer, coverage_layer, deployment_layer, drawn_zones_layer
    from layers.pin import pin_layer

    assets = [Asset(id="a1", name="Post 1", kind="border_post", lon=69.4, lat=37.17, radius_km=20),
              Asset(id="a2", name="Post 2", kind="border_post", lon=71.5, lat=37.5, radius_km=20)]
    result = compute_coverage(border, assets, CoverageParams(model="radius"))
    zone = zones_from_geojson('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                              '{"name":"Z"},"geometry":{"type":"Polygon","coordinates":[[[70.0,37.6],'
                              '[70.6,37.6],[70.6,38.0],[70.0,38.0],[70.0,37.6]]]}}]}')
    candidate = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"rank": 1},
                 "geometry": {"type": "Polygon", "coordinates": [[[68.6, 37.6], [69.0, 37.6], [69.0, 37.9],
                                                                  [68.6, 37.9], [68.6, 37.6]]]}}]}
    return [coverage_layer(result), assets_layer(assets), drawn_zones_layer(zone), deployment_layer(candidate),
            pin_layer(37.3, 69.5)]


def test_print_map_draws_coverage_zones_and_the_pin(scene_data, page_layers):
    from layers.coverage import COVERED_COLOR, DRAWN_ZONE_COLOR, GAP_COLOR, ZONE_COLOR
    from layers.pin import PIN_COLOR, PIN_LABEL

    opts = SceneOptions(basemap=OFFLINE, overlays=("border",))
    kwargs = {"bbox": (68.3, 36.9, 71.9, 38.4), "size_px": (1200, 800), "dpi": 100}
    bare = static_map(scene_data, opts, **kwargs)
    fig = static_map(scene_data, opts, extras=page_layers, **kwargs)
    img, before = _png_array(static_bytes(fig, "png")), _png_array(static_bytes(bare, "png"))
    assert _near(img, _hex_rgb(COVERED_COLOR)) > 200 and _near(before, _hex_rgb(COVERED_COLOR)) < 20
    assert _near(img, _hex_rgb(GAP_COLOR), 25) > 2 * _near(before, _hex_rgb(GAP_COLOR), 25) + 200
    # the analyst zone's dashed outline on its west edge; the candidate zone's fill inside it
    (top, col), (bottom, _) = _pixel(fig, 70.0, 37.95), _pixel(fig, 70.0, 37.65)
    edge = (slice(top, bottom), slice(col - 4, col + 4))
    assert _near(img[edge], _hex_rgb(DRAWN_ZONE_COLOR)) > 40
    assert _near(before[edge], _hex_rgb(DRAWN_ZONE_COLOR)) == 0
    row, col = _pixel(fig, 68.8, 37.75)
    tinted = img[row - 3:row + 3, col - 3:col + 3].astype(int)
    plain = before[row - 3:row + 3, col - 3:col + 3].astype(int)
    assert (tinted - plain).any() and tinted[..., 1].mean() < plain[..., 1].mean()  # magenta takes green away
    # the pin stands on its point: its colour just above the point, none below it
    row, col = _pixel(fig, 69.5, 37.3)
    assert _near(img[row - 30:row - 4, col - 8:col + 8], _hex_rgb(PIN_COLOR)) > 40
    assert _near(img[row + 3:row + 20, col - 8:col + 8], _hex_rgb(PIN_COLOR)) == 0
    legend = _texts(fig)
    assert PIN_LABEL in legend and "Analyst-drawn zone" in legend and "Border covered" in legend
    assert "201st deployment zone" in legend and ZONE_COLOR
    assert "analyst-drawn zones: hypotheses" in legend.replace("\n", " ")  # the sources line


def test_print_map_draws_slope_classes_and_highlights(scene_with_incidents, region_dem):
    from geo import dem_io
    from layers.static_map import HIGHLIGHT_LEGEND, slope_rgba
    from layers.terrain import SLOPE_CLASSES

    dem = dem_io.read_dem(str(region_dem))
    one = scene_with_incidents.incidents.iloc[[0]]
    lon, lat = float(one.geometry.x.iloc[0]), float(one.geometry.y.iloc[0])
    fig = static_map(scene_with_incidents, SceneOptions(basemap=OFFLINE, overlays=("incidents",)),
                     bbox=(lon - 1, lat - 0.7, lon + 1, lat + 0.7), dem=dem, hillshade=False, slope=True,
                     highlight_ids=[str(one["id"].iloc[0])], size_px=(900, 600), dpi=100)
    images = [a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)]
    assert len(images) == 1  # slope only, no hillshade
    rgba = np.asarray(images[0].get_array())
    assert rgba.shape[-1] == 4 and (rgba[..., 3] > 0).any()
    page_colours = {tuple(np.array(c[3][:3]) / 255.0) for c in SLOPE_CLASSES}
    drawn = {tuple(px[:3]) for px in rgba.reshape(-1, 4)[rgba.reshape(-1, 4)[:, 3] > 0]}
    assert drawn and all(any(np.allclose(d, p, atol=1e-6) for p in page_colours) for d in drawn)
    texts = _texts(fig)
    assert "slope: " in texts and HIGHLIGHT_LEGEND.label in texts.replace("\n", " ")
    img = _png_array(static_bytes(fig, "png"))
    row, col = _pixel(fig, lon, lat)
    assert _near_in(img, (0, 0, 0), row, col, 14, tol=40) > 20  # the thick black ring
    # the class limits are the page's: 10° is "gentle", 50° "cliffs", 2° transparent
    out = slope_rgba(np.array([[2.0, 10.0, 50.0, np.nan]]))
    assert out[0, 0, 3] == 0 and out[0, 3, 3] == 0
    assert np.allclose(out[0, 1] * 255, SLOPE_CLASSES[1][3], atol=0.5)
    assert np.allclose(out[0, 2] * 255, SLOPE_CLASSES[5][3], atol=0.5)
