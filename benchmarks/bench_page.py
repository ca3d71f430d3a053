"""Page speed: cold start to the first map, rerun server time, map payload.

Run: ``python benchmarks/bench_page.py`` (needs Chromium at /usr/bin/chromium or
``BORDERMAP_CHROMIUM``). Prints a table; ratios are against a baseline measured in the
same run (a bare folium map of the border line alone, the least any page could send).

Targets (issue 2): a rerun that changes no data < 300 ms server time; map payload with the
shipped data < 2 MB.
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


def _median_ms(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    import folium
    from streamlit.testing.v1 import AppTest

    from geo.scene_data import load_scene_data
    from layers.assets import localize_assets
    from layers.scene import SceneOptions, build_scene_map

    data = load_scene_data()
    rows: list[tuple[str, float, str, float | None]] = []

    # payload: the map HTML as st_folium receives it (assets served separately)
    def baseline_html() -> str:
        m = folium.Map(location=(37.6, 71.1), zoom_start=7, tiles=None)
        folium.PolyLine([(y, x) for x, y in data.border.line.coords]).add_to(m)
        return m.get_root().render()

    def full_html() -> str:
        return localize_assets(build_scene_map(data, SceneOptions("Offline (no tiles)"))).get_root().render()

    base_kb = len(baseline_html().encode()) / 1024
    full_kb = len(full_html().encode()) / 1024
    rows.append(("map payload, bare border map (baseline)", base_kb, "KB", None))
    rows.append(("map payload, all shipped layers", full_kb, "KB", full_kb / base_kb))
    base_ms = _median_ms(baseline_html)
    rows.append(("build+render, bare border map (baseline)", base_ms, "ms", None))
    full_ms = _median_ms(full_html)
    rows.append(("build+render, all shipped layers", full_ms, "ms", full_ms / base_ms))

    # server time of reruns (AppTest runs the real script in this process)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("BORDERMAP_DB", str(Path(tmp) / "bench.gpkg"))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        t = time.perf_counter()
        at.run()
        cold = (time.perf_counter() - t) * 1000
        rows.append(("first run of the page script (cold caches)", cold, "ms", cold / base_ms))
        rerun = _median_ms(lambda: at.run(), 5)
        rows.append(("rerun, nothing changed", rerun, "ms", rerun / base_ms))
        state = {"on": True}

        def toggle() -> None:
            state["on"] = not state["on"]
            box = at.checkbox(key="layer_crossing")
            (box.check() if state["on"] else box.uncheck()).run()

        tog = _median_ms(toggle, 6)
        rows.append(("rerun after a layer toggle", tog, "ms", tog / base_ms))

    # cold start to first map in a real browser
    chromium = os.environ.get("BORDERMAP_CHROMIUM", "/usr/bin/chromium")
    if Path(chromium).exists():
        from playwright.sync_api import sync_playwright

        from tests.browser.conftest import CHROMIUM_ARGS, start_streamlit

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            proc, url = start_streamlit({"BORDERMAP_DB": str(Path(tmp) / "b.gpkg")}, Path(tmp) / "log")
            try:
                with sync_playwright() as p:
                    b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                    page = b.new_page()
                    page.goto(url)
                    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
                    frame.locator('path[stroke="#d62728"]').first.wait_for(timeout=120_000)
                    cold_ms = (time.perf_counter() - t0) * 1000
                    b.close()
            finally:
                proc.terminate()
                proc.wait(10)
        rows.append(("cold start: server start → border drawn in Chromium", cold_ms, "ms", cold_ms / base_ms))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>10}  unit  ratio vs baseline")
    for name, value, unit, ratio in rows:
        print(f"{name.ljust(width)}  {value:>10.1f}  {unit:<4}  {'' if ratio is None else f'{ratio:.1f}x'}")
    print(f"\ntargets: rerun with no data change < 300 ms; payload < 2048 KB (here {full_kb:.0f} KB)")


if __name__ == "__main__":
    main()
