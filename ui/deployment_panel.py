"""201st Base deployment zones on the coverage tab: the suitability model and analyst-drawn zones.

Both are hypotheses, not reports, and are labelled so on the page and the map. The
suitability model (:mod:`geo.deployment`) needs a DEM; analyst zones are GeoJSON
polygons drawn on the map (Leaflet.draw) or uploaded/pasted as GeoJSON, validated by
:func:`geo.deployment.zones_from_geojson` and kept in the incident store's GeoPackage
(:mod:`geo.zone_store`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st
from shapely.geometry import shape

from geo.assets import Asset, anchor_assets_from_places
from geo.coverage import CoverageResult
from geo.dem import Dem
from geo.deployment import STATUS, DeploymentParams, deployment_zones, zones_from_geojson, zones_to_geojson
from geo.errors import BorderMapError, InvalidInputError
from geo.importers import check_upload_size
from geo.scene_data import SceneData
from geo.zone_store import ZoneStore
from layers.base import LayerBundle
from layers.coverage import HYPOTHESIS_LABEL, deployment_layer, drawn_zones_layer
from ui import incidents_state as inc
from ui import page_state, state
from ui import terrain as terrain_ui
from ui.coverage_data import LoadedDem, asset_key, cached_coverage
from ui.markdown import escape_markdown

logger = logging.getLogger(__name__)

MAX_ZONES_MB = 5
_TABLE_COLUMNS = {
    "rank": "rank", "score": "score (0–1)", "area_km2": "area (km²)", "slope_deg_mean": "mean slope (°)",
    "elevation_m_mean": "mean elevation (m)", "travel_h_min": "from a garrison (h)",
    "border_km_min": "to the border (km)", "gap_km_min": "to a worst gap (km)",
    "incidents_n_max": "incidents nearby", "centroid_lat": "lat", "centroid_lon": "lon",
}


@st.cache_data(show_spinner="Finding candidate zones…", max_entries=16)
def cached_zones(params_key: tuple[Any, ...], asset_key: tuple[tuple[Any, ...], ...], model: str,
                 segment_km: float, dem_path: str, dem_mtime: float, data_dir: str,
                 incidents_key: tuple[tuple[float, float], ...]) -> dict[str, Any]:
    """Ranked zones as GeoJSON (:func:`geo.deployment.zones_to_geojson`) for hashable inputs."""
    data = state.scene_data()
    params = DeploymentParams(*params_key)
    garrisons = tuple((a.lon, a.lat) for a in anchor_assets_from_places(data.places) if a.kind == "garrison")
    if not garrisons:
        raise InvalidInputError("no 201st garrisons in the places data; travel time has no source")
    coverage = cached_coverage(asset_key, model, segment_km, dem_path, dem_mtime, data_dir) \
        if asset_key else None
    incidents = gpd.GeoDataFrame(geometry=gpd.points_from_xy([p[0] for p in incidents_key],
                                                             [p[1] for p in incidents_key]), crs=4326) \
        if incidents_key else None
    crossings = data.places[data.places["kind"] == "crossing"]
    zones = deployment_zones(terrain_ui.load_dem(dem_path), data.border, params, garrisons=garrisons,
                             coverage=coverage, incidents=incidents, crossings=crossings)
    return zones_to_geojson(zones, params)


def _incidents_key(data: SceneData) -> tuple[tuple[float, float], ...]:
    geoms = data.incidents.geometry if len(data.incidents) else []
    return tuple((round(float(p.x), 6), round(float(p.y), 6)) for p in geoms
                 if p is not None and not p.is_empty and p.geom_type == "Point")


def _suitability(data: SceneData, dem: Dem | None, dem_path: str | None, dem_mtime: float,
                 dem_reason: str, assets: list[Asset], result: CoverageResult | None) -> list[LayerBundle]:
    st.caption(
        f"**{HYPOTHESIS_LABEL}.** Cells on the Tajik side where slope, elevation, travel time from the "
        "Dushanbe/Bokhtar garrisons (Tobler's function × 6, an assumed vehicle factor) and distance from the "
        "border meet the limits below; scored by Σ wᵢ·sᵢ / Σ wᵢ over slope, elevation, travel time, "
        "closeness to the five worst coverage gaps of the working scenario, and incident density."
    )
    if dem is None:
        st.info(f"The suitability analysis needs a DEM: {dem_reason}.")
    c1, c2 = st.columns(2)
    c3, c4 = st.columns(2)
    slope = c1.slider("Max slope (°)", 1.0, 45.0, 15.0, 1.0, key="cov_dep_slope")
    elev = c2.slider("Max elevation (m)", 500.0, 5000.0, 3500.0, 100.0, key="cov_dep_elev")
    hours = c3.slider("Max travel from a garrison (h)", 0.5, 24.0, 8.0, 0.5, key="cov_dep_hours")
    standoff = c4.slider("Stand-off from the border (km)", 0.0, 50.0, 5.0, 1.0, key="cov_dep_standoff")
    b1, b2 = st.columns(2)
    if b1.button("Find candidate zones", key="cov_dep_run", disabled=dem is None, type="primary") \
            and dem_path is not None:
        try:
            params = DeploymentParams(max_slope_deg=slope, max_elev_m=elev, max_hours=hours,
                                      standoff_km=standoff)
            model = result.params.model if result is not None else "radius"
            segment_km = result.params.segment_km if result is not None else 1.0
            st.session_state["_cov_zones"] = cached_zones(
                dataclasses.astuple(params), asset_key(assets) if result is not None else (), model,
                segment_km, dem_path, dem_mtime, state.data_dir(), _incidents_key(data))
        except BorderMapError as exc:
            st.error(f"No zones: {exc}")
    if b2.button("Clear the zones", key="cov_dep_clear"):
        st.session_state.pop("_cov_zones", None)
    doc = st.session_state.get("_cov_zones")
    if not doc:
        return []
    feats = doc.get("features", [])
    if not feats:
        st.warning("No cell meets every criterion: relax the limits (slope, elevation, travel time).")
        return []
    table = pd.DataFrame([f["properties"] for f in feats])
    table = table[[c for c in _TABLE_COLUMNS if c in table]].rename(columns=_TABLE_COLUMNS)
    st.dataframe(table.round(2), hide_index=True, width="stretch")
    p = doc.get("metadata", {}).get("params", {})
    st.caption(f"{len(feats)} candidate zone(s) — {STATUS}. Limits: slope ≤ {p.get('max_slope_deg')}°, "
               f"elevation ≤ {p.get('max_elev_m')} m, ≤ {p.get('max_hours')} h from a garrison, "
               f"{p.get('standoff_km')}–{p.get('max_border_km')} km from the border; cells of "
               f"{p.get('cell_km')} km.")
    st.download_button("Download the zones (GeoJSON)", json.dumps(doc, ensure_ascii=False).encode("utf-8"),
                       file_name="deployment_zones_hypotheses.geojson", mime="application/geo+json",
                       key="cov_dep_download")
    return [deployment_layer(doc)]


def _zone_store() -> ZoneStore:
    return ZoneStore(inc.store())


def _delete_zone(zone_id: str, owner: str | None) -> None:
    """The delete button's callback (``owner``: who drew the zone)."""
    try:
        page_state.current_access().check("zone_delete", owner)
        _zone_store().delete(zone_id)
    except BorderMapError as exc:
        st.session_state["_cov_zone_error"] = f"The zone was not deleted: {escape_markdown(exc)}"
    st.session_state.pop("cov_zone_del_pick", None)


def _analyst_zones(drawing: Mapping[str, Any] | None, user: str | None) -> list[LayerBundle]:
    """Analyst zones: ``drawing`` is the shape last drawn on the map (GeoJSON Feature, EPSG:4326),
    ``user`` the analyst's name recorded with a saved zone."""
    zones = _zone_store()
    st.caption("Draw a polygon or rectangle with the map's draw tool (left toolbar), then save it here — "
               "or upload/paste GeoJSON polygons (EPSG:4326, lon/lat). Zones are kept in the incident "
               f"store ({inc.store_name()}, layer 'analyst_zones'). Hypotheses, not reports.")
    name = st.text_input("Zone name", key="cov_zone_name", max_chars=200)
    notes = st.text_input("Notes (why this zone)", key="cov_zone_notes", max_chars=2000)
    c1, c2 = st.columns(2)
    access = page_state.current_access()
    may_add = access.may("zone_add")
    if c1.button("Save the shape drawn on the map", key="cov_zone_save_drawn", disabled=drawing is None or not may_add,
                 help=None if drawing else "Draw a polygon or rectangle on the map first."):
        try:
            if user is None:
                raise InvalidInputError("type your name in the sidebar first (it is kept with the zone)")
            access.check("zone_add")
            zones.add(shape(drawing["geometry"]), name, notes, user)  # type: ignore[index]
            st.success(f"Saved zone {escape_markdown(name)}.")
        except (BorderMapError, ValueError, TypeError, AttributeError) as exc:
            st.error(f"The zone was not saved: {escape_markdown(exc)}")
    upload = st.file_uploader(f"…or upload a GeoJSON FeatureCollection of polygons (≤ {MAX_ZONES_MB} MB)",
                              type=["geojson", "json"],
                              key="cov_zone_upload", max_upload_size=MAX_ZONES_MB)
    text = st.text_area("…or paste GeoJSON", key="cov_zone_text", height=100)
    if c2.button("Validate and save uploaded/pasted zones", key="cov_zone_save", disabled=not may_add):
        try:
            if user is None:
                raise InvalidInputError("type your name in the sidebar first (it is kept with each zone)")
            access.check("zone_add")
            if upload is not None:  # the browser's limit again on the server: a replayed request meets it too
                check_upload_size(upload.size, MAX_ZONES_MB, upload.name)
            raw = upload.getvalue().decode("utf-8", errors="replace") if upload is not None else text
            new = zones_from_geojson(raw or "")
            for row in new.itertuples():
                zones.add(row.geometry, str(row.name or name or "zone"), str(row.notes or ""), user)
            st.success(f"Saved {len(new)} zone(s).")
        except BorderMapError as exc:
            st.error(f"The zones were not saved: {escape_markdown(exc)}")
    frame = zones.list()
    if frame.empty:
        return []
    st.dataframe(pd.DataFrame(frame.drop(columns="geometry")).round(1), hide_index=True, width="stretch")
    gone = st.selectbox("Delete a zone", ["—", *frame["id"]], key="cov_zone_del_pick",
                        format_func=lambda z: z if z == "—" else str(frame.set_index("id").loc[z, "name"]))
    if error := st.session_state.pop("_cov_zone_error", None):
        st.error(error)
    if gone != "—":
        drawn_by = frame.set_index("id").loc[gone, "created_by"]
        owner = drawn_by if isinstance(drawn_by, str) else None
        st.button("Delete this zone", key="cov_zone_delete", on_click=_delete_zone, args=(gone, owner),
                  disabled=not access.may("zone_delete", owner))
    return [drawn_zones_layer(frame)]


def render(data: SceneData, loaded: LoadedDem, assets: list[Asset], result: CoverageResult | None,
           drawing: Mapping[str, Any] | None = None, user: str | None = None) -> list[LayerBundle]:
    """The deployment-zone part of the coverage tab; returns the zone layers for the map.

    ``drawing``: the shape last drawn on the map; ``user``: the analyst's name (see
    :class:`ui.page_state.PageState`)."""
    st.subheader("201st Base deployment zones")
    bundles: list[LayerBundle] = []
    with st.expander(f"Suitability analysis — {HYPOTHESIS_LABEL.lower()}", expanded=False):
        bundles += _suitability(data, loaded.dem, loaded.source, loaded.mtime, loaded.reason, assets, result)
    with st.expander("Analyst-drawn zones (hypotheses)", expanded=False):
        bundles += _analyst_zones(drawing, user)
    return bundles
