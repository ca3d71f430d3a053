/* Border Map: one popup for everything under a click.
 *
 * Layers that draw clickable points (places, assets, the incidents canvas) register a hit test
 * with BmStack.provide(layer, hits). hits(layerPoint) returns the features under that point as
 * items {group, title (text) or titleHtml (HTML of escaped values), color, latlng, fill(box)} --
 * fill writes the feature's details into a DOM node -- or {group, title, color, action} for something a click does instead (zoom into a
 * cluster). On a map click every registered layer that is on that map is asked: one feature opens
 * its details; several open a list of all of them, each leading to its details (with previous /
 * next and a way back), so features drawn on one spot (an incident at a town, two sites at one
 * district centre) are all reachable with every layer on.
 * Text is set with textContent; the places' popup HTML comes already escaped from Python.
 */
(function () {
  "use strict";
  if (window.BmStack) { return; }

  /* Popup look shared by every popup of the map (also folium's own, e.g. coverage gaps). */
  var CSS = ".bm-popup{font:12px/1.35 sans-serif}" +
    ".bm-popup table{border-collapse:collapse;width:100%;table-layout:fixed;margin-top:3px}" +
    ".bm-popup th{width:38%;text-align:left;font-weight:600;padding:1px 6px 1px 0;vertical-align:top;" +
    "overflow-wrap:break-word;white-space:normal}" +
    ".bm-popup td{vertical-align:top;padding:1px 0;overflow-wrap:break-word;white-space:normal}" +
    ".bm-popup a{overflow-wrap:anywhere}" +
    ".bm-nav{display:flex;align-items:center;gap:4px;margin-bottom:5px;font-size:11px;color:#444}" +
    ".bm-nav button{padding:0 6px;cursor:pointer;font:inherit}" +
    ".bm-list-head{font-weight:bold;margin-bottom:3px}" +
    ".bm-list{list-style:none;margin:0;padding:0}" +
    ".bm-list button{display:flex;align-items:flex-start;width:100%;text-align:left;background:none;border:0;" +
    "border-bottom:1px solid #e4e4e4;padding:4px 2px;cursor:pointer;font:inherit;color:#111}" +
    ".bm-list button:hover,.bm-list button:focus{background:#eef3f8}" +
    ".bm-swatch{flex:none;width:10px;height:10px;border-radius:50%;border:1px solid #222;margin:2px 6px 0 0}" +
    ".bm-list-group{color:#555}";

  function addStyle() {
    if (document.getElementById("bm-popup-style")) { return; }
    var style = document.createElement("style");
    style.id = "bm-popup-style";
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  var providers = [];

  /* Ask ``hits`` whenever ``layer`` is on a map and the map is clicked; lists show the features
     of lower ``order`` first (incidents 0, places and assets 10). */
  function provide(layer, hits, order) {
    var entry = {layer: layer, hits: hits, order: order === undefined ? 10 : order};
    function on() {
      if (providers.indexOf(entry) < 0) {
        providers.push(entry);
        providers.sort(function (a, b) { return a.order - b.order; });  // stable in modern browsers
      }
      hook(layer._map);
    }
    function off() {
      var k = providers.indexOf(entry);
      if (k >= 0) { providers.splice(k, 1); }
    }
    layer.on("add", on);
    layer.on("remove", off);
    if (layer._map) { on(); }
  }

  function hook(map) {
    if (!map || map._bmStackHooked) { return; }
    map._bmStackHooked = true;
    addStyle();
    map.on("click", function (e) { openAt(map, e); });
  }

  /* Popup height that stays inside the map (px). */
  function maxHeight(map) {
    return Math.max(140, Math.min(440, map.getSize().y - 120));
  }

  function el(parent, tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function swatch(parent, color) {
    var s = el(parent, "span", null, "bm-swatch");
    if (/^#[0-9a-fA-F]{3,8}$/.test(color || "")) { s.style.background = color; }
    return s;
  }

  function itemsAt(map, e) {
    var items = [];
    for (var p = 0; p < providers.length; p++) {
      if (providers[p].layer._map !== map) { continue; }
      var found = providers[p].hits(e.layerPoint, e) || [];
      for (var k = 0; k < found.length; k++) { items.push(found[k]); }
    }
    return items;
  }

  function openAt(map, e) {
    var items = itemsAt(map, e);
    if (!items.length) { return; }
    var features = items.filter(function (it) { return !it.action; });
    if (!features.length) { items[0].action(); return; }
    var box = el(null, "div", null, "bm-popup bm-stack");
    var popup = L.popup({minWidth: 260, maxWidth: 380, maxHeight: maxHeight(map), autoPanPadding: [16, 16]});
    var view = {map: map, popup: popup, box: box, items: items, features: features};
    if (features.length === 1 && items.length === 1) { showItem(view, 0); } else { showList(view); }
    popup.setLatLng(features[0].latlng || e.latlng).setContent(box).openOn(map);
    map.fire("bmstackopen", {count: features.length});
  }

  function clear(view) {
    while (view.box.firstChild) { view.box.removeChild(view.box.firstChild); }
  }

  function refresh(view) {
    if (view.popup.isOpen && view.popup.isOpen()) {
      view.popup.update();
      view.map.fire("bmpopupresize");  // its size changed (the legend steps back if it is now under it)
    }
  }

  function showList(view) {
    clear(view);
    el(view.box, "div", view.items.length + " features here \u2014 choose one:", "bm-list-head");
    var list = el(view.box, "ul", null, "bm-list");
    view.items.forEach(function (it) {
      var li = el(list, "li"), b = el(li, "button");
      b.type = "button";
      swatch(b, it.color);
      var text = el(b, "span");
      el(text, "span", it.group + ": ", "bm-list-group");
      var name = el(text, "span");
      if (it.titleHtml) { name.innerHTML = it.titleHtml; } else { name.textContent = it.title; }  // escaped by Python
      L.DomEvent.disableClickPropagation(b);
      L.DomEvent.on(b, "click", function () {
        if (it.action) { view.map.closePopup(view.popup); it.action(); return; }
        showItem(view, view.features.indexOf(it));
      });
    });
    view.box.setAttribute("data-view", "list");
    refresh(view);
  }

  function showItem(view, k) {
    clear(view);
    var n = view.features.length, it = view.features[k];
    if (view.items.length > 1) {
      var nav = el(view.box, "div", null, "bm-nav");
      var back = el(nav, "button", "\u2630 All " + view.items.length), prev = el(nav, "button", "\u25c0"),
          label = el(nav, "span", (k + 1) + " of " + n + " here", "bm-nav-label"), next = el(nav, "button", "\u25b6");
      back.type = prev.type = next.type = "button";
      back.className = "bm-back"; prev.className = "bm-prev"; next.className = "bm-next";
      prev.disabled = k === 0; next.disabled = k === n - 1;
      L.DomEvent.disableClickPropagation(nav);
      L.DomEvent.on(back, "click", function () { showList(view); });
      L.DomEvent.on(prev, "click", function () { showItem(view, k - 1); });
      L.DomEvent.on(next, "click", function () { showItem(view, k + 1); });
      label.setAttribute("aria-live", "polite");
    }
    var body = el(view.box, "div");
    it.fill(body);
    view.box.setAttribute("data-view", "item");
    refresh(view);
  }

  window.BmStack = {provide: provide, maxHeight: maxHeight};
})();
