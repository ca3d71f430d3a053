"""The page's map renders to the same script on every run (so Streamlit sends it once)."""

from __future__ import annotations

from streamlit_folium import _get_map_string

from layers.basemaps import OFFLINE
from layers.map import MapView
from layers.scene import SceneOptions, build_scene_map
from ui.map_view import _stable_ids


def _script(scene_data) -> str:
    m = build_scene_map(scene_data, SceneOptions(basemap=OFFLINE), MapView(), draw=True, live=True)
    _stable_ids(m, 0)
    m.render()
    return _get_map_string(m)


def test_the_same_map_gives_the_same_script(scene_data):
    first, second = _script(scene_data), _script(scene_data)
    assert first == second
    assert "popup" in first and "html_0000" in first  # popups' contents are numbered too
