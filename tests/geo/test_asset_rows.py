"""geo.asset_rows: the asset table's rows ↔ validated assets."""

from __future__ import annotations

import math

from geo.asset_rows import COLUMNS, HIDDEN_COLUMNS, asset_to_row, rows_to_assets
from geo.assets import PARAM_DEFAULTS, Asset


def test_row_round_trip_keeps_every_field():
    asset = Asset("p1", "Post 1", "drone", 70.1, 37.6, radius_km=12.0, source="analyst note")
    row = asset_to_row(asset)
    assert list(row) == [*COLUMNS, *HIDDEN_COLUMNS]
    assets, errors = rows_to_assets([row])
    assert errors == [] and assets == [asset]


def test_blank_rows_are_skipped_and_defaults_fill_missing_parameters():
    rows = [{}, {"name": " ", "lat": None, "lon": math.nan},
            {"name": "Ishkashim post", "lat": 36.72, "lon": 71.6, "radius_km": None}]
    assets, errors = rows_to_assets(rows)
    assert errors == []
    (only,) = assets
    assert only.kind == "border_post" and only.source == "analyst" and only.id == "a3"
    assert only.radius_km == PARAM_DEFAULTS["radius_km"]


def test_each_bad_row_gets_one_message_and_the_others_still_apply():
    rows = [{"name": "no lat", "lon": 70.0}, {"name": "Arctic", "lat": 89.0, "lon": 70.0},
            {"name": "ok", "lat": 37.5, "lon": 70.0}]
    assets, errors = rows_to_assets(rows)
    assert [a.name for a in assets] == ["ok"]
    assert len(errors) == 2
    assert errors[0].startswith("Row 1 ('no lat'): field 'lat' is empty")
    assert errors[1].startswith("Row 2 ('Arctic'): ") and errors[1].endswith("This row is not applied.")


def test_repeated_ids_get_fresh_ones():
    rows = [{"id": "x", "name": "A", "lat": 37.5, "lon": 70.0}, {"id": "x", "name": "B", "lat": 37.6, "lon": 70.1},
            {"id": "a2", "name": "C", "lat": 37.7, "lon": 70.2}]
    assets, _ = rows_to_assets(rows)
    ids = [a.id for a in assets]
    assert ids[0] == "x" and len(set(ids)) == 3
