"""Patrol coverage of the border: which 1-km segments are watched or reachable, and the gaps.

Three models decide whether an asset covers a border segment
(:func:`geo.border.segment_border`, chainage in km from the Uzbek tripoint):

``radius``
    The segment comes within the asset's ``radius_km`` (exact distance in
    :data:`geo.crs.METRIC_CRS`, equivalent to intersecting a metric buffer).
``travel``
    Some sample point of the segment is reachable within the asset's ``travel_hours``
    walking over the DEM (Tobler's hiking function, :mod:`geo.travel`). The border
    line is a wall: it cannot be crossed except within ``crossing_radius_m`` of a
    crossing point (bridges: assets of kind ``crossing`` and the ``crossings``
    passed in), so the far bank is reached only through a crossing. A point on the
    line counts as reached when a cell next to it is. Drones fly: in this model
    they cover their ``radius_km``.
``sight``
    Some sample point of the segment is visible from the asset (observer
    ``observer_height_m`` above ground) and lies within ``range_km``
    (:func:`geo.viewshed.viewshed_from`).

A segment is covered if any asset covers it. Terrain models need a DEM. A DEM in
EPSG:4326 is used on its own grid, each asset's window with its cell sizes in metres
(:func:`geo.metric_grid.analysis_grid`); a DEM in another projected CRS, or any DEM
when ``params.cell_m`` is set, is resampled into METRIC_CRS for the area needed.
Functions are pure and their parameters hashable (assets are frozen, ``params`` is a
frozen dataclass), so the page can cache them.

Example
-------
>>> from geo.border import load_border
>>> from geo.assets import Asset
>>> border = load_border()
>>> res = compute_coverage(border, (Asset("p1", "Post", "border_post", 69.3, 37.2),))
>>> head = headline(res)
>>> 0 < head["covered_km"] <= 60, head["border_km"] == round(border.length_km, 3)
(True, True)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import shapely
from affine import Affine
from scipy import ndimage

from geo.assets import Asset
from geo.border import Border, sample_border, segment_border
from geo.crs import METRIC_CRS
from geo.dem import Dem
from geo.errors import InvalidInputError, TerrainUnavailableError
from geo.metric_grid import MetricGrid, analysis_grid, to_metric_xy
from geo.precision import records_radius_km
from geo.travel import reach_cells, travel_hours
from geo.viewshed import CURVATURE_COEFF, visible_window

logger = logging.getLogger(__name__)

MODELS = ("radius", "travel", "sight")

#: How gaps are ranked by :func:`rank_gaps` (also in the returned frame's ``attrs``).
RISK_FORMULA = ("risk = length_km × (1 + incidents within {radius_km:g} km of the gap) "
                "× (1 + crossings within {radius_km:g} km of the gap); an approximate incident counts in full "
                "when its precision circle reaches that distance (risk), and for risk_min only when its whole "
                "circle lies within it")


@dataclass(frozen=True)
class CoverageParams:
    """How coverage is computed (hashable; validated).

    Attributes
    ----------
    model : str
        ``radius``, ``travel`` or ``sight``.
    segment_km : float
        Segment length along the border, km (0.05–200).
    sample_m : float
        Spacing of sample points along the border for the terrain models, m; the
        grid's cell size is used when it is smaller.
    crossing_radius_m : float
        Around a crossing point, the border wall is open within this distance, m.
    target_height_m : float
        Height above ground of what must be seen (sight model), m.
    curvature_coeff : float
        Earth curvature/refraction coefficient for the sight model (0 disables).
    cell_m : float or None
        Cell size of the metric grid for terrain models, m; None = the DEM's own.
    """

    model: str = "radius"
    segment_km: float = 1.0
    sample_m: float = 250.0
    crossing_radius_m: float = 500.0
    target_height_m: float = 0.0
    curvature_coeff: float = CURVATURE_COEFF
    cell_m: float | None = None

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise InvalidInputError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")
        checks = (("segment_km", self.segment_km, 0.05, 200.0),
                  ("sample_m", self.sample_m, 10.0, 10_000.0),
                  ("crossing_radius_m", self.crossing_radius_m, 0.0, 20_000.0),
                  ("target_height_m", self.target_height_m, 0.0, 1000.0),
                  ("curvature_coeff", self.curvature_coeff, 0.0, 2.0))
        for name, value, lo, hi in checks:
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value) or not lo <= value <= hi:
                raise InvalidInputError(f"{name} must be a number between {lo:g} and {hi:g}, got {value!r}")
        if self.cell_m is not None and not (math.isfinite(self.cell_m) and 10 <= self.cell_m <= 10_000):
            raise InvalidInputError(f"cell_m must be between 10 and 10000 m or None, got {self.cell_m!r}")


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of every border segment.

    Attributes
    ----------
    segments : GeoDataFrame (EPSG:4326)
        ``segment_id, from_km, to_km, length_km, covered (bool), asset_ids (tuple of
        str, the assets covering it)`` and the segment's LineString.
    params : CoverageParams
    asset_ids : tuple of str
        Every asset considered.
    dem_source : str
        The DEM used ('' for the radius model).
    warnings : tuple of str
        Things the analyst should know (assets off the DEM, border not fully on it).
    """

    segments: gpd.GeoDataFrame
    params: CoverageParams
    asset_ids: tuple[str, ...]
    dem_source: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------ the models


def radius_matrix(segments_m: np.ndarray, assets: Sequence[Asset]) -> np.ndarray:
    """(n_segments, n_assets) bool: segment within the asset's ``radius_km``.

    ``segments_m`` are shapely geometries in METRIC_CRS (metres).
    """
    if not assets:
        return np.zeros((len(segments_m), 0), dtype=bool)
    x, y = to_metric_xy(np.array([a.lon for a in assets]), np.array([a.lat for a in assets]))
    points = shapely.points(x, y)
    radii = np.array([a.radius_km * 1000.0 for a in assets])
    return np.asarray(shapely.dwithin(segments_m[:, None], points[None, :], radii[None, :]), dtype=bool)


def _grid_bounds(border: Border, assets: Sequence[Asset],
                 margin_m: float) -> tuple[float, float, float, float]:
    bx0, by0, bx1, by1 = border.line_m.bounds
    if assets:
        x, y = to_metric_xy(np.array([a.lon for a in assets]), np.array([a.lat for a in assets]))
        bx0, by0 = min(bx0, float(x.min())), min(by0, float(y.min()))
        bx1, by1 = max(bx1, float(x.max())), max(by1, float(y.max()))
    return (bx0 - margin_m, by0 - margin_m, bx1 + margin_m, by1 + margin_m)


def prepare_grid(dem: Dem, border: Border, assets: Sequence[Asset], params: CoverageParams) -> MetricGrid:
    """The metric grid the terrain models work on: border + assets + their reach."""
    if params.model == "travel":
        margin = max([a.travel_hours * 6.0 * 1000.0 for a in assets] + [5_000.0])
    else:
        margin = max([a.range_km * 1000.0 for a in assets] + [5_000.0])
    return analysis_grid(dem, _grid_bounds(border, assets, margin), params.cell_m)


def _samples(border: Border, edges: np.ndarray, step_km: float) -> pd.DataFrame:
    """Sample points along the border with their segment index and metric x, y."""
    samples = sample_border(border, step_km)
    seg = np.clip(np.searchsorted(edges, samples["chainage_km"].to_numpy(), side="right") - 1,
                  0, len(edges) - 2)
    x, y = to_metric_xy(samples["lon"].to_numpy(), samples["lat"].to_numpy())
    return samples.assign(segment=seg, x=x, y=y)


def border_wall(grid: MetricGrid, border: Border, crossings_m: np.ndarray, radius_m: float,
                window: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """Cells the border line passes through, minus openings around crossings.

    ``crossings_m`` are METRIC_CRS (x, y) points; ``window`` = (row0, row1, col0, col1)
    limits the result to that part of the grid (default: all of it).
    """
    r0, r1, c0, c1 = window if window is not None else (0, grid.shape[0], 0, grid.shape[1])
    transform = grid.transform @ Affine.translation(c0, r0)
    line = border.line if grid.is_geographic else border.line_m
    wall = rasterio.features.rasterize([(line, 1)], out_shape=(r1 - r0, c1 - c0), transform=transform,
                                       all_touched=True, dtype="uint8").astype(bool)
    if len(crossings_m) and wall.any():
        rows, cols = np.nonzero(wall)
        cx, cy = grid.centres(rows + r0, cols + c0)
        if grid.is_geographic:
            cx, cy = to_metric_xy(cx, cy)
        d = np.hypot(cx[:, None] - crossings_m[None, :, 0], cy[:, None] - crossings_m[None, :, 1])
        cell = max(grid.cell_size_at((r0 + r1) // 2))
        open_ = (d <= max(radius_m, 1.5 * cell)).any(axis=1)
        wall[rows[open_], cols[open_]] = False
    return wall


def _asset_cell(grid: MetricGrid, asset: Asset) -> tuple[int, int, float, float] | None:
    x, y = to_metric_xy(np.array([asset.lon]), np.array([asset.lat]))
    r, c, inside = grid.lonlat_cells(np.array([asset.lon]), np.array([asset.lat]))
    if not inside[0] or np.isnan(grid.elevation[r[0], c[0]]):
        return None
    return int(r[0]), int(c[0]), float(x[0]), float(y[0])


def _travel_cover(grid: MetricGrid, border: Border, crossings_m: np.ndarray, radius_m: float, asset: Asset,
                  cell: tuple[int, int, float, float], srow: np.ndarray, scol: np.ndarray) -> np.ndarray:
    """Bool per sample: reachable from ``asset`` within its travel_hours."""
    r, c, _, _ = cell
    dx, dy = grid.cell_size_at(r)
    kr, kc = reach_cells(asset.travel_hours, dy), reach_cells(asset.travel_hours, dx)
    rows, cols = grid.shape
    r0, r1, c0, c1 = max(0, r - kr), min(rows, r + kr + 1), max(0, c - kc), min(cols, c + kc + 1)
    near = (srow >= r0) & (srow < r1) & (scol >= c0) & (scol < c1)
    out = np.zeros(len(srow), dtype=bool)
    if not near.any():
        return out
    win_wall = border_wall(grid, border, crossings_m, radius_m, (r0, r1, c0, c1))
    hours = travel_hours(grid.elevation[r0:r1, c0:c1], dx, [(r - r0, c - c0)], barrier=win_wall,
                         cell_y_m=dy, max_hours=asset.travel_hours)
    # a wall cell (the line itself) counts as reached when a neighbour is
    bank = np.where(win_wall, ndimage.minimum_filter(hours, size=3, mode="constant", cval=np.inf), hours)
    out[near] = bank[srow[near] - r0, scol[near] - c0] <= asset.travel_hours
    return out


def _sight_cover(grid: MetricGrid, asset: Asset, cell: tuple[int, int, float, float],
                 srow: np.ndarray, scol: np.ndarray, sx: np.ndarray, sy: np.ndarray,
                 params: CoverageParams) -> np.ndarray:
    """Bool per sample: visible from ``asset`` and within its range_km."""
    r, c, x, y = cell
    rng = asset.range_km * 1000.0
    near = np.hypot(sx - x, sy - y) <= rng
    out = np.zeros(len(srow), dtype=bool)
    if not near.any():
        return out
    dx, dy = grid.cell_size_at(r)
    r0, c0, vis = visible_window(grid.elevation, dx, r, c, asset.observer_height_m, rng,
                                 params.target_height_m, params.curvature_coeff, cell_y_m=dy)
    h, w = vis.shape
    rr, cc = srow[near] - r0, scol[near] - c0
    ok = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
    hit = np.zeros(len(rr), dtype=bool)
    hit[ok] = vis[rr[ok], cc[ok]]
    out[near] = hit
    return out


def _terrain_matrix(border: Border, edges: np.ndarray, assets: Sequence[Asset], params: CoverageParams,
                    dem: Dem, crossings: Sequence[tuple[float, float]],
                    warnings: list[str]) -> np.ndarray:
    grid = prepare_grid(dem, border, assets, params)
    step_km = max(0.01, min(params.sample_m, grid.cell_m)) / 1000.0
    step_km = min(step_km, (edges[1] - edges[0]) / 2)
    samples = _samples(border, edges, step_km)
    sx, sy = samples["x"].to_numpy(), samples["y"].to_numpy()
    srow, scol, inside = grid.lonlat_cells(samples["lon"].to_numpy(), samples["lat"].to_numpy())
    on_data = inside & ~np.isnan(grid.elevation[srow, scol])
    if not on_data.any():
        raise TerrainUnavailableError(
            f"the DEM ({dem.source or 'unnamed'}) does not cover the border; use a DEM of the region"
        )
    if not on_data.all():
        warnings.append(f"the DEM covers {100 * on_data.mean():.0f} % of the border; "
                        "segments off the DEM count as not covered by terrain models")
    seg_idx = samples["segment"].to_numpy()
    n_seg = len(edges) - 1
    matrix = np.zeros((n_seg, len(assets)), dtype=bool)
    crossings_m = np.zeros((0, 2))
    if params.model == "travel":
        pts = [(a.lon, a.lat) for a in assets if a.kind == "crossing"] + list(crossings)
        if pts:
            crossings_m = np.column_stack(to_metric_xy(np.array([p[0] for p in pts]),
                                                       np.array([p[1] for p in pts])))
    for j, asset in enumerate(assets):
        if params.model == "travel" and asset.kind == "drone":
            continue  # filled from the radius model by the caller
        cell = _asset_cell(grid, asset)
        if cell is None:
            warnings.append(f"asset {asset.id!r} is off the DEM or on a no-data cell; it covers nothing "
                            f"under the {params.model} model")
            continue
        if params.model == "travel":
            hit = _travel_cover(grid, border, crossings_m, params.crossing_radius_m, asset, cell, srow, scol)
        else:
            hit = _sight_cover(grid, asset, cell, srow, scol, sx, sy, params)
        hit &= on_data
        if hit.any():
            matrix[np.unique(seg_idx[hit]), j] = True
    return matrix


def compute_coverage(border: Border, assets: Sequence[Asset], params: CoverageParams = CoverageParams(),
                     dem: Dem | None = None,
                     crossings: Sequence[tuple[float, float]] = ()) -> CoverageResult:
    """Which border segments the assets cover under ``params.model``.

    Parameters
    ----------
    border : Border
        From :func:`geo.border.load_border`.
    assets : sequence of Asset
        May be empty (nothing is covered). Ids must be unique.
    params : CoverageParams
        Model, segment length and model options.
    dem : Dem, optional
        Required by the ``travel`` and ``sight`` models (any CRS).
    crossings : sequence of (lon, lat)
        Extra crossing points (EPSG:4326) where the border can be crossed (travel).

    Returns
    -------
    CoverageResult

    Raises
    ------
    TerrainUnavailableError
        A terrain model without a DEM, or a DEM that does not cover the border.
    """
    assets = tuple(assets)
    ids = [a.id for a in assets]
    if len(set(ids)) != len(ids):
        raise InvalidInputError("asset ids must be unique; rename the duplicates")
    if params.model != "radius" and dem is None:
        raise TerrainUnavailableError(
            f"the {params.model!r} model needs a DEM; load one (the radius model works without)"
        )
    segments = segment_border(border, params.segment_km)
    edges = np.append(segments["from_km"].to_numpy(), segments["to_km"].to_numpy()[-1])
    warnings: list[str] = []
    if params.model == "radius":
        seg_m = segments.to_crs(METRIC_CRS).geometry.to_numpy()
        matrix = radius_matrix(seg_m, assets)
    else:
        assert dem is not None
        matrix = _terrain_matrix(border, edges, assets, params, dem, crossings, warnings)
        drones = [j for j, a in enumerate(assets) if a.kind == "drone"]
        if params.model == "travel" and drones:
            seg_m = segments.to_crs(METRIC_CRS).geometry.to_numpy()
            matrix[:, drones] = radius_matrix(seg_m, [assets[j] for j in drones])
    covered = matrix.any(axis=1)
    asset_ids = [tuple(ids[j] for j in np.flatnonzero(row)) for row in matrix]
    out = segments[["segment_id", "from_km", "to_km", "length_km", "geometry"]].copy()
    out.insert(4, "covered", covered)
    out.insert(5, "asset_ids", pd.Series(asset_ids, index=out.index, dtype=object))
    for w in warnings:
        logger.warning("%s", w)
    result = CoverageResult(out, params, tuple(ids), dem.source if dem is not None else "", tuple(warnings))
    head = headline(result)
    logger.info("coverage (%s, %d assets): %.1f of %.1f km covered", params.model, len(assets),
                head["covered_km"], head["border_km"])
    return result


# ------------------------------------------------------------------ summaries


def coverage_gaps(result: CoverageResult) -> pd.DataFrame:
    """Maximal runs of uncovered segments, west to east.

    Returns
    -------
    DataFrame
        ``from_km, to_km, length_km, first_segment, last_segment, n_segments``
        (chainage in km); empty when everything is covered.
    """
    seg = result.segments
    unc = ~seg["covered"].to_numpy(dtype=bool)
    cols = ["from_km", "to_km", "length_km", "first_segment", "last_segment", "n_segments"]
    if not unc.any():
        return pd.DataFrame(columns=cols)
    padded = np.concatenate([[False], unc, [False]]).astype(np.int8)
    change = np.diff(padded)
    starts, ends = np.flatnonzero(change == 1), np.flatnonzero(change == -1) - 1
    frm = seg["from_km"].to_numpy()[starts]
    to = seg["to_km"].to_numpy()[ends]
    return pd.DataFrame({"from_km": frm, "to_km": to, "length_km": to - frm,
                         "first_segment": seg["segment_id"].to_numpy()[starts],
                         "last_segment": seg["segment_id"].to_numpy()[ends],
                         "n_segments": ends - starts + 1})


def headline(result: CoverageResult) -> dict[str, float]:
    """``border_km, covered_km, percent, longest_gap_km, n_gaps`` (km rounded to metres)."""
    seg = result.segments
    border_km = float(seg["length_km"].sum())
    covered_km = float(seg.loc[seg["covered"], "length_km"].sum())
    gaps = coverage_gaps(result)
    return {"border_km": round(border_km, 3), "covered_km": round(covered_km, 3),
            "percent": round(100.0 * covered_km / border_km, 2) if border_km else 0.0,
            "longest_gap_km": round(float(gaps["length_km"].max()), 3) if len(gaps) else 0.0,
            "n_gaps": len(gaps)}


def gap_lines(result: CoverageResult, gaps: pd.DataFrame) -> gpd.GeoSeries:
    """The border line of each gap (EPSG:4326), one geometry per row of ``gaps``."""
    seg = result.segments
    geoms = []
    for first, last in zip(gaps["first_segment"], gaps["last_segment"], strict=True):
        part = seg.geometry[(seg["segment_id"] >= first) & (seg["segment_id"] <= last)]
        geoms.append(shapely.line_merge(shapely.union_all(part.to_numpy())))
    return gpd.GeoSeries(geoms, index=gaps.index, crs=seg.crs)


def _count_within(lines_m: np.ndarray, layer: gpd.GeoDataFrame | None, radius_m: float,
                  name: str, circles: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(at_least, at_most)`` features within ``radius_m`` of each line (METRIC_CRS). With
    ``circles`` each feature is its precision circle (:func:`geo.precision.records_radius_km`):
    counted in ``at_most`` when the circle reaches ``radius_m``, in ``at_least`` when all of it
    lies within; points count in both alike."""
    none = np.zeros(len(lines_m), dtype=int)
    if layer is None or len(layer) == 0:
        return none, none
    if layer.crs is None:
        raise InvalidInputError(f"layer {name!r} has no CRS; set EPSG:4326 before ranking gaps")
    geoms = layer.to_crs(METRIC_CRS).geometry
    keep = (geoms.notna() & ~geoms.is_empty).to_numpy()
    geoms = geoms[keep].to_numpy()
    if len(geoms) == 0:
        return none, none
    circle_m = records_radius_km(layer)[keep] * 1000.0 if circles else np.zeros(len(geoms))
    near = np.asarray(shapely.dwithin(lines_m[:, None], geoms[None, :], radius_m + circle_m[None, :]))
    certain = near.copy()
    fuzzy = np.flatnonzero(circle_m > 0)
    if len(fuzzy):
        gi, fi = np.nonzero(near[:, fuzzy])
        pi = fuzzy[fi]
        certain[gi, pi] = shapely.distance(lines_m[gi], geoms[pi]) + circle_m[pi] <= radius_m
    return certain.sum(axis=1), near.sum(axis=1)


def rank_gaps(result: CoverageResult, incidents: gpd.GeoDataFrame | None = None,
              crossings: gpd.GeoDataFrame | None = None, radius_km: float = 10.0) -> pd.DataFrame:
    """Coverage gaps ranked by risk, highest first.

    ``risk = length_km × (1 + n_incidents) × (1 + n_crossings)`` where ``n_incidents``
    and ``n_crossings`` count the incidents and crossing points within ``radius_km``
    of the gap's stretch of border (metric distance in METRIC_CRS). A long gap scores
    by its length alone; incidents and crossings near it multiply that. An approximate
    incident (precision circle, :mod:`geo.precision`) counts in ``n_incidents`` when its
    circle reaches ``radius_km`` of the gap, and in ``n_incidents_min`` only when its whole
    circle lies within it; ``risk_min`` is the risk with ``n_incidents_min``. Gaps rank by
    ``risk``: an incident that may lie near a gap counts.

    Parameters
    ----------
    result : CoverageResult
    incidents, crossings : GeoDataFrame, optional
        Point layers with a CRS; may be empty or None.
    radius_km : float
        Neighbourhood of a gap, km.

    Returns
    -------
    DataFrame
        The columns of :func:`coverage_gaps` plus ``n_incidents, n_incidents_min, n_crossings,
        risk, risk_min, rank`` (1 = highest risk), and ``attrs["formula"]`` stating the formula.
    """
    if not (math.isfinite(radius_km) and 0 < radius_km <= 200):
        raise InvalidInputError(f"radius_km must be between 0 and 200 km, got {radius_km!r}")
    gaps = coverage_gaps(result)
    formula = RISK_FORMULA.format(radius_km=radius_km)
    if gaps.empty:
        out = gaps.assign(n_incidents=pd.Series(dtype=int), n_incidents_min=pd.Series(dtype=int),
                          n_crossings=pd.Series(dtype=int), risk=pd.Series(dtype=float),
                          risk_min=pd.Series(dtype=float), rank=pd.Series(dtype=int))
        out.attrs["formula"] = formula
        return out
    lines_m = gap_lines(result, gaps).to_crs(METRIC_CRS).to_numpy()
    n_inc_min, n_inc = _count_within(lines_m, incidents, radius_km * 1000.0, "incidents", circles=True)
    _, n_cross = _count_within(lines_m, crossings, radius_km * 1000.0, "crossings")
    length = gaps["length_km"].to_numpy()
    out = gaps.assign(n_incidents=n_inc, n_incidents_min=n_inc_min, n_crossings=n_cross,
                      risk=length * (1 + n_inc) * (1 + n_cross), risk_min=length * (1 + n_inc_min) * (1 + n_cross))
    out = out.sort_values(["risk", "length_km"], ascending=False, kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out.attrs["formula"] = formula
    return out


def gap_terrain(gaps: pd.DataFrame, segments_terrain: pd.DataFrame) -> pd.DataFrame:
    """Terrain of each gap from the terrain of its segments (a new frame; inputs unchanged).

    Parameters
    ----------
    gaps : DataFrame
        From :func:`coverage_gaps` or :func:`rank_gaps` (``first_segment``, ``last_segment``).
    segments_terrain : DataFrame
        From :func:`geo.terrain.segment_terrain` on the same segmentation (``segment_id``,
        ``elev_mean_m``, ``slope_max_deg``, ``tri_mean_m``).

    Returns
    -------
    DataFrame
        ``gaps`` plus ``elev_mean_m`` (mean of the segments, m), ``elev_max_m`` (highest segment
        mean, m), ``slope_max_deg`` (steepest, degrees) and ``tri_mean_m`` (mean ruggedness, m).

    Example
    -------
    >>> g = pd.DataFrame({"first_segment": [0], "last_segment": [1]})
    >>> t = pd.DataFrame({"segment_id": [0, 1], "elev_mean_m": [400.0, 600.0],
    ...                   "slope_max_deg": [3.0, 9.0], "tri_mean_m": [10.0, 30.0]})
    >>> gap_terrain(g, t)[["elev_mean_m", "slope_max_deg"]].iloc[0].tolist()
    [500.0, 9.0]
    """
    by_id = segments_terrain.set_index("segment_id")
    rows = []
    for first, last in zip(gaps["first_segment"], gaps["last_segment"], strict=True):
        part = by_id.loc[int(first):int(last)]
        rows.append({"elev_mean_m": part["elev_mean_m"].mean(), "elev_max_m": part["elev_mean_m"].max(),
                     "slope_max_deg": part["slope_max_deg"].max(), "tri_mean_m": part["tri_mean_m"].mean()})
    extra = pd.DataFrame(rows, index=gaps.index, columns=["elev_mean_m", "elev_max_m", "slope_max_deg",
                                                          "tri_mean_m"])
    out = pd.concat([gaps, extra], axis=1)
    out.attrs = dict(gaps.attrs)
    return out
