"""Where sources disagree, the incident's popup says so — in a real headless Chromium, offline."""

from __future__ import annotations

import json

import pytest

from geo.store import IncidentStore
from layers.assets import standalone_html
from layers.incidents import incidents_layer
from layers.map import build_map
from tests.browser.conftest import save_screenshot

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=window.__xss=1>${window.__xss=2}"


def _click(page, lat: float, lon: float):
    x, y = page.evaluate("""([lat, lon]) => { var m = window.__bmIncidentLayers[0]._map;
        m.setView([lat, lon], 9, {animate: false});
        var p = m.latLngToContainerPoint([lat, lon]), r = m.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""", [lat, lon])
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    popup = page.locator(".bm-incident-popup")
    popup.wait_for(timeout=5_000)
    return popup


def test_popup_shows_where_the_seed_sources_differ(offline_page, tmp_path):
    page, log = offline_page
    store = IncidentStore(tmp_path / "seeded.gpkg", create=True)  # the shipped seed records and their claims
    shodak = store.list()
    shodak = shodak[shodak["location"].str.startswith("Shodak")].iloc[0]
    other = store.add({"event_date": "2025-06-01", "event_type": "Armed clash", "latitude": 37.0,
                       "longitude": 68.3, "claims": [
                           {"field": "origin", "value": HOSTILE, "source": HOSTILE, "source_date": "2025-06-02",
                            "claimant": "party"},
                           {"field": "origin", "value": "Kunduz", "source": "B", "source_date": "2025-06-02",
                            "claimant": "media"}]}, "ana")
    m = build_map([incidents_layer(store.list())], json.dumps({"type": "FeatureCollection", "features": []}))
    path = tmp_path / "claims.html"
    path.write_text(standalone_html(m), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("window.__bmReady === true", timeout=30_000)

    popup = _click(page, float(shodak["latitude"]), float(shodak["longitude"]))
    text = popup.inner_text()
    assert "Sources' claims" in text
    assert "Sources differ on origin: Ruzvayak village, Badakhshan province, Afghanistan vs Maimay district" in text
    box = popup.bounding_box()
    assert box is not None and box["width"] > 150 and box["height"] > 100  # drawn, not a sliver
    save_screenshot(page, "claims_popup_shodak")

    page.keyboard.press("Escape")
    page.mouse.click(5, 5)
    popup = _click(page, 37.0, 68.3)
    text = popup.inner_text()
    assert HOSTILE in text  # shown literally, never run
    assert page.evaluate("window.__xss") is None
    assert popup.locator("img").count() == 0
    assert store.get(other)["claims"] is not None
    errors = [e for e in log.errors if "ERR_FAILED" not in e and "Failed to load resource" not in e]
    assert not errors, errors


@pytest.mark.slow
def test_the_page_shows_the_disagreement_and_takes_a_claim(browser, tmp_path):
    """The served page: the first seed record (Zarbuz) selected from the table shows that its
    sources differ on the injured; a claim typed into "Add a claim" is stored, signed, and the
    warning then names the fatalities too."""
    from tests.browser.conftest import open_offline_page, serving, settled_map

    with serving(tmp_path, BORDERMAP_USER="Analyst Ana") as url:
        context, page, _log = open_offline_page(browser, {"width": 1440, "height": 1000})
        try:
            page.goto(url)
            settled_map(page)
            page.get_by_role("tab", name="Incidents", exact=True).click()
            settled_map(page)
            # the Zarbuz record (the table lists newest first: pick it by name)
            picker = page.locator('input[aria-label="Selected record (or click a row in the table)"]')
            picker.click()
            picker.fill("Zarbuz")  # the list is long: type to filter it
            page.get_by_role("option").filter(has_text="Zarbuz").first.click()
            page.get_by_text("Sourced claims").wait_for(timeout=30_000)
            settled_map(page)
            warning = page.locator('[data-testid="stAlert"]:has-text("Sources differ on")')
            warning.wait_for(timeout=30_000)
            assert "Sources differ on injured" in warning.inner_text()
            assert "low 4 · best 5 · high 5" in warning.inner_text()
            assert warning.bounding_box()["height"] > 20
            warning.scroll_into_view_if_needed()
            save_screenshot(page, "claims_1_sources_differ")

            page.get_by_text("Add a claim").click()
            form = page.locator('[data-testid="stForm"]:has(button:has-text("Add the claim"))')
            form.locator("input[aria-label='Value (people, or text for origin / location)']").fill("2")
            form.locator("input[aria-label='Source (publication or body)']").fill("Browser Test Agency")
            claimant = form.locator('[data-testid="stSelectbox"]:has-text("Who makes the statement")')
            claimant.click()
            claimant.locator("input").fill("media")  # typed: the list may not have opened after a rerun
            page.get_by_role("option", name="media (the outlet's own reporting)").click()
            date = form.locator('[data-testid="stDateInput"] input')
            date.fill("2024-11-21")
            date.press("Enter")
            page.get_by_role("button", name="Add the claim").click()
            page.get_by_text("Claim ").filter(has_text="added").first.wait_for(timeout=60_000)
            settled_map(page)
            page.locator('[data-testid="stAlert"]:has-text("Sources differ on fatalities, injured")').wait_for(
                timeout=30_000)
            store = IncidentStore(tmp_path / "incidents.gpkg")
            zarbuz = store.list()
            zarbuz = zarbuz[zarbuz["location"].str.startswith("Zarbuz")].iloc[0]
            assert (zarbuz["fatalities_low"], zarbuz["fatalities_high"]) == (1, 2)
            assert "Browser Test Agency" in zarbuz["claims"] and '"added_by":"Analyst Ana"' in zarbuz["claims"]
            page.locator('[data-testid="stAlert"]:has-text("Sources differ on")').scroll_into_view_if_needed()
            save_screenshot(page, "claims_2_added")
        finally:
            context.close()
