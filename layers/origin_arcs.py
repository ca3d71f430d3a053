"""Attributed origins drawn as arcs to the incidents they are attributed for (a live layer).

Rows come from :func:`geo.origins.origin_arcs`: only records whose origin text names a shipped
town or province are drawn. A province-level origin starts at the province's point nearest
the incident. The arc is styled by who attributes the origin (``origin_attribution``):
official solid, claimed dashed, not recorded dotted grey. The legend says all this.
"""

from __future__ import annotations

import math

import folium
import numpy as np
import pandas as pd

from layers.base import LayerBundle, LegendEntry, tooltip_text

LAYER_NAME = "Attributed origins"
ARC_COLOR = "#8e0152"
UNRECORDED_COLOR = "#555555"
#: Leaflet style by attribution: colour, dash pattern.
ARC_STYLES: dict[str, tuple[str, str | None]] = {
    "official": (ARC_COLOR, None),
    "claimed": (ARC_COLOR, "7 5"),
    "not recorded": (UNRECORDED_COLOR, "2 5"),
}
#: Most arcs drawn (the newest first); the legend says when more were left out.
MAX_ARCS = 500
#: Sideways bulge of an arc, as a share of its length.
BULGE = 0.2


def arc_points(from_lon: float, from_lat: float, to_lon: float, to_lat: float, n: int = 24) -> list[list[float]]:
    """[lat, lon] points of a gentle curve from the origin to the target (degrees, EPSG:4326):
    a quadratic Bézier bulging to the left of the direction of travel by :data:`BULGE`."""
    k = math.cos(math.radians((from_lat + to_lat) / 2))
    dx, dy = (to_lon - from_lon) * k, to_lat - from_lat
    ctrl_x = (from_lon + to_lon) / 2 * k - BULGE * dy
    ctrl_y = (from_lat + to_lat) / 2 + BULGE * dx
    t = np.linspace(0.0, 1.0, n)[:, None]
    p0, p1, p2 = np.array([from_lon * k, from_lat]), np.array([ctrl_x, ctrl_y]), np.array([to_lon * k, to_lat])
    pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
    return [[round(float(y), 5), round(float(x / k), 5)] for x, y in pts]


def _head(points: list[list[float]], size: float) -> list[list[list[float]]]:
    """Two short strokes forming an arrowhead at the last point (lat, lon degrees)."""
    (lat1, lon1), (lat2, lon2) = points[-2], points[-1]
    k = math.cos(math.radians(lat2))
    angle = math.atan2(lat2 - lat1, (lon2 - lon1) * k)
    out = []
    for turn in (math.radians(150), -math.radians(150)):
        a = angle + turn
        out.append([[lat2, lon2], [lat2 + size * math.sin(a), lon2 + size * math.cos(a) / k]])
    return out


def origin_arcs_layer(arcs: pd.DataFrame) -> LayerBundle:
    """The arcs of ``arcs`` (:data:`geo.origins.ARC_COLUMNS`) with an arrowhead at the incident
    and a hollow circle at the origin; tooltips name origin, source text, target and attribution."""
    group = folium.FeatureGroup(name=LAYER_NAME, control=False)
    shown = arcs.sort_values("event_date", ascending=False).head(MAX_ARCS)
    for row in shown.to_dict("records"):
        color, dash = ARC_STYLES.get(row["attribution"], ARC_STYLES["not recorded"])
        pts = arc_points(row["from_lon"], row["from_lat"], row["to_lon"], row["to_lat"])
        length = math.hypot(pts[-1][0] - pts[0][0], pts[-1][1] - pts[0][1])
        where = "its point nearest the incident" if row["level"] == "province" else "the town"
        tip = tooltip_text(f"Origin: {row['origin_name']} {row['level']} (drawn from {where})",
                           f"stated: {row['origin']}", f"→ {row['location']} ({str(row['event_date'])[:10]})",
                           f"attributed by: {row['attribution']}",
                           "arcs are drawn only where the origin names a shipped town or province")
        folium.PolyLine(pts, color=color, weight=2.5, opacity=0.9, dash_array=dash,
                        tooltip=folium.Tooltip(tip)).add_to(group)
        for stroke in _head(pts, max(min(length * 0.25, 0.05), 0.004)):
            folium.PolyLine(stroke, color=color, weight=2.5, opacity=0.9, interactive=False).add_to(group)
        folium.CircleMarker(pts[0], radius=4, color=color, weight=2, fill=True, fill_color="#ffffff",
                            fill_opacity=1.0, tooltip=folium.Tooltip(tip)).add_to(group)
    styles = set(shown["attribution"])
    # one short line each: the legend sits beside the border (the tooltips say the rest)
    legend = [LegendEntry(label, ARC_STYLES[key][0], "dashed" if ARC_STYLES[key][1] else "line")
              for key, label in (("official", "Origin → incident (official), where locatable"),
                                 ("claimed", "Origin → incident (claimed), where locatable"),
                                 ("not recorded", "Origin → incident, where locatable"))
              if key in styles]
    if len(arcs) > len(shown):
        legend.append(LegendEntry(f"Newest {len(shown)} of {len(arcs)} origin arcs", ARC_COLOR, "line"))
    return LayerBundle([group], legend if len(shown) else [])
