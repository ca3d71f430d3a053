"""The compiled cost-distance search against scikit-image's MCP_Geometric (the reference)."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.graph import MCP_Geometric

from geo.travel import slope_tan, tobler_speed_kmh, travel_hours
from tests.geo.conftest import rough_terrain


@pytest.mark.parametrize("cell_x,cell_y", [(90.0, 90.0), (73.7, 92.5)])
def test_travel_hours_equal_mcp_geometric(cell_x, cell_y):
    z = rough_terrain((120, 90), 3)
    z[40:44, 10:80] = np.nan  # a no-data band to go around
    barrier = np.zeros(z.shape, dtype=bool)
    barrier[80, :60] = True
    ours = travel_hours(z, cell_x, [(10, 10), (100, 70)], barrier=barrier, cell_y_m=cell_y)
    per_m = 1.0 / (1000.0 * tobler_speed_kmh(slope_tan(z, cell_x, cell_y)))
    per_m = np.where(np.isfinite(per_m) & ~barrier, per_m, np.inf)
    ref, _ = MCP_Geometric(per_m, fully_connected=True, sampling=(cell_y, cell_x)).find_costs([(10, 10), (100, 70)])
    np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(ref))
    finite = np.isfinite(ref)
    np.testing.assert_allclose(ours[finite], ref[finite], rtol=1e-12)


def test_time_budget_stops_the_search_without_changing_what_it_reaches():
    z = rough_terrain((150, 150), 1)
    full = travel_hours(z, 90.0, [(75, 75)])
    budget = 1.0
    limited = travel_hours(z, 90.0, [(75, 75)], max_hours=budget)
    within = full <= budget
    assert 0.05 < within.mean() < 0.95
    np.testing.assert_array_equal(limited[within], full[within])
    assert np.isinf(limited[~within]).all()
