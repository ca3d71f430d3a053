"""Patrol coverage on the map: covered stretches, gaps, assets and their reach, deployment zones.

Every layer here shows an analyst's scenario or a model's output, never observed facts:
tooltips and popups say so. Text reaches HTML only through :mod:`layers.base`
(``popup_html``/``tooltip_text``, which escape every value) or, for the compact
asset points, through :class:`layers.points.CompactPoints` (data embedded with
``geo.sanitize.template_safe_json``).

Colours are chosen not to clash with the border line (``#d62728``) nor with the incident types
(:data:`layers.incidents.EVENT_TYPE_COLORS`): the analyst's scenario in teal (covered stretches,
assets, drawn zones), gaps a thick dashed near-black drawn on top of the border, the 201st's
candidate deployment zones in the 201st's magenta, and anchors in the colour of the place they are
(:data:`layers.places.PLACE_STYLES`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from geo.assets import Asset
from geo.coverage import CoverageResult, coverage_gaps, gap_lines
from geo.deployment import STATUS as DEPLOYMENT_STATUS
from geo.precision import range_text
from geo.sanitize import escape_html
from layers.base import LayerBundle, LegendEntry, format_value, popup_html, tooltip_text
from layers.places import PLACE_STYLES
from layers.points import PointSymbol, points_group
from layers.shapes import Shape, dash_of, geodesic_circle

COVERED_COLOR = "#35978f"
GAP_COLOR = "#1a1a1a"
GAP_DASH = "12 8"
ZONE_COLOR = PLACE_STYLES["garrison"].color
DRAWN_ZONE_COLOR = "#01665e"

#: Label every deployment-zone popup and tooltip carries.
HYPOTHESIS_LABEL = "Analytical hypothesis, not a report"

#: How each asset kind is drawn and named.
ASSET_STYLES: dict[str, tuple[str, str]] = {
    "border_post": ("Border post (analyst)", "#01665e"),
    "detachment": ("201st / patrol detachment (analyst)", "#5ab4ac"),
    "drone": ("Drone / aerial surveillance (analyst)", "#c7eae5"),
    "crossing": ("Crossing used as anchor", PLACE_STYLES["crossing"].color),
    "garrison": ("201st garrison used as anchor", PLACE_STYLES["garrison"].color),
}

_MODEL_NAMES = {"radius": "patrol radius", "travel": "travel time over terrain", "sight": "line of sight"}

#: Popup rows of a deployment zone: property → label (with unit).
ZONE_CRITERIA: tuple[tuple[str, str], ...] = (
    ("score", "Suitability score (0–1, zone mean)"),
    ("score_max", "Best cell score"),
    ("area_km2", "Area (km²)"),
    ("slope_deg_mean", "Mean slope (°)"),
    ("elevation_m_mean", "Mean elevation (m)"),
    ("travel_h_min", "Travel from a garrison, min (h)"),
    ("border_km_min", "Distance to the border, min (km)"),
    ("gap_km_min", "Distance to a worst coverage gap, min (km)"),
    ("incidents_n_max", "Incidents nearby, max"),
    ("centroid_lat", "Centroid lat"),
    ("centroid_lon", "Centroid lon"),
)


def _latlon(line: Any) -> list[list[tuple[float, float]]]:
    """(lat, lon) coordinate lists of a LineString or MultiLineString (EPSG:4326)."""
    parts = getattr(line, "geoms", [line])
    return [[(y, x) for x, y, *_ in part.coords] for part in parts if not part.is_empty]


def covered_runs(result: CoverageResult) -> pd.DataFrame:
    """Maximal runs of covered segments with the same covering assets, west to east.

    Returns
    -------
    DataFrame
        ``from_km, to_km, length_km, first_segment, last_segment, asset_ids``
        (chainage km; ``asset_ids`` a tuple of str); empty when nothing is covered.
    """
    seg = result.segments
    cols = ["from_km", "to_km", "length_km", "first_segment", "last_segment", "asset_ids"]
    covered = seg["covered"].to_numpy(dtype=bool)
    if not covered.any():
        return pd.DataFrame(columns=cols)
    ids = list(seg["asset_ids"])
    rows: list[dict[str, Any]] = []
    start = None
    for i in range(len(seg) + 1):
        same = (start is not None and i < len(seg) and covered[i] and ids[i] == ids[start])
        if same:
            continue
        if start is not None:
            frm, to = float(seg["from_km"].iat[start]), float(seg["to_km"].iat[i - 1])
            rows.append({"from_km": frm, "to_km": to, "length_km": to - frm,
                         "first_segment": int(seg["segment_id"].iat[start]),
                         "last_segment": int(seg["segment_id"].iat[i - 1]), "asset_ids": ids[start]})
            start = None
        if i < len(seg) and covered[i]:
            start = i
    return pd.DataFrame(rows, columns=cols)


def _run_line(result: CoverageResult, first: int, last: int) -> Any:
    seg = result.segments
    part = seg.geometry[(seg["segment_id"] >= first) & (seg["segment_id"] <= last)]
    return shapely.line_merge(shapely.union_all(part.to_numpy()))


def coverage_layer(result: CoverageResult, ranked_gaps: pd.DataFrame | None = None,
                   asset_names: Mapping[str, str] | None = None) -> LayerBundle:
    """Covered stretches (green) and gaps (thick dashed crimson) of the border.

    Parameters
    ----------
    result : CoverageResult
        From :func:`geo.coverage.compute_coverage` (segments in EPSG:4326).
    ranked_gaps : DataFrame, optional
        :func:`geo.coverage.rank_gaps` output; its rank, risk, incidents and crossings
        are shown in the gaps' popups. Without it the gaps come from
        :func:`geo.coverage.coverage_gaps`.
    asset_names : mapping of asset id → name, optional
        Used to name the covering assets in tooltips (ids otherwise).

    Returns
    -------
    LayerBundle
        Two groups: "Coverage: covered" (one polyline per run of segments with the same
        covering assets, see :func:`covered_runs`) and "Coverage: gaps" (one polyline per
        gap). Tooltips give chainage from–to and length in km.
    """
    model = _MODEL_NAMES.get(result.params.model, result.params.model)
    names = asset_names or {}
    covered = folium.FeatureGroup(name=f"Coverage: covered ({model})")
    shapes: list[Shape] = []
    for run in covered_runs(result).itertuples(index=False):
        who = [names.get(a, a) for a in run.asset_ids]
        shown = ", ".join(who[:6]) + (f" and {len(who) - 6} more" if len(who) > 6 else "")
        tip = tooltip_text(f"Covered: km {run.from_km:,.1f}–{run.to_km:,.1f}",
                           f"{run.length_km:,.1f} km", f"by {shown}")
        line = _run_line(result, run.first_segment, run.last_segment)
        shapes.append(Shape(line, COVERED_COLOR, width_px=6, opacity=0.85))
        for coords in _latlon(line):
            folium.PolyLine(coords, color=COVERED_COLOR, weight=6, opacity=0.85,
                            tooltip=folium.Tooltip(tip)).add_to(covered)
    gaps_group = folium.FeatureGroup(name="Coverage: gaps")
    gaps = coverage_gaps(result) if ranked_gaps is None else ranked_gaps
    if len(gaps):
        lines = gap_lines(result, gaps)
        for (_, gap), line in zip(gaps.iterrows(), lines, strict=True):
            title = f"Coverage gap #{int(gap['rank'])}" if "rank" in gap else "Coverage gap"
            rows: list[tuple[str, Any]] = [
                ("Chainage from (km)", f"{gap['from_km']:,.1f}"),
                ("Chainage to (km)", f"{gap['to_km']:,.1f}"),
                ("Length (km)", f"{gap['length_km']:,.1f}"),
            ]
            for key, label in (("n_incidents", "Incidents nearby"), ("n_crossings", "Crossings nearby"),
                               ("risk", "Risk score")):
                if key not in gap:
                    continue
                if key == "n_incidents" and "n_incidents_min" in gap:  # certain–possible
                    rows.append((label, range_text(gap["n_incidents_min"], gap["n_incidents"], 0)))
                elif key == "risk" and "risk_min" in gap:
                    rows.append((label, range_text(gap["risk_min"], gap["risk"], 1)))
                else:
                    rows.append((label, format_value(gap[key]) if key != "risk" else f"{gap[key]:,.1f}"))
            if "formula" in gaps.attrs:
                rows.append(("Risk formula", gaps.attrs["formula"]))
            rows.append(("Model", f"{model} (a scenario, not observed patrols)"))
            tip = tooltip_text(title, f"km {gap['from_km']:,.1f}–{gap['to_km']:,.1f}",
                               f"{gap['length_km']:,.1f} km uncovered")
            popup = popup_html(title, rows)
            shapes.append(Shape(line, GAP_COLOR, width_px=7, opacity=0.9, dash=dash_of(GAP_DASH)))
            for coords in _latlon(line):
                folium.PolyLine(coords, color=GAP_COLOR, weight=7, opacity=0.9, dash_array=GAP_DASH,
                                tooltip=folium.Tooltip(tip),
                                popup=folium.Popup(popup, max_width=360)).add_to(gaps_group)
    return LayerBundle([covered, gaps_group], [
        LegendEntry(f"Border covered ({model})", COVERED_COLOR, "line"),
        LegendEntry("Coverage gap (not covered)", GAP_COLOR, "dashed"),
    ], shapes, f"coverage and gaps: the analyst's scenario under the {model} model, not observed patrols")


def _asset_rows(a: Asset) -> list[tuple[str, Any]]:
    origin = ("Shipped anchor: " + a.source) if a.kind in ("crossing", "garrison") and a.source != "analyst" \
        else "Analyst's hypothesis (real posts are not public)"
    return [
        ("Kind", ASSET_STYLES.get(a.kind, (a.kind, ""))[0]),
        ("Coordinates (lat, lon)", f"{a.lat:.4f}, {a.lon:.4f}"),
        ("Patrol radius (km)", format_value(a.radius_km)),
        ("Travel time (h)", format_value(a.travel_hours)),
        ("Observer height (m)", format_value(a.observer_height_m)),
        ("Sight range (km)", format_value(a.range_km)),
        ("Origin", origin),
    ]


def assets_layer(assets: Sequence[Asset], model: str = "radius") -> LayerBundle:
    """Asset points and their reach (EPSG:4326).

    Parameters
    ----------
    assets : sequence of Asset
    model : str
        ``radius``: a circle of each asset's ``radius_km``; ``sight``: a dashed circle
        of ``range_km`` (the upper bound of what it can see; terrain hides parts);
        ``travel``: circles only for drones (they fly their radius in that model).

    Returns
    -------
    LayerBundle
        "Patrol assets" (one compact point element) and "Asset reach" (circles), with a
        legend entry per kind present.
    """
    points = []
    reach = folium.FeatureGroup(name="Asset reach")
    dots: list[Shape] = []
    circles: list[Shape] = []
    for a in assets:
        title, color = ASSET_STYLES.get(a.kind, (a.kind, "#555555"))
        points.append(PointSymbol(lat=a.lat, lon=a.lon, color=color, radius_px=7,
                                  popup=popup_html(a.name, _asset_rows(a)),
                                  tooltip=tooltip_text(a.name, title), name=escape_html(a.name)))
        dots.append(Shape(shapely.Point(a.lon, a.lat), "#222222", width_px=1, fill=color, fill_opacity=1.0,
                          radius_px=7))
        radius_km, dash = None, None
        if model == "radius" or (model == "travel" and a.kind == "drone"):
            radius_km = a.radius_km
        elif model == "sight":
            radius_km, dash = a.range_km, "4 6"
        if radius_km is not None:
            circles.append(Shape(geodesic_circle(a.lon, a.lat, radius_km), color, width_px=1.5,
                                 dash=dash_of(dash), fill=color, fill_opacity=0.07))
            folium.Circle(location=(a.lat, a.lon), radius=radius_km * 1000.0, color=color, weight=1.5,
                          dash_array=dash, fill=True, fill_opacity=0.07, interactive=False).add_to(reach)
    legend = [LegendEntry(ASSET_STYLES[k][0], ASSET_STYLES[k][1], "circle")
              for k in ASSET_STYLES if any(a.kind == k for a in assets)]
    if assets and model == "radius":
        legend.append(LegendEntry("Patrol radius (radius model)", "#888888", "hollow"))
    elif assets and model == "sight":
        legend.append(LegendEntry("Sight range, upper bound (terrain hides parts)", "#888888", "hollow"))
    return LayerBundle([points_group("Patrol assets", points), reach], legend, [*circles, *dots],
                       "patrol assets: the analyst's hypotheses and shipped anchors (real posts are not public)")


def _features(doc: Mapping[str, Any] | gpd.GeoDataFrame) -> list[tuple[dict[str, Any], Any]]:
    """(properties, shapely geometry) pairs of a FeatureCollection or GeoDataFrame (EPSG:4326)."""
    if isinstance(doc, gpd.GeoDataFrame):
        frame = doc.to_crs(4326) if doc.crs is not None and not doc.crs.equals("EPSG:4326") else doc
        props = frame.drop(columns=frame.geometry.name).to_dict("records")
        return list(zip(props, frame.geometry, strict=True))
    out = []
    for feat in doc.get("features", []):
        geom = feat.get("geometry")
        if geom:
            out.append((dict(feat.get("properties") or {}), shape(geom)))
    return out


def _polygon(geom: Any, style: dict[str, Any], name: str) -> folium.GeoJson:
    """A polygon with no properties (its text goes only through the escaped popup/tooltip)."""
    data = {"type": "Feature", "properties": {}, "geometry": mapping(geom)}
    return folium.GeoJson(data, name=name, style_function=lambda _f, s=style: s,
                          highlight_function=lambda _f: {"weight": 3.5, "fillOpacity": 0.45})


def deployment_layer(zones: Mapping[str, Any] | gpd.GeoDataFrame) -> LayerBundle:
    """Ranked candidate deployment zones, labelled as hypotheses.

    Parameters
    ----------
    zones : GeoJSON FeatureCollection or GeoDataFrame
        :func:`geo.deployment.zones_to_geojson` output (or the GeoDataFrame of
        :func:`geo.deployment.deployment_zones`), EPSG:4326.

    Returns
    -------
    LayerBundle
        One group; each zone's popup lists its rank and the criteria values that made
        it, under the label :data:`HYPOTHESIS_LABEL`. Better-ranked zones are more opaque.
    """
    group = folium.FeatureGroup(name="201st deployment zones (hypotheses)")
    feats = _features(zones)
    n = max(len(feats), 1)
    shapes: list[Shape] = []
    for i, (props, geom) in enumerate(feats):
        rank = props.get("rank", i + 1)
        opacity = float(np.interp(i, [0, n], [0.5, 0.15]))
        title = f"Candidate zone #{format_value(rank)} — {HYPOTHESIS_LABEL}"
        rows = [(label, props.get(key)) for key, label in ZONE_CRITERIA if key in props]
        rows.append(("Status", props.get("status") or DEPLOYMENT_STATUS))
        poly = _polygon(geom, {"color": ZONE_COLOR, "weight": 2, "fillColor": ZONE_COLOR,
                               "fillOpacity": opacity}, f"zone {rank}")
        shapes.append(Shape(geom, ZONE_COLOR, width_px=2, fill=ZONE_COLOR, fill_opacity=opacity))
        folium.Popup(popup_html(title, rows), max_width=380).add_to(poly)
        folium.Tooltip(tooltip_text(f"Candidate zone #{format_value(rank)}", HYPOTHESIS_LABEL)).add_to(poly)
        poly.add_to(group)
    return LayerBundle([group], [LegendEntry(f"201st deployment zone — {HYPOTHESIS_LABEL.lower()}",
                                             ZONE_COLOR, "fill")], shapes,
                       "candidate deployment zones: the suitability model's output, an analytical hypothesis")


def drawn_zones_layer(zones: gpd.GeoDataFrame | Mapping[str, Any]) -> LayerBundle:
    """Analyst-drawn zones (from :func:`geo.deployment.zones_from_geojson`), dashed outlines.

    Returns
    -------
    LayerBundle
        One group; popups give name, notes, area (km²) and the status (a hypothesis).
    """
    group = folium.FeatureGroup(name="Analyst-drawn zones (hypotheses)")
    shapes: list[Shape] = []
    for props, geom in _features(zones):
        name = props.get("name") or props.get("id") or "zone"
        rows = [("Notes", props.get("notes")), ("Area (km²)", props.get("area_km2")),
                ("Status", props.get("status") or "analyst-drawn zone (hypothesis, not a report)")]
        poly = _polygon(geom, {"color": DRAWN_ZONE_COLOR, "weight": 2.5, "dashArray": "8 6",
                               "fillColor": DRAWN_ZONE_COLOR, "fillOpacity": 0.12}, "analyst zone")
        shapes.append(Shape(geom, DRAWN_ZONE_COLOR, width_px=2.5, dash=(8, 6), fill=DRAWN_ZONE_COLOR,
                            fill_opacity=0.12))
        folium.Popup(popup_html(name, rows), max_width=380).add_to(poly)
        folium.Tooltip(tooltip_text(name, "analyst-drawn, hypothesis")).add_to(poly)
        poly.add_to(group)
    return LayerBundle([group], [LegendEntry("Analyst-drawn zone (hypothesis)", DRAWN_ZONE_COLOR, "dashed")],
                       shapes, "analyst-drawn zones: hypotheses, not reports")
