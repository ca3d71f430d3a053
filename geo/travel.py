"""Travel time over terrain: Tobler's hiking function and cost-distance on a metric grid.

Speed on a cell is Tobler's hiking function with the directional slope approximated
by the cell's slope (isotropic, so up- and down-hill cost the same):

    speed = 6 · exp(−3.5 · |tan θ + 0.05|)  km/h,   tan θ ≥ 0 the cell slope

which is at most 6·e^(−0.175) ≈ 5.04 km/h on flat ground. A step between two
neighbouring cells costs the mean of their times per metre times the step length
(8-connected, as ``skimage.graph.MCP_Geometric`` does; here a Dijkstra search compiled
with numba that can stop at a time budget). Cells with no data or marked as a barrier
are impassable.

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
from numba import njit

from geo.errors import InvalidInputError

logger = logging.getLogger(__name__)

#: Tobler's maximum speed on the isotropic surface (flat ground), km/h.
MAX_SPEED_KMH = 6.0 * math.exp(-3.5 * 0.05)


def slope_tan(elevation: np.ndarray, cell_m: float, cell_y_m: float | None = None) -> np.ndarray:
    """Slope as tan θ (rise over run) with Horn's 3×3 method; cell width (and height) in metres.

    Edges use replicated neighbours; NaN cells give NaN.
    """
    cell_y = cell_m if cell_y_m is None else cell_y_m
    for name, value in (("cell_m", cell_m), ("cell_y_m", cell_y)):
        if not (math.isfinite(value) and value > 0):
            raise InvalidInputError(f"{name} must be a positive number of metres, got {value!r}")
    z = np.pad(np.asarray(elevation, dtype=np.float64), 1, mode="edge")
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * cell_m)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * cell_y)
    return np.hypot(dzdx, dzdy)


def tobler_speed_kmh(tan_slope: np.ndarray) -> np.ndarray:
    """Walking speed (km/h) on a slope of ``tan_slope`` (rise/run): 6·exp(−3.5·|tan θ + 0.05|)."""
    return 6.0 * np.exp(-3.5 * np.abs(np.asarray(tan_slope, dtype=np.float64) + 0.05))


def travel_hours(elevation: np.ndarray, cell_m: float, starts: Sequence[tuple[int, int]],
                 barrier: np.ndarray | None = None, speed_factor: float = 1.0,
                 cell_y_m: float | None = None, max_hours: float | None = None) -> np.ndarray:
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
    cell_y_m : float, optional
        Cell height (north–south), m, when cells are not square; default ``cell_m``.
    max_hours : float, optional
        Stop the search at this time budget: cells farther away are then ``inf``
        (much faster when only the budget matters).

    Returns
    -------
    numpy.ndarray of float64
        Hours; ``inf`` where unreachable (or beyond ``max_hours``).
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
    cell_y = cell_m if cell_y_m is None else cell_y_m
    speed = tobler_speed_kmh(slope_tan(elev, cell_m, cell_y)) * speed_factor
    hours_per_m = 1.0 / (1000.0 * speed)                # hours to walk one metre
    hours_per_m = np.where(np.isfinite(hours_per_m), hours_per_m, np.inf)
    if barrier is not None:
        if barrier.shape != elev.shape:
            raise InvalidInputError(f"barrier shape {barrier.shape} differs from elevation {elev.shape}")
        hours_per_m = np.where(barrier, np.inf, hours_per_m)
    for r, c in starts:
        if not np.isfinite(hours_per_m[r, c]):
            # leave the start cell at the flat-ground pace
            hours_per_m[r, c] = 1.0 / (1000.0 * MAX_SPEED_KMH * speed_factor)
    if max_hours is not None and not (math.isfinite(max_hours) and max_hours > 0):
        raise InvalidInputError(f"max_hours must be > 0 h, got {max_hours!r}")
    limit = math.inf if max_hours is None else float(max_hours)
    cumulative = _least_cost(np.ascontiguousarray(hours_per_m, dtype=np.float64),
                             np.array([s[0] for s in starts], dtype=np.int64),
                             np.array([s[1] for s in starts], dtype=np.int64),
                             float(cell_m), float(cell_y), limit)
    return np.asarray(cumulative, dtype=np.float64)


@njit(cache=True, nogil=True)
def _least_cost(cost: np.ndarray, start_rows: np.ndarray, start_cols: np.ndarray, cell_x: float,
                cell_y: float, limit: float) -> np.ndarray:
    """Dijkstra on the 8-connected grid: a step costs the mean of its two cells' ``cost``
    (per metre) times its length in metres. Cells not settled within ``limit`` are inf."""
    rows, cols = cost.shape
    n = rows * cols
    best = np.full(n, np.inf)
    settled = np.zeros(n, dtype=np.bool_)
    diag = math.sqrt(cell_x * cell_x + cell_y * cell_y)
    d_row = np.array([-1, -1, -1, 0, 0, 1, 1, 1])
    d_col = np.array([-1, 0, 1, -1, 1, -1, 0, 1])
    length = np.array([diag, cell_y, diag, cell_x, cell_x, diag, cell_y, diag])
    cap = 4 * n + 16
    keys = np.empty(cap)
    vals = np.empty(cap, dtype=np.int64)
    size = 0
    for s in range(start_rows.size):
        v = start_rows[s] * cols + start_cols[s]
        best[v] = 0.0
        keys[size] = 0.0
        vals[size] = v
        size += 1
    while size > 0:
        key, v = keys[0], vals[0]
        size -= 1  # pop the root: sift the last entry down from the top
        k_last, v_last = keys[size], vals[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and keys[c + 1] < keys[c]:
                c += 1
            if keys[c] >= k_last:
                break
            keys[i], vals[i] = keys[c], vals[c]
            i = c
        keys[i], vals[i] = k_last, v_last
        if settled[v] or key > best[v]:
            continue
        if key > limit:
            break
        settled[v] = True
        r, c0 = v // cols, v % cols
        here = cost[r, c0]
        for m in range(8):
            rr, cc = r + d_row[m], c0 + d_col[m]
            if rr < 0 or rr >= rows or cc < 0 or cc >= cols:
                continue
            u = rr * cols + cc
            there = cost[rr, cc]
            if settled[u] or not there < math.inf:
                continue
            cand = key + 0.5 * (here + there) * length[m]
            if cand < best[u]:
                best[u] = cand
                if size == cap:  # grow the heap
                    cap *= 2
                    nk, nv = np.empty(cap), np.empty(cap, dtype=np.int64)
                    nk[:size], nv[:size] = keys[:size], vals[:size]
                    keys, vals = nk, nv
                i = size  # push: sift up
                size += 1
                while i > 0:
                    p = (i - 1) // 2
                    if keys[p] <= cand:
                        break
                    keys[i], vals[i] = keys[p], vals[p]
                    i = p
                keys[i], vals[i] = cand, u
    for v in range(n):
        if not settled[v]:
            best[v] = math.inf
    return best.reshape(rows, cols)


def reach_cells(hours: float, cell_m: float, speed_factor: float = 1.0) -> int:
    """Upper bound, in cells, of the distance reachable in ``hours`` (plus a 2-cell margin)."""
    return math.ceil(hours * MAX_SPEED_KMH * speed_factor * 1000.0 / cell_m) + 2
