"""The page's pin: where the incident being entered will be saved (a map click or typed coordinates).

A live layer (sent apart from the map, see ``ui.map_view.show_map``), drawn before saving so the
analyst sees where the typed or clicked point falls. Coordinates are degrees, EPSG:4326.
"""

from __future__ import annotations

import folium
from shapely.geometry import Point

from layers.base import APPROXIMATE_DASH, MAX_DRAWN_PRECISION_KM, LayerBundle, LegendEntry
from layers.shapes import Shape

#: Colour of the pin (not used by any incident type, place kind or zone).
PIN_COLOR = "#e6007e"
PIN_LABEL = "New incident (not saved yet)"

_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="38" viewBox="0 0 26 38" '
    'class="bm-pin">'
    f'<path d="M13 1C6.4 1 1 6.3 1 12.9 1 22 13 37 13 37s12-15 12-24.1C25 6.3 19.6 1 13 1z" '
    f'fill="{PIN_COLOR}" stroke="#ffffff" stroke-width="2"/>'
    '<circle cx="13" cy="13" r="4.5" fill="#ffffff"/></svg>'
)


def pin_layer(lat: float, lon: float, precision_km: float = 0.0) -> LayerBundle:
    """A pin at (``lat``, ``lon``) degrees with its legend line; its tip is the point itself. With a
    ``precision_km`` > 0 the precision circle is drawn round it (dashed, as approximate places)."""
    group = folium.FeatureGroup(name=PIN_LABEL, control=False)
    if 0 < precision_km <= MAX_DRAWN_PRECISION_KM:
        circle = folium.Circle((lat, lon), radius=precision_km * 1000.0, color=PIN_COLOR, weight=2, fill=True,
                               fill_opacity=0.06, dash_array=APPROXIMATE_DASH, class_name="bm-pin-precision")
        circle.options["interactive"] = False  # clicks pass through, as the pin's (folium drops the option)
        circle.add_to(group)
    folium.Marker(
        (lat, lon),
        icon=folium.DivIcon(html=_SVG, icon_size=(26, 38), icon_anchor=(13, 37), class_name="bm-pin-icon"),
        z_index_offset=1000,
        # clicks pass through the pin to the map and to whatever lies at the point (a pin dropped on
        # a town or an incident must not hide it); the legend and the panel name the pin
        interactive=False,
    ).add_to(group)
    return LayerBundle([group], [LegendEntry(PIN_LABEL, PIN_COLOR, "circle")],
                       [Shape(Point(lon, lat), "#ffffff", width_px=2, fill=PIN_COLOR, fill_opacity=1.0,
                              radius_px=13, marker="pin", top=True)])
