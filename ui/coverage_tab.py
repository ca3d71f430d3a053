"""The "Patrol coverage" tab: assets, scenarios, coverage figures and gaps; 201st deployment zones.

Everything on this tab is an analyst's scenario or a model's output, not a report: real
posts are not public, and the shipped crossings and 201st garrisons are the only anchors.

State (``st.session_state``, keys prefixed ``cov_``; ``_cov_`` for state that is no widget): ``_cov_rows`` is the working
scenario's table (list of row dicts, changed only by the buttons, the form and scenario
loading); the table editor's own edits live in the editor widget, whose key carries
``_cov_editor_version`` so a button can replace the table. Results are cached with
``st.cache_data`` keyed by hashable inputs (asset tuples, model, segment length, DEM
path + mtime, data folder). Scenarios and analyst zones are kept in the incident store
(shared by a team on PostGIS), never in the repository.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import streamlit as st

from geo import datasets
from geo.asset_rows import COLUMNS, HIDDEN_COLUMNS, NUMERIC_COLUMNS, asset_to_row, rows_to_assets
from geo.asset_rows import row_to_asset as _row_asset
from geo.assets import (
    ASSET_KINDS,
    PARAM_DEFAULTS,
    Asset,
    Scenario,
    anchor_assets_from_places,
    compare_scenarios,
)
from geo.coverage import MODELS, CoverageResult, gap_terrain, headline
from geo.csv_tables import coverage_segments_csv, frame_csv
from geo.errors import BorderMapError, InvalidInputError
from geo.gap_ranking import rank_scene_gaps
from geo.precision import COUNTING_RULE, range_texts
from geo.scene_data import SceneData
from layers.base import LayerBundle
from layers.coverage import assets_layer, coverage_layer
from ui import deployment_panel, incidents_state, page_state, state
from ui import terrain as terrain_ui
from ui.coverage_data import (
    SCENARIOS_ENV,
    asset_key,
    cached_coverage,
    load_dem,
    saved_scenarios,
    scenario_store,
    scenarios_dir,
)
from ui.map_view import MapEvent
from ui.markdown import escape_markdown
from ui.terrain import DemChoice

logger = logging.getLogger(__name__)

_HIDDEN = HIDDEN_COLUMNS
_NUMERIC = NUMERIC_COLUMNS
MODEL_LABELS = {"radius": "Patrol radius", "travel": "Travel time over terrain (DEM)",
                "sight": "Line of sight (DEM)"}
WORKING = "Working scenario (this page)"


# ----------------------------------------------------------------------------- rows ↔ assets


def ranked_gaps(data: SceneData, result: CoverageResult, dem_source: str | None = None) -> pd.DataFrame:
    """Gaps ranked by risk (incidents and crossings within 10 km), with their terrain when a DEM
    is loaded (``dem_source``)."""
    gaps = rank_scene_gaps(result, data.places, data.incidents)
    if dem_source is None or gaps.empty:
        return gaps
    try:
        seg_terrain = terrain_ui.segments_terrain(dem_source, float(result.params.segment_km))
    except BorderMapError as exc:
        st.warning(f"Terrain of the gaps unavailable: {exc}")
        return gaps
    return gap_terrain(gaps, seg_terrain)


def segments_csv(result: CoverageResult, names: dict[str, str]) -> bytes:
    """Segments as formula-safe CSV (no geometry)."""
    return coverage_segments_csv(result, names)


def gaps_csv(gaps: pd.DataFrame) -> bytes:
    """Ranked gaps as formula-safe CSV."""
    return frame_csv(gaps)


# ----------------------------------------------------------------------------- page parts


def _bump_editor(rows: list[dict[str, Any]]) -> None:
    st.session_state["_cov_rows"] = rows
    st.session_state["_cov_editor_version"] = st.session_state.get("_cov_editor_version", 0) + 1


def _flash(message: str) -> None:
    st.session_state["_cov_flash"] = message


def _use_last_click(click: tuple[float, float] | None) -> None:
    """The button's callback: the last map click (on the map or a marker; lat, lon degrees) into
    the new asset's coordinates."""
    if click is None:
        _flash("Click a point on the map first, then press the button.")
        return
    st.session_state["cov_new_lat"] = round(click[0], 5)
    st.session_state["cov_new_lon"] = round(click[1], 5)


def _add_anchors(kind: str, rows: list[dict[str, Any]], anchors: list[Asset]) -> None:
    """A button's callback: the shipped anchors of ``kind`` not in the table yet, added to it."""
    present = {r.get("id") for r in rows}
    new = [asset_to_row(a) for a in anchors if a.kind == kind and a.id not in present]
    _bump_editor(rows + new)
    _flash(f"Added {len(new)} anchor(s).")


def _add_typed(rows: list[dict[str, Any]]) -> None:
    """The asset form's callback: the typed asset added to the table, or its error kept to show."""
    ss = st.session_state
    row = {"name": ss.get("cov_new_name", ""), "kind": ss.get("cov_new_kind"), "lat": ss.get("cov_new_lat"),
           "lon": ss.get("cov_new_lon"), "radius_km": ss.get("cov_new_radius")}
    try:
        _row_asset(row, len(rows) + 1, set())
    except BorderMapError as exc:
        ss["_cov_add_error"] = f"The new asset was not added: {exc}."
        return
    _bump_editor([*rows, row])
    _flash(f"Added {row['name']!r}.")


def _model_choice(dem_reason: str, has_dem: bool) -> tuple[str, float]:
    c1, c2 = st.columns([3, 1])
    available = list(MODELS) if has_dem else ["radius"]
    if st.session_state.get("cov_model") not in available:
        st.session_state["cov_model"] = "radius"
    model = c1.radio("Coverage model", available, format_func=MODEL_LABELS.get, key="cov_model",
                     horizontal=True, help="A segment is covered if any asset covers it under this model.")
    segment_km = c2.select_slider("Segment length (km)", options=[0.5, 1.0, 2.0, 5.0], value=1.0,
                                  key="cov_segment_km")
    if not has_dem:
        st.info(f"Travel-time and line-of-sight models are unavailable: {dem_reason}. "
                "The patrol-radius model works without a DEM.")
    return str(model), float(segment_km)


def _asset_editor() -> list[dict[str, Any]]:
    rows = st.session_state.setdefault("_cov_rows", [])
    version = st.session_state.setdefault("_cov_editor_version", 0)
    frame = pd.DataFrame(rows, columns=[*COLUMNS, *_HIDDEN])
    for col in _NUMERIC:  # typed columns even when empty; text cannot be typed into them
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    for col in ("name", "kind", *_HIDDEN):
        frame[col] = frame[col].astype("object")
    edited = st.data_editor(
        frame, key=f"cov_editor_{version}", num_rows="dynamic", hide_index=True, width="stretch",
        column_order=COLUMNS,
        column_config={
            "name": st.column_config.TextColumn("name", max_chars=200),
            "kind": st.column_config.SelectboxColumn("kind", options=list(ASSET_KINDS)),
            "lat": st.column_config.NumberColumn("lat (°)", format="%.5f"),
            "lon": st.column_config.NumberColumn("lon (°)", format="%.5f"),
            "radius_km": st.column_config.NumberColumn("radius (km)", help="Patrol radius, radius model"),
            "travel_hours": st.column_config.NumberColumn("travel (h)", help="Travel-time budget"),
            "observer_height_m": st.column_config.NumberColumn("observer height (m)"),
            "range_km": st.column_config.NumberColumn("sight range (km)"),
        },
    )
    return edited.to_dict("records")


def _add_controls(data: SceneData, current: list[dict[str, Any]], click: tuple[float, float] | None) -> None:
    ss = st.session_state
    c1, c2 = st.columns(2)  # two to a row: the panel beside the map is narrow
    anchors = anchor_assets_from_places(data.places)
    for col, kind, label in ((c1, "crossing", "Add anchors: crossings"),
                             (c2, "garrison", "Add anchors: 201st garrisons")):
        col.button(label, key=f"cov_add_{kind}", help="Shipped reference places, default parameters",
                   on_click=_add_anchors, args=(kind, current, anchors))
    st.button("Remove all assets", key="cov_clear", on_click=_bump_editor, args=([],))
    ss.setdefault("cov_new_lat", 37.5)  # defaults here, not as widget values: the click button sets them
    ss.setdefault("cov_new_lon", 70.0)
    with st.form("cov_add_form", clear_on_submit=False, border=True):
        st.markdown("**Add an asset by typed coordinates** (or click the map, then *Use the last map click*)")
        f1, f2 = st.columns(2)
        f3, f4, f5 = st.columns(3)
        f1.text_input("Name", key="cov_new_name", max_chars=200)
        f2.selectbox("Kind", list(ASSET_KINDS), key="cov_new_kind")
        f3.number_input("lat (°)", min_value=-90.0, max_value=90.0, format="%.5f", key="cov_new_lat")
        f4.number_input("lon (°)", min_value=-180.0, max_value=180.0, format="%.5f", key="cov_new_lon")
        f5.number_input("radius (km)", value=PARAM_DEFAULTS["radius_km"], key="cov_new_radius")
        st.form_submit_button("Add asset", key="cov_new_submit", on_click=_add_typed, args=(current,))
    st.button("Use the last map click", key="cov_use_click", on_click=_use_last_click, args=(click,),
              help=f"Last click: {click[0]:.5f}, {click[1]:.5f}" if click else "No click on the map yet.")
    if error := ss.pop("_cov_add_error", None):
        st.error(error)


def _load_scenario(scenario: Scenario) -> None:
    """The load button's callback: the saved scenario's assets become the working table."""
    _bump_editor([asset_to_row(a) for a in scenario.assets])
    _flash(f"Loaded scenario {scenario.name!r} ({len(scenario.assets)} assets).")


def _scenario_controls(assets: list[Asset], model: str, segment_km: float, dem_path: str | None,
                       dem_mtime: float, current: CoverageResult | None) -> None:
    st.caption(f"Scenarios are kept in the incident store ({escape_markdown(incidents_state.store_name())}), "
               "shared with everyone who opens it; saving under a name in use replaces that scenario. "
               f"Scenario files in {escape_markdown(scenarios_dir())} ({SCENARIOS_ENV}) are brought in once.")
    c1, c2 = st.columns(2)
    name = c1.text_input("Scenario name", key="cov_scenario_name", placeholder="crossings only")
    access = page_state.current_access()
    if c1.button("Save scenario", key="cov_save", disabled=not assets or not access.may("scenario_save")):
        by = access.user
        try:
            if by is None:
                raise InvalidInputError("type your name in the sidebar (Your name) first: it is kept with the "
                                        "scenario")
            same_name = [s for s in incidents_state.store().list_scenarios() if s["name"] == name.strip()]
            access.check("scenario_save", same_name[0]["saved_by"] if same_name else None)
            scenario_store().save(Scenario(name, tuple(assets)), by)
            st.success(f"Saved {len(assets)} asset(s) as scenario {escape_markdown(repr(name.strip()))}.")
        except BorderMapError as exc:
            st.error(f"The scenario was not saved: {escape_markdown(exc)}")
    saved, problems = saved_scenarios()
    for problem in problems:
        st.warning(escape_markdown(problem))
    choice = c2.selectbox("Saved scenarios", list(saved), key="cov_load_choice", index=None,
                          placeholder="none saved yet" if not saved else "choose one")
    c2.button("Load into the table", key="cov_load", disabled=choice not in saved, on_click=_load_scenario,
              args=(saved[choice],) if choice in saved else ())
    others = st.multiselect("Compare the working scenario with", list(saved), key="cov_compare")
    if others and current is not None:
        results = {WORKING: current}
        for other in others:
            results[other] = cached_coverage(asset_key(saved[other].assets), model, segment_km,
                                             dem_path, dem_mtime, state.data_dir())
        table = compare_scenarios(results).round(2)
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(f"Same model ({MODEL_LABELS[model].lower()}) and segment length for all; gained/lost km "
                   "are relative to the working scenario.")


def _results(data: SceneData, result: CoverageResult, names: dict[str, str],
             dem_source: str | None = None) -> pd.DataFrame:
    head = headline(result)
    c1, c2 = st.columns(2)
    c3, c4 = st.columns(2)
    c1.metric("Border covered", f"{head['covered_km']:,.1f} km")
    c2.metric("Share of the border", f"{head['percent']:.1f} %",
              help=f"of {head['border_km']:,.1f} km (measured line)")
    c3.metric("Longest gap", f"{head['longest_gap_km']:,.1f} km")
    c4.metric("Gaps", f"{head['n_gaps']:d}")
    for warning in result.warnings:
        st.warning(warning)
    seg = result.segments
    chart = pd.DataFrame({"chainage_km": ((seg["from_km"] + seg["to_km"]) / 2).round(3),
                          "assets covering": seg["asset_ids"].map(len)})
    st.markdown("**Coverage along the border** (assets covering each segment; 0 = gap; km from the "
                "Uzbek tripoint, west → east)")
    st.area_chart(chart, x="chainage_km", y="assets covering", height=200)
    gaps = ranked_gaps(data, result, dem_source)
    st.markdown("**Gaps ranked by risk**")
    st.caption(f"Ranking: {gaps.attrs['formula']}. Nearby = within 10 km of the gap's stretch of border. "
               f"{COUNTING_RULE}")
    terrain_cols = [c for c in ("elev_mean_m", "slope_max_deg", "tri_mean_m") if c in gaps]
    shown = gaps[["rank", "from_km", "to_km", "length_km", "n_incidents", "n_crossings", "risk", *terrain_cols]]
    shown = shown.round(2).assign(n_incidents=range_texts(gaps["n_incidents_min"], gaps["n_incidents"], 0),
                                  risk_min=gaps["risk_min"].round(2))
    st.dataframe(shown, hide_index=True, width="stretch", height=240,
                 column_config={"from_km": "from (km)", "to_km": "to (km)", "length_km": "length (km)",
                                "n_incidents": st.column_config.TextColumn(
                                    "incidents nearby", help="certain–possible (see the counting rule above)"),
                                "risk_min": "risk, certain incidents only", "n_crossings": "crossings nearby",
                                "elev_mean_m": "mean elevation (m)", "slope_max_deg": "max slope (°)",
                                "tri_mean_m": "ruggedness TRI (m)"})
    if not terrain_cols:
        st.caption("Load a DEM (Terrain tab) to see each gap's elevation, slope and ruggedness.")
    d1, d2 = st.columns(2)
    d1.download_button("Download segments (CSV)", segments_csv(result, names), key="cov_dl_segments",
                       file_name=f"coverage_segments_{result.params.model}.csv", mime="text/csv")
    d2.download_button("Download gaps (CSV)", gaps_csv(gaps), key="cov_dl_gaps",
                       file_name=f"coverage_gaps_{result.params.model}.csv", mime="text/csv")
    return gaps


def render(data: SceneData, dem_choice: DemChoice, event: MapEvent, user: str | None) -> list[LayerBundle]:
    """Draw the tab; return the layers to draw on the main map (empty when there is nothing).

    ``dem_choice``: the page's DEM; ``event``: the map's report (its last click fills a new asset,
    its last drawing can be saved as a zone); ``user``: the analyst's name, kept with saved zones.
    """
    st.caption("Scenarios and model output, not reports: real posts are not public. The shipped crossings "
               "and 201st Base garrisons are the only anchors; every other asset is the analyst's hypothesis.")
    if message := st.session_state.pop("_cov_flash", None):
        st.info(message)
    loaded = load_dem(dem_choice)
    dem, dem_path, dem_mtime, dem_reason = loaded.dem, loaded.source, loaded.mtime, loaded.reason
    model, segment_km = _model_choice(dem_reason, dem is not None)
    st.markdown("**Assets** — edit the table (add rows at the bottom); empty parameters take the defaults "
                f"({', '.join(f'{k} {v:g}' for k, v in PARAM_DEFAULTS.items())}).")
    rows = _asset_editor()
    assets, errors = rows_to_assets(rows)
    for error in errors:
        st.error(error)
    _add_controls(data, rows, event.click)
    names = {a.id: a.name for a in assets}
    result: CoverageResult | None = None
    if assets:
        try:
            result = cached_coverage(asset_key(assets), model, segment_km, dem_path, dem_mtime,
                                     state.data_dir())
        except BorderMapError as exc:
            st.error(f"Coverage could not be computed: {exc}")
    with st.expander("Scenarios: save, load, compare", expanded=False):
        _scenario_controls(assets, model, segment_km, dem_path, dem_mtime, result)
    bundles: list[LayerBundle] = []
    gaps = None
    if result is None:
        st.info("Add assets (anchors, typed coordinates or table rows) to see coverage and gaps.")
    else:
        if model != "radius" and datasets.is_shipped_dem(dem_path):
            st.caption(f"Terrain from the {datasets.SHIPPED_DEM_LABEL}: travel and sight figures are "
                       "indicative only. Set BORDERMAP_DEM or upload a finer DEM for local work.")
        gaps = _results(data, result, names, dem_path if dem is not None else None)
        if st.toggle("Draw coverage and assets on the map", value=True, key="cov_show_map"):
            bundles += [coverage_layer(result, gaps, names), assets_layer(assets, model)]
    bundles += deployment_panel.render(data, loaded, assets, result,
                                       drawing=event.drawing, user=user)
    return bundles
