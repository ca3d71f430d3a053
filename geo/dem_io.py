"""Reading DEMs (GeoTIFF / COG, local or over HTTP) and writing derived rasters.

The I/O edge of the terrain code: :func:`read_dem` opens any single-band DEM that
GDAL reads — a local path or an ``http(s)://`` URL (read through GDAL's
``/vsicurl/``, so a COG is fetched by ranges) — in a geographic or projected CRS,
and reads **only the window** covering the requested lon/lat bounds (by default
the tool's region, :data:`geo.crs.REGION_BOUNDS`), padded by a few cells so that
3×3 derivatives are defined at the bounds. No-data cells become NaN. A window over
``max_cells`` is read decimated (GDAL averages, using overviews when the file has
them) and the returned :class:`~geo.dem.Dem`'s ``source`` says so.

:func:`derive_raster` turns a DEM file into a slope / hillshade / aspect / TRI
GeoTIFF, processing strips of rows (with a one-row halo) so that memory stays
bounded whatever the size of the DEM.

Which DEM to use (:func:`resolve_dem_source`): ``--dem`` argument, then the
``BORDERMAP_DEM`` environment variable, then :func:`default_dem_path`
(``$XDG_DATA_HOME/border-map/dem.tif``, i.e. ``~/.local/share/border-map/dem.tif``),
then the coarse overview DEM shipped in ``data/`` (:func:`geo.datasets.default_dem_path`).
``none`` as ``--dem`` or ``BORDERMAP_DEM`` switches terrain off. Results read from the
shipped DEM carry :data:`geo.datasets.SHIPPED_DEM_LABEL` in ``Dem.source``.
"""

from __future__ import annotations

import logging
import math
import os
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS
from rasterio.enums import MaskFlags, Resampling
from rasterio.errors import RasterioError, RasterioIOError
from rasterio.warp import transform_bounds
from rasterio.windows import Window, from_bounds

from geo import datasets, terrain
from geo.crs import REGION_BOUNDS
from geo.dem import Dem
from geo.errors import (
    BorderMapError,
    CRSError,
    DataFileError,
    InvalidInputError,
    TerrainUnavailableError,
    check_writable_folder,
    folder_problem,
    shown,
    write_error,
)
from geo.settings import DEM_ENV, read_settings

logger = logging.getLogger(__name__)

#: Environment variable naming the DEM to use when no ``--dem`` is given (read by :mod:`geo.settings`).
DEM_ENV_VAR = DEM_ENV
#: Most cells :func:`read_dem` reads at full resolution (≈ 240 MB as float32).
DEFAULT_MAX_CELLS = 60_000_000
#: Largest raster side (cells) a DEM file may declare; SRTM 1″ of the whole region is ≈ 32,400.
MAX_SIDE_CELLS = 200_000
#: Largest cell count a DEM file may declare (≈ 30 m over 80° × 80°).
MAX_FILE_CELLS = 4_000_000_000
#: Most cells a decimated read may have to scan (when the file has no overview close enough):
#: ≈ 1 GB of float32, a few seconds. Beyond it the file needs overviews (gdaladdo).
MAX_SCAN_CELLS = 250_000_000
#: GDAL block cache while :func:`read_dem` reads a window, MB (a row of tiles fits).
_READ_CACHE_MB = 64
#: Most cells :func:`derive_raster` writes (a 4 GB float32 GeoTIFF).
MAX_DERIVE_CELLS = 1_000_000_000
#: Products :func:`derive_raster` can write.
PRODUCTS = ("slope", "hillshade", "aspect", "tri")

_URL_PREFIXES = ("http://", "https://")
_VSICURL_OPTIONS = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.tiff,.vrt",
    "GDAL_HTTP_TIMEOUT": "30",
}


def default_dem_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the app keeps its DEM: ``$XDG_DATA_HOME/border-map/dem.tif``.

    ``XDG_DATA_HOME`` defaults to ``~/.local/share`` (XDG Base Directory spec).
    """
    return read_settings(environ).default_dem


def resolve_dem_source(dem: str | os.PathLike[str] | None = None,
                       environ: Mapping[str, str] | None = None,
                       data_dir: Path = datasets.DATA_DIR) -> str:
    """The DEM to open: ``dem`` if given, else ``$BORDERMAP_DEM``, else the user's default file,
    else the coarse DEM shipped in ``data_dir`` (``none`` in either setting: no DEM).

    Raises
    ------
    DataFileError
        If an explicitly named local file (argument or environment) does not exist.
    TerrainUnavailableError
        If nothing is named and the default file does not exist; the message says
        how to get one.
    """
    configured = read_settings(environ)
    for origin, value in (("--dem", dem), (DEM_ENV_VAR, configured.dem)):
        if value is None or str(value) == "":
            continue
        text = str(value)
        if text.strip().lower() == datasets.NO_DEM:
            w, s, e, n = REGION_BOUNDS
            raise TerrainUnavailableError(
                f"no DEM: {origin} is '{datasets.NO_DEM}', so terrain is switched off; pass --dem PATH, or "
                f"build the regional one with 'python -m geo terrain fetch --bbox {w},{s},{e},{n}'"
            )
        if text.startswith(_URL_PREFIXES) or text.startswith("/vsi"):
            return text
        if not Path(text).expanduser().is_file():
            raise DataFileError(f"DEM file {text!r} (from {origin}) does not exist; check the path")
        return str(Path(text).expanduser())
    chosen = datasets.default_dem_path(configured.default_dem, data_dir)
    if chosen is not None:
        return str(chosen)
    w, s, e, n = REGION_BOUNDS
    raise TerrainUnavailableError(
        f"no DEM found: pass --dem PATH (or set {DEM_ENV_VAR}), or build the regional one with "
        f"'python -m geo terrain fetch --bbox {w},{s},{e},{n}' (Copernicus GLO-90, needs internet), "
        f"which writes {configured.default_dem}"
    )


def _gdal_path(source: str | os.PathLike[str]) -> str:
    text = str(source)
    if text.startswith(_URL_PREFIXES):
        return "/vsicurl/" + text
    return text


def _gdal_reason(exc: BaseException, path: str) -> str:
    """GDAL's message without the file's path or name (the caller names the file), ≤ 160 chars."""
    text = str(exc)
    for name in sorted({path, os.path.basename(path), path.removeprefix("/vsicurl/")}, key=len, reverse=True):
        if name:
            text = text.replace(name, "")
    text = " ".join(text.replace("''", "").replace('""', "").replace(": :", ":").strip(" :").split())
    return text[:159] + "…" if len(text) > 160 else text


def _open(source: str | os.PathLike[str]) -> rasterio.DatasetReader:
    path = _gdal_path(source)
    if not path.startswith("/vsi") and not Path(path).is_file():
        raise DataFileError(f"DEM file {str(source)!r} does not exist; check the path")
    try:
        return rasterio.open(path)
    except RasterioIOError as exc:
        if path.startswith("/vsicurl/"):
            raise DataFileError(
                f"DEM URL {shown(source)} could not be opened (offline, wrong URL or not a GeoTIFF): "
                f"{_gdal_reason(exc, path)}"
            ) from exc
        raise DataFileError(
            f"DEM file {shown(source)} is not a readable raster (corrupt or not a GeoTIFF/COG): "
            f"{_gdal_reason(exc, path)}"
        ) from exc


def _check_crs(src: rasterio.DatasetReader, source: str) -> CRS:
    if src.crs is None:
        raise CRSError(
            f"DEM {source!r} has no CRS; assign one (e.g. gdal_edit.py -a_srs EPSG:4326 FILE) and retry"
        )
    crs = CRS.from_user_input(src.crs.to_wkt())
    hcrs = crs.sub_crs_list[0] if crs.is_compound else crs
    if not (hcrs.is_geographic or hcrs.is_projected):
        raise CRSError(
            f"DEM {source!r} is in {hcrs.name!r}, which is neither geographic nor projected; "
            "reproject it to EPSG:4326 or a projected CRS (e.g. with gdalwarp -t_srs EPSG:32642)"
        )
    t = src.transform
    if t.b != 0 or t.d != 0:
        raise CRSError(f"DEM {source!r} has a rotated grid; warp it to a north-up grid with gdalwarp")
    return crs


def _validate_bounds(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    if len(bounds) != 4 or not all(math.isfinite(float(v)) for v in bounds):
        raise InvalidInputError(f"bounds must be four finite numbers W,S,E,N in degrees, got {bounds!r}")
    w, s, e, n = (float(v) for v in bounds)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InvalidInputError(
            f"bounds must be W,S,E,N with W < E and S < N in degrees (lon ±180, lat ±90), got {bounds!r}"
        )
    return w, s, e, n


def _region_window(src: rasterio.DatasetReader, crs: CRS, bounds: tuple[float, float, float, float],
                   pad_cells: int, source: str) -> Window:
    """The dataset window covering lon/lat ``bounds`` plus ``pad_cells``, clipped to the file."""
    w, s, e, n = bounds
    try:
        xb = transform_bounds("EPSG:4326", src.crs, w, s, e, n, densify_pts=21)
    except Exception as exc:  # PROJ raises several types when a region is outside a CRS's domain
        raise TerrainUnavailableError(
            f"DEM {source!r} ({crs.name}) cannot represent the area {bounds}: {exc}"
        ) from exc
    if not all(math.isfinite(v) for v in xb):
        raise TerrainUnavailableError(f"DEM {source!r} ({crs.name}) cannot represent the area {bounds}")
    win = from_bounds(*xb, transform=src.transform)
    col0 = math.floor(win.col_off) - pad_cells
    row0 = math.floor(win.row_off) - pad_cells
    col1 = math.ceil(win.col_off + win.width) + pad_cells
    row1 = math.ceil(win.row_off + win.height) + pad_cells
    c0, r0 = max(col0, 0), max(row0, 0)
    c1, r1 = min(col1, src.width), min(row1, src.height)
    if c1 - c0 < 2 or r1 - r0 < 2:
        b = src.bounds
        raise TerrainUnavailableError(
            f"DEM {source!r} covers ({b.left:.4g}, {b.bottom:.4g}, {b.right:.4g}, {b.top:.4g}) in "
            f"{crs.name}, which does not overlap the area W,S,E,N = {bounds}; use a DEM of the "
            "Tajikistan–Afghanistan border region"
        )
    return Window(c0, r0, c1 - c0, r1 - r0)


def _check_declared_size(src: rasterio.DatasetReader, source: str) -> None:
    """Refuse, from the header alone, a file whose declared grid no DEM of the region needs."""
    if src.count < 1:
        raise DataFileError(f"DEM {shown(source)} has no raster band")
    width, height = src.width, src.height
    if width > MAX_SIDE_CELLS or height > MAX_SIDE_CELLS or width * height > MAX_FILE_CELLS:
        raise DataFileError(
            f"DEM {shown(source)} declares {width:,} × {height:,} cells, beyond what is read here "
            f"(at most {MAX_SIDE_CELLS:,} per side and {MAX_FILE_CELLS:,} cells); cut the region out "
            "first, e.g. with gdal_translate -projwin")


def _scan_cells(src: rasterio.DatasetReader, cells: int, factor: int) -> int:
    """Cells GDAL reads for a window of ``cells`` decimated by ``factor``: from the largest
    overview not coarser than ``factor`` (the full grid when there is none)."""
    usable = [f for f in (src.overviews(1) or []) if f <= factor]
    return cells // (max(usable) ** 2) if usable else cells


def _window_transform(transform: Affine, win: Window) -> Affine:
    """Transform of a window (rasterio's own uses the deprecated ``*`` of affine 3)."""
    return transform @ Affine.translation(win.col_off, win.row_off)


def _read_float(src: rasterio.DatasetReader, window: Window, name: str,
                out_shape: tuple[int, int] | None = None) -> np.ndarray:
    """Band 1 in ``window`` as float32 with NaN for no-data (and for ±inf).

    Uses the nodata value directly (one pass) unless the file has a mask band or
    alpha, in which case GDAL's mask is honoured through a masked read.
    """
    kwargs: dict[str, object] = {"window": window}
    if out_shape is not None:
        kwargs.update(out_shape=out_shape, resampling=Resampling.average)
    flags = src.mask_flag_enums[0]
    try:
        if MaskFlags.per_dataset in flags or MaskFlags.alpha in flags:
            data = src.read(1, masked=True, **kwargs)
            arr = np.ma.filled(data.astype(np.float32), np.nan)
        else:
            arr = src.read(1, out_dtype="float32", **kwargs)
            nodata = src.nodata
            if nodata is not None and not math.isnan(nodata):
                arr[arr == np.float32(nodata)] = np.nan
    except RasterioError as exc:
        raise DataFileError(f"DEM {shown(name)} could not be read (corrupt data?): "
                            f"{_gdal_reason(exc, name)}") from exc
    np.copyto(arr, np.nan, where=np.isinf(arr))
    return arr


def read_dem(source: str | os.PathLike[str], bounds: tuple[float, float, float, float] = REGION_BOUNDS,
             pad_cells: int = 2, max_cells: int = DEFAULT_MAX_CELLS) -> Dem:
    """Read the part of a DEM that covers ``bounds`` (lon/lat) into a :class:`Dem`.

    Parameters
    ----------
    source : str or path
        A GeoTIFF/COG (or any single-band raster GDAL reads): local path or
        ``http(s)://`` URL. Band 1 holds elevations in metres.
    bounds : (W, S, E, N)
        Area wanted, degrees (EPSG:4326). Default: the tool's region.
    pad_cells : int
        Extra cells read on every side (clipped to the file).
    max_cells : int
        Above this many cells the window is read decimated (averaged) by the
        smallest integer factor that fits, and ``Dem.source`` records it.

    Returns
    -------
    Dem
        float32 elevations with NaN for no-data, the window's transform and CRS.

    Raises
    ------
    DataFileError
        Missing, unreadable or corrupt file.
    CRSError
        No CRS, or one that is neither geographic nor projected, or a rotated grid.
    TerrainUnavailableError
        The DEM does not overlap ``bounds``, or has no data there.
    """
    bounds = _validate_bounds(bounds)
    if pad_cells < 0:
        raise InvalidInputError(f"pad_cells must be ≥ 0, got {pad_cells!r}")
    if max_cells < 4:
        raise InvalidInputError(f"max_cells must be ≥ 4, got {max_cells!r}")
    name = str(source)
    env: dict[str, str | int] = dict(_VSICURL_OPTIONS) if _gdal_path(source).startswith("/vsicurl/") else {}
    if "GDAL_CACHEMAX" not in os.environ:
        # one pass over the window: GDAL's block cache would only hold a second copy of it
        env["GDAL_CACHEMAX"] = _READ_CACHE_MB
    with rasterio.Env(**env), _open(source) as src:
        _check_declared_size(src, name)
        crs = _check_crs(src, name)
        win = _region_window(src, crs, bounds, pad_cells, name)
        cells = int(win.width) * int(win.height)
        factor = 1
        if cells > max_cells:
            factor = math.ceil(math.sqrt(cells / max_cells))
            while math.ceil(win.width / factor) * math.ceil(win.height / factor) > max_cells:
                factor += 1
            scan = _scan_cells(src, cells, factor)
            if scan > MAX_SCAN_CELLS:
                raise DataFileError(
                    f"DEM {shown(name)}: the area needs {cells:,} cells of it and the file has no overviews "
                    f"to read them from quickly (more than {MAX_SCAN_CELLS:,} cells to scan); build "
                    "overviews (gdaladdo -r average FILE) or use a coarser DEM")
        out_shape = (max(2, int(win.height) // factor), max(2, int(win.width) // factor))
        elevation = _read_float(src, win, name, out_shape if factor > 1 else None)
        transform = _window_transform(src.transform, win)
        if factor > 1:
            transform = transform @ Affine.scale(win.width / out_shape[1], win.height / out_shape[0])
        desc = src.tags().get("SOURCE") or ""
    if not np.isfinite(elevation).any():
        raise TerrainUnavailableError(
            f"DEM {name!r} has no data (all cells are no-data) in the area W,S,E,N = {bounds}"
        )
    label = Path(name).name if not name.startswith(_URL_PREFIXES) else name
    if desc:
        label = f"{label} ({desc})"
    if datasets.is_shipped_dem(name):
        label = f"{Path(name).name} ({datasets.SHIPPED_DEM_LABEL})"
    if factor > 1:
        note = (f"decimated {factor}× (window of {cells:,} cells > max_cells {max_cells:,}); "
                "pass smaller bounds for full resolution")
        logger.warning("DEM %s %s", name, note)
        label = f"{label} [{note}]"
    logger.info("read DEM %s window %dx%d (factor %d)", name, out_shape[1], out_shape[0], factor)
    return Dem(elevation, transform, crs, label)


# ---------------------------------------------------------------------------
# file → file products


@dataclass(frozen=True)
class DeriveResult:
    """What :func:`derive_raster` wrote: path, product, (rows, cols) and source DEM."""

    path: Path
    product: str
    shape: tuple[int, int]
    source: str


def _compute(product: str, dem: Dem, light: terrain.Illumination) -> np.ndarray:
    if product == "slope":
        return terrain.slope_degrees(dem)
    if product == "hillshade":
        return terrain.hillshade(dem, light.azimuth, light.altitude, light.z_factor)
    if product == "aspect":
        return terrain.aspect_degrees(dem)
    return terrain.ruggedness(dem)


def derive_raster(source: str | os.PathLike[str], dst: str | os.PathLike[str], product: str, *,
                  bounds: tuple[float, float, float, float] | None = REGION_BOUNDS,
                  light: terrain.Illumination | None = None, chunk_rows: int = 512,
                  compress: str | None = None, workers: int = 2,
                  progress: Callable[[int, int], None] | None = None) -> DeriveResult:
    """Write ``product`` (slope, hillshade, aspect or tri) of a DEM file to a GeoTIFF.

    Works in strips of ``chunk_rows`` rows read with a one-row halo, so peak memory
    is a few strips whatever the DEM's size. Output: tiled GeoTIFF in the DEM's CRS
    and grid; slope/aspect in degrees and TRI in metres as float32 with nodata
    −9999, hillshade as uint8 with nodata 0 (as ``gdaldem`` writes them). The outer
    ring of cells of the window is no-data.

    Parameters
    ----------
    source : str or path
        The DEM (path or URL).
    dst : str or path
        Output ``.tif``; written to ``dst + '.part'`` then renamed.
    product : str
        One of :data:`PRODUCTS`.
    bounds : (W, S, E, N) or None
        Lon/lat area to process (padded 1 cell); ``None`` = the whole file.
    light : Illumination, optional
        For hillshade (default: azimuth 315°, altitude 45°).
    chunk_rows : int
        Rows per strip (≥ 16).
    compress : str, optional
        GeoTIFF compression (e.g. ``"deflate"``); none by default (fastest).
    workers : int
        Threads computing strips in parallel (local files; URLs use one).
    progress : callable(done_rows, total_rows), optional
        Called after each strip.
    """
    if product not in PRODUCTS:
        raise InvalidInputError(f"product must be one of {', '.join(PRODUCTS)}, got {product!r}")
    if workers < 1:
        raise InvalidInputError(f"workers must be ≥ 1, got {workers!r}")
    if chunk_rows < 16:
        raise InvalidInputError(f"chunk_rows must be ≥ 16, got {chunk_rows!r}")
    light = light or terrain.Illumination()
    dst = Path(dst)
    name = str(source)
    part = dst.with_name(dst.name + ".part")
    env = _VSICURL_OPTIONS if _gdal_path(source).startswith("/vsicurl/") else {}
    with rasterio.Env(**env), _open(source) as src:
        _check_declared_size(src, name)
        crs = _check_crs(src, name)
        if bounds is None:
            win = Window(0, 0, src.width, src.height)
        else:
            win = _region_window(src, crs, _validate_bounds(bounds), 1, name)
        col0, row0 = int(win.col_off), int(win.row_off)
        width, height = int(win.width), int(win.height)
        if width * height > MAX_DERIVE_CELLS:
            raise DataFileError(
                f"DEM {shown(name)}: {product} of {width:,} × {height:,} cells would be a "
                f"{width * height * 4 / 1e9:,.0f} GB file (limit {MAX_DERIVE_CELLS:,} cells); pass a "
                "smaller area or a coarser DEM")
        is_shade = product == "hillshade"
        profile = {
            "driver": "GTiff", "width": width, "height": height, "count": 1,
            "dtype": "uint8" if is_shade else "float32", "nodata": 0 if is_shade else -9999.0,
            "crs": src.crs, "transform": _window_transform(src.transform, win), "tiled": True,
            "blockxsize": 256, "blockysize": 256, "BIGTIFF": "IF_SAFER",
        }
        if compress:
            profile["compress"] = compress
        what = f"output file {shown(dst.name)}"
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(exc, what) from exc
        check_writable_folder(dst.parent, what)
        starts = list(range(0, height, chunk_rows))
        local = not _gdal_path(source).startswith("/vsi")
        n_workers = max(1, min(workers, len(starts))) if local else 1
        src_transform = src.transform

        def strip(r: int) -> tuple[int, int, np.ndarray, bool]:
            r_end = min(height, r + chunk_rows)
            top, bottom = max(0, r - 1), min(height, r_end + 1)
            read_win = Window(col0, row0 + top, width, bottom - top)
            if n_workers > 1:  # a GDAL handle must not be shared between threads
                with rasterio.open(_gdal_path(source)) as own:
                    z = _read_float(own, read_win, name)
            else:
                z = _read_float(src, read_win, name)
            has_data = bool(np.isfinite(z).any())
            if z.shape[0] < 3:
                block = np.full(z.shape, profile["nodata"], dtype=profile["dtype"])
            else:
                block = _compute(product, Dem(z, _window_transform(src_transform, read_win), crs), light)
                if not is_shade:
                    block[np.isnan(block)] = -9999.0
            # rows top..bottom were computed; keep r..r_end (the halo rows belong to neighbours)
            return r, r_end, block[r - top: r - top + (r_end - r)], has_data

        any_data = False
        try:
            with rasterio.open(part, "w", **profile) as out, \
                    ThreadPoolExecutor(max_workers=n_workers) as pool:
                pending: deque[Future[tuple[int, int, np.ndarray, bool]]] = deque()

                def write_next() -> bool:
                    r, r_end, block, has_data = pending.popleft().result()
                    out.write(block, 1, window=Window(0, r, width, r_end - r))
                    if progress is not None:
                        progress(r_end, height)
                    return has_data

                for r in starts:  # at most n_workers + 1 strips in memory
                    pending.append(pool.submit(strip, r))
                    if len(pending) > n_workers:
                        any_data = write_next() or any_data
                while pending:
                    any_data = write_next() or any_data
            if not any_data:
                raise TerrainUnavailableError(f"DEM {name!r} has no data (all cells are no-data) in the area")
            os.replace(part, dst)
        except RasterioIOError as exc:  # GDAL could not write the output (full disk, vanished folder)
            problem = folder_problem(dst.parent)
            if problem is None:
                raise DataFileError(f"{what} could not be written ({_gdal_reason(exc, str(part))})") from exc
            raise write_error(problem, what) from exc
        except BorderMapError:
            raise
        except OSError as exc:
            raise write_error(exc, what) from exc
        finally:
            if part.exists():
                part.unlink()
    logger.info("wrote %s of %s: %dx%d → %s", product, name, width, height, dst)
    return DeriveResult(path=dst, product=product, shape=(height, width), source=name)
