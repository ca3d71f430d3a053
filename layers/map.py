"""Assembling the folium Map: basemaps, overlays, controls, legend.

The map is built from :class:`layers.base.LayerBundle` values; this module does not read
files or compute anything about the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium
from folium.plugins import Draw, Fullscreen, MeasureControl, MousePosition

from layers.base import LayerBundle, LegendEntry, legend_for
from layers.basemaps import (
    BASEMAP_NAMES,
    BASEMAP_PANE,
    OFFLINE,
    RELIEF_PANE,
    TILE_BASEMAPS,
    offline_basemap,
    tile_layer,
)
from layers.legend import Legend
from layers.scripts import StackPopups

#: Centre (lat, lon) and zoom that frame the whole border at a ~660-px-wide map (the page's map
#: fits the border's own bounds instead, see :class:`layers.view_sync.ViewSync`).
DEFAULT_VIEW = ((37.58, 71.33), 7.0)
#: Zoom levels snap to quarters, so a map fitted to the border fills its width at any size.
ZOOM_SNAP = 0.25


@dataclass(frozen=True)
class MapView:
    """Centre (lat, lon in degrees) and Leaflet zoom level (quarters allowed) of the map."""

    center: tuple[float, float] = DEFAULT_VIEW[0]
    zoom: float = DEFAULT_VIEW[1]

    def __post_init__(self) -> None:
        lat, lon = self.center
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"map centre must be (lat, lon) in degrees, got {self.center!r}")
        if not 1 <= self.zoom <= 19:
            raise ValueError(f"zoom must be 1–19, got {self.zoom!r}")


def build_map(
    bundles: Sequence[LayerBundle],
    countries_json: str,
    basemap: str = OFFLINE,
    view: MapView | None = None,
    extra_base_overlays: Sequence[folium.map.Layer] = (),
    draw: bool = False,
    live: bool = False,
) -> folium.Map:
    """A folium Map with every basemap (``basemap`` shown first; the offline one drawn from
    ``countries_json``), the overlays of ``bundles``, one popup for all features under a click
    (:class:`layers.scripts.StackPopups`), Fullscreen, MeasureControl, MousePosition, a legend
    and — for a map on its own, e.g. an exported file — a layer switcher the legend follows.

    ``extra_base_overlays`` (e.g. a hillshade image) are added right above the basemap.
    ``live=True``: the page's map, whose sidebar alone decides the basemap and the overlays (so
    the map has no layer switcher of its own to disagree with it, see :func:`layer_control_for`);
    layers are also sent apart from the map (the incidents) and the legend keeps a slot for
    their lines.
    """
    if basemap not in BASEMAP_NAMES:
        raise ValueError(f"basemap must be one of {', '.join(BASEMAP_NAMES)}; got {basemap!r}")
    view = view or MapView()
    # folium types zoom_start as int; Leaflet takes fractional zooms (zoomSnap)
    m = folium.Map(location=view.center, zoom_start=view.zoom,  # type: ignore[arg-type]
                   tiles=None, control_scale=True,
                   prefer_canvas=False, min_zoom=4, max_bounds=False, zoom_snap=ZOOM_SNAP)
    # panes: offline fills (250) < relief images (300) < vector overlays (400, Leaflet's overlayPane)
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(m)
    folium.map.CustomPane(RELIEF_PANE, z_index=300, pointer_events=False).add_to(m)
    # relief multiplies with what lies under it, so flat land keeps its colour; a clicked shape
    # (a country, a zone) gets no browser focus outline: its box was drawn across the map
    m.get_root().header.add_child(folium.Element(  # type: ignore[attr-defined]
        f"<style>.leaflet-{RELIEF_PANE}-pane{{mix-blend-mode:multiply}}"
        "path.leaflet-interactive:focus{outline:none}</style>"))
    offline_basemap(countries_json, show=basemap == OFFLINE).add_to(m)
    for name in TILE_BASEMAPS:
        tile_layer(name, show=basemap == name).add_to(m)
    for overlay in extra_base_overlays:
        overlay.add_to(m)
    StackPopups().add_to(m)  # before the point layers, which register with it
    entries: list[LegendEntry] = []
    layers_of: dict[LegendEntry, list[folium.FeatureGroup]] = {}
    for bundle in bundles:
        for group in bundle.groups:
            group.add_to(m)
        entries.extend(bundle.legend)
        for entry in bundle.legend:
            layers_of.setdefault(entry, []).extend(bundle.groups)
    Fullscreen(position="topleft").add_to(m)
    MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="meters",
                   primary_area_unit="sqkilometers").add_to(m)
    MousePosition(position="bottomleft", separator=" , ", prefix="lat, lon:", empty_string="lat, lon: –",
                  lat_formatter="function(n){return L.Util.formatNum(n,5);}",
                  lng_formatter="function(n){return L.Util.formatNum(n,5);}").add_to(m)
    if draw:  # analysts outline zones (polygons and rectangles) to save on the page
        Draw(export=False, position="topleft",
             draw_options={"polyline": False, "circle": False, "marker": False, "circlemarker": False,
                           "polygon": {"allowIntersection": False, "showArea": True}, "rectangle": True},
             edit_options={"edit": False, "remove": True}).add_to(m)
    if not live:
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    if entries or live:
        # every line tied to its layers: a line whose layers are all switched off is hidden
        Legend(legend_for(entries), live_slot=live, layers=layers_of).add_to(m)
    return m


def layer_control_for() -> folium.LayerControl | None:
    """The layer switcher of the page's map: none. On the page the sidebar alone decides the
    basemap and the overlays — what the legend lists, the snapshot and the print map show — so
    an in-map switcher could only disagree with it (a map on its own gets one, see
    :func:`build_map`)."""
    return None
