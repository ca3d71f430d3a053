"""The incidents layer in a real headless Chromium, opened as a standalone file with no network."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from layers.assets import standalone_html
from layers.incidents import incidents_layer
from layers.map import MapView, build_map
from tests.layers.synthetic_incidents import synthetic_incidents

pytestmark = pytest.mark.browser

HOSTILE = ["<img src=x onerror=window.__xss=1>", "${window.__xss=2}",
           "</script><script>window.__xss=3</script>", "`+(window.__xss=4)+`"]


def _hostile_rows() -> gpd.GeoDataFrame:
    """Four incidents 0.2° apart whose texts try every injection we know of."""
    base = synthetic_incidents(4, seed=11)
    rows = base.copy()
    rows["notes"] = HOSTILE
    rows["location"] = HOSTILE[::-1]
    rows["source"] = [f"Source {h}" for h in HOSTILE]
    rows["actor1"] = HOSTILE
    rows["source_url"] = ["javascript:window.__xss=6", "https://example.org/a?b=`x`", None, None]
    rows["id"] = [f"hostile-{i}" for i in range(4)]
    rows["fatalities"] = pd.array([0, 3, 12, 40], dtype="Int64")
    return gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy([69.6, 69.8, 70.0, 70.2], [37.3] * 4), crs=4326)


def _open(page, tmp_path, gdf, view=None, **kwargs):
    m = build_map([incidents_layer(gdf, **kwargs)], '{"type": "FeatureCollection", "features": []}', view=view)
    path = tmp_path / "incidents.html"
    path.write_text(standalone_html(m), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("window.__bmReady === true", timeout=30_000)


def _click_incident(page, lat, lon):
    x, y = page.evaluate("""([lat, lon]) => { var m = window.__bmIncidentLayers[0]._map;
        var p = m.latLngToContainerPoint([lat, lon]), r = m.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""", [lat, lon])
    page.mouse.click(x, y)
    popup = page.locator(".bm-incident-popup")
    popup.wait_for(timeout=5_000)
    return popup


def _no_errors(log):
    return [e for e in log.errors if "ERR_FAILED" not in e and "Failed to load resource" not in e]


def test_every_incident_is_drawn_and_a_click_shows_its_fields(offline_page, tmp_path):
    page, log = offline_page
    gdf = pd.concat([synthetic_incidents(5_000, seed=2), _hostile_rows()], ignore_index=True)
    gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=4326)
    _open(page, tmp_path, gdf, highlight_ids=["hostile-0", "hostile-1", "hostile-2", "hostile-3"])
    assert page.evaluate("window.__bmIncidentCount") == len(gdf)
    assert page.evaluate("window.__bmIncidentVisible") == len(gdf)  # the default view holds the border
    # the chunks were merged into one draw order: larger symbols first, exact before approximate
    order = page.evaluate("""() => { var g = window.__bmIncidentLayers[0]._d.group, out = [];
        for (var i = 0; i < g.length; i++) { out.push([-Math.floor(g[i] / 64), g[i] % 64]); } return out; }""")
    assert len(order) == len(gdf) and order == sorted(order)
    assert page.evaluate("window.__bmIncidentLayers[0]._d.highlight.length") == 4
    popup = _click_incident(page, 37.3, 69.8)
    text = popup.inner_text()
    for label in ("Date", "Event type", "Actor 1", "Fatalities", "Source", "Notes", "Location precision"):
        assert label in text
    assert "3" in text and HOSTILE[1] in text
    assert not _no_errors(log), log.errors


def test_hostile_text_is_shown_literally_and_never_runs(offline_page, tmp_path):
    page, log = offline_page
    rows = _hostile_rows()
    _open(page, tmp_path, rows, view=MapView((37.3, 69.9), 9), highlight_ids=list(rows.id))
    hrefs = []
    for lon, notes in zip([69.6, 69.8, 70.0, 70.2], HOSTILE, strict=True):
        popup = _click_incident(page, 37.3, lon)
        hrefs.append([popup.locator("a").nth(i).get_attribute("href") for i in range(popup.locator("a").count())])
        text = popup.inner_text()
        assert notes in text  # the notes row shows the payload as typed
        assert f"Source {notes}" in text
        assert popup.locator("img").count() == 0 and popup.locator("script").count() == 0
        page.evaluate("window.__bmIncidentLayers[0]._map.closePopup()")
        page.wait_for_function("document.querySelectorAll('.bm-incident-popup').length === 0")
    # only the http(s) URL became a link; the javascript: one stays text
    assert hrefs == [[], ["https://example.org/a?b=`x`"], [], []]
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert not _no_errors(log), log.errors


def test_several_incidents_on_one_spot_are_listed_and_each_can_be_opened(offline_page, tmp_path):
    page, _ = offline_page
    rows = _hostile_rows().iloc[:3].copy()
    rows["geometry"] = gpd.points_from_xy([70.0] * 3, [37.3] * 3)
    rows = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    _open(page, tmp_path, rows, view=MapView((37.3, 70.0), 9))
    x, y = page.evaluate("""() => { var m = window.__bmIncidentLayers[0]._map;
        var p = m.latLngToContainerPoint([37.3, 70.0]), r = m.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""")
    page.mouse.click(x, y)
    stack = page.locator(".bm-stack")
    stack.wait_for(timeout=5_000)
    assert stack.inner_text().startswith("3 features here")
    assert stack.locator(".bm-list button").count() == 3
    stack.locator(".bm-list button").nth(1).click()
    assert "2 of 3 here" in stack.inner_text()
    second = stack.locator(".bm-incident-popup").get_attribute("data-incident-index")
    stack.locator(".bm-next").click()
    assert "3 of 3 here" in stack.inner_text()
    assert stack.locator(".bm-incident-popup").get_attribute("data-incident-index") != second
    stack.locator(".bm-back").click()
    assert stack.locator(".bm-list button").count() == 3


@pytest.mark.parametrize("style", ["cluster", "heatmap"])
def test_cluster_and_heatmap_load_offline_without_errors(offline_page, tmp_path, style):
    page, log = offline_page
    _open(page, tmp_path, synthetic_incidents(3_000, seed=5), style=style)
    assert page.evaluate("window.__bmIncidentCount") == 3_000
    assert not _no_errors(log), log.errors
    assert not [u for u in log.blocked if "heat" in u or "leaflet" in u], log.blocked
    if style == "heatmap":
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
    else:
        # clusters were drawn; clicking the biggest zooms the map in
        zoom0 = page.evaluate("window.__bmIncidentLayers[0]._map.getZoom()")
        x, y = page.evaluate("""() => { var l = window.__bmIncidentLayers[0], m = l._map;
            var c = l._clusters.slice().sort((a, b) => b.n - a.n)[0];
            var p = m.layerPointToContainerPoint([c.x, c.y]), r = m.getContainer().getBoundingClientRect();
            return [p.x + r.left, p.y + r.top]; }""")
        page.mouse.click(x, y)
        page.wait_for_function(f"window.__bmIncidentLayers[0]._map.getZoom() > {zoom0}", timeout=5_000)

