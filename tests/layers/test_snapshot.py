"""Map snapshots: the standalone HTML is self-contained and inert, the PNG is what Chromium draws."""

from __future__ import annotations

import dataclasses
import io
import logging
import stat
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import numpy as np
import pytest

from geo.errors import BrowserNotFoundError, InvalidInputError
from layers.basemaps import OFFLINE
from layers.map import MapView
from layers.scene import SceneOptions
from layers.snapshot import (
    CHROMIUM_ARGS,
    clamp_size,
    detached,
    export_filename,
    find_browser,
    snapshot_filename,
    snapshot_html,
    snapshot_png,
    validate_bbox,
)

BORDER_RGB = (214, 39, 40)  # #d62728
TJK_OFFLINE_RGB = (243, 230, 200)  # #f3e6c8, the offline basemap's Tajikistan fill
AFG_OFFLINE_RGB = (223, 233, 208)  # #dfe9d0, its Afghanistan fill


class _Refs(HTMLParser):
    """Every <script src> and <link href> of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.refs.append(a["src"])
        if tag == "link" and a.get("href"):
            self.refs.append(a["href"])


def _near(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 20) -> int:
    return int((np.abs(img[..., :3].astype(int) - np.array(rgb)).max(axis=-1) <= tol).sum())


def _decode(png: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG"
        return np.asarray(im.convert("RGB"))


# ----------------------------------------------------------------------------- without a browser


def test_html_snapshot_is_self_contained(scene_data):
    html = snapshot_html(scene_data, SceneOptions(basemap="OpenStreetMap"))
    parser = _Refs()
    parser.feed(html)
    # no external script or stylesheet: Leaflet and every plugin are inline
    assert not [r for r in parser.refs if r.startswith(("http:", "https:", "//"))], parser.refs
    assert "L.map(" in html and "leaflet-container" in html
    # tile URL templates are the only remote addresses the map will request
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert "/app/static/" not in html  # nothing left pointing at the page's server


def test_html_snapshot_fits_bbox_and_rejects_bad_ones(scene_data):
    html = snapshot_html(scene_data, SceneOptions(basemap=OFFLINE), bbox=(69.0, 37.0, 72.0, 38.6))
    assert "fitBounds" in html and "[37.0, 69.0]" in html
    with pytest.raises(InvalidInputError, match="outside the region"):
        snapshot_html(scene_data, SceneOptions(basemap=OFFLINE), bbox=(10, 10, 20, 20))


@pytest.mark.parametrize(("bbox", "message"), [
    ((72.0, 37.0, 69.0, 38.0), "W < E"),
    ((69.0, 38.0, 72.0, 37.0), "S < N"),
    ((37.0, 69.0, 38.0, 72.0), "outside the region"),  # lat,lon typed instead of lon,lat
    ((float("nan"), 37.0, 72.0, 38.0), "finite"),
    (("a", 37.0, 72.0, 38.0), "four numbers"),
])
def test_validate_bbox_refuses(bbox, message):
    with pytest.raises(InvalidInputError, match=message):
        validate_bbox(bbox)


def test_validate_bbox_accepts_partial_overlap():
    assert validate_bbox((60, 30, 67, 36)) == (60.0, 30.0, 67.0, 36.0)


@pytest.mark.parametrize(("size", "expected", "n_warnings"), [
    ((1200, 800), (1200, 800), 0),
    ((50, 800), (200, 800), 1),
    ((10**7, -5), (4000, 200), 2),
])
def test_clamp_size(size, expected, n_warnings):
    w, h, warnings = clamp_size(*size)
    assert (w, h) == expected
    assert len(warnings) == n_warnings
    assert all("px" in m for m in warnings)


def test_snapshot_filename_is_safe():
    name = snapshot_filename("png", label="..\\..\\<script>alert(1)</script>\x00")
    assert "/" not in name and "\\" not in name and "<" not in name and "\x00" not in name
    assert name.endswith(".png") and name.startswith("script-alert-1-script_")
    with pytest.raises(InvalidInputError):
        snapshot_filename("exe")


def test_find_browser_honours_env_then_path(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    # an explicit setting wins over the PATH
    other = tmp_path / "mychrome"
    other.write_text("#!/bin/sh\n")
    other.chmod(other.stat().st_mode | stat.S_IXUSR)
    assert find_browser({"BORDERMAP_CHROMIUM": str(other)}, str(tmp_path), False) == str(other)
    assert find_browser({}, str(tmp_path), include_playwright=False) == str(fake)


def test_find_browser_explains_how_to_install(tmp_path):
    with pytest.raises(BrowserNotFoundError, match="install Chromium") as info:
        find_browser({}, str(tmp_path), include_playwright=False)
    assert "--renderer static" in str(info.value)
    with pytest.raises(BrowserNotFoundError, match="BORDERMAP_CHROMIUM"):
        find_browser({"BORDERMAP_CHROMIUM": str(tmp_path / "nope")}, str(tmp_path), False)


def test_snapshot_png_refuses_a_missing_browser(scene_data, tmp_path):
    with pytest.raises(BrowserNotFoundError, match="not a file"):
        snapshot_png(scene_data, SceneOptions(basemap=OFFLINE), browser_path=str(tmp_path / "nope"))


# ----------------------------------------------------------------------------- in Chromium


def _in_chromium(chromium_path: str, fn):
    """Run ``fn(browser)`` in a fresh Playwright session on a worker thread (another session, e.g.
    the browser tests' own, may already hold this thread's event loop)."""
    from playwright.sync_api import sync_playwright

    def run():
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path, args=list(CHROMIUM_ARGS), headless=True)
            try:
                return fn(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.mark.browser
def test_hostile_text_is_inert_in_the_html_snapshot(chromium_path, scene_data, hostile_places, tmp_path):
    data = dataclasses.replace(scene_data, places=hostile_places)
    html = snapshot_html(data, SceneOptions(basemap=OFFLINE, overlays=("chinese_site",)),
                         MapView(center=(37.8, 70.3), zoom=11))
    path = tmp_path / "map.html"
    path.write_text(html, encoding="utf-8")

    def click_every_marker(browser):
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                      else r.abort())
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        markers = page.locator('path.leaflet-interactive[fill="#e6b800"]')
        markers.first.wait_for(timeout=15_000)
        texts = []
        for i in range(markers.count()):
            box = markers.nth(i).bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for(timeout=5_000)
            texts.append(popup.inner_text())
            page.locator(".leaflet-popup-close-button").click()
            popup.wait_for(state="detached", timeout=5_000)
        result = {"n": markers.count(), "texts": texts, "xss": page.evaluate("() => window.__xss"),
                  "js_links": page.locator('a[href^="javascript"]').count(), "errors": errors}
        context.close()
        return result

    seen = _in_chromium(chromium_path, click_every_marker)
    assert seen["n"] == len(hostile_places)
    assert seen["xss"] is None
    for payload in hostile_places["name"]:
        assert any(payload in t for t in seen["texts"]), payload  # shown literally, as text
    assert seen["js_links"] == 0
    assert not seen["errors"]


@pytest.mark.browser
def test_png_as_seen_has_the_size_and_the_border(scene_data, chromium_path):
    png = snapshot_png(scene_data, SceneOptions(basemap=OFFLINE), width=900, height=600,
                       browser_path=chromium_path, allow_network=False)
    img = _decode(png)
    assert img.shape == (600, 900, 3)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 200  # not blank
    assert _near(img, BORDER_RGB) > 300  # the border line is drawn in its red


@pytest.mark.browser
def test_png_without_network_uses_the_offline_basemap(scene_data, chromium_path, caplog):
    caplog.set_level(logging.WARNING, logger="layers.snapshot")
    png = snapshot_png(scene_data, SceneOptions(basemap="OpenStreetMap", overlays=("border",)),
                       width=150, height=600, browser_path=chromium_path, allow_network=False)
    img = _decode(png)
    assert img.shape == (600, 200, 3)  # width capped to 200
    assert any("width 150 px" in r.message for r in caplog.records)
    assert any("offline basemap" in r.message for r in caplog.records)
    # Tajikistan in the offline basemap's fill, not grey missing tiles
    assert _near(img, TJK_OFFLINE_RGB, tol=6) > 0.05 * img.shape[0] * img.shape[1]


@pytest.mark.browser
def test_png_fits_a_bbox(scene_data, chromium_path):
    # a box inside northern Afghanistan, far from the border: Afghan fill everywhere, no Tajik fill
    # (also proves the screenshot is not taken while Leaflet still animates towards the box)
    img = _decode(snapshot_png(scene_data, SceneOptions(basemap=OFFLINE, overlays=("border",)),
                               bbox=(66.6, 35.6, 67.4, 36.2), width=600, height=400,
                               browser_path=chromium_path, allow_network=False))
    assert _near(img, TJK_OFFLINE_RGB, tol=6) == 0
    assert _near(img, AFG_OFFLINE_RGB, tol=6) > 0.6 * 600 * 400


def test_chromium_args_match_the_test_harness():
    from tests.browser.conftest import CHROMIUM_ARGS as HARNESS

    assert set(CHROMIUM_ARGS) == set(HARNESS)


# ----------------------------------------------------------------------------- as shown


def test_export_names_say_what_they_are():
    from datetime import datetime, timedelta, timezone

    at = datetime(2026, 3, 4, 17, 5, tzinfo=timezone(timedelta(hours=5)))  # Dushanbe time
    assert export_filename("view", "png", at) == "border-map_view_2026-03-04_1205Z.png"
    assert export_filename("clean", "png", at) == "border-map_clean_2026-03-04_1205Z.png"
    assert export_filename("print", "pdf", at) == "border-map_print_2026-03-04_1205Z.pdf"
    assert export_filename("interactive", "html", at) == "border-map_interactive_2026-03-04_1205Z.html"
    with pytest.raises(InvalidInputError, match="kind must be"):
        export_filename("../x", "png", at)
    with pytest.raises(InvalidInputError, match="not 'pdf'"):
        export_filename("view", "pdf", at)


def test_html_snapshot_carries_the_page_layers_title_date_sources_and_legend(scene_data, border):
    from datetime import date

    import folium
    from affine import Affine
    from pyproj import CRS

    from geo.assets import Asset
    from geo.coverage import CoverageParams, compute_coverage
    from geo.dem import Dem
    from layers.coverage import COVERED_COLOR, coverage_layer
    from layers.pin import PIN_LABEL, pin_layer
    from layers.terrain import hillshade_overlay

    rows, cols = np.indices((40, 60), dtype=np.float32)
    dem = Dem((rows + cols) * 50.0, Affine(0.02, 0, 70.0, 0, -0.02, 38.2), CRS.from_epsg(4326), source="test DEM")
    relief = hillshade_overlay(dem)
    cover = coverage_layer(compute_coverage(border, [Asset(id="a", name="Post <b>", kind="border_post", lon=69.4,
                                                           lat=37.17, radius_km=20)], CoverageParams()))
    # the page's map holds the same layers: the snapshot draws copies and leaves them on the page's map
    page = folium.Map()
    relief.add_to(page)
    for group in cover.groups:
        group.add_to(page)
    html = snapshot_html(scene_data, SceneOptions(basemap=OFFLINE, overlays=("border",)),
                         extra_base_overlays=[relief], extra_bundles=[cover, pin_layer(37.3, 69.5)],
                         relief_source="hillshade: test DEM", title="Khatlon <watch> {{ 7*7 }}",
                         today=date(2026, 2, 3))
    assert relief._parent is page and all(g._parent is page for g in cover.groups)
    assert f"{page.get_name()}" in page.get_root().render()
    assert "<title>Khatlon &lt;watch&gt; &#123;&#123; 7*7 &#125;&#125;</title>" in html  # text, never a template
    assert "id='bm-caption'" in html and "Snapshot of 2026-02-03" in html
    assert "hillshade: test DEM" in html and "coverage and gaps: the analyst" in html
    assert "L.imageOverlay(" in html and COVERED_COLOR in html
    assert "bm-legend" in html and "Border covered" in html and PIN_LABEL in html
    assert "Post <b>" not in html  # text stays escaped


def test_detached_copies_keep_shapes_and_legend(border):
    import folium

    from geo.assets import Asset
    from layers.coverage import assets_layer

    bundle = assets_layer([Asset(id="a", name="A", kind="drone", lon=70.0, lat=37.5, radius_km=5)])
    assert detached([bundle])[0].groups[0] is bundle.groups[0]  # on no map yet: used as it is
    page = folium.Map()
    for group in bundle.groups:
        group.add_to(page)
    copy = detached([bundle])[0]
    assert copy.legend == bundle.legend and copy.shapes == bundle.shapes and copy.source == bundle.source
    assert all(c is not g and c._parent is None for c, g in zip(copy.groups, bundle.groups, strict=True))


def test_layers_drawn_on_the_page_first_are_drawn_right_in_the_snapshot(scene_data, border):
    """The page's renderer (streamlit-folium) renames the elements it draws and a drawn layer keeps
    an "add to map" line naming the page's map: the snapshot's copies must not carry them."""
    import re

    from affine import Affine
    from pyproj import CRS
    from streamlit_folium import _generate_leaflet_string

    from geo.dem import Dem
    from layers.scene import build_scene_map
    from layers.terrain import hillshade_overlay

    rows, cols = np.indices((20, 30), dtype=np.float32)
    relief = hillshade_overlay(Dem((rows + cols) * 50.0, Affine(0.05, 0, 70.0, 0, -0.05, 38.2), CRS.from_epsg(4326)))
    page = build_scene_map(scene_data, SceneOptions(basemap=OFFLINE, overlays=("border",)), None, [relief],
                           live=True)
    page.get_root().render()
    _generate_leaflet_string(page, base_id="div")  # as st_folium draws the page's map
    html = snapshot_html(scene_data, SceneOptions(basemap=OFFLINE, overlays=("border",)),
                         extra_base_overlays=[relief])
    declared = set(re.findall(r"var (image_overlay_\w+) = L\.imageOverlay", html))
    used = set(re.findall(r"(image_overlay_\w+)\.addTo\(", html))
    assert len(declared) == 1 and used <= declared
    assert page.get_name() not in html
