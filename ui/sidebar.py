"""Sidebar: basemap and layer toggles — the one place that decides what the map shows (the map has
no layer switcher of its own; the legend, the snapshot and the print map follow these choices)."""

from __future__ import annotations

import streamlit as st

from layers.basemaps import BASEMAP_NAMES, OFFLINE
from layers.scene import DEFAULT_OVERLAYS, OVERLAYS, SceneOptions


def scene_options(available: set[str]) -> SceneOptions:
    """Draw the map controls and return what the user chose."""
    st.sidebar.header("Map")
    basemap = st.sidebar.selectbox(
        "Basemap", BASEMAP_NAMES, index=BASEMAP_NAMES.index(OFFLINE), key="basemap",
        help="Tile basemaps need internet; the offline one is drawn from our own data.",
    )
    st.sidebar.subheader("Layers", help="What the map shows; its legend, snapshots and the print map follow "
                         "these choices.")
    chosen = []
    for key, label in OVERLAYS.items():
        if key not in available:
            continue
        if st.sidebar.checkbox(label, value=key in DEFAULT_OVERLAYS, key=f"layer_{key}"):
            chosen.append(key)
    show_precision = st.sidebar.checkbox(
        "Show location uncertainty", value=True, key="show_precision",
        help="Approximate places are drawn hollow and dashed; this adds a dashed circle of their "
        "precision radius.",
    )
    return SceneOptions(basemap=basemap, overlays=tuple(chosen), show_precision=show_precision)
