"""Data behind the coverage tab: saved scenarios, the DEM, cached coverage (the page's cache boundary).

Shared by :mod:`ui.coverage_tab` and :mod:`ui.deployment_panel`. Results are cached with
``st.cache_data`` keyed by hashable inputs only: asset tuples, model, segment length,
DEM path + modification time and the data folder. Scenarios are kept in the incident store
(:class:`geo.scenario_store.ScenarioStore`, GeoPackage or PostGIS), so a team shares them;
scenario files of the old scenarios folder are brought into the store once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from geo.assets import Asset, Scenario, list_scenarios, load_scenario
from geo.coverage import CoverageParams, CoverageResult, compute_coverage
from geo.dem import Dem
from geo.errors import BorderMapError
from geo.scenario_store import ScenarioStore
from geo.scene_data import SceneData
from geo.settings import SCENARIOS_ENV as SCENARIOS_ENV  # re-exported for the coverage tab
from geo.settings import read_settings
from ui import incidents_state, state
from ui import terrain as terrain_ui

AssetKey = tuple[tuple[Any, ...], ...]


def scenarios_dir() -> Path:
    """The folder of scenario files from before scenarios were kept in the store:
    ``$BORDERMAP_SCENARIOS`` or ``<user data dir>/scenarios`` (read, never written)."""
    return read_settings().scenarios_dir


def scenario_store() -> ScenarioStore:
    """The page's scenarios, in its incident store."""
    return ScenarioStore(incidents_state.store())


@st.cache_resource(show_spinner=False)
def _bring_in_files(target: str, folder: str) -> tuple[str, ...]:
    """Put the scenario files of ``folder`` into the store at ``target`` (once per page process),
    never replacing a scenario of the same name; returns why a file was skipped."""
    store = incidents_state.store()
    problems = []
    for path in list_scenarios(Path(folder)):
        try:
            scenario = load_scenario(path)
        except BorderMapError as exc:
            problems.append(f"Skipped scenario file {path.name}: {exc}")
            continue
        doc = ScenarioStore.document(scenario)
        store.put_scenario(scenario.name, doc, f"file {path.name}"[:100], overwrite=False)
    return tuple(problems)


def saved_scenarios() -> tuple[dict[str, Scenario], list[str]]:
    """The saved scenarios by name (name order) and one sentence per scenario that cannot be read."""
    try:
        problems = list(_bring_in_files(incidents_state.target(), str(scenarios_dir())))
    except BorderMapError as exc:
        problems = [f"The scenario files of {scenarios_dir().name} were not brought into the store: {exc}"]
    saved: dict[str, Scenario] = {}
    scenarios = scenario_store()
    for name in scenarios.names():
        try:
            saved[name] = scenarios.load(name)
        except BorderMapError as exc:
            problems.append(f"Skipped scenario {name!r}: {exc}")
    return saved, problems


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
