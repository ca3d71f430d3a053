"""Terrain on the page: with a regional DEM (synthetic, built by a fixture), and without any DEM."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def test_without_dem_terrain_says_how_to_get_one(app_env):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    infos = " ".join(i.value for i in at.info)
    assert "terrain fetch" in infos and "--dem" in infos
    assert not [c for c in at.sidebar.checkbox if c.key == "terrain_hillshade"]


def test_with_region_dem_profile_and_overlays(app_env, monkeypatch, region_dem):
    monkeypatch.setenv("BORDERMAP_DEM", str(region_dem))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert at.sidebar.checkbox(key="terrain_hillshade").value is True
    at.sidebar.checkbox(key="terrain_slope").check().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Along the line:" in captions
    # the terrain table per segment has elevation and slope columns with real values
    frames = [df.value for df in at.dataframe]
    terrain_table = next(f for f in frames if "elev_mean_m" in f.columns)
    assert terrain_table["elev_mean_m"].iloc[0] < 1000  # Amu Darya lowlands at the west end
    assert terrain_table["elev_mean_m"].max() > 3000  # the Pamirs
