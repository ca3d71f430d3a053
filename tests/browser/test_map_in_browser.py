"""The running app in a real headless Chromium, with no network for tiles or CDNs."""

from __future__ import annotations

import pytest

from tests.browser.conftest import settled_map

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
BORDER_STROKE = "#d62728"


def _wait_for_map(page):
    frame = settled_map(page)
    frame.locator(f'path[stroke="{BORDER_STROKE}"]').first.wait_for(timeout=30_000)
    return frame


def _tile_or_cdn_errors(errors: list[str]) -> list[str]:
    """Console errors that are not the aborted outside requests themselves."""
    return [e for e in errors if "ERR_FAILED" not in e and "Failed to load resource" not in e]


def test_map_draws_border_and_markers_offline(offline_page, app_server, scene_data):
    page, log = offline_page
    page.goto(app_server)
    frame = _wait_for_map(page)
    # the border line and its km marks (every 100 km over ~1,246 km)
    assert frame.locator(f'path[stroke="{BORDER_STROKE}"]').count() == 1
    assert frame.locator(f'path[fill="{BORDER_STROKE}"]').count() >= 12
    # one interactive circle per place (plus dashed precision circles and km marks)
    n_places = len(scene_data.places[scene_data.places["kind"] != "town"])
    assert frame.locator("path.leaflet-interactive").count() >= n_places
    # the offline basemap: country fills in their own pane, under the overlays, and names
    assert frame.locator('.leaflet-bm_basemap-pane path[fill="#f3e6c8"]').count() == 1  # Tajikistan
    labels = frame.locator(".leaflet-marker-pane .leaflet-marker-icon").all_inner_texts()
    assert {"Tajikistan", "Afghanistan"} <= {t.strip() for t in labels}
    # the legend and the controls are there
    assert frame.locator("#bm-legend").inner_text().count("border") >= 1
    # no in-map layer switcher: the sidebar alone decides the layers (they cannot disagree)
    assert frame.locator(".leaflet-control-layers").count() == 0
    assert frame.locator(".leaflet-control-measure").count() == 1
    # Leaflet came from our own server: nothing was fetched from a CDN
    assert not [u for u in log.blocked if "leaflet" in u or "jquery" in u or "bootstrap" in u], log.blocked
    assert not _tile_or_cdn_errors(log.errors), log.errors
    # every asset the page asked our server for exists (e.g. the draw tool's icons)
    frame.locator(".leaflet-draw-draw-polygon").hover()
    page.wait_for_timeout(500)
    assert not log.missing, log.missing


def test_popup_shows_source_and_precision(offline_page, app_server):
    page, _ = offline_page
    page.goto(app_server)
    frame = _wait_for_map(page)
    marker = frame.locator("path.leaflet-interactive[stroke='#222222']").first
    marker.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    if frame.locator(".bm-stack[data-view='list']").count():  # features on one spot: a list first
        frame.locator(".bm-list button").first.click()
    text = popup.inner_text()
    assert "Source" in text and "Location precision" in text


def test_layers_stay_legible_with_tile_basemap_and_no_network(offline_page, app_server):
    page, log = offline_page
    page.goto(app_server)
    _wait_for_map(page)
    # choose a tile basemap in the sidebar: its tiles cannot load here
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="OpenStreetMap").click()
    page.wait_for_timeout(1500)
    frame = _wait_for_map(page)
    assert frame.locator(f'path[stroke="{BORDER_STROKE}"]').count() == 1
    # the tinted countries overlay still separates the two sides
    assert frame.locator('path[fill="#e0a526"]').count() >= 1
    assert any("tile.openstreetmap.org" in u for u in log.blocked)
