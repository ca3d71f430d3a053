"""The map's view kept in the page's address, so panning and zooming run no script.

A pan or zoom of the page's map sends nothing to the server. Instead, after each move, this
script writes the view into the query string of the page that holds the map (the component
frame is same-origin with the Streamlit page) with ``history.replaceState``::

    ?view=<lat>,<lon>,<zoom>&bbox=<west>,<south>,<east>,<north>

(degrees EPSG:4326, Leaflet zoom). Streamlit sends the page's query string with every
script run, so the next run — a click, a save, a toggle, a snapshot asked for — reads the
view from ``st.query_params``; the address is also a link to this view. When the map is
built afresh (e.g. another basemap) it goes back to the view in the address.
"""

from __future__ import annotations

from branca.element import MacroElement, Template

#: Query parameters written by the map.
VIEW_PARAM = "view"
BBOX_PARAM = "bbox"

_TEMPLATE = """
{% macro script(this, kwargs) %}
(function (map) {
  function host() {
    try { return window.parent !== window && window.parent.history && window.parent.location.search !== undefined
      ? window.parent : null; } catch (e) { return null; }
  }
  function read(w) {
    var v = (new URLSearchParams(w.location.search).get("{{ this.view_param }}") || "").split(",").map(Number);
    if (v.length !== 3 || !v.every(isFinite) || Math.abs(v[0]) > 85 || Math.abs(v[1]) > 180 ||
        v[2] < 1 || v[2] > 19) { return null; }
    return v;
  }
  function write() {
    var w = host();
    if (!w) { return; }
    var c = map.getCenter(), b = map.getBounds(), q = new URLSearchParams(w.location.search);
    q.delete("{{ this.view_param }}"); q.delete("{{ this.bbox_param }}");
    var rest = q.toString(), mine = "{{ this.view_param }}=" + c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," +
      Math.round(map.getZoom() * 100) / 100 + "&{{ this.bbox_param }}=" +
      [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(4); }).join(",");
    w.history.replaceState(w.history.state, "", w.location.pathname + "?" + (rest ? rest + "&" : "") + mine +
      w.location.hash);
  }
  // after the component has applied its own centre/zoom (it does so right after this script)
  setTimeout(function () {
    var w = host(), v = w && read(w), fit = {{ this.fit_bounds | tojson }};
    map.on("moveend", write);
    if (v) { map.setView([v[0], v[1]], v[2], {animate: false}); }
    else if (fit) { map.fitBounds([[fit[1], fit[0]], [fit[3], fit[2]]], {animate: false, padding: [12, 12]}); }
    window.__bmViewSync = true;
  }, 0);
})({{ this._parent.get_name() }});
{% endmacro %}
"""


class ViewSync(MacroElement):
    """Add to the page's map: writes its view into the page's address after each move and
    restores the view found there when the map is built (see the module docstring).

    ``fit_bounds``: (W, S, E, N) degrees EPSG:4326 the map fits when the address holds no view
    (the border's bounds); ``None`` keeps the map's own starting view.
    """

    _template = Template(_TEMPLATE)

    def __init__(self, fit_bounds: tuple[float, float, float, float] | None = None) -> None:
        super().__init__()
        self._name = "ViewSync"
        self.view_param = VIEW_PARAM
        self.bbox_param = BBOX_PARAM
        self.fit_bounds = [round(float(x), 4) for x in fit_bounds] if fit_bounds is not None else None
