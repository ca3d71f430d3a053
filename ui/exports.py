"""Snapshot downloads on the page: the map as standalone HTML, as a PNG as seen, as a print map.

Each export shows what the page's map shows: the sidebar's overlays, the relief (hillshade,
slope), the coverage tab's layers (covered stretches, gaps, assets, analyst and candidate
zones), the incidents as filtered and highlighted, and the pin of the point being entered —
passed in as :class:`OnScreen` — at the view the map last reported (centre and zoom; the
print map frames its bounds).

The files are built only when asked for (download callables, or a render button for the
slow browser PNG), so an ordinary rerun of the page costs nothing here.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import folium
import streamlit as st

from geo import datasets
from geo.errors import BorderMapError, BrowserNotFoundError
from geo.scene_data import SceneData
from layers.base import LayerBundle
from layers.incidents import incidents_layer
from layers.map import MapView
from layers.pin import pin_layer
from layers.scene import SceneOptions
from layers.snapshot import MAX_PX, MIN_PX, BBox, export_filename, snapshot_html, snapshot_png
from layers.static_map import static_bytes, static_map
from ui import terrain as terrain_ui

logger = logging.getLogger(__name__)

_PNG_KEY = "snapshot_png"


@dataclass(frozen=True)
class OnScreen:
    """What the page's map shows besides the sidebar's overlays, for the exports.

    ``relief``: the hillshade/slope image overlays of ``terrain`` (the sidebar's choice);
    ``bundles``: the relief legend and the coverage tab's layers, in drawing order; ``pin``: the
    point being entered (lat, lon degrees); ``highlight_ids``: incidents drawn highlighted;
    ``incident_style``: points, cluster or heatmap.
    """

    relief: tuple[folium.map.Layer, ...] = ()
    terrain: terrain_ui.TerrainChoice | None = None
    bundles: tuple[LayerBundle, ...] = ()
    pin: tuple[float, float] | None = None
    highlight_ids: tuple[str, ...] = ()
    incident_style: str = "points"

    def signature(self) -> str:
        """A short digest of what is shown (not of the folium objects, which are new each run), so
        a rendered PNG is offered again on a rerun that changed nothing on the map."""
        h = hashlib.sha256(repr((self.terrain, self.pin, self.highlight_ids, self.incident_style,
                                 [(b.source, b.legend) for b in self.bundles])).encode("utf-8"))
        for bundle in self.bundles:
            for shape in bundle.shapes:
                h.update(shape.geometry.wkb)
        return h.hexdigest()[:16]

    def dem_name(self) -> str | None:
        """The relief's DEM as the sources line names it; None when no relief is on."""
        t = self.terrain
        if t is None or t.source is None or not (t.hillshade or t.slope):
            return None
        return datasets.SHIPPED_DEM_LABEL if datasets.is_shipped_dem(t.source) else Path(t.source).name

    def relief_source(self) -> str | None:
        """The relief's phrase in the sources line ("hillshade and slope: <DEM>"), None if off."""
        name, t = self.dem_name(), self.terrain
        if name is None or t is None:
            return None
        kinds = " and ".join(k for k, on in (("hillshade", t.hillshade), ("slope", t.slope)) if on)
        return f"{kinds}: {name}"


def _map_layers(data: SceneData, options: SceneOptions, screen: OnScreen) -> tuple[SceneOptions, list[LayerBundle]]:
    """The options without the store's incidents and the layers drawn over the scene, in the
    page's order: relief legend and coverage, the incidents (inline: a file on its own cannot
    fetch the page's served chunks) as styled and highlighted, the pin on top."""
    scene = replace(options, overlays=tuple(o for o in options.overlays if o != "incidents"))
    bundles = list(screen.bundles)
    if "incidents" in options.overlays:
        bundles.append(incidents_layer(data.incidents, options.show_precision, screen.incident_style,
                                       screen.highlight_ids))
    if screen.pin is not None:
        bundles.append(pin_layer(*screen.pin))
    return scene, bundles


def _html(data: SceneData, options: SceneOptions, view: MapView, screen: OnScreen) -> bytes:
    scene, bundles = _map_layers(data, options, screen)
    return snapshot_html(data, scene, view, extra_base_overlays=screen.relief, extra_bundles=bundles,
                         relief_source=screen.relief_source(), sources_options=options).encode("utf-8")


def _png(data: SceneData, options: SceneOptions, view: MapView, screen: OnScreen, size: tuple[int, int],
         clean: bool) -> bytes:
    scene, bundles = _map_layers(data, options, screen)
    return snapshot_png(data, scene, view, width=size[0], height=size[1], extra_base_overlays=screen.relief,
                        extra_bundles=bundles, clean=clean)


def _static(data: SceneData, options: SceneOptions, fmt: str, bbox: BBox | None, screen: OnScreen) -> bytes:
    t = screen.terrain
    dem = None
    if t is not None and t.source and (t.hillshade or t.slope):
        try:
            dem = terrain_ui.load_dem(t.source)
        except BorderMapError as exc:  # the page drew it a moment ago; if it is gone, print without relief
            logger.warning("print map without relief: %s", exc)
    extras: Sequence[LayerBundle] = [*screen.bundles, *((pin_layer(*screen.pin),) if screen.pin else ())]
    fig = static_map(data, options, bbox=bbox, dem=dem, hillshade=bool(t and t.hillshade),
                     slope=bool(t and t.slope), extras=extras, highlight_ids=screen.highlight_ids,
                     relief_source=screen.dem_name())
    return static_bytes(fig, fmt)


def render(data: SceneData, options: SceneOptions, view: MapView | None = None,
           bbox: BBox | None = None, screen: OnScreen | None = None) -> None:
    """The "Snapshot" section in the sidebar: HTML, PNG as seen (or clean), static print map, of
    ``view`` (centre/zoom; default: the whole border) and, for the print map, ``bbox`` (W, S, E, N),
    with everything else ``screen`` says the map shows."""
    view = view or MapView()
    screen = screen or OnScreen()
    now = datetime.now(UTC)
    with st.sidebar.expander("Snapshot of the map", expanded=False):
        st.caption(f"The map as shown: same basemap, layers and view (centre {view.center[0]:.2f}, "
                   f"{view.center[1]:.2f}, zoom {view.zoom:g}), with the relief, coverage, zones, "
                   "highlighted incidents and the pin that are on.")
        # panning runs no script: this run (any click does) reads the view the map left in the address
        st.button("Use the map's current view", key="snapshot_view", help="After panning or zooming the map.")
        st.download_button(
            "Download HTML (interactive, works offline)", data=lambda: _html(data, options, view, screen),
            file_name=export_filename("interactive", "html", now), mime="text/html", on_click="ignore",
            key="snapshot_html",
            help="One file with the map's code inside, its title, date, sources and legend; only tile "
                 "basemaps need internet.")
        c1, c2 = st.columns(2)
        width = int(c1.number_input("Width (px)", MIN_PX, MAX_PX, 1200, step=100, key="snapshot_w"))
        height = int(c2.number_input("Height (px)", MIN_PX, MAX_PX, 800, step=100, key="snapshot_h"))
        clean = st.checkbox("Clean PNG (no zoom, full-screen or other controls)", key="snapshot_clean")
        wanted = (options, view, width, height, clean, screen.signature())
        if st.button("Render PNG (as seen)", key="snapshot_png_render",
                     help="Drawn by a headless Chromium, as the map looks in the page."):
            with st.spinner("Rendering the map in a headless browser…"):
                try:
                    st.session_state[_PNG_KEY] = (wanted, _png(data, options, view, screen, (width, height), clean))
                except BrowserNotFoundError as exc:
                    st.session_state.pop(_PNG_KEY, None)
                    st.warning(f"No browser for the PNG as seen: {exc}")
                except BorderMapError as exc:
                    st.session_state.pop(_PNG_KEY, None)
                    st.error(f"The PNG could not be rendered: {exc}")
        stored = st.session_state.get(_PNG_KEY)
        if stored and stored[0] == wanted:
            st.download_button("Download PNG", data=stored[1],
                               file_name=export_filename("clean" if clean else "view", "png", now),
                               mime="image/png", on_click="ignore", key="snapshot_png_download")
        fmt = st.radio("Static print map (no browser needed)", ["PNG", "PDF"], horizontal=True,
                       key="snapshot_static_fmt")
        ext = fmt.lower()
        st.download_button(
            f"Download print map ({fmt})", data=lambda: _static(data, options, ext, bbox, screen),
            file_name=export_filename("print", ext, now), mime="application/pdf" if ext == "pdf" else "image/png",
            on_click="ignore", key="snapshot_static",
            help="Title, legend, scale bar, north arrow, graticule, sources and data date.")

