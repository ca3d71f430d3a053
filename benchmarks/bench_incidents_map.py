"""Incidents map at 1k, 10k and 100k incidents against folium's fast peers, in headless Chromium.

Run: ``python benchmarks/bench_incidents_map.py [--sizes 1000,10000,100000] [--runs 3]``
(needs Chromium at /usr/bin/chromium or ``BORDERMAP_CHROMIUM``, and Playwright).

Every page is the same standalone page (offline basemap, assets inlined) with one incident
layer; only the layer differs:

* ours: :func:`layers.incidents.incidents_layer` as points and as clusters;
* folium ``GeoJson`` of circle markers with a ``GeoJsonPopup`` on a canvas map
  (``prefer_canvas``) — what a competent folium user draws many points with;
* folium ``plugins.FastMarkerCluster`` — folium's own fast clustering;
* one folium ``Marker`` + ``Popup`` per incident (DOM markers), up to ``--marker-max``
  (10k by default; not run above it and not extrapolated).

All are timed the same way: from navigation start until the load event, and (ours) its
layer's ``__bmReady``, plus two animation frames ("ready"); then one pan (moveend + two
frames). Two data sets per size: ACLED-like (a third of the events on shared district
centres, so many symbols overlap) and spread (every event at its own place along the
border, ±25 km). Medians of ≥ 3 runs with min–max, the load printed.

Targets (issues 3 and 15): 100k interactive < 3 s and page < 8 MB; ours not slower than
the peer of the same kind (points vs canvas GeoJson, clusters vs FastMarkerCluster).
"""

from __future__ import annotations

import argparse
import os
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


def _popup_rows(row) -> list[tuple[str, object]]:
    return [("Date", row.event_date), ("Event type", row.event_type), ("Actor 1", row.actor1),
            ("Fatalities", row.fatalities), ("Source", row.source), ("Notes", row.notes)]


def _page(groups, countries_json: str, canvas: bool = False):
    from layers.base import LayerBundle
    from layers.map import build_map

    m = build_map([LayerBundle(groups)], countries_json)
    m.options["max_zoom"] = 18  # FastMarkerCluster needs a maxZoom; our pages' basemap has none
    if canvas:
        m.options["prefer_canvas"] = True
    return m


def marker_map(gdf, countries_json: str):
    """One folium Marker + Popup per incident (DOM markers)."""
    import folium

    from layers.base import popup_html

    group = folium.FeatureGroup(name="Incidents")
    for row in gdf.itertuples():
        folium.Marker((row.geometry.y, row.geometry.x),
                      popup=folium.Popup(popup_html(f"{row.event_date} — {row.location}", _popup_rows(row)),
                                         max_width=360)).add_to(group)
    return _page([group], countries_json)


def geojson_canvas_map(gdf, countries_json: str):
    """folium GeoJson of CircleMarkers with a GeoJsonPopup, on a canvas map."""
    import folium

    fields = ["event_date", "event_type", "actor1", "fatalities", "source", "notes"]
    data = gdf[[*fields, "geometry"]].copy()
    data["event_date"] = data["event_date"].astype(str)
    group = folium.FeatureGroup(name="Incidents")
    folium.GeoJson(data.to_json(na="null"), marker=folium.CircleMarker(radius=5, weight=1, fill=True,
                                                                     fill_opacity=0.8),
                   popup=folium.GeoJsonPopup(fields=fields), name="Incidents").add_to(group)
    return _page([group], countries_json, canvas=True)


def fast_cluster_map(gdf, countries_json: str):
    """folium.plugins.FastMarkerCluster of the incidents."""
    import folium
    from folium.plugins import FastMarkerCluster

    group = folium.FeatureGroup(name="Incidents")
    FastMarkerCluster(list(zip(gdf.geometry.y, gdf.geometry.x, strict=True))).add_to(group)
    return _page([group], countries_json)


def ours_map(gdf, countries_json: str, style: str = "points"):
    from layers.incidents import incidents_layer
    from layers.map import build_map

    return build_map([incidents_layer(gdf, style=style)], countries_json)


BUILDERS = {"ours points": lambda g, c: ours_map(g, c, "points"),
            "ours clusters": lambda g, c: ours_map(g, c, "cluster"),
            "folium GeoJson (canvas)": geojson_canvas_map,
            "folium FastMarkerCluster": fast_cluster_map,
            "folium Marker each": marker_map}
#: which peer each of ours is compared with
PEER_OF = {"ours points": "folium GeoJson (canvas)", "ours clusters": "folium FastMarkerCluster"}


def build(kind: str, gdf, countries_json: str) -> tuple[str, float]:
    from layers.assets import standalone_html

    t = time.perf_counter()
    html = standalone_html(BUILDERS[kind](gdf, countries_json))
    return html, time.perf_counter() - t


def spread_incidents(gdf, seed: int):
    """The same records, each at its own place: uniform along the border, ±0.22° (~25 km) across."""
    import geopandas as gpd
    import numpy as np

    from geo.border import load_border, points_at_chainage

    border = load_border()
    rng = np.random.default_rng(seed)
    pts = points_at_chainage(border, rng.uniform(0, border.length_km, len(gdf)))
    lon = pts[:, 0] + rng.uniform(-0.22, 0.22, len(gdf))
    lat = pts[:, 1] + rng.uniform(-0.22, 0.22, len(gdf))
    return gdf.set_geometry(gpd.points_from_xy(lon, lat, crs=gdf.crs))


def browser_times(browser, path: Path, ours: bool, timeout_s: float) -> tuple[float, float]:
    """(ms from navigation start until loaded and drawn + two frames, ms for one pan)."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                  else r.abort())
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), timeout=timeout_s * 1000, wait_until="load")
    if ours:
        page.wait_for_function("window.__bmReady === true", timeout=timeout_s * 1000)
    ready = page.evaluate(FRAMES_JS)
    pan = page.evaluate(PAN_JS)
    context.close()
    if errors:
        raise RuntimeError(f"page errors: {errors[:3]}")
    return float(ready), float(pan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--marker-max", type=int, default=10_000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = max(3, args.runs)

    from playwright.sync_api import sync_playwright

    from benchmarks._fair import Timing, load_average, print_table, verdict
    from geo.scene_data import load_scene_data
    from layers.scene import basemap_json
    from tests.layers.synthetic_incidents import synthetic_incidents

    print(f"start: {load_average()}")
    countries_json = basemap_json(load_scene_data())
    results: dict[tuple[str, str, int], dict[str, object]] = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench_incidents_"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for n in sizes:
            acled = synthetic_incidents(n, seed=n)
            for case, gdf in (("ACLED-like", acled), ("spread", spread_incidents(acled, n))):
                kinds = [k for k in BUILDERS if k != "folium Marker each" or n <= args.marker_max]
                for kind in kinds:
                    html, build_s = build(kind, gdf, countries_json)
                    path = tmp / f"{kind.replace(' ', '_')}_{case}_{n}.html"
                    path.write_text(html, encoding="utf-8")
                    samples = [browser_times(browser, path, kind.startswith("ours"), 600) for _ in range(runs)]
                    ready = Timing(tuple(s[0] / 1000 for s in samples))
                    inter = Timing(tuple((s[0] + s[1]) / 1000 for s in samples))
                    results[(kind, case, n)] = {"build": build_s, "mb": len(html.encode()) / 1e6,
                                                "ready": ready, "interactive": inter}
                    print(f"  {case:10s} {n:>7,} {kind:26s} build {build_s:6.2f} s, {len(html) / 1e6:6.2f} MB, "
                          f"interactive {inter.median:6.2f} s ({inter.spread()})", flush=True)
        browser.close()

    rows = []
    for (kind, case, n), r in results.items():
        inter = r["interactive"]
        assert isinstance(inter, Timing)
        peer = PEER_OF.get(kind)
        vs, ok = "", ""
        if peer and (peer, case, n) in results:
            other = results[(peer, case, n)]["interactive"]
            assert isinstance(other, Timing)
            speedup = other.median / inter.median
            vs, ok = f"{speedup:.2f}× vs {peer}", verdict(1.0, speedup)
        target = ""
        if kind == "ours points" and n >= 100_000:
            good = inter.median < 3.0 and float(r["mb"]) < 8.0  # type: ignore[arg-type]
            target = f"< 3 s, < 8 MB: {'PASS' if good else 'FAIL'}"
        rows.append((case, f"{n:,}", kind, f"{r['build']:.2f}", f"{r['mb']:.2f}",
                     f"{inter.median:.2f} ({inter.spread()})", vs, ok, target))
    print_table(f"Incidents map, standalone HTML, headless Chromium (software rendering); median of {runs}",
                ("data", "n", "layer", "build s", "MB", "interactive s", "ours vs peer", "not slower", "target"),
                rows)
    print(f"end: {load_average()}")


if __name__ == "__main__":
    main()
