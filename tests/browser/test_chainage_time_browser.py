"""The chainage–time view, the Afghan provinces, crossing status and origin arcs in a real browser.

The app is served on loopback with a fresh store (the seed records); the page is opened at
1440×900 with every outside request aborted.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tests.browser.conftest import MAP_FRAME, open_offline_page, save_screenshot, serving, settled_map

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'
PICKER = 'input[aria-label="Selected record (or click a row in the table)"]'
#: Shodak (seed of 30 Nov 2025), lat, lon degrees.
SHODAK = (38.4504, 71.0302)


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    with serving(tmp_path_factory.mktemp("chainage_time")) as url:
        context, page, log = open_offline_page(browser, {"width": 1440, "height": 900})
        page.goto(url)
        settled_map(page)
        yield page, log
        context.close()


def _settle(page) -> None:
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(600)


def _mark_labels(page) -> list[str]:
    return page.evaluate(f"""() => Array.from(document.querySelectorAll('{CHART} svg [aria-label]'))
        .map(e => e.getAttribute('aria-label'))""")


def _click_mark(page, text: str) -> None:
    """Click the middle of the chart's mark whose description holds ``text``, as a person would."""
    mark = page.locator(f'{CHART} svg [aria-label*="{text}"]').first
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _dark_pixels_around(page, lat: float, lon: float, half_px: int = 16) -> int:
    """Near-black pixels in a box of the map around (lat, lon), as the screen shows them."""
    frame = page.frame_locator(MAP_FRAME)
    x, y = frame.locator(".leaflet-container").evaluate(
        """(el, ll) => { var m = window.__bmIncidentLayers[window.__bmIncidentLayers.length - 1]._map;
            var p = m.latLngToContainerPoint(ll); return [p.x, p.y]; }""", list((lat, lon)))
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    clip = {"x": box["x"] + x - half_px, "y": box["y"] + y - half_px, "width": 2 * half_px, "height": 2 * half_px}
    img = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")).astype(int)
    return int((img.sum(axis=2) < 90).sum())


def test_the_chart_plots_the_seed_records_and_a_click_selects_one_on_map_and_table(page):
    page, log = page
    page.get_by_role("tab", name="Incidents", exact=True).click()
    chart = page.locator(CHART).first
    chart.wait_for(timeout=30_000)
    _settle(page)
    labels = _mark_labels(page)
    records = [s for s in labels if " · id " in s]
    # 4 incidents (points) and 6 developments (date lines) of the seed data
    assert len(records) == 10, records
    assert {p for p in ("Balkh", "Kunduz", "Takhar", "Badakhshan") if any(f"province: {p}" in s for s in labels)} \
        == {"Balkh", "Kunduz", "Takhar", "Badakhshan"}
    assert any("crossing closed" in s and "Panji Poyon" in s for s in labels)  # the 2022 closure as a span
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 400  # the plot is readable in the panel
    before = _dark_pixels_around(page, *SHODAK)
    save_screenshot(page, "chainage_time_1_before_selection")

    _click_mark(page, "Shodak")
    page.wait_for_function(f"() => (document.querySelector('{PICKER}') || {{}}).value?.includes('Shodak')",
                           timeout=60_000)
    _settle(page)
    assert "Shodak" in page.locator(PICKER).input_value()
    page.get_by_text("History of this record").wait_for(timeout=30_000)  # the record's panel below the table
    # the map draws the selected record highlighted (black ring on a white halo) at Shodak
    after = _dark_pixels_around(page, *SHODAK)
    assert after > before + 20, (before, after)
    # the chart draws the chosen point outlined
    assert page.locator(f'{CHART} svg [aria-label*="Shodak"]').first.get_attribute("stroke") in ("#000000", "#000")
    save_screenshot(page, "chainage_time_2_shodak_selected")

    # a development's date line selects that record too
    _click_mark(page, "nationwide vote")
    page.wait_for_function(f"() => (document.querySelector('{PICKER}') || {{}}).value?.includes('nationwide vote')",
                           timeout=60_000)
    assert not [e for e in log.errors if "ERR_FAILED" not in e and "Failed to load resource" not in e]


def test_map_shows_provinces_crossing_status_and_origin_arcs(page):
    page, _log = page
    frame = settled_map(page)
    for name in ("Kunduz", "Takhar", "Badakhshan"):  # Balkh's label lies west of the default view
        assert frame.get_by_text(name, exact=True).first.is_visible()
    # the shipped crossings are all reported closed after 17 Dec 2025: today they are drawn closed (red rings)
    assert frame.locator('path[stroke="#d7301f"]').count() == 7
    # two seed incidents have an origin in Badakhshan attributed officially (Tajik statements):
    # two solid arcs (plus the origin's circle each), none dotted as "not recorded"
    from layers.origin_arcs import ARC_COLOR, UNRECORDED_COLOR

    arcs = frame.locator(f'path[stroke="{ARC_COLOR}"]:not([stroke-dasharray])')
    assert arcs.count() >= 2
    assert frame.locator(f'path[stroke="{UNRECORDED_COLOR}"][stroke-dasharray="2 5"]').count() == 0
    legend = frame.locator(".bm-legend, .leaflet-control").filter(has_text="Legend").first.inner_text()
    assert "Afghan province (Natural Earth; no districts)" in legend
    assert "Origin → incident (official), where locatable" in legend  # the seeds: official attributions
    save_screenshot(page, "chainage_time_3_map_context")


def test_crossing_rings_follow_the_playback_month(page):
    page, _log = page
    page.get_by_text("Time playback", exact=True).click()
    _settle(page)
    thumb = page.get_by_role("slider", name="Show incidents up to")
    thumb.focus()
    thumb.press("Home")  # the first month with records: July 2021
    _settle(page)
    frame = settled_map(page)
    # at the end of July 2021 every shipped crossing was open (Panji Poyon closed only in May 2022)
    frame.locator('path[stroke="#1a9850"]').nth(6).wait_for(timeout=30_000)
    assert frame.locator('path[stroke="#1a9850"]').count() == 7
    assert frame.locator('path[stroke="#d7301f"]').count() == 0
    legend = frame.locator(".leaflet-control").filter(has_text="Legend").first.inner_text()
    assert "Crossing open on 2021-07" in legend, legend
    save_screenshot(page, "chainage_time_4_crossings_open_july_2021")
    thumb.press("ArrowRight")  # the next month with records: November 2024, after Panji Poyon's closure of May 2022
    _settle(page)
    frame = settled_map(page)
    legend = frame.locator(".leaflet-control").filter(has_text="Legend").first.inner_text()
    assert "Crossing closed on 2024-11-30" in legend and "Crossing open on 2024-11-30" in legend, legend
    assert frame.locator('path[stroke="#d7301f"]').count() == 1  # Panji Poyon
    assert frame.locator('path[stroke="#1a9850"]').count() == 6
    thumb.press("End")  # December 2025: the closures reported on 17 Dec 2025 (claimed: dashed rings)
    _settle(page)
    frame = settled_map(page)
    assert frame.locator('path[stroke="#d7301f"]').count() == 7
    assert frame.locator('path[stroke="#d7301f"][stroke-dasharray="4 3"]').count() == 7
    page.get_by_text("Time playback", exact=True).click()  # off again: the page shows today
    _settle(page)
