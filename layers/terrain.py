"""Map overlays from a DEM: hillshade and slope classes as Leaflet image overlays.

Each builder returns a ``folium.raster_layers.ImageOverlay`` holding a PNG as a
``data:`` URI (no file, no tile server), ready for the page to add to its map.

Geometry: Leaflet stretches an image overlay linearly between the projected
(Web Mercator, EPSG:3857) positions of its south-west and north-east corners, so
an image whose rows are equally spaced in *latitude* would be misplaced in the
middle — by up to ≈ 3.6 km over the region's 35.5–39.9° N. The rasters are
therefore warped onto an EPSG:3857 grid spanning the requested lon/lat bounds
(bilinear), and the overlay's bounds are those lon/lat corners.

Size: the DEM is block-averaged first so the image is at most ``max_width``
pixels wide (1,500 by default; a few hundred kB of PNG for the whole region), and
the derivative is computed at that resolution — shading then shows the relief at
map scale instead of aliasing noise.
"""

from __future__ import annotations

import base64
import io
import logging
import math

import folium
import numpy as np
from affine import Affine
from PIL import Image
from rasterio.enums import Resampling
from rasterio.warp import reproject, transform_bounds

from geo import terrain
from geo.crs import REGION_BOUNDS
from geo.dem import Dem
from geo.errors import InvalidInputError, TerrainUnavailableError
from geo.sanitize import escape_html
from layers.basemaps import RELIEF_PANE

logger = logging.getLogger(__name__)

WEB_MERCATOR = "EPSG:3857"
#: Default largest overlay width (pixels).
MAX_WIDTH = 1500

#: Slope classes (degrees, lower bound inclusive) with their colours (RGBA) and legend labels.
SLOPE_CLASSES: tuple[tuple[float, float, str, tuple[int, int, int, int]], ...] = (
    (0.0, 5.0, "0–5° (flat, vehicles)", (255, 255, 204, 0)),
    (5.0, 15.0, "5–15° (gentle)", (161, 218, 180, 170)),
    (15.0, 25.0, "15–25° (steep on foot)", (254, 204, 92, 190)),
    (25.0, 35.0, "25–35° (very steep)", (253, 141, 60, 210)),
    (35.0, 45.0, "35–45° (climbing)", (227, 26, 28, 220)),
    (45.0, 90.01, "> 45° (cliffs)", (128, 0, 38, 230)),
)

LegendEntries = list[tuple[str, str]]


def _hex(rgba: tuple[int, int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


def slope_legend() -> LegendEntries:
    """(label, colour) for each slope class, in order (first class is drawn transparent)."""
    return [(label, _hex(rgba)) for _, _, label, rgba in SLOPE_CLASSES]


# ---------------------------------------------------------------------------
# grid preparation


def _dem_lonlat_bounds(dem: Dem) -> tuple[float, float, float, float]:
    t, (rows, cols) = dem.transform, dem.shape
    xs, ys = (t.c, t.c + cols * t.a), (t.f, t.f + rows * t.e)
    return transform_bounds(dem.crs.to_wkt(), "EPSG:4326", min(xs), min(ys), max(xs), max(ys), densify_pts=21)


Bounds = tuple[float, float, float, float]


def _clip_bounds(dem: Dem, bounds: Bounds | None) -> Bounds:
    w, s, e, n = REGION_BOUNDS if bounds is None else tuple(float(v) for v in bounds)
    if not (all(math.isfinite(v) for v in (w, s, e, n)) and w < e and s < n and -85 < s and n < 85):
        raise InvalidInputError(
            f"bounds must be W,S,E,N in degrees with W < E, S < N, |lat| < 85, got {bounds!r}"
        )
    dw, ds, de, dn = _dem_lonlat_bounds(dem)
    cw, cs, ce, cn = max(w, dw), max(s, ds), min(e, de), min(n, dn)
    if not (cw < ce and cs < cn):
        raise TerrainUnavailableError(
            f"the DEM ({dem.source or 'no source'}) does not cover the map bounds W,S,E,N = {(w, s, e, n)}"
        )
    return cw, cs, ce, cn


def _crop(dem: Dem, bounds: tuple[float, float, float, float], pad: int = 2) -> Dem:
    """The part of ``dem`` covering lon/lat ``bounds`` plus ``pad`` cells (a view, not a copy)."""
    xb = transform_bounds("EPSG:4326", dem.crs.to_wkt(), *bounds, densify_pts=21)
    inv = ~dem.transform
    cols = [inv.a * x + inv.b * y + inv.c for x in (xb[0], xb[2]) for y in (xb[1], xb[3])]
    rows = [inv.d * x + inv.e * y + inv.f for x in (xb[0], xb[2]) for y in (xb[1], xb[3])]
    h, w = dem.shape
    c0, c1 = max(0, math.floor(min(cols)) - pad), min(w, math.ceil(max(cols)) + pad)
    r0, r1 = max(0, math.floor(min(rows)) - pad), min(h, math.ceil(max(rows)) + pad)
    if c1 - c0 < 3 or r1 - r0 < 3:
        raise TerrainUnavailableError("the DEM has fewer than 3×3 cells inside the map bounds")
    return Dem(dem.elevation[r0:r1, c0:c1], dem.transform @ Affine.translation(c0, r0), dem.crs, dem.source)


def _target_grid(bounds: tuple[float, float, float, float], src_width_px: float,
                 max_width: int) -> tuple[Affine, int, int]:
    x0, y0, x1, y1 = transform_bounds("EPSG:4326", WEB_MERCATOR, *bounds, densify_pts=21)
    width = int(max(2, min(max_width, math.ceil(src_width_px))))
    height = int(max(2, round(width * (y1 - y0) / (x1 - x0))))
    return Affine((x1 - x0) / width, 0, x0, 0, -(y1 - y0) / height, y1), width, height


def _prepare(dem: Dem, bounds: tuple[float, float, float, float] | None,
             max_width: int) -> tuple[Dem, tuple[float, float, float, float], Affine, int, int]:
    if not (isinstance(max_width, int) and 16 <= max_width <= 8192):
        raise InvalidInputError(f"max_width must be an integer between 16 and 8192 px, got {max_width!r}")
    box = _clip_bounds(dem, bounds)
    cropped = _crop(dem, box)
    src_px = cropped.shape[1]
    dst_transform, width, height = _target_grid(box, src_px, max_width)
    factor = max(1, int(src_px // width))
    if factor > 1 and min(cropped.shape) // factor >= 3:
        cropped = terrain.coarsen_dem(cropped, factor)
    return cropped, box, dst_transform, width, height


def _warp(values: np.ndarray, src: Dem, dst_transform: Affine, width: int, height: int) -> np.ndarray:
    out = np.full((height, width), np.nan, dtype=np.float32)
    reproject(np.asarray(values, dtype=np.float32), out, src_transform=src.transform,
              src_crs=src.crs.to_wkt(), src_nodata=np.nan, dst_transform=dst_transform,
              dst_crs=WEB_MERCATOR, dst_nodata=np.nan, resampling=Resampling.bilinear)
    return out


def png_data_uri(image: np.ndarray, mode: str) -> str:
    """An image array (``mode`` "LA" grey+alpha or "RGBA") as a PNG ``data:`` URI."""
    buf = io.BytesIO()
    img = Image.fromarray(image)
    if img.mode != mode:
        raise InvalidInputError(f"expected a {mode} image, got {img.mode}")
    img.save(buf, format="PNG", compress_level=6)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def overlay_from_png(uri: str, box: tuple[float, float, float, float], name: str, opacity: float,
             attribution: str) -> folium.raster_layers.ImageOverlay:
    """A Leaflet image overlay of a PNG data URI over lon/lat ``box`` (W, S, E, N)."""
    w, s, e, n = box
    return folium.raster_layers.ImageOverlay(
        image=uri, bounds=[[s, w], [n, e]], name=escape_html(name), opacity=float(opacity),
        interactive=False, cross_origin=False, zindex=1, pixelated=False, pane=RELIEF_PANE,
        attribution=escape_html(attribution),
    )


# ---------------------------------------------------------------------------
# public builders


def hillshade_image(dem: Dem, bounds: tuple[float, float, float, float] | None = None, *,
                    max_width: int = MAX_WIDTH, azimuth: float = 315.0, altitude: float = 45.0,
                    z_factor: float = 1.0) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Hillshade warped to Web Mercator: (uint8 grey+alpha array (h, w, 2), lon/lat bounds W,S,E,N)."""
    src, box, dst_transform, width, height = _prepare(dem, bounds, max_width)
    shade = terrain.hillshade(src, azimuth, altitude, z_factor).astype(np.float32)
    shade[shade == 0] = np.nan
    # display: flat ground (255·sin(altitude)) becomes white, so the relief darkens only slopes
    # facing away from the light when multiplied over the basemap
    shade = np.minimum(shade * (255.0 / (255.0 * math.sin(math.radians(altitude)))), 255.0)
    warped = _warp(shade, src, dst_transform, width, height)
    valid = np.isfinite(warped)
    image = np.zeros((height, width, 2), dtype=np.uint8)
    image[..., 0] = np.clip(np.rint(np.where(valid, warped, 0)), 0, 255).astype(np.uint8)
    image[..., 1] = np.where(valid, 255, 0).astype(np.uint8)
    return image, box


def hillshade_overlay(dem: Dem, bounds: tuple[float, float, float, float] | None = None, *,
                      max_width: int = MAX_WIDTH, opacity: float = 0.45, name: str = "Hillshade",
                      azimuth: float = 315.0, altitude: float = 45.0,
                      z_factor: float = 1.0) -> folium.raster_layers.ImageOverlay:
    """Shaded relief of ``dem`` over ``bounds`` (lon/lat, default the region) as an image overlay.

    Parameters
    ----------
    dem : Dem
        Elevations (m) in any supported CRS.
    bounds : (W, S, E, N), optional
        Degrees; clipped to the DEM's footprint. Default :data:`geo.crs.REGION_BOUNDS`.
    max_width : int
        Largest image width in pixels.
    opacity : float
        Overlay opacity (0–1).

    Example
    -------
    >>> layer = hillshade_overlay(read_dem("dem.tif"))  # doctest: +SKIP
    >>> layer.add_to(folium_map)  # doctest: +SKIP
    """
    image, box = hillshade_image(dem, bounds, max_width=max_width, azimuth=azimuth, altitude=altitude,
                                 z_factor=z_factor)
    logger.info("hillshade overlay %dx%d px over %s", image.shape[1], image.shape[0], box)
    return overlay_from_png(png_data_uri(image, "LA"), box, name, opacity, f"Relief: {dem.source}")


def slope_image(dem: Dem, bounds: tuple[float, float, float, float] | None = None, *,
                max_width: int = MAX_WIDTH) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Slope classes warped to Web Mercator: (uint8 RGBA array (h, w, 4), lon/lat bounds W,S,E,N).

    Slope is computed in degrees at the (coarsened) display resolution, so it
    understates local slopes of a fine DEM.
    """
    src, box, dst_transform, width, height = _prepare(dem, bounds, max_width)
    slope = terrain.slope_degrees(src)
    warped = _warp(slope, src, dst_transform, width, height)
    image = np.zeros((height, width, 4), dtype=np.uint8)
    for lo, hi, _, rgba in SLOPE_CLASSES:
        sel = (warped >= lo) & (warped < hi)
        image[sel] = rgba
    return image, box


def slope_overlay(dem: Dem, bounds: tuple[float, float, float, float] | None = None, *,
                  max_width: int = MAX_WIDTH, opacity: float = 0.7,
                  name: str = "Slope") -> tuple[folium.raster_layers.ImageOverlay, LegendEntries]:
    """Slope classes of ``dem`` as an image overlay, with its legend.

    Returns
    -------
    (ImageOverlay, list of (label, "#rrggbb"))
        The legend follows :data:`SLOPE_CLASSES`; labels are plain text (escape
        them where they reach HTML, e.g. with :func:`geo.sanitize.escape_html`).
    """
    image, box = slope_image(dem, bounds, max_width=max_width)
    logger.info("slope overlay %dx%d px over %s", image.shape[1], image.shape[0], box)
    layer = overlay_from_png(png_data_uri(image, "RGBA"), box, name, opacity, f"Slope from {dem.source}")
    return layer, slope_legend()
