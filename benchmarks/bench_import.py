"""Import benchmark: ACLED-format CSV files into a fresh incident store, beside ``ogr2ogr``.

Run ``python benchmarks/bench_import.py [--sizes 100000,1000000] [--runs 3]``. For each size
the same generated file is imported by ``ogr2ogr`` (CSV → GeoPackage, points from the
longitude/latitude columns, EPSG:4326: the peer a GIS user would reach for) and by
:func:`geo.importers.import_file` (read, validate, deduplicate, one transaction), each step
in a fresh child process, alternating, ``--runs`` times. Printed per step: median wall time
(process start included for both), spread (min–max), peak resident memory of the child
(``wait4``'s ``ru_maxrss``), the ratio to ``ogr2ogr`` and PASS/FAIL against the targets
(≤ 2× ``ogr2ogr``'s time, < 1.5 GB), with the load average before and after. Both outputs
are checked to hold every row. Sizes over ``--max-measured`` rows are not run but
extrapolated linearly in time from the largest measured size (memory: not extrapolated,
shown as nan), and labelled so.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.importers import import_file
from geo.incidents import ACLED_COLUMNS, EVENT_TAXONOMY
from geo.store import IncidentStore

#: Targets (issue 15): at most this many times ogr2ogr's wall time, and this peak RSS.
TARGET_RATIO = 2.0
TARGET_MB = 1500.0
PLACES = [("Afghanistan", 4, "Badakhshan", "Darwaz", "Nusay"),
          ("Afghanistan", 4, "Kunduz", "Imam Sahib", "Sher Khan Bandar"),
          ("Tajikistan", 762, "Khatlon", "Panj", "Panj"),
          ("Tajikistan", 762, "GBAO", "Ishkoshim", "Ishkoshim")]


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    """Write ``rows`` realistic ACLED-format rows (all 31 columns) to ``path``."""
    rnd = random.Random(seed)
    pairs = [(et, st) for et, subs in EVENT_TAXONOMY.items() for st in subs]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(ACLED_COLUMNS)
        for i in range(rows):
            et, st = pairs[rnd.randrange(len(pairs))]
            country, iso, a1, a2, loc = PLACES[rnd.randrange(len(PLACES))]
            day = 1 + rnd.randrange(28)
            notes = f"On {day} month, clashes near {loc} left people killed; report #{i}. " * 2
            w.writerow([
                f"{'AFG' if iso == 4 else 'TJK'}{i}", f"2024-{1 + rnd.randrange(12):02d}-{day:02d}", 2024, 1,
                "Political violence", et, st, "Military Forces of Afghanistan (2021-)", "", "State forces",
                "Unidentified Armed Group (Afghanistan)", "", "Political militia",
                "State forces-Political militia", "", iso, "Caucasus and Central Asia", country, a1, a2, "",
                loc, f"{36.5 + rnd.random() * 2:.4f}", f"{67.5 + rnd.random() * 7:.4f}",
                1 + rnd.randrange(3), "Pajhwok Afghan News; Amu TV", "National", notes, rnd.randrange(5), "",
                1700000000 + i])


def step_import(src: Path, db: Path) -> int:
    return import_file(IncidentStore(db, seed_path=None), src, "bench").imported


def _ogr2ogr(src: Path, out: Path) -> list[str]:
    return ["ogr2ogr", "-f", "GPKG", str(out), str(src), "-nln", "incidents", "-a_srs", "EPSG:4326",
            "-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude",
            "-oo", "KEEP_GEOM_COLUMNS=NO"]


def _ours(src: Path, out: Path) -> list[str]:
    return [sys.executable, __file__, "--child", str(src), str(out)]


def run_child(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {err[-500:]}")
    return wall, usage.ru_maxrss / 1024


def _count(gpkg: Path, table: str) -> int:
    with sqlite3.connect(gpkg) as conn:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(rows: int, runs: int, tmp: Path) -> dict[str, list[tuple[float, float]]]:
    """``runs`` alternating timings of both steps on one generated file of ``rows`` rows."""
    src = tmp / f"acled_{rows}.csv"
    t0 = time.perf_counter()
    make_csv(src, rows)
    print(f"generated {rows:,} rows, {src.stat().st_size / 1e6:,.1f} MB in {time.perf_counter() - t0:.1f} s")
    out: dict[str, list[tuple[float, float]]] = {"ogr2ogr": [], "ours": []}
    for i in range(runs):
        for name, argv in (("ogr2ogr", _ogr2ogr), ("ours", _ours)):
            dst = tmp / f"{name}_{rows}_{i}.gpkg"
            out[name].append(run_child(argv(src, dst)))
            got = _count(dst, "incidents")
            if got != rows:
                raise SystemExit(f"{name} wrote {got:,} of {rows:,} rows")
            dst.unlink()
    src.unlink()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000", help="row counts, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="runs per step and size (median and spread)")
    ap.add_argument("--runs-large", type=int, default=1, help="runs for sizes of 1,000,000 rows or more")
    ap.add_argument("--max-measured", type=int, default=1_000_000, help="larger sizes are extrapolated")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"load average before: {_load()}  ({os.cpu_count()} cores)")
    table = []
    measured: dict[int, dict[str, list[tuple[float, float]]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            if rows > args.max_measured:
                continue
            measured[rows] = measure(rows, args.runs if rows < 1_000_000 else args.runs_large, Path(tmp))
    for rows in sizes:
        label = f"{rows:,}"
        if rows in measured:
            res, note = measured[rows], ""
        else:  # linear in rows from the largest measured size
            base = max(measured)
            res = {k: [(t * rows / base, float("nan")) for t, _ in v] for k, v in measured[base].items()}
            note = f" EXTRAPOLATED ({base:,})"
        ogr_t = statistics.median(t for t, _ in res["ogr2ogr"])
        for name in ("ogr2ogr", "ours"):
            times = [t for t, _ in res[name]]
            peak = max(m for _, m in res[name])
            med = statistics.median(times)
            ratio = med / ogr_t
            verdict = "" if name == "ogr2ogr" else (  # memory is not extrapolated: no verdict on it
                "PASS" if ratio <= TARGET_RATIO and not peak >= TARGET_MB else "FAIL")
            table.append(f"{label + note:<30}{name:<9}{len(times):>5}{med:>9.2f}{min(times):>8.2f}"
                         f"{max(times):>8.2f}{ratio:>7.2f}{peak:>10.0f}  {verdict}")
    print()
    print(f"{'rows':<30}{'step':<9}{'runs':>5}{'median':>9}{'min':>8}{'max':>8}{'×ogr':>7}{'peak MB':>10}  "
          f"target ≤ {TARGET_RATIO:g}× ogr2ogr, < {TARGET_MB:,.0f} MB")
    print("\n".join(table))
    print(f"\nload average after: {_load()}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        step_import(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
