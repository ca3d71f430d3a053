"""Polygons from cached GeoJSON text: bounds, styles, and text that cannot end the script."""

from __future__ import annotations

import json

import folium

from layers.countries import countries_geojson, countries_layer
from layers.geojson import StyledGeoJson, geojson_bounds

SQUARE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"iso3": "TJK", "name": "</script><script>alert(1)</script>{{ 7*7 }}"},
     "geometry": {"type": "Polygon", "coordinates": [[[67.3, 36.6], [75.2, 36.6], [75.2, 41.0], [67.3, 36.6]]]}},
    {"type": "Feature", "properties": {"iso3": "XXX", "name": "other"},
     "geometry": {"type": "Polygon", "coordinates": [[[60.5, 29.4], [61.0, 29.4], [61.0, 30.0], [60.5, 29.4]]]}},
]}


def _script(element: StyledGeoJson) -> str:
    m = folium.Map(tiles=None)
    group = folium.FeatureGroup(name="g").add_to(m)
    element.add_to(group)
    return m.get_root().render()


def test_bounds_come_from_the_text_and_reach_the_map():
    text = json.dumps(SQUARE)
    assert geojson_bounds(text) == ((29.4, 60.5), (41.0, 75.2))
    m = folium.Map(tiles=None)
    StyledGeoJson(text, "iso3", {}, {"color": "#000"}).add_to(folium.FeatureGroup(name="g").add_to(m))
    assert m.get_bounds() == [[29.4, 60.5], [41.0, 75.2]]


def test_text_is_inserted_script_safe_and_not_run_as_a_template():
    html = _script(StyledGeoJson(json.dumps(SQUARE), "iso3", {"TJK": {"fillColor": "#e0a526"}},
                                 {"fillColor": "#999999"}, tooltip_field="name", interactive=True))
    script = html.split("L.geoJSON(", 1)[1]
    # the name arrives as the escaped literal: "{{ 7*7 }}" was neither run (→ 49) nor dropped
    assert "</script><script>alert" not in script and "\\u007b{ 7*7 }}" in script.split(", {")[0]
    data = json.loads(script.split(", {\n", 1)[0])  # the same values come back out of the page
    assert data["features"][0]["properties"]["name"] == SQUARE["features"][0]["properties"]["name"]
    options = json.loads(html.split("var o = ", 1)[1].split(";\n", 1)[0])
    assert options["styles"] == {"TJK": {"fillColor": "#e0a526"}} and options["tooltipField"] == "name"


def test_countries_overlay_tints_the_two_sides(scene_data):
    text = countries_geojson(scene_data.countries)
    html = _script(countries_layer(text).groups[0])
    options = json.loads(html.split("var o = ", 1)[1].split(";\n", 1)[0])
    assert options["styles"]["TJK"]["fillColor"] == "#e0a526" and options["styles"]["AFG"]["fillColor"] == "#4f8f3a"
    assert options["defaultStyle"]["fillOpacity"] < options["styles"]["TJK"]["fillOpacity"]
    (south, west), (north, east) = geojson_bounds(text)
    assert south < 36.0 < 39.0 < north and west < 67.5 < 75.0 < east
