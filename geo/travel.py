"""Travel time over terrain: Tobler's hiking function and cost-distance on a metric grid.

Speed on a cell is Tobler's hiking function with the directional slope approximated
by the cell's slope (isotropic, so up- and down-hill cost the same):

    speed = 6 · exp(−3.5 · |tan θ + 0.05|)  km/h,   tan θ ≥ 0 the cell slope

which is at most 6·e^(−0.175) ≈ 5.04 km/h on flat ground. A step between two
neighbouring cells costs the mean of their times per metre times the step length
(``skimage.graph.MCP_Geometric``, 8-connected). Cells with no data or marked as a
barrier are impassable.

Example
-------
>>> import numpy as np
>>> hours = travel_hours(np.zeros((5, 5), np.float32), cell_m=1000.0, starts=[(2, 2)])
>>> round(float(hours[2, 2]), 3), round(float(hours[2, 4]), 3)  # 2 km on the flat
(0.0, 0.397)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
from skimage.graph import MCP_Geometric

from geo.errors import InvalidInputError

logger = logging.getLogger(__name__)

#: Tobler's maximum speed on the isotropic surface (flat ground), km/h.
MAX_SPEED_KMH = 6.0 * math.exp(-3.5 * 0.05)


def slope_tan(elevation: np.ndarray, cell_m: float) -> np.ndarray:
    """Slope as tan θ (rise over run) with Horn's 3×3 method; cell size in metres.

    Edges use replicated neighbours; NaN cells give NaN.
    """
    if not (math.isfinite(cell_m) and cell_m > 0):
        raise InvalidInputError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    z = np.pad(np.asarray(elevation, dtype=np.float64), 1, mode="edge")
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * cell_m)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * cell_m)
    return np.hypot(dzdx, dzdy)


def tobler_speed_kmh(tan_slope: np.ndarray) -> np.ndarray:
    """Walking speed (km/h) on a slope of ``tan_slope`` (rise/run): 6·exp(−3.5·|tan θ + 0.05|)."""
    return 6.0 * np.exp(-3.5 * np.abs(np.asarray(tan_slope, dtype=np.float64) + 0.05))


def travel_hours(elevation: np.ndarray, cell_m: float, starts: Sequence[tuple[int, int]],
                 barrier: np.ndarray | None = None, speed_factor: float = 1.0) -> np.ndarray:
    """Least travel time (hours) from the nearest start cell to every cell.

    Parameters
    ----------
    elevation : numpy.ndarray
        2-D metres on square cells of ``cell_m`` metres (projected CRS); NaN = no data.
    cell_m : float
        Cell size, m.
    starts : sequence of (row, col)
        Source cells (travel time 0). A start on a barrier or no-data cell is still a
        source (it can leave into passable neighbours).
    barrier : numpy.ndarray of bool, optional
        Impassable cells (e.g. the border line except at crossings).
    speed_factor : float
        Multiplies Tobler's speed (1 = walking; > 1 approximates vehicles off-road).

    Returns
    -------
    numpy.ndarray of float64
        Hours; ``inf`` where unreachable.
    """
    elev = np.asarray(elevation)
    if elev.ndim != 2:
        raise InvalidInputError(f"elevation must be a 2-D grid, got shape {elev.shape}")
    if not (math.isfinite(speed_factor) and speed_factor > 0):
        raise InvalidInputError(f"speed_factor must be > 0, got {speed_factor!r}")
    if not starts:
        raise InvalidInputError("travel_hours needs at least one start cell")
    rows, cols = elev.shape
    for r, c in starts:
        if not (0 <= r < rows and 0 <= c < cols):
            raise InvalidInputError(f"start cell ({r}, {c}) is outside the grid {elev.shape}")
    speed = tobler_speed_kmh(slope_tan(elev, cell_m)) * speed_factor
    hours_per_cell = (cell_m / 1000.0) / speed          # hours to cross one cell length
    hours_per_cell = np.where(np.isfinite(hours_per_cell), hours_per_cell, np.inf)
    if barrier is not None:
        if barrier.shape != elev.shape:
            raise InvalidInputError(f"barrier shape {barrier.shape} differs from elevation {elev.shape}")
        hours_per_cell = np.where(barrier, np.inf, hours_per_cell)
    for r, c in starts:
        if not np.isfinite(hours_per_cell[r, c]):
            # leave the start cell at the flat-ground pace
            hours_per_cell[r, c] = (cell_m / 1000.0) / (MAX_SPEED_KMH * speed_factor)
    mcp = MCP_Geometric(hours_per_cell, fully_connected=True)
    cumulative, _ = mcp.find_costs([tuple(map(int, s)) for s in starts])
    return np.asarray(cumulative, dtype=np.float64)


def reach_cells(hours: float, cell_m: float, speed_factor: float = 1.0) -> int:
    """Upper bound, in cells, of the distance reachable in ``hours`` (plus a 2-cell margin)."""
    return math.ceil(hours * MAX_SPEED_KMH * speed_factor * 1000.0 / cell_m) + 2
