"""Benchmark: the three escalation triggers over made-up records of 1k, 10k and 100k rows.

Run: ``python benchmarks/bench_triggers.py``. Baseline, measured in the same run: reading
the same frame's points with :func:`geo.border.locate_points` (side + distance for every
point), i.e. what a naive "locate everything, then filter" evaluation would pay first.
Records are scattered over the border region and over two years; a third name Chinese
nationals, half an Afghan origin (attributed officially or as a claim), so about half are
located by the evaluation (every Afghan-origin record may count toward "partly met").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.border import load_border, locate_points
from geo.incidents import CONTENT_FIELDS
from geo.triggers import evaluate_triggers, load_rules


def made_up(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({c: [None] * n for c in CONTENT_FIELDS})
    df.insert(0, "id", [f"r{i}" for i in range(n)])
    df["event_date"] = (pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
                        ).strftime("%Y-%m-%d")
    df["event_type"] = rng.choice(["Battles", "Strategic developments"], n, p=[0.95, 0.05])
    df["record_kind"] = np.where(df["event_type"] == "Battles", "incident", "development")
    df["verification"] = rng.choice(["unverified", "verified", "rejected"], n)
    df["country"] = rng.choice(["Tajikistan", "Afghanistan"], n)
    df["nationals"] = rng.choice(["CN", "TJ", None], n)
    afghan = rng.random(n) < 0.5
    df["origin"] = np.where(afghan, "from Afghanistan", None)
    df["origin_country"] = np.where(afghan, "AF", None)
    df["origin_attribution"] = np.where(afghan, rng.choice(["official", "claimed"], n), None)
    df["confidence"] = rng.choice(["assessed", "claimed"], n)
    df["tags"] = rng.choice(["csto-invoked", "russia-refused", None, None], n)
    df["fatalities"] = pd.array(rng.integers(0, 15, n), dtype="Int64")
    df["deleted"] = False
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(rng.uniform(67.5, 75, n), rng.uniform(36.5, 39, n)),
                            crs=4326)


def main() -> None:
    border, rules = load_border(), load_rules()
    print(f"{'records':>8} {'evaluate_triggers s':>20} {'locate_points s (baseline)':>27} {'ratio':>6}")
    for n in (1_000, 10_000, 100_000):
        gdf = made_up(n)
        t = time.perf_counter()
        results = evaluate_triggers(gdf, rules, border)
        ev = time.perf_counter() - t
        t = time.perf_counter()
        locate_points(border, gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy())
        base = time.perf_counter() - t
        statuses = "/".join(r.status for r in results)
        print(f"{n:>8} {ev:>20.3f} {base:>27.3f} {ev / base:>6.2f}   {statuses}")


if __name__ == "__main__":
    main()
