"""The numpy viewshed: invariants, and agreement with gdal_viewshed on synthetic terrain."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import rasterio
from affine import Affine

from geo.errors import InvalidInputError
from geo.viewshed import viewshed_from, visible_window
from tests.geo.conftest import rough_terrain


def _distance_m(shape, row, col, cell):
    rr, cc = np.indices(shape)
    return np.hypot(rr - row, cc - col) * cell


@pytest.mark.parametrize("row,col", [(30, 30), (0, 0), (5, 58)])
def test_flat_terrain_all_visible_within_range(row, col):
    z = np.full((61, 61), 800.0, dtype=np.float32)
    vis = viewshed_from(z, 30.0, row, col, 2.0, 750.0, curvature_coeff=0.0)
    np.testing.assert_array_equal(vis, _distance_m(z.shape, row, col, 30.0) <= 750.0)


def test_curvature_hides_the_far_flat_ground():
    z = np.zeros((3, 801), dtype=np.float32)
    vis = viewshed_from(z, 100.0, 1, 0, 10.0, 80_000.0)
    # horizon of a 10-m observer over flat ground: sqrt(2·R·h/k) ≈ 12.2 km
    assert vis[1, :100].all() and not vis[1, 140:].any()


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("height", [0.0, 25.0])
def test_observer_cell_visible(seed, height):
    z = rough_terrain((80, 80), seed)
    assert viewshed_from(z, 90.0, 40, 40, height, 3000.0)[40, 40]


def test_ridge_blocks_what_is_behind_it():
    z = np.zeros((41, 41), dtype=np.float32)
    z[:, 25] = 100.0
    vis = viewshed_from(z, 10.0, 20, 10, 2.0, 1000.0, curvature_coeff=0.0)
    assert vis[:, 11:25][np.abs(np.arange(41) - 20) < 10].all()
    assert vis[20, 25] and not vis[15:26, 27:].any()


def test_higher_observer_sees_at_least_as_much():
    z = rough_terrain((120, 120), 2)
    low = viewshed_from(z, 90.0, 60, 60, 2.0, 5000.0)
    high = viewshed_from(z, 90.0, 60, 60, 200.0, 5000.0)
    assert high.sum() > low.sum()
    assert (low & ~high).mean() < 0.005  # a few cells may differ by rounding, not whole areas


def test_nodata_observer_sees_nothing_and_nodata_cells_invisible():
    z = np.full((21, 21), 100.0, dtype=np.float32)
    z[3, 3] = np.nan
    assert not viewshed_from(z, 10.0, 3, 3, 2.0, 100.0).any()
    vis = viewshed_from(z, 10.0, 10, 10, 2.0, 1000.0, curvature_coeff=0.0)
    assert not vis[3, 3] and vis.sum() == 21 * 21 - 1


def test_observer_on_a_peak_sees_the_plain_around_it():
    # (gdal_viewshed 3.6 marks the cells next to such an observer invisible: its first ring of
    # cells is tested against the DEM height of the observer's cell, not the observer's eye)
    z = np.zeros((21, 21), dtype=np.float32)
    z[10, 10] = 100.0
    vis = viewshed_from(z, 90.0, 10, 10, 2.0, 900.0, curvature_coeff=0.0)
    np.testing.assert_array_equal(vis, _distance_m(z.shape, 10, 10, 90.0) <= 900.0)


def test_window_matches_full_result():
    z = rough_terrain((100, 100), 4)
    r0, c0, win = visible_window(z, 90.0, 10, 90, 5.0, 2000.0)
    full = viewshed_from(z, 90.0, 10, 90, 5.0, 2000.0)
    np.testing.assert_array_equal(full[r0:r0 + win.shape[0], c0:c0 + win.shape[1]], win)
    assert full.sum() == win.sum()


@pytest.mark.parametrize("kwargs,needle", [
    ({"row": 99}, "outside"), ({"cell_m": 0.0}, "cell_m"), ({"max_distance_m": -5.0}, "max_distance_m"),
    ({"observer_height_m": float("nan")}, "observer_height_m")])
def test_bad_inputs(kwargs, needle):
    args = {"elevation": np.zeros((10, 10)), "cell_m": 10.0, "row": 5, "col": 5,
            "observer_height_m": 2.0, "max_distance_m": 50.0} | kwargs
    with pytest.raises(InvalidInputError, match=needle):
        viewshed_from(**args)


def gdal_viewshed(z: np.ndarray, cell: float, row: int, col: int, height: float, max_m: float, tmp_path):
    """Run gdal_viewshed on ``z`` (EPSG:32642 georeferencing) and return its verdict on z's grid."""
    rows, cols = z.shape
    transform = Affine(cell, 0, 500_000.0, 0, -cell, 4_200_000.0)
    src, dst = tmp_path / "dem.tif", tmp_path / "vs.tif"
    with rasterio.open(src, "w", driver="GTiff", width=cols, height=rows, count=1, dtype="float32",
                       crs="EPSG:32642", transform=transform) as ds:
        ds.write(z.astype(np.float32), 1)
    # gdal_viewshed takes round() (older GDAL) or floor() (newer) of the pixel coordinate:
    # a quarter into the cell gives the same observer cell with both
    x, y = transform @ (col + 0.25, row + 0.25)
    subprocess.run(["gdal_viewshed", "-q", "-oz", str(height), "-md", str(max_m), "-cc", "0.85714",
                    "-ox", str(x), "-oy", str(y), str(src), str(dst)], check=True, capture_output=True)
    with rasterio.open(dst) as ds:
        out, t = ds.read(1), ds.transform
    c0, r0 = round((t.c - transform.c) / cell), round((transform.f - t.f) / cell)
    full = np.zeros(z.shape, dtype=bool)
    full[r0:r0 + out.shape[0], c0:c0 + out.shape[1]] = out == 255
    return full


@pytest.mark.skipif(shutil.which("gdal_viewshed") is None,
                    reason="gdal_viewshed (Debian gdal-bin) not installed")
@pytest.mark.parametrize("seed,height", [(0, 10.0), (1, 30.0), (5, 10.0), (2, 30.0)])
def test_agrees_with_gdal_viewshed(tmp_path, seed, height):
    cell, max_m = 90.0, 12_000.0
    z = rough_terrain((301, 301), seed)
    ours = viewshed_from(z, cell, 150, 150, height, max_m)
    ref = gdal_viewshed(z, cell, 150, 150, height, max_m, tmp_path)
    in_range = _distance_m(z.shape, 150, 150, cell) <= max_m
    agreement = (ours[in_range] == ref[in_range]).mean()
    assert 0.05 < ref[in_range].mean() < 0.95, "terrain should hide part of the area for the test to bite"
    assert agreement >= 0.99, f"agreement with gdal_viewshed {agreement:.4f} < 0.99"


def test_rectangular_cells_measure_range_in_metres():
    # cells 50 m wide and 100 m tall (a geographic DEM's window): the range is a circle in metres
    z = np.full((41, 81), 300.0, dtype=np.float32)
    vis = viewshed_from(z, 50.0, 20, 40, 2.0, 1500.0, curvature_coeff=0.0, cell_y_m=100.0)
    rr, cc = np.indices(z.shape)
    np.testing.assert_array_equal(vis, np.hypot((rr - 20) * 100.0, (cc - 40) * 50.0) <= 1500.0)


def test_rectangular_cells_ridge_blocks_by_angle_in_metres():
    # a 30-m wall 500 m east; seen from 2 m, ground 1 km east is hidden, whatever the cell shape
    for cx, cy in ((50.0, 50.0), (50.0, 100.0)):
        z = np.zeros((21, 61), dtype=np.float32)
        z[:, 20] = 30.0
        vis = viewshed_from(z, cx, 10, 10, 2.0, 2000.0, curvature_coeff=0.0, cell_y_m=cy)
        assert vis[10, 20] and not vis[10, 30]
