"""geo.settings: every BORDERMAP_* variable read once into a frozen value."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from geo import datasets, dem_io, store
from geo.settings import CLI_USER, ENV_VARS, SHIPPED_DATA_DIR, read_settings


def test_defaults_live_in_the_user_data_dir_and_name_no_user(tmp_path):
    s = read_settings({"XDG_DATA_HOME": str(tmp_path)})
    home = tmp_path / "border-map"
    assert s.user_data_dir == home
    assert s.data_dir == SHIPPED_DATA_DIR == datasets.DATA_DIR
    assert s.db == str(home / "incidents.gpkg")
    assert s.dem is None and s.default_dem == home / "dem.tif"
    assert s.scenarios_dir == home / "scenarios"
    assert s.user is None and s.chromium is None
    assert CLI_USER == "cli"


def test_every_variable_is_read(tmp_path):
    env = {"BORDERMAP_DATA_DIR": str(tmp_path / "d"), "BORDERMAP_DB": "~/inc.gpkg",
           "BORDERMAP_DEM": "https://example.org/dem.tif", "BORDERMAP_SCENARIOS": str(tmp_path / "sc"),
           "BORDERMAP_USER": "  Ana \t Petrova ", "BORDERMAP_CHROMIUM": str(tmp_path / "chrome"),
           "BORDERMAP_ALLOW_OPEN": "1"}
    assert set(env) == set(ENV_VARS)
    s = read_settings(env)
    assert s.data_dir == tmp_path / "d"
    assert s.db == str(Path("~/inc.gpkg").expanduser()) and "~" not in s.db
    assert s.dem == "https://example.org/dem.tif"  # URLs are kept as given
    assert s.scenarios_dir == tmp_path / "sc"
    assert s.user == "Ana Petrova"
    assert s.chromium == str(tmp_path / "chrome")
    assert s.allow_open is True and read_settings({}).allow_open is False


def test_blank_values_count_as_unset_and_urls_stay_urls():
    s = read_settings({"BORDERMAP_USER": "   ", "BORDERMAP_DEM": "", "XDG_DATA_HOME": "/x",
                       "BORDERMAP_DB": "postgresql://ana@db:5432/border"})
    assert s.user is None and s.dem is None
    assert s.db == "postgresql://ana@db:5432/border"


def test_a_cli_value_wins_over_the_environment(tmp_path):
    s = read_settings({"BORDERMAP_DB": str(tmp_path / "env.gpkg")})
    assert s.store(None) == str(tmp_path / "env.gpkg")
    assert s.store("") == str(tmp_path / "env.gpkg")
    assert s.store(tmp_path / "cli.gpkg") == str(tmp_path / "cli.gpkg")


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        read_settings({}).user = "someone"  # type: ignore[misc]


def test_geo_readers_follow_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERMAP_DB", str(tmp_path / "env.gpkg"))
    monkeypatch.setenv("BORDERMAP_DEM", str(tmp_path / "missing.tif"))
    monkeypatch.setenv("BORDERMAP_DATA_DIR", str(tmp_path / "data"))
    assert store.default_db_path() == tmp_path / "env.gpkg"
    assert datasets.resolve_data_dir() == tmp_path / "data"
    with pytest.raises(Exception, match="BORDERMAP_DEM"):
        dem_io.resolve_dem_source(None)
