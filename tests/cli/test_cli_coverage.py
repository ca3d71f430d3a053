"""``python -m geo coverage`` / ``deployment``: the JSON contract, DEM resolution, errors (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main

REPO = Path(__file__).resolve().parents[2]


def _assets_file(tmp_path: Path, features: list[dict] | None = None) -> Path:
    features = (
        features
        if features is not None
        else [
            {
                "type": "Feature",
                "properties": {"id": "p1", "kind": "border_post", "radius_km": 20, "range_km": 20},
                "geometry": {"type": "Point", "coordinates": [69.3, 37.2]},
            },
            {
                "type": "Feature",
                "properties": {
                    "id": "d1",
                    "kind": "detachment",
                    "travel_hours": 4,
                    "observer_height_m": 30,
                    "range_km": 30,
                    "radius_km": 30,
                },
                "geometry": {"type": "Point", "coordinates": [71.5, 37.1]},
            },
        ]
    )
    path = tmp_path / "assets.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture(autouse=True)
def _no_default_dem(monkeypatch, tmp_path):
    """No DEM unless a test gives one: empty XDG data dir, BORDERMAP_DEM 'none' (not even the shipped one)."""
    monkeypatch.setenv("BORDERMAP_DEM", "none")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def _run(capsys, *argv) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() and code == 0 else None), err


def _check_contract(doc: dict) -> None:
    assert isinstance(doc["border_km"], float) and isinstance(doc["covered_km"], float)
    assert 0 <= doc["covered_km"] <= doc["border_km"]
    for gap in doc["gaps"]:
        assert set(gap) == {"from_km", "to_km", "length_km"}
        assert gap["to_km"] - gap["from_km"] == pytest.approx(gap["length_km"], abs=2e-3)
    assert doc["covered_km"] + sum(g["length_km"] for g in doc["gaps"]) == pytest.approx(
        doc["border_km"], abs=0.05
    )


def test_radius_json_contract(capsys, tmp_path):
    code, doc, err = _run(
        capsys, "coverage", "--assets", str(_assets_file(tmp_path)), "--model", "radius", "--json"
    )
    assert code == 0 and err == ""
    _check_contract(doc)
    assert doc["covered_km"] > 0 and doc["model"] == "radius"


def test_no_assets_one_gap(capsys, tmp_path):
    code, doc, _ = _run(
        capsys, "coverage", "--assets", str(_assets_file(tmp_path, [])), "--json", "--segment-km", "2"
    )
    assert code == 0 and doc["covered_km"] == 0
    assert len(doc["gaps"]) == 1 and doc["gaps"][0]["length_km"] == pytest.approx(doc["border_km"], abs=1e-3)


@pytest.mark.parametrize("model", ["travel", "sight"])
def test_terrain_model_without_dem_exits_2(capsys, tmp_path, model):
    code, _, err = _run(
        capsys, "coverage", "--assets", str(_assets_file(tmp_path)), "--model", model, "--json"
    )
    assert code == 2
    assert "needs a DEM" in err and "radius model still works" in err
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--model", "sight", "--dem", "missing.tif"], "does not exist"),
        (["--segment-km", "0"], "segment_km"),
    ],
)
def test_bad_options_exit_2(capsys, tmp_path, argv, needle):
    code, _, err = _run(capsys, "coverage", "--assets", str(_assets_file(tmp_path)), *argv, "--json")
    assert code == 2 and needle in err


def test_bad_assets_exit_2(capsys, tmp_path):
    bad = _assets_file(
        tmp_path,
        [
            {
                "type": "Feature",
                "properties": {"radius_km": -3},
                "geometry": {"type": "Point", "coordinates": [69.3, 37.2]},
            }
        ],
    )
    code, _, err = _run(capsys, "coverage", "--assets", str(bad), "--json")
    assert code == 2 and "radius_km" in err
    code, _, err = _run(capsys, "coverage", "--assets", str(tmp_path / "nope.geojson"), "--json")
    assert code == 2 and "does not exist" in err


@pytest.mark.slow
def test_json_is_the_only_stdout_in_a_subprocess(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "coverage", "--assets", str(_assets_file(tmp_path)), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    _check_contract(json.loads(proc.stdout))


def test_end_to_end_with_region_dem(capsys, tmp_path, monkeypatch, region_dem):
    assets = str(_assets_file(tmp_path))
    _, radius, _ = _run(capsys, "coverage", "--assets", assets, "--model", "radius", "--json")
    # --dem given explicitly
    code, sight, err = _run(
        capsys, "coverage", "--assets", assets, "--model", "sight", "--dem", str(region_dem), "--json"
    )
    assert code == 0, err
    _check_contract(sight)
    assert sight["dem"].startswith(region_dem.name)
    assert sight["covered_km"] <= radius["covered_km"]  # line of sight within r never beats radius r
    # the same DEM found through BORDERMAP_DEM
    monkeypatch.setenv("BORDERMAP_DEM", str(region_dem))
    code, travel, err = _run(capsys, "coverage", "--assets", assets, "--model", "travel", "--json")
    assert code == 0, err
    _check_contract(travel)


def test_deployment_end_to_end(capsys, tmp_path, region_dem):
    places = tmp_path / "places.geojson"
    feats = [
        {
            "type": "Feature",
            "properties": {
                "id": "g1",
                "name": "Garrison A",
                "kind": "garrison",
                "source": "test",
                "source_date": "2025",
                "precision_km": 1,
                "confidence": "assessed",
            },
            "geometry": {"type": "Point", "coordinates": [68.78, 38.56]},
        },
        {
            "type": "Feature",
            "properties": {
                "id": "g2",
                "name": "Garrison B",
                "kind": "garrison",
                "source": "test",
                "source_date": "2025",
                "precision_km": 1,
                "confidence": "assessed",
            },
            "geometry": {"type": "Point", "coordinates": [68.78, 37.84]},
        },
    ]
    places.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    code, doc, err = _run(
        capsys,
        "deployment",
        "--dem",
        str(region_dem),
        "--places",
        str(places),
        "--max-slope",
        "10",
        "--top",
        "5",
        "--json",
    )
    assert code == 0, err
    assert doc["type"] == "FeatureCollection" and doc["metadata"]["status"].startswith(
        "analytical hypothesis"
    )
    assert 1 <= len(doc["features"]) <= 5
    assert [f["properties"]["rank"] for f in doc["features"]] == list(range(1, len(doc["features"]) + 1))
    assert all(f["properties"]["slope_deg_mean"] <= 10 for f in doc["features"])
    # without garrisons: a clear error
    places.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{**feats[0], "properties": {**feats[0]["properties"], "kind": "town"}}],
            }
        )
    )
    code, _, err = _run(capsys, "deployment", "--dem", str(region_dem), "--places", str(places), "--json")
    assert code == 2 and "garrison" in err


def test_deployment_without_dem_exits_2(capsys):
    code, _, err = _run(capsys, "deployment", "--json")
    assert code == 2 and "needs a DEM" in err
