"""Crossing status on a date, drawn as a ring around each crossing (a live layer).

The status comes from each crossing's sourced history (:func:`geo.place_status.status_as_of`)
on the page's date — the end of the date filter, or the month the time playback shows — so
a crossing closed on that date is drawn closed. Reports of confidence ``claimed`` (e.g. an
article cited but not retrieved) are dashed. The crossing symbols themselves stay as they are.
"""

from __future__ import annotations

import datetime as dt

import folium
import geopandas as gpd

from geo.place_status import status_as_of
from layers.base import LayerBundle, LegendEntry, tooltip_text

CLOSED_COLOR = "#d7301f"
OPEN_COLOR = "#1a9850"
RING_RADIUS_PX = 12
LAYER_NAME = "Crossing status"


def crossing_states(places: gpd.GeoDataFrame, as_of: dt.date) -> list[dict]:
    """(for each crossing with a status on ``as_of``) ``id``, ``name``, ``lat``, ``lon`` (degrees),
    ``closed`` (bool: the status says closed), ``claimed`` (bool) and ``text`` (the status line)."""
    crossings = places[places["kind"] == "crossing"]
    out = []
    for props, geom in zip(crossings.drop(columns="geometry").to_dict("records"), crossings.geometry, strict=True):
        status = status_as_of(props, as_of)
        if status is None:
            continue
        out.append({"id": props.get("id"), "name": props.get("name"), "lat": float(geom.y), "lon": float(geom.x),
                    "closed": "closed" in status.status.lower(), "claimed": status.entry.confidence == "claimed",
                    "text": status.text})
    return out


def crossing_status_layer(places: gpd.GeoDataFrame, as_of: dt.date) -> LayerBundle:
    """Rings around the crossings of ``places`` (EPSG:4326): red where closed on ``as_of``,
    green where open; dashed where the report is only claimed. Tooltips give the status line."""
    group = folium.FeatureGroup(name=LAYER_NAME, control=False)
    states = crossing_states(places, as_of)
    for s in states:
        folium.CircleMarker(
            [s["lat"], s["lon"]], radius=RING_RADIUS_PX, color=CLOSED_COLOR if s["closed"] else OPEN_COLOR,
            weight=3, fill=False, dash_array="4 3" if s["claimed"] else None,
            tooltip=folium.Tooltip(tooltip_text(s["name"], f"on {as_of.isoformat()}: {s['text']}")),
        ).add_to(group)
    legend = []
    if any(s["closed"] for s in states):
        legend.append(LegendEntry(f"Crossing closed on {as_of.isoformat()} (dashed: claimed)", CLOSED_COLOR, "hollow"))
    if any(not s["closed"] for s in states):
        legend.append(LegendEntry(f"Crossing open on {as_of.isoformat()}", OPEN_COLOR, "hollow"))
    return LayerBundle([group], legend)
