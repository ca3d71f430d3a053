"""Terrain from a DEM: hillshade, slope, aspect, ruggedness, profiles, per-segment figures.

Pure computation on a :class:`geo.dem.Dem` (reading files is :mod:`geo.dem_io`).
Every derivative is taken in metres: in a projected CRS the cell size is the
transform's pixel size times the CRS's linear unit; in a geographic CRS it is
computed per row on the DEM's own ellipsoid,

* east–west: ``dx = N(φ) · cos φ · Δλ`` (prime-vertical radius ``N``),
* north–south: ``dy = M(φ) · Δφ`` (meridional radius ``M``),

with ``φ`` the latitude of the row's centre (at 37.5° N, 3″ cells are 73.7 m × 92.5 m).
This is what ``gdaldem -s 111120`` approximates with one constant for both axes,
which overstates the east–west spacing by 1/cos φ (26 % at 37.5° N).

The 3×3 derivatives follow Horn (1981), as ``gdaldem slope|hillshade|aspect`` do by
default; ruggedness is Riley's Terrain Ruggedness Index, ``gdaldem TRI``'s default.
Cells on the grid's edge or next to a NaN cell are NaN (0 for hillshade), like
``gdaldem`` without ``-compute_edges``.

Example
-------
>>> import numpy as np
>>> from affine import Affine
>>> from pyproj import CRS
>>> z = np.tile(np.arange(5, dtype="float32") * 10.0, (5, 1))  # rises 10 m per 10-m cell eastwards
>>> dem = Dem(z, Affine(10, 0, 500_000, 0, -10, 4_150_000), CRS.from_epsg(32642))
>>> float(slope_degrees(dem)[2, 2])
45.0
>>> float(aspect_degrees(dem)[2, 2])  # faces (slopes down towards) the west
270.0
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
from affine import Affine
from numba import njit
from pyproj import CRS, Transformer

from geo.border import Border, points_at_chainage, sample_border
from geo.crs import GEOD, STORAGE_CRS
from geo.dem import Dem
from geo.errors import CRSError, InvalidInputError, TerrainUnavailableError

logger = logging.getLogger(__name__)

__all__ = [
    "Illumination",
    "aspect_degrees",
    "cell_size_m",
    "coarsen_dem",
    "elevation_at",
    "hillshade",
    "profile_along_border",
    "ruggedness",
    "sample_elevation",
    "segment_terrain",
    "slope_at",
    "slope_degrees",
]


@dataclass(frozen=True)
class Illumination:
    """Light for a hillshade.

    Attributes
    ----------
    azimuth : float
        Direction the light comes from, degrees clockwise from north, [0, 360).
    altitude : float
        Sun elevation above the horizon, degrees, (0, 90].
    z_factor : float
        Vertical exaggeration (> 0); elevations are metres.
    """

    azimuth: float = 315.0
    altitude: float = 45.0
    z_factor: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.azimuth) and 0.0 <= self.azimuth <= 360.0):
            raise InvalidInputError(f"azimuth must be 0–360 degrees from north, got {self.azimuth!r}")
        if not (math.isfinite(self.altitude) and 0.0 < self.altitude <= 90.0):
            raise InvalidInputError(f"altitude must be in (0, 90] degrees, got {self.altitude!r}")
        if not (math.isfinite(self.z_factor) and self.z_factor > 0):
            raise InvalidInputError(f"z_factor must be a positive number, got {self.z_factor!r}")


# ---------------------------------------------------------------------------
# cell size in metres


def _horizontal_crs(crs: CRS) -> CRS:
    if crs.is_compound:
        return crs.sub_crs_list[0]
    return crs


def _check_axis_aligned(transform: Affine) -> None:
    if transform.b != 0 or transform.d != 0:
        raise InvalidInputError(
            "the DEM grid is rotated (transform terms b/d are not 0); warp it to a north-up grid "
            "first, e.g. with gdalwarp"
        )
    if transform.a == 0 or transform.e == 0:
        raise InvalidInputError(f"the DEM transform has a zero pixel size: {tuple(transform)[:6]}")


def row_spacing_m(crs: CRS, transform: Affine, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed cell width (east +) and height (north +) in metres for each row index."""
    _check_axis_aligned(transform)
    hcrs = _horizontal_crs(crs)
    rows = np.asarray(rows, dtype=float)
    if hcrs.is_geographic:
        unit = hcrs.axis_info[0].unit_name.lower()
        if "degree" not in unit:
            raise CRSError(f"DEM CRS {hcrs.name!r} is geographic in {unit!r}; only degrees are supported")
        ell = hcrs.ellipsoid
        if ell is None:
            raise CRSError(f"DEM CRS {hcrs.name!r} has no ellipsoid; use EPSG:4326 or a projected CRS")
        a = ell.semi_major_metre
        f = 1.0 / ell.inverse_flattening if ell.inverse_flattening else 0.0
        e2 = f * (2.0 - f)
        lat = np.radians(transform.f + transform.e * (rows + 0.5))
        w = np.sqrt(1.0 - e2 * np.sin(lat) ** 2)
        n_rad = a / w
        m_rad = a * (1.0 - e2) / w**3
        dx = n_rad * np.cos(lat) * math.radians(transform.a)
        dy = m_rad * math.radians(-transform.e)
        return dx, dy
    if hcrs.is_projected:
        factor = float(hcrs.axis_info[0].unit_conversion_factor)
        return (np.full(rows.shape, transform.a * factor), np.full(rows.shape, -transform.e * factor))
    raise CRSError(
        f"DEM CRS {hcrs.name!r} is neither geographic nor projected; reproject the DEM to "
        "EPSG:4326 or a projected CRS (e.g. EPSG:32642)"
    )


def cell_size_m(dem: Dem) -> tuple[float, float]:
    """Cell (width, height) in metres at the DEM's central row.

    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> d = Dem(np.zeros((3, 3), "float32"), Affine(1 / 1200, 0, 70, 0, -1 / 1200, 37.5), CRS.from_epsg(4326))
    >>> [round(v, 1) for v in cell_size_m(d)]  # 3 arc-seconds at 37.5° N
    [73.7, 92.5]
    """
    dx, dy = row_spacing_m(dem.crs, dem.transform, np.array([dem.shape[0] / 2.0 - 0.5]))
    return abs(float(dx[0])), abs(float(dy[0]))


# ---------------------------------------------------------------------------
# grids


def _gradients(dem: Dem) -> tuple[np.ndarray, np.ndarray]:
    """Horn gradients dz/dx (east) and dz/dy (north), dimensionless, for interior cells.

    Returns two float32 arrays of shape (rows - 2, cols - 2).
    """
    z = np.asarray(dem.elevation, dtype=np.float32)
    dx, dy = row_spacing_m(dem.crs, dem.transform, np.arange(1, z.shape[0] - 1))
    inv_dx = (1.0 / (8.0 * dx)).astype(np.float32)[:, None]
    inv_dy = (1.0 / (8.0 * dy)).astype(np.float32)[:, None]
    cd = z[:, 2:] - z[:, :-2]  # right minus left, every row
    p = cd[:-2] + cd[2:]
    p += cd[1:-1]
    p += cd[1:-1]
    del cd
    p *= inv_dx
    rd = z[:-2, :] - z[2:, :]  # top (north) minus bottom, every column
    q = rd[:, :-2] + rd[:, 2:]
    q += rd[:, 1:-1]
    q += rd[:, 1:-1]
    del rd
    q *= inv_dy
    # Horn ignores the centre cell; a no-data centre must still give no-data (as in gdaldem)
    centre_nan = np.isnan(z[1:-1, 1:-1])
    if centre_nan.any():
        p[centre_nan] = np.nan
        q[centre_nan] = np.nan
    return p, q


def _pad(interior: np.ndarray, fill: float | int, dtype: np.dtype | type) -> np.ndarray:
    out = np.empty((interior.shape[0] + 2, interior.shape[1] + 2), dtype=dtype)
    out[0, :] = fill
    out[-1, :] = fill
    out[:, 0] = fill
    out[:, -1] = fill
    out[1:-1, 1:-1] = interior
    return out


def _horn_inputs(dem: Dem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elevations (C order) and each row's cell width and height in metres, for the kernels."""
    z = np.ascontiguousarray(dem.elevation)
    if z.dtype not in (np.float32, np.float64):
        z = z.astype(np.float32)
    dx, dy = row_spacing_m(dem.crs, dem.transform, np.arange(z.shape[0]))
    return z, np.abs(dx), np.abs(dy)


@njit(cache=True, nogil=True)
def _horn_sums(z: np.ndarray, r: int, c: int) -> tuple[float, float]:
    """Horn's weighted differences (east minus west, north minus south) at interior cell (r, c).

    Summed in the grid's own precision and in gdaldem's order, so that slopes come out
    bit-identical to ``gdaldem slope`` on float32 DEMs.
    """
    a, b, cc = z[r - 1, c - 1], z[r - 1, c], z[r - 1, c + 1]
    d, f = z[r, c - 1], z[r, c + 1]
    g, h, i = z[r + 1, c - 1], z[r + 1, c], z[r + 1, c + 1]
    west = a + d + d + g
    east = cc + f + f + i
    north = a + b + b + cc
    south = g + h + h + i
    return float(east - west), float(north - south)


@njit(cache=True, nogil=True)
def _slope_kernel(z: np.ndarray, dx: np.ndarray, dy: np.ndarray, out: np.ndarray) -> None:
    """Slope in degrees into ``out``; NaN on the edge, next to NaN, and on a NaN centre."""
    rows, cols = z.shape
    to_deg = 180.0 / math.pi
    out[0, :] = np.nan
    out[rows - 1, :] = np.nan
    for r in range(1, rows - 1):
        out[r, 0] = np.nan
        out[r, cols - 1] = np.nan
        for c in range(1, cols - 1):
            ew, ns = _horn_sums(z, r, c)
            gx, gy = ew / dx[r], ns / dy[r]
            s = math.atan(math.sqrt(gx * gx + gy * gy) / 8.0) * to_deg
            out[r, c] = s if z[r, c] == z[r, c] else np.nan


@njit(cache=True, nogil=True)
def _horn_sums_square(z: np.ndarray, r: int, c: int) -> tuple[float, float]:
    """:func:`_horn_sums` in the order gdaldem's hillshade uses for square cells (differences first)."""
    a, b, cc = z[r - 1, c - 1], z[r - 1, c], z[r - 1, c + 1]
    d, f = z[r, c - 1], z[r, c + 1]
    g, h, i = z[r + 1, c - 1], z[r + 1, c], z[r + 1, c + 1]
    corner = a - i
    sides = d - f
    middle = b - h
    cross = g - cc
    west_east = corner + sides + sides + cross
    north_south = corner + middle + middle - cross
    return -float(west_east), float(north_south)


@njit(cache=True, nogil=True)
def _hillshade_kernel(z: np.ndarray, dx: np.ndarray, dy: np.ndarray, kx: float, ky: float,
                      k0: float, zf2: float, out: np.ndarray) -> None:
    """``1 + max(0, 254·cos i)`` rounded half up into uint8 ``out``; 0 = no data and the edge.

    Follows gdaldem's arithmetic (its order of summing, float32 output rounded half up).
    gdaldem divides by the square root with an approximate reciprocal (SSE ``rsqrt`` and
    one Newton step); this is exact, so a cell lying within ~1e-7 of a rounding boundary
    may differ from gdaldem's by 1.
    """
    rows, cols = z.shape
    out[0, :] = 0
    out[rows - 1, :] = 0
    for r in range(1, rows - 1):
        out[r, 0] = 0
        out[r, cols - 1] = 0
        square = dx[r] == dy[r]
        for c in range(1, cols - 1):
            ew, ns = _horn_sums_square(z, r, c) if square else _horn_sums(z, r, c)
            p, q = ew / (8.0 * dx[r]), ns / (8.0 * dy[r])
            v = (k0 - kx * p - ky * q) / math.sqrt(1.0 + zf2 * (p * p + q * q))
            if v != v or z[r, c] != z[r, c]:
                out[r, c] = 0
            else:
                shade = np.float32(1.0 + v) if v > 0.0 else np.float32(1.0)
                out[r, c] = int(np.float32(shade + np.float32(0.5)))


def slope_degrees(dem: Dem) -> np.ndarray:
    """Slope in degrees (0 = flat, 90 = vertical), Horn's 3×3 method.

    Parameters
    ----------
    dem : Dem
        Elevations in metres, in a geographic or projected CRS.

    Returns
    -------
    numpy.ndarray
        float32, same shape as the DEM; NaN on the edge and next to NaN cells.

    Example
    -------
    A plane rising 1 m per 10 m northwards (5.71°):

    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> z = np.repeat((np.arange(4, 0, -1, dtype="float32"))[:, None], 4, axis=1)
    >>> d = Dem(z, Affine(10, 0, 0, 0, -10, 0), CRS.from_epsg(32642))
    >>> round(float(slope_degrees(d)[1, 1]), 2)
    5.71
    """
    z, dx, dy = _horn_inputs(dem)
    out = np.empty(z.shape, dtype=np.float32)
    _slope_kernel(z, dx, dy, out)
    return out


def aspect_degrees(dem: Dem) -> np.ndarray:
    """Aspect: the compass direction a slope faces (points downhill), degrees clockwise from north.

    0 = north-facing, 90 = east-facing. Flat cells (zero gradient) are NaN, as are
    edge cells and cells next to NaN.

    Example
    -------
    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> z = np.repeat(np.arange(4, dtype="float32")[:, None], 4, axis=1)  # rises southwards
    >>> d = Dem(z, Affine(10, 0, 0, 0, -10, 0), CRS.from_epsg(32642))
    >>> float(aspect_degrees(d)[1, 1])  # so it faces north
    0.0
    """
    p, q = _gradients(dem)
    flat = (p == 0) & (q == 0)
    a = np.degrees(np.arctan2(-p, -q)).astype(np.float32)
    a %= 360.0
    a[flat] = np.nan
    return _pad(a, np.nan, np.float32)


def hillshade(dem: Dem, azimuth: float = 315.0, altitude: float = 45.0, z_factor: float = 1.0) -> np.ndarray:
    """Shaded relief as ``gdaldem hillshade`` makes it: uint8, 1–255, 0 = no data.

    ``value = 1 + 254 · max(0, cos i)`` where ``i`` is the angle between the
    surface normal (Horn gradients, in metres) and the direction of the light.
    Flat ground at the default 45° altitude is 181.

    Parameters
    ----------
    dem : Dem
        Elevations in metres.
    azimuth, altitude : float
        Light direction (degrees clockwise from north) and elevation (degrees).
    z_factor : float
        Vertical exaggeration.

    Example
    -------
    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> d = Dem(np.zeros((3, 3), "float32"), Affine(30, 0, 0, 0, -30, 0), CRS.from_epsg(32642))
    >>> int(hillshade(d)[1, 1])
    181
    """
    light = Illumination(azimuth, altitude, z_factor)
    az, alt, zf = math.radians(light.azimuth), math.radians(light.altitude), light.z_factor
    z, dx, dy = _horn_inputs(dem)
    out = np.empty(z.shape, dtype=np.uint8)
    _hillshade_kernel(z, dx, dy, 254.0 * zf * math.cos(alt) * math.sin(az),
                      254.0 * zf * math.cos(alt) * math.cos(az), 254.0 * math.sin(alt), zf * zf, out)
    return out


def ruggedness(dem: Dem) -> np.ndarray:
    """Terrain Ruggedness Index (Riley et al. 1999), metres.

    ``sqrt(Σ (z_k − z_0)²)`` over the 8 neighbours ``k`` of each cell — the default
    algorithm of ``gdaldem TRI`` for land DEMs.

    Example
    -------
    >>> from affine import Affine
    >>> from pyproj import CRS
    >>> z = np.zeros((3, 3), "float32"); z[1, 1] = 1.0  # a 1-m bump
    >>> d = Dem(z, Affine(30, 0, 0, 0, -30, 0), CRS.from_epsg(32642))
    >>> round(float(ruggedness(d)[1, 1]), 3)  # sqrt(8)
    2.828
    """
    z = np.asarray(dem.elevation, dtype=np.float32)
    centre = z[1:-1, 1:-1]
    acc = np.zeros(centre.shape, dtype=np.float32)
    rows, cols = z.shape
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == 0 and dc == 0:
                continue
            d = z[1 + dr:rows - 1 + dr, 1 + dc:cols - 1 + dc] - centre
            d *= d
            acc += d
    np.sqrt(acc, out=acc)
    return _pad(acc, np.nan, np.float32)


def coarsen_dem(dem: Dem, factor: int) -> Dem:
    """A new DEM whose cells are ``factor × factor`` block means (NaN-aware) of ``dem``'s.

    Trailing rows/columns that do not fill a whole block are dropped. ``factor``
    1 returns ``dem`` itself.
    """
    if int(factor) != factor or factor < 1:
        raise InvalidInputError(f"factor must be a positive integer, got {factor!r}")
    factor = int(factor)
    if factor == 1:
        return dem
    rows, cols = dem.shape[0] // factor, dem.shape[1] // factor
    if rows < 2 or cols < 2:
        raise InvalidInputError(f"factor {factor} is too large for a DEM of shape {dem.shape}")
    z = np.asarray(dem.elevation[: rows * factor, : cols * factor], dtype=np.float32)
    blocks = z.reshape(rows, factor, cols, factor)
    if not np.isnan(z).any():
        mean = blocks.sum(axis=3, dtype=np.float32).sum(axis=1, dtype=np.float64) / (factor * factor)
        return Dem(mean.astype(np.float32), dem.transform @ Affine.scale(factor), dem.crs, dem.source)
    valid = ~np.isnan(blocks)
    total = np.where(valid, blocks, 0.0).sum(axis=(1, 3), dtype=np.float64)
    count = valid.sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan).astype(np.float32)
    return Dem(mean, dem.transform @ Affine.scale(factor), dem.crs, dem.source)


# ---------------------------------------------------------------------------
# sampling at points


@lru_cache(maxsize=16)
def _from_lonlat(crs_wkt: str) -> Transformer:
    return Transformer.from_crs(STORAGE_CRS, CRS.from_wkt(crs_wkt), always_xy=True)


def _to_pixel(dem: Dem, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fractional (col, row) of lon/lat points; cell centres are at integer + 0.5."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if dem.crs.equals(STORAGE_CRS):
        x, y = lon, lat
    else:
        x, y = _from_lonlat(dem.crs.to_wkt()).transform(lon, lat)
    inv = ~dem.transform
    col = inv.a * x + inv.b * y + inv.c
    row = inv.d * x + inv.e * y + inv.f
    return np.asarray(col), np.asarray(row)


def sample_elevation(dem: Dem, lon: np.ndarray, lat: np.ndarray, method: str = "bilinear") -> np.ndarray:
    """Elevations (m) at many lon/lat points (EPSG:4326); NaN outside the DEM or on no-data.

    ``method`` is ``"bilinear"`` (between the four nearest cell centres) or
    ``"nearest"`` (the value of the cell the point falls in).
    """
    col, row = _to_pixel(dem, lon, lat)
    z = dem.elevation
    h, w = dem.shape
    inside = (col >= 0) & (col <= w) & (row >= 0) & (row <= h) & np.isfinite(col) & np.isfinite(row)
    out = np.full(col.shape, np.nan, dtype=np.float64)
    if method == "nearest":
        r = np.clip(np.floor(row[inside]).astype(np.int64), 0, h - 1)
        c = np.clip(np.floor(col[inside]).astype(np.int64), 0, w - 1)
        out[inside] = z[r, c]
        return out
    if method != "bilinear":
        raise InvalidInputError(f"method must be 'bilinear' or 'nearest', got {method!r}")
    fc = np.clip(col[inside] - 0.5, 0.0, w - 1.0)
    fr = np.clip(row[inside] - 0.5, 0.0, h - 1.0)
    c0 = np.minimum(np.floor(fc).astype(np.int64), w - 2)
    r0 = np.minimum(np.floor(fr).astype(np.int64), h - 2)
    tx, ty = fc - c0, fr - r0
    z00, z01 = z[r0, c0], z[r0, c0 + 1]
    z10, z11 = z[r0 + 1, c0], z[r0 + 1, c0 + 1]
    out[inside] = (z00 * (1 - tx) * (1 - ty) + z01 * tx * (1 - ty)
                   + z10 * (1 - tx) * ty + z11 * tx * ty)
    return out


def _require_inside(dem: Dem, lon: float, lat: float) -> tuple[int, int]:
    col, row = _to_pixel(dem, np.array([lon]), np.array([lat]))
    c, r = float(col[0]), float(row[0])
    h, w = dem.shape
    if not (0 <= c < w and 0 <= r < h):
        raise TerrainUnavailableError(
            f"point lat {lat:.5f}, lon {lon:.5f} is outside the DEM ({dem.source or 'no source'}); "
            "use a DEM that covers it"
        )
    return int(r), int(c)


def elevation_at(dem: Dem, lon: float, lat: float) -> float:
    """Elevation (m) at one lon/lat point (EPSG:4326), bilinear between cell centres.

    Returns NaN on no-data cells; raises :class:`TerrainUnavailableError` outside the DEM.
    """
    _require_inside(dem, lon, lat)
    return float(sample_elevation(dem, np.array([lon]), np.array([lat]))[0])


def _horn_at_cells(dem: Dem, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slope (degrees) and TRI (m) at given cells; NaN on the edge or next to no-data."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    h, w = dem.shape
    ok = (rows >= 1) & (rows <= h - 2) & (cols >= 1) & (cols <= w - 2)
    r, c = np.where(ok, rows, 1), np.where(ok, cols, 1)
    z = dem.elevation

    def at(dr: int, dc: int) -> np.ndarray:
        return z[r + dr, c + dc].astype(np.float64)

    a, b, cc = at(-1, -1), at(-1, 0), at(-1, 1)
    d, e, f = at(0, -1), at(0, 0), at(0, 1)
    g, hh, i = at(1, -1), at(1, 0), at(1, 1)
    dx, dy = row_spacing_m(dem.crs, dem.transform, r)
    p = ((cc + 2 * f + i) - (a + 2 * d + g)) / (8 * dx)
    q = ((a + 2 * b + cc) - (g + 2 * hh + i)) / (8 * dy)
    slope = np.degrees(np.arctan(np.hypot(p, q)))
    tri = np.sqrt(sum((v - e) ** 2 for v in (a, b, cc, d, f, g, hh, i)))
    slope[~ok] = np.nan
    tri[~ok] = np.nan
    return slope, tri


def slope_at(dem: Dem, lon: float, lat: float) -> float:
    """Slope (degrees, Horn) of the cell containing one lon/lat point (EPSG:4326).

    NaN on the DEM's edge or next to no-data; raises :class:`TerrainUnavailableError`
    outside the DEM.
    """
    r, c = _require_inside(dem, lon, lat)
    return float(_horn_at_cells(dem, np.array([r]), np.array([c]))[0][0])


# ---------------------------------------------------------------------------
# along the border


def _corridor_offsets_km(dem: Dem, corridor_km: float) -> np.ndarray:
    if corridor_km == 0:
        return np.zeros(1)
    cell_km = min(cell_size_m(dem)) / 1000.0
    per_side = int(min(100, max(3, math.ceil(corridor_km / (cell_km / 1.5)))))
    return np.linspace(-corridor_km, corridor_km, 2 * per_side + 1)


def profile_along_border(dem: Dem, border: Border, step_km: float = 1.0,
                         corridor_km: float = 3.0) -> pd.DataFrame:
    """Elevation along the border from west (km 0) to east, with a cross-border corridor.

    Parameters
    ----------
    dem : Dem
        Elevations in metres (any supported CRS).
    border : Border
        From :func:`geo.border.load_border`.
    step_km : float
        Spacing of the samples along the line (geodesic km, > 0).
    corridor_km : float
        Half-width (km, 0–50) of a line perpendicular to the border at each sample;
        ``corridor_min_m``/``corridor_max_m`` are the lowest/highest cell values met
        along it (with samples every ~2/3 cell, ≤ 201 per line).

    Returns
    -------
    pandas.DataFrame
        ``chainage_km, lon, lat, elevation_m, corridor_min_m, corridor_max_m``
        (EPSG:4326 lon/lat; metres; NaN where the DEM has no data).

    Example
    -------
    >>> prof = profile_along_border(dem, load_border(), step_km=5)  # doctest: +SKIP
    >>> prof.elevation_m.iloc[0] < prof.elevation_m.iloc[-1]  # doctest: +SKIP
    True
    """
    if not (isinstance(step_km, int | float) and math.isfinite(step_km) and 0.01 <= step_km <= 100):
        raise InvalidInputError(f"step_km must be between 0.01 and 100 km, got {step_km!r}")
    if not (isinstance(corridor_km, int | float) and math.isfinite(corridor_km) and 0 <= corridor_km <= 50):
        raise InvalidInputError(f"corridor_km must be between 0 and 50 km, got {corridor_km!r}")
    pts = sample_border(border, step_km)
    km = pts["chainage_km"].to_numpy()
    lon, lat = pts["lon"].to_numpy(), pts["lat"].to_numpy()
    elevation = sample_elevation(dem, lon, lat)
    # local direction of the line → perpendicular azimuth
    h = min(step_km / 2.0, 0.25)
    ahead = points_at_chainage(border, km + h)
    behind = points_at_chainage(border, km - h)
    fwd_az, _, _ = GEOD.inv(behind[:, 0], behind[:, 1], ahead[:, 0], ahead[:, 1])
    offsets = _corridor_offsets_km(dem, float(corridor_km))
    n, k = len(km), len(offsets)
    az = np.repeat(np.asarray(fwd_az) + 90.0, k)
    dist = np.tile(offsets * 1000.0, n)
    clon, clat, _ = GEOD.fwd(np.repeat(lon, k), np.repeat(lat, k), az, dist)
    values = sample_elevation(dem, np.asarray(clon), np.asarray(clat), method="nearest").reshape(n, k)
    values = np.column_stack([values, elevation])
    has = np.isfinite(values).any(axis=1)
    cmin = np.full(n, np.nan)
    cmax = np.full(n, np.nan)
    cmin[has] = np.nanmin(values[has], axis=1)
    cmax[has] = np.nanmax(values[has], axis=1)
    missing = int((~np.isfinite(elevation)).sum())
    logger.info("profile: %d samples every %.2f km, corridor ±%.1f km (%d points), %d without data",
                n, step_km, corridor_km, n * k, missing)
    return pd.DataFrame({"chainage_km": km, "lon": lon, "lat": lat, "elevation_m": elevation,
                         "corridor_min_m": cmin, "corridor_max_m": cmax})


def _densify_geodesic(coords: np.ndarray, spacing_m: float) -> np.ndarray:
    """Points every ``spacing_m`` (geodesic) along a lon/lat polyline, ends included."""
    _, _, seg = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    n = max(2, math.ceil(cum[-1] / spacing_m) + 1)
    d = np.linspace(0.0, cum[-1], n)
    return np.column_stack([np.interp(d, cum, coords[:, 0]), np.interp(d, cum, coords[:, 1])])


def segment_terrain(dem: Dem, segments_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Terrain figures for each border segment (from :func:`geo.border.segment_border`).

    Each segment's line is sampled every half cell (20–500 m); the cells met give

    * ``elev_mean_m`` — mean elevation (m),
    * ``slope_mean_deg``, ``slope_max_deg`` — Horn slope (degrees),
    * ``tri_mean_m`` — mean Terrain Ruggedness Index (Riley, m),
    * ``terrain_samples`` — how many samples had data.

    Returns a new GeoDataFrame (the input is not changed); NaN where no sample has data.
    """
    if segments_gdf.crs is None:
        raise CRSError("layer 'segments' has no CRS; build it with geo.border.segment_border")
    segs = segments_gdf if segments_gdf.crs.equals(STORAGE_CRS) else segments_gdf.to_crs(STORAGE_CRS)
    spacing = float(np.clip(min(cell_size_m(dem)) / 2.0, 20.0, 500.0))
    pieces, ids = [], []
    for idx, geom in enumerate(segs.geometry):
        if geom is None or geom.is_empty or geom.geom_type != "LineString":
            continue
        pts = _densify_geodesic(np.asarray(geom.coords)[:, :2], spacing)
        pieces.append(pts)
        ids.append(np.full(len(pts), idx))
    n_seg = len(segs)
    result = segments_gdf.copy()
    cols = {"elev_mean_m": np.full(n_seg, np.nan), "slope_mean_deg": np.full(n_seg, np.nan),
            "slope_max_deg": np.full(n_seg, np.nan), "tri_mean_m": np.full(n_seg, np.nan),
            "terrain_samples": np.zeros(n_seg, dtype=np.int64)}
    if pieces:
        pts = np.vstack(pieces)
        seg_id = np.concatenate(ids)
        col, row = _to_pixel(dem, pts[:, 0], pts[:, 1])
        h, w = dem.shape
        inside = (col >= 0) & (col < w) & (row >= 0) & (row < h)
        r = np.where(inside, np.floor(row), 0).astype(np.int64)
        c = np.where(inside, np.floor(col), 0).astype(np.int64)
        elev = np.where(inside, dem.elevation[r, c], np.nan).astype(np.float64)
        slope, tri = _horn_at_cells(dem, np.where(inside, r, -1), c)
        frame = pd.DataFrame({"seg": seg_id, "elev": elev, "slope": slope, "tri": tri})
        grouped = frame.groupby("seg")
        stats = grouped.agg(elev=("elev", "mean"), slope_mean=("slope", "mean"),
                            slope_max=("slope", "max"), tri=("tri", "mean"), n=("elev", "count"))
        where = stats.index.to_numpy()
        cols["elev_mean_m"][where] = stats["elev"].to_numpy()
        cols["slope_mean_deg"][where] = stats["slope_mean"].to_numpy()
        cols["slope_max_deg"][where] = stats["slope_max"].to_numpy()
        cols["tri_mean_m"][where] = stats["tri"].to_numpy()
        cols["terrain_samples"][where] = stats["n"].to_numpy()
    for name, values in cols.items():
        result[name] = values
    logger.info("segment terrain: %d segments, sample spacing %.0f m, %d without data",
                n_seg, spacing, int((cols["terrain_samples"] == 0).sum()))
    return result
