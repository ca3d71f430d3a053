"""The page's map takes its live layers (incidents, pin, preview marker) from the page.

The map component is sent once; the layers that change with the analyst's work arrive apart
(``ui/live_layers``, a Streamlit component of height 0) as a short script that builds them
(``spec.js``, with ``spec.version`` a hash of it). This element, part of the map's own
script, swaps them in: the previous live layers and the layer switcher are removed and the
new ones added, without reloading the map. A map built afresh picks up the latest layers the
page left for it (``window.parent.__bmLiveSpec``).
"""

from __future__ import annotations

from branca.element import MacroElement, Template

_TEMPLATE = """
{% macro script(this, kwargs) %}
(function (map) {
  var current = null;
  function apply(spec) {
    if (!spec || typeof spec.js !== "string" || spec.version === current) { return; }
    current = spec.version;
    (window.feature_group || []).forEach(function (g) { map.removeLayer(g); });
    window.feature_group = [];
    if (window.layer_control) { map.removeControl(window.layer_control); window.layer_control = null; }
    (0, eval)(spec.js);  // the layers' script as streamlit-folium writes it (global scope, map_div)
    window.__bmLiveVersion = current;
  }
  window.__bmLive = {apply: apply};
  setTimeout(function () {
    var spec = null;
    try { spec = window.parent.__bmLiveSpec; } catch (e) { spec = null; }
    apply(spec);
  }, 0);
})({{ this._parent.get_name() }});
{% endmacro %}
"""


class LiveReceiver(MacroElement):
    """Add to the page's map: applies the live layers the page hands over (module docstring)."""

    _template = Template(_TEMPLATE)

    def __init__(self) -> None:
        super().__init__()
        self._name = "LiveReceiver"
