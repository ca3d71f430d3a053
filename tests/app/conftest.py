"""Every page test runs on its own user data: store, scenarios and uploads under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def app_env(monkeypatch, tmp_path) -> Path:
    """Point the page's store, data dir, scenarios and HOME at ``tmp_path``; no DEM."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BORDERMAP_DB", str(tmp_path / "incidents.gpkg"))
    monkeypatch.setenv("BORDERMAP_SCENARIOS", str(tmp_path / "scenarios"))
    monkeypatch.setenv("BORDERMAP_USER", "test analyst")
    monkeypatch.setenv("BORDERMAP_DEM", "none")  # not even the shipped overview DEM
    return tmp_path


def run_app(timeout_s: float = 120) -> AppTest:
    """Run the page once under AppTest and check it raised nothing."""
    at = AppTest.from_file(APP, default_timeout=timeout_s)
    at.run()
    assert not at.exception, at.exception
    return at
