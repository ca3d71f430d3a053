"""The map legend: a collapsible control in the map's top-right corner listing the overlays shown.

At the default view the top-right corner holds the Pamirs and China, away from the
Tajikistan–Afghanistan border (the Wakhan runs along the bottom right). A button folds the box
to its title; the choice is kept in the browser's session storage, so it survives the page's
reruns and map redraws. Each line is tied to the layers it describes and is hidden while all of
them are off (only possible where the map has its own layer switcher, e.g. an exported file).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import folium
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
    "ramp": "<span class='bm-ramp' style='display:inline-block;width:42px;height:10px;"
    "background:linear-gradient(to right,{c});border:1px solid #555;vertical-align:middle;margin-right:6px'></span>",
}

_HEX = re.compile(r"#[0-9a-fA-F]{3,8}")

#: Session-storage key of the legend's folded state.
COLLAPSED_KEY = "bm-legend-collapsed"

_TEMPLATE = """
{% macro html(this, kwargs) %}
<div id="bm-legend" class="bm-legend" style="background:rgba(255,255,255,.93);padding:3px 8px 5px;
  border:1px solid #999;border-radius:4px;font:11px/1.25 sans-serif;max-width:290px;clear:both;
  box-shadow:0 1px 4px rgba(0,0,0,.25)">
  <button type="button" id="bm-legend-toggle" aria-expanded="true" aria-controls="bm-legend-body"
    title="Fold or unfold the legend" style="display:block;width:100%;text-align:left;background:none;
    border:0;padding:2px 0;font:bold 11px sans-serif;cursor:pointer;color:#111">{{ this.title }} &#9662;</button>
  <div id="bm-legend-body" style="max-height:calc(100vh - 140px);overflow:auto">
  {% if this.live_slot %}<div id="bm-legend-live"></div>{% endif %}
  {{ this.body }}
  </div>
</div>
{% endmacro %}

{% macro script(this, kwargs) %}
(function () {
  var box = document.getElementById("bm-legend"), map = {{ this._parent.get_name() }};
  if (!box) { return; }
  // a control in the map's top-right corner: below the layer switcher where there is one (an
  // unfolded switcher pushes it down), clicks and wheel stay off the map
  var control = L.control({position: "topright"});
  control.onAdd = function () { return box; };
  control.addTo(map);
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  var button = document.getElementById("bm-legend-toggle"), body = document.getElementById("bm-legend-body"),
      title = {{ this.title_json }}, key = {{ this.key_json }};
  function fold(folded) {
    body.style.display = folded ? "none" : "";
    button.setAttribute("aria-expanded", folded ? "false" : "true");
    button.textContent = title + (folded ? " \\u25b8" : " \\u25be");
    box.setAttribute("data-collapsed", folded ? "1" : "0");
  }
  var saved = null;
  try { saved = window.sessionStorage.getItem(key); } catch (e) { saved = null; }
  fold(saved === "1");
  button.addEventListener("click", function (e) {
    e.stopPropagation();
    var folded = box.getAttribute("data-collapsed") !== "1";
    fold(folded);
    try { window.sessionStorage.setItem(key, folded ? "1" : "0"); } catch (err) { /* private mode */ }
  });
  // each line is shown while any of its layers is on the map
  var rows = body.querySelectorAll("[data-row]"), layers = [{{ this.layers_js }}];
  function follow() {
    for (var r = 0; r < rows.length; r++) {
      var own = layers[Number(rows[r].getAttribute("data-row"))];
      if (!own || !own.length) { continue; }
      rows[r].style.display = own.some(function (l) { return map.hasLayer(l); }) ? "" : "none";
    }
  }
  map.on("overlayadd overlayremove", follow);
  follow();
  // while an open popup lies under the legend, the legend steps back (faint, lets clicks through)
  function stepBack() {
    var popup = map._popup, node = popup && popup.isOpen() && popup.getElement(), under = false;
    if (node && body.style.display !== "none") {
      var a = node.getBoundingClientRect(), b = box.getBoundingClientRect();
      under = !(a.right <= b.left || a.left >= b.right || a.bottom <= b.top || a.top >= b.bottom);
    }
    box.style.opacity = under ? "0.2" : "";
    box.style.pointerEvents = under ? "none" : "";
    box.setAttribute("data-behind-popup", under ? "1" : "0");
  }
  map.on("popupopen popupclose moveend zoomend bmpopupresize", function () { setTimeout(stepBack, 0); });
})();
{% endmacro %}
"""


def _key(e: LegendEntry) -> str:
    return "|".join((e.label, e.color, e.shape, *e.ramp))


def _symbol(e: LegendEntry) -> str:
    def safe(color: str) -> str:
        return color if _HEX.fullmatch(color) else "#888888"

    if e.shape == "ramp" and e.ramp:
        return _SYMBOLS["ramp"].format(c=",".join(safe(c) for c in e.ramp))
    return _SYMBOLS.get(e.shape, _SYMBOLS["circle"]).format(c=safe(e.color))


def legend_html(entries: Sequence[LegendEntry], first_row: int | None = None) -> str:
    """The legend's lines as HTML (labels escaped; colours must be #hex). With ``first_row``, each
    line is numbered from it (``data-row``) so the legend's script can tie it to its layers."""
    rows = []
    for k, e in enumerate(entries):
        row = f" data-row='{first_row + k}'" if first_row is not None else ""
        rows.append(f"<div class='bm-legend-row' data-key='{escape_html(_key(e))}'{row}>{_symbol(e)}"
                    f"{escape_html(e.label)}</div>")
    return "".join(rows)


class Legend(RawMacroElement):
    """A collapsible legend, a control in the top-right corner of a folium Map
    (``Legend(entries).add_to(m)``, after any other top-right control, which it then sits under).

    ``layers`` maps an entry to the FeatureGroups it describes (its line is hidden while they are
    all off); ``live_slot`` keeps a place at the top for the lines of layers sent apart from the
    map (see :class:`LiveLegend`).
    """

    #: compiled once per process, not per instance (Jinja compiling costs ~0.3 ms a template)
    _template = Template(_TEMPLATE)

    def __init__(self, entries: Sequence[LegendEntry], title: str = "Legend", live_slot: bool = False,
                 layers: Mapping[LegendEntry, Sequence[folium.FeatureGroup]] | None = None) -> None:
        super().__init__()
        self._name = "Legend"
        self.title = escape_html(title)
        self.title_json = template_safe_json(title)
        self.key_json = json.dumps(COLLAPSED_KEY)
        self.entries = tuple(entries)
        self.body = legend_html(self.entries, first_row=0)
        self.live_slot = live_slot
        self._layers = {e: tuple(groups) for e, groups in (layers or {}).items()}

    @property
    def layers_js(self) -> str:
        """One JS array of layer variables per line (names taken when the map is rendered)."""
        return ",".join("[" + ",".join(g.get_name() for g in self._layers.get(e, ())) + "]" for e in self.entries)


_LIVE_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  var slot = document.getElementById("bm-legend-live");
  if (!slot) { return; }
  slot.innerHTML = {{ this.body_json }};
  // a line the map's own legend already shows (e.g. "Approximate location") is not repeated
  var rows = slot.querySelectorAll("[data-key]");
  for (var i = 0; i < rows.length; i++) {
    var twins = document.querySelectorAll("#bm-legend [data-key]");
    for (var j = 0; j < twins.length; j++) {
      if (twins[j] !== rows[i] && !slot.contains(twins[j]) &&
          twins[j].getAttribute("data-key") === rows[i].getAttribute("data-key")) {
        slot.removeChild(rows[i]);
        break;
      }
    }
  }
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
