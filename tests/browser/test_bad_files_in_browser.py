"""What a visitor sees in a real browser when the store is damaged or an upload is not what it claims:
one sentence, never a traceback, never a server path."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.browser.conftest import save_screenshot, serving, settled_map

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRACEBACK_SIGNS = ("Traceback", 'File "', "site-packages", "UnicodeDecodeError", "DataSourceError", "/tmp/")


def _visible_text(page) -> str:
    return page.locator("body").inner_text()


def _no_traceback(text: str) -> None:
    for sign in TRACEBACK_SIGNS:
        assert sign not in text, f"{sign!r} shown to the visitor"


def test_a_damaged_store_is_one_sentence_on_the_page(offline_page, tmp_path):
    page, _log = offline_page
    (tmp_path / "incidents.gpkg").write_bytes(b"SQLite format 3\x00" + np.random.default_rng(7).bytes(6000))
    with serving(tmp_path) as url:
        page.goto(url)
        alert = page.locator('[data-testid="stAlertContentError"]', has_text="incident store").first
        alert.wait_for(timeout=90_000)
        text = alert.inner_text()
        save_screenshot(page, "robust_damaged_store")
    assert "not a Border Map incident store" in text or "damaged" in text
    assert "'incidents.gpkg'" in text  # the store is named by its file name, not its server path
    assert len(text.strip().splitlines()) == 1
    _no_traceback(_visible_text(page))


def test_an_invalid_geopackage_upload_is_one_sentence_naming_the_file(offline_page, tmp_path):
    page, _log = offline_page
    with serving(tmp_path) as url:
        page.goto(url)
        settled_map(page, timeout_ms=120_000)  # the page has drawn and no script run is in progress
        tab = page.get_by_role("tab", name=re.compile("Import"))
        tab.first.click(timeout=60_000)
        uploader = page.locator('[data-testid="stFileUploader"]', has_text="File to import")
        uploader.locator('input[type="file"]').set_input_files(
            {"name": "Field report.gpkg", "mimeType": "application/geopackage+sqlite3",
             "buffer": b"SQLite format 3\x00" + np.random.default_rng(8).bytes(20_000)})
        alert = page.locator('[data-testid="stAlertContentError"]', has_text="Field report.gpkg").first
        alert.wait_for(timeout=60_000)
        text = alert.inner_text()
        save_screenshot(page, "robust_invalid_gpkg_upload")
        body = _visible_text(page)
    assert text.startswith("Field report.gpkg cannot be imported:") and "GeoPackage" in text
    assert len(text.strip().splitlines()) == 1
    _no_traceback(body)
