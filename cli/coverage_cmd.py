"""``python -m geo coverage`` and ``python -m geo deployment``: patrol gaps and deployment zones.

DEM path resolution (first that applies): ``--dem PATH``, the environment variable
``BORDERMAP_DEM``, then ``$XDG_DATA_HOME/border-map/dem.tif`` (default
``~/.local/share/border-map/dem.tif``), then the coarse overview DEM shipped in ``data/``;
``none`` switches terrain off.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.output import emit
from geo import datasets
from geo.errors import DataFileError, InvalidInputError, TerrainUnavailableError
from geo.settings import DEM_ENV, read_settings

if TYPE_CHECKING:  # the analysis libraries are imported by the command that runs (quick --help)
    import geopandas as gpd

    from geo.assets import Asset
    from geo.dem import Dem

logger = logging.getLogger(__name__)

#: ``--model`` choices: :data:`geo.coverage.MODELS` (a test keeps the two equal), written out
#: so that ``--help`` need not import the coverage models.
MODELS = ("radius", "travel", "sight")

def _load_dem(arg: str | None, model: str) -> Dem | None:
    """The DEM for a terrain model (None for the radius model), via :mod:`geo.dem_io`."""
    from geo import dem_io

    if model == "radius":
        return None
    try:
        source = dem_io.resolve_dem_source(arg)
    except TerrainUnavailableError as exc:
        raise TerrainUnavailableError(
            f"the {model!r} model needs a DEM: {exc}; the radius model still works without a DEM"
        ) from None
    return dem_io.read_dem(source)


def _read_json(path_text: str, what: str) -> Any:
    path = Path(path_text)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataFileError(f"{what} file {path_text!r} does not exist") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"{what} file {path_text!r} is not readable JSON: {exc}") from exc


def _places(path_text: str | None) -> gpd.GeoDataFrame | None:
    """Reference places: ``--places`` or the shipped file; None if absent (not an error)."""
    path = Path(path_text) if path_text else datasets.resolve_data_dir() / datasets.PLACES_FILE
    if not path.is_file():
        if path_text:
            raise DataFileError(f"places file {path_text!r} does not exist")
        logger.info("no reference places file; no crossings or garrisons are known")
        return None
    return datasets.read_geojson(path)


def _crossings(places: gpd.GeoDataFrame | None) -> list[tuple[float, float]]:
    if places is None or "kind" not in places.columns:
        return []
    pts = places[places["kind"] == "crossing"].geometry
    return [(float(p.x), float(p.y)) for p in pts if p is not None and p.geom_type == "Point"]


def _run_coverage(args: argparse.Namespace) -> int:
    from geo.assets import assets_from_geojson
    from geo.border import load_border
    from geo.coverage import CoverageParams, compute_coverage, coverage_gaps, headline
    from geo.gap_ranking import rank_scene_gaps

    assets = assets_from_geojson(_read_json(args.assets, "assets"))
    params = CoverageParams(model=args.model, segment_km=args.segment_km)
    dem = _load_dem(args.dem, args.model)
    places = _places(args.places)
    border = load_border()
    result = compute_coverage(border, assets, params, dem=dem, crossings=tuple(_crossings(places)))
    head = headline(result)
    gaps = coverage_gaps(result)
    ranked = rank_scene_gaps(result, places)
    payload = {
        "border_km": head["border_km"],
        "covered_km": head["covered_km"],
        "gaps": [{"from_km": round(float(g.from_km), 3), "to_km": round(float(g.to_km), 3),
                  "length_km": round(float(g.length_km), 3)} for g in gaps.itertuples()],
        "percent": head["percent"],
        "longest_gap_km": head["longest_gap_km"],
        "model": params.model,
        "segment_km": params.segment_km,
        "n_assets": len(assets),
        "dem": result.dem_source or None,
        "risk_formula": ranked.attrs["formula"],
        "warnings": list(result.warnings),
    }
    lines = [f"{params.model} model, {len(assets)} asset(s): {head['covered_km']:,.1f} of "
             f"{head['border_km']:,.1f} km covered ({head['percent']:.1f} %), {len(gaps)} gap(s), "
             f"longest {head['longest_gap_km']:,.1f} km"]
    for g in ranked.head(10).itertuples():
        lines.append(f"  #{g.rank}: km {g.from_km:,.1f}–{g.to_km:,.1f} ({g.length_km:,.1f} km), "
                     f"risk {g.risk:,.1f}")
    lines += [f"  warning: {w}" for w in result.warnings]
    emit(payload, args.json, "\n".join(lines))
    return 0


def _run_deployment(args: argparse.Namespace) -> int:
    import geopandas as gpd

    from geo.assets import anchor_assets_from_places, assets_from_geojson
    from geo.border import load_border
    from geo.coverage import CoverageParams, compute_coverage
    from geo.deployment import DeploymentParams, deployment_zones, zones_to_geojson

    params = DeploymentParams(max_slope_deg=args.max_slope, max_elev_m=args.max_elev,
                              max_hours=args.max_hours, standoff_km=args.standoff_km,
                              cell_km=args.cell_km, top_n=args.top)
    dem = _load_dem(args.dem, "deployment")
    assert dem is not None  # _load_dem raises for every model but radius
    places = _places(args.places)
    anchors = anchor_assets_from_places(places) if places is not None else []
    garrisons = [(a.lon, a.lat) for a in anchors if a.kind == "garrison"]
    if not garrisons:
        raise InvalidInputError(
            "no garrisons known: the places file needs features with kind 'garrison' "
            "(pass --places FILE.geojson)"
        )
    assets: list[Asset] = assets_from_geojson(_read_json(args.assets, "assets")) if args.assets else anchors
    incidents = None
    if args.incidents:
        doc = _read_json(args.incidents, "incidents")
        try:
            incidents = gpd.GeoDataFrame.from_features(doc.get("features", []), crs="EPSG:4326")
        except Exception as exc:  # geopandas raises many types on malformed features
            raise DataFileError(f"incidents file {args.incidents!r} has malformed features: {exc}") from exc
    border = load_border()
    coverage = compute_coverage(border, assets, CoverageParams(model="radius"))
    zones = deployment_zones(dem, border, params, garrisons=tuple(garrisons), coverage=coverage,
                             incidents=incidents)
    doc = zones_to_geojson(zones, params)
    human = "\n".join(
        [f"{len(zones)} candidate zone(s) — {doc['metadata']['status']}"]
        + [f"  #{z.rank}: score {z.score:.2f}, {z.area_km2:,.0f} km², lat {z.centroid_lat:.3f}, "
           f"lon {z.centroid_lon:.3f}, {z.travel_h_min:.1f} h from a garrison" for z in zones.itertuples()]
    )
    emit(doc, args.json, human)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``coverage`` and ``deployment`` commands."""
    cov = subparsers.add_parser("coverage", help="patrol coverage of the border and its gaps")
    cov.add_argument("--assets", required=True, help="GeoJSON FeatureCollection of asset points")
    cov.add_argument("--model", choices=MODELS, default="radius", help="coverage model (default radius)")
    cov.add_argument("--dem", help=f"DEM GeoTIFF/COG or 'none' (default: ${DEM_ENV}, then "
                     f"{read_settings().default_dem}, then the shipped coarse DEM)")
    cov.add_argument("--segment-km", type=float, default=1.0, help="segment length in km (default 1)")
    cov.add_argument("--places", help="reference places GeoJSON (crossings); default: the shipped file")
    cov.add_argument("--json", action="store_true", help="print one JSON document")
    cov.set_defaults(func=_run_coverage)

    dep = subparsers.add_parser("deployment",
                                help="candidate 201st Base deployment zones (analytical hypotheses)")
    dep.add_argument("--dem", help=f"DEM GeoTIFF/COG or 'none' (default: ${DEM_ENV}, then "
                     f"{read_settings().default_dem}, then the shipped coarse DEM)")
    dep.add_argument("--max-slope", type=float, default=15.0, help="maximum slope, degrees (default 15)")
    dep.add_argument("--max-elev", type=float, default=3500.0, help="maximum elevation, m (default 3500)")
    dep.add_argument("--max-hours", type=float, default=8.0,
                     help="maximum travel time from a garrison, hours (default 8)")
    dep.add_argument("--standoff-km", type=float, default=5.0,
                     help="minimum distance from the border, km (default 5)")
    dep.add_argument("--cell-km", type=float, default=2.0, help="analysis cell size, km (default 2)")
    dep.add_argument("--top", type=int, default=10, help="number of zones to return (default 10)")
    dep.add_argument("--assets", help="assets GeoJSON whose coverage gaps zones should close "
                                      "(default: the shipped crossings and garrisons)")
    dep.add_argument("--incidents", help="incidents GeoJSON (points) to weigh zones by")
    dep.add_argument("--places", help="reference places GeoJSON (garrisons); default: the shipped file")
    dep.add_argument("--json", action="store_true", help="print one JSON document (GeoJSON)")
    dep.set_defaults(func=_run_deployment)
