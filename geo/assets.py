"""Patrol assets (border posts, detachments, drones, crossings, garrisons) and scenarios.

An :class:`Asset` is a point (EPSG:4326, lon/lat in degrees) with the parameters each
coverage model uses: a patrol radius (km), a travel-time budget over terrain (hours),
an observer height above ground (m) and a line-of-sight range (km). Assets are
frozen and hashable, so a tuple of them can key a cache.

Nothing here is shipped as fact except *anchors* derived from the reference places
file (border crossings and 201st Base garrisons, see
:func:`anchor_assets_from_places`); every other asset is an analyst's hypothesis.

Example
-------
>>> a = Asset(id="p1", name="Post 1", kind="border_post", lon=69.0, lat=37.2)
>>> a.radius_km, a.travel_hours
(15.0, 2.0)
>>> assets_from_geojson(assets_to_geojson([a]))[0] == a
True
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.crs import REGION_BOUNDS, in_region
from geo.errors import DataFileError, InvalidInputError

logger = logging.getLogger(__name__)

ASSET_KINDS = ("border_post", "detachment", "drone", "crossing", "garrison")

#: Upper bounds of each numeric parameter (inclusive); lower bound is "> 0".
PARAM_CAPS: dict[str, float] = {
    "radius_km": 200.0,
    "travel_hours": 48.0,
    "observer_height_m": 5000.0,
    "range_km": 150.0,
}
PARAM_DEFAULTS: dict[str, float] = {
    "radius_km": 15.0,
    "travel_hours": 2.0,
    "observer_height_m": 10.0,
    "range_km": 20.0,
}
_MAX_TEXT = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_text(value: Any, fieldname: str, max_len: int = _MAX_TEXT, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"asset field {fieldname!r} must be text, got {value!r}")
    text = _CONTROL.sub(" ", value).strip()
    if not text and not allow_empty:
        raise InvalidInputError(f"asset field {fieldname!r} must not be empty; give it a short name")
    if len(text) > max_len:
        raise InvalidInputError(
            f"asset field {fieldname!r} is {len(text)} characters long; keep it under {max_len}"
        )
    return text


def _check_number(value: Any, fieldname: str) -> float:
    """A finite float from an int/float or a numeric string; bools are refused."""
    if isinstance(value, bool) or value is None:
        raise InvalidInputError(f"asset field {fieldname!r} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"asset field {fieldname!r} must be a number, got {value!r}") from exc
    if not math.isfinite(number):
        raise InvalidInputError(f"asset field {fieldname!r} must be a finite number, got {value!r}")
    return number


@dataclass(frozen=True)
class Asset:
    """One patrol asset.

    Attributes
    ----------
    id : str
        Unique identifier within a scenario.
    name : str
        Human label (plain text; escape before it reaches HTML).
    kind : str
        One of :data:`ASSET_KINDS`.
    lon, lat : float
        Position in degrees, EPSG:4326; must lie in :data:`geo.crs.REGION_BOUNDS`.
    radius_km : float
        Patrol radius for the ``radius`` model, km (0 < r ≤ 200).
    travel_hours : float
        Travel-time budget for the ``travel`` model, hours (0 < t ≤ 48).
    observer_height_m : float
        Observer (mast, tower, drone altitude) height above ground, m (0 < h ≤ 5000).
    range_km : float
        Maximum line-of-sight range for the ``sight`` model, km (0 < r ≤ 150).
    source : str
        Where the asset comes from ("analyst", a reference, a file name).
    """

    id: str
    name: str
    kind: str
    lon: float
    lat: float
    radius_km: float = PARAM_DEFAULTS["radius_km"]
    travel_hours: float = PARAM_DEFAULTS["travel_hours"]
    observer_height_m: float = PARAM_DEFAULTS["observer_height_m"]
    range_km: float = PARAM_DEFAULTS["range_km"]
    source: str = "analyst"

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", _check_text(self.id, "id", max_len=64))
        object.__setattr__(self, "name", _check_text(self.name, "name"))
        object.__setattr__(self, "source", _check_text(self.source, "source", allow_empty=True))
        if self.kind not in ASSET_KINDS:
            raise InvalidInputError(
                f"asset field 'kind' must be one of {', '.join(ASSET_KINDS)}, got {self.kind!r}"
            )
        lon = _check_number(self.lon, "lon")
        lat = _check_number(self.lat, "lat")
        if not in_region(lon, lat):
            w, s, e, n = REGION_BOUNDS
            hint = " (lat and lon look swapped)" if in_region(lat, lon) else ""
            raise InvalidInputError(
                f"asset {self.id!r}: position lat {lat}, lon {lon} is outside the region "
                f"(lat {s}–{n}, lon {w}–{e}){hint}; check the coordinates"
            )
        object.__setattr__(self, "lon", lon)
        object.__setattr__(self, "lat", lat)
        for name, cap in PARAM_CAPS.items():
            value = _check_number(getattr(self, name), name)
            if not 0 < value <= cap:
                raise InvalidInputError(
                    f"asset {self.id!r}: field {name!r} must be > 0 and ≤ {cap:g}, got {value!r}"
                )
            object.__setattr__(self, name, value)


def _feature_to_asset(feature: Any, index: int) -> Asset:
    where = f"feature {index}"
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise InvalidInputError(f"{where} is not a GeoJSON Feature")
    geom = feature.get("geometry")
    if not isinstance(geom, Mapping) or geom.get("type") != "Point":
        raise InvalidInputError(f"{where}: an asset needs a Point geometry, got {geom!r:.80}")
    coords = geom.get("coordinates")
    if not isinstance(coords, Sequence) or isinstance(coords, str) or len(coords) < 2:
        raise InvalidInputError(f"{where}: Point coordinates must be [lon, lat], got {coords!r:.80}")
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        raise InvalidInputError(f"{where}: properties must be an object")
    asset_id = props.get("id", feature.get("id", f"asset-{index + 1}"))
    asset_id = str(asset_id) if isinstance(asset_id, int | float) and not isinstance(asset_id, bool) \
        else asset_id
    kwargs: dict[str, Any] = {
        "id": asset_id,
        "name": props.get("name") or str(asset_id),
        "kind": props.get("kind", "border_post"),
        "lon": _check_number(coords[0], "lon"),
        "lat": _check_number(coords[1], "lat"),
        "source": props.get("source", "analyst") or "",
    }
    for name, default in PARAM_DEFAULTS.items():
        value = props.get(name)
        kwargs[name] = default if value is None else value
    try:
        return Asset(**kwargs)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}: {exc}") from exc


def assets_from_geojson(doc: Mapping[str, Any] | str) -> list[Asset]:
    """Parse patrol assets from a GeoJSON FeatureCollection of Points (EPSG:4326).

    Properties read: ``id``, ``name``, ``kind``, ``radius_km``, ``travel_hours``,
    ``observer_height_m``, ``range_km``, ``source``; absent numeric properties take
    :data:`PARAM_DEFAULTS`.

    Raises
    ------
    InvalidInputError
        Naming the feature and the field, for a non-Point geometry, a position outside
        the region, a bad parameter or duplicate ids.
    """
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"assets text is not valid JSON: {exc}") from exc
    if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection":
        raise InvalidInputError("assets must be a GeoJSON FeatureCollection of Point features")
    features = doc.get("features")
    if not isinstance(features, list):
        raise InvalidInputError("assets GeoJSON has no 'features' list")
    assets = [_feature_to_asset(f, i) for i, f in enumerate(features)]
    _check_unique(assets)
    return assets


def _check_unique(assets: Sequence[Asset]) -> None:
    seen: set[str] = set()
    for a in assets:
        if a.id in seen:
            raise InvalidInputError(f"asset id {a.id!r} is used twice; give every asset its own id")
        seen.add(a.id)


def assets_to_geojson(assets: Iterable[Asset]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (EPSG:4326) of the assets, all fields as properties."""
    features = []
    for a in assets:
        props = {f.name: getattr(a, f.name) for f in fields(a) if f.name not in ("lon", "lat")}
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [a.lon, a.lat]}})
    return {"type": "FeatureCollection", "features": features}


def anchor_assets_from_places(places: gpd.GeoDataFrame) -> list[Asset]:
    """Assets for the shipped anchors: places whose ``kind`` is ``crossing`` or ``garrison``.

    Parameters
    ----------
    places : GeoDataFrame
        Reference places (EPSG:4326, Point geometry) with at least ``kind``; ``id``,
        ``name`` and ``source`` are used when present. Other kinds are ignored.

    Returns
    -------
    list of Asset
        Default parameters; ``source`` is the place's source (these are the only
        assets backed by a reference, everything else is an analyst's hypothesis).
    """
    if "kind" not in places.columns:
        raise InvalidInputError("places layer has no 'kind' column; cannot pick crossings and garrisons")
    if places.crs is not None and not places.crs.equals("EPSG:4326"):
        places = places.to_crs("EPSG:4326")
    out: list[Asset] = []
    for i, row in enumerate(places.itertuples(index=False)):
        kind = getattr(row, "kind", None)
        if kind not in ("crossing", "garrison"):
            continue
        geom = row.geometry
        if geom is None or geom.is_empty or geom.geom_type != "Point":
            continue
        pid = getattr(row, "id", None)
        pid = f"{kind}-{i}" if pid is None or (isinstance(pid, float) and math.isnan(pid)) else str(pid)
        name = getattr(row, "name", None)
        source = getattr(row, "source", None)
        out.append(Asset(id=pid, name=str(name) if isinstance(name, str) and name else pid, kind=kind,
                         lon=float(geom.x), lat=float(geom.y),
                         source=str(source) if isinstance(source, str) else "places"))
    return out


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """A named set of assets an analyst wants to compare with others.

    ``assets`` is a tuple (hashable); ids must be unique.
    """

    name: str
    assets: tuple[Asset, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _check_text(self.name, "scenario name", max_len=100))
        object.__setattr__(self, "assets", tuple(self.assets))
        for a in self.assets:
            if not isinstance(a, Asset):
                raise InvalidInputError(f"scenario {self.name!r}: assets must be Asset values, got {a!r}")
        _check_unique(self.assets)


def scenario_filename(name: str) -> str:
    """A safe file name (``slug.geojson``) for a scenario name."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower()[:60]
    return f"{slug or 'scenario'}.geojson"


def save_scenario(scenario: Scenario, directory: Path) -> Path:
    """Write ``scenario`` as GeoJSON (with a top-level ``scenario`` name) into ``directory``.

    Returns the path written (``directory / scenario_filename(name)``); overwrites a
    scenario of the same name. The write is atomic (temporary file, then rename).
    """
    directory.mkdir(parents=True, exist_ok=True)
    doc = assets_to_geojson(scenario.assets)
    doc["scenario"] = scenario.name
    path = directory / scenario_filename(scenario.name)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def load_scenario(path: Path) -> Scenario:
    """Read a scenario from GeoJSON (``scenario`` member + features) or plain JSON.

    Plain JSON form: ``{"name": str, "assets": [{"id", "name", "kind", "lon", "lat", ...}]}``.
    A GeoJSON file without a ``scenario`` member is named after the file.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"scenario file {path.name!r} is not readable JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise DataFileError(f"scenario file {path.name!r} must hold a JSON object")
    try:
        if doc.get("type") == "FeatureCollection":
            return Scenario(str(doc.get("scenario") or path.stem), tuple(assets_from_geojson(doc)))
        items = doc.get("assets")
        if not isinstance(items, list):
            raise InvalidInputError("expected a GeoJSON FeatureCollection or {'name', 'assets': [...]}")
        assets = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise InvalidInputError(f"asset {i} is not an object")
            known = {f.name for f in fields(Asset)}
            unknown = set(item) - known
            if unknown:
                raise InvalidInputError(f"asset {i} has unknown field(s) {sorted(unknown)}")
            try:
                assets.append(Asset(**item))
            except TypeError as exc:
                raise InvalidInputError(f"asset {i}: {exc}") from exc
        return Scenario(str(doc.get("name") or path.stem), tuple(assets))
    except InvalidInputError as exc:
        raise InvalidInputError(f"scenario file {path.name!r}: {exc}") from exc


def list_scenarios(directory: Path) -> list[Path]:
    """Scenario files (``*.geojson``, ``*.json``) in ``directory``, sorted by name."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".geojson", ".json") and p.is_file())


def compare_scenarios(results: Mapping[str, Any]) -> pd.DataFrame:
    """Compare coverage results of several scenarios, the first being the baseline.

    Parameters
    ----------
    results : mapping of scenario name → :class:`geo.coverage.CoverageResult`
        Computed on the same border and segment length (e.g. with
        :func:`geo.coverage.compute_coverage` for each scenario's assets).

    Returns
    -------
    DataFrame
        One row per scenario: ``scenario, n_assets, border_km, covered_km, percent,
        n_gaps, longest_gap_km, gained_km, lost_km`` (gained/lost: km of segments
        covered here but not in the baseline, and the reverse).
    """
    from geo.coverage import coverage_gaps, headline  # local: coverage imports this module

    if not results:
        return pd.DataFrame(columns=["scenario", "n_assets", "border_km", "covered_km", "percent",
                                     "n_gaps", "longest_gap_km", "gained_km", "lost_km"])
    items = list(results.items())
    base = items[0][1].segments
    rows = []
    for name, res in items:
        seg = res.segments
        if len(seg) != len(base):
            raise InvalidInputError(
                f"scenario {name!r} was computed on {len(seg)} segments, the baseline on {len(base)}; "
                "use the same segment length for every scenario"
            )
        head = headline(res)
        gaps = coverage_gaps(res)
        gained = seg["covered"].to_numpy() & ~base["covered"].to_numpy()
        lost = ~seg["covered"].to_numpy() & base["covered"].to_numpy()
        length = seg["length_km"].to_numpy()
        rows.append({"scenario": name, "n_assets": len(res.asset_ids),
                     "border_km": head["border_km"], "covered_km": head["covered_km"],
                     "percent": head["percent"], "n_gaps": len(gaps),
                     "longest_gap_km": head["longest_gap_km"],
                     "gained_km": float(length[gained].sum()), "lost_km": float(length[lost].sum())})
    return pd.DataFrame(rows)
