"""Incidents the page's map fetches as files, so a rerun sends only their addresses.

Inline (:class:`layers.incidents.IncidentLayer`) the whole payload and the layer's script
travel with every script run of the page — megabytes over the websocket at 10,000s of
incidents, after every save, edit, filter or toggle. Here each encoded chunk
(:func:`layers.incidents.prepare_incidents`) and the script itself are written once as
files named by a hash of their content into ``static/cache/`` (served by Streamlit at
``/app/static/cache/``, ``server.enableStaticServing``); the layer sent with each rerun
holds only their URLs (~2 KB). The browser fetches a chunk it does not hold yet: after one
incident is saved, one chunk of 16. The standalone HTML export keeps the inline layer.

Files are immutable (a changed chunk gets a new name); files no server process has used
for :data:`PRUNE_AFTER_S` (a week) are removed when a server process first writes one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import Template

from geo.record_chunks import CHUNK_COUNT
from geo.sanitize import template_safe_json
from layers.base import LayerBundle
from layers.incidents import STYLES, IncidentPayload, _legend, _library, layer_options
from layers.raw import RawMacroElement

logger = logging.getLogger(__name__)

#: ``static/`` beside app.py, which Streamlit serves at ``/app/static/``.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
#: Where the files go (ignored by git) and the URL they are served at.
CACHE_DIR = STATIC_DIR / "cache"
CACHE_URL = "/app/static/cache/"
#: Files unused this long (seconds, by modification time) are removed.
PRUNE_AFTER_S = 7 * 24 * 3600
#: Texts whose URL is remembered (a few versions of every chunk; each text is held while
#: remembered, ~0.5 MB a chunk at 100,000 records).
_RECENT_MAX = 4 * CHUNK_COUNT

_BOOT_TEMPLATE = """
{% macro script(this, kwargs) %}
(function (group, spec) {
  function go() { window.BmIncidents.loadServed(group, spec); }
  function fail(err) { console.error("Border Map incidents layer: " + err.message); }
  function script(src) {
    return new Promise(function (ok, no) {
      var s = document.createElement("script");
      s.src = src; s.onload = ok;
      s.onerror = function () { no(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }
  var lib = window.BmIncidents ? Promise.resolve() :
    (window.__bmLibLoading = window.__bmLibLoading || script(spec.lib));
  var heat = spec.heat && !(window.L && L.heatLayer) ?
    (window.__bmHeatLoading = window.__bmHeatLoading || lib.then(function () { return script(spec.heat); })) : lib;
  Promise.all([lib, heat]).then(go, fail);
})({{ this._parent.get_name() }}, {{ this.spec_json }});
{% endmacro %}
"""


class FileShelf:
    """Content-addressed files in ``directory``, served at ``url_prefix`` (thread-safe)."""

    def __init__(self, directory: Path = CACHE_DIR, url_prefix: str = CACHE_URL) -> None:
        self.directory = directory
        self.url_prefix = url_prefix
        self._known: set[str] = set()
        self._lock = threading.Lock()
        self._pruned = False
        self._recent: OrderedDict[tuple[str, str, str], str] = OrderedDict()

    def put(self, text: str, prefix: str, suffix: str) -> str:
        """The URL of a file holding ``text`` (UTF-8), written unless it exists already."""
        # the same text again (an unchanged chunk on the next run): no second hash of megabytes
        # (a str caches its own hash, and the texts are the cached chunks' own objects)
        found = self._recent.get((text, prefix, suffix))
        if found is not None:
            return found
        name = f"{prefix}{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}{suffix}"
        url = self.url_prefix + name
        with self._lock:
            self._recent[(text, prefix, suffix)] = url
            while len(self._recent) > _RECENT_MAX:
                self._recent.popitem(last=False)
        if name in self._known:
            return url
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / name
            if path.exists():
                os.utime(path)  # in use again: not pruned
            else:
                self._write(path, text)
                self._prune_once()
            self._known.add(name)
        return url

    def _write(self, path: Path, text: str) -> None:
        # written under a temporary name, then renamed: a reader never sees half a file
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _prune_once(self) -> None:
        if self._pruned:
            return
        self._pruned = True
        cutoff = time.time() - PRUNE_AFTER_S
        removed = 0
        for path in self.directory.iterdir():
            try:
                if path.is_file() and path.name not in self._known and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        if removed:
            logger.info("removed %d unused map data file(s) from %s", removed, self.directory)


@dataclass(frozen=True)
class ServedSpec:
    """What the layer sent with each rerun holds: URLs and drawing options."""

    lib: str
    chunks: tuple[str, ...]
    style: str
    show_precision: bool
    heat: str | None

    def as_json(self) -> str:
        """Script-safe JSON for the page (see :func:`geo.sanitize.template_safe_json`)."""
        options = layer_options(self.style, self.show_precision)
        version = hashlib.sha256(repr((self.chunks, options)).encode()).hexdigest()[:16]
        return template_safe_json({"lib": self.lib, "heat": self.heat, "chunks": list(self.chunks),
                                   "options": {**options, "version": version}, "version": version})


def _library_text() -> str:
    """The layer's code with leaflet.heat and BmStack, as the inline layer carries it."""
    return _library()


def served_spec(prepared: IncidentPayload, shelf: FileShelf, style: str = "points",
                show_precision: bool = True, heat_url: str | None = None) -> ServedSpec:
    """Write ``prepared``'s chunks and the layer's script to ``shelf``; their URLs.

    ``heat_url``: where the heatmap plugin is served (loaded by the browser only for
    ``style="heatmap"`` and only if not loaded yet).
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}; got {style!r}")
    lib = shelf.put(_library_text(), "incident-layer-", ".js")
    chunks = tuple(shelf.put(c.json_text, "incidents-", ".json") for c in prepared.chunks)
    return ServedSpec(lib=lib, chunks=chunks, style=style, show_precision=bool(show_precision),
                      heat=heat_url if style == "heatmap" else None)


class ServedIncidentLayer(RawMacroElement):
    """A few lines of script that fetch the incidents of a :class:`ServedSpec` and draw them
    with the same canvas as :class:`layers.incidents.IncidentLayer` (``incident_layer.js``)."""

    _template = Template(_BOOT_TEMPLATE)

    def __init__(self, spec: ServedSpec) -> None:
        super().__init__()
        self._name = "ServedIncidentLayer"
        self.spec = spec
        self.spec_json = spec.as_json()


def served_incidents_layer(prepared: IncidentPayload, shelf: FileShelf, show_precision: bool = True,
                           style: str = "points") -> LayerBundle:
    """The incidents overlay for the page's live map: a FeatureGroup whose script fetches the
    chunk files, and the same legend as :func:`layers.incidents.incidents_layer`."""
    spec = served_spec(prepared, shelf, style, show_precision)  # leaflet.heat travels in the library
    group = folium.FeatureGroup(name="Incidents")
    ServedIncidentLayer(spec).add_to(group)
    logger.info("incidents layer: %d incidents in %d served chunk(s), style %s", prepared.n,
                len(spec.chunks), style)
    return LayerBundle([group], _legend(prepared, style))
