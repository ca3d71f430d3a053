"""The map itself: overlays assembled into a folium Map and shown by st_folium.

The map reports its clicks, the shape last drawn, and its centre/zoom/bounds when the user
stops panning; the view is passed back on the next run, so toggling a layer or saving an
incident keeps the map where the analyst left it, and snapshots show that same view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.crs import REGION_BOUNDS
from geo.scene_data import SceneData
from layers.assets import localize_assets
from layers.base import LayerBundle
from layers.legend import LiveLegend
from layers.map import MapView, layer_control_for
from layers.scene import SceneOptions, build_scene_map

#: Only the events the page uses come back from the browser.
RETURNED_OBJECTS = ["last_clicked", "last_active_drawing", "center", "zoom", "bounds"]
MAP_KEY = "main_map"
#: Inside the map's frame: the map takes the frame's whole height (st_folium sets it in pixels).
FILL_FRAME_CSS = "<style>#map_div, #map_div2 { height: 100vh !important; }</style>"


def _state() -> dict[str, Any]:
    value = st.session_state.get(MAP_KEY)
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class MapEvent:
    """What the map reported to this script run, read once (see :func:`read_map_event`).

    ``click`` is the last click, on the map or on a marker, as (lat, lon) degrees EPSG:4326 rounded
    to 1e-6; ``drawing`` the GeoJSON Feature last drawn with the draw tool; ``view`` the centre and
    zoom; ``bbox`` (W, S, E, N) degrees of what the map showed, clipped to the region.
    """

    click: tuple[float, float] | None = None
    drawing: Mapping[str, Any] | None = None
    view: MapView = field(default_factory=MapView)
    bbox: tuple[float, float, float, float] | None = None


def _click(state: Mapping[str, Any]) -> tuple[float, float] | None:
    click = state.get("last_clicked")
    try:
        return (round(float(click["lat"]), 6), round(float(click["lng"]), 6))  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None


def read_map_event() -> MapEvent:
    """The map's report for this run: the one place that reads the map's return value."""
    state = _state()
    drawing = state.get("last_active_drawing")
    return MapEvent(click=_click(state),
                    drawing=drawing if isinstance(drawing, dict) and drawing.get("geometry") else None,
                    view=current_view(), bbox=current_bbox())


def current_view() -> MapView:
    """The centre (lat, lon) and zoom the map last reported, or the default view."""
    state = _state()
    center, zoom = state.get("center") or {}, state.get("zoom")
    try:
        return MapView(center=(float(center["lat"]), float(center["lng"])), zoom=int(zoom))
    except (KeyError, TypeError, ValueError):
        return MapView()


def current_bbox() -> tuple[float, float, float, float] | None:
    """(W, S, E, N) degrees of what the map last showed, clipped to the region; None if unknown."""
    bounds = _state().get("bounds") or {}
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        w, s, e, n = float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"])
    except (KeyError, TypeError, ValueError):
        return None
    rw, rs, re_, rn = REGION_BOUNDS
    w, s, e, n = max(w, rw), max(s, rs), min(e, re_), min(n, rn)
    return (w, s, e, n) if w < e and s < n else None


def show_map(data: SceneData, options: SceneOptions, height: int = 620,
             extra_bundles: Sequence[LayerBundle] = (),
             extra_base_overlays: Sequence[folium.map.Layer] = (),
             live_bundles: Sequence[LayerBundle] = (), fill_frame: bool = False) -> dict[str, Any]:
    """Render the map for ``options`` plus the page's analysis layers, at the view the user left
    it; return what st_folium returns.

    ``live_bundles`` (the incidents, the page's pin and preview marker) are sent apart from the map:
    when only they change — a saved, edited or filtered incident, a click — the map in the browser
    stays as it is and swaps those layers, instead of being loaded afresh (a blank map for a moment
    after every write).

    ``fill_frame``: the map fills its frame's height (the page sizes the frame with CSS, see
    :mod:`ui.layout`) instead of keeping ``height`` pixels.
    """
    view = current_view()
    m = localize_assets(build_scene_map(data, options, MapView(), extra_base_overlays, extra_bundles,
                                        draw=True, live=True))
    if fill_frame:
        m.get_root().header.add_child(folium.Element(FILL_FRAME_CSS))  # type: ignore[attr-defined]
    # always a live layer (an empty one when nothing is live), so the legend's live lines clear
    groups = [g for bundle in live_bundles for g in bundle.groups] or [
        folium.FeatureGroup(name="Incidents", control=False)]
    LiveLegend([entry for bundle in live_bundles for entry in bundle.legend]).add_to(groups[0])
    # render=False: st_folium renders the Map (and so every layer) itself; rendering the whole
    # Figure first as well would draw every layer twice
    result = st_folium(m, key=MAP_KEY, height=height, use_container_width=True, render=False,
                       returned_objects=RETURNED_OBJECTS, center=view.center, zoom=view.zoom,
                       feature_group_to_add=[localize_assets(g) for g in groups], layer_control=layer_control_for())
    return result or {}
