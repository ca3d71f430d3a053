"""Snapshot downloads on the page: the map as standalone HTML, as a PNG as seen, as a print map.

The files are built only when asked for (download callables, or a render button for the
slow browser PNG), so an ordinary rerun of the page costs nothing here. Snapshots show the
view the map last reported (centre and zoom; the print map frames its bounds).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo.errors import BorderMapError, BrowserNotFoundError
from geo.scene_data import SceneData
from layers.map import MapView
from layers.scene import SceneOptions
from layers.snapshot import MAX_PX, MIN_PX, BBox, snapshot_filename, snapshot_html, snapshot_png
from layers.static_map import static_bytes, static_map

_PNG_KEY = "snapshot_png"


def _html(data: SceneData, options: SceneOptions, view: MapView) -> bytes:
    return snapshot_html(data, options, view).encode("utf-8")


def _static(data: SceneData, options: SceneOptions, fmt: str, bbox: BBox | None) -> bytes:
    return static_bytes(static_map(data, options, bbox=bbox), fmt)


def render(data: SceneData, options: SceneOptions, view: MapView | None = None,
           bbox: BBox | None = None) -> None:
    """The "Snapshot" section in the sidebar: HTML, PNG as seen, static print map, of ``view``
    (centre/zoom; default: the whole border) and, for the print map, ``bbox`` (W, S, E, N)."""
    view = view or MapView()
    today = date.today()
    with st.sidebar.expander("Snapshot of the map", expanded=False):
        st.caption(f"The map as shown: same basemap, layers and view (centre {view.center[0]:.2f}, "
                   f"{view.center[1]:.2f}, zoom {view.zoom:g}).")
        # panning runs no script: this run (any click does) reads the view the map left in the address
        st.button("Use the map's current view", key="snapshot_view", help="After panning or zooming the map.")
        st.download_button(
            "Download HTML (interactive, works offline)", data=lambda: _html(data, options, view),
            file_name=snapshot_filename("html", today), mime="text/html", on_click="ignore",
            key="snapshot_html", help="One file with the map's code inside; only tile basemaps need internet.")
        c1, c2 = st.columns(2)
        width = int(c1.number_input("Width (px)", MIN_PX, MAX_PX, 1200, step=100, key="snapshot_w"))
        height = int(c2.number_input("Height (px)", MIN_PX, MAX_PX, 800, step=100, key="snapshot_h"))
        wanted = (options, view, width, height)
        if st.button("Render PNG (as seen)", key="snapshot_png_render",
                     help="Drawn by a headless Chromium, as the map looks in the page."):
            with st.spinner("Rendering the map in a headless browser…"):
                try:
                    st.session_state[_PNG_KEY] = (wanted, snapshot_png(data, options, view, width=width, height=height))
                except BrowserNotFoundError as exc:
                    st.session_state.pop(_PNG_KEY, None)
                    st.warning(f"No browser for the PNG as seen: {exc}")
                except BorderMapError as exc:
                    st.session_state.pop(_PNG_KEY, None)
                    st.error(f"The PNG could not be rendered: {exc}")
        stored = st.session_state.get(_PNG_KEY)
        if stored and stored[0] == wanted:
            st.download_button("Download PNG", data=stored[1], file_name=snapshot_filename("png", today),
                               mime="image/png", on_click="ignore", key="snapshot_png_download")
        fmt = st.radio("Static print map (no browser needed)", ["PNG", "PDF"], horizontal=True,
                       key="snapshot_static_fmt")
        ext = fmt.lower()
        st.download_button(
            f"Download print map ({fmt})", data=lambda: _static(data, options, ext, bbox),
            file_name=snapshot_filename(ext, today), mime="application/pdf" if ext == "pdf" else "image/png",
            on_click="ignore", key="snapshot_static",
            help="Title, legend, scale bar, north arrow, graticule, sources and data date.")
