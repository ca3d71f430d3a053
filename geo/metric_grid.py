"""The DEM window that distance-based terrain work (viewsheds, cost-distance) runs on.

Viewsheds and cost-distance need cell sizes in metres. :func:`metric_grid` returns
the part of a :class:`geo.dem.Dem` that covers given metric bounds as a grid in
:data:`geo.crs.METRIC_CRS` (azimuthal equidistant, metres): a DEM already in that CRS
is windowed without resampling; any other (e.g. EPSG:4326) is reprojected with
bilinear resampling at about its native cell size.

:func:`analysis_grid` avoids the resampling for a geographic DEM: it windows the DEM
on its own grid and gives each row its cell width and height in metres on the DEM's
ellipsoid (:meth:`MetricGrid.cell_size_at`). Within a viewshed's or a patrol's reach
(tens of km) those sizes vary by well under 1 % (3″ at 37.5° N: 73.7 m × 92.5 m), so an
analysis around one point treats the window as a local metric grid — exact cell
values, no smoothing by interpolation, and no cost of reprojecting the region.

Example
-------
>>> import numpy as np
>>> from affine import Affine
>>> from pyproj import CRS
>>> from geo.dem import Dem
>>> dem = Dem(np.zeros((40, 40), np.float32), Affine(0.01, 0, 70.6, 0, -0.01, 37.7),
...           CRS.from_epsg(4326))
>>> g = metric_grid(dem, (-10_000, -10_000, 10_000, 10_000))
>>> round(g.cell_m), g.elevation.shape
(883, (23, 23))
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from affine import Affine
from pyproj import CRS, Transformer
from rasterio.enums import Resampling
from rasterio.warp import reproject

from geo.crs import METRIC_CRS
from geo.dem import Dem
from geo.errors import InvalidInputError, TerrainUnavailableError
from geo.terrain import row_spacing_m

logger = logging.getLogger(__name__)

# built once: making a Transformer costs ~20 ms, more than transforming thousands of points
_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


@dataclass(frozen=True)
class MetricGrid:
    """Elevation on square metric cells in :data:`METRIC_CRS`.

    Attributes
    ----------
    elevation : numpy.ndarray
        float32 metres, NaN = no data; row 0 is the northern edge.
    transform : affine.Affine
        Pixel → ``crs`` coordinates (upper-left corner of a cell).
    cell_m : float
        Cell size in metres (for a geographic grid: the smaller side at its centre).
    source : str
        The DEM's source.
    crs : pyproj.CRS
        :data:`METRIC_CRS`, or the DEM's own geographic CRS (see :func:`analysis_grid`).
    """

    elevation: np.ndarray
    transform: Affine
    cell_m: float
    source: str = ""
    crs: CRS = METRIC_CRS

    @property
    def is_geographic(self) -> bool:
        """True for a window of a geographic DEM on its own grid (cells in degrees)."""
        return bool(self.crs.is_geographic)

    def cell_size_at(self, row: int) -> tuple[float, float]:
        """(width, height) in metres of the cells of ``row``."""
        if not self.is_geographic:
            return self.cell_m, self.cell_m
        dx, dy = row_spacing_m(self.crs, self.transform, np.array([row]))
        return abs(float(dx[0])), abs(float(dy[0]))

    def lonlat_cells(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, col, inside) of EPSG:4326 points; ``inside`` False for points off the grid."""
        if self.is_geographic:
            return self.cells_of(lon, lat)
        return self.cells_of(*to_metric_xy(lon, lat))

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols)."""
        return (int(self.elevation.shape[0]), int(self.elevation.shape[1]))

    def cells_of(self, x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, col, inside) of points in the grid's CRS; ``inside`` False for points off the grid."""
        inv = ~self.transform
        col_f, row_f = inv @ (np.asarray(x_m, dtype=float), np.asarray(y_m, dtype=float))
        row = np.floor(row_f).astype(np.int64)
        col = np.floor(col_f).astype(np.int64)
        rows, cols = self.shape
        inside = (row >= 0) & (row < rows) & (col >= 0) & (col < cols)
        return np.clip(row, 0, rows - 1), np.clip(col, 0, cols - 1), inside

    def centres(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of cell centres in the grid's CRS."""
        t = self.transform
        c = np.asarray(cols, dtype=float) + 0.5
        r = np.asarray(rows, dtype=float) + 0.5
        return t.a * c + t.b * r + t.c, t.d * c + t.e * r + t.f


def native_cell_m(dem: Dem) -> float:
    """Approximate cell size of ``dem`` in metres (the smaller of its two axes)."""
    a, e = abs(dem.transform.a), abs(dem.transform.e)
    if dem.crs.is_geographic:
        # not Dem.bounds: it uses Affine's deprecated ``*`` operator
        rows, cols = dem.shape
        _, lat0 = dem.transform @ (cols / 2, rows / 2)
        lat = math.radians(lat0)
        return float(min(a * 111_320.0 * math.cos(lat), e * 110_574.0))
    factor = dem.crs.axis_info[0].unit_conversion_factor if dem.crs.axis_info else 1.0
    return float(min(a, e) * factor)


def metric_grid(dem: Dem, bounds_m: tuple[float, float, float, float],
                cell_m: float | None = None) -> MetricGrid:
    """The part of ``dem`` covering ``bounds_m`` as a grid in :data:`METRIC_CRS`.

    Parameters
    ----------
    dem : Dem
        Any CRS.
    bounds_m : (west, south, east, north)
        Area wanted, metres in METRIC_CRS.
    cell_m : float, optional
        Output cell size, m; default the DEM's native cell size.

    Raises
    ------
    TerrainUnavailableError
        If the DEM does not overlap the bounds at all.
    """
    w, s, e, n = (float(v) for v in bounds_m)
    if not (e > w and n > s):
        raise InvalidInputError(f"bounds_m must be (west, south, east, north), got {bounds_m!r}")
    if dem.crs.equals(METRIC_CRS) and cell_m is None:
        return _window_same_crs(dem, (w, s, e, n))
    size = float(cell_m) if cell_m is not None else native_cell_m(dem)
    if not (math.isfinite(size) and size > 0):
        raise InvalidInputError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    cols = max(2, math.ceil((e - w) / size))
    rows = max(2, math.ceil((n - s) / size))
    dst_transform = Affine(size, 0.0, w, 0.0, -size, n)
    dst = np.full((rows, cols), np.nan, dtype=np.float32)
    reproject(source=np.asarray(dem.elevation, dtype=np.float32), destination=dst,
              src_transform=dem.transform, src_crs=CRS.from_user_input(dem.crs), src_nodata=np.nan,
              dst_transform=dst_transform, dst_crs=METRIC_CRS, dst_nodata=np.nan,
              resampling=Resampling.bilinear)
    if np.isnan(dst).all():
        raise TerrainUnavailableError(
            f"the DEM ({dem.source or 'unnamed'}) does not cover the analysis area; "
            "use a DEM of the Tajik–Afghan border region"
        )
    logger.info("DEM resampled to METRIC_CRS: %d×%d cells of %.0f m", rows, cols, size)
    return MetricGrid(dst, dst_transform, size, dem.source)


def analysis_grid(dem: Dem, bounds_m: tuple[float, float, float, float],
                  cell_m: float | None = None) -> MetricGrid:
    """Like :func:`metric_grid`, but a geographic DEM keeps its own grid (no resampling).

    With ``cell_m`` given, or a projected DEM, this is :func:`metric_grid`. A DEM in
    EPSG:4326 (or another geographic CRS in degrees) is windowed to the lon/lat box
    that covers ``bounds_m``; the window is a view of the DEM's array, not a copy.
    """
    if cell_m is not None or not dem.crs.is_geographic:
        return metric_grid(dem, bounds_m, cell_m)
    w, s, e, n = (float(v) for v in bounds_m)
    if not (e > w and n > s):
        raise InvalidInputError(f"bounds_m must be (west, south, east, north), got {bounds_m!r}")
    to_geo = Transformer.from_crs(METRIC_CRS, CRS.from_user_input(dem.crs), always_xy=True)
    lon0, lat0, lon1, lat1 = to_geo.transform_bounds(w, s, e, n, densify_pts=21)
    inv = ~dem.transform
    ca, ra = inv @ (lon0, lat1)
    cb, rb = inv @ (lon1, lat0)
    rows, cols = dem.shape
    r0, r1 = max(0, math.floor(min(ra, rb))), min(rows, math.ceil(max(ra, rb)))
    c0, c1 = max(0, math.floor(min(ca, cb))), min(cols, math.ceil(max(ca, cb)))
    if r1 - r0 < 2 or c1 - c0 < 2:
        raise TerrainUnavailableError(
            f"the DEM ({dem.source or 'unnamed'}) does not cover the analysis area; "
            "use a DEM of the Tajik–Afghan border region"
        )
    elev = dem.elevation[r0:r1, c0:c1]
    if elev.dtype != np.float32:
        elev = elev.astype(np.float32)
    transform = dem.transform @ Affine.translation(c0, r0)
    logger.info("DEM window on its own grid: %d×%d cells", r1 - r0, c1 - c0)
    return MetricGrid(elev, transform, native_cell_m(dem), dem.source, CRS.from_user_input(dem.crs))


def _window_same_crs(dem: Dem, bounds: tuple[float, float, float, float]) -> MetricGrid:
    t = dem.transform
    if abs(abs(t.a) - abs(t.e)) > 1e-6 * abs(t.a) or t.b != 0 or t.d != 0 or t.a < 0 or t.e > 0:
        raise InvalidInputError("a DEM in METRIC_CRS must be north-up with square cells; "
                                "pass cell_m to resample it")
    inv = ~t
    c0, r0 = inv @ (bounds[0], bounds[3])
    c1, r1 = inv @ (bounds[2], bounds[1])
    rows, cols = dem.shape
    r0, c0 = max(0, math.floor(r0)), max(0, math.floor(c0))
    r1, c1 = min(rows, math.ceil(r1)), min(cols, math.ceil(c1))
    if r1 - r0 < 2 or c1 - c0 < 2:
        raise TerrainUnavailableError(
            f"the DEM ({dem.source or 'unnamed'}) does not cover the analysis area; "
            "use a DEM of the Tajik–Afghan border region"
        )
    elev = np.asarray(dem.elevation[r0:r1, c0:c1], dtype=np.float32)
    return MetricGrid(elev, t @ Affine.translation(c0, r0), float(t.a), dem.source)


def to_metric_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:4326 lon/lat (degrees) → METRIC_CRS x/y (metres)."""
    x, y = _TO_METRIC.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)
