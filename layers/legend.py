"""The map legend: a fixed box in the map's lower-left corner listing every shown overlay."""

from __future__ import annotations

from collections.abc import Sequence

from branca.element import Template

from geo.sanitize import escape_html, template_safe_json
from layers.base import LegendEntry
from layers.raw import RawMacroElement

_SYMBOLS = {
    "circle": "<span style='display:inline-block;width:11px;height:11px;border-radius:50%;"
    "background:{c};border:1px solid #222;margin-right:6px'></span>",
    "hollow": "<span style='display:inline-block;width:11px;height:11px;border-radius:50%;"
    "border:2px dashed {c};margin-right:6px'></span>",
    "square": "<span style='display:inline-block;width:11px;height:11px;background:{c};"
    "border:1px solid #222;margin-right:6px'></span>",
    "line": "<span style='display:inline-block;width:18px;height:0;border-top:3px solid {c};"
    "vertical-align:middle;margin-right:6px'></span>",
    "dashed": "<span style='display:inline-block;width:18px;height:0;border-top:3px dashed {c};"
    "vertical-align:middle;margin-right:6px'></span>",
    "fill": "<span style='display:inline-block;width:14px;height:10px;background:{c};opacity:.6;"
    "border:1px solid #555;margin-right:6px'></span>",
}

_TEMPLATE = """
{% macro html(this, kwargs) %}
<div id="bm-legend" style="position:absolute;z-index:9999;bottom:28px;right:10px;background:rgba(255,255,255,.92);
  padding:5px 8px;border:1px solid #999;border-radius:4px;font:11px/1.4 sans-serif;max-height:40%;max-width:300px;overflow:auto">
  <div style="font-weight:bold;margin-bottom:2px">{{ this.title }}</div>
  {% if this.live_slot %}<div id="bm-legend-live"></div>{% endif %}
  {{ this.body }}
</div>
{% endmacro %}
"""


def legend_html(entries: Sequence[LegendEntry]) -> str:
    """The legend's inner HTML (labels escaped; colours must be #hex)."""
    rows = []
    for e in entries:
        color = e.color if e.color.startswith("#") and len(e.color) <= 9 else "#888888"
        symbol = _SYMBOLS.get(e.shape, _SYMBOLS["circle"]).format(c=escape_html(color))
        rows.append(f"<div>{symbol}{escape_html(e.label)}</div>")
    return "".join(rows)


class Legend(RawMacroElement):
    """A legend box added to a folium Map (``Legend(entries).add_to(m)``)."""

    #: compiled once per process, not per instance (Jinja compiling costs ~0.3 ms a template)
    _template = Template(_TEMPLATE)

    def __init__(self, entries: Sequence[LegendEntry], title: str = "Legend", live_slot: bool = False) -> None:
        super().__init__()
        self._name = "Legend"
        self.title = escape_html(title)
        self.body = legend_html(entries)
        #: a place at the top for the lines of layers sent apart from the map (see LiveLegend)
        self.live_slot = live_slot


_LIVE_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  var slot = document.getElementById("bm-legend-live");
  if (slot) { slot.innerHTML = {{ this.body_json }}; }
})();
{% endmacro %}
"""


class LiveLegend(RawMacroElement):
    """Legend lines of a layer the page sends apart from the map (streamlit-folium's
    ``feature_group_to_add``): added to that layer, they fill the map legend's live slot each
    time the layer is sent, so the legend follows the layer without the map being reloaded."""

    _template = Template(_LIVE_TEMPLATE)

    def __init__(self, entries: Sequence[LegendEntry]) -> None:
        super().__init__()
        self._name = "LiveLegend"
        self.body_json = template_safe_json(legend_html(entries))
