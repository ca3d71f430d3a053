"""Terrain computations (geo.terrain) and DEM reading/writing (geo.dem_io) on DEMs built in code.

Reference tool: ``gdaldem`` (Debian gdal-bin), run through subprocess on the same file.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from pyproj import CRS

from geo import dem_io, terrain
from geo.border import load_border, segment_border
from geo.crs import GEOD, METRIC_CRS, REGION_BOUNDS
from geo.dem import Dem
from geo.errors import CRSError, DataFileError, InvalidInputError, TerrainUnavailableError
from tests.geo.dem_fixtures import ARCSEC3, metric_transform, rough_surface, write_dem

GDALDEM = shutil.which("gdaldem")
needs_gdaldem = pytest.mark.skipif(GDALDEM is None, reason="gdaldem (Debian gdal-bin) is not installed")

GEO = CRS.from_epsg(4326)
INNER = (slice(1, -1), slice(1, -1))


def geo_dem(z: np.ndarray, lon0: float = 70.0, lat0: float = 38.0, res: float = ARCSEC3) -> Dem:
    return Dem(z.astype(np.float32), Affine(res, 0, lon0, 0, -res, lat0), GEO, "test")


def metric_dem(z: np.ndarray, cell: float = 30.0) -> Dem:
    return Dem(z.astype(np.float32), metric_transform(cell), METRIC_CRS, "test")


def _meridian_m(lat_deg: np.ndarray) -> np.ndarray:
    """Geodesic distance (m) from 37° N along a meridian (WGS 84)."""
    lat_deg = np.asarray(lat_deg, dtype=float)
    _, _, d = GEOD.inv(np.full(lat_deg.shape, 70.0), np.full(lat_deg.shape, 37.0),
                       np.full(lat_deg.shape, 70.0), lat_deg)
    return np.where(lat_deg >= 37.0, d, -d)


# ---------------------------------------------------------------------------
# invariants on tiny DEMs


@pytest.mark.parametrize("make", [metric_dem, geo_dem], ids=["projected", "geographic"])
def test_flat_dem_has_zero_slope_constant_hillshade_and_no_aspect(make):
    dem = make(np.full((12, 15), 1234.0))
    slope = terrain.slope_degrees(dem)
    assert slope.shape == dem.shape and slope.dtype == np.float32
    np.testing.assert_array_equal(slope[INNER], 0.0)
    assert np.isnan(slope[0]).all() and np.isnan(slope[:, -1]).all()
    shade = terrain.hillshade(dem)
    assert shade.dtype == np.uint8
    assert set(np.unique(shade[INNER])) == {181}  # 1 + 254·sin 45°
    assert (shade[0] == 0).all()
    assert np.isnan(terrain.aspect_degrees(dem)[INNER]).all()
    np.testing.assert_array_equal(terrain.ruggedness(dem)[INNER], 0.0)


@pytest.mark.parametrize("degrees", [0.5, 12.0, 30.0, 60.0])
def test_plane_of_known_slope_gives_exact_degrees_and_aspect(degrees):
    rows, cols, cell = 9, 11, 25.0
    y, x = np.mgrid[0:rows, 0:cols]
    # rises towards the south-east: east 3 units for every 4 units south
    grade = math.tan(math.radians(degrees))
    z = 2000.0 + grade * cell * (0.6 * x + 0.8 * y)
    dem = metric_dem(z, cell)
    np.testing.assert_allclose(terrain.slope_degrees(dem)[INNER], degrees, atol=2e-3)
    # rising SE means facing (down-slope towards) the north-west: atan2(-0.6, 0.8)
    expected_aspect = math.degrees(math.atan2(-0.6, 0.8)) % 360
    np.testing.assert_allclose(terrain.aspect_degrees(dem)[INNER], expected_aspect, atol=0.02)  # float32
    tri = terrain.ruggedness(dem)[INNER]
    dz_e, dz_s = grade * cell * 0.6, grade * cell * 0.8
    expected_tri = math.sqrt(2 * dz_e**2 + 2 * dz_s**2 + 2 * (dz_e + dz_s) ** 2 + 2 * (dz_e - dz_s) ** 2)
    np.testing.assert_allclose(tri, expected_tri, rtol=1e-4)


def test_cone_aspect_points_outward_and_light_side_is_brighter():
    n, cell = 41, 10.0
    y, x = np.mgrid[0:n, 0:n].astype(float)
    east, north = (x - 20) * cell, (20 - y) * cell
    z = 3000.0 - 0.5 * np.hypot(east, north)  # a cone, 26.6° flanks
    dem = metric_dem(z, cell)
    aspect = terrain.aspect_degrees(dem)
    ring = (np.hypot(east, north) > 30) & (np.hypot(east, north) < 180)
    outward = np.degrees(np.arctan2(east, north)) % 360
    diff = np.abs((aspect - outward + 180) % 360 - 180)
    assert np.nanmax(diff[ring]) < 8.0
    assert np.nanmedian(diff[ring]) < 1.0
    np.testing.assert_allclose(terrain.slope_degrees(dem)[ring], math.degrees(math.atan(0.5)), atol=0.5)
    shade = terrain.hillshade(dem, azimuth=315, altitude=45)
    nw, se = shade[12, 12], shade[28, 28]  # flank facing the light (NW) vs the far flank
    assert int(nw) > 230 > 100 > int(se)


def test_hillshade_parameters_are_validated():
    dem = metric_dem(np.zeros((4, 4)))
    with pytest.raises(InvalidInputError, match="altitude"):
        terrain.hillshade(dem, altitude=0)
    with pytest.raises(InvalidInputError, match="z_factor"):
        terrain.hillshade(dem, z_factor=-1)
    with pytest.raises(InvalidInputError, match="azimuth"):
        terrain.Illumination(azimuth=float("nan"))


def test_nan_cells_spread_to_their_neighbours_only():
    z = rough_surface(20, 20)
    z[10, 10] = np.nan
    dem = metric_dem(z)
    slope = terrain.slope_degrees(dem)
    assert np.isnan(slope[9:12, 9:12]).all()
    assert np.isfinite(slope[1:8, 1:8]).all()
    assert terrain.hillshade(dem)[10, 11] == 0


def test_functions_do_not_mutate_the_dem():
    dem = metric_dem(rough_surface(16, 16))
    before = dem.elevation.copy()
    terrain.slope_degrees(dem)
    terrain.hillshade(dem)
    terrain.aspect_degrees(dem)
    terrain.ruggedness(dem)
    np.testing.assert_array_equal(dem.elevation, before)


def test_geographic_cell_size_depends_on_latitude():
    south = Dem(np.zeros((3, 3), np.float32), Affine(ARCSEC3, 0, 70, 0, -ARCSEC3, 35.5), GEO)
    north = Dem(np.zeros((3, 3), np.float32), Affine(ARCSEC3, 0, 70, 0, -ARCSEC3, 39.9), GEO)
    (dx_s, dy_s), (dx_n, dy_n) = terrain.cell_size_m(south), terrain.cell_size_m(north)
    # 3″ of longitude shrinks with cos(lat); 3″ of latitude grows slightly (meridional radius)
    assert dx_s == pytest.approx(75.6, abs=0.1) and dx_n == pytest.approx(71.3, abs=0.1)
    assert dy_s == pytest.approx(92.46, abs=0.02) and dy_n > dy_s


def test_unsupported_crs_and_rotated_grid_are_refused():
    geocentric = Dem(np.zeros((3, 3), np.float32), Affine(1, 0, 0, 0, -1, 0), CRS.from_epsg(4978))
    with pytest.raises(CRSError, match="neither geographic nor projected"):
        terrain.slope_degrees(geocentric)
    rotated = Dem(np.zeros((3, 3), np.float32), Affine(30, 2, 0, 1, -30, 0), METRIC_CRS)
    with pytest.raises(InvalidInputError, match="rotated"):
        terrain.hillshade(rotated)


# ---------------------------------------------------------------------------
# agreement with gdaldem


def _gdaldem(tmp_path: Path, src: Path, product: str, *args: str) -> np.ndarray:
    out = tmp_path / f"gdaldem_{product}.tif"
    subprocess.run([GDALDEM, product, str(src), str(out), "-q", *args], check=True, timeout=60)
    with rasterio.open(out) as ds:
        return ds.read(1).astype(np.float64)


@needs_gdaldem
def test_projected_dem_matches_gdaldem_slope_hillshade_aspect_tri(tmp_path):
    z = rough_surface(120, 160, seed=3)
    src = write_dem(tmp_path / "dem.tif", z, metric_transform(30.0), METRIC_CRS)
    dem = dem_io.read_dem(src, pad_cells=0)
    assert dem.shape == (120, 160)
    core = (slice(2, -2), slice(2, -2))  # away from the edges

    ref = _gdaldem(tmp_path, src, "slope")
    # same arithmetic in the same order: bit-identical
    np.testing.assert_array_equal(terrain.slope_degrees(dem)[core], ref[core].astype(np.float32))

    # gdaldem's approximate reciprocal square root can move a value across a rounding boundary
    ref = _gdaldem(tmp_path, src, "hillshade")
    ours = terrain.hillshade(dem).astype(np.float64)
    assert np.max(np.abs(ours[core] - ref[core])) <= 1
    assert np.mean(ours[core] == ref[core]) >= 0.9999

    ref = _gdaldem(tmp_path, src, "hillshade", "-az", "100", "-alt", "30", "-z", "2")
    ours = terrain.hillshade(dem, azimuth=100, altitude=30, z_factor=2).astype(np.float64)
    assert np.max(np.abs(ours[core] - ref[core])) <= 1
    assert np.mean(ours[core] == ref[core]) >= 0.9999

    ref = _gdaldem(tmp_path, src, "aspect")
    diff = np.abs((terrain.aspect_degrees(dem)[core] - ref[core] + 180) % 360 - 180)
    assert np.nanmax(diff) <= 0.1

    ref = _gdaldem(tmp_path, src, "TRI")
    np.testing.assert_allclose(terrain.ruggedness(dem)[core], ref[core], atol=1e-3)


@needs_gdaldem
def test_file_to_file_strips_match_gdaldem_and_in_memory(tmp_path):
    z = rough_surface(101, 70, seed=5)
    src = write_dem(tmp_path / "dem.tif", z, metric_transform(30.0), METRIC_CRS, nodata=-9999.0)
    dem = dem_io.read_dem(src, pad_cells=0)
    out = tmp_path / "slope.tif"
    res = dem_io.derive_raster(src, out, "slope", bounds=None, chunk_rows=16)  # 7 strips, seams inside
    assert res.shape == (101, 70) and not out.with_name("slope.tif.part").exists()
    with rasterio.open(out) as ds:
        ours = ds.read(1, masked=True).filled(np.nan)
        assert ds.nodata == -9999.0 and ds.crs == rasterio.crs.CRS.from_wkt(METRIC_CRS.to_wkt())
    np.testing.assert_allclose(ours, terrain.slope_degrees(dem), atol=1e-5, equal_nan=True)
    ref = _gdaldem(tmp_path, src, "slope")
    core = (slice(1, -1), slice(1, -1))
    np.testing.assert_array_equal(ours[core], ref[core].astype(np.float32))
    shade_out = tmp_path / "shade.tif"
    dem_io.derive_raster(src, shade_out, "hillshade", bounds=None, chunk_rows=16)
    with rasterio.open(shade_out) as ds:
        shade = ds.read(1).astype(int)
    assert np.max(np.abs(shade[core] - _gdaldem(tmp_path, src, "hillshade")[core])) <= 1


@needs_gdaldem
def test_geographic_dem_is_measured_in_metres_unlike_gdaldem_scale_111120(tmp_path):
    """On a lon/lat grid our slope equals the slope built in metres; gdaldem -s 111120 is off east–west.

    Reference in metres: a north-south plane z = k · (geodesic metres along the meridian)
    and an east-west plane z = k · (geodesic metres along the parallel) have a true
    slope of atan(k) everywhere. ``gdaldem -s 111120`` treats one degree as 111,120 m
    on both axes: fine north-south (within 0.2 %), but east-west it overstates the cell
    width by 1/cos φ, so it reports atan(k·cos φ) instead.
    """
    rows, cols, k = 60, 40, 0.25  # 14.04°
    lat0 = 38.0
    lats = lat0 - (np.arange(rows) + 0.5) * ARCSEC3
    lons = 70.0 + (np.arange(cols) + 0.5) * ARCSEC3
    true_deg = math.degrees(math.atan(k))

    ns = np.repeat((k * _meridian_m(lats))[:, None], cols, axis=1)
    src = write_dem(tmp_path / "ns.tif", ns, Affine(ARCSEC3, 0, 70.0, 0, -ARCSEC3, lat0), GEO)
    ours = terrain.slope_degrees(dem_io.read_dem(src, pad_cells=0))
    np.testing.assert_allclose(ours[INNER], true_deg, atol=0.01)
    gd = _gdaldem(tmp_path, src, "slope", "-s", "111120")
    np.testing.assert_allclose(gd[INNER], true_deg, atol=0.05)  # 111,120 ≈ meridional m/deg here

    # east-west: distance along each row's parallel from lon 70° (prime-vertical radius)
    ew = np.empty((rows, cols))
    for r, lat in enumerate(lats):
        _, _, d = GEOD.inv(np.full(cols, 70.0), np.full(cols, lat), lons, np.full(cols, lat))
        ew[r] = k * d
    src = write_dem(tmp_path / "ew.tif", ew, Affine(ARCSEC3, 0, 70.0, 0, -ARCSEC3, lat0), GEO)
    ours = terrain.slope_degrees(dem_io.read_dem(src, pad_cells=0))
    # the parallel is not a geodesic, but over 40 cells (3 km) the difference is < 0.01°
    np.testing.assert_allclose(ours[INNER], true_deg, atol=0.02)
    gd = _gdaldem(tmp_path, src, "slope", "-s", "111120")
    expected_gd = math.degrees(math.atan(k * math.cos(math.radians(lat0)) * 111_320 / 111_120))
    np.testing.assert_allclose(gd[INNER], expected_gd, atol=0.15)
    assert true_deg - np.nanmean(gd[INNER]) > 2.5  # gdaldem -s 111120 underestimates by ~3°


# ---------------------------------------------------------------------------
# sampling, profile, segments


def test_elevation_and_slope_at_points():
    rows, cols = 30, 40
    y, x = np.mgrid[0:rows, 0:cols]
    dem = geo_dem(100.0 + 2.0 * x + 0.0 * y, lon0=70.0, lat0=38.0)
    # centre of cell (row 10, col 20) → 140 m; half-way to the next column → 141 m (bilinear)
    lon_c, lat_c = 70.0 + 20.5 * ARCSEC3, 38.0 - 10.5 * ARCSEC3
    assert terrain.elevation_at(dem, lon_c, lat_c) == pytest.approx(140.0, abs=1e-6)
    assert terrain.elevation_at(dem, lon_c + 0.5 * ARCSEC3, lat_c) == pytest.approx(141.0, abs=1e-6)
    expected = terrain.slope_degrees(dem)[10, 20]
    assert terrain.slope_at(dem, lon_c, lat_c) == pytest.approx(float(expected), abs=1e-4)
    with pytest.raises(TerrainUnavailableError, match="outside the DEM"):
        terrain.elevation_at(dem, 69.0, 38.0)
    with pytest.raises(TerrainUnavailableError, match="outside the DEM"):
        terrain.slope_at(dem, 70.0, 40.0)


def test_elevation_at_in_a_projected_dem():
    dem = metric_dem(np.tile(np.arange(400, dtype=np.float32), (400, 1)))  # 1 m per 30-m column
    # METRIC_CRS is centred at 37.5 N 70.8 E → x = 0 is column 200
    assert terrain.elevation_at(dem, 70.8, 37.5) == pytest.approx(199.5, abs=0.05)


def _ramp_region_dem(res: float = 0.05) -> Dem:
    """Geographic DEM of the region rising 500 m per degree eastwards from 300 m at 66.5° E."""
    w, s, e, n = REGION_BOUNDS
    cols, rows = round((e - w) / res), round((n - s) / res)
    lons = w + (np.arange(cols) + 0.5) * res
    z = np.tile(300.0 + 500.0 * (lons - w), (rows, 1))
    return Dem(z.astype(np.float32), Affine(res, 0, w, 0, -res, n), GEO, "ramp")


def test_profile_follows_the_border_west_to_east():
    border = load_border()
    dem = _ramp_region_dem()
    prof = terrain.profile_along_border(dem, border, step_km=5.0, corridor_km=3.0)
    assert list(prof.columns) == ["chainage_km", "lon", "lat", "elevation_m", "corridor_min_m",
                                  "corridor_max_m"]
    assert prof.chainage_km.iloc[0] == 0 and prof.chainage_km.iloc[-1] == pytest.approx(border.length_km)
    assert np.all(np.diff(prof.chainage_km) > 0)
    np.testing.assert_allclose(prof.elevation_m, 300 + 500 * (prof.lon - 66.5), atol=1.0)
    assert (prof.corridor_min_m <= prof.elevation_m + 1e-6).all()
    assert (prof.corridor_max_m >= prof.elevation_m - 1e-6).all()
    # ±3 km across a ramp of 500 m/deg: the spread is at most ~2·3 km·500/88 km ≈ 34 m (+ one cell)
    assert ((prof.corridor_max_m - prof.corridor_min_m) < 34 + 25 + 1).all()
    narrow = terrain.profile_along_border(dem, border, step_km=5.0, corridor_km=0.0)
    assert ((narrow.corridor_max_m - narrow.corridor_min_m) <= 25 + 1e-6).all()


def test_profile_rejects_bad_parameters_and_marks_missing_data():
    border = load_border()
    dem = _ramp_region_dem()
    with pytest.raises(InvalidInputError, match="step_km"):
        terrain.profile_along_border(dem, border, step_km=0)
    with pytest.raises(InvalidInputError, match="corridor_km"):
        terrain.profile_along_border(dem, border, corridor_km=-1)
    holed = Dem(np.where(np.arange(dem.shape[1]) > 100, np.nan, dem.elevation).astype(np.float32),
                dem.transform, dem.crs)  # no data east of 71.55° E
    prof = terrain.profile_along_border(holed, border, step_km=10.0)
    east = prof.lon > 71.7
    assert prof.elevation_m[east].isna().all() and prof.elevation_m[prof.lon < 71.4].notna().all()


def test_segment_terrain_adds_columns_without_mutating():
    border = load_border()
    segments = segment_border(border, segment_km=25.0)
    before = segments.copy()
    res = 0.01
    w, s, e, n = REGION_BOUNDS
    cols, rows = round((e - w) / res), round((n - s) / res)
    tr = Affine(res, 0, w, 0, -res, n)
    lat_c = n - (np.arange(rows) + 0.5) * res
    # a north-south plane: 10 % grade (5.71°) in metres, everywhere
    z = np.repeat((0.1 * _meridian_m(lat_c) + 3000.0)[:, None], cols, axis=1)
    dem = Dem(z.astype(np.float32), tr, GEO, "plane")
    out = terrain.segment_terrain(dem, segments)
    for col in ("elev_mean_m", "slope_mean_deg", "slope_max_deg", "tri_mean_m", "terrain_samples"):
        assert col in out.columns and col not in segments.columns
    assert list(segments.columns) == list(before.columns)
    np.testing.assert_allclose(out.slope_mean_deg, math.degrees(math.atan(0.1)), atol=0.02)
    assert (out.slope_max_deg >= out.slope_mean_deg - 1e-9).all()
    assert (out.terrain_samples > 25).all()
    for row in out.itertuples():  # the mean lies within the range met along the segment's line
        lat = np.asarray(row.geometry.coords)[:, 1]
        lo, hi = 3000 + 0.1 * _meridian_m(np.array([lat.min(), lat.max()]))
        assert lo - 60 <= row.elev_mean_m <= hi + 60


@pytest.fixture(scope="module")
def region(region_dem) -> Dem:
    """The synthetic regional DEM (tests/geo/dem_fixtures.py) read as the app reads a real one."""
    return dem_io.read_dem(region_dem)


def test_region_dem_profile_rises_from_amu_darya_to_pamirs(region):
    prof = terrain.profile_along_border(region, load_border(), step_km=1.0)
    assert prof.elevation_m.notna().all()
    assert prof.elevation_m.iloc[:5].max() < 600  # Amu Darya lowlands near Termez
    assert prof.elevation_m.iloc[-5:].min() > 2500  # Pamirs at the Chinese tripoint
    assert 3000 < prof.corridor_max_m.max() < 7500
    # the valley along the line: the border runs below the highest ground beside it
    assert (prof.corridor_max_m >= prof.elevation_m - 1e-6).all()
    assert (prof.corridor_max_m - prof.elevation_m).median() > 50


def test_region_dem_reference_places_and_metadata(region):
    assert "synthetic test relief" in region.source  # the file's SOURCE tag travels with the DEM
    assert np.isnan(region.elevation[0, 0])  # its no-data corner became NaN
    # plains at Termez, foothills at Dushanbe, mountains at Khorog (the fixture's base ± its hills)
    termez = terrain.elevation_at(region, 67.28, 37.22)
    dushanbe = terrain.elevation_at(region, 68.78, 38.56)
    khorog = terrain.elevation_at(region, 71.55, 37.49)
    assert 150 <= termez < 500 < dushanbe < 1500 < khorog < 4000
    segs = terrain.segment_terrain(region, segment_border(load_border(), 50.0))
    assert segs.elev_mean_m.iloc[0] < 800 and segs.elev_mean_m.iloc[-1] > 3000
    assert segs.slope_max_deg.iloc[-1] > segs.slope_max_deg.iloc[0]  # rougher in the Pamirs


# ---------------------------------------------------------------------------
# reading DEM files


def _bounds(dem: Dem) -> tuple[float, float, float, float]:
    t, (rows, cols) = dem.transform, dem.shape
    return (t.c, t.f + rows * t.e, t.c + cols * t.a, t.f)


def test_read_dem_reads_only_the_region_window_and_nodata_becomes_nan(tmp_path):
    res = 0.02
    # 60–80° E, 30–45° N: much larger than the region
    cols, rows = round(20 / res), round(15 / res)
    z = np.full((rows, cols), 1500.0, dtype=np.float32)
    z[100:110, 400:410] = -32768  # nodata north of the region (43 N): not read
    z[300, 400] = -32768  # cell centred at 38.99 N, 68.01 E: inside the region
    src = write_dem(tmp_path / "big.tif", z, Affine(res, 0, 60.0, 0, -res, 45.0), "EPSG:4326",
                    nodata=-32768, dtype="int16")
    dem = dem_io.read_dem(src)
    w, s, e, n = _bounds(dem)
    assert w == pytest.approx(66.5 - 2 * res) and e == pytest.approx(75.5 + 2 * res)
    assert s == pytest.approx(35.5 - 2 * res) and n == pytest.approx(39.9 + 2 * res, abs=res)
    assert dem.elevation.dtype == np.float32
    assert np.isnan(terrain.elevation_at(dem, 68.01, 38.99))
    assert int(np.isnan(dem.elevation).sum()) == 1
    assert terrain.elevation_at(dem, 70.0, 37.0) == pytest.approx(1500.0)


def test_read_dem_projected(tmp_path):
    z = rough_surface(50, 60)
    src = write_dem(tmp_path / "utm.tif", z, Affine(90, 0, 600_000, 0, -90, 4_160_000), "EPSG:32642")
    dem = dem_io.read_dem(src)
    assert dem.shape == (50, 60) and dem.crs.to_epsg() == 32642
    assert terrain.cell_size_m(dem) == (90.0, 90.0)


def test_read_dem_decimates_a_window_over_the_cap_and_says_so(tmp_path, caplog):
    z = rough_surface(400, 600)
    src = write_dem(tmp_path / "dem.tif", z, Affine(0.01, 0, 67.0, 0, -0.01, 39.5), "EPSG:4326")
    dem = dem_io.read_dem(src, max_cells=20_000)
    assert dem.elevation.size <= 20_000
    assert "decimated" in dem.source and "max_cells" in dem.source
    assert _bounds(dem)[0] == pytest.approx(67.0) and _bounds(dem)[3] == pytest.approx(39.5)
    assert "decimated" in caplog.text


@pytest.mark.parametrize(
    ("case", "error", "pattern"),
    [
        ("missing", DataFileError, "does not exist"),
        ("corrupt", DataFileError, "not a readable raster"),
        ("truncated", DataFileError, "corrupt|could not be read|not a readable"),
        ("no_crs", CRSError, "has no CRS"),
        ("geocentric", CRSError, "neither geographic nor projected"),
        ("elsewhere", TerrainUnavailableError, "does not overlap"),
        ("all_nodata", TerrainUnavailableError, "no data"),
    ],
)
def test_read_dem_bad_inputs_raise_specific_errors(tmp_path, case, error, pattern):
    tr = Affine(0.05, 0, 66.0, 0, -0.05, 40.0)
    z = rough_surface(100, 200)
    path = tmp_path / f"{case}.tif"
    if case == "corrupt":
        path.write_bytes(b"II*\x00 this is not a tiff at all" * 10)
    elif case == "truncated":
        write_dem(path, z, tr, compress="deflate", tiled=True, blockxsize=64, blockysize=64)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 3])
    elif case == "no_crs":
        write_dem(path, z, tr, crs=None)
    elif case == "geocentric":
        write_dem(path, z, Affine(100, 0, 0, 0, -100, 0), crs="EPSG:4978")
    elif case == "elsewhere":
        write_dem(path, z, Affine(0.05, 0, 10.0, 0, -0.05, 50.0))  # the Alps
    elif case == "all_nodata":
        write_dem(path, np.full((100, 200), -9999.0), tr, nodata=-9999.0)
    with pytest.raises(error, match=pattern):
        dem_io.read_dem(path)


def test_read_dem_bad_bounds():
    with pytest.raises(InvalidInputError, match="bounds"):
        dem_io.read_dem("whatever.tif", bounds=(70, 38, 69, 39))


def test_resolve_dem_source_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv(dem_io.DEM_ENV_VAR, raising=False)
    data_home = tmp_path / "xdg"
    env = {"XDG_DATA_HOME": str(data_home)}
    no_data = tmp_path / "stripped-install-data"  # no shipped overview DEM either
    with pytest.raises(TerrainUnavailableError, match=r"--dem PATH.*BORDERMAP_DEM.*terrain fetch --bbox"):
        dem_io.resolve_dem_source(None, env, data_dir=no_data)
    no_data.mkdir()
    shipped = write_dem(no_data / "tajik_afghan_border_dem.tif", np.zeros((3, 3)), Affine(0.1, 0, 70, 0, -0.1, 38))
    assert dem_io.resolve_dem_source(None, env, data_dir=no_data) == str(shipped)  # the shipped fallback
    for switched_off in ({**env, "BORDERMAP_DEM": "none"}, env):
        with pytest.raises(TerrainUnavailableError, match="switched off.*terrain fetch --bbox"):
            dem_io.resolve_dem_source("None" if switched_off is env else None, switched_off, data_dir=no_data)
    default = dem_io.default_dem_path(env)
    assert default == data_home / "border-map" / "dem.tif"
    default.parent.mkdir(parents=True)
    write_dem(default, np.zeros((3, 3)), Affine(0.1, 0, 70, 0, -0.1, 38))
    assert dem_io.resolve_dem_source(None, env, data_dir=no_data) == str(default)  # the user's own first
    other = write_dem(tmp_path / "other.tif", np.zeros((3, 3)), Affine(0.1, 0, 70, 0, -0.1, 38))
    assert dem_io.resolve_dem_source(None, {**env, "BORDERMAP_DEM": str(other)}) == str(other)
    assert dem_io.resolve_dem_source(str(default), {**env, "BORDERMAP_DEM": str(other)}) == str(default)
    with pytest.raises(DataFileError, match="BORDERMAP_DEM"):
        dem_io.resolve_dem_source(None, {**env, "BORDERMAP_DEM": str(tmp_path / "nope.tif")})
    assert dem_io.resolve_dem_source("https://example.org/dem.tif", env) == "https://example.org/dem.tif"
    assert dem_io.default_dem_path({}).parts[-4:] == (".local", "share", "border-map", "dem.tif")


def test_derive_raster_rejects_unknown_product(tmp_path):
    with pytest.raises(InvalidInputError, match="product"):
        dem_io.derive_raster(tmp_path / "x.tif", tmp_path / "y.tif", "curvature")


def test_coarsen_dem_block_means_with_and_without_nan():
    z = np.arange(36, dtype=np.float32).reshape(6, 6)
    dem = metric_dem(z, cell=10.0)
    c = terrain.coarsen_dem(dem, 3)
    np.testing.assert_allclose(c.elevation, [[7.0, 10.0], [25.0, 28.0]])
    assert c.transform.a == 30.0 and c.transform.c == dem.transform.c
    z2 = z.copy()
    z2[0, 0] = np.nan
    c2 = terrain.coarsen_dem(metric_dem(z2, cell=10.0), 3)
    assert c2.elevation[0, 0] == pytest.approx(np.mean([1, 2, 6, 7, 8, 12, 13, 14]))
    assert terrain.coarsen_dem(dem, 1) is dem
    with pytest.raises(InvalidInputError, match="factor"):
        terrain.coarsen_dem(dem, 4)
