"""Coverage models and gaps: invariants on the real border and on a synthetic one."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from affine import Affine
from pyproj import CRS
from shapely.geometry import Point

from geo.assets import Asset
from geo.border import load_border, segment_border
from geo.coverage import (
    CoverageParams,
    CoverageResult,
    border_wall,
    compute_coverage,
    coverage_gaps,
    headline,
    rank_gaps,
)
from geo.dem import Dem
from geo.errors import InvalidInputError, TerrainUnavailableError
from geo.metric_grid import metric_grid, to_metric_xy
from geo.travel import MAX_SPEED_KMH, travel_hours
from tests.geo.conftest import metric_dem

RNG_SEED = 11


@pytest.fixture(scope="module")
def border():
    return load_border()


def _covered(result: CoverageResult) -> np.ndarray:
    return result.segments["covered"].to_numpy(dtype=bool)


def _toy_assets(n: int, seed: int = RNG_SEED, **params) -> list[Asset]:
    """Assets within ~8 km of the toy border (both sides), spread along it."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(70.02, 70.48, n)
    lat = 37.5 + rng.uniform(-0.07, 0.07, n)
    return [Asset(f"a{i}", f"A{i}", "border_post", float(x), float(y), **params)
            for i, (x, y) in enumerate(zip(lon, lat, strict=True))]


# ------------------------------------------------------------------ no assets


def test_no_assets_whole_border_is_one_gap(border):
    res = compute_coverage(border, [])
    head = headline(res)
    gaps = coverage_gaps(res)
    assert head["covered_km"] == 0 and head["percent"] == 0
    assert len(gaps) == 1
    assert gaps.iloc[0]["from_km"] == 0
    assert gaps.iloc[0]["length_km"] == pytest.approx(border.length_km)
    assert head["longest_gap_km"] == pytest.approx(border.length_km, abs=1e-3)


@pytest.mark.parametrize("model", ["travel", "sight"])
def test_no_assets_terrain_models(toy_border, flat_dem, model):
    res = compute_coverage(toy_border, [], CoverageParams(model=model), dem=flat_dem)
    gaps = coverage_gaps(res)
    assert not _covered(res).any()
    assert len(gaps) == 1 and gaps.iloc[0]["length_km"] == pytest.approx(toy_border.length_km)


# ------------------------------------------------------------------ radius


def test_radius_is_exact_distance(toy_border):
    # a point due north of the straight toy border at 37.5° N: its distance is the meridian arc
    x, y = to_metric_xy(np.array([70.25, 70.25]), np.array([37.5, 37.55]))
    line_distance_km = toy_border.line_m.distance(Point(x[1], y[1])) / 1000.0
    assert 5.4 < line_distance_km < 5.7
    near = compute_coverage(toy_border, [Asset("p", "P", "border_post", 70.25, 37.55,
                                               radius_km=line_distance_km + 0.05)])
    far = compute_coverage(toy_border, [Asset("p", "P", "border_post", 70.25, 37.55,
                                              radius_km=line_distance_km - 0.05)])
    assert 1 <= _covered(near).sum() <= 2 and not _covered(far).any()


def test_radius_adding_assets_never_lowers_coverage(border):
    rng = np.random.default_rng(RNG_SEED)
    assets: list[Asset] = []
    previous = np.zeros(len(segment_border(border)), dtype=bool)
    for i in range(12):
        seg = int(rng.integers(0, len(border.line.coords)))
        lon, lat = border.line.coords[seg]
        assets.append(Asset(f"a{i}", "A", "border_post", lon + rng.normal(0, 0.05), lat + rng.normal(0, 0.05),
                            radius_km=float(rng.uniform(2, 30))))
        res = compute_coverage(border, assets)
        covered = _covered(res)
        assert (covered >= previous).all()
        previous = covered
    assert previous.any()
    # the asset ids say who covers what
    ids = res.segments.loc[res.segments["covered"], "asset_ids"]
    assert all(len(t) >= 1 for t in ids)
    assert not res.segments.loc[~res.segments["covered"], "asset_ids"].map(len).any()


def test_headline_and_gaps_add_up(border):
    assets = [Asset("p1", "P", "border_post", 69.3, 37.2), Asset("p2", "P", "detachment", 71.5, 37.0)]
    res = compute_coverage(border, assets, CoverageParams(segment_km=2.5))
    head = headline(res)
    gaps = coverage_gaps(res)
    assert head["covered_km"] + gaps["length_km"].sum() == pytest.approx(border.length_km, abs=1e-6)
    assert head["border_km"] == pytest.approx(border.length_km, abs=1e-3)
    # gaps are maximal: the segment before and after each gap is covered
    seg = res.segments.set_index("segment_id")
    for g in gaps.itertuples():
        if g.first_segment > 0:
            assert seg.loc[g.first_segment - 1, "covered"]
        if g.last_segment < seg.index.max():
            assert seg.loc[g.last_segment + 1, "covered"]


def test_coverage_gaps_of_a_known_pattern(toy_border):
    segments = segment_border(toy_border, 5.0)
    pattern = np.array([False, False, True, False, True, True, False, False, False])[: len(segments)]
    seg = segments[["segment_id", "from_km", "to_km", "length_km", "geometry"]].copy()
    seg["covered"] = pattern
    seg["asset_ids"] = [("x",) if c else () for c in pattern]
    gaps = coverage_gaps(CoverageResult(seg, CoverageParams(segment_km=5.0), ("x",)))
    assert list(gaps["first_segment"]) == [0, 3, 6]
    assert list(gaps["n_segments"]) == [2, 1, len(segments) - 6]
    assert gaps["to_km"].iloc[-1] == pytest.approx(toy_border.length_km)


def test_rank_gaps_formula_and_order(toy_border):
    # two gaps: a long one in the west, a short one in the east with an incident and a crossing
    asset = Asset("p", "P", "border_post", 70.30, 37.5, radius_km=3)
    res = compute_coverage(toy_border, [asset])
    gaps = coverage_gaps(res)
    assert len(gaps) == 2
    east_mid = (gaps.iloc[1]["from_km"] + gaps.iloc[1]["to_km"]) / 2
    assert gaps.iloc[0]["length_km"] > gaps.iloc[1]["length_km"]
    plain = rank_gaps(res)
    assert "risk = length_km" in plain.attrs["formula"]
    assert list(plain["rank"]) == [1, 2] and plain.iloc[0]["from_km"] == 0
    np.testing.assert_allclose(plain["risk"], plain["length_km"])
    lon_east = 70.0 + 0.5 * east_mid / toy_border.length_km
    incidents = gpd.GeoDataFrame(geometry=[Point(lon_east, 37.45), Point(lon_east, 37.44)], crs="EPSG:4326")
    crossings = gpd.GeoDataFrame(geometry=[Point(lon_east, 37.5)], crs="EPSG:4326")
    ranked = rank_gaps(res, incidents, crossings, radius_km=10)
    top = ranked.iloc[0]
    assert top["from_km"] > 0 and (top["n_incidents"], top["n_crossings"]) == (2, 1)
    assert top["risk"] == pytest.approx(top["length_km"] * 3 * 2)
    empty = gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    assert list(rank_gaps(res, empty, empty)["n_incidents"]) == [0, 0]
    with pytest.raises(InvalidInputError, match="incidents"):
        rank_gaps(res, gpd.GeoDataFrame(geometry=[Point(70.1, 37.4)]))


def test_rank_gaps_counts_an_approximate_incident_as_a_range(toy_border):
    asset = Asset("p", "P", "border_post", 70.30, 37.5, radius_km=3)
    res = compute_coverage(toy_border, [asset])
    gaps = coverage_gaps(res)
    east_mid = (gaps.iloc[1]["from_km"] + gaps.iloc[1]["to_km"]) / 2
    lon_east = 70.0 + 0.5 * east_mid / toy_border.length_km
    # ~16.7 km south of the line: beyond 10 km as a point; its ±10-km circle reaches within 10 km
    # of the eastern gap (it may lie there), but does not lie wholly within
    incidents = gpd.GeoDataFrame({"precision_km": [None, 10.0, 1.0], "geo_precision": [None, None, None]},
                                 geometry=[Point(lon_east, 37.35), Point(lon_east, 37.35),
                                           Point(lon_east, 37.47)], crs="EPSG:4326")
    ranked = rank_gaps(res, incidents, radius_km=10).set_index("from_km").sort_index()
    east = ranked.iloc[1]
    assert (east["n_incidents_min"], east["n_incidents"]) == (1, 2)  # the near ±1-km one is certain
    assert east["risk"] == pytest.approx(east["length_km"] * 3)
    assert east["risk_min"] == pytest.approx(east["length_km"] * 2)
    assert "precision circle" in rank_gaps(res).attrs["formula"]


# ------------------------------------------------------------------ sight


def test_sight_adding_assets_never_lowers_coverage(toy_border, rough_dem):
    assets = _toy_assets(6, range_km=8)
    params = CoverageParams(model="sight")
    previous = None
    for n in range(1, len(assets) + 1):
        covered = _covered(compute_coverage(toy_border, assets[:n], params, dem=rough_dem))
        if previous is not None:
            assert (covered >= previous).all()
        previous = covered
    assert previous is not None and previous.any() and not previous.all()


def test_sight_never_beats_radius_of_same_range(toy_border, rough_dem):
    assets = _toy_assets(8, seed=5, range_km=6, radius_km=6, observer_height_m=50)
    sight = _covered(compute_coverage(toy_border, assets, CoverageParams(model="sight"), dem=rough_dem))
    radius = _covered(compute_coverage(toy_border, assets, CoverageParams(model="radius")))
    assert sight.any()
    assert not (sight & ~radius).any()


def test_sight_on_flat_geographic_dem_equals_radius(toy_border):
    # a DEM in EPSG:4326 is resampled into metres; on flat ground everything in range is seen
    dem = Dem(np.full((80, 120), 500.0, dtype=np.float32), Affine(0.01, 0, 69.65, 0, -0.01, 37.9),
              CRS.from_epsg(4326), "flat-geographic")
    assets = [Asset("p", "P", "border_post", 70.2, 37.56, range_km=10, radius_km=10)]
    params = CoverageParams(model="sight", curvature_coeff=0.0)
    sight = _covered(compute_coverage(toy_border, assets, params, dem=dem))
    radius = _covered(compute_coverage(toy_border, assets))
    assert not (sight & ~radius).any()
    assert sight.sum() >= radius.sum() - 2  # only the segments grazing the circle may differ


# ------------------------------------------------------------------ travel


def test_travel_more_time_never_covers_less(toy_border, rough_dem):
    params = CoverageParams(model="travel")
    previous = None
    for hours in (0.5, 1.0, 2.0, 4.0):
        assets = _toy_assets(4, travel_hours=hours)
        covered = _covered(compute_coverage(toy_border, assets, params, dem=rough_dem))
        if previous is not None:
            assert (covered >= previous).all()
        previous = covered
    assert previous is not None and previous.any()


def test_travel_never_beats_flat_ground_speed(toy_border, rough_dem):
    hours = 1.5
    assets = _toy_assets(5, seed=2, travel_hours=hours, radius_km=MAX_SPEED_KMH * hours + 2 * 0.25)
    travel = _covered(compute_coverage(toy_border, assets, CoverageParams(model="travel"), dem=rough_dem))
    radius = _covered(compute_coverage(toy_border, assets))
    assert travel.any() and not (travel & ~radius).any()


def test_drones_fly_in_the_travel_model(toy_border, rough_dem):
    drone = Asset("d", "Drone", "drone", 70.25, 37.6, radius_km=15, travel_hours=0.1)
    travel = _covered(compute_coverage(toy_border, [drone], CoverageParams(model="travel"), dem=rough_dem))
    radius = _covered(compute_coverage(toy_border, [drone]))
    np.testing.assert_array_equal(travel, radius)


def test_cost_is_zero_at_source_and_never_decreases_along_a_path():
    from tests.geo.conftest import rough_terrain

    z = rough_terrain((60, 60), 1)
    hours = travel_hours(z, 90.0, [(30, 30)])
    assert hours[30, 30] == 0 and np.isfinite(hours).all() and (hours >= 0).all()
    # every other cell has a neighbour strictly closer to the source (its predecessor on the path)
    padded = np.pad(hours, 1, constant_values=np.inf)
    neighbours = np.stack([padded[1 + dr:61 + dr, 1 + dc:61 + dc]
                           for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)])
    others = np.ones_like(hours, dtype=bool)
    others[30, 30] = False
    assert (neighbours.min(axis=0)[others] < hours[others]).all()
    # on flat ground time grows along a straight line away from the source
    flat = travel_hours(np.zeros((5, 40), np.float32), 100.0, [(2, 0)])
    assert (np.diff(flat[2]) > 0).all()
    assert flat[2, 10] == pytest.approx(1.0 / MAX_SPEED_KMH)


def test_border_wall_blocks_the_far_side_except_at_crossings(toy_border, flat_dem):
    grid = metric_grid(flat_dem, (-60_000, -20_000, -37_000, 20_000))  # the line spans the window
    sx, sy = to_metric_xy(np.array([70.25]), np.array([37.52]))  # 2 km north of the line
    r, c, _ = grid.cells_of(sx, sy)
    far_x, far_y = to_metric_xy(np.array([70.25]), np.array([37.48]))
    fr, fc, inside = grid.cells_of(far_x, far_y)
    assert inside[0]
    closed = border_wall(grid, toy_border, np.zeros((0, 2)), 500.0)
    hours = travel_hours(grid.elevation, grid.cell_m, [(int(r[0]), int(c[0]))], barrier=closed)
    assert np.isinf(hours[fr[0], fc[0]])
    bridge = np.column_stack(to_metric_xy(np.array([70.27]), np.array([37.5])))
    opened = border_wall(grid, toy_border, bridge, 500.0)
    hours = travel_hours(grid.elevation, grid.cell_m, [(int(r[0]), int(c[0]))], barrier=opened)
    assert 0.8 < hours[fr[0], fc[0]] < 2.0  # ~4.5 km via the bridge at ~5 km/h


# ------------------------------------------------------------------ bad input


def test_terrain_model_without_dem(toy_border):
    with pytest.raises(TerrainUnavailableError, match="radius model"):
        compute_coverage(toy_border, [], CoverageParams(model="sight"))


def test_dem_that_misses_the_border(toy_border):
    dem = Dem(np.zeros((10, 10), np.float32), Affine(0.01, 0, 67.0, 0, -0.01, 39.5), CRS.from_epsg(4326))
    with pytest.raises(TerrainUnavailableError):
        compute_coverage(toy_border, [], CoverageParams(model="travel"), dem=dem)


def test_asset_off_the_dem_is_reported(toy_border):
    small = metric_dem(toy_border, 250.0, 2_000.0)
    far = Asset("far", "Far", "border_post", 70.25, 37.8)  # 33 km north, off this DEM
    res = compute_coverage(toy_border, [far], CoverageParams(model="sight"), dem=small)
    assert not _covered(res).any()
    assert any("far" in w for w in res.warnings)


@pytest.mark.parametrize("kwargs,needle", [
    ({"model": "laser"}, "model"), ({"segment_km": 0}, "segment_km"),
    ({"segment_km": float("nan")}, "segment_km"), ({"sample_m": 1e9}, "sample_m"),
    ({"cell_m": 1.0}, "cell_m"), ({"target_height_m": -1}, "target_height_m")])
def test_bad_params(kwargs, needle):
    with pytest.raises(InvalidInputError, match=needle):
        CoverageParams(**kwargs)


def test_duplicate_asset_ids(toy_border):
    a = Asset("p", "P", "border_post", 70.2, 37.52)
    with pytest.raises(InvalidInputError, match="unique"):
        compute_coverage(toy_border, [a, a])


def test_gap_terrain_aggregates_the_gap_segments():
    import pandas as pd

    from geo.coverage import gap_terrain

    gaps = pd.DataFrame({"from_km": [0.0, 5.0], "to_km": [2.0, 6.0], "first_segment": [0, 5],
                         "last_segment": [1, 5]})
    gaps.attrs["formula"] = "f"
    seg = pd.DataFrame({"segment_id": range(6), "elev_mean_m": [300.0, 500.0, 9, 9, 9, 4000.0],
                        "slope_max_deg": [2.0, 7.0, 90, 90, 90, 31.0], "tri_mean_m": [5.0, 15.0, 0, 0, 0, 80.0]})
    out = gap_terrain(gaps, seg)
    assert out["elev_mean_m"].tolist() == [400.0, 4000.0]
    assert out["elev_max_m"].tolist() == [500.0, 4000.0]
    assert out["slope_max_deg"].tolist() == [7.0, 31.0]
    assert out["tri_mean_m"].tolist() == [10.0, 80.0]
    assert out.attrs["formula"] == "f" and "elev_mean_m" not in gaps


# ------------------------------------------------------------------ geographic DEMs on their own grid


def _geographic_rough_dem() -> Dem:
    """3″-like cells (0.002° ≈ 177 m × 222 m at 37.5° N) of rough terrain in EPSG:4326."""
    from tests.geo.conftest import rough_terrain

    z = rough_terrain((250, 500), 7)
    return Dem(z, Affine(0.002, 0, 69.75, 0, -0.002, 37.75), CRS.from_epsg(4326), "rough-geographic")


@pytest.mark.parametrize("model", ["sight", "travel"])
def test_geographic_dem_on_its_own_grid_agrees_with_resampling_it(toy_border, model):
    # the native grid (no resampling, cell sizes in metres per row) and the same DEM
    # resampled into METRIC_CRS at 180 m must cover nearly the same segments
    dem = _geographic_rough_dem()
    assets = _toy_assets(4, seed=5, travel_hours=1.5)
    native = _covered(compute_coverage(toy_border, assets, CoverageParams(model=model), dem=dem))
    resampled = _covered(compute_coverage(toy_border, assets, CoverageParams(model=model, cell_m=180.0),
                                          dem=dem))
    assert 0 < native.sum() < len(native), "terrain should hide or slow part of the border"
    assert (native == resampled).mean() >= 0.9


def test_native_grid_reports_metre_cell_sizes():
    from geo.metric_grid import analysis_grid

    dem = _geographic_rough_dem()
    grid = analysis_grid(dem, (-40_000, -20_000, 0, 20_000))
    assert grid.is_geographic and np.shares_memory(grid.elevation, dem.elevation)  # a view, not a copy
    dx, dy = grid.cell_size_at(grid.shape[0] // 2)
    assert dx == pytest.approx(0.002 * 111_320 * np.cos(np.radians(37.5)), rel=0.01)
    assert dy == pytest.approx(0.002 * 110_990, rel=0.01)
