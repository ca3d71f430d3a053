"""A Google Earth KML with untyped placemarks goes through the page's preview and lands whole:
the default date brings in the undated one, the untyped ones are drawn grey and listed for review."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from tests.browser.conftest import MAP_FRAME, save_screenshot, serving, settled_map
from tests.geo.test_import_defaults import write_google_earth_kml

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COUNT = f"() => document.querySelector('{MAP_FRAME}').contentWindow.__bmIncidentCount"
GREY = (0xA3, 0xA3, 0xA3)
#: (lat, lon) of an untyped placemark of the test KML, degrees EPSG:4326.
ROAD_WORKS = (38.4504, 71.0302)
#: Page loads and reruns wait this long (ms): the test machine may be heavily shared.
LOAD_MS = 180_000  # layers.incidents.EVENT_TYPE_COLORS[UNCLASSIFIED]


@pytest.fixture(scope="module")
def import_server(tmp_path_factory) -> Iterator[str]:
    """The app with its own fresh store (nothing shared with other browser tests)."""
    with serving(tmp_path_factory.mktemp("import"), BORDERMAP_USER="browser test") as url:
        yield url


#: JS run in the map's frame: for a (lat, lon), the colours any canvas of the map holds within
#: ±3 px of that point (Leaflet projects it; the incidents layer draws on canvas).
CANVAS_COLOURS_AT = """([lat, lon]) => {
  const map = Object.values(window).find(v => v && v._container && v.latLngToContainerPoint);
  const pt = map.latLngToContainerPoint([lat, lon]);
  const box = map.getContainer().getBoundingClientRect();
  const out = [];
  for (const c of document.querySelectorAll('canvas')) {
    const r = c.getBoundingClientRect();
    if (!r.width) continue;
    const sx = c.width / r.width, sy = c.height / r.height;
    const x = Math.round((box.left + pt.x - r.left) * sx), y = Math.round((box.top + pt.y - r.top) * sy);
    if (x < 3 || y < 3 || x >= c.width - 3 || y >= c.height - 3) continue;
    const d = c.getContext('2d').getImageData(x - 3, y - 3, 7, 7).data;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200) out.push([d[i], d[i + 1], d[i + 2]]);
  }
  return out;
}"""


def _grey_near(page, lat: float, lon: float) -> int:
    """How many opaque canvas pixels near (lat, lon) have the unclassified grey (± 8 per channel)."""
    handle = page.query_selector(MAP_FRAME)
    assert handle is not None
    colours = handle.content_frame().evaluate(CANVAS_COLOURS_AT, [lat, lon])
    if not colours:
        return 0
    rgb = np.asarray(colours, dtype=int)
    return int((np.abs(rgb - np.array(GREY)).max(axis=1) <= 8).sum())


def test_google_earth_kml_lands_whole_through_the_preview(offline_page, import_server, tmp_path):
    page, log = offline_page
    page.goto(import_server)
    settled_map(page, timeout_ms=LOAD_MS)
    page.wait_for_function(f"{COUNT} >= 0", timeout=LOAD_MS)
    n_before = page.evaluate(COUNT)
    save_screenshot(page.locator(MAP_FRAME), "import_map_before")
    assert _grey_near(page, *ROAD_WORKS) == 0

    page.get_by_role("tab", name="Import incidents").click()
    kml = write_google_earth_kml(tmp_path)
    page.get_by_label("File to import").locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(kml))
    page.get_by_text("Panj notes.kml (kml): 3 rows, 2 valid").wait_for(timeout=LOAD_MS)
    assert page.get_by_text("event_date is required").count() >= 1 or page.get_by_role(
        "button", name="Import 2 valid rows").is_visible()
    page.get_by_text("Rows that will be rejected").scroll_into_view_if_needed()
    save_screenshot(page, "import_preview_without_defaults")

    # the date field is three spin buttons (year, month, day) that advance as digits are typed
    page.get_by_role("spinbutton", name="year, Event date").click()
    page.keyboard.type("20250501")
    page.keyboard.press("Tab")
    source = page.locator('[data-testid="stTextInput"]:visible').filter(has_text="Source").locator("input")
    source.fill("Field notes (Google Earth)")
    source.press("Enter")
    go = page.get_by_role("button", name="Import 3 valid rows")
    go.wait_for(timeout=LOAD_MS)
    go.scroll_into_view_if_needed()
    save_screenshot(page, "import_preview_with_default_date")
    go.click()
    page.get_by_text("Panj notes.kml: 3 imported, 0 already in the store (skipped), 0 rejected.").wait_for(
        timeout=LOAD_MS)
    review = page.get_by_text("Needs review: 2 unclassified records")
    review.wait_for(timeout=LOAD_MS)
    review.scroll_into_view_if_needed()
    save_screenshot(page, "import_report_and_review_list")

    settled_map(page, timeout_ms=LOAD_MS)
    page.wait_for_function(f"{COUNT} === {n_before + 3}", timeout=LOAD_MS)
    legend = page.frame_locator(MAP_FRAME).locator("#bm-legend-live").inner_text()
    assert "Incident: Unclassified — needs review" in legend

    # the sidebar filter keeps only the two unclassified records, drawn grey
    types = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Event types")
    types.scroll_into_view_if_needed()
    types.locator("input").first.click()
    page.keyboard.type("Unclassified")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    types.get_by_text("Unclassified — needs review").wait_for(timeout=LOAD_MS)
    page.wait_for_function(f"{COUNT} === 2", timeout=LOAD_MS)
    settled_map(page, timeout_ms=LOAD_MS)
    page.wait_for_timeout(1000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    save_screenshot(page.locator(MAP_FRAME), "import_unclassified_on_map")
    assert _grey_near(page, *ROAD_WORKS) >= 5
    assert not [e for e in log.errors if "Traceback" in e]
    assert not log.blocked
