"""Benchmark: locating records against the border with ranges over their precision circles.

Run: ``python benchmarks/bench_precision.py``. For 1k, 10k and 100k points scattered over the
border region, with a mix of radii like imported data (none, ACLED geo_precision 1/2/3 read as
1/25/100 km, stated 8 and 30 km), it times, in the same run:

* baseline — the point location as it was before ranges: GEOS ``line_locate_point`` on the
  metric line, then the geodesic distance and the side (what the page paid per store revision);
* points — :func:`geo.border.locate_points` (nearest edge through a spatial index);
* ranges — :func:`geo.precision.precision_ranges` on top of it;
* records — :func:`geo.incident_filters.locate_incidents`, the page's call (points + ranges).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.prepared import prep

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.border import _TO_METRIC, load_border, locate_points, points_at_chainage
from geo.crs import GEOD
from geo.incident_filters import locate_incidents
from geo.precision import precision_ranges


def baseline_locate(border, lon, lat):
    """The earlier point location: GEOS walks every vertex of the line for each point."""
    xm, ym = _TO_METRIC.transform(lon, lat)
    along_m = shapely.line_locate_point(border.line_m, shapely.points(xm, ym))
    coords = np.asarray(border.line_m.coords)
    vertex_m = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    chainage = np.interp(along_m, vertex_m, border.vertex_km)
    nearest = points_at_chainage(border, chainage)
    GEOD.inv(lon, lat, nearest[:, 0], nearest[:, 1])
    tjk, afg = prep(border.tjk), prep(border.afg)
    pts = shapely.points(lon, lat)
    return np.where([tjk.contains(p) for p in pts], "TJK", np.where([afg.contains(p) for p in pts], "AFG", "x"))


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def main() -> None:
    border = load_border()
    print(f"load average {os.getloadavg()[0]:.2f}; border {len(border.line.coords)} vertices")
    print(f"{'n':>7} {'baseline s':>11} {'points s':>9} {'ranges s':>9} {'records s':>10} "
          f"{'points+ranges / baseline':>25}")
    for n in (1_000, 10_000, 100_000):
        rng = np.random.default_rng(n)
        lon, lat = rng.uniform(67.0, 75.0, n), rng.uniform(36.0, 39.5, n)
        precision = rng.choice([np.nan, np.nan, 8.0, 30.0], n)
        code = rng.choice([1, 1, 1, 2, 3], n).astype(float)
        t_base, _ = timed(baseline_locate, border, lon, lat)
        t_pts, loc = timed(locate_points, border, lon, lat)
        radius = np.where(np.isfinite(precision), precision, np.choose(code.astype(int) - 1, [1.0, 25.0, 100.0]))
        t_rng, _ = timed(precision_ranges, border, lon, lat, radius, loc["side"].to_numpy(),
                         loc["distance_km"].to_numpy(), loc["chainage_km"].to_numpy())
        gdf = gpd.GeoDataFrame({"id": [f"r{i}" for i in range(n)], "longitude": lon, "latitude": lat,
                                "precision_km": precision, "geo_precision": code},
                               geometry=gpd.points_from_xy(lon, lat), crs=4326)
        t_rec, _ = timed(locate_incidents, gdf, border)
        print(f"{n:>7,} {t_base:>11.2f} {t_pts:>9.2f} {t_rng:>9.2f} {t_rec:>10.2f} "
              f"{(t_pts + t_rng) / t_base:>25.2f}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
