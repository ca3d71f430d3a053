"""Serve the map's JavaScript/CSS from our own copies instead of CDNs.

Folium elements list CDN URLs in ``default_js``/``default_css``. :func:`localize_assets`
points every element of a map at the vendored copies in ``static/vendor/`` (served by
Streamlit at ``/app/static/vendor/``), and :func:`inline_assets` turns those links into
inline ``<script>``/``<style>`` blocks for a standalone HTML file that opens offline.
Assets we do not ship (icon fonts for marker icons we do not use) are dropped.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
from pathlib import Path
from typing import TypeVar

import folium
from branca.element import Element

logger = logging.getLogger(__name__)

VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"
#: URL prefix under which Streamlit serves ``static/`` (``server.enableStaticServing``).
SERVED_PREFIX = "/app/static/vendor/"

#: CDN file name → vendored file name (when they differ).
_RENAMES = {
    "leaflet.fullscreen.min.js": "Control.FullScreen.js",
    "Control.FullScreen.min.js": "Control.FullScreen.js",
    "leaflet-measure.min.js": "leaflet-measure.js",
    "leaflet-measure.min.css": "leaflet-measure.css",
    "L.Control.MousePosition.min.js": "L.Control.MousePosition.js",
    "L.Control.MousePosition.min.css": "L.Control.MousePosition.css",
    "leaflet_heat.min.js": "leaflet-heat.js",
    "jquery.min.js": "jquery.min.js",
    "jquery-3.7.1.min.js": "jquery.min.js",
}


_E = TypeVar("_E", bound=Element)


def vendored_name(url: str) -> str | None:
    """The vendored file that replaces a CDN ``url``, or None if we do not ship it."""
    base = url.rsplit("/", 1)[-1]
    base = _RENAMES.get(base, base)
    return base if (VENDOR_DIR / base).is_file() else None


def _localize(pairs: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
    out = []
    for name, url in pairs:
        if url.startswith(prefix):
            out.append((name, url))
            continue
        local = vendored_name(url)
        if local is None:
            logger.debug("dropping asset %s (%s): not vendored", name, url)
            continue
        out.append((name, prefix + local))
    return out


def localize_assets(m: _E, prefix: str = SERVED_PREFIX) -> _E:
    """Point every element of ``m`` (a map, or a layer sent on its own) at vendored assets
    (instance attributes; classes untouched).

    Returns ``m`` for chaining.
    """
    stack: list[object] = [m]
    while stack:
        elem = stack.pop()
        for attr in ("default_js", "default_css"):
            pairs = getattr(elem, attr, None)
            if pairs:
                setattr(elem, attr, _localize(list(pairs), prefix))
        stack.extend(getattr(elem, "_children", {}).values())
    return m


_SCRIPT_RE = re.compile(r'<script src="' + re.escape(SERVED_PREFIX) + r'([^"]+)"></script>')
_CSS_RE = re.compile(r'<link rel="stylesheet" href="' + re.escape(SERVED_PREFIX) + r'([^"]+)"/>')


_CSS_URL_RE = re.compile(r"""url\(['"]?([\w./@-]+\.(?:png|svg))['"]?\)""")


def _data_uri(match: re.Match[str]) -> str:
    """``url(images/x.png)`` → ``url(data:image/png;base64,…)`` for a vendored image."""
    path = (VENDOR_DIR / match.group(1)).resolve()
    if VENDOR_DIR.resolve() not in path.parents or not path.is_file():
        return match.group(0)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"url(data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()})"


def inline_assets(html: str) -> str:
    """Replace links to vendored assets in a rendered page with their inline contents."""

    def script(match: re.Match[str]) -> str:
        code = (VENDOR_DIR / Path(match.group(1)).name).read_text(encoding="utf-8")
        return "<script>" + code.replace("</script", "<\\/script") + "</script>"

    def style(match: re.Match[str]) -> str:
        css = (VENDOR_DIR / Path(match.group(1)).name).read_text(encoding="utf-8")
        css = _CSS_URL_RE.sub(_data_uri, css)
        return "<style>" + css.replace("</style", "<\\/style") + "</style>"

    return _CSS_RE.sub(style, _SCRIPT_RE.sub(script, html))


def standalone_html(m: folium.Map) -> str:
    """The map as one self-contained HTML document (tiles excepted)."""
    localize_assets(m)
    return inline_assets(m.get_root().render())
