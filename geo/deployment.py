"""Where could a 201st Base detachment deploy to close border gaps? Suitability on the Tajik side.

Every zone this module returns is an **analytical hypothesis, not a report**: a place
where the stated criteria hold on the DEM, never an observed deployment.

Criteria, on a coarse metric grid (cells of ``cell_km`` in :data:`geo.crs.METRIC_CRS`):

* inside Tajikistan;
* slope ≤ ``max_slope_deg`` (Horn's method) and elevation ≤ ``max_elev_m``;
* travel time from the nearest garrison (Dushanbe, Bokhtar: the ``garrison`` places)
  ≤ ``max_hours``, by cost-distance with Tobler's function × ``speed_factor``, staying
  inside Tajikistan;
* distance from the border between ``standoff_km`` and ``max_border_km``.

Cells meeting every criterion get a weighted score in [0, 1]::

    score = Σ wᵢ·sᵢ / Σ wᵢ
    s_slope = 1 − slope/max_slope          s_elev = 1 − elev/max_elev
    s_travel = 1 − hours/max_hours         s_gap = 1 − min(d_gap/gap_reach_km, 1)
    s_incidents = n_incidents_within(incident_radius_km) / max over the grid

where ``d_gap`` is the distance to the nearest of the ``worst_gaps`` highest-risk
coverage gaps (:func:`geo.coverage.rank_gaps`). Scores are binned (``score_bins``) and
connected cells of the same bin form a zone (polygons by ``rasterio.features.shapes``);
zones are ranked by mean score, then area.

Example
-------
>>> p = DeploymentParams(max_slope_deg=10)
>>> p.max_slope_deg, p.standoff_km
(10.0, 5.0)
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import shapely
from scipy import ndimage
from shapely.geometry import shape

from geo.border import Border
from geo.coverage import CoverageResult, gap_lines, rank_gaps
from geo.crs import METRIC_CRS, REGION_BOUNDS, STORAGE_CRS
from geo.dem import Dem
from geo.errors import InvalidInputError, TerrainUnavailableError
from geo.metric_grid import MetricGrid, metric_grid, to_metric_xy
from geo.travel import slope_tan, travel_hours

logger = logging.getLogger(__name__)

STATUS = "analytical hypothesis, not a report"
DRAWN_STATUS = "analyst-drawn zone (hypothesis, not a report)"


@dataclass(frozen=True)
class DeploymentParams:
    """Criteria and weights of the suitability model (hashable; validated).

    ``speed_factor`` multiplies Tobler's walking speed to approximate motorised
    movement off the road network; the default 6 (≈ 30 km/h on flat ground) is an
    assumption of this model, not a measured figure — change it to test others.
    """

    max_slope_deg: float = 15.0
    max_elev_m: float = 3500.0
    max_hours: float = 8.0
    standoff_km: float = 5.0
    max_border_km: float = 60.0
    cell_km: float = 2.0
    speed_factor: float = 6.0
    gap_reach_km: float = 30.0
    worst_gaps: int = 5
    incident_radius_km: float = 20.0
    w_slope: float = 1.0
    w_elev: float = 0.5
    w_travel: float = 1.0
    w_gap: float = 2.0
    w_incidents: float = 1.0
    score_bins: int = 10
    min_cells: int = 2
    top_n: int = 10

    def __post_init__(self) -> None:
        ranges: dict[str, tuple[float, float]] = {
            "max_slope_deg": (0.5, 60.0), "max_elev_m": (100.0, 8000.0), "max_hours": (0.1, 96.0),
            "standoff_km": (0.0, 100.0), "max_border_km": (1.0, 300.0), "cell_km": (0.09, 10.0),
            "speed_factor": (0.1, 20.0), "gap_reach_km": (1.0, 300.0), "incident_radius_km": (1.0, 200.0),
            "w_slope": (0.0, 100.0), "w_elev": (0.0, 100.0), "w_travel": (0.0, 100.0),
            "w_gap": (0.0, 100.0), "w_incidents": (0.0, 100.0),
        }
        for name, (lo, hi) in ranges.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value) or not lo <= value <= hi:
                raise InvalidInputError(f"{name} must be a number between {lo:g} and {hi:g}, got {value!r}")
            object.__setattr__(self, name, float(value))
        for name, lo, hi in (("worst_gaps", 1, 1000), ("score_bins", 1, 100), ("min_cells", 1, 10_000),
                             ("top_n", 1, 1000)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise InvalidInputError(f"{name} must be a whole number between {lo} and {hi}, got {value!r}")
        if self.standoff_km >= self.max_border_km:
            raise InvalidInputError(
                f"standoff_km ({self.standoff_km:g}) must be less than max_border_km ({self.max_border_km:g})"
            )
        if self.w_slope + self.w_elev + self.w_travel + self.w_gap + self.w_incidents <= 0:
            raise InvalidInputError("at least one weight must be positive")


def _rasterize(geoms: Sequence[Any], grid: MetricGrid) -> np.ndarray:
    if not len(geoms):
        return np.zeros(grid.shape, dtype=bool)
    return rasterio.features.rasterize([(g, 1) for g in geoms], out_shape=grid.shape,
                                       transform=grid.transform, all_touched=True,
                                       dtype="uint8").astype(bool)


def _distance_km(mask: np.ndarray, cell_m: float) -> np.ndarray:
    """Distance (km) from each cell centre to the nearest True cell (inf if none)."""
    if not mask.any():
        return np.full(mask.shape, np.inf)
    return ndimage.distance_transform_edt(~mask) * cell_m / 1000.0


def _to_metric(geom: Any) -> Any:
    return gpd.GeoSeries([geom], crs=STORAGE_CRS).to_crs(METRIC_CRS).iloc[0]


def suitability(dem: Dem, border: Border, params: DeploymentParams,
                garrisons: Sequence[tuple[float, float]], coverage: CoverageResult | None = None,
                incidents: gpd.GeoDataFrame | None = None,
                crossings: gpd.GeoDataFrame | None = None) -> tuple[MetricGrid, dict[str, np.ndarray]]:
    """The criteria rasters and the score on the metric grid.

    Parameters
    ----------
    dem : Dem
        Any CRS; resampled to ``cell_km`` cells in METRIC_CRS.
    border : Border
    params : DeploymentParams
    garrisons : sequence of (lon, lat)
        Travel-time sources (EPSG:4326), e.g. the ``garrison`` places.
    coverage : CoverageResult, optional
        Gaps to close; without it the gap criterion scores 0 everywhere.
    incidents, crossings : GeoDataFrame, optional
        Points (with a CRS), for incident clusters and for ranking gaps.

    Returns
    -------
    (grid, layers)
        ``layers`` holds float arrays ``slope_deg, elevation_m, travel_h, border_km,
        gap_km, incidents_n, score`` (score NaN where a criterion fails) and the bool
        ``feasible``.
    """
    if not garrisons:
        raise InvalidInputError("garrisons must list at least one (lon, lat) travel-time source")
    gx, gy = to_metric_xy(np.array([g[0] for g in garrisons]), np.array([g[1] for g in garrisons]))
    bx0, by0, bx1, by1 = border.line_m.bounds
    margin = params.max_border_km * 1000.0 + 2 * params.cell_km * 1000.0
    bounds = (min(bx0 - margin, gx.min() - 5e3), min(by0 - margin, gy.min() - 5e3),
              max(bx1 + margin, gx.max() + 5e3), max(by1 + margin, gy.max() + 5e3))
    grid = metric_grid(dem, bounds, params.cell_km * 1000.0)
    cell_m = grid.cell_m
    elev = grid.elevation.astype(np.float64)
    tjk = _rasterize([_to_metric(border.tjk)], grid)
    tjk_inside = rasterio.features.geometry_mask([_to_metric(border.tjk)], grid.shape, grid.transform,
                                                 invert=True)
    line = _rasterize([border.line_m], grid)
    slope_deg = np.degrees(np.arctan(slope_tan(elev, cell_m)))
    rows, cols, inside = grid.cells_of(gx, gy)
    starts = [(int(r), int(c)) for r, c, ok in zip(rows, cols, inside, strict=True) if ok]
    if not starts:
        raise TerrainUnavailableError(
            "no garrison lies on the DEM; use a DEM that covers Dushanbe and Bokhtar")
    hours = travel_hours(elev, cell_m, starts, barrier=~tjk, speed_factor=params.speed_factor)
    border_km = _distance_km(line, cell_m)
    gap_km = np.full(grid.shape, np.inf)
    if coverage is not None:
        ranked = rank_gaps(coverage, incidents, crossings).head(params.worst_gaps)
        if len(ranked):
            lines = list(gap_lines(coverage, ranked).to_crs(METRIC_CRS))
            gap_km = _distance_km(_rasterize(lines, grid), cell_m)
    incidents_n = np.zeros(grid.shape)
    if incidents is not None and len(incidents):
        if incidents.crs is None:
            raise InvalidInputError("layer 'incidents' has no CRS; set EPSG:4326")
        pts = incidents.to_crs(METRIC_CRS).geometry
        pts = pts[pts.notna() & ~pts.is_empty]
        r, c, ok = grid.cells_of(pts.x.to_numpy(), pts.y.to_numpy())
        counts = np.zeros(grid.shape)
        np.add.at(counts, (r[ok], c[ok]), 1.0)
        k = max(1, round(params.incident_radius_km * 1000.0 / cell_m))
        yy, xx = np.mgrid[-k:k + 1, -k:k + 1]
        disk = (np.hypot(yy, xx) <= k).astype(float)
        incidents_n = ndimage.convolve(counts, disk, mode="constant", cval=0.0)
    with np.errstate(invalid="ignore"):
        feasible = (tjk_inside & ~np.isnan(elev) & (slope_deg <= params.max_slope_deg)
                    & (elev <= params.max_elev_m) & (hours <= params.max_hours)
                    & (border_km >= params.standoff_km) & (border_km <= params.max_border_km))
    s_slope = 1 - slope_deg / params.max_slope_deg
    s_elev = 1 - np.clip(elev, 0, None) / params.max_elev_m
    s_travel = 1 - hours / params.max_hours
    s_gap = 1 - np.minimum(gap_km / params.gap_reach_km, 1.0)
    s_inc = incidents_n / incidents_n.max() if incidents_n.max() > 0 else np.zeros(grid.shape)
    weights = (params.w_slope, params.w_elev, params.w_travel, params.w_gap, params.w_incidents)
    with np.errstate(invalid="ignore"):
        score = sum(w * s for w, s in zip(weights, (s_slope, s_elev, s_travel, s_gap, s_inc),
                                          strict=True)) / sum(weights)
    score = np.where(feasible, np.clip(score, 0.0, 1.0), np.nan)
    logger.info("deployment suitability: %d of %d cells feasible", int(feasible.sum()), feasible.size)
    return grid, {"slope_deg": slope_deg, "elevation_m": elev, "travel_h": hours, "border_km": border_km,
                  "gap_km": gap_km, "incidents_n": incidents_n, "score": score, "feasible": feasible}


def deployment_zones(dem: Dem, border: Border, params: DeploymentParams = DeploymentParams(),
                     garrisons: Sequence[tuple[float, float]] = (), coverage: CoverageResult | None = None,
                     incidents: gpd.GeoDataFrame | None = None,
                     crossings: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Ranked candidate deployment zones (EPSG:4326), each labelled a hypothesis.

    See :func:`suitability` for the parameters and the module docstring for the
    criteria and score.

    Returns
    -------
    GeoDataFrame
        ``rank, score, score_max, area_km2, slope_deg_mean, elevation_m_mean,
        travel_h_min, border_km_min, gap_km_min, incidents_n_max, centroid_lon,
        centroid_lat, status`` and a (Multi)Polygon; at most ``top_n`` rows, best first.
        Empty (same columns) when no cell meets the criteria.
    """
    grid, layers = suitability(dem, border, params, garrisons, coverage, incidents, crossings)
    score = layers["score"]
    feasible = layers["feasible"]
    bins = np.where(feasible, np.minimum((np.nan_to_num(score) * params.score_bins).astype(int),
                                         params.score_bins - 1), -1)
    labels = np.zeros(grid.shape, dtype=np.int32)
    next_id = 0
    for b in np.unique(bins[bins >= 0]):
        lab, n = ndimage.label(bins == b)
        labels[lab > 0] = lab[lab > 0] + next_id
        next_id += n
    columns = ["rank", "score", "score_max", "area_km2", "slope_deg_mean", "elevation_m_mean", "travel_h_min",
               "border_km_min", "gap_km_min", "incidents_n_max", "centroid_lon", "centroid_lat", "status"]
    if next_id == 0:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=STORAGE_CRS)
    index = np.arange(1, next_id + 1)
    n_cells = ndimage.sum(np.ones(grid.shape), labels, index)
    finite_gap = np.where(np.isfinite(layers["gap_km"]), layers["gap_km"], np.nan)
    stats = pd.DataFrame({
        "label": index, "n_cells": n_cells,
        "score": ndimage.mean(np.nan_to_num(score), labels, index),
        "score_max": ndimage.maximum(np.nan_to_num(score), labels, index),
        "slope_deg_mean": ndimage.mean(layers["slope_deg"], labels, index),
        "elevation_m_mean": ndimage.mean(layers["elevation_m"], labels, index),
        "travel_h_min": ndimage.minimum(layers["travel_h"], labels, index),
        "border_km_min": ndimage.minimum(layers["border_km"], labels, index),
        "gap_km_min": ndimage.minimum(np.nan_to_num(finite_gap, nan=np.inf), labels, index),
        "incidents_n_max": ndimage.maximum(layers["incidents_n"], labels, index),
    })
    stats = stats[stats["n_cells"] >= params.min_cells]
    stats = stats.sort_values(["score", "n_cells"], ascending=False, kind="stable").head(params.top_n)
    keep = np.isin(labels, stats["label"].to_numpy())
    polys: dict[int, list[Any]] = {}
    for geom, value in rasterio.features.shapes(labels, mask=keep, transform=grid.transform):
        polys.setdefault(int(value), []).append(shape(geom))
    geoms_m = [shapely.union_all(polys[int(lab)]) for lab in stats["label"]]
    zones = stats.drop(columns=["label"]).reset_index(drop=True)
    zones["area_km2"] = zones.pop("n_cells") * (grid.cell_m / 1000.0) ** 2
    zones["gap_km_min"] = zones["gap_km_min"].where(np.isfinite(zones["gap_km_min"]), np.nan)
    gdf = gpd.GeoDataFrame(zones, geometry=geoms_m, crs=METRIC_CRS)
    cent = gpd.GeoSeries(gdf.geometry.centroid, crs=METRIC_CRS).to_crs(STORAGE_CRS)
    gdf = gdf.to_crs(STORAGE_CRS)
    gdf["centroid_lon"], gdf["centroid_lat"] = cent.x.to_numpy(), cent.y.to_numpy()
    gdf["rank"] = np.arange(1, len(gdf) + 1)
    gdf["status"] = STATUS
    return gdf[[*columns, "geometry"]]


def zones_to_geojson(zones: gpd.GeoDataFrame, params: DeploymentParams) -> dict[str, Any]:
    """GeoJSON FeatureCollection of ranked zones with the parameters and the status label."""
    doc = json.loads(zones.to_json(na="null", drop_id=True)) if len(zones) else \
        {"type": "FeatureCollection", "features": []}
    doc["metadata"] = {"status": STATUS, "params": asdict(params),
                       "score": "Σ wᵢ·sᵢ / Σ wᵢ over slope, elevation, travel time, gap proximity, "
                                "incident density (see geo/deployment.py)"}
    return doc


# --------------------------------------------------------------- analyst-drawn zones


def _check_ring_coords(geom: Any, where: str) -> None:
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise InvalidInputError(f"{where}: coordinates must be finite numbers")
    w, s, e, n = REGION_BOUNDS
    lon, lat = coords[:, 0], coords[:, 1]
    if (lon < w).any() or (lon > e).any() or (lat < s).any() or (lat > n).any():
        raise InvalidInputError(
            f"{where}: the polygon leaves the region (lat {s}–{n}, lon {w}–{e}); "
            "check the coordinates are [lon, lat]"
        )


def zones_from_geojson(doc: Mapping[str, Any] | str, max_area_km2: float = 50_000.0) -> gpd.GeoDataFrame:
    """Validate analyst-drawn zones (Polygon/MultiPolygon features, EPSG:4326).

    Returns
    -------
    GeoDataFrame (EPSG:4326)
        ``id, name, notes, area_km2, status`` (status: :data:`DRAWN_STATUS`).

    Raises
    ------
    InvalidInputError
        Naming the feature: not a polygon, self-intersecting, outside the region,
        empty or larger than ``max_area_km2``, or a name/notes that are not text.
    """
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"zones text is not valid JSON: {exc}") from exc
    if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise InvalidInputError("zones must be a GeoJSON FeatureCollection of Polygon features")
    rows, geoms = [], []
    for i, feat in enumerate(doc["features"]):
        where = f"zone feature {i}"
        if not isinstance(feat, Mapping) or not isinstance(feat.get("geometry"), Mapping):
            raise InvalidInputError(f"{where} has no geometry")
        gtype = feat["geometry"].get("type")
        if gtype not in ("Polygon", "MultiPolygon"):
            raise InvalidInputError(f"{where}: a zone must be a Polygon or MultiPolygon, got {gtype!r}")
        try:
            geom = shape(feat["geometry"])
        except Exception as exc:  # shapely raises several types on malformed coordinates
            raise InvalidInputError(f"{where}: malformed coordinates ({exc})") from exc
        if geom.is_empty:
            raise InvalidInputError(f"{where}: the polygon is empty")
        _check_ring_coords(geom, where)
        if not geom.is_valid:
            raise InvalidInputError(f"{where}: the polygon is not valid ({shapely.is_valid_reason(geom)}); "
                                    "redraw it without self-intersections")
        area = float(gpd.GeoSeries([geom], crs=STORAGE_CRS).to_crs(METRIC_CRS).area.iloc[0]) / 1e6
        if not 0 < area <= max_area_km2:
            raise InvalidInputError(
                f"{where}: area {area:,.1f} km² must be > 0 and ≤ {max_area_km2:,.0f} km²")
        props = feat.get("properties") or {}
        name, notes = props.get("name", f"zone {i + 1}"), props.get("notes", "")
        for field_name, value in (("name", name), ("notes", notes)):
            if not isinstance(value, str) or len(value) > 2000:
                raise InvalidInputError(f"{where}: {field_name!r} must be text under 2000 characters")
        rows.append({"id": str(props.get("id", f"zone-{i + 1}")), "name": name.strip() or f"zone {i + 1}",
                     "notes": notes, "area_km2": area, "status": DRAWN_STATUS})
        geoms.append(geom)
    frame = pd.DataFrame(rows, columns=["id", "name", "notes", "area_km2", "status"])
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=STORAGE_CRS)
