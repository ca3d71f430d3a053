"""The server-side steps of a page run after one incident is added, timed apart (direct calls).

Run: ``python benchmarks/bench_page_costs.py [N ...]`` (default 10,000 and 100,000). For each N:
N located records (``tests/layers/synthetic_incidents.py``, ids and versions as the store
stamps them), one record added (:func:`geo.record_merge.merge_changed_records`), then the
steps every page run does with the new list: the map payload with a warm chunk cache
(:func:`layers.incidents.prepare_incidents`), the sidebar's date bounds and the version key
the caches are keyed on. Median, min and max of several rounds (ms); the load average is
printed beside them.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = 5


def _records(n: int, border):
    import pandas as pd

    from geo.record_merge import located_records
    from tests.layers.synthetic_incidents import synthetic_incidents

    frame = synthetic_incidents(n, seed=1, border=border)
    frame["id"] = [str(uuid.UUID(int=i + 1)) for i in range(n)]
    frame["updated_at"] = pd.Timestamp("2025-01-01T00:00:00Z").isoformat()
    frame["deleted"] = False
    return located_records(frame, border)


def _one(template, k: int):
    row = template.iloc[[0]].copy()
    row["id"] = str(uuid.uuid4())
    row["updated_at"] = f"2025-06-01T00:00:{k:02d}+00:00"
    return row


def _step(name: str, fn, rows: list) -> None:
    times = []
    for _ in range(ROUNDS):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    rows.append((name, statistics.median(times), min(times), max(times)))


def _bench(n: int, border, carried: bool) -> list:
    from geo.incident_filters import date_bounds
    from geo.record_chunks import HASHES_ATTR, ChunkCache
    from geo.record_merge import merge_changed_records
    from layers.incidents import prepare_incidents

    base = _records(n, border)
    cache = ChunkCache()
    prepare_incidents(base, cache=cache)
    state = {"frame": base, "k": 0}
    rows: list = []

    def add() -> None:
        state["k"] += 1
        state["frame"] = merge_changed_records(state["frame"], _one(base, state["k"]), border)

    def payload() -> None:
        add()
        shown = state["frame"]
        if not carried:  # as before: the payload hashes every record again
            shown = shown.copy(deep=False)
            shown.attrs.pop(HASHES_ATTR, None)
        prepare_incidents(shown, cache=cache)

    _step("add one + map payload (warm cache)", payload, rows)
    _step("add one (merge only)", add, rows)
    _step("date bounds", lambda: date_bounds(state["frame"]), rows)
    _step("version key (max updated_at)", lambda: str(state["frame"]["updated_at"].max()), rows)
    return rows


def main() -> None:
    from geo.scene_data import load_scene_data

    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    border = load_scene_data().border
    for n in sizes:
        for carried in (False, True):
            rows = _bench(n, border, carried)
            with open("/proc/loadavg") as load:
                average = " ".join(load.read().split()[:3])
            print(f"\n{n:,} records, hashes {'carried' if carried else 'worked out every run'}; "
                  f"load average {average}")
            for name, med, lo, hi in rows:
                print(f"  {name:<40} {med:8.1f} ms  ({lo:.1f}–{hi:.1f})")


if __name__ == "__main__":
    main()
