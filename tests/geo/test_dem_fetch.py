"""The Copernicus GLO-90 fetcher against a loopback HTTP server serving tiles made in code.

The fixture tiles follow the bucket's layout (``<TILE>/<TILE>.tif``) and its grid
convention (cell centres on whole multiples of the cell size, so the tile's edge is
half a cell outside the whole degree), but with 12″ cells so that they stay small.
"""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from geo import dem_fetch, dem_io, terrain
from geo.errors import DataFileError, InvalidInputError, NetworkError
from tests.geo.dem_fixtures import serve_directory, write_dem

CELLS = 300  # per degree: 12″ cells
RES = 1.0 / CELLS


def tile_height(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The synthetic terrain every tile samples: metres at cell centres."""
    return 1000.0 + 100.0 * (lon - 68.0) + 10.0 * (lat - 37.0)


def make_tile(root: Path, lat: int, lon: int) -> Path:
    name = dem_fetch.tile_id(lat, lon)
    folder = root / name
    folder.mkdir(parents=True)
    lons = lon + np.arange(CELLS) * RES  # centres on whole multiples
    lats = lat + 1 - np.arange(CELLS) * RES
    z = tile_height(lons[None, :], lats[:, None])
    transform = Affine(RES, 0, lon - RES / 2, 0, -RES, lat + 1 + RES / 2)
    return write_dem(folder / f"{name}.tif", z, transform, "EPSG:4326")


@pytest.fixture
def bucket(tmp_path):
    """Tiles for 37–38° N × 68–70° E, except (38, 69), which is 'ocean' (404)."""
    root = tmp_path / "bucket"
    for lat, lon in [(37, 68), (37, 69), (38, 68)]:
        make_tile(root, lat, lon)
    with serve_directory(root) as server:
        yield server


def tile_gets(server) -> list[str]:
    return [p for p, _ in server.requests if p.endswith(".tif")]


def test_tile_names_and_urls_follow_the_bucket_layout():
    assert dem_fetch.tile_id(37, 68) == "Copernicus_DSM_COG_30_N37_00_E068_00_DEM"
    assert dem_fetch.tile_url(37, 68) == (
        "https://copernicus-dem-90m.s3.amazonaws.com/Copernicus_DSM_COG_30_N37_00_E068_00_DEM/"
        "Copernicus_DSM_COG_30_N37_00_E068_00_DEM.tif"
    )
    assert dem_fetch.tiles_for_bbox((66.5, 35.5, 75.5, 39.9))[:2] == [(35, 66), (35, 67)]
    assert len(dem_fetch.tiles_for_bbox((66.5, 35.5, 75.5, 39.9))) == 10 * 5
    assert dem_fetch.tiles_for_bbox((68.0, 37.0, 69.0, 38.0)) == [(37, 68)]


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "70,38,69,39", "70,95,71,96", "nan,1,2,3"])
def test_bad_bbox_is_refused(text):
    with pytest.raises(InvalidInputError, match="bbox"):
        dem_fetch.parse_bbox(text)


def test_too_many_tiles_is_refused():
    with pytest.raises(InvalidInputError, match="smaller box"):
        dem_fetch.tiles_for_bbox((-180, -60, 180, 60))


def test_fetch_builds_a_cog_mosaic_tolerates_missing_tiles_and_reports_progress(bucket, tmp_path):
    events: list[dem_fetch.FetchProgress] = []
    out = tmp_path / "out" / "dem.tif"
    bbox = (68.5, 37.2, 69.5, 38.5)
    res = dem_fetch.fetch_dem(bbox, out, tmp_path / "cache", base_url=bucket.url, progress=events.append)
    assert res.path == out and out.is_file() and not list(out.parent.glob("*.part"))
    assert set(res.downloaded) == {dem_fetch.tile_id(37, 68), dem_fetch.tile_id(37, 69),
                                   dem_fetch.tile_id(38, 68)}
    assert res.missing == (dem_fetch.tile_id(38, 69),) and res.cached == ()
    statuses = {e.status for e in events}
    assert {"download", "tile-done", "missing", "mosaic"} <= statuses
    assert all(e.count == 4 for e in events if e.status != "mosaic")
    with rasterio.open(out) as ds:
        assert ds.crs.to_epsg() == 4326
        assert ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert ds.res == pytest.approx((RES, RES))
        # snapped outwards onto the tiles' grid, covering the bbox
        assert ds.bounds.left <= 68.5 < ds.bounds.left + RES and ds.bounds.top >= 38.5
    dem = dem_io.read_dem(out, bounds=bbox)
    # values land where they belong, across tile seams
    for lon, lat in [(68.7, 37.4), (69.2, 37.9), (68.9, 38.3), (69.0, 37.5)]:
        assert terrain.elevation_at(dem, lon, lat) == pytest.approx(float(tile_height(lon, lat)), abs=0.05)
    # the 'ocean' tile's area is no-data
    assert np.isnan(terrain.elevation_at(dem, 69.3, 38.3))


def test_second_run_uses_the_cache_without_downloading(bucket, tmp_path):
    bbox = (68.2, 37.2, 69.8, 37.8)
    dem_fetch.fetch_dem(bbox, tmp_path / "a.tif", tmp_path / "cache", base_url=bucket.url)
    first = len(tile_gets(bucket))
    res = dem_fetch.fetch_dem(bbox, tmp_path / "b.tif", tmp_path / "cache", base_url=bucket.url)
    assert first == 2 and len(tile_gets(bucket)) == first
    assert len(res.cached) == 2 and res.downloaded == ()


def test_interrupted_download_keeps_the_part_file_and_resumes_with_a_range_request(bucket, tmp_path):
    name = dem_fetch.tile_id(37, 68)
    path = f"/{name}/{name}.tif"
    size = (bucket.root / name / f"{name}.tif").stat().st_size
    assert size > 3 * 65536  # several read chunks, so a partial file survives
    bucket.cut_after[path] = 200_000
    cache = tmp_path / "cache"
    with pytest.raises(NetworkError, match=r"interrupted.*run the command again to resume"):
        dem_fetch.fetch_dem((68.2, 37.2, 68.8, 37.8), tmp_path / "dem.tif", cache, base_url=bucket.url,
                            retries=0)
    part = cache / f"{name}.tif.part"
    assert part.is_file() and 0 < part.stat().st_size <= 200_000
    assert not (cache / f"{name}.tif").exists()  # an incomplete tile is never under its final name
    kept = part.stat().st_size

    res = dem_fetch.fetch_dem((68.2, 37.2, 68.8, 37.8), tmp_path / "dem.tif", cache, base_url=bucket.url,
                              retries=0)
    assert res.downloaded == (name,)
    assert bucket.requests[-1] == (path, f"bytes={kept}-")
    assert (cache / f"{name}.tif").read_bytes() == (bucket.root / name / f"{name}.tif").read_bytes()
    assert not part.exists()


def test_a_cut_connection_is_retried_within_one_run(bucket, tmp_path):
    name = dem_fetch.tile_id(37, 69)
    bucket.cut_after[f"/{name}/{name}.tif"] = 150_000
    res = dem_fetch.fetch_dem((69.2, 37.2, 69.8, 37.8), tmp_path / "dem.tif", tmp_path / "c",
                              base_url=bucket.url, retries=1)
    assert res.downloaded == (name,)
    ranges = [r for p, r in bucket.requests if name in p]
    assert ranges[0] is None and ranges[1].startswith("bytes=")


def test_offline_gives_a_clear_network_error(tmp_path):
    with socket.socket() as s:  # a port nobody listens on: connection refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError, match=r"cannot reach 127\.0\.0\.1:\d+.*internet connection"):
        dem_fetch.fetch_dem((68.2, 37.2, 68.8, 37.8), tmp_path / "dem.tif", tmp_path / "cache",
                            base_url=f"http://127.0.0.1:{port}", retries=0)
    assert not (tmp_path / "dem.tif").exists()


def test_no_tile_at_all_and_a_non_tiff_tile_are_errors(bucket, tmp_path):
    with pytest.raises(DataFileError, match="none of the 1 tiles"):
        dem_fetch.fetch_dem((10.2, 45.2, 10.8, 45.8), tmp_path / "dem.tif", tmp_path / "cache",
                            base_url=bucket.url)
    name = dem_fetch.tile_id(37, 68)
    (bucket.root / name / f"{name}.tif").write_bytes(b"<html>Access denied</html>" * 50)
    with pytest.raises(DataFileError, match="not a readable GeoTIFF"):
        dem_fetch.fetch_dem((68.2, 37.2, 68.8, 37.8), tmp_path / "dem.tif", tmp_path / "cache",
                            base_url=bucket.url)
    assert not list((tmp_path / "cache").glob(f"{name}*"))


def test_read_dem_over_http_reads_a_cog_window(bucket, tmp_path):
    out = tmp_path / "site" / "dem.tif"
    dem_fetch.fetch_dem((68.2, 37.2, 69.8, 37.8), out, tmp_path / "cache", base_url=bucket.url)
    with serve_directory(out.parent) as site:
        dem = dem_io.read_dem(f"{site.url}/dem.tif", bounds=(68.9, 37.4, 69.1, 37.6))
        ranged = [r for _, r in site.requests if r]
    assert dem.shape[1] < 80  # only the window, not the 480-column mosaic
    assert ranged  # fetched by HTTP ranges (GDAL /vsicurl/)
    assert terrain.elevation_at(dem, 69.0, 37.5) == pytest.approx(float(tile_height(69.0, 37.5)), abs=0.05)
