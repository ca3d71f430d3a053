"""Store benchmark, both backends in one run: concurrent writers, a bulk import, the page rerun.

Run ``python benchmarks/bench_store.py [--writers 8] [--adds 500] [--import-rows 100000]
[--page-rows 10000] [--pg URL]``. For each backend (a fresh GeoPackage file; a fresh database in a
throwaway local PostGIS cluster, or ``--pg`` naming an empty database):

* ``writers`` processes each add ``adds`` incidents one by one through the store, all
  starting at the same instant: rows/s over the whole run, p50/p99 latency of one add,
  and rows lost (expected minus stored; must be 0).
* one import of ``import-rows`` ACLED-format rows (``benchmarks/bench_import.py``'s CSV)
  through :func:`geo.importers.import_file`: wall time and rows/s.
* the page (``app.py`` under AppTest, in this process) on a store holding ``page-rows``
  realistic records (``tests/layers/synthetic_incidents.py``): server time of the rerun after one
  incident is added through the store (median of 5).

Targets (issue "team mode"): PostGIS ≥ 3× the GeoPackage's concurrent write throughput; the page
rerun on PostGIS within 1.5× of the GeoPackage's. The last table says PASS or FAIL for each.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from geo.pg_cluster import start_local_cluster
from geo.store import open_store

REPO = Path(__file__).resolve().parents[1]
_WRITER = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from geo.store import open_store
    target, writer, adds, start_at = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    store = open_store(target, seed_path=None)
    store.count_live()  # connect before the start
    while time.time() < start_at:
        time.sleep(0.005)
    lat = []
    for i in range(adds):
        t0 = time.perf_counter()
        store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.0 + writer * 0.01,
                   "longitude": 68.0 + i * 1e-4, "notes": f"writer {writer} #{i}"}, f"w{writer}")
        lat.append(time.perf_counter() - t0)
    end = time.time()
    store.close()
    print(json.dumps({"end": end, "lat": lat}))
""")


def bench_writers(target: str, writers: int, adds: int) -> dict[str, float]:
    """Concurrent adds: rows/s, p50/p99 latency (ms) and rows lost."""
    store = open_store(target, seed_path=None, create=True)
    before = store.count_live()
    start_at = time.time() + 8.0 + writers  # every process has imported and connected by then
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(REPO), target, str(w), str(adds), str(start_at)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(writers)]
    outs = [p.communicate(timeout=1800) for p in procs]
    bad = [err[-300:] for p, (_, err) in zip(procs, outs, strict=True) if p.returncode != 0]
    if bad:
        raise SystemExit(f"writer failed: {bad[0]}")
    docs = [json.loads(out) for out, _ in outs]
    wall = max(d["end"] for d in docs) - start_at
    lat = np.array([x for d in docs for x in d["lat"]]) * 1000.0
    stored = store.count_live() - before
    store.close()
    total = writers * adds
    return {"rows_per_s": total / wall, "wall_s": wall, "p50_ms": float(np.percentile(lat, 50)),
            "p99_ms": float(np.percentile(lat, 99)), "lost": total - stored}


def bench_import(target: str, rows: int, csv_path: Path) -> dict[str, float]:
    """One import of ``rows`` ACLED rows: wall time and rows/s."""
    from geo.importers import import_file

    store = open_store(target, seed_path=None)
    t0 = time.perf_counter()
    done = import_file(store, csv_path, "bench").imported
    wall = time.perf_counter() - t0
    store.close()
    return {"import_s": wall, "import_rows_per_s": done / wall if wall else 0.0, "imported": done}


def bench_page_rerun(target: str, rows: int, repeat: int = 5) -> dict[str, float]:
    """Server time (ms) of the page's rerun after one added incident, ``rows`` records stored."""
    import os
    import statistics

    from streamlit.testing.v1 import AppTest

    from benchmarks.bench_incidents_page import _one, _rows

    os.environ["BORDERMAP_DB"] = target
    store = open_store(target, create=True)
    store.import_rows(_rows(rows), "bench")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    at.run()
    assert not at.exception, at.exception
    at.run()  # caches warm

    def add_then_rerun() -> float:
        store.add(_one(), "bench")
        t0 = time.perf_counter()
        at.run()
        return (time.perf_counter() - t0) * 1000

    times = [add_then_rerun() for _ in range(repeat)]
    assert not at.exception, at.exception
    store.close()
    return {"page_rerun_ms": statistics.median(times), "page_rerun_min_ms": min(times)}


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--adds", type=int, default=500)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--page-rows", type=int, default=10_000, help="records stored for the page rerun (0: skip)")
    parser.add_argument("--pg", help="an empty PostGIS database URL (default: a throwaway local cluster)")
    args = parser.parse_args()
    cluster = None if args.pg else start_local_cluster()
    pg_writers = args.pg or (cluster.url if cluster else "")
    results: dict[str, dict[str, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / "acled.csv"
            if args.import_rows:
                from benchmarks.bench_import import make_csv

                make_csv(csv_path, args.import_rows)
            pg_import = pg_page = ""
            if cluster is not None:
                import psycopg

                admin = cluster.url.rsplit("/", 1)[0] + "/postgres"
                with psycopg.connect(admin, autocommit=True) as conn:
                    for db in ("bench_import", "bench_page"):
                        conn.execute(f"CREATE DATABASE {db} TEMPLATE bordermap")
                pg_import = cluster.url.rsplit("/", 1)[0] + "/bench_import"
                pg_page = cluster.url.rsplit("/", 1)[0] + "/bench_page"
            for name, writers_target, import_target, page_target in (
                    ("gpkg", str(Path(tmp) / "writers.gpkg"), str(Path(tmp) / "import.gpkg"),
                     str(Path(tmp) / "page.gpkg")),
                    ("postgis", pg_writers, pg_import, pg_page)):
                res = bench_writers(writers_target, args.writers, args.adds)
                if args.import_rows and import_target:
                    res.update(bench_import(import_target, args.import_rows, csv_path))
                if args.page_rows and page_target:
                    res.update(bench_page_rerun(page_target, args.page_rows))
                results[name] = res
                print(name, json.dumps({k: round(v, 2) for k, v in res.items()}), flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    gp, pg = results["gpkg"], results["postgis"]
    ratio = pg["rows_per_s"] / gp["rows_per_s"]
    rows = [(f"{args.writers} writers × {args.adds} adds (rows/s)", gp["rows_per_s"], pg["rows_per_s"], ratio,
             "≥ 3×", ratio >= 3.0),
            ("rows lost (writers)", gp["lost"], pg["lost"], float("nan"), "0", gp["lost"] == pg["lost"] == 0)]
    if "page_rerun_ms" in gp and "page_rerun_ms" in pg:
        page = pg["page_rerun_ms"] / gp["page_rerun_ms"]
        rows.append((f"page rerun after one add, {args.page_rows:,} stored (ms)", gp["page_rerun_ms"],
                     pg["page_rerun_ms"], page, "≤ 1.5×", page <= 1.5))
    if "import_s" in gp and "import_s" in pg:
        rows.append((f"import of {args.import_rows:,} ACLED rows (s)", gp["import_s"], pg["import_s"],
                     pg["import_s"] / gp["import_s"], "—", None))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'case':<{width}}  {'GeoPackage':>10}  {'PostGIS':>10}  {'PG/GPKG':>8}  {'target':>7}  result")
    for label, g, p, r, target, ok in rows:
        print(f"{label:<{width}}  {g:>10.1f}  {p:>10.1f}  {'' if r != r else f'{r:.2f}×':>8}  {target:>7}  "
              f"{'' if ok is None else _verdict(ok)}")


if __name__ == "__main__":
    main()
