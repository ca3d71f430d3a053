"""The triggers tab in a real browser: the count of records the triggers cannot judge, the bulk edit
that fills them in (signed with the analyst's name, one history entry each), the scenarios' newest
evidence with its stale warning, and the campaign and lapse notes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.store import IncidentStore
from tests.browser.conftest import save_screenshot, serving, settled_map

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOAD_MS = 180_000


@pytest.fixture(scope="module")
def store_and_server(tmp_path_factory) -> Iterator[tuple[Path, str, list[str]]]:
    """A store with the seed records and two imported-looking incidents that lack an origin attribution."""
    tmp = tmp_path_factory.mktemp("triggers")
    db = tmp / "incidents.gpkg"
    store = IncidentStore(db, create=True)
    base = {"event_date": "2025-06-01", "event_type": "Armed clash", "latitude": 37.84, "longitude": 70.04,
            "country": "Tajikistan", "nationals": "TJ", "source": "import"}
    ids = [store.add({**base, "location": name}, "importer") for name in ("Panj ford", "Panj village")]
    with serving(tmp, BORDERMAP_USER="browser analyst") as url:
        yield db, url, ids


def test_cannot_judge_count_bulk_edit_and_stale_scenarios(offline_page, store_and_server):
    db, url, ids = store_and_server
    page, log = offline_page
    page.goto(url)
    settled_map(page, timeout_ms=LOAD_MS)
    page.get_by_role("tab", name="Escalation triggers").click()
    count = page.get_by_text("2 of 6 incidents cannot be judged by trigger 1")
    count.wait_for(timeout=LOAD_MS)
    box = count.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 10
    stale = page.get_by_text("Stale evidence (older than 90 days)")
    stale.scroll_into_view_if_needed()
    assert stale.is_visible()
    save_screenshot(page, "triggers_scenarios_stale_evidence")
    assert page.get_by_text("Lapse clock: not running").is_visible()
    assert page.get_by_text("Campaign test: the most killed in qualifying attacks within any 30 days is 5").is_visible()
    count.scroll_into_view_if_needed()
    save_screenshot(page, "triggers_cannot_judge_count")

    page.get_by_text("Fill them in: bulk edit of origin and nationals").click()
    page.get_by_text("all in the store").click()
    page.get_by_text("2 record(s) match").wait_for(timeout=LOAD_MS)
    attr = page.locator('[data-testid="stSelectbox"]:visible').filter(has_text="Origin attributed by").first
    attr.scroll_into_view_if_needed()
    save_screenshot(page, "triggers_bulk_edit_open")
    attr.locator("input").click()
    page.get_by_role("option", name="unattributed", exact=True).click()
    go = page.get_by_role("button", name="Apply to 2 record(s)")
    go.wait_for(timeout=LOAD_MS)
    go.scroll_into_view_if_needed()
    save_screenshot(page, "triggers_bulk_edit_ready")
    go.click()
    done = page.get_by_text("Bulk edit: 2 record(s) changed.")
    done.wait_for(timeout=LOAD_MS)
    page.get_by_text("Every incident can be judged").wait_for(timeout=LOAD_MS)
    done.scroll_into_view_if_needed()
    save_screenshot(page, "triggers_bulk_edit_done")
    store = IncidentStore(db)
    for rid in ids:
        hist = store.history(rid)
        assert hist[-1]["record"]["origin_attribution"] == "unattributed" and hist[-1]["by"] == "browser analyst"
        assert [h["action"] for h in hist] == ["add", "update"]
    page.get_by_role("button", name="Undo the last bulk edit (2 records)").click()
    page.get_by_text("2 of 6 incidents cannot be judged by trigger 1").wait_for(timeout=LOAD_MS)
    assert [store.get(rid)["origin_attribution"] for rid in ids] == [None, None]
    assert not [e for e in log.errors if "Traceback" in e]
    assert not log.blocked
