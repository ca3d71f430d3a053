"""Figures that respect location precision: side, distance and chainage over the precision circle.

A record located to ±30 km is not "12.6 km from the border": its true position is anywhere in
a circle of 30 km around the point. This module turns each point and its radius into ranges:

* **radius**: ``precision_km`` when stated, else ACLED's ``geo_precision`` code mapped to
  :data:`GEO_PRECISION_RADIUS_KM` (this project's reading of the codes, not ACLED's figure),
  else 0 (the point is taken as exact — nothing says otherwise).
* **distance to the border** (km): ``min = max(0, d − r)`` (exact: 0 when the circle reaches
  the line) and ``max = d + r`` (exact on a straight stretch, an upper bound where the line
  bends round the point), ``d`` the point's geodesic distance.
* **chainage** (km from the Uzbek tripoint): the stretch of border the circle covers — every
  part of the line inside the circle, together with the circle's extent along the border's
  direction from the nearest point (``chainage ± r`` along the line). A precise point has
  ``min == max == chainage``.
* **side**: ``TJK``, ``AFG`` or ``other`` when the whole circle lies on that side, else
  :data:`SIDE_UNCERTAIN` (the circle reaches the border line or its side's outline).

Circles are drawn in :data:`geo.crs.METRIC_CRS` (metres); every function is vectorised
over numpy arrays: the ranges of 100,000 records cost about a third of locating their points
(``benchmarks/bench_precision.py``).

Counting approximate records along the border (:func:`segment_incident_counts`, and the gap
ranking in :mod:`geo.coverage`): a record counts **in full toward every segment its circle
touches** — the upper figure — and toward a segment **for certain** only when its whole circle
does — the lower figure. Counts are therefore ranges; a precise record counts once, in both.

Example
-------
>>> import numpy as np
>>> location_radius_km(np.array([30.0, np.nan, np.nan]), np.array([2, 2, np.nan])).tolist()
[30.0, 25.0, 0.0]
>>> range_text(0.0, 42.4, 0)
'0–42'
>>> range_text(12.63, 12.63, 1)
'12.6'
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from pyproj import Transformer

from geo.crs import METRIC_CRS, STORAGE_CRS
from geo.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

    from geo.border import Border

logger = logging.getLogger(__name__)

#: ACLED ``geo_precision`` code → radius (km) used when no ``precision_km`` is stated. ACLED's
#: codebook: 1 the named town or village itself, 2 near a town or within a district (the
#: coordinates are those of a nearby town or the district's), 3 only a larger region — a
#: province (the coordinates are its capital's). The radii are this project's reading: 1 km for
#: a town, 25 km for a district of the border provinces, 100 km for a province such as Badakhshan.
GEO_PRECISION_RADIUS_KM: dict[int, float] = {1: 1.0, 2: 25.0, 3: 100.0}

#: The side of a record whose precision circle lies on more than one side.
SIDE_UNCERTAIN = "uncertain"
#: Every value of ``side_within_precision``.
SIDES_WITHIN_PRECISION: tuple[str, ...] = ("TJK", "AFG", "other", SIDE_UNCERTAIN)
#: How the counts along the border treat an approximate record (shown on the page and in the README).
COUNTING_RULE = ("An approximate record counts in full toward every segment or gap its precision circle "
                 "reaches (the higher figure) and for certain only where its whole circle lies (the lower "
                 "figure); a precise record counts once in both.")

_TO_METRIC = Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)


def _floats(values: Any) -> np.ndarray:
    """Numbers of an array-like as floats; blank or unreadable values (None, NaN, text) → NaN."""
    try:
        return np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        out = []
        for v in np.asarray(values, dtype=object).ravel():
            try:
                out.append(float(v))
            except (TypeError, ValueError):
                out.append(np.nan)
        return np.asarray(out, dtype=float)


def location_radius_km(precision_km: Any, geo_precision: Any) -> np.ndarray:
    """Radius (km) of each record's precision circle.

    ``precision_km`` where it is a finite number ≥ 0, else :data:`GEO_PRECISION_RADIUS_KM` of
    ``geo_precision`` (1–3), else 0. Both arguments are array-likes of the same length
    (blank values: ``None``/NaN). Needs numpy only (the CLI's ``coords check`` loads no pandas).

    >>> location_radius_km([None, 3.0], [3, 1]).tolist()
    [100.0, 3.0]
    """
    pk, gp = _floats(precision_km), _floats(geo_precision)
    if pk.shape != gp.shape:
        raise InvalidInputError(f"precision_km has {len(pk)} values for {len(gp)} geo_precision values")
    by_code = np.zeros(len(gp))
    for code, km in GEO_PRECISION_RADIUS_KM.items():
        by_code[gp == code] = km
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(pk) & (pk >= 0), pk, by_code)


def records_radius_km(records: pd.DataFrame) -> np.ndarray:
    """:func:`location_radius_km` of a frame's ``precision_km`` and ``geo_precision`` columns
    (a missing column counts as blank)."""
    import pandas as pd

    def column(name: str) -> np.ndarray:
        if name not in records:
            return np.full(len(records), np.nan)
        return pd.to_numeric(records[name], errors="coerce").astype("float64").to_numpy()

    return location_radius_km(column("precision_km"), column("geo_precision"))


@dataclass(frozen=True)
class _LineIndex:
    """The border in METRIC_CRS cut into edges, with a spatial index (one per Border)."""

    start: np.ndarray  # (m, 2) first vertex of each edge, metres
    step: np.ndarray  # (m, 2) edge vector, metres
    edge_m: np.ndarray  # (m,) edge length, metres
    vertex_m: np.ndarray  # (m + 1,) metric distance along the line at each vertex
    vertex_km: np.ndarray  # (m + 1,) geodesic chainage at each vertex
    tree: shapely.STRtree
    outlines: dict[str, Any]  # TJK/AFG polygon outlines and polygons in metres (prepared)


_INDEX_LOCK = threading.Lock()
_INDEX: dict[int, tuple[Border, _LineIndex]] = {}


def _metric(geom: Any) -> Any:
    return shapely.transform(geom, lambda c: np.column_stack(_TO_METRIC.transform(c[:, 0], c[:, 1])))


def _line_index(border: Border) -> _LineIndex:
    """The metric edge index of ``border`` (built once per Border object, then reused)."""
    with _INDEX_LOCK:
        hit = _INDEX.get(id(border))
        if hit is not None and hit[0] is border:
            return hit[1]
    coords = np.asarray(border.line_m.coords, dtype=float)
    start, step = coords[:-1], np.diff(coords, axis=0)
    edge_m = np.hypot(step[:, 0], step[:, 1])
    outlines = {"TJK": _metric(border.tjk.boundary), "AFG": _metric(border.afg.boundary),
                "TJK_area": _metric(border.tjk), "AFG_area": _metric(border.afg)}
    for geom in outlines.values():
        shapely.prepare(geom)
    index = _LineIndex(start=start, step=step, edge_m=edge_m,
                       vertex_m=np.concatenate([[0.0], np.cumsum(edge_m)]), vertex_km=border.vertex_km,
                       tree=shapely.STRtree(shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1))),
                       outlines=outlines)
    with _INDEX_LOCK:
        if len(_INDEX) >= 4:
            _INDEX.clear()
        _INDEX[id(border)] = (border, index)
    return index


def project_onto_border(border: Border, x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest point of the border line for many points in METRIC_CRS.

    Returns ``(along_m, distance_m)``: the metric distance along the projected line to the
    nearest point, and the metric distance to it (both metres). Uses a spatial index of the
    line's edges, so the cost grows with the number of points, not points × vertices.
    """
    x_m, y_m = np.asarray(x_m, dtype=float), np.asarray(y_m, dtype=float)
    if len(x_m) == 0:
        return np.zeros(0), np.zeros(0)
    idx = _line_index(border)
    pts = shapely.points(x_m, y_m)
    which, edge = idx.tree.query_nearest(pts, all_matches=False)
    nearest_edge = np.zeros(len(x_m), dtype=np.int64)
    nearest_edge[which] = edge
    a, v, length = idx.start[nearest_edge], idx.step[nearest_edge], idx.edge_m[nearest_edge]
    rel = np.column_stack([x_m, y_m]) - a
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length > 0, np.einsum("ij,ij->i", rel, v) / np.maximum(length, 1e-12) ** 2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    foot = a + v * t[:, None]
    return idx.vertex_m[nearest_edge] + t * length, np.hypot(*(np.column_stack([x_m, y_m]) - foot).T)


def along_to_chainage_km(border: Border, along_m: np.ndarray) -> np.ndarray:
    """Geodesic chainage (km) of metric distances along the projected line (metres)."""
    idx = _line_index(border)
    return np.interp(np.clip(along_m, 0.0, idx.vertex_m[-1]), idx.vertex_m, idx.vertex_km)


def _inside_circle_chainage(idx: _LineIndex, x: np.ndarray, y: np.ndarray, r_m: np.ndarray,
                            order_key: np.ndarray, chunk: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """(min, max) metric along-distance of the line inside each circle (NaN where none).

    Each edge ``a + t·v`` (``0 ≤ t ≤ 1``) lies in the circle where ``|a + t·v − c|² ≤ r²``: a
    quadratic in ``t``. Circles are taken in chunks of neighbours (sorted by ``order_key``, their
    position along the line), each against only the edges near the chunk's bounding box.
    """
    lo = np.full(len(x), np.nan)
    hi = np.full(len(x), np.nan)
    lo_x, lo_y = np.minimum(idx.start[:, 0], idx.start[:, 0] + idx.step[:, 0]), \
        np.minimum(idx.start[:, 1], idx.start[:, 1] + idx.step[:, 1])
    hi_x, hi_y = np.maximum(idx.start[:, 0], idx.start[:, 0] + idx.step[:, 0]), \
        np.maximum(idx.start[:, 1], idx.start[:, 1] + idx.step[:, 1])
    ordered = np.argsort(order_key, kind="stable")
    for first in range(0, len(ordered), chunk):
        rows = ordered[first:first + chunk]
        cx, cy, rr = x[rows], y[rows], r_m[rows]
        reach = float(rr.max())
        near = np.flatnonzero((hi_x >= cx.min() - reach) & (lo_x <= cx.max() + reach)
                              & (hi_y >= cy.min() - reach) & (lo_y <= cy.max() + reach))
        if len(near) == 0:
            continue
        a, v, length = idx.start[near], idx.step[near], idx.edge_m[near]
        qa = np.maximum(length ** 2, 1e-12)[None, :]
        rx, ry = a[None, :, 0] - cx[:, None], a[None, :, 1] - cy[:, None]
        qb = 2.0 * (rx * v[None, :, 0] + ry * v[None, :, 1])
        qc = rx * rx + ry * ry - (rr * rr)[:, None]
        disc = qb * qb - 4.0 * qa * qc
        root = np.sqrt(np.maximum(disc, 0.0))
        t0, t1 = (-qb - root) / (2.0 * qa), (-qb + root) / (2.0 * qa)
        hit = (disc >= 0) & (t1 >= 0) & (t0 <= 1)
        start_m = idx.vertex_m[near][None, :]
        along0 = np.where(hit, start_m + np.clip(t0, 0.0, 1.0) * length[None, :], np.inf).min(axis=1)
        along1 = np.where(hit, start_m + np.clip(t1, 0.0, 1.0) * length[None, :], -np.inf).max(axis=1)
        found = np.isfinite(along0)
        lo[rows[found]], hi[rows[found]] = along0[found], along1[found]
    return lo, hi


def precision_ranges(border: Border, lon: np.ndarray, lat: np.ndarray, radius_km: np.ndarray,
                     side: np.ndarray, distance_km: np.ndarray, chainage_km: np.ndarray) -> pd.DataFrame:
    """:func:`circle_ranges` as a DataFrame (same columns, one row per point)."""
    import pandas as pd

    return pd.DataFrame(circle_ranges(border, lon, lat, radius_km, side, distance_km, chainage_km))


def circle_ranges(border: Border, lon: np.ndarray, lat: np.ndarray, radius_km: np.ndarray,
                  side: np.ndarray, distance_km: np.ndarray, chainage_km: np.ndarray) -> dict[str, np.ndarray]:
    """Side, distance and chainage over each point's precision circle.

    Parameters
    ----------
    border : Border
    lon, lat : numpy.ndarray
        Degrees, EPSG:4326 (finite).
    radius_km : numpy.ndarray
        Radius of each precision circle, km (0 or NaN: a precise point).
    side, distance_km, chainage_km : numpy.ndarray
        The point values (:func:`geo.border.locate_points`): side, geodesic km to the
        border, chainage km of the nearest border point.

    Returns
    -------
    dict of numpy.ndarray
        ``side_within_precision`` (:data:`SIDES_WITHIN_PRECISION`), ``border_km_min``,
        ``border_km_max``, ``chainage_km_min``, ``chainage_km_max`` (km), one row per point,
        in order. A precise point's min and max equal its point value.

    Example
    -------
    A point 5 km from a straight border with ±30 km: side uncertain, 0–35 km from the line,
    chainage ±30 km around its nearest point (tests/geo/test_precision.py builds the case).
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    r_km = np.nan_to_num(np.asarray(radius_km, dtype=float), nan=0.0)
    side = np.asarray(side, dtype=object)
    dist = np.asarray(distance_km, dtype=float)
    chain = np.asarray(chainage_km, dtype=float)
    if not (len(lon) == len(lat) == len(r_km) == len(side) == len(dist) == len(chain)):
        raise InvalidInputError("lon, lat, radius_km, side, distance_km and chainage_km must have one value "
                                "per point")
    out_side = side.copy()
    d_min, d_max = dist.copy(), dist.copy()
    c_min, c_max = chain.copy(), chain.copy()
    work = np.flatnonzero(r_km > 0)
    if len(work):
        idx = _line_index(border)
        x, y = _TO_METRIC.transform(lon[work], lat[work])
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        r_m = r_km[work] * 1000.0
        # the nearest point's metric distance along the line: the inverse of its chainage
        along = np.interp(chain[work], idx.vertex_km, idx.vertex_m)
        touches = dist[work] <= r_km[work]  # geodesic d against r: METRIC_CRS is within 0.1 % of it
        d_min[work] = np.where(touches, 0.0, np.maximum(dist[work] - r_km[work], 0.0))
        d_max[work] = dist[work] + r_km[work]
        lo_m, hi_m = along - r_m, along + r_m  # the circle's extent along the border's direction
        t = np.flatnonzero(touches)
        if len(t):
            in_lo, in_hi = _inside_circle_chainage(idx, x[t], y[t], r_m[t], along[t])
            lo_m[t] = np.fmin(lo_m[t], in_lo)
            hi_m[t] = np.fmax(hi_m[t], in_hi)
        pts = shapely.points(x, y)
        c_min[work] = np.minimum(along_to_chainage_km(border, lo_m), chain[work])
        c_max[work] = np.maximum(along_to_chainage_km(border, hi_m), chain[work])
        s = side[work]
        crosses = touches.copy()
        for name in ("TJK", "AFG"):
            mine = s == name
            if mine.any():
                crosses[mine] |= shapely.dwithin(idx.outlines[name], pts[mine], r_m[mine])
        other = ~np.isin(s, ("TJK", "AFG"))
        if other.any():
            crosses[other] |= (shapely.dwithin(idx.outlines["TJK_area"], pts[other], r_m[other])
                               | shapely.dwithin(idx.outlines["AFG_area"], pts[other], r_m[other]))
        out_side[work] = np.where(crosses, SIDE_UNCERTAIN, s)
    return {"side_within_precision": out_side, "border_km_min": d_min, "border_km_max": d_max,
            "chainage_km_min": c_min, "chainage_km_max": c_max}


def range_text(low: float, high: float, decimals: int | None = 1) -> str:
    """``"12.6"`` for a single value, ``"0–42"`` for a range (en dash), ``"—"`` for a blank.

    ``decimals=None``: one decimal for values under 100 km spanning under 10 km, else none.

    >>> range_text(392.2, 437.4, 0), range_text(float("nan"), 1.0), range_text(0.0, 39.9, None)
    ('392–437', '—', '0–40')
    """
    if not (np.isfinite(low) and np.isfinite(high)):
        return "—"
    if decimals is None:
        decimals = 1 if high - low < 10 and high < 100 else 0
    lo_text, hi_text = f"{low:,.{decimals}f}", f"{high:,.{decimals}f}"
    return lo_text if lo_text == hi_text else f"{lo_text}–{hi_text}"


def range_texts(low: Any, high: Any, decimals: int | None = 1) -> list[str]:
    """:func:`range_text` of each pair (for a table's few hundred rows)."""
    return [range_text(float(a), float(b), decimals) for a, b in zip(low, high, strict=True)]


def location_summary(side: str, distance_min: float, distance_max: float, chainage_min: float,
                     chainage_max: float) -> str:
    """One line for a point and its circle: ``"0–42 km from the border, chainage 392–437, side uncertain"``.

    >>> location_summary("AFG", 12.6, 12.6, 410.2, 410.2)
    '12.6 km from the border, chainage 410, AFG side'
    """
    where = "side uncertain" if side == SIDE_UNCERTAIN else (
        f"{side} side" if side in ("TJK", "AFG") else "in neither Tajikistan nor Afghanistan")
    return (f"{range_text(distance_min, distance_max, None)} km from the border, "
            f"chainage {range_text(chainage_min, chainage_max, 0)}, {where}")


def segment_incident_counts(edges_km: np.ndarray, chainage_min: np.ndarray, chainage_max: np.ndarray,
                            distance_min: np.ndarray, distance_max: np.ndarray,
                            near_km: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """Records near each border segment, as a range (see the module's counting rule).

    Parameters
    ----------
    edges_km : numpy.ndarray
        Segment edges, chainage km, increasing (``len(edges) − 1`` segments).
    chainage_min, chainage_max, distance_min, distance_max : numpy.ndarray
        Each record's ranges (:func:`precision_ranges`); NaN rows are not counted.
    near_km : float
        A record is near the border when it lies within this many km of the line.

    Returns
    -------
    (at_least, at_most) : tuple of int arrays, one value per segment
        ``at_most``: records whose circle comes within ``near_km`` of the border and whose
        chainage range touches the segment; ``at_least``: records whose whole circle lies
        within ``near_km`` and whose chainage range lies inside the segment.

    Example
    -------
    >>> lo, hi = segment_incident_counts(np.array([0.0, 1.0, 2.0]), np.array([0.5, 0.2]),
    ...                                  np.array([0.5, 1.6]), np.array([3.0, 0.0]), np.array([3.0, 9.0]))
    >>> lo.tolist(), hi.tolist()
    ([1, 0], [2, 1])
    """
    edges = np.asarray(edges_km, dtype=float)
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise InvalidInputError("edges_km must be at least two increasing chainages")
    if not (np.isfinite(near_km) and near_km >= 0):
        raise InvalidInputError(f"near_km must be a distance of 0 km or more, got {near_km!r}")
    c0, c1 = np.asarray(chainage_min, dtype=float), np.asarray(chainage_max, dtype=float)
    d0, d1 = np.asarray(distance_min, dtype=float), np.asarray(distance_max, dtype=float)
    n_seg = len(edges) - 1
    ok = np.isfinite(c0) & np.isfinite(c1) & np.isfinite(d0) & np.isfinite(d1)
    first = np.clip(np.searchsorted(edges, c0, side="right") - 1, 0, n_seg - 1)
    last = np.clip(np.searchsorted(edges, c1, side="right") - 1, 0, n_seg - 1)
    possible = ok & (d0 <= near_km)
    delta = np.zeros(n_seg + 1, dtype=np.int64)
    np.add.at(delta, first[possible], 1)
    np.add.at(delta, last[possible] + 1, -1)
    at_most = np.cumsum(delta)[:-1]
    certain = ok & (d1 <= near_km) & (first == last)
    at_least = np.bincount(first[certain], minlength=n_seg).astype(np.int64)
    return at_least, at_most
