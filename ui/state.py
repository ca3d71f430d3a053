"""Cached access to data at the page boundary (the only place that caches).

``st.cache_resource`` holds large read-only objects shared by all sessions; nothing
here is mutated after it is built. Folium objects are never cached: streamlit-folium
rewrites a map's element ids while rendering it, so each rerun builds fresh (cheap)
folium wrappers around cached, pre-serialised data.
"""

from __future__ import annotations

import gc
from pathlib import Path

import streamlit as st

from geo.scene_data import SceneData, load_scene_data
from geo.settings import read_settings
from layers.scene import prepare_scene


def data_dir() -> str:
    """The shipped-data folder: env ``BORDERMAP_DATA_DIR`` or the repository's ``data/``."""
    return str(read_settings().data_dir)


@st.cache_resource(show_spinner="Loading the shipped data…")
def _scene_data(folder: str) -> SceneData:
    data = load_scene_data(Path(folder))
    prepare_scene(data)  # once, here, not on a user's rerun
    return data


def scene_data() -> SceneData:
    """The shipped layers, read once per process (per data folder)."""
    return _scene_data(data_dir())


@st.cache_resource(show_spinner=False)
def _long_lived_objects_frozen() -> int:
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def freeze_long_lived_objects() -> None:
    """Once per process, after the first full page run: move every object alive then (modules,
    shipped data, cached layers) out of the garbage collector's reach.

    Those objects live as long as the process; without this, each full collection walks all
    of them again and adds 100–200 ms to whichever rerun it lands in (measured by
    ``benchmarks/bench_incidents_page.py``). Objects created later are collected as usual.
    """
    _long_lived_objects_frozen()
