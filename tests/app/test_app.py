"""The page's logic under Streamlit's AppTest (no browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import run_app
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture()
def app() -> AppTest:
    return run_app()


def test_page_renders_with_figures_and_tables(app):
    assert "Border Map" in app.header[0].value
    labels = [m.label for m in app.metric]
    assert any("Measured length" in label for label in labels)
    assert any(m.value.startswith("1,344.15") for m in app.metric)
    assert len(app.dataframe) >= 2  # segments and places


def test_border_segments_count_incidents_near_them_as_certain_and_possible(app):
    segs = next(d.value for d in app.dataframe if "incidents_possible" in d.value.columns)
    assert (segs["incidents_certain"] <= segs["incidents_possible"]).all()
    # the three ±30-km seed attacks 12.6 km from the line may lie within 10 km of several segments,
    # but lie wholly within none
    assert segs["incidents_possible"].max() >= 3 and segs["incidents_possible"].sum() > segs["incidents_certain"].sum()
    assert any("counts in full toward every segment or gap" in c.value for c in app.caption)


def test_layer_toggles_rerun_without_error(app):
    for key in ("layer_countries", "layer_crossing", "layer_chinese_site"):
        app.checkbox(key=key).uncheck().run()
        assert not app.exception
        assert app.checkbox(key=key).value is False
    app.checkbox(key="layer_reference_border").check().run()
    assert not app.exception
    app.selectbox(key="basemap").select("OpenTopoMap").run()
    assert not app.exception


def test_missing_data_file_shows_clear_error(monkeypatch, tmp_path):
    import shutil

    from geo import datasets

    data = tmp_path / "data"
    shutil.copytree(datasets.DATA_DIR, data)
    (data / datasets.PLACES_FILE).unlink()
    monkeypatch.setenv("BORDERMAP_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.error and "places.geojson" in at.error[0].value
