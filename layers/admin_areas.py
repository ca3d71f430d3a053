"""The Afghan provinces facing the border: thin outlines with their names as labels.

Context, not analysis: Natural Earth 1:10m admin-1 polygons (public domain; see
``data/ADMIN_AREAS.md``), so outlines are good to a km or two and the river line of the
source differs from the shipped border by up to a few km. Districts are not shipped.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from geo.sanitize import escape_html
from layers.base import LayerBundle, LegendEntry
from layers.geojson import StyledGeoJson

PROVINCE_COLOR = "#2f6b2a"
LAYER_NAME = "Afghan provinces facing the border"
LABEL_STYLE = ("font:italic 12px sans-serif;color:#2f6b2a;text-align:center;white-space:nowrap;"
               "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff")


def provinces_geojson(provinces: gpd.GeoDataFrame) -> str:
    """GeoJSON text of the provinces for display (name and tooltip escaped, a constant style key)."""
    if len(provinces) == 0:
        return '{"type": "FeatureCollection", "features": []}'
    tips = [f"{escape_html(n)} province, Afghanistan — faces border km {a:.0f}–{b:.0f} (Natural Earth admin-1)"
            for n, a, b in zip(provinces["name"], provinces["facing_from_km"], provinces["facing_to_km"], strict=True)]
    frame = gpd.GeoDataFrame({"kind": "province", "tip": tips}, geometry=provinces.geometry.values, crs=4326)
    return frame.to_json(drop_id=True)


def provinces_layer(provinces: gpd.GeoDataFrame, text: str | None = None) -> LayerBundle:
    """Outlines (dashed, unfilled) and name labels of ``provinces`` (EPSG:4326, from
    :func:`geo.admin_areas.load_admin_areas`); ``text``: their :func:`provinces_geojson`, if made."""
    group = folium.FeatureGroup(name=LAYER_NAME)
    labels = [(float(p["label_lat"]), float(p["label_lon"]), escape_html(p.get("name")))
              for p in provinces.drop(columns="geometry").to_dict("records")]
    # outlines only take the pointer (their tooltip): an unseen fill would catch every click and
    # drag inside Afghanistan, so a pan would report a clicked object and run the page
    StyledGeoJson(text if text is not None else provinces_geojson(provinces), "kind", styles={},
                  default_style={"color": PROVINCE_COLOR, "weight": 1.2, "dashArray": "4 3", "fill": False,
                                 "opacity": 0.8},
                  interactive=True, tooltip_field="tip", labels=labels, label_style=LABEL_STYLE).add_to(group)
    return LayerBundle([group], [LegendEntry("Afghan province (Natural Earth; no districts)", PROVINCE_COLOR,
                                             "dashed")])
