"""The coverage tab in a real headless Chromium: anchors become covered stretches and gaps on the map,
and a hostile asset name typed on the page stays text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from layers.coverage import COVERED_COLOR, GAP_COLOR
from tests.browser.conftest import serving, settled_map

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
HOSTILE = "<img src=x onerror=\"window.__xss=1\">${window.__xss=2}"


@pytest.fixture(scope="module")
def coverage_server(tmp_path_factory) -> Iterator[str]:
    """The app with its own user data folder (and no DEM)."""
    with serving(tmp_path_factory.mktemp("covserver")) as url:
        yield url


def _map_paths(page, color: str, at_least: int, timeout_s: float = 60.0) -> int:
    """Number of map paths of ``color`` once the page settles on one map with ≥ ``at_least`` of them."""
    count = 0
    for _ in range(int(timeout_s * 2)):
        frames = page.locator(MAP_FRAME)
        if frames.count() == 1:
            count = frames.first.content_frame.locator(f'path[stroke="{color}"]').count()
            if count >= at_least:
                return count
        page.wait_for_timeout(500)
    return count


def _frames_carry(page, text: str) -> bool:
    """Whether a frame of the page other than the page itself holds ``text`` (a frame detached by a
    rerun while it is read counts as not holding it)."""
    for frame_ in page.frames:
        if frame_ == page.main_frame:
            continue
        try:
            if text in frame_.content():
                return True
        except Exception:  # Playwright: "Frame was detached" — it is being replaced
            continue
    return False


def test_anchors_draw_coverage_and_hostile_name_is_inert(offline_page, coverage_server):
    page, log = offline_page
    page.goto(coverage_server)
    settled_map(page)  # the first runs are over: the tab bar is not being redrawn under the click
    page.get_by_role("tab", name="Patrol coverage").click()
    page.get_by_role("button", name="Add anchors: crossings").click()
    assert _map_paths(page, COVERED_COLOR, 1) >= 1
    assert _map_paths(page, GAP_COLOR, 5) >= 5
    # type an asset with a hostile name through the form
    page.get_by_label("Name", exact=True).fill(HOSTILE)
    page.get_by_role("button", name="Add asset").click()
    page.get_by_text("Added").first.wait_for(timeout=30_000)
    for _ in range(120):  # until the redrawn map carries the new asset (as data)
        if page.locator(MAP_FRAME).count() == 1 and _frames_carry(page, "onerror"):
            break
        page.wait_for_timeout(500)
    assert _map_paths(page, COVERED_COLOR, 1) >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    # no script ran, in the page or in the map frame
    assert page.evaluate("window.__xss") is None
    for frame_ in page.frames:
        if not frame_.is_detached():
            assert frame_.evaluate("window.__xss") is None, frame_.url
    # the name did reach the map (as data), so the checks above mean something
    assert _frames_carry(page, "onerror")
    assert not [e for e in log.errors if "__xss" in e]
