"""Import benchmark: a 100,000-row ACLED-format CSV into a fresh incident store.

Run ``python benchmarks/bench_import.py [ROWS]``. Prints wall time (both steps timed
in this process) and peak memory (resident set size of a fresh child process per
step, so each peak is that step's alone) for the import — read, validate, one
transaction — against a baseline of ``pandas.read_csv`` on the same file.
Targets for 100,000 rows: < 15 s and < 1.5 GB.
"""

from __future__ import annotations

import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from geo.importers import import_file
from geo.incidents import ACLED_COLUMNS, EVENT_TAXONOMY
from geo.store import IncidentStore

TARGET_S = 15.0
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


def step_baseline(src: Path) -> int:
    return len(pd.read_csv(src, dtype=str, keep_default_na=False))


def step_import(src: Path, db: Path) -> int:
    return import_file(IncidentStore(db, seed_path=None), src, "bench").imported


def _peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (reset by exec, unlike ru_maxrss which a child inherits)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, src: str, db: str) -> None:
    n = step_baseline(Path(src)) if kind == "baseline" else step_import(Path(src), Path(db))
    print(n, _peak_rss_mb())


def peak_mb(kind: str, src: Path, db: Path) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(src), str(db)],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[1])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "acled.csv"
        t0 = time.perf_counter()
        make_csv(src, rows)
        size = src.stat().st_size / 1e6
        print(f"generated {rows:,} rows, {size:.1f} MB in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        assert step_baseline(src) == rows
        base_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        imported = step_import(src, Path(tmp) / "a.gpkg")
        imp_s = time.perf_counter() - t0
        assert imported == rows, imported
        t0 = time.perf_counter()
        assert step_import(src, Path(tmp) / "a.gpkg") == 0  # re-import: every row a duplicate
        again_s = time.perf_counter() - t0

        base_mb = peak_mb("baseline", src, Path(tmp) / "b.gpkg")
        imp_mb = peak_mb("import", src, Path(tmp) / "c.gpkg")

    print()
    print(f"{'step':<36}{'time s':>9}{'ratio':>8}{'peak RSS MB':>13}{'ratio':>8}")
    print(f"{'pandas.read_csv (baseline)':<36}{base_s:>9.2f}{1:>8.1f}{base_mb:>13.0f}{1:>8.1f}")
    print(f"{'import: read+validate+write':<36}{imp_s:>9.2f}{imp_s / base_s:>8.1f}{imp_mb:>13.0f}"
          f"{imp_mb / base_mb:>8.1f}")
    print(f"{'re-import (all duplicates)':<36}{again_s:>9.2f}{again_s / base_s:>8.1f}{'':>13}{'':>8}")
    met = imp_s < TARGET_S and imp_mb < TARGET_MB
    print(f"\ntargets for 100,000 rows: < {TARGET_S:.0f} s and < {TARGET_MB:.0f} MB -> "
          f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
