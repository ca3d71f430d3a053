"""Incidents overlay (first version: one marker per incident with a full popup)."""

from __future__ import annotations

import folium
import geopandas as gpd

from layers.base import (
    LayerBundle,
    LegendEntry,
    add_point,
    is_missing,
    popup_html,
    precision_rows,
    tooltip_text,
)

EVENT_TYPE_COLORS = {
    "Battles": "#7b3294",
    "Explosions/Remote violence": "#e66101",
    "Violence against civilians": "#b2182b",
    "Riots": "#5e3c99",
    "Protests": "#4393c3",
    "Strategic developments": "#1a9850",
}
OTHER_COLOR = "#666666"


def incidents_layer(incidents: gpd.GeoDataFrame, show_precision: bool = True) -> LayerBundle:
    """Incidents coloured by ACLED event type, sized by fatalities (EPSG:4326 points)."""
    group = folium.FeatureGroup(name="Incidents")
    seen_types: list[str] = []
    for _, row in incidents.iterrows():
        props = {k: v for k, v in row.items() if k != "geometry"}
        etype = str(props.get("event_type") or "")
        color = EVENT_TYPE_COLORS.get(etype, OTHER_COLOR)
        if etype and etype not in seen_types:
            seen_types.append(etype)
        fatalities = 0 if is_missing(props.get("fatalities")) else int(props["fatalities"])
        rows = [("Date", props.get("event_date")), ("Event type", etype),
                ("Sub-event type", props.get("sub_event_type")), ("Actors", " vs ".join(
                    str(a) for a in (props.get("actor1"), props.get("actor2")) if a)),
                ("Location", props.get("location")), ("Fatalities", fatalities),
                ("Injured", props.get("injured")), ("Nationals affected", props.get("nationals")),
                ("Attributed origin", props.get("origin")), ("Notes", props.get("notes"))]
        rows += precision_rows(props)
        add_point(group, row.geometry.y, row.geometry.x, props, color=color,
                  radius_px=6 + min(float(fatalities), 20.0) ** 0.5 * 2.5,
                  popup=popup_html(f"{props.get('event_date')} — {props.get('location')}", rows,
                                   link=props.get("source_url")),
                  tooltip=tooltip_text(props.get("event_date"), props.get("sub_event_type") or etype,
                                       f"{fatalities} killed"),
                  show_precision=show_precision)
    legend = [LegendEntry(f"Incident: {t}", EVENT_TYPE_COLORS.get(t, OTHER_COLOR)) for t in seen_types]
    return LayerBundle([group], legend)
