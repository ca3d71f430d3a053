"""The border overlay: the line, chainage marks every 100 km, and the reference line."""

from __future__ import annotations

import folium
import numpy as np
from shapely.geometry import LineString

from geo.border import Border, points_at_chainage
from layers.base import LayerBundle, LegendEntry, popup_html, tooltip_text
from layers.points import CompactPoints, PointSymbol

BORDER_COLOR = "#d62728"
REFERENCE_COLOR = "#555555"


def border_layer(border: Border, km_step: float = 100.0) -> LayerBundle:
    """The Tajik–Afghan line (west → east) with km marks every ``km_step`` km."""
    group = folium.FeatureGroup(name="Border (DCW-GMT)")
    coords = [(lat, lon) for lon, lat in border.line.coords]
    folium.PolyLine(
        coords, color=BORDER_COLOR, weight=3.5, opacity=0.95,
        tooltip=folium.Tooltip(tooltip_text("Tajikistan–Afghanistan border",
                                            f"{border.length_km:,.1f} km (geodesic)")),
        popup=folium.Popup(popup_html("Tajikistan–Afghanistan border", [
            ("Length (geodesic)", f"{border.length_km:,.1f} km"),
            ("Official length", "1,344.15 km (Tajik MFA)"),
            ("Source", border.source),
        ]), max_width=360),
    ).add_to(group)
    marks = np.arange(0.0, border.length_km, km_step)
    CompactPoints([
        PointSymbol(lat=lat, lon=lon, color=BORDER_COLOR, radius_px=3, outline="#ffffff",
                    tooltip=tooltip_text(f"km {km:,.0f} from the Uzbek tripoint"))
        for km, (lon, lat) in zip(marks, points_at_chainage(border, marks), strict=True)
    ]).add_to(group)
    return LayerBundle([group], [
        LegendEntry("Tajikistan–Afghanistan border", BORDER_COLOR, "line"),
        LegendEntry(f"Border km mark (every {km_step:.0f} km)", BORDER_COLOR, "circle"),
    ])


def reference_border_layer(line: LineString, source: str, length_km: float) -> LayerBundle:
    """An independent source's version of the line, dashed, for comparison."""
    group = folium.FeatureGroup(name="Border, Natural Earth 10m (comparison)", show=False)
    folium.PolyLine(
        [(lat, lon) for lon, lat in line.coords], color=REFERENCE_COLOR, weight=2, dash_array="5 5",
        tooltip=folium.Tooltip(tooltip_text("Natural Earth 10m border", f"{length_km:,.1f} km")),
        popup=folium.Popup(popup_html("Border as drawn by Natural Earth 10m",
                                      [("Length (geodesic)", f"{length_km:,.1f} km"), ("Source", source)]),
                           max_width=360),
    ).add_to(group)
    return LayerBundle([group], [LegendEntry("Border, Natural Earth 10m", REFERENCE_COLOR, "dashed")])
