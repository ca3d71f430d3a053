"""Shared fixtures: the shipped border, small hand-made layers, the repository paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import geopandas as gpd
import pytest

ROOT = Path(__file__).resolve().parent.parent

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


#: Test folders whose every test drives the page (AppTest) or a browser: all ``slow``.
_SLOW_DIRS = ("app", "browser")


def pytest_collection_modifyitems(config, items):
    """Mark every browser test and every test under tests/app or tests/browser ``slow``.

    So that ``pytest -m "not slow"`` is the quick loop without each module having to
    remember the marker; other slow tests carry ``@pytest.mark.slow`` themselves.
    """
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
        if parts[0] in _SLOW_DIRS or item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's data dir, store or DEM."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    for name in ("BORDERMAP_DB", "BORDERMAP_DEM", "BORDERMAP_SCENARIOS", "BORDERMAP_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def region_dem(tmp_path_factory) -> Path:
    """A synthetic regional DEM file (EPSG:4326, 0.025° cells, the whole border, realistic relief).

    Stands in for a real DEM in the end-to-end tests; built once per run, see
    :func:`tests.geo.dem_fixtures.write_region_dem`.
    """
    from tests.geo.dem_fixtures import write_region_dem

    return write_region_dem(tmp_path_factory.mktemp("dem") / "region_dem.tif")


@pytest.fixture(scope="session")
def border():
    """The shipped border (DCW-GMT line and country polygons)."""
    from geo.border import load_border

    return load_border()


@pytest.fixture(scope="session")
def scene_data():
    """The shipped scene data (border, countries, reference line, places)."""
    from geo.scene_data import load_scene_data

    return load_scene_data()


@pytest.fixture()
def hostile_places() -> gpd.GeoDataFrame:
    """Places whose text tries every popup/tooltip injection we know of."""
    payloads = [
        "<img src=x onerror=\"window.__xss=1\">",
        "${window.__xss=2}",
        "</script><script>window.__xss=3</script>",
        "`+(window.__xss=4)+`",
        "\\u0060${window.__xss=5}",
    ]
    n = len(payloads)
    return gpd.GeoDataFrame(
        {
            "id": [f"x{i}" for i in range(n)],
            "name": payloads,
            "kind": ["chinese_site"] * n,
            "description": payloads[::-1],
            "source": payloads,
            "source_url": ["javascript:window.__xss=6"] * n,
            "source_date": ["2025-11-26"] * n,
            "precision_km": [0.5, 25.0, 1.0, 5.0, 0.2],
            "confidence": ["assessed", "approximate", "claimed", "approximate", "assessed"],
        },
        geometry=gpd.points_from_xy([70.1 + i * 0.1 for i in range(n)], [37.8] * n),
        crs=4326,
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the Chromium to drive; in CI a missing browser is a failure, not a skip."""
    path = os.environ.get("BORDERMAP_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {path}: install the Debian package 'chromium'")
        pytest.skip(f"Chromium not found at {path}")
    return path
