"""What the analyst reads on the map, in a real headless Chromium at 1440×900 with no network:
popups (size in px, at two zooms, on the page and in an exported file), every feature on a shared
spot reachable with all layers on, the heatmap drawn on its first selection, the legend (where it
starts, folding, no duplicate lines, following the layers).

Each test writes screenshots (``save_screenshot``) for a person to look at.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from geo import datasets
from layers.assets import standalone_html
from layers.basemaps import OFFLINE
from layers.map import MapView
from layers.scene import DEFAULT_OVERLAYS, SceneOptions, build_scene_map
from tests.browser.conftest import MAP_FRAME, PageLog, open_offline_page, save_screenshot, settled_map

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1440, "height": 900}
SHUROOBOD = (37.84, 70.0419)  # seed incidents (district-level), the town and two Chinese sites on one point
SHODAK = (38.4504, 71.0302)  # a seed incident and a Chinese site
BORDER_COLOR = "#d62728"


@pytest.fixture()
def look(browser):
    """A 1440×900 page whose requests outside loopback and files are aborted; yields (page, log)."""
    context, page, log = open_offline_page(browser, VIEWPORT)
    yield page, log
    context.close()


def _shot(page, name: str) -> None:
    """A screenshot once no script run is under way (a pan to a popup reruns the page, which greys it)."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)
    save_screenshot(page, name)


def _errors(log: PageLog) -> list[str]:
    """Console errors other than the aborted outside requests themselves."""
    return [e for e in log.errors if "ERR_FAILED" not in e and "Failed to load resource" not in e]


class MapWindow:
    """The map's window: on the page the st_folium frame, in an exported file the page itself."""

    def __init__(self, page, frame, offset=(0.0, 0.0)) -> None:
        self.page, self.frame, self.offset = page, frame, offset

    @classmethod
    def of_page(cls, page):
        settled_map(page)
        handle = page.query_selector(MAP_FRAME)
        assert handle is not None
        frame = handle.content_frame()
        frame.wait_for_function("window.__bmReady === true && !!window.map", timeout=60_000)
        box = handle.bounding_box()
        return cls(page, frame, (box["x"], box["y"]))

    def leaflet_map(self) -> str:
        return "(window.map || window.__bmIncidentLayers[0]._map)"

    def click(self, lat: float, lon: float) -> None:
        x, y = self.frame.evaluate(f"""([lat, lon]) => {{ var m = {self.leaflet_map()};
            var p = m.latLngToContainerPoint([lat, lon]), r = m.getContainer().getBoundingClientRect();
            return [p.x + r.left, p.y + r.top]; }}""", [lat, lon])
        self.page.mouse.click(self.offset[0] + x, self.offset[1] + y)

    def rect(self, selector: str) -> dict[str, float]:
        return self.frame.evaluate("""(sel) => { var r = document.querySelector(sel).getBoundingClientRect();
            return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width,
                    height: r.height}; }""", selector)

    def wait_popup_inside(self) -> None:
        """Wait until the open popup lies inside the map (Leaflet pans the map to it, animated)."""
        self.frame.wait_for_function("""() => { var p = document.querySelector('.leaflet-popup'),
            c = document.querySelector('.leaflet-container');
            if (!p) { return false; }
            var a = p.getBoundingClientRect(), b = c.getBoundingClientRect();
            return a.top >= b.top - 1 && a.bottom <= b.bottom + 1; }""", timeout=5_000)

    def set_view(self, lat: float, lon: float, zoom: int) -> None:
        self.frame.evaluate(f"([lat, lon, z]) => {self.leaflet_map()}.setView([lat, lon], z, {{animate: false}})",
                            [lat, lon, zoom])
        self.page.wait_for_timeout(300)


def _seed_incidents_at(lat: float, lon: float) -> int:
    """How many shipped seed records are drawn at (lat, lon) (read from the data, not assumed)."""
    seeds = datasets.load_layer(datasets.SEED_INCIDENTS_FILE)
    return int(((seeds.geometry.y.round(4) == round(lat, 4)) & (seeds.geometry.x.round(4) == round(lon, 4))).sum())


def _open_stack(win: MapWindow, lat: float, lon: float):
    win.click(lat, lon)
    stack = win.frame.locator(".bm-stack")
    stack.wait_for(timeout=10_000)
    return stack


def _open_first_incident(stack) -> None:
    if stack.get_attribute("data-view") == "list":
        stack.locator(".bm-list button", has_text="Incident:").first.click()
    stack.locator(".bm-incident-popup").wait_for(timeout=5_000)


def _assert_readable(win: MapWindow, *, max_height: float) -> dict[str, float]:
    """The open popup is a table with a sane width; its value column is wide enough for a date."""
    content = win.rect(".leaflet-popup-content")
    assert 240 <= content["width"] <= 400, content
    assert content["height"] <= max_height, content
    cells = win.frame.evaluate("""() => Array.from(document.querySelectorAll('.bm-incident-popup td'))
        .map(td => [td.getBoundingClientRect().width, td.getBoundingClientRect().height, td.textContent])""")
    assert cells and min(w for w, _, _ in cells) >= 140, cells
    date = next(c for c in cells if len(c[2]) == 10 and c[2][4] == "-")
    assert date[1] <= 20, date  # "2025-11-30" on one line (it used to wrap a character per line)
    return content


def test_incident_popup_is_a_readable_table_at_two_zooms(look, app_server):
    page, log = look
    page.goto(app_server)
    win = MapWindow.of_page(page)
    map_box = win.rect(".leaflet-container")
    stack = _open_stack(win, *SHODAK)
    _open_first_incident(stack)
    first = _assert_readable(win, max_height=min(440, map_box["height"] - 100))
    _shot(page, "look-incident-popup-zoom7")
    # at a street-level zoom the same popup keeps its size
    win.frame.evaluate(f"{win.leaflet_map()}.closePopup()")
    win.set_view(*SHODAK, 12)
    stack = _open_stack(win, *SHODAK)
    _open_first_incident(stack)
    again = _assert_readable(win, max_height=min(440, map_box["height"] - 100))
    assert abs(again["width"] - first["width"]) <= 2
    _shot(page, "look-incident-popup-zoom12")
    assert not _errors(log), log.errors


def test_every_feature_on_a_shared_spot_is_reachable_with_all_layers_on(look, app_server):
    page, log = look
    page.goto(app_server)
    win = MapWindow.of_page(page)
    map_box = win.rect(".leaflet-container")
    stack = _open_stack(win, *SHUROOBOD)
    rows = stack.locator(".bm-list button").all_inner_texts()
    _shot(page, "look-stack-list-shuroobod")
    incidents = _seed_incidents_at(*SHUROOBOD)
    total = incidents + 3  # the town and two Chinese sites
    assert incidents >= 2 and stack.inner_text().startswith(f"{total} features here")
    assert sum(r.startswith("Incident:") for r in rows) == incidents
    assert any(r.startswith("Towns: Shuroobod") for r in rows)
    assert sum(r.startswith("Chinese project and security sites:") for r in rows) == 2
    seen = []
    for k in range(len(rows)):
        stack.locator(".bm-list button").nth(k).click() if k == 0 else stack.locator(".bm-next").click()
        assert f"{k + 1} of {total} here" in stack.inner_text()
        text = stack.inner_text()
        assert "Source" in text  # every feature states where it comes from
        seen.append(text)
        # the whole popup comes inside the map (the map pans to it), so its source is reachable
        win.wait_popup_inside()
        assert win.rect(".leaflet-popup")["height"] <= map_box["height"]
        if k == 1:
            _shot(page, "look-stack-second-incident")
    assert len(set(seen)) == total
    stack.locator(".bm-back").click()
    assert stack.locator(".bm-list button").count() == total
    assert not _errors(log), log.errors


def test_place_popup_fits_the_map_and_prints_years_plainly(look, app_server, scene_data):
    page, log = look
    page.goto(app_server)
    win = MapWindow.of_page(page)
    places = scene_data.places
    bridge = places[places["name"].str.contains("Panji Poyon", regex=False)].iloc[0]
    stack = _open_stack(win, bridge.geometry.y, bridge.geometry.x)
    if stack.get_attribute("data-view") == "list":
        stack.locator(".bm-list button", has_text="Panji Poyon").click()
    text = stack.inner_text()
    assert "Opened\t2007" in text or "Opened 2007" in text or "2007" in text.split("Opened", 1)[1][:12]
    assert "2,007" not in text
    win.wait_popup_inside()
    assert win.rect(".leaflet-popup-content")["width"] >= 240
    _shot(page, "look-place-popup")
    assert not _errors(log), log.errors


def _heat_pixels(frame) -> int:
    return frame.evaluate("""() => { var c = document.querySelector('canvas.leaflet-heatmap-layer');
        if (!c) { return -1; }
        var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
        for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
        return n; }""")


def test_heatmap_draws_on_its_first_selection(look, app_server):
    page, log = look
    page.goto(app_server)
    MapWindow.of_page(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Heatmap", exact=True).click()
    page.wait_for_timeout(1000)
    win = MapWindow.of_page(page)
    win.frame.wait_for_function("document.querySelectorAll('canvas.leaflet-heatmap-layer').length === 1",
                                timeout=30_000)
    win.frame.wait_for_timeout(500)
    assert _heat_pixels(win.frame) > 200  # the seed incidents' blobs, not a blank canvas
    legend = win.frame.locator("#bm-legend")
    assert "Incident density, weighted by fatalities: low → high" in legend.inner_text()
    ramp = win.frame.locator("#bm-legend .bm-ramp").get_attribute("style")
    assert "linear-gradient(to right,#0000ff,#00ffff,#00ff00,#ffff00,#ff0000)" in ramp
    _shot(page, "look-heatmap-first-selection")
    assert not [e for e in _errors(log) if "heat" in e.lower() or "not a function" in e], log.errors
    assert not _errors(log), log.errors


def _border_points(win: MapWindow) -> list[list[float]]:
    """Screen points (frame px) of the Tajikistan–Afghanistan border line, every vertex."""
    return win.frame.evaluate(f"""() => {{ var m = {win.leaflet_map()}, out = [],
        r = m.getContainer().getBoundingClientRect();
        m.eachLayer(function (l) {{
          if (!(l instanceof L.Polyline) || l.options.color !== "{BORDER_COLOR}") {{ return; }}
          var flat = L.LineUtil.isFlat(l.getLatLngs()) ? [l.getLatLngs()] : l.getLatLngs();
          flat.forEach(function (part) {{ part.forEach(function (ll) {{
            var p = m.latLngToContainerPoint(ll); out.push([p.x + r.left, p.y + r.top]); }}); }});
        }});
        return out; }}""")


def test_legend_covers_no_border_folds_and_lists_each_line_once(look, app_server):
    page, log = look
    page.goto(app_server)
    win = MapWindow.of_page(page)
    legend = win.rect("#bm-legend")
    border = _border_points(win)
    assert len(border) > 100
    inside = [p for p in border if legend["left"] <= p[0] <= legend["right"] and legend["top"] <= p[1] <= legend["bottom"]]
    _shot(page, "look-legend-open")
    assert not inside, f"the legend covers {len(inside)} border vertices at the default view"
    lines = win.frame.locator("#bm-legend .bm-legend-row").all_inner_texts()
    shown = [t for t in lines if t.strip()]
    assert len(shown) == len(set(shown)), shown
    assert sum("Approximate location" in t for t in shown) == 1
    # the page's map has no layer switcher of its own: the sidebar decides
    assert win.frame.locator(".leaflet-control-layers").count() == 0
    win.frame.locator("#bm-legend-toggle").click()
    folded = win.rect("#bm-legend")
    assert folded["height"] < 30 and folded["height"] < legend["height"] / 4, (folded, legend)
    _shot(page, "look-legend-folded")
    # still folded after the page reruns (here: the map is drawn afresh on a reload)
    page.reload()
    win = MapWindow.of_page(page)
    assert win.rect("#bm-legend")["height"] < 30
    win.frame.locator("#bm-legend-toggle").click()
    assert win.rect("#bm-legend")["height"] == pytest.approx(legend["height"], abs=2)
    assert not _errors(log), log.errors


def test_exported_map_popups_and_legend_follow_its_own_layer_switcher(look, tmp_path, scene_data):
    """An exported file has no sidebar: it keeps a layer switcher, and the legend follows it."""
    page, log = look
    data = replace(scene_data, incidents=datasets.load_layer(datasets.SEED_INCIDENTS_FILE))
    m = build_scene_map(data, SceneOptions(basemap=OFFLINE, overlays=DEFAULT_OVERLAYS),
                        MapView())
    path = tmp_path / "export.html"
    path.write_text(standalone_html(m), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("window.__bmReady === true", timeout=30_000)
    win = MapWindow(page, page.main_frame)
    for zoom in (7, 12):
        win.set_view(*SHODAK, zoom)
        stack = _open_stack(win, *SHODAK)
        _open_first_incident(stack)
        _assert_readable(win, max_height=440)
        _shot(page, f"look-export-popup-zoom{zoom}")
        page.evaluate(f"{win.leaflet_map()}.closePopup()")
    win.set_view(37.6, 71.1, 7)
    # a popup opened under the legend (Murghab, top right): the legend steps back, the popup's
    # close button takes the click (Playwright refuses a click another element would catch).
    # Murghab is brought just below the legend's left edge (the popup's close button then clears the
    # layer switcher above the legend), whatever the legend's size in this
    # browser's fonts, so its popup (which opens upwards) lies under the legend
    town = data.places[data.places["name"] == "Murghab"].iloc[0]
    page.evaluate(f"""() => {{ const m = {win.leaflet_map()}, r = document.getElementById('bm-legend')
        .getBoundingClientRect(), c = m.getContainer().getBoundingClientRect();
      const p = m.latLngToContainerPoint([{town.geometry.y}, {town.geometry.x}]);
      m.panBy(p.subtract(L.point(r.left - c.left, r.bottom - c.top + 24)), {{animate: false}}); }}""")
    _open_stack(win, town.geometry.y, town.geometry.x)
    page.wait_for_function("document.getElementById('bm-legend').getAttribute('data-behind-popup') === '1'",
                           timeout=5_000)
    _shot(page, "look-export-popup-under-legend")
    page.locator(".leaflet-popup-close-button").click(timeout=5_000)
    page.wait_for_function("document.getElementById('bm-legend').getAttribute('data-behind-popup') === '0'",
                           timeout=5_000)
    win.set_view(37.6, 71.1, 7)
    legend = page.locator("#bm-legend")
    assert "Incident: Violence against civilians" in legend.inner_text()
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label", has_text="Incidents").locator("input").uncheck()
    assert "Incident: Violence against civilians" not in legend.inner_text()
    assert "Tajikistan–Afghanistan border" in legend.inner_text()
    _shot(page, "look-export-incidents-off")
    assert not _errors(log), log.errors
