#!/usr/bin/env bash
# Re-create static/vendor/ from the npm registry (run from the repository root).
# The map's JavaScript and CSS are served by the app itself (and inlined into HTML
# exports) so the map works with no access to any CDN. Licences: see static/vendor/LICENSES.md.
set -euo pipefail
out="static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pkgs=(leaflet@1.9.3 jquery@3.7.1 bootstrap@5.2.2 leaflet.fullscreen@3.0.0 leaflet-measure@2.1.7
      leaflet.markercluster@1.1.0 leaflet.heat@0.2.0 leaflet-draw@1.0.2 leaflet.awesome-markers@2.0.5
      leaflet-mouse-position@1.2.0)
(cd "$tmp" && for p in "${pkgs[@]}"; do npm pack --silent "$p" >/dev/null; done && for f in *.tgz; do
  d="${f%.tgz}"; mkdir "$d"; tar xzf "$f" -C "$d" --warning=no-unknown-keyword; done)
mkdir -p "$out/images"
cp "$tmp"/leaflet-1.9.3/package/dist/leaflet.js "$tmp"/leaflet-1.9.3/package/dist/leaflet.css "$out/"
cp "$tmp"/leaflet-1.9.3/package/dist/images/*.png "$out/images/"
cp "$tmp"/jquery-3.7.1/package/dist/jquery.min.js "$out/"
cp "$tmp"/bootstrap-5.2.2/package/dist/js/bootstrap.bundle.min.js "$tmp"/bootstrap-5.2.2/package/dist/css/bootstrap.min.css "$out/"
cp "$tmp"/leaflet.fullscreen-3.0.0/package/Control.FullScreen.js "$out/"
cp "$tmp"/leaflet.fullscreen-3.0.0/package/Control.FullScreen.css "$out/"
cp "$tmp"/leaflet.fullscreen-3.0.0/package/icon-fullscreen.svg "$out/" 2>/dev/null || true
cp "$tmp"/leaflet-measure-2.1.7/package/dist/leaflet-measure.js "$out/"
cp "$tmp"/leaflet-measure-2.1.7/package/dist/leaflet-measure.css "$out/"
cp "$tmp"/leaflet-measure-2.1.7/package/dist/images/*.png "$out/images/"
cp "$tmp"/leaflet.markercluster-1.1.0/package/dist/leaflet.markercluster.js "$out/"
cp "$tmp"/leaflet.markercluster-1.1.0/package/dist/MarkerCluster.css "$tmp"/leaflet.markercluster-1.1.0/package/dist/MarkerCluster.Default.css "$out/"
cp "$tmp"/leaflet.heat-0.2.0/package/dist/leaflet-heat.js "$out/"
cp "$tmp"/leaflet-draw-1.0.2/package/dist/leaflet.draw.js "$tmp"/leaflet-draw-1.0.2/package/dist/leaflet.draw.css "$out/"
cp "$tmp"/leaflet-draw-1.0.2/package/dist/images/spritesheet* "$out/images/"
cp "$tmp"/leaflet.awesome-markers-2.0.5/package/dist/leaflet.awesome-markers.js "$out/"
cp "$tmp"/leaflet.awesome-markers-2.0.5/package/dist/leaflet.awesome-markers.css "$out/"
cp "$tmp"/leaflet-mouse-position-1.2.0/package/src/L.Control.MousePosition.js "$out/"
cp "$tmp"/leaflet-mouse-position-1.2.0/package/src/L.Control.MousePosition.css "$out/"
echo "vendored into $out"
