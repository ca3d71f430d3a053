"""A DEM whose header claims more than any regional DEM needs is refused from the header alone:
in well under a second and without memory growth, for reading and for derived rasters."""

from __future__ import annotations

import resource
import time

import pytest
import rasterio
from affine import Affine

from geo import dem_io
from geo.errors import DataFileError


def _sparse(path, width: int, height: int, block: int = 8192):
    """A GeoTIFF over the region that *declares* width × height cells but stores almost nothing."""
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1, dtype="float32",
                       crs="EPSG:4326", transform=Affine(9.2 / width, 0, 66.4, 0, -4.6 / height, 40.0),
                       tiled=True, blockxsize=block, blockysize=block, compress="deflate", nodata=-9999,
                       SPARSE_OK=True):
        pass
    return path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(("width", "height", "why"), [
    (100_000, 100_000, "declares 100,000 × 100,000 cells"),
    (250_000, 100, "declares 250,000 × 100 cells"),
    (60_000, 30_000, "no overviews"),
])
def test_an_oversized_dem_is_refused_before_any_read(tmp_path, width, height, why):
    path = _sparse(tmp_path / "claims.tif", width, height)
    assert path.stat().st_size < 50_000  # a small file …
    rss = _peak_rss_mb()
    start = time.perf_counter()
    with pytest.raises(DataFileError, match=why) as info:
        dem_io.read_dem(path)
    assert time.perf_counter() - start < 1.0  # … refused in under a second
    assert _peak_rss_mb() - rss < 100  # without reading it into memory
    assert "\n" not in str(info.value) and len(str(info.value)) < 400


def test_derived_rasters_refuse_an_oversized_window(tmp_path):
    path = _sparse(tmp_path / "claims.tif", 60_000, 30_000)
    start = time.perf_counter()
    with pytest.raises(DataFileError, match="GB file"):
        dem_io.derive_raster(path, tmp_path / "slope.tif", "slope")
    assert time.perf_counter() - start < 1.0
    assert not (tmp_path / "slope.tif").exists() and not (tmp_path / "slope.tif.part").exists()


def test_a_dem_with_a_sensible_grid_is_still_read(region_dem):
    dem = dem_io.read_dem(region_dem)
    assert dem.shape[0] > 100 and dem.shape[1] > 300
