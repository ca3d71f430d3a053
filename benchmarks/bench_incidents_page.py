"""Page server time with many incidents: a rerun that changes nothing, and the rerun after one is added.

Run: ``python benchmarks/bench_incidents_page.py [N]`` (default N = 10,000). AppTest runs
the real page script in this process; times are medians of several reruns (ms).
Records: realistic ACLED-style rows (``tests/layers/synthetic_incidents.py``) imported into
the store. Baseline (same run): the page whose store holds only the 3 seed incidents.

Target (issue 3, item 8): with 10,000 stored, the rerun after adding one incident
< 300 ms server time. The incidents map layer is timed separately ("layer off" rows), so
the data path (store → cache → border location → filters → table) and the layer are
seen apart.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _median(fn, repeat: int) -> float:
    return statistics.median(_ms(fn) for _ in range(repeat))


def _rows(n: int, seed: int = 0) -> list[dict]:
    """``n`` realistic ACLED-style records (notes of 100–250 characters, a third located only to
    a district or province) as rows for :meth:`IncidentStore.import_rows`."""
    from tests.layers.synthetic_incidents import synthetic_incidents

    return synthetic_incidents(n, seed=seed).drop(columns="geometry").to_dict("records")


def _one() -> dict:
    return {"event_date": "2025-06-01", "event_type": "Armed clash", "latitude": 37.19, "longitude": 68.61,
            "notes": "added during the benchmark"}


def _measure(db: Path, n: int, label: str, rows: list, repeat: int) -> None:
    from streamlit.testing.v1 import AppTest

    from geo.store import IncidentStore

    os.environ["BORDERMAP_DB"] = str(db)
    store = IncidentStore(db, create=True)
    if n:
        t = time.perf_counter()
        store.import_rows(_rows(n), "bench")
        print(f"  (imported {n:,} rows in {time.perf_counter() - t:.1f} s)")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    cold = _ms(at.run)
    assert not at.exception, at.exception
    rows.append((f"{label}: first run (cold caches)", cold))
    rows.append((f"{label}: rerun, nothing changed", _median(at.run, repeat)))

    def add_then_rerun() -> float:
        store.add(_one(), "bench")
        return _ms(at.run)

    rows.append((f"{label}: rerun after adding one incident", statistics.median(
        add_then_rerun() for _ in range(repeat))))
    at.checkbox(key="layer_incidents").uncheck().run()
    rows.append((f"{label}, layer off: rerun, nothing changed", _median(at.run, repeat)))
    rows.append((f"{label}, layer off: rerun after adding one incident", statistics.median(
        add_then_rerun() for _ in range(repeat))))
    at.checkbox(key="layer_incidents").check().run()
    # the analyst's path: fill the form and save (the save is the button's callback: one script run)
    at.text_input(key="inc_coords").input("37.1944, 68.6053")
    at.text_input(key="inc_location").input("Farkhor")
    at.run()
    at.button(key="inc_save").click()
    rows.append((f"{label}: save through the form (one script run)", _ms(at.run)))
    assert not at.exception and any(m.value.startswith("Saved") for m in at.success), (
        at.exception, [e.value for e in at.error])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeat = 5
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "xdg")
        os.environ.pop("BORDERMAP_DEM", None)
        print("baseline: the seed incidents only")
        _measure(Path(tmp) / "seeds.gpkg", 0, "seeds only (baseline)", rows, repeat)
        print(f"{n:,} incidents")
        _measure(Path(tmp) / "many.gpkg", n, f"{n:,} incidents", rows, repeat)
    base = next(ms for label, ms in rows if label == "seeds only (baseline): rerun, nothing changed")
    width = max(len(label) for label, _ in rows)
    print(f"\n{'case':<{width}}  {'server ms':>10}  {'× baseline':>10}")
    for label, ms in rows:
        print(f"{label:<{width}}  {ms:>10.0f}  {ms / base:>10.2f}")
    print("\nbaseline = rerun with nothing changed, store holding only the 3 seed incidents")


if __name__ == "__main__":
    main()
