"""Terrain on the page: which DEM is loaded, relief overlays, the border in profile.

Without a DEM, the page says how to get one and the terrain features stay out of the way.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import folium
import pandas as pd
import streamlit as st

from geo import datasets, dem_io, terrain
from geo.border import segment_border
from geo.crs import REGION_BOUNDS
from geo.csv_tables import frame_csv
from geo.dem import Dem
from geo.errors import BorderMapError, TerrainUnavailableError, shown, write_error
from geo.importers import check_upload_size
from geo.settings import read_settings
from layers.base import LayerBundle, LegendEntry
from layers.terrain import hillshade_image, overlay_from_png, png_data_uri, slope_image, slope_legend
from ui import state
from ui.markdown import escape_markdown

logger = logging.getLogger(__name__)

#: Largest DEM upload accepted on the page, MB of 1,000,000 bytes (the browser's count, checked
#: again on the server); larger ones: use --dem / BORDERMAP_DEM.
MAX_DEM_UPLOAD_MB = 50
#: The uploaded DEM's stored path (set by the upload's callback) and the upload's error, if any.
UPLOAD_PATH_KEY = "_terrain_upload_path"
_UPLOAD_ERROR_KEY = "_terrain_upload_error"


@dataclass(frozen=True)
class TerrainChoice:
    """What the sidebar chose: the DEM source (None = no DEM) and the overlays to draw."""

    source: str | None
    hillshade: bool
    slope: bool


@dataclass(frozen=True)
class DemChoice:
    """The DEM the page uses: ``source`` (path or URL; None = no DEM) and ``where``, a sentence
    saying where it comes from, or how to get one."""

    source: str | None
    where: str


def _uploads_dir() -> Path:
    return dem_io.default_dem_path().parent / "uploads"


def current_dem() -> DemChoice:
    """The DEM of this run (read once per run by :func:`ui.page_state.read`)."""
    return DemChoice(*current_source())


def current_source() -> tuple[str | None, str]:
    """(DEM source or None, a sentence saying where it comes from or how to get one)."""
    uploaded = st.session_state.get(UPLOAD_PATH_KEY)
    if uploaded and Path(uploaded).is_file():
        return uploaded, f"uploaded file {Path(uploaded).name}"
    try:
        source = dem_io.resolve_dem_source()
    except TerrainUnavailableError as exc:
        return None, str(exc)
    except BorderMapError as exc:
        return None, f"the configured DEM cannot be used: {exc}"
    if datasets.is_shipped_dem(source):
        return source, (f"the {datasets.SHIPPED_DEM_LABEL}, shipped with the app; set BORDERMAP_DEM or "
                        "upload a finer DEM to replace it")
    origin = dem_io.DEM_ENV_VAR if read_settings().dem else "the default location"
    return source, f"{source} (from {origin})"


def source_mtime(source: str) -> float:
    """Modification time of a local DEM file (0 for URLs), part of cache keys."""
    try:
        return Path(source).stat().st_mtime
    except OSError:
        return 0.0


@st.cache_resource(show_spinner="Reading the DEM…", max_entries=4)
def _load_dem(source: str, mtime: float) -> Dem:
    return dem_io.read_dem(source)


def load_dem(source: str) -> Dem:
    """The DEM at ``source`` (cached per path and modification time)."""
    return _load_dem(source, source_mtime(source))


@st.cache_resource(show_spinner="Shading the relief…", max_entries=4)
def _hillshade_png(source: str, mtime: float) -> tuple[str, tuple[float, float, float, float]]:
    image, box = hillshade_image(_load_dem(source, mtime), REGION_BOUNDS)
    return png_data_uri(image, "LA"), box


@st.cache_resource(show_spinner="Computing slope…", max_entries=4)
def _slope_png(source: str, mtime: float) -> tuple[str, tuple[float, float, float, float]]:
    image, box = slope_image(_load_dem(source, mtime), REGION_BOUNDS)
    return png_data_uri(image, "RGBA"), box


def sidebar_choice(dem: DemChoice) -> TerrainChoice:
    """Terrain controls in the sidebar."""
    source = dem.source
    st.sidebar.subheader("Terrain")
    if source is None:
        st.sidebar.caption("No DEM loaded — see the Terrain tab to add one.")
        return TerrainChoice(None, False, False)
    st.sidebar.caption(f"DEM: the shipped {datasets.SHIPPED_DEM_LABEL}" if datasets.is_shipped_dem(source)
                       else f"DEM: {Path(source).name}")
    hill = st.sidebar.checkbox("Hillshade (relief)", value=True, key="terrain_hillshade")
    slope = st.sidebar.checkbox("Slope classes", value=False, key="terrain_slope")
    return TerrainChoice(source, hill, slope)


def map_layers(choice: TerrainChoice) -> tuple[list[folium.map.Layer], list[LayerBundle]]:
    """Image overlays (drawn right above the basemap) and their legend bundles."""
    if choice.source is None:
        return [], []
    overlays: list[folium.map.Layer] = []
    legend: list[LegendEntry] = []
    try:
        mtime = source_mtime(choice.source)
        name = Path(choice.source).name
        if datasets.is_shipped_dem(choice.source):
            name = "GMTED2010 (USGS), coarse: indicative at 2.5-km cells"
        if choice.hillshade:
            uri, box = _hillshade_png(choice.source, mtime)
            overlays.append(overlay_from_png(uri, box, "Hillshade", 0.45, "Relief: " + name))
        if choice.slope:
            uri, box = _slope_png(choice.source, mtime)
            overlays.append(overlay_from_png(uri, box, "Slope", 0.6, "Slope: " + name))
            legend = [LegendEntry(f"Slope {label}", color, "square") for label, color in slope_legend()]
    except BorderMapError as exc:
        st.sidebar.error(f"Terrain overlay unavailable: {exc}")
        return [], []
    return overlays, [LayerBundle([], legend)] if legend else []


def _save_upload(name: str, payload: bytes) -> Path:
    """Store an uploaded DEM under the user data dir (never the repository)."""
    folder = _uploads_dir()
    what = "the uploads folder of the data directory"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, what) from exc
    target = folder / f"dem-{hashlib.sha256(payload).hexdigest()[:16]}.tif"
    try:
        if not target.exists():
            tmp = target.with_suffix(".part")
            tmp.write_bytes(payload)
            tmp.replace(target)
    except OSError as exc:
        raise write_error(exc, what) from exc
    return target


def _keep_only(current: Path) -> None:
    """Remove every uploaded DEM but ``current`` (the one now in use): uploads do not pile up."""
    for old in (*current.parent.glob("dem-*.tif"), *current.parent.glob("dem-*.part")):
        if old != current:
            old.unlink(missing_ok=True)


@st.cache_data(show_spinner="Sampling the DEM along the border…", max_entries=8)
def _profile(source: str, mtime: float, step_km: float, corridor_km: float) -> pd.DataFrame:
    return terrain.profile_along_border(_load_dem(source, mtime), state.scene_data().border, step_km, corridor_km)


@st.cache_data(show_spinner="Terrain per border segment…", max_entries=8)
def _segments(source: str, mtime: float, segment_km: float) -> pd.DataFrame:
    segs = segment_border(state.scene_data().border, segment_km)
    return pd.DataFrame(terrain.segment_terrain(_load_dem(source, mtime), segs).drop(columns="geometry"))


def segments_terrain(source: str, segment_km: float) -> pd.DataFrame:
    """Terrain per border segment (no geometry) for the DEM at ``source``, cached."""
    return _segments(source, source_mtime(source), segment_km)


def _take_upload() -> None:
    """The upload's callback: keep a valid DEM under the user data dir (only the latest upload) and
    use it, before the run that follows, so that run already draws with it. Errors name the user's
    own file, never the stored copy."""
    ss = st.session_state
    ss.pop(_UPLOAD_ERROR_KEY, None)
    upload = ss.get("terrain_upload")
    if upload is None:
        return
    name = upload.name
    try:
        check_upload_size(upload.size, MAX_DEM_UPLOAD_MB, name)
        path = _save_upload(name, upload.getvalue())
    except BorderMapError as exc:
        ss[_UPLOAD_ERROR_KEY] = f"{name} cannot be used as a DEM: {exc}"
        return
    try:
        load_dem(str(path))
    except BorderMapError as exc:
        text = str(exc).replace(shown(str(path)), repr(name)).replace(str(path), name)
        ss[_UPLOAD_ERROR_KEY] = f"{name} cannot be used as a DEM: {text}"
        path.unlink(missing_ok=True)
        return
    except Exception:  # a file no check foresaw: one sentence here, the details in the log
        logger.exception("uploaded DEM could not be read")
        ss[_UPLOAD_ERROR_KEY] = (f"{name} cannot be used as a DEM: it could not be read as a GeoTIFF "
                                 "(details are in the server log).")
        path.unlink(missing_ok=True)
        return
    _keep_only(path)
    ss[UPLOAD_PATH_KEY] = str(path)


def render_tab(dem_choice: DemChoice) -> None:
    """The Terrain tab: DEM status and upload, the border profile, terrain per segment."""
    source, where = dem_choice.source, dem_choice.where
    st.file_uploader(
        f"Use a DEM GeoTIFF / COG (≤ {MAX_DEM_UPLOAD_MB} MB; larger: set BORDERMAP_DEM or pass --dem). "
        "Only the latest upload is kept.",
        type=["tif", "tiff"], key="terrain_upload", on_change=_take_upload, max_upload_size=MAX_DEM_UPLOAD_MB,
    )
    if error := st.session_state.get(_UPLOAD_ERROR_KEY):
        st.error(escape_markdown(error))
    if source is None:
        st.info(f"Terrain features need a DEM. {where}. You can also upload a GeoTIFF above.")
        return
    try:
        dem = load_dem(source)
    except BorderMapError as exc:
        st.error(f"The DEM cannot be read: {exc}")
        return
    st.caption(f"DEM: {where}. Grid {dem.shape[1]:,} × {dem.shape[0]:,} cells, source: {dem.source}.")
    c1, c2 = st.columns(2)
    step_km = c1.select_slider("Profile step (km)", [1.0, 2.0, 5.0, 10.0], value=2.0, key="terrain_step",
                               persist_state="page")
    corridor_km = c2.select_slider("Corridor half-width (km)", [0.0, 1.0, 3.0, 5.0, 10.0], value=3.0,
                                   key="terrain_corridor", persist_state="page")
    prof = _profile(source, source_mtime(source), step_km, corridor_km)
    st.markdown("**Elevation along the border (m), west → east by chainage (km)**")
    st.line_chart(prof.set_index("chainage_km")[["elevation_m", "corridor_min_m", "corridor_max_m"]],
                  x_label="chainage (km from the Uzbek tripoint)", y_label="elevation (m)")
    lo, hi = prof.elevation_m.min(), prof.elevation_m.max()
    st.caption(f"Along the line: {lo:,.0f} m to {hi:,.0f} m. Corridor lines run ±{corridor_km:g} km "
               "across the border. A coarse DEM smooths peaks and valley floors.")
    seg_km = st.select_slider("Segment length (km)", [1.0, 5.0, 10.0, 25.0], value=10.0, key="terrain_seg",
                            persist_state="page")
    segs = segments_terrain(source, seg_km)
    st.dataframe(segs.round(2), hide_index=True, width="stretch", height=260)
    st.download_button("Download terrain per segment (CSV)", frame_csv(segs),
                       file_name=f"border_terrain_{seg_km:g}km.csv", mime="text/csv")
