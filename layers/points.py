"""Many point symbols as one compact element: data as JSON arrays, drawn by a short script.

One folium ``CircleMarker`` + ``Popup`` + ``Tooltip`` per point costs three Jinja
renders and a few hundred bytes each, and folium places popup HTML inside JavaScript
template literals (an injection sink). :class:`CompactPoints` instead embeds columns
with :func:`geo.sanitize.template_safe_json` (``<``, ``>``, ``&``, quotes and Jinja tag openers
escaped, so no text can end the script or be run as a template) and binds popups and tooltips from those strings; the strings themselves are
built from escaped values (:mod:`layers.base`), so Leaflet's ``innerHTML`` shows them as
text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Template

from geo.sanitize import template_safe_json
from layers.base import APPROXIMATE_DASH, MAX_DRAWN_PRECISION_KM
from layers.raw import RawMacroElement


@dataclass(frozen=True)
class PointSymbol:
    """One point: position (degrees), style, and pre-escaped popup/tooltip/label/name HTML (``name``
    is listed when several features share the clicked spot)."""

    lat: float
    lon: float
    color: str
    radius_px: float
    popup: str = ""
    tooltip: str = ""
    approximate: bool = False
    precision_m: float = 0.0
    label: str = ""
    outline: str = "#222222"
    name: str = ""


_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  var d = {{ this.data_json }};
  var group = {{ this._parent.get_name() }};
  var stack = window.BmStack, markers = [];
  for (var i = 0; i < d.lat.length; i++) {
    var approx = d.approx[i] === 1;
    if (approx && d.showPrecision && d.precision[i] > 0) {
      L.circle([d.lat[i], d.lon[i]], {radius: d.precision[i], color: d.color[i], weight: 1.5,
        dashArray: d.dash, fill: true, fillOpacity: 0.06, interactive: false}).addTo(group);
    }
    var marker = L.circleMarker([d.lat[i], d.lon[i]], {radius: d.radius[i],
      color: approx ? d.color[i] : d.outline[i], weight: 1.5, dashArray: approx ? d.dash : null,
      fill: true, fillColor: d.color[i], fillOpacity: approx ? 0.35 : 0.9});
    // with BmStack (see stack_popup.js) one map-wide popup lists everything under a click
    if (d.popup[i] && !stack) { marker.bindPopup(d.popup[i], {minWidth: 240, maxWidth: 360, maxHeight: 360}); }
    if (d.label[i]) {
      marker.bindTooltip(d.label[i], {permanent: true, direction: "right", className: "bm-label",
        offset: [4, 0]});
    } else if (d.tooltip[i]) {
      marker.bindTooltip(d.tooltip[i], {sticky: true});
    }
    marker.addTo(group);
    markers.push(marker);
  }
  if (!stack) { return; }
  function item(i) {
    // name and popup are HTML built of escaped values (layers.base), as Leaflet's bindPopup takes them
    return {group: d.kind, titleHtml: d.name[i] || "", title: d.kind, color: d.color[i],
            latlng: markers[i].getLatLng(), fill: function (box) { box.innerHTML = d.popup[i]; }};
  }
  stack.provide(group, function (lp) {
    var out = [];
    for (var i = 0; i < markers.length; i++) {
      var m = markers[i];
      if (!d.popup[i] || !m._map || !m._point) { continue; }
      var r = m._radius + 3, dx = m._point.x - lp.x, dy = m._point.y - lp.y;
      if (dx * dx + dy * dy <= r * r) { out.push(item(i)); }
    }
    return out;
  }, d.order);
})();
{% endmacro %}

{% macro header(this, kwargs) %}
<style>.bm-label{background:transparent;border:0;box-shadow:none;font:11px sans-serif;color:#222;
  text-shadow:0 0 3px #fff,0 0 3px #fff;padding:0}.bm-label:before{display:none}</style>
{% endmacro %}
"""


class CompactPoints(RawMacroElement):
    """Point symbols added to a FeatureGroup (``CompactPoints(points).add_to(group)``).

    On a map holding :class:`layers.scripts.StackPopups`, a click lists every feature on the spot
    (``kind``, e.g. "Towns", names this layer in that list); elsewhere each marker has its popup.
    """

    #: compiled once per process, not per instance (Jinja compiling costs ~0.3 ms a template)
    _template = Template(_TEMPLATE)

    def __init__(self, points: Sequence[PointSymbol], show_precision: bool = True, kind: str = "") -> None:
        super().__init__()
        self._name = "CompactPoints"
        self.data: dict[str, Any] = {
            "lat": [round(p.lat, 5) for p in points],
            "lon": [round(p.lon, 5) for p in points],
            "color": [p.color for p in points],
            "outline": [p.outline for p in points],
            "radius": [round(p.radius_px, 1) for p in points],
            "approx": [1 if p.approximate else 0 for p in points],
            "precision": [round(p.precision_m) if p.precision_m <= MAX_DRAWN_PRECISION_KM * 1000 else 0
                          for p in points],
            "popup": [p.popup for p in points],
            "tooltip": [p.tooltip for p in points],
            "label": [p.label for p in points],
            "name": [p.name for p in points],
            "kind": kind,
            "order": 10,
            "showPrecision": show_precision,
            "dash": APPROXIMATE_DASH,
        }
        self.data_json = template_safe_json(self.data)


def points_group(name: str, points: Sequence[PointSymbol], show_precision: bool = True,
                 show: bool = True) -> folium.FeatureGroup:
    """A FeatureGroup holding ``points`` as one :class:`CompactPoints` element."""
    group = folium.FeatureGroup(name=name, show=show)
    CompactPoints(points, show_precision, kind=name).add_to(group)
    return group
