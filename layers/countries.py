"""Country outlines with light fills, so the two sides read without any basemap."""

from __future__ import annotations

import folium
import geopandas as gpd

from geo.sanitize import escape_html
from layers.base import LayerBundle, LegendEntry
from layers.geojson import StyledGeoJson

SIDE_COLORS = {"TJK": "#e0a526", "AFG": "#4f8f3a"}


#: Display simplification of country fills (degrees, ≈ 200 m); the border line itself is not simplified.
DISPLAY_TOLERANCE_DEG = 0.002


def countries_geojson(countries: gpd.GeoDataFrame, tolerance_deg: float = DISPLAY_TOLERANCE_DEG) -> str:
    """GeoJSON text of the countries (EPSG:4326) for display: iso3, escaped name, a label point,
    outlines simplified by ``tolerance_deg`` (topology kept) to halve the page's payload."""
    label = countries.geometry.representative_point()
    frame = countries[["iso3", "name", "geometry"]].assign(
        name=countries["name"].map(escape_html), label_lon=label.x.round(4), label_lat=label.y.round(4),
        geometry=countries.geometry.simplify(tolerance_deg, preserve_topology=True))
    return frame.to_json(drop_id=True)


def countries_layer(countries_json: str) -> LayerBundle:
    """Tajikistan and Afghanistan tinted, neighbours outlined (GeoJSON text from countries_geojson)."""
    group = folium.FeatureGroup(name="Countries")
    outline = {"color": "#666666", "weight": 1}
    StyledGeoJson(
        countries_json, "iso3",
        styles={iso3: {**outline, "fillColor": color, "fillOpacity": 0.10} for iso3, color in SIDE_COLORS.items()},
        default_style={**outline, "fillColor": "#999999", "fillOpacity": 0.03},
        interactive=True, tooltip_field="name",
    ).add_to(group)
    return LayerBundle([group], [
        LegendEntry("Tajikistan", SIDE_COLORS["TJK"], "fill"),
        LegendEntry("Afghanistan", SIDE_COLORS["AFG"], "fill"),
    ])
