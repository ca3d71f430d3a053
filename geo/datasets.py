"""Reading the shipped data files (``data/``), with errors that name the file.

Loaders return a GeoDataFrame in EPSG:4326 (or, for small layers needed at start-up, a
:class:`FeatureLayer` of shapely geometries without pandas). A missing, unreadable or
malformed file raises :class:`geo.errors.DataFileError` naming the file and what is
wrong, never a bare traceback.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import DataFileError
from geo.settings import SHIPPED_DATA_DIR, read_settings

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

logger = logging.getLogger(__name__)

#: The repository's ``data/`` folder (shipped, read-only at run time; ``BORDERMAP_DATA_DIR``
#: points the page elsewhere, see :mod:`geo.settings`).
DATA_DIR = SHIPPED_DATA_DIR

BORDER_FILE = "border.geojson"
COUNTRIES_FILE = "countries.geojson"
REFERENCE_BORDER_FILE = "reference/border_naturalearth_10m.geojson"
PLACES_FILE = "places.geojson"
SEED_INCIDENTS_FILE = "seed_incidents.geojson"

#: The coarse overview DEM shipped in ``data/`` (GMTED2010, USGS, public domain; see data/DEM.md).
SHIPPED_DEM_FILE = "tajik_afghan_border_dem.tif"
#: How every result computed on the shipped DEM is labelled.
SHIPPED_DEM_LABEL = "coarse overview DEM (GMTED2010, 90″ cells): indicative at 2.5-km cells"
#: Value of a DEM setting (``--dem`` / ``BORDERMAP_DEM``) that switches terrain off.
NO_DEM = "none"

#: Provenance fields every shipped feature must carry.
PROVENANCE_FIELDS = ("source", "source_date", "precision_km", "confidence")
CONFIDENCE_VALUES = ("assessed", "claimed", "approximate")


@dataclass(frozen=True)
class FeatureLayer:
    """A small GeoJSON layer read without pandas: one shapely geometry and one property dict
    per feature (EPSG:4326), plus the file's top-level ``metadata``."""

    geometries: tuple[BaseGeometry, ...]
    properties: tuple[dict[str, Any], ...]
    metadata: dict[str, Any] = field(default_factory=dict)


def _read_features(path: Path, required: tuple[str, ...]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The validated features of a GeoJSON FeatureCollection and its ``metadata``."""
    if not path.is_file():
        raise DataFileError(f"data file {path.name!r} is missing (looked in {path.parent.name}/)")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"data file {path.name!r} is not readable GeoJSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise DataFileError(f"data file {path.name!r} is not a GeoJSON FeatureCollection")
    features = doc.get("features") or []
    if not features:
        raise DataFileError(f"data file {path.name!r} has no features")
    for i, feature in enumerate(features):
        coords = (feature.get("geometry") or {}).get("coordinates")
        if not _all_numbers(coords):
            raise DataFileError(
                f"data file {path.name!r}: feature {i} has coordinates that are not finite numbers"
            )
    for name in required:
        if any(_missing((f.get("properties") or {}).get(name)) for f in features):
            raise DataFileError(f"data file {path.name!r}: every feature needs the property {name!r}")
    return features, doc.get("metadata", {})


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def read_features(path: Path, required: tuple[str, ...] = ()) -> FeatureLayer:
    """Read a GeoJSON file into a :class:`FeatureLayer` (shapely + dicts, no pandas; EPSG:4326).

    Same checks and errors as :func:`read_geojson`; for small layers read at start-up
    (the border, the countries) where a GeoDataFrame is not needed.
    """
    from shapely.geometry import shape

    features, metadata = _read_features(path, required)
    try:
        geoms = tuple(shape(f["geometry"]) for f in features)
    except Exception as exc:  # shapely raises many types for bad geometry
        raise DataFileError(f"data file {path.name!r} has malformed features: {exc}") from exc
    bad = sum(1 for g in geoms if g.is_empty)
    if bad:
        raise DataFileError(f"data file {path.name!r} has {bad} feature(s) without geometry")
    return FeatureLayer(geoms, tuple(dict(f.get("properties") or {}) for f in features), dict(metadata))


def read_geojson(path: Path, required: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Read a GeoJSON file into a GeoDataFrame (EPSG:4326).

    Parameters
    ----------
    path : Path
        The file to read.
    required : tuple of str
        Property names every feature must have (non-null).

    Raises
    ------
    DataFileError
        If the file is missing, is not valid GeoJSON, has features without geometry,
        or lacks a required property.
    """
    import geopandas as gpd

    from geo.crs import STORAGE_CRS

    features, metadata = _read_features(path, required)
    try:
        gdf = gpd.GeoDataFrame.from_features(features, crs=STORAGE_CRS)
    except Exception as exc:  # shapely/geopandas raise many types for bad geometry
        raise DataFileError(f"data file {path.name!r} has malformed features: {exc}") from exc
    if gdf.geometry.isna().any() or gdf.geometry.is_empty.any():
        bad = int((gdf.geometry.isna() | gdf.geometry.is_empty).sum())
        raise DataFileError(f"data file {path.name!r} has {bad} feature(s) without geometry")
    gdf.attrs["metadata"] = metadata
    gdf.attrs["path"] = str(path)
    return gdf


def _all_numbers(coords: Any) -> bool:
    """True if a GeoJSON coordinates array holds only finite JSON numbers (no strings, NaN)."""
    if isinstance(coords, bool):
        return False
    if isinstance(coords, (int, float)):
        return math.isfinite(coords)
    if isinstance(coords, list) and coords:
        return all(_all_numbers(c) for c in coords)
    return False


def resolve_data_dir(data_dir: Path | None = None) -> Path:
    """``data_dir`` when given, else the shipped-data folder the settings name
    (``BORDERMAP_DATA_DIR``, else :data:`DATA_DIR`), so the page and the CLI read the same files."""
    return Path(data_dir) if data_dir is not None else read_settings().data_dir


def load_features(name: str, data_dir: Path | None = None) -> FeatureLayer:
    """Read one shipped layer as a :class:`FeatureLayer` (no pandas) with provenance checked."""
    return read_features(resolve_data_dir(data_dir) / name, required=PROVENANCE_FIELDS)


def load_layer(name: str, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Read one shipped layer by file name (relative to ``data_dir``) with provenance checked.

    A record's ``claims`` (a GeoJSON array in the file) comes as the JSON text the incident store
    keeps, so the shipped seeds and stored records look alike to every layer and exporter."""
    layer = read_geojson(resolve_data_dir(data_dir) / name, required=PROVENANCE_FIELDS)
    if "claims" in layer:
        layer["claims"] = [json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                           for v in layer["claims"]]
    return layer


def file_metadata(name: str, data_dir: Path | None = None) -> dict[str, Any]:
    """The top-level ``metadata`` member of a shipped GeoJSON file (empty if absent)."""
    return dict(load_layer(name, data_dir).attrs.get("metadata", {}))


def region_notes(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """Region-level notes of the places file: statements that locate nothing, so are not points.

    Each note has ``id``, ``region``, ``title``, ``text``, ``source``, ``source_url``,
    ``source_date`` and ``confidence``.
    """
    notes = file_metadata(PLACES_FILE, data_dir).get("region_notes") or []
    return [dict(n) for n in notes if isinstance(n, dict)]


def shipped_dem_path(data_dir: Path = DATA_DIR) -> Path:
    """Where the shipped coarse overview DEM lives (it may be absent from a stripped install)."""
    return data_dir / SHIPPED_DEM_FILE


def default_dem_path(configured: str | Path | None = None, data_dir: Path = DATA_DIR) -> Path | None:
    """The DEM used when none is named (no ``--dem``, ``BORDERMAP_DEM`` or upload).

    ``configured`` is the user's own default file (e.g. the GLO-90 mosaic fetched into the
    user data folder): used if it exists. Otherwise the shipped coarse overview DEM, so a
    fresh install has terrain; ``None`` if neither exists.
    """
    if configured is not None and Path(configured).expanduser().is_file():
        return Path(configured).expanduser()
    shipped = shipped_dem_path(data_dir)
    return shipped if shipped.is_file() else None


def is_shipped_dem(source: str | Path | None, data_dir: Path = DATA_DIR) -> bool:
    """True if ``source`` is the shipped coarse overview DEM (whose results need the coarse label)."""
    if source is None or str(source).startswith(("http://", "https://", "/vsi")):
        return False
    try:
        return Path(source).expanduser().resolve() == shipped_dem_path(data_dir).resolve()
    except OSError:
        return False
