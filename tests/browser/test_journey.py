"""The analyst's everyday loop in a real Chromium at 1440×900: the map and the working panel side by
side, a click drops a pin, the new incident is drawn, and edit → undo hit the selected record only.

Each step writes a screenshot (``save_screenshot``) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geo.store import IncidentStore
from tests.browser.conftest import MAP_FRAME, open_offline_page, save_screenshot, serving, settled_map

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH, HEIGHT = 1440, 900
COORDS = 'input[aria-label="Coordinates — any form, or click the map"]'
ADD_FORM = '[data-testid="stForm"]:has(button:has-text("Save incident"))'
EDIT_FORM = '[data-testid="stForm"]:has(button:has-text("Save changes"))'


@pytest.fixture(scope="module")
def journey(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """The app with its own fresh store (the three seed incidents); yields (URL, store path)."""
    tmp = tmp_path_factory.mktemp("journey")
    with serving(tmp, BORDERMAP_USER="journey analyst") as url:
        yield url, tmp / "incidents.gpkg"


@pytest.fixture()
def app_page(browser, journey) -> Iterator:
    """A 1440×900 page of the app, offline (only loopback requests pass)."""
    context, page, _log = open_offline_page(browser, {"width": WIDTH, "height": HEIGHT})
    page.goto(journey[0])
    settled_map(page)
    yield page
    context.close()


def _box(locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def _in_view(box: dict[str, float]) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= WIDTH and \
        box["y"] + box["height"] <= HEIGHT


def _map_window(page):
    handle = page.query_selector(MAP_FRAME)
    assert handle is not None
    return handle.content_frame()


def _incident_count(page) -> int:
    page.wait_for_function(f"() => document.querySelector('{MAP_FRAME}').contentWindow.__bmIncidentCount >= 0",
                           timeout=30_000)
    return int(page.evaluate(f"() => document.querySelector('{MAP_FRAME}').contentWindow.__bmIncidentCount"))


def _settle(page) -> None:
    settled_map(page)
    page.wait_for_timeout(600)


def test_map_and_entry_panel_are_visible_together(app_page):
    page = app_page
    """Typed coordinates: the map, the box, the parsed point in full, its side/distance/chainage and
    the warnings are all on screen without scrolling; a preview pin is on the map."""
    map_box = _box(page.locator(MAP_FRAME))
    main = _box(page.locator('[data-testid="stMain"]'))
    assert map_box["width"] >= 0.55 * main["width"], (map_box, main)  # the map: most of the page
    assert map_box["height"] >= 0.8 * HEIGHT and _in_view(map_box), map_box  # the viewport's height
    page.locator(COORDS).fill("68.61, 37.19")  # swapped: a warning and a "did you mean" button
    page.locator(COORDS).press("Enter")
    page.get_by_text("did you mean").first.wait_for(timeout=30_000)
    _settle(page)
    parsed = page.locator('[data-testid="stMetric"]:has-text("Parsed point")')
    for locator in (page.locator(COORDS), parsed, page.locator('[data-testid="stMetric"]:has-text("Side")'),
                    page.locator('[data-testid="stMetric"]:has-text("Distance to border")'),
                    page.locator('[data-testid="stMetric"]:has-text("Nearest chainage")'),
                    page.locator('[data-testid="stAlert"]:has-text("did you mean")').first,
                    page.locator(MAP_FRAME)):
        assert _in_view(_box(locator)), locator
    value = parsed.locator('[data-testid="stMetricValue"]')
    assert value.inner_text().strip() == "68.61000, 37.19000"  # in full, not cut
    assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    # side by side: the panel right of the map, not below it
    assert _box(page.locator(COORDS))["x"] > map_box["x"] + map_box["width"] - 1
    page.get_by_role("button", name="swap latitude and longitude").click()
    page.wait_for_function(f"() => document.querySelector('{COORDS}').value === '37.19, 68.61'", timeout=30_000)
    _settle(page)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".bm-pin-icon").wait_for(timeout=30_000)  # the preview pin of the typed point
    save_screenshot(page, "journey_1_typed_point_and_preview_pin")


def test_click_drops_a_pin_and_saving_draws_the_point(app_page, journey):
    page = app_page
    _url, db = journey
    frame = page.frame_locator(MAP_FRAME)
    n_before = _incident_count(page)
    leaflet = _box(frame.locator(".leaflet-container"))
    x, y = leaflet["width"] * 0.30, leaflet["height"] * 0.80  # an empty spot in Afghanistan, west
    frame.locator(".leaflet-container").click(position={"x": x, "y": y})
    page.wait_for_function(f"() => document.querySelector('{COORDS}')?.value.includes(',')", timeout=30_000)
    _settle(page)
    pin = frame.locator(".bm-pin-icon")
    pin.wait_for(timeout=30_000)
    tip = _box(pin)
    map_box = _box(page.locator(MAP_FRAME))
    # the pin's tip (bottom centre of the icon) is where the map was clicked
    assert abs(map_box["x"] + x - (tip["x"] + tip["width"] / 2)) < 4
    assert abs(map_box["y"] + y - (tip["y"] + tip["height"] - 1)) < 4
    save_screenshot(page, "journey_2_click_dropped_pin")

    page.locator(f"{ADD_FORM} [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Battles › Armed clash").click()
    page.locator('input[aria-label="Location (as the report names it)"]').fill("Journey point")
    page.locator(f"{ADD_FORM} input[aria-label='Actor 1']").fill("Journey actor")
    page.get_by_role("button", name="Save incident").click()
    page.get_by_text("it is on the map").first.wait_for(timeout=60_000)
    _settle(page)
    page.wait_for_function(
        f"() => document.querySelector('{MAP_FRAME}').contentWindow.__bmIncidentCount > {n_before}",
        timeout=60_000)
    assert frame.locator(".bm-pin-icon").count() == 0  # saved: the form is empty, the pin gone
    stored = IncidentStore(db).list()
    assert "Journey point" in set(stored["location"])
    row = stored[stored["location"] == "Journey point"].iloc[0]
    assert row["created_by"] == "journey analyst" and row["sub_event_type"] == "Armed clash"
    # the new point is drawn where the pin was: a click there opens its popup
    frame.locator(".leaflet-container").click(position={"x": x, "y": y - 1})
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=15_000)
    assert "Journey point" in popup.inner_text()
    # a click on a drawn incident (a live layer) reaches the page as the last map click too
    page.wait_for_function(f"() => document.querySelector('{COORDS}')?.value.includes(',')", timeout=30_000)
    lat, lon = (float(v) for v in page.locator(COORDS).input_value().split(","))
    assert abs(lat - row["latitude"]) < 0.05 and abs(lon - row["longitude"]) < 0.05
    save_screenshot(page, "journey_3_saved_point_drawn")


def _text(value) -> str:
    """A stored text field as its form box shows it ("" for a missing value)."""
    return "" if pd.isna(value) else str(value)


def _select_table_row(page, row: int) -> None:
    """Click the selection box of ``row`` (0-based) of the incidents table (a canvas grid)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = _box(grid)
    grid.click(position={"x": 14, "y": 35 * (row + 1) + 17})
    page.wait_for_timeout(300)
    assert box


def test_select_edit_undo_change_the_selected_record_only(app_page, journey):
    page = app_page
    _url, db = journey
    store = IncidentStore(db)
    before = {r["id"]: r for r in store.list().to_dict("records")}
    page.get_by_role("tab", name="Incidents", exact=True).click()
    _settle(page)
    _select_table_row(page, 0)  # the first row of the table
    page.get_by_text("History of this record").wait_for(timeout=30_000)
    _settle(page)
    picker = page.locator('input[aria-label="Selected record (or click a row in the table)"]')
    target = next(i for i in before if picker.input_value().endswith(i[:8]))  # the label ends with the id
    original = before[target]
    page.get_by_text("Edit this record").click()
    actor = page.locator(f"{EDIT_FORM} input[aria-label='Actor 1']")
    assert actor.input_value() == _text(original["actor1"])  # the stored value
    actor.fill("Edited in the journey")
    page.locator(f"{EDIT_FORM} input[aria-label='Attributed origin']").fill("Edited origin")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Last change: update done").first.wait_for(timeout=60_000)
    _settle(page)
    changed = IncidentStore(db).get(target)
    assert changed["actor1"] == "Edited in the journey" and changed["origin"] == "Edited origin"
    # the edited record moved in the table; the selection stayed with it
    assert picker.input_value().endswith(target[:8])
    save_screenshot(page, "journey_4_edited_record_still_selected")

    page.get_by_role("button", name="Undo this record's last change").click()
    page.get_by_text("Last change: undo done").first.wait_for(timeout=60_000)
    _settle(page)
    after = {r["id"]: r for r in IncidentStore(db).list().to_dict("records")}
    assert set(after) == set(before)  # nothing vanished (no creation undone), nothing added
    # (the first row is the newest record: the point saved above, which has no origin)
    assert _text(after[target]["actor1"]) == _text(original["actor1"])
    assert _text(after[target]["origin"]) == _text(original["origin"])
    for other in set(before) - {target}:
        assert after[other]["updated_at"] == before[other]["updated_at"], other  # untouched
    # the edit form shows what is stored now, not the undone text
    if not actor.is_visible():
        page.get_by_text("Edit this record").click()
    assert actor.input_value() == _text(original["actor1"])
    assert page.locator(f"{EDIT_FORM} input[aria-label='Attributed origin']").input_value() == \
        _text(original["origin"])
    actor.scroll_into_view_if_needed()
    save_screenshot(page, "journey_5_undone_form_shows_stored_values")


def test_last_map_click_reaches_the_coverage_tab_without_warnings(app_page, journey):
    page = app_page
    _url, db = journey
    frame = page.frame_locator(MAP_FRAME)
    leaflet = _box(frame.locator(".leaflet-container"))
    frame.locator(".leaflet-container").click(position={"x": leaflet["width"] * 0.25, "y": leaflet["height"] * 0.85})
    page.wait_for_function(f"() => document.querySelector('{COORDS}')?.value.includes(',')", timeout=30_000)
    clicked_lat, clicked_lon = (float(v) for v in page.locator(COORDS).input_value().split(","))
    _settle(page)
    page.get_by_role("tab", name="Patrol coverage").click()
    page.get_by_role("button", name="Use the last map click").click()
    lat_box = page.locator('input[aria-label="lat (°)"]')
    page.wait_for_function(
        f"() => Math.abs(parseFloat(document.querySelector('input[aria-label=\"lat (°)\"]').value) - {clicked_lat}) < 1e-4",
        timeout=30_000)
    assert abs(float(page.locator('input[aria-label="lon (°)"]').input_value()) - clicked_lon) < 1e-4
    lat_box.scroll_into_view_if_needed()
    save_screenshot(page, "journey_6_last_click_in_coverage_tab")
    log = (db.parent / "streamlit.log").read_text()
    assert "Session State API" not in log, log[-2000:]


def test_narrow_screen_stacks_the_panel_under_the_map(browser, journey):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        ("http://127.0.0.1", "http://localhost", "data:", "blob:")) else r.abort())
    page = context.new_page()
    try:
        page.goto(journey[0])
        settled_map(page)
        map_box = _box(page.locator(MAP_FRAME))
        coords = _box(page.locator(COORDS))
        assert coords["y"] >= map_box["y"] + map_box["height"] - 1  # below the map, not beside it
        assert coords["width"] > 0.8 * map_box["width"]
        save_screenshot(page, "journey_7_narrow_screen_stacked")
    finally:
        context.close()
