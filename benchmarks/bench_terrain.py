"""Terrain benchmark: our slope/hillshade vs gdaldem on a region-sized 3″ DEM, and the border profile.

Run: ``python benchmarks/bench_terrain.py [--keep DIR] [--rows 4800 --cols 10800]``

1. Builds a synthetic DEM of the region at 3″ (10,800 × 4,800 float32 cells,
   66.5–75.5° E × 35.5–39.5° N): fractal value noise (8 octaves, Hurst ≈ 0.8) on a
   west→east rise from ~300 m to ~5,000 m, written as a tiled (256²) GeoTIFF in a
   temporary directory (by a child process, so its memory is not counted).
2. Times, each in its own child process, file in → file out:
   ``gdaldem slope``, ``gdaldem hillshade`` and ours (:func:`geo.dem_io.derive_raster`,
   strip-wise), on the same file in the same run; peak memory = the child's
   ``ru_maxrss`` (from ``os.wait4``). Our child also reports its time without the
   Python start-up and imports ("compute").
3. Times the border profile (1-km step, ±3-km corridor) on the DEM read into memory,
   and the read itself.

Prints a table with ratios (ours / gdaldem). Targets: ≤ 1.5× gdaldem, < 2 GB peak,
profile < 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

GENERATE = r"""
import sys, numpy as np, rasterio
from affine import Affine
from scipy.ndimage import zoom
path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(42)
z = np.zeros((rows, cols), dtype=np.float32)
amp = 1500.0
for octave in range(8):
    cells = 2 ** (octave + 2)
    shape = (max(2, rows * cells // cols) + 1, cells + 1)
    coarse = rng.normal(0.0, 1.0, shape).astype(np.float32)
    fine = zoom(coarse, (rows / shape[0], cols / shape[1]), order=1 if octave > 2 else 3)
    z += amp * fine[:rows, :cols]
    amp *= 0.57
z += np.linspace(300.0, 5000.0, cols, dtype=np.float32)[None, :]
np.maximum(z, 250.0, out=z)
res = 1.0 / 1200.0
profile = dict(driver="GTiff", width=cols, height=rows, count=1, dtype="float32", crs="EPSG:4326",
               transform=Affine(res, 0, 66.5, 0, -res, 35.5 + rows * res), nodata=-32767.0,
               tiled=True, blockxsize=256, blockysize=256)
with rasterio.open(path, "w", **profile) as dst:
    dst.write(z, 1)
"""

OURS = r"""
import sys, time
t0 = time.perf_counter()
from geo.dem_io import derive_raster
t1 = time.perf_counter()
derive_raster(sys.argv[1], sys.argv[2], sys.argv[3], bounds=None)
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
"""

PROFILE = r"""
import sys, time
from geo.border import load_border
from geo.dem_io import read_dem
from geo.terrain import profile_along_border, segment_terrain
from geo.border import segment_border
border = load_border()
t0 = time.perf_counter()
dem = read_dem(sys.argv[1])
t1 = time.perf_counter()
prof = profile_along_border(dem, border, step_km=1.0, corridor_km=3.0)
t2 = time.perf_counter()
segs = segment_terrain(dem, segment_border(border, 1.0))
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {len(prof)} {prof.elevation_m.notna().mean():.3f}")
"""


def run_child_rusage(argv: list[str]) -> tuple[float, float, str]:
    """Run ``argv``; return (wall seconds, the child's own peak RSS in MB via os.wait4, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out_file = tempfile.TemporaryFile(mode="w+")
    err_file = tempfile.TemporaryFile(mode="w+")
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=out_file, stderr=err_file, text=True, env=env, cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out_file.seek(0)
    err_file.seek(0)
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv[:4])} failed ({proc.returncode}): {err_file.read()}")
    return wall, usage.ru_maxrss / 1024.0, out_file.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4800)
    parser.add_argument("--cols", type=int, default=10800)
    parser.add_argument("--repeat", type=int, default=2, help="runs per tool; the best time is kept")
    parser.add_argument("--keep", help="directory for the files (default: a temporary one, removed)")
    args = parser.parse_args()
    gdaldem = shutil.which("gdaldem")
    if gdaldem is None:
        raise SystemExit("gdaldem (Debian gdal-bin) is needed as the baseline")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_terrain_"))
    work.mkdir(parents=True, exist_ok=True)
    dem = work / "dem_3s.tif"
    try:
        t = time.perf_counter()
        if not dem.exists():
            run_child_rusage([sys.executable, "-c", GENERATE, str(dem), str(args.rows), str(args.cols)])
        print(f"synthetic DEM {args.cols} x {args.rows} float32 ({dem.stat().st_size / 1e6:.0f} MB) "
              f"ready in {time.perf_counter() - t:.1f} s: {dem}")

        rows = []
        for product in ("slope", "hillshade"):
            best_g = best_o = best_c = float("inf")
            rss_g = rss_o = 0.0
            for _ in range(args.repeat):
                g_out = str(work / f"g_{product}.tif")
                wall, rss, _ = run_child_rusage([gdaldem, product, str(dem), g_out, "-q"])
                best_g, rss_g = min(best_g, wall), max(rss_g, rss)
                wall, rss, out = run_child_rusage([sys.executable, "-c", OURS, str(dem),
                                                   str(work / f"o_{product}.tif"), product])
                _imports, compute = (float(v) for v in out.split())
                best_o, best_c, rss_o = min(best_o, wall), min(best_c, compute), max(rss_o, rss)
            rows.append((product, best_g, best_o, best_c, rss_g, rss_o))

        wall, rss_p, out = run_child_rusage([sys.executable, "-c", PROFILE, str(dem)])
        read_s, prof_s, seg_s, n, valid = out.split()

        print()
        print(f"{'task':<11}{'gdaldem s':>10}{'ours s':>9}{'ours compute s':>16}{'ratio':>8}"
              f"{'ratio compute':>15}{'gdaldem MB':>12}{'ours MB':>9}")
        for product, g, o, c, rg, ro in rows:
            print(f"{product:<11}{g:>10.2f}{o:>9.2f}{c:>16.2f}{o / g:>7.2f}x{c / g:>14.2f}x"
                  f"{rg:>12.0f}{ro:>9.0f}")
        tot_g = sum(r[1] for r in rows)
        tot_o = sum(r[2] for r in rows)
        tot_c = sum(r[3] for r in rows)
        print(f"{'both':<11}{tot_g:>10.2f}{tot_o:>9.2f}{tot_c:>16.2f}{tot_o / tot_g:>7.2f}x"
              f"{tot_c / tot_g:>14.2f}x")
        print()
        print(f"border profile ({n} samples, 1 km step, ±3 km corridor, {float(valid):.0%} with data): "
              f"{float(prof_s):.2f} s (target < 2 s)")
        print(f"  read of the region window: {float(read_s):.2f} s; segment_terrain (1-km): "
              f"{float(seg_s):.2f} s; process peak {rss_p:.0f} MB")
        peak = max(max(r[5] for r in rows), rss_p)
        print(f"peak memory of our processes: {peak:.0f} MB (target < 2048 MB)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
