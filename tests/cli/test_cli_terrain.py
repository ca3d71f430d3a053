"""``python -m geo terrain …``: the CLI contract (docs: CLI.md) on DEMs built in code."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from cli import main
from geo import dem_fetch
from geo.crs import REGION_BOUNDS
from tests.geo.dem_fixtures import serve_directory, write_dem
from tests.geo.test_dem_fetch import make_tile

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ramp_dem(tmp_path) -> Path:
    """Region DEM rising 500 m per degree eastwards from 300 m at 66.5° E (0.05° cells)."""
    w, s, e, n = REGION_BOUNDS
    res = 0.05
    cols, rows = round((e - w) / res), round((n - s) / res)
    lons = w + (np.arange(cols) + 0.5) * res
    z = np.tile(300.0 + 500.0 * (lons - w), (rows, 1))
    return write_dem(tmp_path / "ramp.tif", z, Affine(res, 0, w, 0, -res, n), "EPSG:4326")


@pytest.fixture(autouse=True)
def no_user_dem(tmp_path, monkeypatch):
    """Never pick up a DEM from the developer's environment or home, nor the shipped one."""
    monkeypatch.setenv("BORDERMAP_DEM", "none")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_profile_json_contract(capsys, ramp_dem):
    code, out, err = run(capsys, "terrain", "profile", "--dem", str(ramp_dem), "--step-km", "2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert {"chainage_km", "elevation_m", "source"} <= doc.keys()
    assert {"corridor_min_m", "corridor_max_m"} <= doc.keys()
    n = len(doc["chainage_km"])
    assert n > 600
    assert len(doc["elevation_m"]) == n == len(doc["corridor_min_m"]) == len(doc["corridor_max_m"])
    assert doc["chainage_km"][0] == 0 and doc["chainage_km"] == sorted(doc["chainage_km"])
    assert doc["source"].startswith("ramp.tif")
    lon = np.array(doc["lon"])
    np.testing.assert_allclose(doc["elevation_m"], 300 + 500 * (lon - 66.5), atol=1.0)
    assert all(lo <= z <= hi for lo, z, hi in zip(doc["corridor_min_m"], doc["elevation_m"],
                                                     doc["corridor_max_m"], strict=True))


def test_profile_human_text(capsys, ramp_dem):
    code, out, _ = run(capsys, "terrain", "profile", "--dem", str(ramp_dem), "--step-km", "10")
    assert code == 0
    assert out.startswith("Elevation along the border") and "west end" in out


def test_dem_from_environment_then_default_location(capsys, ramp_dem, tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERMAP_DEM", str(ramp_dem))
    code, out, _ = run(capsys, "terrain", "profile", "--step-km", "50", "--json")
    assert code == 0 and json.loads(out)["source"].startswith("ramp.tif")
    monkeypatch.delenv("BORDERMAP_DEM")
    default = tmp_path / "xdg-data" / "border-map" / "dem.tif"
    default.parent.mkdir(parents=True)
    default.write_bytes(ramp_dem.read_bytes())
    code, out, _ = run(capsys, "terrain", "profile", "--step-km", "50", "--json")
    assert code == 0 and json.loads(out)["source"].startswith("dem.tif")


def test_no_dem_anywhere_says_how_to_get_one(capsys):
    code, out, err = run(capsys, "terrain", "profile", "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--dem" in err and "terrain fetch --bbox" in err


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        (["terrain", "profile", "--dem", "does-not-exist.tif", "--json"], "does not exist"),
        (["terrain", "slope", "--dem", "does-not-exist.tif", "--out", "x.tif"], "does not exist"),
        (["terrain", "fetch", "--bbox", "70,38,69", "--json"], "bbox"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(capsys, argv, pattern):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and pattern in err and "Traceback" not in err


def test_slope_and_hillshade_write_geotiffs(capsys, ramp_dem, tmp_path):
    out_slope = tmp_path / "slope.tif"
    code, out, err = run(capsys, "terrain", "slope", "--dem", str(ramp_dem), "--out", str(out_slope),
                         "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["product"] == "slope" and Path(doc["out"]) == out_slope
    with rasterio.open(out_slope) as ds:
        slope = ds.read(1, masked=True)
        assert ds.crs.to_epsg() == 4326 and ds.nodata == -9999.0
    # 500 m per degree of longitude ≈ 500 m per 88 km at 37.7° N: ≈ 0.33°
    assert 0.3 < float(slope.min()) and float(slope.max()) < 0.37
    out_shade = tmp_path / "shade.tif"
    code, out, err = run(capsys, "terrain", "hillshade", "--dem", str(ramp_dem), "--out", str(out_shade),
                         "--azimuth", "270", "--altitude", "30")
    assert code == 0 and "wrote hillshade" in out
    with rasterio.open(out_shade) as ds:
        shade = ds.read(1)
        assert ds.dtypes[0] == "uint8"
    assert set(np.unique(shade[1:-1, 1:-1])) <= {128, 129, 130}  # 1 + 254·sin 30° ≈ 128, tilted to the light


def test_fetch_against_a_loopback_server_with_progress_bar(capsys, tmp_path):
    root = tmp_path / "bucket"
    make_tile(root, 37, 68)
    out = tmp_path / "dem.tif"
    with serve_directory(root) as server:
        code, stdout, stderr = run(capsys, "terrain", "fetch", "--bbox", "68.1,37.1,68.9,37.9",
                                   "--out", str(out), "--cache", str(tmp_path / "cache"),
                                   "--base-url", server.url, "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["downloaded"] == [dem_fetch.tile_id(37, 68)] and doc["missing"] == []
    assert out.is_file() and "Copernicus" in doc["attribution"]
    assert "[" in stderr and "#" in stderr and "1/1" in stderr and "writing mosaic" in stderr
    code, stdout, _ = run(capsys, "terrain", "profile", "--dem", str(out), "--json")  # usable as a DEM
    assert code == 0 and json.loads(stdout)["elevation_m"]


def test_fetch_offline_exits_2_with_a_clear_message(capsys, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err = run(capsys, "terrain", "fetch", "--bbox", "68.1,37.1,68.9,37.9", "--out",
                         str(tmp_path / "d.tif"), "--cache", str(tmp_path / "c"), "--retries", "0",
                         "--base-url", f"http://127.0.0.1:{port}", "--quiet")
    assert code == 2 and out == ""
    assert "cannot reach" in err and "internet connection" in err and "Traceback" not in err


@pytest.mark.slow
def test_region_dem_profile_through_the_module_entry_point(region_dem):
    argv = [sys.executable, "-m", "geo", "terrain", "profile", "--dem", str(region_dem), "--json"]
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["elevation_m"][0] < 600 and doc["elevation_m"][-1] > 2500
    assert "synthetic test relief" in doc["source"]  # the DEM's SOURCE tag
