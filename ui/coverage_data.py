"""Data behind the coverage tab: user-data paths, the DEM, cached coverage (the page's cache boundary).

Shared by :mod:`ui.coverage_tab` and :mod:`ui.deployment_panel`. Results are cached with
``st.cache_data`` keyed by hashable inputs only: asset tuples, model, segment length,
DEM path + modification time and the data folder.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from geo.assets import Asset
from geo.coverage import CoverageParams, CoverageResult, compute_coverage
from geo.dem import Dem
from geo.errors import BorderMapError
from geo.scene_data import SceneData
from geo.settings import SCENARIOS_ENV as SCENARIOS_ENV  # re-exported for the coverage tab
from geo.settings import read_settings
from ui import state
from ui import terrain as terrain_ui

AssetKey = tuple[tuple[Any, ...], ...]


def scenarios_dir() -> Path:
    """Where scenarios are saved: ``$BORDERMAP_SCENARIOS`` or ``<user data dir>/scenarios``."""
    return read_settings().scenarios_dir


@dataclass(frozen=True)
class LoadedDem:
    """The page's DEM, read: ``dem`` (None when there is none or it cannot be read, ``reason`` then
    says why), its ``source`` path and modification time ``mtime`` (part of cache keys)."""

    dem: Dem | None
    source: str | None = None
    mtime: float = 0.0
    reason: str = ""


def load_dem(choice: terrain_ui.DemChoice) -> LoadedDem:
    """The page's DEM ``choice`` (the Terrain tab's, upload included), read."""
    source, where = choice.source, choice.where
    if source is None:
        return LoadedDem(None, reason=where)
    try:
        return LoadedDem(terrain_ui.load_dem(source), source, terrain_ui.source_mtime(source))
    except BorderMapError as exc:
        return LoadedDem(None, reason=str(exc))


def asset_key(assets: list[Asset] | tuple[Asset, ...]) -> AssetKey:
    """A hashable cache key of assets: one tuple of field values per asset (``Asset(*t)`` rebuilds it)."""
    return tuple(dataclasses.astuple(a) for a in assets)


def crossing_points(data: SceneData) -> tuple[tuple[float, float], ...]:
    """(lon, lat) of the shipped crossings."""
    places = data.places
    pts = places[places["kind"] == "crossing"].geometry if "kind" in places else []
    return tuple((float(p.x), float(p.y)) for p in pts if p is not None and p.geom_type == "Point")


@st.cache_data(show_spinner="Computing coverage…", max_entries=64)
def cached_coverage(asset_key: AssetKey, model: str, segment_km: float, dem_path: str | None,
                    dem_mtime: float, data_dir: str) -> CoverageResult:
    """:func:`geo.coverage.compute_coverage` for hashable inputs (cached per session set)."""
    data = state.scene_data()
    dem = terrain_ui.load_dem(dem_path) if model != "radius" and dem_path else None
    assets = [Asset(*t) for t in asset_key]
    return compute_coverage(data.border, assets, CoverageParams(model=model, segment_km=segment_km),
                            dem=dem, crossings=crossing_points(data))
