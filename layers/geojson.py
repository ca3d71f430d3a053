"""Polygons drawn from cached GeoJSON text, styled by one property, with optional labels.

``folium.GeoJson`` parses its text on every build, walks every vertex for the map's bounds,
serialises the data again and compiles the result as a Jinja template, on every rerun: for
the two country layers that was ≈ 30 ms of each page run (``benchmarks/bench_page.py``).
:class:`StyledGeoJson` inserts the (cached, script-safe) text as it is, styles features from
a lookup table in the browser, and takes its bounds from a per-text cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import shapely
from branca.element import Template

from geo.sanitize import script_safe_json_text, template_safe_json
from layers.raw import RawMacroElement

_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  var o = {{ this.options_json }};
  var parent = {{ this._parent.get_name() }};
  var layer = L.geoJSON({{ this.data }}, {
    pane: o.pane || "overlayPane", interactive: o.interactive,
    style: function (f) { return o.styles[f.properties[o.styleKey]] || o.defaultStyle; }
  });
  if (o.tooltipField) {
    layer.bindTooltip(function (l) { return String(l.feature.properties[o.tooltipField]); }, {sticky: true});
  }
  layer.addTo(parent);
  o.labels.forEach(function (t) {
    L.marker([t[0], t[1]], {interactive: false, keyboard: false, icon: L.divIcon({className: "",
      html: "<div style='" + o.labelStyle + "'>" + t[2] + "</div>", iconSize: [120, 18],
      iconAnchor: [60, 9]})}).addTo(parent);
  });
})();
{% endmacro %}
"""


@lru_cache(maxsize=16)
def _script_text(text: str) -> str:
    return script_safe_json_text(text)


@lru_cache(maxsize=16)
def geojson_bounds(text: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """((south, west), (north, east)) in degrees of GeoJSON text (EPSG:4326), cached per text."""
    west, south, east, north = shapely.from_geojson(text).bounds
    return (south, west), (north, east)


class StyledGeoJson(RawMacroElement):
    """GeoJSON text (EPSG:4326) added to a group, each feature styled by one of its properties.

    Parameters
    ----------
    text : str
        A FeatureCollection whose text properties are already HTML-escaped (they are shown
        as tooltip and label HTML).
    style_key : str
        The property whose value picks the style from ``styles``.
    styles, default_style : mapping
        Leaflet path options by property value, and for any other value.
    pane : str, optional
        Leaflet pane of the polygons (default: the overlay pane).
    interactive : bool
        Whether the polygons take the mouse (needed for ``tooltip_field``).
    tooltip_field : str, optional
        Property shown as a sticky tooltip.
    labels : sequence of (lat, lon, html)
        Text labels placed as non-interactive markers (``html`` already escaped).
    label_style : str
        CSS of the labels' text.
    """

    #: compiled once per process, not per instance
    _template = Template(_TEMPLATE)

    def __init__(self, text: str, style_key: str, styles: Mapping[str, Mapping[str, Any]],
                 default_style: Mapping[str, Any], *, pane: str | None = None, interactive: bool = False,
                 tooltip_field: str | None = None, labels: Sequence[tuple[float, float, str]] = (),
                 label_style: str = "") -> None:
        super().__init__()
        self._name = "StyledGeoJson"
        self.text = text
        self.data = _script_text(text)
        self.options_json = template_safe_json({
            "styleKey": style_key, "styles": {k: dict(v) for k, v in styles.items()},
            "defaultStyle": dict(default_style), "pane": pane, "interactive": interactive,
            "tooltipField": tooltip_field, "labels": [list(t) for t in labels], "labelStyle": label_style,
        })

    def _get_self_bounds(self) -> list[list[float | None]]:
        (south, west), (north, east) = geojson_bounds(self.text)
        return [[south, west], [north, east]]
