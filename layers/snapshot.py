"""Snapshots of the map the page shows: a standalone HTML file and a PNG as the browser draws it.

Both start from :func:`layers.scene.build_scene_map`, so a snapshot has the same layers,
filters, basemap and view as the page. The HTML file carries Leaflet and every plugin
inline (only tiles need a network). The PNG is drawn by a real headless Chromium driven
by Playwright: the map must have drawn its layers (and its tiles, or given up on them)
before the screenshot is taken, within a bounded wait. When a tile basemap cannot load
(no network, host unreachable) the offline basemap, drawn from our own country polygons,
replaces it, so a PNG never shows grey tiles.

Browser discovery (:func:`find_browser`): ``BORDERMAP_CHROMIUM``, then Chromium/Chrome on
the ``PATH``, then Playwright's own download. The static renderer
(:mod:`layers.static_map`) needs no browser at all.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

import folium
from branca.element import Element, MacroElement, Template
from folium.elements import ElementAddToElement

from geo.bbox import BBox as GeoBBox
from geo.bbox import require_in_region
from geo.errors import BrowserNotFoundError, InvalidInputError, RenderError
from geo.sanitize import escape_html
from geo.scene_data import SceneData
from geo.settings import CHROMIUM_ENV, read_settings
from layers.assets import standalone_html
from layers.base import LayerBundle
from layers.basemaps import OFFLINE
from layers.border import BORDER_COLOR
from layers.map import MapView
from layers.provenance import data_as_of, source_parts
from layers.raw import RawText
from layers.scene import SceneOptions, build_scene_map

logger = logging.getLogger(__name__)

#: Environment variable naming the Chromium/Chrome executable to use.
BROWSER_ENV = CHROMIUM_ENV
#: Executable names tried on the PATH, in order.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
                 "chrome-headless-shell")
#: Flags for a headless Chromium on a server (no GPU, no sandbox in containers, no phoning home).
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage")

#: Every host name fails to resolve at once: no request leaves the machine (cheaper than routing
#: each request through Playwright, which costs seconds on a map page).
_NO_NETWORK_ARGS = ("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9")

#: Allowed PNG width/height in pixels; sizes outside are capped (with a warning).
MIN_PX, MAX_PX = 200, 4000
#: Longest wait for tiles once the layers have drawn (seconds); then the PNG is taken anyway.
TILE_WAIT_S = 8.0

INSTALL_ADVICE = (
    "install Chromium (Debian/Ubuntu: 'sudo apt install chromium'; macOS: 'brew install --cask chromium') "
    "or Playwright's copy ('python -m playwright install chromium'), or set BORDERMAP_CHROMIUM to the "
    "path of a Chromium/Chrome executable; the static renderer (--renderer static) needs no browser"
)

BBox = tuple[float, float, float, float]
_L = TypeVar("_L", bound=Element)

#: Title of the HTML snapshot (its ``<title>`` and the caption over the map).
HTML_TITLE = "Border Map — Tajikistan–Afghanistan border"
#: What each kind of export is called in its file name (:func:`export_filename`).
EXPORT_KINDS = {"view": "png", "clean": "png", "print": ("png", "pdf"), "interactive": "html"}
#: The map's controls a clean PNG leaves out (zoom, full screen, measure, mouse position, layer
#: switcher, draw toolbar); the legend, the scale bar and the attribution stay.
CLEAN_CSS = ("<style>.leaflet-control-zoom, .leaflet-control-fullscreen, .leaflet-control-measure,"
             " .leaflet-control-mouseposition, .leaflet-control-layers, .leaflet-draw"
             " {display: none !important}</style>")


def validate_bbox(bbox: BBox) -> BBox:
    """Check a (west, south, east, north) box in degrees (EPSG:4326) against the region.

    Raises
    ------
    InvalidInputError
        If the box is not four finite numbers with W < E and S < N, or does not overlap
        :data:`geo.crs.REGION_BOUNDS`.
    """
    return require_in_region(GeoBBox.from_values(bbox)).as_tuple()


def clamp_size(width: int, height: int) -> tuple[int, int, list[str]]:
    """Cap a requested image size to :data:`MIN_PX`–:data:`MAX_PX` pixels per side.

    Returns the size to use and one warning sentence per capped side.

    >>> clamp_size(100000, 800)
    (4000, 800, ['width 100000 px is outside 200–4000 px; using 4000 px'])
    """
    out: list[int] = []
    warnings: list[str] = []
    for name, value in (("width", width), ("height", height)):
        v = int(value)
        capped = min(max(v, MIN_PX), MAX_PX)
        if capped != v:
            warnings.append(f"{name} {v} px is outside {MIN_PX}–{MAX_PX} px; using {capped} px")
        out.append(capped)
    return out[0], out[1], warnings


def snapshot_filename(ext: str, day: date | None = None, label: str = "border-map") -> str:
    """A safe download name: ``{label}_{YYYY-MM-DD}.{ext}`` with the label cut to ``[a-z0-9-]``.

    >>> snapshot_filename("png", date(2025, 12, 1))
    'border-map_2025-12-01.png'
    >>> snapshot_filename(".PDF", date(2025, 12, 1), label="../../etc/<x> Khatlon")
    'etc-x-khatlon_2025-12-01.pdf'
    """
    ext = ext.lower().lstrip(".")
    if ext not in ("html", "png", "pdf"):
        raise InvalidInputError(f"ext must be html, png or pdf, got {ext!r}")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "border-map"
    return f"{slug}_{(day or date.today()).isoformat()}.{ext}"


def export_filename(kind: str, ext: str, when: datetime | None = None) -> str:
    """The download name of an export: ``border-map_{kind}_{YYYY-MM-DD_HHMM}Z.{ext}`` (UTC).

    ``kind``: ``view`` (PNG as seen), ``clean`` (PNG without controls), ``print`` (the static
    print map, PNG or PDF) or ``interactive`` (the HTML map).

    >>> export_filename("view", "png", datetime(2026, 1, 5, 9, 7, tzinfo=UTC))
    'border-map_view_2026-01-05_0907Z.png'
    >>> export_filename("print", "PDF", datetime(2026, 1, 5, 9, 7, tzinfo=UTC))
    'border-map_print_2026-01-05_0907Z.pdf'
    """
    ext = ext.lower().lstrip(".")
    allowed = EXPORT_KINDS.get(kind)
    if allowed is None:
        raise InvalidInputError(f"kind must be one of {', '.join(EXPORT_KINDS)}, got {kind!r}")
    if ext not in (allowed if isinstance(allowed, tuple) else (allowed,)):
        raise InvalidInputError(f"a {kind} export is {' or '.join(allowed) if isinstance(allowed, tuple) else allowed}, "
                                f"not {ext!r}")
    stamp = (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d_%H%MZ")
    return f"border-map_{kind}_{stamp}.{ext}"


def detached(bundles: Sequence[LayerBundle]) -> list[LayerBundle]:
    """Copies of ``bundles`` not attached to any map, so one set of layers can be drawn on the
    page's map and on a snapshot's map (folium keeps one parent per element)."""
    return [LayerBundle([_detached(g) for g in b.groups], list(b.legend), list(b.shapes), b.source)
            for b in bundles]


def _detached(element: _L) -> _L:
    parent = getattr(element, "_parent", None)
    if parent is None:  # on no map yet (built for this snapshot): nothing to copy
        return element
    # the parent (a map) is not copied: the copy starts with none
    clone = copy.deepcopy(element, {id(parent): None})
    # a rendered layer keeps an "add me to my map" child naming the map it was drawn on (and the
    # page's renderer renames elements as it draws them): drop those, each render adds its own
    stack: list[Element] = [clone]
    while stack:
        elem = stack.pop()
        kids = getattr(elem, "_children", None)
        if kids:
            for key in [k for k, child in kids.items() if isinstance(child, ElementAddToElement)]:
                del kids[key]
            stack.extend(kids.values())
    return clone


def snapshot_map(data: SceneData, options: SceneOptions, view: MapView | None = None,
                 bbox: BBox | None = None, *, extra_base_overlays: Sequence[folium.map.Layer] = (),
                 extra_bundles: Sequence[LayerBundle] = ()) -> folium.Map:
    """The page's map for ``options`` (centred on ``view``, or fitted to ``bbox`` W,S,E,N degrees)
    with the page's relief images (``extra_base_overlays``) and analysis layers
    (``extra_bundles``: coverage, zones, the incidents as highlighted, the pin), drawn on
    copies so the page's own layers are left as they are."""
    overlays = [_detached(o) for o in extra_base_overlays]
    m = build_scene_map(data, options, view, overlays, detached(extra_bundles))
    if bbox is not None:
        w, s, e, n = validate_bbox(bbox)
        m.fit_bounds([[s, w], [n, e]])
    return m


def caption_html(title: str, day: date, sources: Sequence[str], as_of: str | None = None) -> str:
    """The HTML snapshot's caption over the map: title, date (and the data's date), sources.

    Every text is escaped (:func:`geo.sanitize.escape_html`: HTML, script and template
    characters), so it is shown as text.
    """
    dated = f"Snapshot of {day.isoformat()}" + (f" · data as of {as_of}" if as_of else "")
    return ("<div id='bm-caption' class='bm-caption' style='position:absolute;z-index:1000;left:50%;"
            "bottom:24px;transform:translateX(-50%);max-width:min(760px,70%);background:rgba(255,255,255,.92);"
            "padding:5px 10px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 sans-serif;"
            "color:#222;pointer-events:auto'>"
            "<button type='button' class='bm-caption-hide' title='Hide this caption' aria-label='Hide this caption' "
            "onclick='this.parentNode.style.display=\"none\"' style='float:right;border:none;background:none;"
            "font-size:14px;line-height:1;cursor:pointer;padding:0 0 0 8px'>×</button>"
            f"<div class='bm-caption-title' style='font-weight:bold;font-size:14px'>{escape_html(title)}</div>"
            f"<div class='bm-caption-date'>{escape_html(dated)}</div>"
            "<div class='bm-caption-sources' style='font-size:11px;color:#444'>Sources: "
            f"{escape_html('; '.join(sources))}.</div></div>")


def snapshot_html(data: SceneData, options: SceneOptions, view: MapView | None = None,
                  bbox: BBox | None = None, *, extra_base_overlays: Sequence[folium.map.Layer] = (),
                  extra_bundles: Sequence[LayerBundle] = (), relief_source: str | None = None,
                  title: str = HTML_TITLE, today: date | None = None,
                  sources_options: SceneOptions | None = None) -> str:
    """The current map as one self-contained HTML document (opens offline; tiles need a network),
    with a title (the document's and a caption's), the date, the sources of every layer drawn
    (``relief_source`` names the relief's DEM; ``sources_options``: the overlays to credit when
    some are drawn by ``extra_bundles``, default ``options``) and the map's legend.

    Every text of the data reaches the page escaped (:func:`geo.sanitize.escape_html` in the
    layers), Leaflet and its plugins are inlined from ``static/vendor``.
    """
    m = snapshot_map(data, options, view, bbox, extra_base_overlays=extra_base_overlays,
                     extra_bundles=extra_bundles)
    root = m.get_root()
    sources = source_parts(data, sources_options or options, relief_source, extra_bundles)
    root.header.add_child(RawText(f"<title>{escape_html(title)}</title>"), name="bm_title")  # type: ignore[attr-defined]
    root.html.add_child(RawText(caption_html(title, today or date.today(), sources, data_as_of(data))),  # type: ignore[attr-defined]
                        name="bm_caption")
    return standalone_html(m)


# --------------------------------------------------------------------------- browser discovery


def _playwright_chromium() -> str | None:
    """The Chromium Playwright downloaded (``playwright install chromium``), if present."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception as exc:  # the driver may be missing or broken; that is "not found"
        logger.debug("no Playwright chromium: %s", exc)
        return None
    return path if path and Path(path).is_file() else None


def find_browser(env: Mapping[str, str] | None = None, search_path: str | None = None,
                 include_playwright: bool = True) -> str:
    """The Chromium/Chrome executable to render PNGs with.

    Order: ``$BORDERMAP_CHROMIUM``; then ``chromium``, ``chromium-browser``, ``google-chrome``…
    on ``search_path`` (default: ``$PATH``); then Playwright's own download.

    Parameters
    ----------
    env : mapping, optional
        Environment to read ``BORDERMAP_CHROMIUM`` from (default ``os.environ``).
    search_path : str, optional
        ``PATH``-style list of folders (default the process ``PATH``).
    include_playwright : bool
        Also look for Playwright's downloaded Chromium.

    Raises
    ------
    BrowserNotFoundError
        If ``BORDERMAP_CHROMIUM`` names a missing file, or no browser is found; the message
        says how to install one.
    """
    explicit = read_settings(env).chromium
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise BrowserNotFoundError(
            f"{BROWSER_ENV}={explicit!r} is not an executable file; fix the path or unset it "
            f"to search the PATH")
    for name in BROWSER_NAMES:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    if include_playwright:
        found = _playwright_chromium()
        if found:
            return found
    raise BrowserNotFoundError(f"no Chromium or Chrome was found to render the PNG: {INSTALL_ADVICE}")


# --------------------------------------------------------------------------- PNG as seen

_WATCH_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var offline = {{ this.offline_name }};
  var state = {tiles: "none", switched: false, errors: 0};
  window.__bmSnapshot = state;
  {% if this.bounds %}map.fitBounds({{ this.bounds|tojson }}, {animate: false});{% endif %}
  state.idle = function () { return !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress); };
  var tile = null;
  map.eachLayer(function (l) { if (l instanceof L.TileLayer) { tile = l; } });
  state.useOffline = function () {
    if (state.switched) { return; }
    state.switched = true;
    if (tile && map.hasLayer(tile)) { map.removeLayer(tile); }
    if (!map.hasLayer(offline)) { map.addLayer(offline); }
    offline.eachLayer(function (l) { if (l.bringToBack) { l.bringToBack(); } });
    state.tiles = "offline";
  };
  if (tile) {
    state.tiles = "loading";
    tile.on("tileerror", function () { state.errors += 1; state.useOffline(); });
    tile.on("load", function () { if (!state.switched) { state.tiles = "loaded"; } });
  }
})();
{% endmacro %}
"""


class _SnapshotWatch(MacroElement):
    """Reports the tile basemap's state to the screenshot code and swaps in the offline basemap
    when a tile fails (``window.__bmSnapshot``)."""

    #: compiled once per process, not per instance (Jinja compiling costs ~0.3 ms a template)
    _template = Template(_WATCH_TEMPLATE)

    def __init__(self, offline_name: str, bbox: BBox | None = None) -> None:
        super().__init__()
        self._name = "SnapshotWatch"
        self.offline_name = offline_name
        self.bounds = [[bbox[1], bbox[0]], [bbox[3], bbox[2]]] if bbox is not None else None


def _offline_group(m: folium.Map) -> folium.FeatureGroup:
    for child in m._children.values():
        if isinstance(child, folium.FeatureGroup) and child.layer_name == OFFLINE:
            return child
    raise RenderError("the map has no offline basemap to fall back on")


def snapshot_png(data: SceneData, options: SceneOptions, view: MapView | None = None,
                 bbox: BBox | None = None, width: int = 1200, height: int = 800,
                 browser_path: str | None = None, timeout_s: float = 20.0,
                 allow_network: bool = True, *, extra_base_overlays: Sequence[folium.map.Layer] = (),
                 extra_bundles: Sequence[LayerBundle] = (), clean: bool = False) -> bytes:
    """The map as headless Chromium draws it, as PNG bytes of ``width`` × ``height`` pixels.

    Parameters
    ----------
    data, options : SceneData, SceneOptions
        What to draw, as on the page.
    view : MapView, optional
        Centre and zoom (default: the page's default view). Ignored when ``bbox`` is given.
    bbox : (west, south, east, north), optional
        Degrees (EPSG:4326); the map is fitted to it (Leaflet ``fitBounds``).
    width, height : int
        Pixels; capped to 200–4000 (a warning is logged).
    browser_path : str, optional
        Chromium/Chrome executable (default :func:`find_browser`).
    timeout_s : float
        Longest wait for the map to draw; tiles get at most :data:`TILE_WAIT_S` of it.
    allow_network : bool
        False makes every request outside the file fail at once (as on a machine without internet):
        host names do not resolve and direct addresses go to a closed local port.
    extra_base_overlays, extra_bundles : sequences
        The page's relief images and analysis layers (see :func:`snapshot_map`).
    clean : bool
        Leave out the map's controls (zoom, full screen, measure, mouse position, layer switcher;
        see :data:`CLEAN_CSS`); the legend, scale bar and attribution stay.

    Raises
    ------
    BrowserNotFoundError
        No browser (see :func:`find_browser`).
    RenderError
        The browser failed to start or the map did not draw within ``timeout_s``.
    """
    width, height, notes = clamp_size(width, height)
    for note in notes:
        logger.warning("snapshot: %s", note)
    if timeout_s <= 0:
        raise InvalidInputError(f"timeout_s must be positive seconds, got {timeout_s!r}")
    if browser_path is not None and not Path(browser_path).is_file():
        raise BrowserNotFoundError(f"the browser {browser_path!r} is not a file; {INSTALL_ADVICE}")
    browser_path = browser_path or find_browser()
    # fitted without animation by the watcher, so the screenshot never catches a zoom in flight
    m = snapshot_map(data, options, view, extra_base_overlays=extra_base_overlays, extra_bundles=extra_bundles)
    if clean:
        m.get_root().header.add_child(RawText(CLEAN_CSS), name="bm_clean")  # type: ignore[attr-defined]
    _SnapshotWatch(_offline_group(m).get_name(), validate_bbox(bbox) if bbox is not None else None).add_to(m)
    html = standalone_html(m)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserNotFoundError(f"the Python package 'playwright' is needed for PNG snapshots: "
                                   f"pip install playwright; {INSTALL_ADVICE}") from exc
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bordermap-snapshot-") as tmp:
        page_path = Path(tmp) / "map.html"
        page_path.write_text(html, encoding="utf-8")

        def render() -> bytes:
            with sync_playwright() as p:
                args = [*CHROMIUM_ARGS, *(() if allow_network else _NO_NETWORK_ARGS)]
                browser = p.chromium.launch(executable_path=browser_path, args=args, headless=True)
                try:
                    return _screenshot(browser, page_path, options, width, height, timeout_s)
                finally:
                    browser.close()

        # Playwright's sync API refuses a thread that runs an event loop (Streamlit, Jupyter,
        # another Playwright session): drive it from a fresh worker thread.
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bordermap-snapshot") as pool:
                png = pool.submit(render).result()
        except PlaywrightError as exc:
            raise RenderError(f"the browser at {browser_path} could not render the map: "
                              f"{str(exc).splitlines()[0]}") from exc
    logger.info("snapshot PNG %d×%d in %.1f s (%d bytes)", width, height,
                time.perf_counter() - started, len(png))
    return png


def _screenshot(browser, page_path: Path, options: SceneOptions, width: int, height: int,  # type: ignore[no-untyped-def]
                timeout_s: float) -> bytes:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    try:
        page = context.new_page()
        deadline = time.monotonic() + timeout_s

        def left_ms() -> float:
            return max(1.0, (deadline - time.monotonic()) * 1000)

        try:
            page.goto(page_path.as_uri(), wait_until="load", timeout=left_ms())
            page.wait_for_selector(".leaflet-container", timeout=left_ms())
            page.wait_for_function("() => window.__bmSnapshot !== undefined", timeout=left_ms())
            if "border" in options.overlays:
                page.wait_for_selector(f'path[stroke="{BORDER_COLOR}"]', state="attached",
                                       timeout=left_ms())
        except PlaywrightTimeout as exc:
            raise RenderError(f"the map did not draw within {timeout_s:g} s") from exc
        try:
            page.wait_for_function("() => window.__bmSnapshot.tiles !== 'loading'",
                                   timeout=min(left_ms(), TILE_WAIT_S * 1000))
        except PlaywrightTimeout:
            logger.warning("snapshot: tiles still loading after the bounded wait; taking the PNG as is")
        state = page.evaluate("() => window.__bmSnapshot.tiles")
        if state == "offline":
            logger.warning("snapshot: the tile basemap could not load; drew the offline basemap instead")
        page.wait_for_function("() => window.__bmSnapshot.idle()", timeout=left_ms())
        # two animation frames so the last layer changes are painted
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return bytes(page.screenshot(type="png", timeout=left_ms()))
    finally:
        context.close()
