"""Hillshade and slope image overlays (layers.terrain) on DEMs built in code."""

from __future__ import annotations

import base64
import io
import math
import subprocess
import sys
from pathlib import Path

import folium
import numpy as np
import pytest
from affine import Affine
from PIL import Image
from pyproj import CRS, Transformer

from geo.crs import REGION_BOUNDS
from geo.dem import Dem
from geo.errors import InvalidInputError, TerrainUnavailableError
from layers import terrain as layer

REPO = Path(__file__).resolve().parents[2]
GEO = CRS.from_epsg(4326)


def region_dem(z_of_lonlat, res: float = 0.01, source: str = "synthetic") -> Dem:
    w, s, e, n = REGION_BOUNDS
    cols, rows = round((e - w) / res), round((n - s) / res)
    lon = w + (np.arange(cols) + 0.5) * res
    lat = n - (np.arange(rows) + 0.5) * res
    z = z_of_lonlat(lon[None, :], lat[:, None]) + np.zeros((rows, cols))
    return Dem(z.astype(np.float32), Affine(res, 0, w, 0, -res, n), GEO, source)


def decode(overlay: folium.raster_layers.ImageOverlay) -> Image.Image:
    url = overlay.url
    assert url.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def test_hillshade_overlay_is_a_small_png_in_region_bounds():
    dem = region_dem(lambda lon, lat: 2000 + 800 * np.sin(lon * 7) * np.cos(lat * 5))
    overlay = layer.hillshade_overlay(dem)
    assert isinstance(overlay, folium.raster_layers.ImageOverlay)
    w, s, e, n = REGION_BOUNDS
    np.testing.assert_allclose(overlay.bounds, [[s, w], [n, e]])
    img = decode(overlay)
    assert img.mode == "LA" and img.width == 900  # the DEM's 900 columns, under the 1,500 cap
    grey, alpha = np.asarray(img)[..., 0], np.asarray(img)[..., 1]
    assert alpha[1:-1, 1:-1].min() == 255 and grey.std() > 10  # the DEM's own edge is no-data


def test_large_dem_is_downsampled_to_max_width():
    dem = region_dem(lambda lon, lat: 1000 + 100 * lon, res=0.0025)  # 3,600 columns
    img = decode(layer.hillshade_overlay(dem))
    assert img.width == layer.MAX_WIDTH
    small = decode(layer.hillshade_overlay(dem, max_width=400))
    assert small.width == 400 and small.height < 400
    with pytest.raises(InvalidInputError, match="max_width"):
        layer.hillshade_overlay(dem, max_width=5)


def test_flat_dem_gives_constant_shade_and_transparent_slope():
    dem = region_dem(lambda lon, lat: 1500.0, res=0.05)
    image, _ = layer.hillshade_image(dem)
    valid = image[..., 1] == 255
    # flat ground is drawn white (it is multiplied over the basemap)
    assert valid.mean() > 0.95 and set(np.unique(image[..., 0][valid])) == {255}
    rgba, _ = layer.slope_image(dem)
    assert rgba[..., 3].max() == 0


def test_slope_overlay_colours_a_plane_by_its_class_and_returns_the_legend():
    # 30° plane rising north, in metres along the meridian (≈ 110.95 km per degree here)
    dem = region_dem(lambda lon, lat: (lat - 35.5) * 110_950 * math.tan(math.radians(30)), res=0.02)
    overlay, legend = layer.slope_overlay(dem, bounds=(70, 37, 71, 38))
    assert legend == layer.slope_legend() and len(legend) == len(layer.SLOPE_CLASSES)
    assert all(isinstance(label, str) and colour.startswith("#") and len(colour) == 7
               for label, colour in legend)
    pixels = np.asarray(decode(overlay)).reshape(-1, 4)
    expected = next(rgba for lo, hi, _, rgba in layer.SLOPE_CLASSES if lo <= 30 < hi)
    assert (pixels == expected).all(axis=1).mean() > 0.9
    np.testing.assert_allclose(overlay.bounds, [[37, 70], [38, 71]])


def test_image_rows_are_placed_for_web_mercator_not_linear_latitude():
    """A cliff along 37.7° N must sit where Leaflet's Mercator stretch puts 37.7° N."""
    dem = region_dem(lambda lon, lat: np.where(lat > 37.7, 3000.0, 1000.0), res=0.005)
    rgba, (w, s, _, n) = layer.slope_image(dem, max_width=1500)
    rows = np.nonzero(rgba[..., 3].max(axis=1) > 0)[0]
    row = rows.mean() + 0.5
    to_merc = Transformer.from_crs(GEO, "EPSG:3857", always_xy=True)
    (_, y_s), (_, y_n), (_, y_c) = (to_merc.transform(w, lat) for lat in (s, n, 37.7))
    h = rgba.shape[0]
    mercator_row = (y_n - y_c) / (y_n - y_s) * h
    linear_row = (n - 37.7) / (n - s) * h
    assert abs(row - mercator_row) <= 1.5
    assert abs(linear_row - mercator_row) > 5  # the error a lat/lon image would make


def test_projected_dem_and_clipping_to_dem_footprint():
    utm = CRS.from_epsg(32642)
    x = np.arange(400) * 100.0
    z = np.tile(500 + 0.2 * x, (300, 1))  # 11.3° slope eastwards, 40 × 30 km
    dem = Dem(z.astype(np.float32), Affine(100, 0, 500_000, 0, -100, 4_200_000), utm, "utm")
    overlay = layer.hillshade_overlay(dem)  # region bounds, clipped to the DEM's footprint
    (s, w), (n, e) = overlay.bounds
    assert 68.9 < w < 69.1 and e - w < 0.5 and n - s < 0.3
    assert decode(overlay).width <= 400


def test_bounds_errors():
    dem = region_dem(lambda lon, lat: 1000.0, res=0.05)
    with pytest.raises(TerrainUnavailableError, match="does not cover"):
        layer.hillshade_overlay(dem, bounds=(10, 45, 11, 46))
    with pytest.raises(InvalidInputError, match="bounds"):
        layer.slope_overlay(dem, bounds=(71, 38, 70, 39))


def test_source_text_is_escaped_in_the_map_html():
    dem = region_dem(lambda lon, lat: 1000 + 10 * lon, res=0.05, source="<img src=x onerror=alert(1)>${x}")
    m = folium.Map(location=[37.7, 71], zoom_start=7)
    layer.hillshade_overlay(dem, name="Relief `x`").add_to(m)
    html = m.get_root().render()
    assert "<img src=x" not in html and "${x}" not in html and "`x`" not in html


def test_layer_and_geo_import_boundaries():
    code = (
        "import sys; import geo.terrain, geo.dem_io, geo.dem_fetch, cli.terrain_cmd; "
        "assert 'folium' not in sys.modules and 'streamlit' not in sys.modules, 'geo imports UI'; "
        "import layers.terrain; assert 'streamlit' not in sys.modules, 'layers imports streamlit'"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
