"""Place symbols and their popups; one popup for all features under a click (BmStack)."""

from __future__ import annotations

import folium
import geopandas as gpd
import pytest

from layers.map import build_map
from layers.places import place_symbols, places_layer
from layers.points import CompactPoints, PointSymbol, points_group
from layers.scripts import StackPopups, heat_library, script, stack_library

EMPTY_FC = '{"type": "FeatureCollection", "features": []}'


@pytest.fixture()
def crossings() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["c1", "c2"], "name": ["Bridge <b>A</b>", "Ferry B"], "kind": ["crossing", "crossing"],
         "description": ["road bridge", "ferry"], "opened": [2007.0, float("nan")],
         "crossing_type": ["bridge", None], "source": ["AFP, 2007", "Asia-Plus"], "source_date": ["2007-08-26", None],
         "precision_km": [1.0, 5.0], "confidence": ["assessed", "approximate"]},
        geometry=gpd.points_from_xy([68.6053, 70.1], [37.1946, 37.5]), crs=4326)


def test_years_print_as_plain_digits_and_missing_fields_are_left_out(crossings):
    bridge, ferry = place_symbols(crossings, "crossing")
    assert "<th style='text-align:left;padding-right:6px;vertical-align:top'>Opened</th><td>2007</td>" in bridge.popup
    assert "2,007" not in bridge.popup and "2007.0" not in bridge.popup
    assert "Opened" not in ferry.popup  # unknown, not "—"


def test_place_names_reach_the_stack_list_escaped(crossings):
    bridge, _ = place_symbols(crossings, "crossing")
    assert bridge.name == "Bridge &lt;b&gt;A&lt;/b&gt;"


def test_points_register_with_the_stack_popup_and_keep_their_own_popup_without_it(crossings):
    group = places_layer(crossings, "crossing").groups[0]
    m = build_map([places_layer(crossings, "crossing")], EMPTY_FC)
    html = m.get_root().render()
    # BmStack is defined once, before the layers that register with it
    assert html.count("window.BmStack = ") == 1
    assert html.index("window.BmStack = ") < html.index("stack.provide(group")
    # the layer is named in the stack's list by its title
    points = next(c for c in group._children.values() if isinstance(c, CompactPoints))
    assert points.data["kind"] == "Border crossings and bridges"
    # a map without StackPopups: each marker binds its own popup (the script checks window.BmStack)
    bare = folium.Map(tiles=None)
    points_group("P", [PointSymbol(37.0, 70.0, "#123456", 5, popup="<b>x</b>")]).add_to(bare)
    bare_html = bare.get_root().render()
    assert "window.BmStack = " not in bare_html and "marker.bindPopup(d.popup[i]" in bare_html


def test_the_maps_scripts_are_inline_safe_and_heat_is_defined_only_once():
    for code in (stack_library(), script("incident_layer.js"), heat_library()):
        assert "</script" not in code.lower()
    assert heat_library().startswith("if (typeof L.heatLayer !== 'function') {")
    assert StackPopups().code == stack_library()
