"""The page's snapshot section under AppTest: download buttons, PNG render, missing browser."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def _download_keys(at: AppTest) -> list[str | None]:
    return [b.key for b in at.get("download_button")]


def test_snapshot_downloads_are_offered(monkeypatch, tmp_path):
    monkeypatch.setenv("BORDERMAP_CHROMIUM", str(tmp_path / "no-chrome"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    keys = _download_keys(at)
    assert "snapshot_html" in keys and "snapshot_static" in keys
    assert "snapshot_png_download" not in keys  # only after a render
    # no usable browser: a warning naming the setting to fix, and the page goes on
    at.button(key="snapshot_png_render").click().run()
    assert not at.exception
    assert any("No browser" in w.value and "BORDERMAP_CHROMIUM" in w.value for w in at.warning)
    assert "snapshot_png_download" not in _download_keys(at)
    at.radio(key="snapshot_static_fmt").set_value("PDF").run()
    labels = [b.label for b in at.get("download_button")]
    assert "Download print map (PDF)" in labels


@pytest.mark.browser
def test_png_render_offers_the_download(monkeypatch, chromium_path):
    monkeypatch.setenv("BORDERMAP_CHROMIUM", chromium_path)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.number_input(key="snapshot_w").set_value(600).run()
    at.button(key="snapshot_png_render").click().run()
    assert not at.exception and not at.error
    assert "snapshot_png_download" in _download_keys(at)
    # another size: the PNG of the old size is not offered as if it were the new one
    at.number_input(key="snapshot_h").set_value(500).run()
    assert "snapshot_png_download" not in _download_keys(at)


def test_snapshot_follows_the_view_the_map_wrote_into_the_address():
    from tests.app.conftest import run_app

    at = run_app()
    # the map writes its view into the page's address; Streamlit sends it with the next run
    at.query_params["view"] = "37.52,71.55,10"
    at.query_params["bbox"] = "71.2,37.3,71.9,37.7"
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "centre 37.52, 71.55, zoom 10" in captions


def test_view_and_bbox_from_the_address_are_checked_and_clipped(monkeypatch):
    import streamlit as st

    from ui import map_view

    monkeypatch.setattr(st, "session_state", {})
    monkeypatch.setattr(st, "query_params", {"bbox": "60.0,30.0,70.0,38.0", "view": "37.5,71.2,9"})
    # the address the session opened with is read once and taken out of the address
    assert map_view.current_bbox() == (66.5, 35.5, 70.0, 38.0)
    assert map_view.current_view().zoom == 9
    assert st.query_params == {}
    st.query_params["bbox"] = "71.2,37.3,71.9,37.7"
    assert map_view.current_bbox() == (71.2, 37.3, 71.9, 37.7)
    monkeypatch.setattr(st, "session_state", {})
    monkeypatch.setattr(st, "query_params", {"view": "91,0,7", "bbox": "x"})
    assert map_view.current_bbox() is None
    assert map_view.current_view().zoom == 7
    assert map_view.parse_view("37.5,71.2,25") is None
    assert map_view.parse_view("<script>") is None
