"""Benchmark: patrol coverage of the whole border with 50 assets, and one viewshed vs gdal_viewshed.

Run: ``python benchmarks/bench_coverage.py``. Prints a table of timings with their ratio to
a target or to a baseline measured in the same run:

* radius model, whole border, 1-km segments, 50 assets (target < 1 s);
* sight and travel models on a synthetic 90-m DEM in METRIC_CRS covering the border's
  bounding box + 25 km (target < 60 s each, cold: grid preparation included);
* one 20-km viewshed, numpy (``geo.viewshed``) vs ``gdal_viewshed`` on the same raster
  (target: within 2× of GDAL), with their agreement on cells in range.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.assets import Asset
from geo.border import load_border, points_at_chainage
from geo.coverage import CoverageParams, compute_coverage, headline
from geo.crs import METRIC_CRS
from geo.dem import Dem
from geo.viewshed import CURVATURE_COEFF, visible_window

CELL_M = 90.0
MARGIN_M = 25_000.0


def synthetic_dem(border) -> Dem:
    """Rolling mountains (1–5 km features) on a 90-m grid over the border's bbox + margin."""
    x0, y0, x1, y1 = border.line_m.bounds
    cols = int(np.ceil((x1 - x0 + 2 * MARGIN_M) / CELL_M))
    rows = int(np.ceil((y1 - y0 + 2 * MARGIN_M) / CELL_M))
    rng = np.random.default_rng(42)
    z = np.zeros((rows, cols), dtype=np.float32)
    for factor, amp in ((64, 900.0), (16, 250.0), (4, 40.0)):
        small = ndimage.gaussian_filter(rng.standard_normal((rows // factor + 2, cols // factor + 2)), 1.5)
        small *= amp / small.std()
        big = ndimage.zoom(small.astype(np.float32), factor, order=1)[:rows, :cols]
        z += big
    z += 2000.0
    return Dem(z, Affine(CELL_M, 0, x0 - MARGIN_M, 0, -CELL_M, y1 + MARGIN_M), METRIC_CRS, "synthetic 90 m")


def fifty_assets(border) -> list[Asset]:
    km = np.linspace(10, border.length_km - 10, 50)
    pts = points_at_chainage(border, km)
    return [Asset(f"a{i}", f"Asset {i}", "border_post", float(lon), float(lat) + 0.02)
            for i, (lon, lat) in enumerate(pts)]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    border = load_border()
    assets = fifty_assets(border)
    rows: list[tuple[str, float, str, float]] = []

    res, t_radius = timed(lambda: compute_coverage(border, assets, CoverageParams(model="radius")))
    rows.append(("radius, 50 assets, whole border", t_radius, "target 1 s", t_radius / 1.0))
    print(f"radius: {headline(res)}")

    dem, t_dem = timed(lambda: synthetic_dem(border))
    print(f"synthetic DEM {dem.shape[0]}×{dem.shape[1]} cells of {CELL_M:.0f} m built in {t_dem:.1f} s")
    for model in ("sight", "travel"):
        res, t = timed(lambda m=model: compute_coverage(border, assets, CoverageParams(model=m), dem=dem))
        rows.append((f"{model}, 50 assets, 90-m DEM (cold)", t, "target 60 s", t / 60.0))
        print(f"{model}: {headline(res)}")

    # one 20-km viewshed, numpy vs gdal_viewshed on the same raster
    a = assets[20]
    inv = ~dem.transform
    x, y = _metric(a)
    col, row = (int(v) for v in inv @ (x, y))
    (r0, c0, ours), t_ours = timed(lambda: visible_window(dem.elevation, CELL_M, row, col, 10.0, 20_000.0))
    if shutil.which("gdal_viewshed"):
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / "dem.tif", Path(tmp) / "vs.tif"
            with rasterio.open(src, "w", driver="GTiff", width=dem.shape[1], height=dem.shape[0], count=1,
                               dtype="float32", crs=METRIC_CRS.to_wkt(), transform=dem.transform,
                               tiled=True) as ds:
                ds.write(dem.elevation, 1)
            ox, oy = dem.transform @ (col + 0.25, row + 0.25)
            cmd = ["gdal_viewshed", "-q", "-oz", "10", "-md", "20000", "-cc", str(CURVATURE_COEFF),
                   "-ox", str(ox), "-oy", str(oy), str(src), str(dst)]
            _, t_gdal = timed(lambda: subprocess.run(cmd, check=True, capture_output=True))
            with rasterio.open(dst) as ds:
                ref, t_ref = ds.read(1) == 255, ds.transform
        gc0 = round((t_ref.c - dem.transform.c) / CELL_M)
        gr0 = round((dem.transform.f - t_ref.f) / CELL_M)
        full_ours = np.zeros(dem.shape, bool)
        full_ours[r0:r0 + ours.shape[0], c0:c0 + ours.shape[1]] = ours
        full_ref = np.zeros(dem.shape, bool)
        full_ref[gr0:gr0 + ref.shape[0], gc0:gc0 + ref.shape[1]] = ref
        rr, cc = np.ogrid[r0:r0 + ours.shape[0], c0:c0 + ours.shape[1]]
        in_range = np.hypot(rr - row, cc - col) * CELL_M <= 20_000
        sub = (slice(r0, r0 + ours.shape[0]), slice(c0, c0 + ours.shape[1]))
        agree = (full_ours[sub] == full_ref[sub])[in_range].mean()
        rows.append(("gdal_viewshed 20 km (subprocess)", t_gdal, "baseline", 1.0))
        rows.append(("numpy viewshed 20 km", t_ours, "vs gdal (≤ 2)", t_ours / t_gdal))
        print(f"viewshed agreement with gdal_viewshed on {int(in_range.sum())} cells in range: {agree:.4f}")
    else:
        rows.append(("numpy viewshed 20 km", t_ours, "gdal_viewshed absent", float("nan")))

    print()
    print(f"{'task':<40} {'seconds':>9}  {'reference':<16} {'ratio':>6}")
    for name, t, ref_name, ratio in rows:
        print(f"{name:<40} {t:>9.3f}  {ref_name:<16} {ratio:>6.2f}")


def _metric(a: Asset) -> tuple[float, float]:
    from geo.metric_grid import to_metric_xy

    x, y = to_metric_xy(np.array([a.lon]), np.array([a.lat]))
    return float(x[0]), float(y[0])


if __name__ == "__main__":
    main()
