"""Data text never runs as a Jinja template on the server.

branca re-compiles every rendered script as a Jinja template, so "{{ … }}" or "{% … %}" in an
incident's notes or a place's name would be executed by the Python process that renders the map.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo.assets import Asset
from layers.assets import standalone_html
from layers.coverage import assets_layer, drawn_zones_layer
from layers.incidents import incidents_layer
from layers.map import build_map
from layers.places import places_layer
from layers.scene import basemap_json

PAYLOADS = ["{{ 123456*2 }}", "{% for i in range(3) %}Zq{% endfor %}", "{# hidden #}visible",
            "{{ cycler.__init__.__globals__.os.getcwd() }}"]
EVALUATED = ["246912", "ZqZqZq"]


def _render(bundles, scene_data) -> str:
    return standalone_html(build_map(bundles, basemap_json(scene_data)))


def _assert_inert(html: str, text: str) -> None:
    for result in EVALUATED:
        assert result not in html
    # the text itself is still there (braces as entities), not swallowed by Jinja
    inner = text.strip("{}%# ").split()[0]
    assert inner in html


@pytest.mark.parametrize("text", PAYLOADS)
def test_place_names_are_not_templates(scene_data, hostile_places, text):
    places = hostile_places.assign(name=text, description=text)
    _assert_inert(_render([places_layer(places, "chinese_site")], scene_data), text)


@pytest.mark.parametrize("n", [3, 5000], ids=["plain-json", "compressed"])
def test_incident_text_is_not_a_template(scene_data, n):
    frame = gpd.GeoDataFrame(
        {"id": [f"i{i}" for i in range(n)], "event_date": ["2025-11-26"] * n,
         "event_type": ["Battles"] * n, "sub_event_type": ["Armed clash"] * n,
         "notes": [" ".join(PAYLOADS)] * n, "location": ["{{ 123456*2 }}"] * n, "source": ["{% if 1 %}Zq{% endif %}"] * n,
         "fatalities": [1] * n, "confidence": ["assessed"] * n, "precision_km": [1.0] * n},
        geometry=gpd.points_from_xy([70.0] * n, [37.5] * n), crs=4326)
    html = _render([incidents_layer(frame)], scene_data)
    for result in EVALUATED:
        assert result not in html


def test_asset_and_zone_names_are_not_templates(scene_data):
    asset = Asset(id="a1", name="{{ 123456*2 }}", kind="border_post", lon=70.0, lat=37.6)
    zones = gpd.GeoDataFrame({"id": ["z"], "name": ["{% for i in range(3) %}Zq{% endfor %}"], "notes": [""],
                              "area_km2": [10.0], "status": ["x"]}, geometry=[box(70, 37.6, 70.1, 37.7)], crs=4326)
    html = _render([assets_layer([asset]), drawn_zones_layer(zones)], scene_data)
    for result in EVALUATED:
        assert result not in html
