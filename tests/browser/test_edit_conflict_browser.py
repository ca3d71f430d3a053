"""Two analysts, one record, in a real Chromium: a colleague's edit made behind the page is shown,
not overwritten; the analyst then overwrites deliberately. Screenshots for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.store import IncidentStore
from tests.browser.conftest import open_offline_page, save_screenshot, serving, settled_map

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EDIT_FORM = '[data-testid="stForm"]:has(button:has-text("Save changes"))'
BLOCK = '[data-testid="stAlert"]:has-text("since you opened it")'


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("conflict")
    with serving(tmp, BORDERMAP_USER="Analyst Ana") as url:
        yield url, tmp / "incidents.gpkg"


@pytest.fixture()
def app_page(browser, served) -> Iterator:
    context, page, _log = open_offline_page(browser, {"width": 1440, "height": 900})
    page.goto(served[0])
    settled_map(page)
    yield page
    context.close()


def _settle(page) -> None:
    settled_map(page)
    page.wait_for_timeout(600)


def test_conflict_block_shows_both_values_and_overwrite_saves(app_page, served):
    page, (_url, db) = app_page, served
    store = IncidentStore(db)
    page.get_by_role("tab", name="Incidents", exact=True).click()
    _settle(page)
    page.locator('[data-testid="stDataFrame"]').first.click(position={"x": 14, "y": 35 + 17})  # first row
    page.get_by_text("History of this record").wait_for(timeout=30_000)
    _settle(page)
    picker = page.locator('input[aria-label="Selected record (or click a row in the table)"]')
    target = next(i for i in store.list()["id"] if picker.input_value().endswith(i[:8]))
    page.get_by_text("Edit this record").click()
    actor = page.locator(f"{EDIT_FORM} input[aria-label='Actor 1']")
    actor.fill("Ana's actor")
    # the colleague edits the same field through the store while the form is open
    store.update(target, {"actor1": "Bo's actor"}, by="Colleague Bo")
    theirs = store.get(target)
    page.get_by_role("button", name="Save changes").click()
    block = page.locator(BLOCK)
    block.wait_for(timeout=60_000)
    _settle(page)
    assert store.get(target) == theirs  # nothing of Ana's was written
    text = block.inner_text()
    assert "changed by Colleague Bo at " in text and " UTC since you opened it" in text
    table = page.locator('[data-testid="stTable"]:has-text("theirs (stored now)")')
    assert table.is_visible()
    row = table.locator("tr:has-text('actor1')")
    assert "Ana's actor" in row.inner_text() and "Bo's actor" in row.inner_text()
    reload_btn = page.get_by_role("button", name="Reload the stored record")
    overwrite = page.get_by_role("button", name="Overwrite with my values")
    assert reload_btn.is_visible() and overwrite.is_visible()
    assert actor.is_visible() and actor.input_value() == "Ana's actor"  # the form is open, the typing kept
    block.scroll_into_view_if_needed()
    shot = save_screenshot(page, "conflict_1_block_with_both_values")
    assert shot.stat().st_size > 10_000

    overwrite.click()
    page.get_by_text("Last change: update done").first.wait_for(timeout=60_000)
    _settle(page)
    assert page.locator(BLOCK).count() == 0
    page.get_by_text("Last change: update done").first.scroll_into_view_if_needed()
    now = store.get(target)
    assert now["actor1"] == "Ana's actor" and now["version"] == theirs["version"] + 1
    save_screenshot(page, "conflict_2_overwritten")
