"""Building the regional DEM from Copernicus DEM GLO-90 tiles (public, no key).

Source and layout
-----------------
Copernicus DEM GLO-90 (3 arc-second, ≈ 90 m) is published on the AWS Registry of
Open Data in the public S3 bucket ``copernicus-dem-90m`` (region eu-central-1,
anonymous HTTPS, no account), as one Cloud Optimized GeoTIFF per 1° × 1° tile::

    https://copernicus-dem-90m.s3.amazonaws.com/<TILE>/<TILE>.tif
    TILE = Copernicus_DSM_COG_30_<N|S><lat:02d>_00_<E|W><lon:03d>_00_DEM

where ``30`` is the spacing in tenths of an arc-second (3.0″) and ``lat``/``lon`` are
the tile's south-west corner in whole degrees, e.g.
``Copernicus_DSM_COG_30_N37_00_E068_00_DEM/Copernicus_DSM_COG_30_N37_00_E068_00_DEM.tif``
covers 37–38° N, 68–69° E. (The bucket's ``readme.html`` and the registry entry
``copernicus-dem.yaml`` describe it; the same names are used by the 30-m bucket with
``COG_10``.) Each tile is float32 metres (EGM2008 geoid), EPSG:4326, 1200 × 1200 cells
below 50° latitude, with cell *centres* on whole multiples of 3″, so its outer edge
lies half a cell (1.5″) outside the whole degree. Tiles that are entirely ocean, and
a few withheld ones, do not exist (HTTP 404): this module tolerates them and leaves
their area as no-data in the mosaic.

Licence: "© DLR e.V. 2010-2014 and © Airbus Defence and Space GmbH 2014-2018
provided under COPERNICUS by the European Union and ESA; all rights reserved" —
GLO-90 may be used free of charge for any purpose with that notice.

What :func:`fetch_dem` does
---------------------------
1. lists the tiles meeting the lon/lat bbox;
2. downloads each missing one into a cache directory (``<cache>/<TILE>.tif``):
   bytes go to ``<TILE>.tif.part`` and the file is renamed atomically once complete
   and readable, so a tile in the cache is always whole; an interrupted download
   resumes from the ``.part`` with an HTTP ``Range`` request; tiles already cached are
   skipped;
3. mosaics the tiles onto the tiles' own 3″ grid, clipped to the bbox, and writes a
   COG (DEFLATE, 512-px blocks, overviews) via ``<out>.part`` → ``<out>``.

Progress is reported through a callback receiving :class:`FetchProgress`. No
network → :class:`geo.errors.NetworkError` saying so.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
import requests
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.warp import reproject
from rasterio.windows import Window, from_bounds

from geo.bbox import BBox
from geo.bbox import parse_bbox as bbox_from_text
from geo.errors import DataFileError, InvalidInputError, NetworkError

logger = logging.getLogger(__name__)

#: The public bucket's HTTPS endpoint.
DEFAULT_BASE_URL = "https://copernicus-dem-90m.s3.amazonaws.com"
#: Refuse boxes needing more tiles than this (≈ 3 GB of downloads).
MAX_TILES = 400
#: No-data value written to the mosaic.
MOSAIC_NODATA = -32767.0
ATTRIBUTION = (
    "Copernicus DEM GLO-90: © DLR e.V. 2010-2014 and © Airbus Defence and Space GmbH 2014-2018 "
    "provided under COPERNICUS by the European Union and ESA; all rights reserved"
)
_CHUNK = 1 << 16


@dataclass(frozen=True)
class FetchProgress:
    """One progress report.

    ``status`` is ``"download"`` (bytes arriving), ``"cached"`` (already in the
    cache), ``"missing"`` (no such tile: ocean/void), ``"tile-done"``, or
    ``"mosaic"`` (writing the output). ``index`` counts tiles from 1 to ``count``.
    """

    status: str
    tile: str
    index: int
    count: int
    bytes_done: int = 0
    bytes_total: int | None = None


ProgressCallback = Callable[[FetchProgress], None]


@dataclass(frozen=True)
class FetchResult:
    """Outcome of :func:`fetch_dem`: output path, tile names by fate, bbox and grid shape."""

    path: Path
    bbox: tuple[float, float, float, float]
    shape: tuple[int, int]
    downloaded: tuple[str, ...] = field(default_factory=tuple)
    cached: tuple[str, ...] = field(default_factory=tuple)
    missing: tuple[str, ...] = field(default_factory=tuple)


def tile_id(lat: int, lon: int) -> str:
    """Name of the GLO-90 tile whose south-west corner is (lat, lon) in whole degrees.

    >>> tile_id(37, 68)
    'Copernicus_DSM_COG_30_N37_00_E068_00_DEM'
    >>> tile_id(-1, -70)
    'Copernicus_DSM_COG_30_S01_00_W070_00_DEM'
    """
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"Copernicus_DSM_COG_30_{ns}{abs(lat):02d}_00_{ew}{abs(lon):03d}_00_DEM"


def tile_url(lat: int, lon: int, base_url: str = DEFAULT_BASE_URL) -> str:
    """HTTPS address of a tile (``<base>/<TILE>/<TILE>.tif``)."""
    name = tile_id(lat, lon)
    return f"{base_url.rstrip('/')}/{name}/{name}.tif"


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse ``"W,S,E,N"`` (degrees) and validate it (:func:`geo.bbox.parse_bbox`).

    >>> parse_bbox("66.5,35.5,75.5,39.9")
    (66.5, 35.5, 75.5, 39.9)
    """
    return bbox_from_text(text).as_tuple()


def validate_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Check a W,S,E,N box in degrees (:class:`geo.bbox.BBox`); return it as floats."""
    return BBox.from_values(bbox).as_tuple()


def tiles_for_bbox(bbox: tuple[float, float, float, float]) -> list[tuple[int, int]]:
    """(lat, lon) south-west corners of the 1° tiles meeting ``bbox``, south→north, west→east.

    >>> tiles_for_bbox((68.2, 37.1, 69.5, 37.9))
    [(37, 68), (37, 69)]
    """
    w, s, e, n = validate_bbox(bbox)
    lats = range(math.floor(s), max(math.ceil(n), math.floor(s) + 1))
    lons = range(math.floor(w), max(math.ceil(e), math.floor(w) + 1))
    tiles = [(la, lo) for la in lats for lo in lons if -90 <= la < 90 and -180 <= lo < 180]
    if len(tiles) > MAX_TILES:
        raise InvalidInputError(
            f"bbox {bbox} needs {len(tiles)} tiles, more than {MAX_TILES}; fetch a smaller box"
        )
    return tiles


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/border-map/copernicus-glo90`` (default ``~/.cache/...``)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "border-map" / "copernicus-glo90"


# ---------------------------------------------------------------------------
# download


def _check_tile(path: Path, name: str, url: str) -> None:
    try:
        with rasterio.open(path) as src:
            if src.crs is None or src.count < 1:
                raise DataFileError(f"tile {name} from {url} has no CRS or no band")
    except RasterioError as exc:
        raise DataFileError(f"tile {name} downloaded from {url} is not a readable GeoTIFF: {exc}") from exc


def _total_from_content_range(value: str | None) -> int | None:
    if not value or "/" not in value:
        return None
    total = value.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


def _download_once(session: requests.Session, url: str, part: Path, timeout: float,
                   report: Callable[[int, int | None], None]) -> bool:
    """One HTTP attempt, resuming ``part``; True when complete, False on 404."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with session.get(url, headers=headers, stream=True, timeout=timeout) as resp:
        if resp.status_code == 404:
            return False
        if resp.status_code == 416 and have:
            total = _total_from_content_range(resp.headers.get("Content-Range"))
            if total == have:
                return True
            part.unlink()
            raise NetworkError(f"could not resume {url}: the server refused the range; run again")
        if resp.status_code not in (200, 206):
            raise DataFileError(f"download of {url} failed: HTTP {resp.status_code} {resp.reason}")
        if resp.status_code == 200:
            have = 0
            total = int(resp.headers["Content-Length"]) if "Content-Length" in resp.headers else None
            mode = "wb"
        else:
            total = _total_from_content_range(resp.headers.get("Content-Range"))
            mode = "ab"
        done = have
        report(done, total)
        with open(part, mode) as fh:
            for chunk in resp.iter_content(_CHUNK):
                fh.write(chunk)
                done += len(chunk)
                report(done, total)
    if total is not None and done != total:
        raise requests.exceptions.ChunkedEncodingError(f"got {done} of {total} bytes")
    return True


def download_tile(url: str, dest: Path, *, session: requests.Session | None = None, timeout: float = 60.0,
                  retries: int = 2, report: Callable[[int, int | None], None] | None = None) -> bool:
    """Download ``url`` to ``dest`` through ``dest.part``, resuming; False if it does not exist (404).

    A transfer cut off midway is retried ``retries`` times, each resuming from the
    bytes already in ``dest.part``; after that a :class:`NetworkError` is raised and
    the ``.part`` file stays for the next run to resume. The finished file is
    checked to open as a GeoTIFF before it is renamed to ``dest``.
    """
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    own = session is None
    sess = session or requests.Session()
    report = report or (lambda done, total: None)
    try:
        attempt = 0
        while True:
            try:
                found = _download_once(sess, url, part, timeout, report)
                break
            except requests.exceptions.ConnectionError as exc:
                if attempt >= retries:
                    host = url.split("/")[2] if "://" in url else url
                    raise NetworkError(
                        f"cannot reach {host} to download {url.rsplit('/', 1)[-1]} ({type(exc).__name__}); "
                        "check the internet connection (or --base-url), or use a local DEM with --dem"
                    ) from exc
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.Timeout) as exc:
                if attempt >= retries:
                    size = part.stat().st_size if part.exists() else 0
                    raise NetworkError(
                        f"download of {url} was interrupted after {size:,} bytes ({type(exc).__name__}); "
                        "run the command again to resume"
                    ) from exc
            attempt += 1
            time.sleep(min(2.0, 0.2 * 2**attempt))
    finally:
        if own:
            sess.close()
    if not found:
        return False
    try:
        _check_tile(part, dest.stem, url)
    except DataFileError:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, dest)
    return True


def fetch_tiles(bbox: tuple[float, float, float, float], cache_dir: Path, *,
                base_url: str = DEFAULT_BASE_URL, progress: ProgressCallback | None = None,
                timeout: float = 60.0, retries: int = 2,
                ) -> tuple[list[Path], list[str], list[str], list[str]]:
    """Make sure every tile meeting ``bbox`` is in ``cache_dir``.

    Returns ``(paths, downloaded, cached, missing)``: the cached tile files present
    and the tile names by fate.
    """
    tiles = tiles_for_bbox(bbox)
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    notify = progress or (lambda p: None)
    paths: list[Path] = []
    downloaded: list[str] = []
    cached: list[str] = []
    missing: list[str] = []
    with requests.Session() as session:
        for i, (lat, lon) in enumerate(tiles, start=1):
            name = tile_id(lat, lon)
            dest = cache_dir / f"{name}.tif"
            if dest.is_file():
                cached.append(name)
                paths.append(dest)
                notify(FetchProgress("cached", name, i, len(tiles)))
                continue

            def report(done: int, total: int | None, _n: str = name, _i: int = i) -> None:
                notify(FetchProgress("download", _n, _i, len(tiles), done, total))

            url = tile_url(lat, lon, base_url)
            if download_tile(url, dest, session=session, timeout=timeout, retries=retries, report=report):
                downloaded.append(name)
                paths.append(dest)
                notify(FetchProgress("tile-done", name, i, len(tiles), dest.stat().st_size,
                                     dest.stat().st_size))
            else:
                missing.append(name)
                logger.info("tile %s does not exist (ocean or void); left as no-data", name)
                notify(FetchProgress("missing", name, i, len(tiles)))
    if not paths:
        raise DataFileError(
            f"none of the {len(tiles)} tiles for bbox {bbox} exists at {base_url} (all HTTP 404); "
            "check the bbox and --base-url"
        )
    return paths, downloaded, cached, missing


# ---------------------------------------------------------------------------
# mosaic


def build_mosaic(tiles: list[Path], bbox: tuple[float, float, float, float], out: Path) -> tuple[int, int]:
    """Write the tiles, clipped to ``bbox``, as one COG on the first tile's grid; return (rows, cols).

    Works tile by tile (memory: one tile); areas without a tile are no-data
    (:data:`MOSAIC_NODATA`). Tiles on another cell size (above 50° latitude) are
    resampled bilinearly onto the grid.
    """
    if not tiles:
        raise InvalidInputError("build_mosaic needs at least one tile")
    w, s, e, n = validate_bbox(bbox)
    with rasterio.open(tiles[0]) as ref:
        rt = ref.transform
        crs = ref.crs
    res_x, res_y = rt.a, -rt.e
    # snap the bbox outwards onto the reference tile's grid (edges at rt.c + k·res)
    x0 = rt.c + math.floor((w - rt.c) / res_x + 1e-9) * res_x
    y1 = rt.f + math.ceil((n - rt.f) / res_y - 1e-9) * res_y
    width = math.ceil((e - x0) / res_x - 1e-9)
    height = math.ceil((y1 - s) / res_y - 1e-9)
    transform = rasterio.Affine(res_x, 0, x0, 0, -res_y, y1)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    profile = {"driver": "GTiff", "width": width, "height": height, "count": 1, "dtype": "float32",
               "crs": crs, "transform": transform, "nodata": MOSAIC_NODATA, "tiled": True,
               "blockxsize": 512, "blockysize": 512, "BIGTIFF": "IF_SAFER"}
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".mosaic-") as tmp:
        tmp_path = Path(tmp) / "mosaic.tif"
        with rasterio.open(tmp_path, "w", **profile) as dst:
            # blocks never written (no tile there) read back as nodata
            for path in tiles:
                with rasterio.open(path) as src:
                    _paste(src, dst, transform, width, height)
            dst.update_tags(SOURCE="Copernicus DEM GLO-90 (copernicus-dem-90m)", LICENSE=ATTRIBUTION,
                            units="metre", vertical_datum="EGM2008 geoid")
        part = out.with_name(out.name + ".part")
        try:
            rasterio.shutil.copy(tmp_path, part, driver="COG", COMPRESS="DEFLATE", PREDICTOR="YES",
                                 BLOCKSIZE="512", OVERVIEW_RESAMPLING="AVERAGE", BIGTIFF="IF_SAFER")
            os.replace(part, out)
        finally:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
    return height, width


def _paste(src: rasterio.DatasetReader, dst: rasterio.io.DatasetWriter, transform: rasterio.Affine,
           width: int, height: int) -> None:
    sb = src.bounds
    left = max(sb.left, transform.c)
    right = min(sb.right, transform.c + width * transform.a)
    top = min(sb.top, transform.f)
    bottom = max(sb.bottom, transform.f + height * transform.e)
    if right <= left or top <= bottom:
        return
    dwin = from_bounds(left, bottom, right, top, transform).round_offsets().round_lengths()
    dwin = dwin.intersection(Window(0, 0, width, height))
    same_grid = (abs(src.transform.a - transform.a) < 1e-12 and abs(src.transform.e - transform.e) < 1e-12)
    if same_grid:
        swin = from_bounds(left, bottom, right, top, src.transform).round_offsets().round_lengths()
        swin = swin.intersection(Window(0, 0, src.width, src.height))
        rows, cols = min(int(swin.height), int(dwin.height)), min(int(swin.width), int(dwin.width))
        swin = Window(int(swin.col_off), int(swin.row_off), cols, rows)
        dwin = Window(int(dwin.col_off), int(dwin.row_off), cols, rows)
        data = src.read(1, window=swin, masked=True)
        block = np.ma.filled(data.astype(np.float32), MOSAIC_NODATA)
    else:
        block = np.full((int(dwin.height), int(dwin.width)), MOSAIC_NODATA, dtype=np.float32)
        win_transform = transform @ rasterio.Affine.translation(dwin.col_off, dwin.row_off)
        reproject(rasterio.band(src, 1), block, dst_transform=win_transform, dst_crs=dst.crs,
                  dst_nodata=MOSAIC_NODATA, resampling=Resampling.bilinear)
    dst.write(block, 1, window=dwin)


def fetch_dem(bbox: tuple[float, float, float, float], out: Path, cache_dir: Path, *,
              base_url: str = DEFAULT_BASE_URL, progress: ProgressCallback | None = None,
              timeout: float = 60.0, retries: int = 2) -> FetchResult:
    """Download (or reuse) the GLO-90 tiles for ``bbox`` and write their mosaic as a COG at ``out``.

    Parameters
    ----------
    bbox : (W, S, E, N)
        Degrees, EPSG:4326.
    out : Path
        Output COG (float32 metres, EPSG:4326, 3″ cells, nodata −32767).
    cache_dir : Path
        Where tiles are kept between runs (see module docstring for resume).
    base_url : str
        Bucket endpoint (a mirror, or a local server in tests).
    progress : callable(FetchProgress), optional
        Called for each tile event and each MB received.

    Raises
    ------
    NetworkError
        Server unreachable (offline) or a transfer cut off after the retries.
    DataFileError
        HTTP errors other than 404, a tile that is not a GeoTIFF, or no tile at all.
    InvalidInputError
        A malformed bbox or one needing more than :data:`MAX_TILES` tiles.

    Example
    -------
    >>> fetch_dem((66.5, 35.5, 75.5, 39.9), Path("dem.tif"), Path("cache"))  # doctest: +SKIP
    """
    bbox = validate_bbox(bbox)
    paths, downloaded, cached, missing = fetch_tiles(bbox, Path(cache_dir), base_url=base_url,
                                                     progress=progress, timeout=timeout, retries=retries)
    if progress is not None:
        progress(FetchProgress("mosaic", Path(out).name, len(paths), len(paths)))
    shape = build_mosaic(paths, bbox, Path(out))
    logger.info("fetched %d tiles (%d downloaded, %d cached, %d missing) → %s %s",
                len(paths), len(downloaded), len(cached), len(missing), out, shape)
    return FetchResult(path=Path(out), bbox=bbox, shape=shape, downloaded=tuple(downloaded),
                       cached=tuple(cached), missing=tuple(missing))
