"""Speed as felt in the browser: a pan runs no script and sends nothing; a save sends a few KB
and draws its point; the view survives a map built afresh and reaches the snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import MAP_FRAME, save_screenshot, serving, settled_map
from ui.incident_table import TABLE_PAGE_ROWS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FRAME_JS = f"document.querySelector('{MAP_FRAME}')"
COORDS = 'input[aria-label="Coordinates — any form, or click the map"]'
LOCATION = 'input[aria-label="Location (as the report names it)"]'


@pytest.fixture(scope="module")
def speed_server(tmp_path_factory) -> Iterator[str]:
    """The app with its own fresh store (the 3 seed incidents)."""
    with serving(tmp_path_factory.mktemp("speed"), BORDERMAP_USER="browser test") as url:
        yield url


class Wire:
    """Websocket frames of the page's Streamlit connection (bytes each way, frames sent)."""

    def __init__(self, page) -> None:
        self.received = self.sent = self.sent_frames = 0
        self.frames: list[bytes] = []
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framereceived", self._in)
            ws.on("framesent", self._out)

    def _in(self, payload) -> None:
        self.received += len(payload)
        self.frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def bytes_of(self, marker: bytes) -> int:
        """Bytes received in frames that contain ``marker`` (e.g. a component's name)."""
        return sum(len(f) for f in self.frames if marker in f)

    def _out(self, payload) -> None:
        self.sent += len(payload)
        self.sent_frames += 1

    def reset(self) -> None:
        self.received = self.sent = self.sent_frames = 0
        self.frames.clear()


def _drawn_page(page, url: str):
    page.goto(url)
    frame = settled_map(page, 180_000)
    page.wait_for_function(f"() => !!{FRAME_JS}?.contentWindow?.__bmDrawnVersion", timeout=120_000)
    return frame


def _view_in_address(page) -> tuple[float, float, float]:
    lat, lon, zoom = parse_qs(urlparse(page.url).query)["view"][0].split(",")
    return float(lat), float(lon), float(zoom)


def _map_view(page) -> tuple[float, float, float]:
    lat, lon, zoom = page.evaluate(
        f"() => {{ const m = {FRAME_JS}.contentWindow.map_div, c = m.getCenter(); "
        "return [c.lat, c.lng, m.getZoom()]; }")
    return lat, lon, zoom


def _drag(page, dx: float, dy: float) -> None:
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    # from open map (south-west of the legend, which sits top-right) — a drag begun on the legend
    # does not pan
    x, y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x + dx * k / 10, y + dy * k / 10)
    page.mouse.up()


def test_pan_and_zoom_send_nothing_and_run_no_script(offline_page, speed_server):
    page, log = offline_page
    wire = Wire(page)
    frame = _drawn_page(page, speed_server)
    page.wait_for_timeout(1000)
    before = _map_view(page)
    wire.reset()
    _drag(page, -200, 90)
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(2500)  # st_folium would have reported the move after 250 ms
    # nothing went over the websocket either way: no script run was asked for
    assert (wire.sent_frames, wire.sent, wire.received) == (0, 0, 0)
    assert not page.locator('[data-testid="stStatusWidget"]').count()
    after = _map_view(page)
    assert after[2] == before[2] + 1 and after[:2] != before[:2]
    # the view went into the page's address instead
    lat, lon, zoom = _view_in_address(page)
    assert (round(lat, 3), round(lon, 3), zoom) == (round(after[0], 3), round(after[1], 3), after[2])
    save_screenshot(page, "speed_after_pan_and_zoom")
    assert not log.errors, log.errors


def _canvas_alpha_at(page, lat: float, lon: float) -> int:
    """Largest alpha of the incident canvas within 2 px of (lat, lon) on the map."""
    return page.evaluate(
        f"""() => {{
          const w = {FRAME_JS}.contentWindow, m = w.map_div, doc = w.document;
          const p = m.latLngToContainerPoint([{lat}, {lon}]), box = m.getContainer().getBoundingClientRect();
          let best = 0;
          for (const c of doc.querySelectorAll('canvas.bm-incident-canvas')) {{
            const r = c.getBoundingClientRect(), k = c.width / r.width;
            const x = Math.round((p.x + box.left - r.left) * k), y = Math.round((p.y + box.top - r.top) * k);
            const d = c.getContext('2d').getImageData(x - 2, y - 2, 5, 5).data;
            for (let i = 3; i < d.length; i += 4) best = Math.max(best, d[i]);
          }}
          return best;
        }}""")


def test_save_draws_the_point_and_sends_a_few_kb(offline_page, speed_server):
    page, log = offline_page
    wire = Wire(page)
    _drawn_page(page, speed_server)
    lat, lon = 37.4207, 69.3113  # no other incident near it
    assert _canvas_alpha_at(page, lat, lon) == 0
    page.locator(COORDS).first.fill(f"{lat}, {lon}")
    page.locator(COORDS).first.press("Tab")
    settled_map(page, 180_000)
    page.locator(LOCATION).first.fill("Speed test point")
    page.locator(LOCATION).first.press("Tab")  # its own run first (a click on Save would race it)
    settled_map(page, 180_000)
    form = page.locator('[data-testid="stForm"]:has(button:has-text("Save incident"))')
    form.locator('[data-testid="stSelectbox"]').first.click()  # the form asks for the event type
    page.get_by_role("option", name="Battles › Armed clash").click()
    count = page.evaluate(f"() => {FRAME_JS}.contentWindow.__bmIncidentCount")
    page.evaluate(f"() => {{ {FRAME_JS}.contentWindow.__beforeSave = 1; }}")
    wire.reset()
    page.get_by_role("button", name="Save incident", exact=True).first.click()
    page.wait_for_function(f"() => {FRAME_JS}.contentWindow.__bmIncidentCount > {count}", timeout=120_000)
    settled_map(page, 180_000)
    page.wait_for_function(f"() => {FRAME_JS}.contentWindow.__bmIncidentCount > {count}", timeout=120_000)
    # the same map window (not reloaded), the point drawn where it was saved, a few KB sent
    assert page.evaluate(f"() => {FRAME_JS}.contentWindow.__beforeSave") == 1
    assert _canvas_alpha_at(page, lat, lon) > 100
    # the map is not sent again, its live layers are a few KB (the rest of the page — table,
    # timeline — is sent by Streamlit as it changes, outside the map)
    # (the map's element is named again by a reference of about 1.5 KB; the map itself is ~350 KB)
    assert wire.bytes_of(b"streamlit_folium.st_folium") < 4 * 1024
    # (the live layers' script: incidents by reference to their served files, the pin, the
    # crossings' status rings and the origin arcs — ~21 KB; the whole save stays under 100 KB)
    assert 0 < wire.bytes_of(b"live_layers") < 32 * 1024, wire.bytes_of(b"live_layers")
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    save_screenshot(page.locator(MAP_FRAME), "speed_after_save_map")
    assert not log.errors, log.errors


def test_view_survives_a_new_basemap_and_reaches_the_snapshot(offline_page, speed_server):
    page, log = offline_page
    frame = _drawn_page(page, speed_server)
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(600)
    _drag(page, 150, -60)
    page.wait_for_timeout(1000)
    lat, lon, zoom = _view_in_address(page)
    assert zoom == _map_view(page)[2] > 7
    # another basemap: the map is built afresh (a new frame) and goes back to the view
    page.evaluate(f"() => {{ {FRAME_JS}.contentWindow.__oldMap = 1; }}")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option").nth(1).click()
    page.wait_for_function(f"() => {FRAME_JS}?.contentWindow?.map_div && !{FRAME_JS}.contentWindow.__oldMap",
                           timeout=120_000)
    settled_map(page, 180_000)
    page.wait_for_timeout(1000)
    new = _map_view(page)
    assert (round(new[0], 3), round(new[1], 3), new[2]) == (round(lat, 3), round(lon, 3), zoom)
    # the snapshot section names that view (the basemap change ran the script, which read it)
    page.get_by_text("Snapshot of the map").click()
    caption = page.get_by_text("The map as shown").first
    caption.wait_for(timeout=30_000)
    assert f"centre {lat:.2f}, {lon:.2f}, zoom {zoom:g}" in caption.inner_text()
    save_screenshot(page, "speed_view_after_basemap_change")
    # tiles are requested from outside and refused (no network): nothing else may fail
    assert not [e for e in log.errors if not e.startswith("Failed to load resource")], log.errors


def _map_bounds(page) -> tuple[float, float, float, float]:
    return tuple(page.evaluate(  # type: ignore[return-value]
        f"() => {{ const b = {FRAME_JS}.contentWindow.map_div.getBounds(); "
        "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"))


def test_a_page_opened_without_a_view_shows_the_whole_border(offline_page, speed_server):
    """At 1400 px the map beside the panel is ~650 px wide: the first view is fitted to the
    border's own bounds (both ends, the Wakhan included), not a fixed zoom that cuts them."""
    page, log = offline_page
    _drawn_page(page, speed_server)
    page.wait_for_timeout(800)
    west, south, east, north = _map_bounds(page)
    # the border's ends: 67.78 °E (Uzbek tripoint) and 74.88 °E (Chinese tripoint), 36.67–38.48 °N
    assert west < 67.78 and east > 74.88 and south < 36.67 and north > 38.48
    assert east - west < 10  # fitted, not zoomed out to a whole region
    # and that view went into the address, so a reload or a snapshot sees it
    _lat, lon, zoom = _view_in_address(page)
    assert abs(lon - (west + east) / 2) < 0.01 and zoom == _map_view(page)[2]
    # the panel's tabs wrap inside the panel instead of scrolling sideways out of it
    scroll, client = page.evaluate(
        "() => { const t = document.querySelector('.st-key-page_panel [role=tablist]'); "
        "return [t.scrollWidth, t.clientWidth]; }")
    assert scroll <= client + 1
    save_screenshot(page, "speed_default_view_fits_the_border")
    assert not log.errors, log.errors


def test_a_link_to_a_view_opens_that_view(offline_page, speed_server):
    """A colleague's link (``?view=lat,lon,zoom``) opens the map on that view, and the page's
    snapshot section names it."""
    page, log = offline_page
    _drawn_page(page, speed_server + "/?view=37.19,68.61,10")
    page.wait_for_timeout(800)
    lat, lon, zoom = _map_view(page)
    assert (round(lat, 2), round(lon, 2), zoom) == (37.19, 68.61, 10)
    page.get_by_text("Snapshot of the map").click()
    caption = page.get_by_text("The map as shown").first
    caption.wait_for(timeout=30_000)
    assert "centre 37.19, 68.61, zoom 10" in caption.inner_text()
    save_screenshot(page, "speed_link_to_a_view")
    assert not log.errors, log.errors


#: Records in the busy store: enough that the whole table (or the timeline) would be megabytes.
BUSY_RECORDS = 3_000
EDIT_FORM = '[data-testid="stForm"]:has(button:has-text("Save changes"))'
PICKER = 'input[aria-label="Selected record (or click a row in the table)"]'


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """The app on a store of :data:`BUSY_RECORDS` realistic incidents; yields (URL, store path)."""
    from geo.store import IncidentStore
    from tests.layers.synthetic_incidents import synthetic_incidents

    tmp = tmp_path_factory.mktemp("busy")
    db = tmp / "incidents.gpkg"
    rows = synthetic_incidents(BUSY_RECORDS, seed=5).drop(columns="geometry").to_dict("records")
    IncidentStore(db, create=True).import_rows(rows, "busy fixture")
    with serving(tmp, BORDERMAP_USER="browser test") as url:
        yield url, db


def _caption_text(page) -> str:
    caption = page.get_by_text("records match the filters in the sidebar").first
    caption.wait_for(timeout=60_000)
    return caption.inner_text()


def test_with_many_records_a_save_and_an_edit_each_send_under_100_kb(offline_page, busy_server):
    """A save from the form and an edit from the Incidents tab send < 100 KB each (the table
    travels as one page of rows, closed tabs not at all), and the table pages through every match."""
    from geo.store import IncidentStore

    page, log = offline_page
    url, db = busy_server
    wire = Wire(page)
    _drawn_page(page, url)
    page.locator(COORDS).first.fill("37.4207, 69.3113")
    page.locator(COORDS).first.press("Tab")
    settled_map(page, 180_000)
    page.locator(LOCATION).first.fill("Busy store point")
    page.locator(LOCATION).first.press("Tab")
    settled_map(page, 180_000)
    form = page.locator('[data-testid="stForm"]:has(button:has-text("Save incident"))')
    form.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Battles › Armed clash").click()
    count = page.evaluate(f"() => {FRAME_JS}.contentWindow.__bmIncidentCount")
    wire.reset()
    page.get_by_role("button", name="Save incident", exact=True).first.click()
    page.wait_for_function(f"() => {FRAME_JS}.contentWindow.__bmIncidentCount > {count}", timeout=120_000)
    settled_map(page, 180_000)
    assert wire.received + wire.sent < 100 * 1024, (wire.received, wire.sent)
    total = IncidentStore(db).count_live()  # the busy records, the seeds and the saved one
    assert total > BUSY_RECORDS and page.evaluate(f"() => {FRAME_JS}.contentWindow.__bmIncidentCount") == total

    page.get_by_role("tab", name="Incidents", exact=True).click()
    settled_map(page, 180_000)
    pages = -(-total // TABLE_PAGE_ROWS)
    assert f"{total:,} of {total:,} records match" in _caption_text(page)
    assert f"rows 1–{TABLE_PAGE_ROWS}, page 1 of {pages}" in _caption_text(page)
    # the saved record is the selected one, its edit form at hand
    picker = page.locator(PICKER)
    assert "Busy store point" in picker.input_value()
    saved = next(r for r in IncidentStore(db).list().to_dict("records") if r["location"] == "Busy store point")
    page.get_by_text("Edit this record").click()
    page.locator(f"{EDIT_FORM} input[aria-label='Actor 1']").fill("Edited with many records")
    wire.reset()
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Last change: update done").first.wait_for(timeout=60_000)
    settled_map(page, 180_000)
    # an edit reruns the open Incidents tab: ~200 small element updates (form, claims, history)
    # besides the table's page and the map's live layers, ~110 KB; a save from the form is < 100 KB
    assert wire.received + wire.sent < 128 * 1024, (wire.received, wire.sent)
    assert IncidentStore(db).get(saved["id"])["actor1"] == "Edited with many records"
    assert "Busy store point" in picker.input_value()  # still the selected record
    save_screenshot(page, "speed_busy_store_incidents_tab")

    # the next page of the table; the selection stays with its record
    page.get_by_role("button", name="Page 2", exact=True).click()
    settled_map(page, 180_000)
    assert f"rows {TABLE_PAGE_ROWS + 1}–{2 * TABLE_PAGE_ROWS}, page 2 of {pages}" in _caption_text(page)
    assert "Busy store point" in picker.input_value()
    save_screenshot(page, "speed_busy_store_table_page_2")
    assert not log.errors, log.errors


def test_trigger_highlight_stays_on_the_map_while_its_tab_is_closed(offline_page, speed_server):
    """The triggers tab is drawn only while open; the highlight chosen there stays on the map
    (the same live layers) after another tab is opened, and is still chosen on coming back."""
    page, log = offline_page
    _drawn_page(page, speed_server)
    live = "() => window.__bmLiveSpec && window.__bmLiveSpec.js"
    plain = page.evaluate(live)
    page.get_by_role("tab", name="Escalation triggers", exact=True).click()
    settled_map(page, 180_000)
    choice = page.locator('[data-testid="stRadio"]:has-text("Highlight on map") label').nth(2)  # trigger 1
    choice.click()
    settled_map(page, 180_000)
    highlighted = page.evaluate(live)
    assert highlighted != plain  # the records behind trigger 1 are drawn highlighted
    page.get_by_role("tab", name="Add incident", exact=True).click()
    settled_map(page, 180_000)
    assert page.get_by_text("Highlight on map").count() == 0  # the closed tab is not drawn
    assert page.evaluate(live) == highlighted  # its highlight stays on the map
    save_screenshot(page, "speed_trigger_highlight_with_its_tab_closed")
    page.get_by_role("tab", name="Escalation triggers", exact=True).click()
    settled_map(page, 180_000)
    assert page.locator('[data-testid="stRadio"]:has-text("Highlight on map") input').nth(1).is_checked()
    assert not log.errors, log.errors
