"""The metric CRS keeps distances along the whole border within 0.5 % of geodesic."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from geo.border import segment_border
from geo.crs import GEOD, METRIC_CRS, require_crs, to_metric, warn_if_crs_differ
from geo.errors import CRSError


def test_metric_crs_distortion_along_border(border):
    segs = segment_border(border, 25.0)
    metric = segs.to_crs(METRIC_CRS).geometry.length.to_numpy() / 1000
    geodesic = np.array([GEOD.geometry_length(g) / 1000 for g in segs.geometry])
    ratio = metric / geodesic
    # the border spans 67.8–74.9° E; UTM 42N would exceed this at the eastern end
    assert np.abs(ratio - 1).max() < 0.005


def test_layer_without_crs_is_refused():
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy([70], [37]))
    with pytest.raises(CRSError, match="no CRS"):
        require_crs(gdf, "assets")
    with pytest.raises(CRSError):
        to_metric(gdf, "assets")


def test_mismatched_crs_warns():
    a = gpd.GeoDataFrame(geometry=gpd.points_from_xy([70], [37]), crs=4326)
    b = a.to_crs(METRIC_CRS)
    with pytest.warns(UserWarning, match="different CRSs"):
        warn_if_crs_differ(a, b, ("a", "b"))
