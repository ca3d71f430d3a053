"""Basemaps: three tile services for users with internet, and an offline one built from our
own country polygons (and hillshade when a DEM is loaded) that stays legible with no tiles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import folium

from layers.geojson import StyledGeoJson

OFFLINE = "Offline (no tiles)"
#: Map panes (created by layers.map.build_map): offline fills under relief images under overlays.
BASEMAP_PANE = "bm_basemap"
RELIEF_PANE = "bm_relief"


@dataclass(frozen=True)
class TileBasemap:
    """A tile service: XYZ URL template, attribution, max zoom."""

    name: str
    url: str
    attribution: str
    max_zoom: int = 18


TILE_BASEMAPS: dict[str, TileBasemap] = {
    b.name: b
    for b in (
        TileBasemap(
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors",
            19,
        ),
        TileBasemap(
            "OpenTopoMap",
            "https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png",
            "Map data &copy; OpenStreetMap contributors, SRTM | style &copy; OpenTopoMap (CC-BY-SA)",
            17,
        ),
        TileBasemap(
            "Esri World Imagery",
            "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
            "Tiles &copy; Esri — Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community",
            18,
        ),
    )
}

BASEMAP_NAMES: tuple[str, ...] = (*TILE_BASEMAPS, OFFLINE)

COUNTRY_FILLS = {
    "TJK": "#f3e6c8", "AFG": "#dfe9d0", "UZB": "#ececec", "KGZ": "#ececec",
    "CHN": "#ececec", "PAK": "#ececec", "TKM": "#ececec",
}


def tile_layer(name: str, show: bool) -> folium.TileLayer:
    """A folium base TileLayer for one of :data:`TILE_BASEMAPS`."""
    b = TILE_BASEMAPS[name]
    return folium.TileLayer(tiles=b.url, attr=b.attribution, name=b.name, max_zoom=b.max_zoom,
                            overlay=False, control=True, show=show)


#: Where the offline basemap writes a country's name (lat, lon); others use the polygon's own point.
#: China's clipped polygon puts its own point off-screen; Afghanistan's fell under the scale bar.
LABEL_POSITIONS = {"CHN": (38.6, 77.0), "AFG": (36.05, 67.6)}
LABEL_CSS = "font:600 13px sans-serif;color:#555;white-space:nowrap;text-shadow:0 0 3px #fff"


@lru_cache(maxsize=8)
def country_labels(countries_json: str) -> tuple[tuple[float, float, str], ...]:
    """(lat, lon, escaped name) of each country's label, from the GeoJSON text (cached per text)."""
    labels = []
    for feature in json.loads(countries_json)["features"]:
        props = feature["properties"]
        lat, lon = LABEL_POSITIONS.get(props["iso3"], (props["label_lat"], props["label_lon"]))
        labels.append((lat, lon, props["name"]))
    return tuple(labels)


def offline_basemap(countries_json: str, show: bool) -> folium.FeatureGroup:
    """A base layer drawn from the country polygons: pale fills, outlines, names.

    ``countries_json`` is GeoJSON text from :func:`layers.countries.countries_geojson`
    (EPSG:4326, names already escaped). Needs no network; hillshade can be added on top.
    """
    group = folium.FeatureGroup(name=OFFLINE, overlay=False, control=True, show=show)
    outline = {"color": "#7a7a7a", "weight": 1, "fillOpacity": 1.0}
    StyledGeoJson(
        countries_json, "iso3",
        styles={iso3: {**outline, "fillColor": color} for iso3, color in COUNTRY_FILLS.items()},
        default_style={**outline, "fillColor": "#eeeeee"},
        pane=BASEMAP_PANE, labels=country_labels(countries_json), label_style=LABEL_CSS,
    ).add_to(group)
    return group
