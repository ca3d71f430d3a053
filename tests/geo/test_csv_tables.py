"""geo.csv_tables and geo.gap_ranking: what the analyst downloads, built from plain arguments."""

from __future__ import annotations

import csv
import io

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.assets import Asset
from geo.coverage import compute_coverage, rank_gaps
from geo.csv_tables import border_segments_csv, coverage_segments_csv, frame_csv
from geo.gap_ranking import crossings_of, rank_scene_gaps


def _rows(payload: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8"))))


def test_frame_csv_is_formula_safe_and_drops_geometry():
    frame = gpd.GeoDataFrame({"name": ["=HYPERLINK(\"x\")", "plain"], "n": [1, 2]},
                             geometry=[Point(70, 37), Point(71, 38)], crs=4326)
    rows = _rows(frame_csv(frame))
    assert list(rows[0]) == ["name", "n"]
    assert rows[0]["name"].startswith("'=") and rows[1]["name"] == "plain"


def test_border_segments_csv_covers_the_whole_border(border):
    rows = _rows(border_segments_csv(border, 100.0))
    assert len(rows) == int(border.length_km // 100) + 1
    assert float(rows[0]["from_km"]) == 0 and abs(float(rows[-1]["to_km"]) - border.length_km) < 1e-6
    assert "geometry" not in rows[0]


def test_coverage_segments_csv_names_the_assets(border):
    asset = Asset("p", "=Post", "border_post", 68.61, 37.2, radius_km=20.0)
    result = compute_coverage(border, [asset])
    rows = _rows(coverage_segments_csv(result, {"p": "=Post"}))
    covered = [r for r in rows if r["n_assets"] == "1"]
    assert covered and all(r["model"] == "radius" and r["assets"] == "'=Post" for r in covered)
    assert len(rows) == len(result.segments)


def test_rank_scene_gaps_counts_crossings_and_treats_no_incidents_as_none(border):
    result = compute_coverage(border, [Asset("p", "P", "border_post", 68.61, 37.2, radius_km=20.0)])
    places = gpd.GeoDataFrame({"kind": ["crossing", "town"]},
                              geometry=[Point(69.5, 37.3), Point(69.5, 37.3)], crs=4326)
    ranked = rank_scene_gaps(result, places, gpd.GeoDataFrame(geometry=[], crs=4326))
    expected = rank_gaps(result, None, places.iloc[:1])
    pd.testing.assert_frame_equal(ranked, expected)
    assert ranked["n_crossings"].sum() == 1  # the town at the same spot is not a crossing
    assert crossings_of(None) is None and crossings_of(places.drop(columns="kind")) is None
