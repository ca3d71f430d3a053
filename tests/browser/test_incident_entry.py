"""Entering an incident in a real Chromium: a map click fills the form, the saved incident is a
marker, and its popup shows injected markup as text without running it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import serving, settled_map

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
COORDS = 'input[aria-label="Coordinates — any form, or click the map"]'
XSS = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">"


@pytest.fixture(scope="module")
def entry_server(tmp_path_factory) -> Iterator[str]:
    """The app with its own fresh store (nothing shared with other browser tests)."""
    with serving(tmp_path_factory.mktemp("entry"), BORDERMAP_USER="browser test") as url:
        yield url


def _map(page):
    frame = settled_map(page)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=30_000)
    return frame


def _map_frame(page):
    handle = page.query_selector(MAP_FRAME)
    assert handle is not None
    return handle.content_frame()


def test_click_fills_form_save_draws_marker_popup_is_inert(offline_page, entry_server):
    page, _log = offline_page
    page.goto(entry_server)
    frame = _map(page)
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    # an empty spot of the map (no marker under it): south-west of the centre
    x, y = box["width"] * 0.37, box["height"] * 0.71
    # the incidents layer draws on one canvas and reports how many incidents it holds
    page.wait_for_function(f"() => document.querySelector('{MAP_FRAME}').contentWindow.__bmIncidentCount >= 0",
                           timeout=30_000)
    n_before = page.evaluate(f"() => document.querySelector('{MAP_FRAME}').contentWindow.__bmIncidentCount")
    # a mark in the map's window: it survives only if the map is not loaded afresh by the save
    page.evaluate(f"() => {{ document.querySelector('{MAP_FRAME}').contentWindow.__beforeSave = 1; }}")
    frame.locator(".leaflet-container").click(position={"x": x, "y": y})

    coords = page.locator(COORDS)
    page.wait_for_function(f"() => document.querySelector('{COORDS}')?.value.includes(',')", timeout=30_000)
    text = coords.input_value()
    lat, lon = (float(v) for v in text.split(","))
    assert 35 < lat < 40 and 66 < lon < 76
    page.get_by_text("Distance to border").first.wait_for(timeout=30_000)

    form = page.locator('[data-testid="stForm"]:has(button:has-text("Save incident"))')
    form.locator('[data-testid="stSelectbox"]').first.click()  # the form asks for the event type
    page.get_by_role("option", name="Battles › Armed clash").click()
    page.locator('input[aria-label="Location (as the report names it)"]').fill("Browser test point")
    page.locator('textarea[aria-label="Notes"]').first.fill(XSS)
    page.get_by_role("button", name="Save incident").click()
    page.get_by_text("it is on the map").first.wait_for(timeout=60_000)

    frame = _map(page)
    page.wait_for_function(
        f"() => document.querySelector('{MAP_FRAME}').contentWindow.__bmIncidentCount > {n_before}",
        timeout=60_000)
    # the confirmation outlasts the map's own rerun after it redrew
    page.wait_for_timeout(1500)
    assert page.get_by_text("it is on the map").first.is_visible()
    # only the incidents layer was swapped: same map window, and its legend lines follow the layer
    assert page.evaluate(f"() => document.querySelector('{MAP_FRAME}').contentWindow.__beforeSave") == 1
    live = _map_frame(page).evaluate("() => document.getElementById('bm-legend-live').innerText")
    assert "Incident: Battles" in live and "Highlighted incident" in live
    # the new marker sits where we clicked: click it
    frame.locator(".leaflet-container").click(position={"x": x, "y": y})
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=15_000)
    assert "Browser test point" in popup.inner_text()
    assert XSS in popup.inner_text()  # shown literally, as text
    assert popup.locator("script").count() == 0 and popup.locator("img").count() == 0
    assert _map_frame(page).evaluate("() => typeof window.__xss") == "undefined"
    assert page.evaluate("() => typeof window.__xss") == "undefined"
