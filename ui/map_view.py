"""The map itself: overlays assembled into a folium Map and shown by st_folium.

The map reports clicks (on the map or on a marker) and the shape last drawn — those run the
script. Panning and zooming run nothing: the map writes its view into the page's address
(:mod:`layers.view_sync`), which Streamlit sends with the next script run, so toggling a
layer, saving an incident or asking for a snapshot sees the view the analyst left, and a map
built afresh (another basemap) returns to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
import streamlit as st
import streamlit.components.v1 as components
from branca.element import Element

# private helpers of streamlit-folium (pinned): the live layers are written exactly as st_folium
# writes its own feature_group_to_add and layer_control
from streamlit_folium import _get_feature_group_string, _get_layer_control_string, st_folium

from geo.crs import REGION_BOUNDS
from geo.scene_data import SceneData
from layers.assets import localize_assets
from layers.base import LayerBundle
from layers.legend import LiveLegend
from layers.live_receiver import LiveReceiver
from layers.map import MapView, layer_control_for
from layers.scene import SceneOptions, build_scene_map
from layers.view_sync import BBOX_PARAM, VIEW_PARAM, ViewSync

#: Only the events the page uses come back from the browser (no view: a pan runs no script).
RETURNED_OBJECTS = ["last_clicked", "last_object_clicked", "last_active_drawing"]
MAP_KEY = "main_map"
#: Inside the map's frame: the map takes the frame's whole height (st_folium sets it in pixels).
FILL_FRAME_CSS = "<style>#map_div, #map_div2 { height: 100vh !important; }</style>"
#: Session keys: the view of the address the session opened with; the clicks last seen.
_INITIAL_KEY = "map_initial_view"
_CLICKS_KEY = "map_clicks_seen"


def _state() -> dict[str, Any]:
    value = st.session_state.get(MAP_KEY)
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class MapEvent:
    """What the map reported to this script run, read once (see :func:`read_map_event`).

    ``click`` is the last click, on the map or on a marker, as (lat, lon) degrees EPSG:4326 rounded
    to 1e-6; ``drawing`` the GeoJSON Feature last drawn with the draw tool; ``view`` the centre and
    zoom; ``bbox`` (W, S, E, N) degrees of what the map showed, clipped to the region — both as
    the map left them in the page's address (:mod:`layers.view_sync`).
    """

    click: tuple[float, float] | None = None
    drawing: Mapping[str, Any] | None = None
    view: MapView = field(default_factory=MapView)
    bbox: tuple[float, float, float, float] | None = None


def _latlon(value: Any) -> tuple[float, float] | None:
    try:
        return (round(float(value["lat"]), 6), round(float(value["lng"]), 6))
    except (KeyError, TypeError, ValueError):
        return None


def _click(state: Mapping[str, Any]) -> tuple[float, float] | None:
    """The newest click, on the map (``last_clicked``) or on a marker (``last_object_clicked``):
    whichever changed since the last run; the one chosen then if neither did."""
    map_click, marker_click = _latlon(state.get("last_clicked")), _latlon(state.get("last_object_clicked"))
    seen = st.session_state.get(_CLICKS_KEY) or (None, None, None)
    chosen = seen[2]
    if marker_click is not None and marker_click != seen[1]:
        chosen = marker_click
    elif map_click is not None and map_click != seen[0]:
        chosen = map_click
    elif map_click is None and marker_click is None:
        chosen = None
    st.session_state[_CLICKS_KEY] = (map_click, marker_click, chosen)
    return chosen


def read_map_event() -> MapEvent:
    """The map's report for this run: the one place that reads the map's return value."""
    state = _state()
    drawing = state.get("last_active_drawing")
    return MapEvent(click=_click(state),
                    drawing=drawing if isinstance(drawing, dict) and drawing.get("geometry") else None,
                    view=current_view(), bbox=current_bbox())


def parse_view(text: object) -> MapView | None:
    """``"lat,lon,zoom"`` (degrees, Leaflet zoom) as a MapView, or None if it is not one."""
    try:
        lat, lon, zoom = (float(p) for p in str(text).split(","))
        return MapView(center=(round(lat, 6), round(lon, 6)), zoom=round(zoom * 4) / 4)
    except (TypeError, ValueError):
        return None


def parse_bbox(text: object) -> tuple[float, float, float, float] | None:
    """``"W,S,E,N"`` degrees clipped to the region, or None if it is not a box inside it."""
    try:
        w, s, e, n = (float(p) for p in str(text).split(","))
    except (TypeError, ValueError):
        return None
    rw, rs, re_, rn = REGION_BOUNDS
    w, s, e, n = max(w, rw), max(s, rs), min(e, re_), min(n, rn)
    return (w, s, e, n) if w < e and s < n else None


def _initial() -> tuple[MapView | None, tuple[float, float, float, float] | None]:
    """The view in the address the session was opened with (a link to a view, a reload).

    Read once, then taken out of the address: while Streamlit's page holds query parameters
    of its own it sends those instead of the address the map keeps writing.
    """
    if _INITIAL_KEY not in st.session_state:
        params = st.query_params
        found = (parse_view(params.get(VIEW_PARAM)), parse_bbox(params.get(BBOX_PARAM)))
        st.session_state[_INITIAL_KEY] = found
        for name in (VIEW_PARAM, BBOX_PARAM):
            if name in params:
                del params[name]
    value = st.session_state[_INITIAL_KEY]
    return value if isinstance(value, tuple) and len(value) == 2 else (None, None)


def current_view() -> MapView:
    """The centre (lat, lon) and zoom the map shows (as its address says), or the default view."""
    initial = _initial()
    return parse_view(st.query_params.get(VIEW_PARAM)) or initial[0] or MapView()


def current_bbox() -> tuple[float, float, float, float] | None:
    """(W, S, E, N) degrees of what the map shows, clipped to the region; None if unknown."""
    initial = _initial()
    return parse_bbox(st.query_params.get(BBOX_PARAM)) or initial[1]


def _stable_ids(root: Element, start: int) -> None:
    """Number every element under ``root`` in tree order (folium gives each a random id).

    The same map then renders to the same script on every run, so Streamlit sends it once
    and afterwards only a reference to it (its message cache), and the browser keeps it.
    Ids are 32 hex digits, like folium's, so none is a prefix of another.
    """
    order: list[Element] = []
    stack: list[Element] = [root]
    while stack:
        elem = stack.pop()
        order.append(elem)
        children = list(getattr(elem, "_children", {}).values())
        # a Popup keeps its content in these three elements, outside _children
        children += [part for part in (getattr(elem, name, None) for name in ("header", "html", "script"))
                     if isinstance(part, Element) and part is not elem]
        stack.extend(reversed(children))
    old_names = {id(e): e.get_name() for e in order}
    for k, elem in enumerate(order, start):
        elem._id = f"{k:032x}"
    for elem in order:  # children are filed under their name (templates use it as a variable)
        kids = getattr(elem, "_children", None)
        if kids:
            items = [(child.get_name() if key == old_names.get(id(child)) else key, child)
                     for key, child in kids.items()]
            kids.clear()
            kids.update(items)


def show_map(data: SceneData, options: SceneOptions, height: int = 620,
             extra_bundles: Sequence[LayerBundle] = (),
             extra_base_overlays: Sequence[folium.map.Layer] = (),
             live_bundles: Sequence[LayerBundle] = (), fill_frame: bool = False) -> dict[str, Any]:
    """Render the map for ``options`` plus the page's analysis layers, at the view the user left
    it; return what st_folium returns.

    ``live_bundles`` (the incidents, the page's pin and preview marker) are sent apart from the
    map (:mod:`layers.live_receiver`): when only they change — a saved, edited or filtered
    incident, a click — the map in the browser stays as it is and swaps those layers, and only
    their few KB of script travel, not the map again.

    ``fill_frame``: the map fills its frame's height (the page sizes the frame with CSS, see
    :mod:`ui.layout`) instead of keeping ``height`` pixels.
    """
    initial, _ = _initial()
    # built at the default view, always: the map's script — and so the map in the browser —
    # stays the same while only the view changes; the view comes from the address (ViewSync)
    m = localize_assets(build_scene_map(data, options, MapView(), extra_base_overlays, extra_bundles,
                                        draw=True, live=True))
    if fill_frame:
        m.get_root().header.add_child(folium.Element(FILL_FRAME_CSS))  # type: ignore[attr-defined]
    ViewSync(fit_bounds=data.border.line.bounds).add_to(m)  # fitted when the address has no view
    LiveReceiver().add_to(m)
    # always a live layer (an empty one when nothing is live), so the legend's live lines clear
    groups = [g for bundle in live_bundles for g in bundle.groups] or [
        folium.FeatureGroup(name="Incidents", control=False)]
    LiveLegend([entry for bundle in live_bundles for entry in bundle.legend]).add_to(groups[0])
    _stable_ids(m, 0)
    for k, g in enumerate(groups):
        _stable_ids(g, (k + 1) << 20)
    # render=False: st_folium renders the Map (and so every layer) itself; rendering the whole
    # Figure first as well would draw every layer twice
    result = st_folium(m, key=MAP_KEY, height=height, use_container_width=True, render=False,
                       returned_objects=RETURNED_OBJECTS,
                       # the same all session long (else each rerun would send the map again)
                       center=initial.center if initial else None, zoom=initial.zoom if initial else None)
    _live_layers_send(_live_script(m, [localize_assets(g) for g in groups]))
    return result or {}


_live_layers = components.declare_component("live_layers", path=str(Path(__file__).with_name("live_layers")))


def _live_script(m: folium.Map, groups: Sequence[folium.FeatureGroup]) -> str:
    """The script that builds ``groups`` and the layer switcher on the map in the browser —
    written as st_folium writes its ``feature_group_to_add`` (after it has rendered ``m``, whose
    layers the switcher names)."""
    script = "".join(_get_feature_group_string(g, map=m, idx=k) for k, g in enumerate(groups))
    control = layer_control_for()  # none on the page: the sidebar alone decides what is on
    return script + (_get_layer_control_string(control, m) if control is not None else "")


def _live_layers_send(script: str) -> None:
    spec = {"js": script, "version": hashlib.sha256(script.encode("utf-8")).hexdigest()[:16]}
    _live_layers(spec=spec, key="live_layers", default=None)
