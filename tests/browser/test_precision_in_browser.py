"""Figures that respect location precision, as a person sees them in headless Chromium: the map
popup of a ±30-km incident and the add-incident check with a typed precision show ranges."""

from __future__ import annotations

import re
from collections.abc import Iterator

import geopandas as gpd
import pandas as pd
import pytest

from geo.border import load_border
from geo.record_merge import located_records
from layers.assets import standalone_html
from layers.incidents import incidents_layer
from layers.map import MapView, build_map
from tests.browser.conftest import MAP_FRAME, save_screenshot, serving, settled_map
from tests.layers.synthetic_incidents import synthetic_incidents

pytestmark = pytest.mark.browser

COORDS = 'input[aria-label="Coordinates — any form, or click the map"]'
PRECISION = 'input[aria-label="Precision (± km)"]'
#: 12.6 km from the border on the Tajik bank (the shipped Zarbuz seed point, ±30 km), and a point
#: 11.7 km inside Afghanistan (lat, lon).
ROUGH = (37.84, 70.0419)
EXACT = (37.6, 70.4)


def _located_rows() -> gpd.GeoDataFrame:
    """Synthetic incidents (several chunks, merged in the browser) away from two hand-made ones."""
    base = synthetic_incidents(2_000, seed=5)
    mine = base.iloc[:2].copy()
    far = ((base["latitude"] - 37.7).abs() > 0.4) | ((base["longitude"] - 70.2).abs() > 0.5)
    base = base[far.to_numpy()]
    mine["id"] = ["rough", "exact"]
    mine["precision_km"] = [30.0, None]
    mine["geo_precision"] = [None, None]
    mine["confidence"] = ["approximate", "assessed"]
    mine["location"] = ["Rough place", "Exact place"]
    mine["latitude"], mine["longitude"] = [ROUGH[0], EXACT[0]], [ROUGH[1], EXACT[1]]
    mine = gpd.GeoDataFrame(mine, geometry=gpd.points_from_xy(mine["longitude"], mine["latitude"]), crs=4326)
    rows = gpd.GeoDataFrame(pd.concat([base, mine], ignore_index=True), geometry="geometry", crs=4326)
    return located_records(rows, load_border())


def _popup_rows(popup) -> dict[str, str]:
    cells = popup.locator("tr").all()
    return {c.locator("th").inner_text().strip(): c.locator("td").inner_text().strip() for c in cells}


def _click(page, lat: float, lon: float, name: str):
    x, y = page.evaluate("""([lat, lon]) => { var m = window.__bmIncidentLayers[0]._map;
        var p = m.latLngToContainerPoint([lat, lon]), r = m.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""", [lat, lon])
    page.mouse.click(x, y)
    popup = page.locator(".bm-incident-popup").filter(has_text=name).first
    popup.wait_for(timeout=5_000)
    return popup


def test_popups_show_ranges_for_an_approximate_incident_and_one_value_for_a_precise_one(offline_page, tmp_path):
    page, _log = offline_page
    rows = _located_rows()
    m = build_map([incidents_layer(rows)], '{"type": "FeatureCollection", "features": []}',
                  view=MapView(center=(37.7, 70.2), zoom=9))
    path = tmp_path / "precision.html"
    path.write_text(standalone_html(m), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("window.__bmReady === true", timeout=30_000)
    rough = rows.set_index("id").loc["rough"]

    popup = _click(page, *ROUGH, "Rough place")
    shown = _popup_rows(popup)
    save_screenshot(page, "precision_popup_rough")
    assert shown["Side of the border (whole precision circle)"] == "uncertain"
    low, high = re.fullmatch(r"(\d+)–(\d+) km", shown["Distance to the border"]).groups()
    assert int(low) == 0 and int(high) == pytest.approx(rough["border_km_max"], abs=1)  # 12.6 + 30
    c_low, c_high = re.fullmatch(r"km (\d+)–(\d+)", shown["Border chainage (km from the Uzbek tripoint)"]).groups()
    assert int(c_low) == pytest.approx(rough["chainage_km_min"], abs=1)
    assert int(c_high) == pytest.approx(rough["chainage_km_max"], abs=1)
    assert "12.6" not in popup.inner_text()  # no point figure for a point known to ±30 km

    exact = rows.set_index("id").loc["exact"]
    popup = _click(page, *EXACT, "Exact place")
    shown = _popup_rows(popup)
    assert shown["Side of the border (whole precision circle)"] == exact["side"]
    assert shown["Distance to the border"] == f"{exact['border_km']:.0f} km" or \
        shown["Distance to the border"] == f"{exact['border_km']:.1f} km"
    assert shown["Border chainage (km from the Uzbek tripoint)"] == f"km {exact['chainage_km']:.0f}"


@pytest.fixture(scope="module")
def precision_server(tmp_path_factory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("precision"), BORDERMAP_USER="browser test") as url:
        yield url


def test_the_add_form_check_gives_ranges_once_a_precision_is_typed(offline_page, precision_server):
    page, _log = offline_page
    page.goto(precision_server)
    settled_map(page)
    page.locator(COORDS).fill(f"{ROUGH[0]}, {ROUGH[1]}")
    page.locator(COORDS).press("Enter")
    distance = page.locator('[data-testid="stMetric"]:has-text("Distance to border") [data-testid="stMetricValue"]')
    distance.wait_for(timeout=30_000)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
                           ".some(e => e.innerText.trim() === '12.6 km')", timeout=30_000)
    page.locator(PRECISION).fill("30")
    page.locator(PRECISION).press("Enter")
    side = page.locator('[data-testid="stMetric"]:has-text("Side (within ±30 km)") [data-testid="stMetricValue"]')
    side.wait_for(timeout=30_000)
    assert side.inner_text().strip() == "uncertain"
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
                           ".some(e => /^0–4\\d km$/.test(e.innerText.trim()))", timeout=30_000)
    chainage = page.locator('[data-testid="stMetric"]:has-text("Nearest chainage") [data-testid="stMetricValue"]')
    assert re.fullmatch(r"km \d+–\d+", chainage.inner_text().strip())
    assert distance.is_visible() and side.is_visible() and chainage.is_visible()
    # the map draws the typed precision round the pin: a dashed circle 60 km across at this zoom
    frame = page.frame_locator(MAP_FRAME)
    ring = frame.locator("path.bm-pin-precision")
    ring.wait_for(timeout=30_000)
    width = ring.bounding_box()["width"]
    metres_per_px = page.evaluate(f"""() => {{ var w = document.querySelector('{MAP_FRAME}').contentWindow;
        var m = Object.keys(w).filter(k => k.startsWith("map_")).map(k => w[k]).find(v => v instanceof w.L.Map);
        return 156543.03392 * Math.cos({ROUGH[0]} * Math.PI / 180) / Math.pow(2, m.getZoom()); }}""")
    assert width == pytest.approx(60_000 / metres_per_px, rel=0.1)
    save_screenshot(page, "precision_add_form_ranges")
