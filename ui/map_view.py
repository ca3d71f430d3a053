"""The map itself: overlays assembled into a folium Map and shown by st_folium."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
from streamlit_folium import st_folium

from layers.assets import localize_assets
from layers.base import LayerBundle
from layers.map import MapView
from layers.scene import SceneData, SceneOptions, build_scene_map

#: Only the events the page uses come back from the browser, so panning does not rerun.
RETURNED_OBJECTS = ["last_clicked", "last_active_drawing"]


def show_map(data: SceneData, options: SceneOptions, height: int = 620,
             extra_bundles: Sequence[LayerBundle] = (),
             extra_base_overlays: Sequence[folium.map.Layer] = ()) -> dict[str, Any]:
    """Render the map for ``options`` plus the page's analysis layers; return what st_folium
    returns (the last click)."""
    m = localize_assets(build_scene_map(data, options, MapView(), extra_base_overlays, extra_bundles,
                                        draw=True))
    result = st_folium(m, key="main_map", height=height, use_container_width=True,
                       returned_objects=RETURNED_OBJECTS)
    return result or {}
