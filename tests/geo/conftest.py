"""Small synthetic border and DEMs built in code for the coverage tests."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from scipy import ndimage
from shapely.geometry import LineString, box

from geo.border import Border, build_border
from geo.crs import METRIC_CRS
from geo.dem import Dem
from tests.geo.store_backends import any_store, make_store, pg_cluster, store_target  # noqa: F401 (fixtures)


def rough_terrain(shape: tuple[int, int], seed: int = 0, relief_m: float = 600.0) -> np.ndarray:
    """Hills and valleys: smoothed noise at several scales, metres (float32)."""
    rng = np.random.default_rng(seed)
    z = np.zeros(shape)
    for sigma, amp in ((40, 1.0), (12, 0.35), (4, 0.08)):
        f = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
        z += amp * f / f.std()
    return (1500.0 + relief_m * z / 1.5).astype(np.float32)


def metric_dem(border: Border, cell_m: float, margin_m: float, elevation=None, seed: int = 0) -> Dem:
    """A north-up DEM in METRIC_CRS around the border (flat at 1000 m unless given)."""
    x0, y0, x1, y1 = border.line_m.bounds
    cols = int(np.ceil((x1 - x0 + 2 * margin_m) / cell_m))
    rows = int(np.ceil((y1 - y0 + 2 * margin_m) / cell_m))
    transform = Affine(cell_m, 0, x0 - margin_m, 0, -cell_m, y1 + margin_m)
    if elevation is None:
        z = np.full((rows, cols), 1000.0, dtype=np.float32)
    elif elevation == "rough":
        z = rough_terrain((rows, cols), seed)
    else:
        z = elevation((rows, cols))
    return Dem(z, transform, METRIC_CRS, "synthetic")


@pytest.fixture(scope="session")
def toy_border() -> Border:
    """A straight 44-km border along 37.5° N from 70.0° E to 70.5° E; Tajikistan to the north."""
    line = LineString([(70.0, 37.5), (70.25, 37.5), (70.5, 37.5)])
    return build_border(line, box(69.8, 37.5, 70.7, 37.9), box(69.8, 37.1, 70.7, 37.5), "synthetic test line")


@pytest.fixture(scope="session")
def flat_dem(toy_border: Border) -> Dem:
    return metric_dem(toy_border, 250.0, 30_000.0)


@pytest.fixture(scope="session")
def rough_dem(toy_border: Border) -> Dem:
    return metric_dem(toy_border, 250.0, 30_000.0, "rough", seed=3)
