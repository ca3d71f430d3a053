"""Snapshot speed: PNG as seen (headless Chromium, browser start included) and the static print map.

Run: ``python benchmarks/bench_snapshot.py`` (needs Chromium: ``BORDERMAP_CHROMIUM``, the PATH or
Playwright's). Each figure is the median of a few runs, with a baseline measured in the same run:

* browser: Playwright start + Chromium launch + screenshot of a blank 1200×800 page (the least any
  browser PNG can cost);
* static: a matplotlib figure of the same size with only the border line, saved as PNG.

Targets (issue 4): PNG 1200×800 of the shipped data < 6 s including browser start; static < 4 s.
"""

from __future__ import annotations

import dataclasses
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTH, HEIGHT = 1200, 800


def _median_s(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    from matplotlib.figure import Figure
    from playwright.sync_api import sync_playwright

    from geo import datasets
    from geo.scene_data import load_scene_data
    from layers.basemaps import OFFLINE
    from layers.scene import SceneOptions
    from layers.snapshot import CHROMIUM_ARGS, find_browser, snapshot_html, snapshot_png
    from layers.static_map import static_bytes, static_map

    data = dataclasses.replace(load_scene_data(), incidents=datasets.load_layer(datasets.SEED_INCIDENTS_FILE))
    options = SceneOptions(basemap=OFFLINE)
    browser = find_browser()
    rows: list[tuple[str, float, str, float | None, str]] = []

    def blank_png() -> bytes:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=browser, args=list(CHROMIUM_ARGS), headless=True)
            page = b.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.set_content("<html><body></body></html>")
            png = page.screenshot(type="png")
            b.close()
            return png

    def map_png() -> bytes:
        return snapshot_png(data, options, width=WIDTH, height=HEIGHT, browser_path=browser, allow_network=False)

    def tiles_offline_png() -> bytes:
        return snapshot_png(data, SceneOptions(basemap="OpenStreetMap"), width=WIDTH, height=HEIGHT,
                            browser_path=browser, allow_network=False)

    def border_only_static() -> bytes:
        fig = Figure(figsize=(WIDTH / 150, HEIGHT / 150), dpi=150)
        ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
        xs, ys = data.border.line.xy
        ax.plot(xs, ys, color="#d62728")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    def full_static(fmt: str) -> Callable[[], bytes]:
        return lambda: static_bytes(static_map(data, options, size_px=(WIDTH, HEIGHT), dpi=150), fmt)

    blank_png()  # warm the OS file cache once, as a second click on the page would
    base = _median_s(blank_png)
    rows.append((f"browser: blank page PNG {WIDTH}×{HEIGHT} (baseline)", base, "s", None, ""))
    t = _median_s(map_png)
    rows.append((f"browser: map PNG {WIDTH}×{HEIGHT}, offline basemap", t, "s", t / base,
                 "PASS" if t < 6 else "FAIL (< 6 s)"))
    t = _median_s(tiles_offline_png)
    rows.append(("browser: map PNG, tile basemap, no network (falls back)", t, "s", t / base,
                 "PASS" if t < 6 else "FAIL (< 6 s)"))
    t = _median_s(lambda: snapshot_html(data, options))
    rows.append(("standalone HTML (no browser)", t, "s", t / base, ""))
    base = _median_s(border_only_static)
    rows.append(("static: border line only PNG (baseline)", base, "s", None, ""))
    for fmt in ("png", "pdf"):
        t = _median_s(full_static(fmt))
        rows.append((f"static: print map {fmt.upper()} {WIDTH}×{HEIGHT}", t, "s", t / base,
                     "PASS" if t < 4 else "FAIL (< 4 s)"))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>8}  {'ratio':>7}  target")
    for name, value, unit, ratio, verdict in rows:
        r = f"{ratio:6.1f}×" if ratio is not None else "      —"
        print(f"{name:<{width}}  {value:6.2f} {unit}  {r}  {verdict}")


if __name__ == "__main__":
    main()
