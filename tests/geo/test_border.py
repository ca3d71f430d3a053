"""The border line: length, ends, chainage, segments, point location."""

from __future__ import annotations

import numpy as np
import pytest

from geo import datasets
from geo.border import (
    hausdorff_km,
    locate_point,
    locate_points,
    sample_border,
    segment_border,
)
from geo.crs import GEOD
from geo.errors import InvalidInputError

# Tripoints from the countries' boundary descriptions (lat, lon).
UZBEK_TRIPOINT = (37.1843, 67.7794)
CHINA_TRIPOINT = (37.2475, 74.8925)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[1], a[0], b[1], b[0])[2] / 1000


def test_length_is_between_coarse_sources_and_official(border):
    assert 1150 <= border.length_km <= 1400
    # the DCW line is the more detailed of the two open sources
    ne = datasets.load_layer(datasets.REFERENCE_BORDER_FILE)
    assert border.length_km > float(ne["length_km"].iloc[0])


def test_ends_are_the_two_tripoints(border):
    west_lon, west_lat = border.west_end
    east_lon, east_lat = border.east_end
    assert _km((west_lat, west_lon), UZBEK_TRIPOINT) < 15
    assert _km((east_lat, east_lon), CHINA_TRIPOINT) < 15


def test_chainage_starts_at_zero_and_increases(border):
    assert border.vertex_km[0] == 0
    assert np.all(np.diff(border.vertex_km) > 0)
    samples = sample_border(border, 25.0)
    assert samples.chainage_km.iloc[-1] == pytest.approx(border.length_km)
    assert np.all(np.diff(samples.chainage_km) > 0)


@pytest.mark.parametrize("segment_km", [1.0, 7.5, 100.0])
def test_segments_tile_the_border(border, segment_km):
    segs = segment_border(border, segment_km)
    assert segs.from_km.iloc[0] == 0
    assert segs.to_km.iloc[-1] == pytest.approx(border.length_km)
    np.testing.assert_allclose(segs.from_km.iloc[1:].to_numpy(), segs.to_km.iloc[:-1].to_numpy())
    assert segs.length_km.sum() == pytest.approx(border.length_km)
    assert (segs.length_km <= segment_km + 1e-9).all()
    # each segment's own geodesic length matches its chainage span (within 1 %)
    lengths = [GEOD.geometry_length(g) / 1000 for g in segs.geometry.iloc[:50]]
    np.testing.assert_allclose(lengths, segs.length_km.iloc[:50], rtol=0.01)


def test_one_km_segments_count(border):
    segs = segment_border(border, 1.0)
    assert len(segs) == int(np.ceil(border.length_km))


@pytest.mark.parametrize("bad", [0, -1, float("nan"), 1e6])
def test_segment_length_refused(border, bad):
    with pytest.raises(InvalidInputError, match="segment_km"):
        segment_border(border, bad)


def test_dushanbe_is_tajik_and_126_km_away(border):
    loc = locate_point(border, lon=68.7790, lat=38.5598)
    assert loc.side == "TJK"
    assert loc.distance_km == pytest.approx(126, abs=4)
    assert 0 < loc.chainage_km < border.length_km


def test_kunduz_is_afghan(border):
    loc = locate_point(border, lon=68.8600, lat=36.7280)
    assert loc.side == "AFG"
    assert 40 < loc.distance_km < 80


def test_termez_is_neither(border):
    assert locate_point(border, lon=67.2783, lat=37.2242).side == "other"


def test_point_on_the_line_has_zero_distance_and_its_chainage(border):
    km = 500.0
    from geo.border import points_at_chainage

    lon, lat = points_at_chainage(border, np.array([km]))[0]
    loc = locate_point(border, lon, lat)
    assert loc.distance_km < 0.05
    assert loc.chainage_km == pytest.approx(km, abs=0.5)


def test_vectorised_matches_single(border):
    lons = np.array([68.78, 68.86, 71.55, 69.78])
    lats = np.array([38.56, 36.73, 37.49, 37.91])
    many = locate_points(border, lons, lats)
    for i in range(len(lons)):
        one = locate_point(border, lons[i], lats[i])
        assert many.side.iloc[i] == one.side
        assert many.distance_km.iloc[i] == pytest.approx(one.distance_km)


def test_natural_earth_line_is_within_a_few_km(border):
    ne = datasets.load_layer(datasets.REFERENCE_BORDER_FILE).geometry.iloc[0]
    # measured: 3.3 km — the two 1:1M-class sources agree to a few km
    assert 0.5 < hausdorff_km(border.line, ne) < 10
