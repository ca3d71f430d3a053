"""Terrain benchmark: our slope and hillshade against gdaldem, single thread each, on a region-sized 3″ DEM.

Run: ``python benchmarks/bench_terrain.py [--runs 3] [--rows 4800 --cols 10800] [--keep DIR]``

1. Builds a synthetic DEM of the region at 3″ (10,800 × 4,800 float32 cells,
   66.5–75.5° E × 35.5–39.5° N): fractal value noise (10 octaves) on a west→east rise
   from ~300 m to ~5,000 m, written as a tiled (256²) GeoTIFF in EPSG:4326, and the same
   cells as a projected DEM (90-m cells in METRIC_CRS), by a child process.
2. For slope and hillshade, each run in its own child process, file in → file out
   (tiled 256² GeoTIFF both sides), timed as **CPU time**:

   * ours: :func:`geo.dem_io.derive_raster` with ``workers=1``, CPU time of the call;
   * GDAL in process: ``gdal.DEMProcessing`` (GDAL's Python bindings, in an interpreter
     that has them), CPU time of the call;
   * ``gdaldem`` as a command: the child's user + system time (start-up included).

   Both on the projected DEM, where gdaldem's values are right; our output is compared
   with gdaldem's cell by cell and the run **fails** unless slope is identical and
   hillshade differs by at most 1 on < 0.01 % of cells. On the EPSG:4326 DEM gdaldem
   needs ``-s 111120`` (one scale for both axes, 26 % off east–west at 37.5° N) while we
   use each row's metres, so there only the times are compared.
3. The border profile (1-km step, ±3-km corridor) on the 4326 DEM read into memory.

Targets (issue 15): ours ≤ 1.2× GDAL's CPU time, identical values, peak memory < 1 GB.
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
sys.path.insert(0, str(REPO))

from benchmarks._fair import Timing, fail_if, gdal_python, load_average, print_table, verdict  # noqa: E402

TARGET_RATIO = 1.2
TARGET_PEAK_MB = 1024.0
TILED = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"]

GENERATE = r"""
import sys, numpy as np, rasterio
from affine import Affine
from scipy.ndimage import zoom
from geo.crs import METRIC_CRS
geo_path, metric_path, rows, cols = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(42)
z = np.zeros((rows, cols), dtype=np.float32)
amp = 1500.0
for octave in range(10):
    cells = 2 ** (octave + 2)
    shape = (max(2, rows * cells // cols) + 1, cells + 1)
    coarse = rng.normal(0.0, 1.0, shape).astype(np.float32)
    fine = zoom(coarse, (rows / shape[0], cols / shape[1]), order=1 if octave > 2 else 3)
    z += amp * fine[:rows, :cols]
    amp *= 0.65
z += np.linspace(300.0, 5000.0, cols, dtype=np.float32)[None, :]
np.maximum(z, 250.0, out=z)
res = 1.0 / 1200.0
common = dict(driver="GTiff", width=cols, height=rows, count=1, dtype="float32", nodata=-32767.0,
              tiled=True, blockxsize=256, blockysize=256)
with rasterio.open(geo_path, "w", crs="EPSG:4326",
                   transform=Affine(res, 0, 66.5, 0, -res, 35.5 + rows * res), **common) as dst:
    dst.write(z, 1)
with rasterio.open(metric_path, "w", crs=METRIC_CRS.to_wkt(),
                   transform=Affine(90.0, 0, -486_000.0, 0, -90.0, 216_000.0), **common) as dst:
    dst.write(z, 1)
"""

# a child's peak memory: VmHWM of its own address space (ru_maxrss would also count the pages
# it shared with this process when it was forked)
HWM = "[int(l.split()[1]) / 1024 for l in open('/proc/self/status') if l.startswith('VmHWM')][0]"

OURS = r"""
import sys, time
from geo.dem_io import derive_raster
t0 = time.process_time()
derive_raster(sys.argv[1], sys.argv[2], sys.argv[3], bounds=None, workers=1)
print(time.process_time() - t0, HWM)
""".replace("HWM", HWM)

GDAL_IN_PROCESS = rf"""
import sys, time
from osgeo import gdal
gdal.UseExceptions()
src, dst, product = sys.argv[1], sys.argv[2], sys.argv[3]
scale = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0  # argv[4] is "-s"
t0 = time.process_time()
gdal.DEMProcessing(dst, src, product, creationOptions={TILED!r}, scale=scale)
print(time.process_time() - t0)
"""

PROFILE = r"""
import sys, time
from geo.border import load_border, segment_border
from geo.dem_io import read_dem
from geo.terrain import profile_along_border, segment_terrain, slope_degrees
import numpy as np
border = load_border()
t0 = time.perf_counter()
dem = read_dem(sys.argv[1])
t1 = time.perf_counter()
prof = profile_along_border(dem, border, step_km=1.0, corridor_km=3.0)
t2 = time.perf_counter()
segs = segment_terrain(dem, segment_border(border, 1.0))
t3 = time.perf_counter()
median_slope = float(np.nanmedian(slope_degrees(dem)[::7, ::7]))
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {len(prof)} {prof.elevation_m.notna().mean():.3f} {median_slope:.1f}",
      HWM)
""".replace("HWM", HWM)


def run_child(argv: list[str]) -> tuple[float, float, str]:
    """Run ``argv``; return (the child's user+system CPU seconds, ru_maxrss in MB, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, text=True, env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{' '.join(argv[:4])} failed: {err.read()[-2000:]}")
        return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, out.read()


def compare(ours_path: Path, ref_path: Path, product: str) -> str:
    """Cell-by-cell agreement of two rasters (inner cells); fails the run when they disagree."""
    import numpy as np
    import rasterio
    import rasterio.windows

    worst, n_diff, n_all = 0.0, 0, 0
    with rasterio.open(ours_path) as a, rasterio.open(ref_path) as b:  # in strips: this process stays small
        for r0 in range(1, a.height - 1, 512):
            win = rasterio.windows.Window(1, r0, a.width - 2, min(512, a.height - 1 - r0))
            diff = np.abs(a.read(1, window=win).astype(np.float32) - b.read(1, window=win).astype(np.float32))
            worst = max(worst, float(diff.max()))
            n_diff += int(np.count_nonzero(diff))
            n_all += diff.size
    same = 1 - n_diff / n_all
    if product == "slope":
        fail_if(worst > 0.0, f"slope differs from gdaldem by up to {worst:.6f}° ({1 - same:.4%} of cells)")
    else:
        fail_if(worst > 1 or same < 0.9999,
                f"hillshade differs from gdaldem by up to {worst:.0f} on {1 - same:.4%} of cells")
    return f"max |diff| {worst:g}, identical {same:.5%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4800)
    parser.add_argument("--cols", type=int, default=10800)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool (median and spread)")
    parser.add_argument("--keep", help="directory for the files (default: a temporary one, removed)")
    args = parser.parse_args()
    gdaldem = shutil.which("gdaldem")
    if gdaldem is None:
        raise SystemExit("gdaldem (Debian gdal-bin) is needed as the baseline")
    gdal_py = gdal_python()
    print(f"start: {load_average()}")
    print(f"GDAL in process: {gdal_py or 'no interpreter with osgeo found (set BORDERMAP_GDAL_PYTHON)'}")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_terrain_"))
    work.mkdir(parents=True, exist_ok=True)
    geo_dem, metric_dem = work / "dem_3s_4326.tif", work / "dem_3s_metric.tif"
    try:
        t = time.perf_counter()
        if not (geo_dem.exists() and metric_dem.exists()):
            run_child([sys.executable, "-c", GENERATE, str(geo_dem), str(metric_dem), str(args.rows),
                       str(args.cols)])
        print(f"synthetic DEM {args.cols} × {args.rows} float32 ({geo_dem.stat().st_size / 1e6:.0f} MB each, "
              f"EPSG:4326 and METRIC_CRS 90 m) ready in {time.perf_counter() - t:.1f} s")
        # compile/load our kernels once, outside the timed runs
        run_child([sys.executable, "-c", OURS, str(metric_dem), str(work / "warm.tif"), "slope"])
        run_child([sys.executable, "-c", OURS, str(metric_dem), str(work / "warm.tif"), "hillshade"])

        rows = []
        checks = []
        for dem, label, scale in ((metric_dem, "projected", []), (geo_dem, "EPSG:4326", ["-s", "111120"])):
            for product in ("slope", "hillshade"):
                ours, peer_in, peer_cli = [], [], []
                peak = 0.0
                for _ in range(args.runs):  # interleaved, so load changes hit all three alike
                    o_path, g_path = work / f"o_{product}.tif", work / f"g_{product}.tif"
                    _, _, out = run_child([sys.executable, "-c", OURS, str(dem), str(o_path), product])
                    cpu_s, hwm_mb = (float(v) for v in out.split()[-2:])
                    ours.append(cpu_s)
                    peak = max(peak, hwm_mb)
                    if gdal_py:
                        _, _, out = run_child([gdal_py, "-c", GDAL_IN_PROCESS, str(dem), str(work / "gi.tif"),
                                               product, *scale])
                        peer_in.append(float(out.split()[-1]))
                    cpu, _, _ = run_child([gdaldem, product, str(dem), str(g_path), "-q",
                                           *[a for o in TILED for a in ("-co", o)], *scale])
                    peer_cli.append(cpu)
                if label == "projected":
                    checks.append(f"{product}: {compare(o_path, g_path, product)}")
                o = Timing(tuple(ours))
                for peer_name, samples in (("GDAL in process", peer_in), ("gdaldem command", peer_cli)):
                    if not samples:
                        continue
                    p = Timing(tuple(samples))
                    ratio = o.median / p.median
                    rows.append((f"{product} ({label})", f"{o.median:.2f} ({o.spread()})", peer_name,
                                 f"{p.median:.2f} ({p.spread()})", f"{ratio:.2f}×", f"≤ {TARGET_RATIO}×",
                                 verdict(ratio, TARGET_RATIO), f"{peak:.0f}", verdict(peak, TARGET_PEAK_MB)))

        _, _, out = run_child([sys.executable, "-c", PROFILE, str(geo_dem)])
        read_s, prof_s, seg_s, n, valid, median_slope, rss_p = out.split()
        print_table(f"CPU seconds, single thread each, median of {args.runs} (min–max)",
                    ("task", "ours s", "peer", "peer s", "ratio", "target", "", "ours peak MB", "< 1 GB"), rows)
        print()
        print("values on the projected DEM, ours vs gdaldem: " + "; ".join(checks))
        print(f"median slope of the synthetic DEM: {median_slope}° (measured in metres)")
        print(f"border profile ({n} samples, 1 km step, ±3 km corridor, {float(valid):.0%} with data): "
              f"{float(prof_s):.2f} s wall, {verdict(float(prof_s), 2.0)} (target < 2 s); read {float(read_s):.2f} s, "
              f"segment_terrain {float(seg_s):.2f} s, peak {float(rss_p):.0f} MB")
        print(f"end: {load_average()}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
