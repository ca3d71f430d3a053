"""A fresh install in a real headless Chromium: relief and the border profile come from the shipped
coarse DEM with no download, and the page says the terrain is coarse."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from layers.places import PLACE_STYLES
from tests.browser.conftest import save_screenshot, serving, settled_map

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory) -> Iterator[str]:
    """The app with empty user data and no DEM named (BORDERMAP_DEM empty): only what ships."""
    with serving(tmp_path_factory.mktemp("fresh"), BORDERMAP_DEM="") as url:
        yield url


def test_relief_and_profile_from_the_shipped_dem(offline_page, fresh_install):
    page, log = offline_page
    page.goto(fresh_install)
    frame = settled_map(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("indicative at 2.5-km cells").first.wait_for(timeout=60_000)
    assert sidebar.get_by_text("Hillshade (relief)").count() == 1
    # the relief is an image overlay of real size on the map
    relief = frame.locator("img.leaflet-image-layer").first
    relief.wait_for(timeout=60_000)
    width = relief.evaluate("img => img.naturalWidth")
    box = relief.bounding_box()
    assert width >= 300 and box is not None and box["width"] > 200 and box["height"] > 80
    assert "indicative at 2.5-km cells" in frame.locator(".leaflet-control-attribution").inner_text()
    save_screenshot(page, "shipped_dem_map")
    # the Terrain tab draws the elevation profile along the border from it
    page.get_by_role("tab", name="Terrain").click()
    caption = page.get_by_text(re.compile(r"Along the line: [\d,]+ m to [\d,]+ m")).first
    caption.wait_for(timeout=60_000)
    lo, hi = (int(v.replace(",", "")) for v in re.findall(r"([\d,]+) m", caption.inner_text())[:2])
    assert 200 < lo < 600 and 3000 < hi < 6500  # the Amu Darya lowlands to the Pamirs
    assert page.get_by_text("indicative at 2.5-km cells").count() >= 1
    caption.scroll_into_view_if_needed()
    save_screenshot(page, "shipped_dem_terrain_tab")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert log.blocked == [] and log.missing == []


def test_crossing_popup_shows_its_sourced_status(offline_page, fresh_install):
    """A crossing's popup says its status with since when, the caveat, the source and its confidence."""
    page, log = offline_page
    page.goto(fresh_install)
    frame = settled_map(page)
    # filled circles of the crossings' colour are those known to the bridge (approximate ones are hollow)
    markers = frame.locator(f'path.leaflet-interactive[fill="{PLACE_STYLES["crossing"].color}"]')
    markers.first.wait_for(timeout=60_000)
    assert markers.count() >= 3  # Panji Poyon, Tem, Darvaz (and Khumrogi at ±2 km is approximate)
    markers.first.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=15_000)
    if "choose one" in popup.inner_text():  # the crossing shares its spot with a town: pick it in the list
        frame.locator(".bm-list button", has_text="Border crossings and bridges").first.click()
        frame.locator(".bm-stack").get_by_text("Status (latest report)").wait_for(timeout=15_000)
    text = popup.inner_text()
    assert "Status (latest report)" in text
    assert "reported closed since 2025-12-17 (temporary; no reopening on record)" in text and "claimed" in text
    save_screenshot(page, "crossing_status_popup")
    assert log.blocked == []
