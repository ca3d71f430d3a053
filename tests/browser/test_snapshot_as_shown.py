"""Snapshots "as shown", through the page in a real headless Chromium: with the shipped coarse DEM's
hillshade, the coverage of the crossings, an analyst zone and the pin of a typed point on the map,
the HTML, the PNG as seen (and clean) and the print map downloaded from the sidebar hold them all
(elements in the HTML, pixels in the PNGs), and their names say what they are."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from layers.coverage import COVERED_COLOR, DRAWN_ZONE_COLOR
from layers.pin import PIN_COLOR
from tests.browser.conftest import (
    MAP_FRAME,
    SCREENSHOT_DIR,
    open_offline_page,
    save_screenshot,
    serving,
    settled_map,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: An analyst zone north of the Panj near Shuroobod (inside the page's default view).
ZONE = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Snapshot zone"},
        "geometry": {"type": "Polygon", "coordinates": [[[70.0, 37.6], [70.6, 37.6], [70.6, 38.0], [70.0, 38.0],
                                                          [70.0, 37.6]]]}}]}
STAMP = r"\d{4}-\d{2}-\d{2}_\d{4}Z"
COORDS = 'input[aria-label="Coordinates — any form, or click the map"]'


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _near(img: np.ndarray, color: str, tol: int = 24) -> int:
    return int((np.abs(img[..., :3].astype(int) - np.array(_rgb(color))).max(axis=-1) <= tol).sum())


def _changed(img: np.ndarray, other: np.ndarray, tol: int = 2) -> float:
    """Share of pixels that differ by more than ``tol`` in a channel between two same-size images."""
    assert img.shape == other.shape
    return float((np.abs(img.astype(int) - other.astype(int)).max(axis=-1) > tol).mean())


def _decode(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"
        return np.asarray(im.convert("RGB"))


@pytest.fixture(scope="module")
def shipped_dem_server(tmp_path_factory) -> Iterator[str]:
    """The app with empty user data and the shipped coarse DEM (BORDERMAP_DEM empty)."""
    with serving(tmp_path_factory.mktemp("asshown"), BORDERMAP_DEM="") as url:
        yield url


def _settled(page, tries: int = 3):
    """:func:`settled_map`, again if a rerun replaced the map while it was being looked at (on a
    loaded machine the old and the new map frame can stand side by side for a moment)."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(tries):
        try:
            return settled_map(page)
        except PlaywrightError:
            if attempt == tries - 1:
                raise
            page.wait_for_timeout(1000)
    raise AssertionError("unreachable")


def _map_count(page, selector: str, at_least: int, timeout_s: float = 90.0) -> int:
    count = 0
    for _ in range(int(timeout_s * 2)):
        frames = page.locator(MAP_FRAME)
        if frames.count() == 1:
            count = frames.first.content_frame.locator(selector).count()
            if count >= at_least:
                return count
        page.wait_for_timeout(500)
    return count


def _download(page, button: str, folder: Path) -> tuple[str, bytes]:
    with page.expect_download(timeout=120_000) as info:
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name=button).click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(str(path))
    return download.suggested_filename, path.read_bytes()


def _render_png(page, folder: Path) -> tuple[str, bytes]:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Render PNG (as seen)").click()
    sidebar.get_by_role("button", name="Download PNG").wait_for(timeout=120_000)
    return _download(page, "Download PNG", folder)


def test_html_png_and_print_map_hold_relief_coverage_and_zone(browser, shipped_dem_server, tmp_path):
    context, page, log = open_offline_page(browser, {"width": 1440, "height": 900})
    try:
        page.goto(shipped_dem_server)
        frame = _settled(page)
        frame.locator("img.leaflet-image-layer").first.wait_for(timeout=60_000)  # the hillshade is on
        page.get_by_label("Your name (kept in the history of what you change)").fill("Analyst A")
        page.keyboard.press("Enter")
        page.get_by_role("tab", name="Patrol coverage").click()
        page.get_by_role("button", name="Add anchors: crossings").click()
        assert _map_count(page, f'path[stroke="{COVERED_COLOR}"]', 1) >= 1
        page.get_by_text("Analyst-drawn zones (hypotheses)").first.click()
        page.get_by_label("…or paste GeoJSON").fill(json.dumps(ZONE))
        page.get_by_role("button", name="Validate and save uploaded/pasted zones").click()
        page.get_by_text("Saved 1 zone(s).").first.wait_for(state="attached", timeout=60_000)
        assert _map_count(page, f'path[stroke="{DRAWN_ZONE_COLOR}"]', 1) >= 1
        # the point being entered: its pin south of the Panj, west of the zone
        page.get_by_role("tab", name="Add incident").click()
        page.locator(COORDS).fill("37.30, 69.50")
        page.locator(COORDS).press("Enter")
        assert _map_count(page, ".bm-pin-icon", 1) == 1
        frame = _settled(page)
        save_screenshot(page, "snapshot_as_shown_page")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Snapshot of the map").click()
        # the current view: zoom the page's map in (no script runs; the map writes its view into
        # the address), then let a run read it
        before = page.evaluate("() => new URLSearchParams(location.search).get('view')")
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_function(f"() => {{ const v = new URLSearchParams(location.search).get('view'); "
                               f"return v && v !== {json.dumps(before)}; }}", timeout=30_000)
        lat, lon, zoom = (float(v) for v in page.evaluate(
            "() => new URLSearchParams(location.search).get('view')").split(","))
        sidebar.get_by_role("button", name="Use the map's current view").click()
        sidebar.get_by_text(f"zoom {zoom:g})").first.wait_for(timeout=60_000)
        _settled(page)

        # the HTML: its own title, date, sources and legend, and the three layers as elements
        name, data = _download(page, "Download HTML (interactive, works offline)", tmp_path)
        assert re.fullmatch(rf"border-map_interactive_{STAMP}\.html", name), name
        html = data.decode("utf-8")
        assert "<title>Border Map" in html and "GMTED2010" in html and "hillshade: hillshade" not in html
        centre = re.search(r"center: \[([-\d.]+), ([-\d.]+)\]", html)
        assert centre and abs(float(centre[1]) - lat) < 1e-4 and abs(float(centre[2]) - lon) < 1e-4
        assert f'"zoom": {zoom:g},' in html  # at the page's view (quarter zooms: the map fits the border)
        viewer = context.new_page()
        viewer_errors: list[str] = []
        viewer.on("pageerror", lambda e: viewer_errors.append(str(e)))
        viewer.goto((tmp_path / name).as_uri())
        viewer.locator(".leaflet-container").wait_for(timeout=30_000)
        assert viewer.locator("img.leaflet-image-layer").count() >= 1
        assert viewer.locator(f'path[stroke="{COVERED_COLOR}"]').count() >= 1
        assert viewer.locator(f'path[stroke="{DRAWN_ZONE_COLOR}"]').count() == 1
        assert viewer.locator(".bm-pin-icon").count() == 1
        caption = viewer.locator("#bm-caption").inner_text()
        assert "Border Map" in caption and re.search(r"Snapshot of \d{4}-\d{2}-\d{2}", caption)
        assert "hillshade: coarse overview DEM" in caption and "analyst-drawn zones" in caption
        legend = viewer.locator("#bm-legend").inner_text()
        assert "Analyst-drawn zone (hypothesis)" in legend and "Border covered" in legend
        save_screenshot(viewer, "snapshot_as_shown_html")
        viewer.get_by_role("button", name="Hide this caption").click()  # it can be put away
        assert not viewer.locator("#bm-caption").is_visible()
        assert viewer_errors == []  # every layer's script ran (none names the page's map)
        viewer.close()

        # the PNG as seen, and the print map: the coverage and the zone in their colours
        name, png = _render_png(page, tmp_path)
        assert re.fullmatch(rf"border-map_view_{STAMP}\.png", name), name
        seen = _decode(png)
        (SCREENSHOT_DIR / "snapshot_as_shown_view.png").write_bytes(png)
        assert _near(seen, COVERED_COLOR) > 150 and _near(seen, DRAWN_ZONE_COLOR) > 40
        assert _near(seen, PIN_COLOR, 12) > 150
        assert (seen[12:68, 12:38] >= 250).all(axis=-1).sum() > 600  # the zoom control's white buttons
        name, printed_png = _download(page, "Download print map (PNG)", tmp_path)
        assert re.fullmatch(rf"border-map_print_{STAMP}\.png", name), name
        printed = _decode(printed_png)
        (SCREENSHOT_DIR / "snapshot_as_shown_print.png").write_bytes(printed_png)
        assert _near(printed, COVERED_COLOR) > 150 and _near(printed, DRAWN_ZONE_COLOR) > 40
        assert _near(printed, PIN_COLOR, 12) > 150

        # the clean PNG: the same map without the zoom, full-screen and other controls
        page.locator('[data-testid="stSidebar"]').get_by_text("Clean PNG").click()
        _settled(page)
        assert page.get_by_role("button", name="Download PNG").count() == 0  # not the PNG with controls
        name, clean_png = _render_png(page, tmp_path)
        assert re.fullmatch(rf"border-map_clean_{STAMP}\.png", name), name
        clean = _decode(clean_png)
        (SCREENSHOT_DIR / "snapshot_as_shown_clean.png").write_bytes(clean_png)
        assert (clean[12:68, 12:38] >= 250).all(axis=-1).sum() < 50
        assert _near(clean, COVERED_COLOR) > 150 and _near(clean, PIN_COLOR, 12) > 150

        # the relief: the same exports with the hillshade switched off are far plainer
        page.locator('[data-testid="stSidebar"]').get_by_text("Hillshade (relief)").click()
        _settled(page)
        assert page.get_by_role("button", name="Download PNG").count() == 0  # not the PNG with relief
        _, flat_png = _render_png(page, tmp_path)
        _, flat_print = _download(page, "Download print map (PNG)", tmp_path)
        flat_seen, flat_printed = _decode(flat_png), _decode(flat_print)
        (SCREENSHOT_DIR / "snapshot_as_shown_view_no_relief.png").write_bytes(flat_png)
        # same view and layers: the relief shades much of the land (the coarse DEM covers the region)
        changed = (_changed(seen, flat_seen), _changed(printed, flat_printed))
        assert changed[0] > 0.1 and changed[1] > 0.1, changed
        assert _near(flat_seen, COVERED_COLOR) > 150  # the rest is still there
        assert page.locator('[data-testid="stException"]').count() == 0
        assert log.blocked == [] and log.missing == []
    finally:
        context.close()
