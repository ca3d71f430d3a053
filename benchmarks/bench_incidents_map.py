"""Incidents map at 1k, 10k and 100k incidents: build time, HTML size, time until interactive.

Run: ``python benchmarks/bench_incidents_map.py [--sizes 1000,10000,100000] [--repeat 3]``
(needs Chromium at /usr/bin/chromium or ``BORDERMAP_CHROMIUM``, and Playwright).

For each size: Python build + render of the standalone page (our incidents layer on the
offline basemap, assets inlined), its size, and in headless Chromium (software rendering,
no network) the time from navigation start until the layer has drawn
(``window.__bmReadyAt``) plus one pan (moveend and the next two frames) — "interactive".
Baseline, measured in the same run: one folium ``Marker`` with a popup per incident, the
same page otherwise; its "ready" is the load event plus two frames. The baseline is not
run at 100k (≈35 s build, ≈100 MB page, minutes in the browser): its 100k figures are
extrapolated linearly from 10k and marked "~".

Targets (issue 3): 100k interactive < 3 s and page < 8 MB; at 10k ≥ 10× faster than the
baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("BORDERMAP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]

PAN_JS = """() => new Promise(resolve => {
  var m = window.__bmIncidentLayers ? window.__bmIncidentLayers[0]._map
        : Object.values(window).find(v => v instanceof L.Map);
  var t = performance.now();
  m.once('moveend', () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t))));
  m.panBy([160, 90], {animate: false});
})"""
FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"


def baseline_map(gdf, countries_json: str):
    """The page drawn the slow way: one folium Marker + Popup per incident."""
    import folium

    from layers.base import popup_html
    from layers.map import build_map

    group = folium.FeatureGroup(name="Incidents")
    for row in gdf.itertuples():
        rows = [("Date", row.event_date), ("Event type", row.event_type), ("Actor 1", row.actor1),
                ("Fatalities", row.fatalities), ("Source", row.source), ("Notes", row.notes)]
        folium.Marker((row.geometry.y, row.geometry.x),
                      popup=folium.Popup(popup_html(f"{row.event_date} — {row.location}", rows), max_width=360),
                      ).add_to(group)
    from layers.base import LayerBundle

    return build_map([LayerBundle([group])], countries_json)


def ours_map(gdf, countries_json: str, style: str = "points"):
    from layers.incidents import incidents_layer
    from layers.map import build_map

    return build_map([incidents_layer(gdf, style=style)], countries_json)


def build(kind: str, gdf, countries_json: str) -> tuple[str, float]:
    from layers.assets import standalone_html

    t = time.perf_counter()
    m = baseline_map(gdf, countries_json) if kind == "baseline" else ours_map(gdf, countries_json, kind)
    html = standalone_html(m)
    return html, time.perf_counter() - t


def browser_times(browser, path: Path, ours: bool, timeout_s: float) -> tuple[float, float]:
    """(ms from navigation start until drawn, ms for one pan)."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                  else r.abort())
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), timeout=timeout_s * 1000, wait_until="commit")
    if ours:
        page.wait_for_function("window.__bmReady === true", timeout=timeout_s * 1000)
        ready = page.evaluate("window.__bmReadyAt")
        page.evaluate(FRAMES_JS)
    else:
        page.wait_for_load_state("load", timeout=timeout_s * 1000)
        ready = page.evaluate(FRAMES_JS)
    pan = page.evaluate(PAN_JS)
    context.close()
    if errors:
        raise RuntimeError(f"page errors: {errors[:3]}")
    return float(ready), float(pan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-max", type=int, default=10_000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from playwright.sync_api import sync_playwright

    from geo.scene_data import load_scene_data
    from layers.scene import basemap_json
    from tests.layers.synthetic_incidents import synthetic_incidents

    countries_json = basemap_json(load_scene_data())
    results: dict[tuple[str, int], dict[str, float]] = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench_incidents_"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for n in sizes:
            gdf = synthetic_incidents(n, seed=n)
            kinds = ["points", "cluster", "heatmap"] + (["baseline"] if n <= args.baseline_max else [])
            for kind in kinds:
                html, build_s = build(kind, gdf, countries_json)
                path = tmp / f"{kind}_{n}.html"
                path.write_text(html, encoding="utf-8")
                repeat = 1 if kind == "baseline" and n >= 10_000 else args.repeat
                runs = [browser_times(browser, path, kind != "baseline", 600) for _ in range(repeat)]
                ready = statistics.median(r[0] for r in runs)
                pan = statistics.median(r[1] for r in runs)
                results[(kind, n)] = {"build_s": build_s, "mb": len(html.encode()) / 1e6, "ready_ms": ready,
                                      "pan_ms": pan, "interactive_ms": ready + pan}
                print(f"  measured {kind:8s} {n:>7,}: build {build_s:6.2f} s, {results[(kind, n)]['mb']:6.2f} MB, "
                      f"ready {ready:8.0f} ms, pan {pan:6.0f} ms", flush=True)
        browser.close()

    # baseline beyond what was run: linear from the largest measured size
    measured = [n for n in sizes if ("baseline", n) in results]
    for n in sizes:
        if ("baseline", n) not in results and measured:
            ref = results[("baseline", max(measured))]
            k = n / max(measured)
            results[("baseline", n)] = {key: v * k for key, v in ref.items()} | {"extrapolated": 1.0}

    print(f"\nIncidents map (standalone HTML, headless Chromium, software rendering; medians of {args.repeat})")
    print(f"{'style':10s} {'n':>8s} {'build s':>8s} {'HTML MB':>8s} {'ready ms':>9s} {'pan ms':>7s} "
          f"{'interact. ms':>12s} {'× faster than baseline':>24s}")
    for n in sizes:
        base = results.get(("baseline", n))
        for kind in ("points", "cluster", "heatmap", "baseline"):
            r = results.get((kind, n))
            if r is None:
                continue
            mark = "~" if r.get("extrapolated") else " "
            ratio = "" if kind == "baseline" or base is None else (
                f"{base['interactive_ms'] / r['interactive_ms']:.1f}× ({'extrap.' if base.get('extrapolated') else 'measured'})")
            print(f"{kind:10s} {n:>8,} {mark}{r['build_s']:7.2f} {mark}{r['mb']:7.2f} {mark}{r['ready_ms']:8.0f} "
                  f"{mark}{r['pan_ms']:6.0f} {mark}{r['interactive_ms']:11.0f} {ratio:>24s}")
    if ("points", 100_000) in results:
        r = results[("points", 100_000)]
        print(f"\nTarget 100k: interactive {r['interactive_ms'] / 1000:.2f} s (< 3 s: "
              f"{'met' if r['interactive_ms'] < 3000 else 'NOT met'}), page {r['mb']:.2f} MB (< 8 MB: "
              f"{'met' if r['mb'] < 8 else 'NOT met'})")
    if ("points", 10_000) in results and ("baseline", 10_000) in results:
        k = results[("baseline", 10_000)]["interactive_ms"] / results[("points", 10_000)]["interactive_ms"]
        print(f"Target 10k: {k:.1f}× faster than one Marker per incident (≥ 10×: {'met' if k >= 10 else 'NOT met'})")
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
