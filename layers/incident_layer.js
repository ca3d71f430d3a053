/* Border Map incidents layer: many incidents drawn on one canvas from compact columns.
 *
 * Data (built by layers/incidents.py): chunks of incidents (grouped by a hash of their id, so
 * the page re-encodes only the chunk a write touched), each with coordinates as integers
 * (degrees x 1e4), a style group per point (size class, approximate flag, event type; the
 * same type numbering in every chunk), and the popup fields as columns of indices into
 * de-duplicated string tables. The chunks are merged into one set of columns on load.
 * Points are drawn by one L.Renderer subclass on its own canvas; clicks are hit-tested against the columns and
 * popups are built as DOM nodes with textContent -- no data string is ever parsed as HTML.
 * Styles: "points", "cluster" (grid aggregation on the same canvas) and "heatmap" (leaflet-heat).
 */
(function () {
  "use strict";
  if (window.BmIncidents) { return; }

  var TWO_PI = Math.PI * 2;
  var EARTH_CIRCUMFERENCE_M = 40075016.686;
  var PANE = "bmIncidentPane";
  // popups are opened by BmStack (stack_popup.js), which also carries their look

  function decode(payload, encoding) {
    if (encoding !== "gzip-base64") { return Promise.resolve(payload); }
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot decompress the incident data (no DecompressionStream)"));
    }
    var bin = atob(payload), n = bin.length, bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  /* Draw order of a style group: larger symbols first, then exact before approximate, then type. */
  function drawKey(g) {
    var size = Math.floor(g / 64);
    return (15 - size) * 64 + (g % 64);
  }

  /* One set of columns from the decoded chunks: rows concatenated (string codes shifted into
     the concatenated tables), then put in draw order with a stable counting sort. */
  function merge(parts) {
    if (parts.length === 1) { return parts[0]; }
    var first = parts[0], n = 0, p, i, k;
    for (p = 0; p < parts.length; p++) { n += parts[p].n; }
    var d = {n: n, scale: first.scale, maxPrecisionM: first.maxPrecisionM, radii: first.radii,
             types: first.types, dateCol: first.dateCol, locationCol: first.locationCol,
             fatalitiesCol: first.fatalitiesCol, highlight: []};
    var lat = new Array(n), lon = new Array(n), group = new Array(n), approx = new Array(n),
        prec = new Array(n), cols = first.cols.map(function (c) {
          return {key: c.key, label: c.label, kind: c.kind, v: new Array(n), table: c.table ? [] : undefined,
                  w: c.w ? new Array(n) : undefined, scale: c.scale, truncated: false};
        });
    var at = 0;
    for (p = 0; p < parts.length; p++) {
      var q = parts[p];
      for (i = 0; i < q.n; i++) {
        lat[at + i] = q.lat[i]; lon[at + i] = q.lon[i]; group[at + i] = q.group[i];
        approx[at + i] = q.approx[i]; prec[at + i] = q.precision_m[i];
      }
      for (i = 0; i < q.highlight.length; i++) { d.highlight.push(at + q.highlight[i]); }
      for (k = 0; k < cols.length; k++) {
        var c = q.cols[k], out = cols[k], v = c.v;
        if (c.table) {
          var off = out.table.length;
          for (i = 0; i < q.n; i++) { out.v[at + i] = v[i] < 0 ? -1 : v[i] + off; }
          for (i = 0; i < c.table.length; i++) { out.table.push(c.table[i]); }
        } else {
          for (i = 0; i < q.n; i++) { out.v[at + i] = v[i]; }
          if (c.w) { for (i = 0; i < q.n; i++) { out.w[at + i] = c.w[i]; } }
        }
        if (c.truncated) { out.truncated = true; }
      }
      at += q.n;
    }
    // counting sort by draw key (stable: chunk order, then each chunk's own order)
    var counts = new Int32Array(16 * 64 + 1), keys = new Int32Array(n), pos = new Int32Array(n);
    for (i = 0; i < n; i++) { keys[i] = drawKey(group[i]); counts[keys[i] + 1]++; }
    for (k = 1; k < counts.length; k++) { counts[k] += counts[k - 1]; }
    for (i = 0; i < n; i++) { pos[i] = counts[keys[i]]++; }
    function permute(a) { var b = new Array(n); for (var j = 0; j < n; j++) { b[pos[j]] = a[j]; } return b; }
    d.lat = permute(lat); d.lon = permute(lon); d.group = permute(group); d.approx = permute(approx);
    d.precision_m = permute(prec);
    d.cols = cols.map(function (c) { c.v = permute(c.v); if (c.w) { c.w = permute(c.w); } return c; });
    d.highlight = d.highlight.map(function (h) { return pos[h]; }).sort(function (a, b) { return a - b; });
    return d;
  }

  /* Web-Mercator world pixel coordinates at zoom 0 (0..256), as Leaflet's EPSG:3857. */
  function prepare(d) {
    var n = d.n, wx = new Float64Array(n), wy = new Float64Array(n), lat = new Float64Array(n),
        lon = new Float64Array(n), k = 1 / d.scale;
    for (var i = 0; i < n; i++) {
      var la = d.lat[i] * k, lo = d.lon[i] * k, s = Math.sin(la * Math.PI / 180);
      s = Math.max(Math.min(s, 0.9999999), -0.9999999);
      lat[i] = la; lon[i] = lo;
      wx[i] = 256 * (lo + 180) / 360;
      wy[i] = 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
    }
    d.wx = wx; d.wy = wy; d.latf = lat; d.lonf = lon;
    d.hl = new Uint8Array(n);
    for (var h = 0; h < d.highlight.length; h++) { d.hl[d.highlight[h]] = 1; }
    // precision circles: one per distinct (position, radius), most approximate events share a centre
    var seen = {}, circles = [];
    for (var j = 0; j < n; j++) {
      var p = d.precision_m[j];
      if (d.approx[j] !== 1 || !(p > 0) || p > d.maxPrecisionM) { continue; }
      var key = d.lat[j] + "," + d.lon[j] + "," + p;
      if (seen[key]) { continue; }
      seen[key] = 1;
      circles.push(j);
    }
    d.circles = circles;
    return d;
  }

  /* Source-over blend of a sprite's pixels into a non-premultiplied RGBA buffer at (X, Y). */
  function blit(buf, W, H, sp, X, Y) {
    var dx = sp.dx, dy = sp.dy, c = sp.rgba, n = dx.length;
    for (var p = 0; p < n; p++) {
      var x = X + dx[p], y = Y + dy[p];
      if (x < 0 || y < 0 || x >= W || y >= H) { continue; }
      var o = (y * W + x) * 4, q = p * 4, sa = c[q + 3];
      var da = buf[o + 3];
      if (sa === 255 || da === 0) {
        buf[o] = c[q]; buf[o + 1] = c[q + 1]; buf[o + 2] = c[q + 2]; buf[o + 3] = sa;
        continue;
      }
      var a = sa / 255, rest = (da / 255) * (1 - a), oa = a + rest;
      buf[o] = (c[q] * a + buf[o] * rest) / oa;
      buf[o + 1] = (c[q + 1] * a + buf[o + 1] * rest) / oa;
      buf[o + 2] = (c[q + 2] * a + buf[o + 2] * rest) / oa;
      buf[o + 3] = oa * 255;
    }
  }

  function groupStyle(d, g) {
    // g = sizeClass * 64 + approx * 16 + type
    var type = g & 15, approx = (g >> 4) & 1, cls = g >> 6;
    return {color: d.types[type][1], approx: approx === 1, r: d.radii[cls]};
  }

  /* ---------------------------------------------------------------- popups (DOM only) */
  function cell(tr, tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    tr.appendChild(el);
    return el;
  }

  function valueOf(d, col, i) {
    var v = col.v[i];
    if (v === null || v === undefined || v < 0) { return null; }
    if (col.kind === "str" || col.kind === "url") { return col.table[v]; }
    if (col.kind === "km") { return "\u00b1 " + (v / 1000).toLocaleString("en", {maximumFractionDigits: 2}) + " km"; }
    if (col.kind === "range") { return rangeText(col, v, col.w ? col.w[i] : 0); }
    return String(v);
  }

  /* A figure over the precision circle: "12.6 km" for a precise record, "0–42 km" for a range
     (distance: one decimal for narrow ranges under 100 km, as geo.precision.range_text). */
  function rangeText(col, v, w) {
    var lo = v / col.scale, hi = (v + w) / col.scale, chainage = col.scale === 1;
    var digits = (!chainage && hi - lo < 10 && hi < 100) ? 1 : 0;
    function f(x) { return x.toLocaleString("en", {minimumFractionDigits: digits, maximumFractionDigits: digits}); }
    var text = (w === 0 || f(lo) === f(hi)) ? f(lo) : f(lo) + "\u2013" + f(hi);
    return chainage ? "km " + text : text + " km";
  }

  /* The details of incident ``i``: a title and a two-column table (text via textContent only). */
  function fillIncident(box, d, i) {
    var root = document.createElement("div");
    root.className = "bm-popup bm-incident-popup";
    var title = document.createElement("b");
    var date = valueOf(d, d.cols[d.dateCol], i), loc = valueOf(d, d.cols[d.locationCol], i);
    title.textContent = (date || "undated") + " \u2014 " + (loc || "unnamed location");
    root.appendChild(title);
    var table = document.createElement("table"), url = null;
    for (var c = 0; c < d.cols.length; c++) {
      var col = d.cols[c], text = valueOf(d, col, i);
      if (text === null) { continue; }
      if (col.kind === "url") { url = text; }
      if (col.truncated && text.charAt(text.length - 1) === "\u2026") { text += " (shortened on the map; full text in the incident table)"; }
      var tr = document.createElement("tr");
      cell(tr, "th", col.label);
      cell(tr, "td", text);
      table.appendChild(tr);
    }
    var trc = document.createElement("tr");
    cell(trc, "th", "Coordinates (lat, lon)");
    cell(trc, "td", d.latf[i].toFixed(4) + ", " + d.lonf[i].toFixed(4));
    table.appendChild(trc);
    root.appendChild(table);
    if (url && /^https?:\/\//i.test(url)) {
      var a = document.createElement("a");
      a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; a.textContent = "Open the source";
      root.appendChild(a);
    }
    root.setAttribute("data-incident-index", String(i));
    box.appendChild(root);
  }

  /* What a click at ``hits`` shows (BmStack items): each incident, or a cluster to zoom into. */
  function stackItems(layer, hits, cluster) {
    var d = layer._d, map = layer._map;
    if (!hits.length && cluster) {
      return [{group: "Incidents", title: "cluster of " + cluster.n + " incidents \u2014 zoom in",
               color: cluster.color, action: function () {
                 var bounds = L.latLngBounds(map.layerPointToLatLng([cluster.minx, cluster.miny]),
                                             map.layerPointToLatLng([cluster.maxx, cluster.maxy]));
                 map.fitBounds(bounds.pad(0.1), {maxZoom: layer.options.clusterMaxZoom + 1});
               }}];
    }
    return hits.map(function (i) {
      var type = d.types[d.group[i] & 15], date = valueOf(d, d.cols[d.dateCol], i),
          loc = valueOf(d, d.cols[d.locationCol], i);
      return {group: "Incident", title: (date || "undated") + " \u2014 " + (loc || "unnamed location") +
                " (" + type[0] + ")", color: type[1], latlng: L.latLng(d.latf[i], d.lonf[i]),
              fill: function (box) { fillIncident(box, d, i); layer.fire("incidentclick", {index: i}); }};
    });
  }

  /* ---------------------------------------------------------------- the canvas layer */
  var IncidentCanvas = L.Renderer.extend({
    options: {padding: 0.1, pane: PANE, clusterCellPx: 64, clusterMaxZoom: 12},

    initialize: function (data, options) {
      L.Renderer.prototype.initialize.call(this, options);
      this._d = data;
      this._clusters = [];
      var self = this;
      // clicks go through BmStack: one popup for everything under the pointer, incidents first
      window.BmStack.provide(this, function (lp) {
        var hits = self._hits(lp);
        return stackItems(self, hits, hits.length || !self._clustering(self._map.getZoom()) ? null : self._clusterAt(lp));
      }, 0);
    },

    onAdd: function (map) {
      if (!map.getPane(PANE)) {
        var pane = map.createPane(PANE);
        pane.style.zIndex = 450;
        pane.style.pointerEvents = "none";
      }
      L.Renderer.prototype.onAdd.call(this, map);
    },

    getEvents: function () {
      var events = L.Renderer.prototype.getEvents.call(this);
      events.mousemove = this._onMouseMove;
      return events;
    },

    _initContainer: function () {
      var c = this._container = document.createElement("canvas");
      c.className = "bm-incident-canvas";
      this._ctx = c.getContext("2d");
    },

    _destroyContainer: function () {
      L.DomUtil.remove(this._container);
      delete this._ctx;
      delete this._container;
      this._map.getContainer().style.cursor = "";
    },

    _updatePaths: function () {},

    _update: function () {
      if (this._map._animatingZoom && this._bounds) { return; }
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, c = this._container, size = b.getSize(), m = L.Browser.retina ? 2 : 1;
      L.DomUtil.setPosition(c, b.min);
      c.width = m * size.x; c.height = m * size.y;
      c.style.width = size.x + "px"; c.style.height = size.y + "px";
      var ctx = this._ctx;
      ctx.setTransform(m, 0, 0, m, 0, 0);
      ctx.translate(-b.min.x, -b.min.y);
      this._draw(ctx, b);
      this.fire("update");
    },

    _frame: function () {
      var map = this._map, z = map.getZoom();
      return {s: Math.pow(2, z), o: map.getPixelOrigin(), z: z};  // world px = wx * s
    },

    _clustering: function (z) {
      return this.options.cluster && z <= this.options.clusterMaxZoom;
    },

    _draw: function (ctx, b) {
      var d = this._d, f = this._frame(), s = f.s, ox = f.o.x, oy = f.o.y, pad = 40,
          x0 = b.min.x - pad, y0 = b.min.y - pad, x1 = b.max.x + pad, y1 = b.max.y + pad;
      var visible = 0, drawn = 0;
      this._clusters = [];
      if (this._clustering(f.z)) {
        if (this.options.showPrecision) { this._drawCircles(ctx, f, x0, y0, x1, y1); }
        visible = this._drawClusters(ctx, f, x0, y0, x1, y1);
      } else {
        // symbols are blended straight into one ImageData (far cheaper than canvas calls
        // in software rendering), then precision circles go underneath (destination-over)
        var m = L.Browser.retina ? 2 : 1, W = this._container.width, H = this._container.height,
            img = ctx.createImageData(W, H), buf = img.data;
        var w = Math.ceil(b.max.x - b.min.x) + 1, h = Math.ceil(b.max.y - b.min.y) + 1;
        var stamp = new Int32Array(w * h), group = -1, sp = null, cellPx = 1;
        for (var i = 0; i < d.n; i++) {
          var x = d.wx[i] * s - ox, y = d.wy[i] * s - oy;
          if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
          visible++;
          var g = d.group[i];
          if (g !== group) { group = g; sp = this._spritePixels(g, m); cellPx = sp.cell; }
          // the same symbol already drawn within a third of its radius adds nothing visible: skip it
          var px = Math.floor((x - b.min.x) / cellPx), py = Math.floor((y - b.min.y) / cellPx);
          if (px >= 0 && py >= 0 && px < w && py < h) {
            var k = py * w + px;
            if (stamp[k] === g + 1) { continue; }
            stamp[k] = g + 1;
          }
          drawn++;
          blit(buf, W, H, sp, Math.round((x - b.min.x) * m) - sp.half, Math.round((y - b.min.y) * m) - sp.half);
        }
        ctx.putImageData(img, 0, 0);
        if (this.options.showPrecision) {
          ctx.globalCompositeOperation = "destination-over";
          this._drawCircles(ctx, f, x0, y0, x1, y1);
          ctx.globalCompositeOperation = "source-over";
        }
      }
      this._drawHighlights(ctx, f, x0, y0, x1, y1);
      this._visible = visible;
      window.__bmIncidentVisible = visible;
      window.__bmIncidentSymbols = drawn;
      if (!this._ready) {
        if (this.options.version) { markDrawn(this.options.version); }
        this._ready = true;
        window.__bmReadyAt = performance.now();
        window.__bmReady = true;
        this.fire("ready");
      }
    },

    /* The sprite's non-transparent pixels (offset, colour, alpha), at device resolution. */
    _spritePixels: function (g, m) {
      this._pixels = this._pixels || {};
      var key = g * 4 + m;
      if (this._pixels[key]) { return this._pixels[key]; }
      var sp = this._sprite(g), c = sp.canvas, data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data,
          dx = [], dy = [], rgba = [];
      for (var y = 0; y < c.height; y++) {
        for (var x = 0; x < c.width; x++) {
          var o = (y * c.width + x) * 4;
          if (data[o + 3] === 0) { continue; }
          dx.push(x); dy.push(y); rgba.push(data[o], data[o + 1], data[o + 2], data[o + 3]);
        }
      }
      this._pixels[key] = {dx: Int32Array.from(dx), dy: Int32Array.from(dy), rgba: Uint8Array.from(rgba),
                           half: sp.half * m, cell: sp.cell};
      return this._pixels[key];
    },

    /* One pre-drawn symbol per style group: blitting it is far cheaper than filling arcs. */
    _sprite: function (g) {
      this._sprites = this._sprites || {};
      var sp = this._sprites[g];
      if (sp) { return sp; }
      var st = groupStyle(this._d, g), m = L.Browser.retina ? 2 : 1, half = Math.ceil(st.r + 2),
          size = 2 * half, c = document.createElement("canvas");
      c.width = c.height = size * m;
      var ctx = c.getContext("2d");
      ctx.scale(m, m);
      ctx.beginPath(); ctx.arc(half, half, st.r, 0, TWO_PI);
      this._flush(ctx, st);
      sp = this._sprites[g] = {canvas: c, half: half, size: size, cell: Math.max(1, Math.floor(st.r / 3))};
      return sp;
    },

    _flush: function (ctx, st) {
      if (st.approx) {
        ctx.globalAlpha = 0.35; ctx.fillStyle = st.color; ctx.fill();
        ctx.globalAlpha = 1; ctx.setLineDash([3, 3]); ctx.lineWidth = 1.5; ctx.strokeStyle = st.color; ctx.stroke();
        ctx.setLineDash([]);
      } else {
        ctx.globalAlpha = 0.9; ctx.fillStyle = st.color; ctx.fill();
        ctx.globalAlpha = 1; ctx.lineWidth = 1; ctx.strokeStyle = "#222222"; ctx.stroke();
      }
    },

    _drawCircles: function (ctx, f, x0, y0, x1, y1) {
      var d = this._d, circles = d.circles, mPerPx0 = EARTH_CIRCUMFERENCE_M / (256 * f.s);
      ctx.setLineDash([6, 6]); ctx.lineWidth = 1.5;
      for (var c = 0; c < circles.length; c++) {
        var i = circles[c], x = d.wx[i] * f.s - f.o.x, y = d.wy[i] * f.s - f.o.y,
            r = d.precision_m[i] / (mPerPx0 * Math.cos(d.latf[i] * Math.PI / 180));
        if (r < 2 || x + r < x0 || x - r > x1 || y + r < y0 || y - r > y1) { continue; }
        var color = d.types[d.group[i] & 15][1];
        ctx.beginPath(); ctx.arc(x, y, r, 0, TWO_PI);
        ctx.globalAlpha = 0.05; ctx.fillStyle = color; ctx.fill();
        ctx.globalAlpha = 0.8; ctx.strokeStyle = color; ctx.stroke();
      }
      ctx.setLineDash([]); ctx.globalAlpha = 1;
    },

    _drawHighlights: function (ctx, f, x0, y0, x1, y1) {
      var d = this._d;
      for (var h = 0; h < d.highlight.length; h++) {
        var i = d.highlight[h], x = d.wx[i] * f.s - f.o.x, y = d.wy[i] * f.s - f.o.y;
        if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
        var st = groupStyle(d, d.group[i]), r = Math.max(st.r, 6);
        ctx.beginPath(); ctx.arc(x, y, r + 3, 0, TWO_PI);
        ctx.lineWidth = 6; ctx.strokeStyle = "#ffffff"; ctx.stroke();
        ctx.beginPath(); ctx.arc(x, y, r, 0, TWO_PI);
        ctx.fillStyle = st.color; ctx.fill();
        ctx.lineWidth = 3.5; ctx.strokeStyle = "#000000"; ctx.stroke();
      }
    },

    _drawClusters: function (ctx, f, x0, y0, x1, y1) {
      var d = this._d, size = this.options.clusterCellPx, cells = new Map(), visible = 0, nt = d.types.length;
      for (var i = 0; i < d.n; i++) {
        var x = d.wx[i] * f.s - f.o.x, y = d.wy[i] * f.s - f.o.y;
        if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
        visible++;
        if (d.hl[i]) { continue; }
        var key = Math.floor((x + f.o.x) / size) * 1048576 + Math.floor((y + f.o.y) / size), c = cells.get(key);
        if (!c) {
          c = {n: 0, sx: 0, sy: 0, first: i, byType: new Int32Array(nt),
               minx: Infinity, miny: Infinity, maxx: -Infinity, maxy: -Infinity};
          cells.set(key, c);
        }
        c.n++; c.sx += x; c.sy += y; c.byType[d.group[i] & 15]++;
        if (x < c.minx) { c.minx = x; } if (x > c.maxx) { c.maxx = x; }
        if (y < c.miny) { c.miny = y; } if (y > c.maxy) { c.maxy = y; }
      }
      var singles = [], self = this;
      cells.forEach(function (c) {
        if (c.n === 1) { singles.push(c.first); return; }
        var best = 0;
        for (var t = 1; t < nt; t++) { if (c.byType[t] > c.byType[best]) { best = t; } }
        c.x = c.sx / c.n; c.y = c.sy / c.n; c.r = 10 + 4 * Math.log(c.n) / Math.LN2;
        c.color = d.types[best][1];
        self._clusters.push(c);
      });
      singles.sort(function (a, b) { return a - b; });
      for (var s = 0; s < singles.length; s++) {
        var j = singles[s], st = groupStyle(d, d.group[j]);
        ctx.beginPath(); ctx.arc(d.wx[j] * f.s - f.o.x, d.wy[j] * f.s - f.o.y, st.r, 0, TWO_PI);
        this._flush(ctx, st);
      }
      ctx.font = "bold 11px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      for (var k = 0; k < this._clusters.length; k++) {
        var cl = this._clusters[k];
        ctx.beginPath(); ctx.arc(cl.x, cl.y, cl.r, 0, TWO_PI);
        ctx.globalAlpha = 0.8; ctx.fillStyle = cl.color; ctx.fill();
        ctx.globalAlpha = 1; ctx.lineWidth = 2; ctx.strokeStyle = "#ffffff"; ctx.stroke();
        ctx.fillStyle = "#ffffff";
        ctx.fillText(cl.n >= 10000 ? Math.round(cl.n / 1000) + "k" : String(cl.n), cl.x, cl.y);
      }
      return visible;
    },

    /* Indices of incidents under a layer point, topmost first. */
    _hits: function (lp) {
      var d = this._d, f = this._frame(), out = [];
      var clustering = this._clustering(f.z);
      for (var i = d.n - 1; i >= 0; i--) {
        if (clustering && !d.hl[i]) { continue; }
        var x = d.wx[i] * f.s - f.o.x - lp.x, y = d.wy[i] * f.s - f.o.y - lp.y,
            r = Math.max(groupStyle(d, d.group[i]).r, d.hl[i] ? 6 : 0) + 2;
        if (x * x + y * y <= r * r) { out.push(i); }
      }
      if (clustering && !out.length) {
        var singles = this._singlesAt(lp, f);
        out = out.concat(singles);
      }
      out.sort(function (a, b) { return d.hl[b] - d.hl[a] || b - a; });
      return out;
    },

    _singlesAt: function (lp, f) {
      // in cluster mode an unclustered point is one alone in its grid cell
      var d = this._d, size = this.options.clusterCellPx, out = [], inCell = {};
      for (var i = 0; i < d.n; i++) {
        if (d.hl[i]) { continue; }
        var x = d.wx[i] * f.s - f.o.x, y = d.wy[i] * f.s - f.o.y, r = groupStyle(d, d.group[i]).r + 2;
        var key = Math.floor((x + f.o.x) / size) * 1048576 + Math.floor((y + f.o.y) / size);
        inCell[key] = (inCell[key] || 0) + 1;
        if ((x - lp.x) * (x - lp.x) + (y - lp.y) * (y - lp.y) <= r * r) { out.push([i, key]); }
      }
      return out.filter(function (p) { return inCell[p[1]] === 1; }).map(function (p) { return p[0]; });
    },

    _clusterAt: function (lp) {
      for (var k = this._clusters.length - 1; k >= 0; k--) {
        var c = this._clusters[k], dx = c.x - lp.x, dy = c.y - lp.y;
        if (dx * dx + dy * dy <= c.r * c.r) { return c; }
      }
      return null;
    },

    _onMouseMove: function (e) {
      if (this._moveFrame) { return; }
      var self = this, lp = e.layerPoint;
      this._moveFrame = L.Util.requestAnimFrame(function () {
        self._moveFrame = null;
        if (!self._map) { return; }
        var over = self._hits(lp).length > 0 || (self._clustering(self._map.getZoom()) && !!self._clusterAt(lp));
        self._map.getContainer().style.cursor = over ? "pointer" : "";
      });
    }
  });

  function heatLayer(d, options) {
    var pts = new Array(d.n);
    for (var i = 0; i < d.n; i++) {
      var fat = d.cols[d.fatalitiesCol].v[i];
      pts[i] = [d.latf[i], d.lonf[i], 1 + Math.log(1 + Math.max(fat, 0)) / Math.LN2];
    }
    // maxZoom 0: leaflet-heat then weights every zoom level alike; the gradient is the legend's ramp
    return L.heatLayer(pts, {radius: 14, blur: 16, maxZoom: 0, max: options.heatMax, minOpacity: 0.15,
                             gradient: options.heatGradient});
  }

  function addTo(group, d, options) {
    prepare(d);
    if (window.__bmTimings) { window.__bmTimings.prepared = performance.now(); }
    window.__bmIncidentCount = d.n;
    var layer;
    if (options.style === "heatmap") {
      layer = heatLayer(d, options);
      group.addLayer(layer);
      window.__bmIncidentVisible = d.n;
      window.__bmReadyAt = performance.now();
      window.__bmReady = true;
    } else {
      layer = new IncidentCanvas(d, {showPrecision: options.showPrecision, cluster: options.style === "cluster",
                                     version: options.version});
      group.addLayer(layer);
      if (!group._map) { window.__bmReadyAt = performance.now(); window.__bmReady = true; }
    }
    window.__bmIncidentLayers = (window.__bmIncidentLayers || []).concat([layer]);
    return layer;
  }

  function load(group, chunks, options) {
    var timings = window.__bmTimings = {start: performance.now()};
    return Promise.all(chunks.map(function (c) { return decode(c[1], c[0]); })).then(function (parts) {
      var d = merge(parts);
      timings.decoded = performance.now();
      var layer = addTo(group, d, options);
      timings.added = performance.now();
      return layer;
    })
      .catch(function (err) { console.error("Border Map incidents layer: " + err.message); throw err; });
  }

  /* ------------------------------------------------ served chunks (the page's live map)
     Each chunk is a file named by its content; a chunk already fetched is not fetched again,
     so after a save only the changed chunk travels. */
  var served = {};  // url -> promise of the decoded chunk

  function fetchChunk(url) {
    if (!served[url]) {
      served[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error("incident data " + url + ": HTTP " + r.status); }
        return r.json();
      }).then(function (c) { return decode(c[1], c[0]); });
      served[url].catch(function () { delete served[url]; });
    }
    return served[url];
  }

  function markDrawn(version) {
    window.__bmDrawnVersion = version;
    window.__bmDrawnAt = performance.now();
  }

  function loadServed(group, spec) {
    var timings = window.__bmTimings = {start: performance.now(), served: true};
    window.__bmLoadingVersion = spec.version;
    return Promise.all(spec.chunks.map(fetchChunk)).then(function (parts) {
      var keep = {};
      spec.chunks.forEach(function (u) { keep[u] = 1; });
      Object.keys(served).forEach(function (u) { if (!keep[u]) { delete served[u]; } });
      if (window.__bmLoadingVersion !== spec.version) { return null; }  // a newer layer is on its way
      var d = merge(parts.length === 1 ? [Object.assign({}, parts[0])] : parts);
      timings.decoded = performance.now();
      var layer = addTo(group, d, spec.options);
      timings.added = performance.now();
      if (spec.options.style === "heatmap" || !group._map) { markDrawn(spec.version); }
      return layer;
    }).catch(function (err) { console.error("Border Map incidents layer: " + err.message); });
  }

  window.BmIncidents = {load: load, loadServed: loadServed, IncidentCanvas: IncidentCanvas};
})();
