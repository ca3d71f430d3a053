"""Reference places: crossings, 201st Base garrisons, Chinese sites, towns.

Each kind is its own toggleable FeatureGroup. Approximate locations are drawn as hollow,
dashed markers with a dashed circle of their precision radius.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd

from layers.base import LayerBundle, LegendEntry, add_point, popup_html, precision_rows, tooltip_text


@dataclass(frozen=True)
class PlaceStyle:
    """How one kind of place is drawn and named."""

    title: str
    color: str
    radius_px: float
    extra_fields: tuple[tuple[str, str], ...] = ()


PLACE_STYLES: dict[str, PlaceStyle] = {
    "crossing": PlaceStyle("Border crossings and bridges", "#1f6fb4", 7,
                           (("opened", "Opened"), ("crossing_type", "Type"),
                            ("official_crossing", "On the Tajik MFA's list of crossings"))),
    "garrison": PlaceStyle("Russian 201st Military Base", "#8b0000", 8, (("status", "Status"),)),
    "garrison_history": PlaceStyle("201st Base, former garrisons", "#9e9e9e", 6, (("status", "Status"),)),
    "chinese_site": PlaceStyle("Chinese project and security sites", "#e6b800", 7),
    "town": PlaceStyle("Towns", "#333333", 3.5),
}


def place_kinds(places: gpd.GeoDataFrame) -> list[str]:
    """Kinds present in ``places``, in the order of :data:`PLACE_STYLES`."""
    present = set(places["kind"]) if "kind" in places else set()
    return [k for k in PLACE_STYLES if k in present]


def places_layer(places: gpd.GeoDataFrame, kind: str, show_precision: bool = True) -> LayerBundle:
    """One FeatureGroup for the places of ``kind`` (EPSG:4326 points)."""
    style = PLACE_STYLES[kind]
    group = folium.FeatureGroup(name=style.title)
    subset = places[places["kind"] == kind]
    any_approx = False
    for _, row in subset.iterrows():
        props = {k: v for k, v in row.items() if k != "geometry"}
        rows = [("Kind", style.title), ("What", props.get("description")),
                ("Coordinates (lat, lon)", f"{row.geometry.y:.4f}, {row.geometry.x:.4f}")]
        rows += [(label, props.get(key)) for key, label in style.extra_fields if props.get(key) is not None]
        rows += precision_rows(props)
        approximate = props.get("confidence") == "approximate"
        any_approx = any_approx or approximate
        add_point(group, row.geometry.y, row.geometry.x, props, color=style.color, radius_px=style.radius_px,
                  popup=popup_html(props.get("name"), rows, link=props.get("source_url")),
                  tooltip=tooltip_text(props.get("name"), "approximate location" if approximate else None),
                  show_precision=show_precision)
        if kind == "town":
            folium.Marker(
                (row.geometry.y, row.geometry.x),
                icon=folium.DivIcon(
                    html=f"<div style='font:11px sans-serif;color:#222;white-space:nowrap;"
                    f"text-shadow:0 0 3px #fff,0 0 3px #fff'>{tooltip_text(props.get('name'))}</div>",
                    icon_size=(120, 14), icon_anchor=(-6, 7)),
                interactive=False,
            ).add_to(group)
    legend = [LegendEntry(style.title, style.color, "circle")]
    if any_approx:
        legend.append(LegendEntry(f"{style.title}: approximate location (dashed = precision radius)",
                                  style.color, "hollow"))
    return LayerBundle([group], legend)
