"""Where an incident's attackers came from, as a line from the origin to the record's point.

An incident's ``origin`` is free text ("Ruzvayak village, Badakhshan province, Afghanistan (per
the Tajik Border Troops)"). :func:`locate_origin` finds in it the name of a shipped town
(a point) or else of a shipped province (a polygon); nothing else is guessed, so an origin
naming only a village or "Afghanistan" is not located. A province stands for "somewhere in
it": the line starts at the province's point nearest the record (where a crossing party
would have left it), and says so.

``origin_attribution`` (``official`` / ``claimed`` / ``unattributed``, who attributes the
origin), where a record has it, styles the line; ``unattributed`` origins, and texts that say
so ("Unattributed: …"), are never drawn.

Example
-------
>>> from shapely.geometry import Point, box
>>> import geopandas as gpd
>>> towns = gpd.GeoDataFrame({"name": ["Faizabad"], "kind": ["town"]}, geometry=[Point(70.58, 37.12)], crs=4326)
>>> provs = gpd.GeoDataFrame({"name": ["Badakhshan"], "name_alt": [""]}, geometry=[box(70, 36, 72, 38.2)], crs=4326)
>>> gaz = origin_gazetteer(towns, provs)
>>> locate_origin("a village of Badakhshan province", gaz, 70.5, 38.4).name
'Badakhshan'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.crs import METRIC_CRS, STORAGE_CRS

#: Values of ``origin_attribution``.
ATTRIBUTIONS = ("official", "claimed", "unattributed")
#: What a located origin without ``origin_attribution`` is styled as.
NOT_RECORDED = "not recorded"
#: Columns of :func:`origin_arcs`.
ARC_COLUMNS = ("id", "origin", "origin_name", "level", "attribution", "from_lon", "from_lat", "to_lon", "to_lat",
               "event_date", "location")

_TO_M = Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)
_TO_DEG = Transformer.from_crs(METRIC_CRS, STORAGE_CRS, always_xy=True)
_UNATTRIBUTED_RE = re.compile(r"^\s*(unattributed|unknown|not (identified|attributed))\b", re.IGNORECASE)


@dataclass(frozen=True)
class GazetteerEntry:
    """A name an origin text may hold and its geometry (EPSG:4326): a town (point) or a province."""

    name: str
    level: str  # "town" or "province"
    geometry: BaseGeometry
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class LocatedOrigin:
    """An origin found in a text: the gazetteer name, its level, and where the line starts
    (lon, lat degrees): the town, or the province's point nearest the target."""

    name: str
    level: str
    lon: float
    lat: float


def _pattern(names: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted({n.strip() for n in names if n.strip()}, key=len,
                                                          reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def origin_gazetteer(places: pd.DataFrame, provinces: pd.DataFrame) -> tuple[GazetteerEntry, ...]:
    """Towns of ``places`` (``kind`` town) first, then ``provinces`` with their ``name_alt``
    variants (``|``-separated), as entries for :func:`locate_origin`."""
    out: list[GazetteerEntry] = []
    if len(places) and "kind" in places:
        towns = places[places["kind"] == "town"]
        for name, geom in zip(towns["name"].astype(str), towns.geometry, strict=True):
            out.append(GazetteerEntry(name, "town", geom, _pattern([name])))
    if len(provinces):
        alts = provinces["name_alt"] if "name_alt" in provinces else pd.Series("", index=provinces.index)
        for name, alt, geom in zip(provinces["name"].astype(str), alts.fillna("").astype(str), provinces.geometry,
                                   strict=True):
            out.append(GazetteerEntry(name, "province", geom, _pattern([name, *alt.split("|")])))
    return tuple(out)


def _nearest_in(geom: BaseGeometry, lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) of the point of ``geom`` nearest (lon, lat), measured in metres."""
    metric = shapely.transform(geom, lambda xy: np.column_stack(_TO_M.transform(xy[:, 0], xy[:, 1])))
    x, y = _TO_M.transform(lon, lat)
    near = nearest_points(metric, Point(x, y))[0]
    out = _TO_DEG.transform(near.x, near.y)
    return float(out[0]), float(out[1])


def locate_origin(text: Any, gazetteer: tuple[GazetteerEntry, ...], to_lon: float,
                  to_lat: float) -> LocatedOrigin | None:
    """The origin named in ``text`` as seen from a record at (``to_lon``, ``to_lat``), or None.

    A town wins over a province; among provinces the first named in the text. None when the
    text names no gazetteer entry, says the origin is unattributed, or names the province
    the record itself lies in (no line to draw).
    """
    if not isinstance(text, str) or not text.strip() or _UNATTRIBUTED_RE.match(text):
        return None
    hits = [(m.start(), e) for e in gazetteer if (m := e.pattern.search(text))]
    if not hits:
        return None
    towns = [h for h in hits if h[1].level == "town"]
    _, entry = min(towns or hits, key=lambda h: h[0])
    if entry.level == "town":
        return LocatedOrigin(entry.name, "town", float(entry.geometry.x), float(entry.geometry.y))
    if entry.geometry.contains(Point(to_lon, to_lat)):
        return None
    lon, lat = _nearest_in(entry.geometry, to_lon, to_lat)
    return LocatedOrigin(entry.name, "province", lon, lat)


def _attribution(value: Any) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    return text if text in ATTRIBUTIONS else NOT_RECORDED


def origin_arcs(records: pd.DataFrame, gazetteer: tuple[GazetteerEntry, ...]) -> pd.DataFrame:
    """One row per record whose origin can be located (:data:`ARC_COLUMNS`), in record order.

    ``records`` needs ``id``, ``origin``, ``longitude``, ``latitude`` (degrees); ``origin_attribution``,
    ``event_date`` and ``location`` are optional. Developments and unattributed origins are skipped.
    """
    rows = []
    if len(records) and "origin" in records:
        has = records["origin"].notna()
        if "record_kind" in records:
            has &= records["record_kind"].fillna("incident") != "development"
        subset = records[has]
        attribution = (subset["origin_attribution"] if "origin_attribution" in subset
                       else pd.Series(None, index=subset.index, dtype=object))
        for rid, text, lon, lat, attr, when, where in zip(
                subset["id"].astype(str), subset["origin"], pd.to_numeric(subset["longitude"], errors="coerce"),
                pd.to_numeric(subset["latitude"], errors="coerce"), attribution,
                subset.get("event_date", pd.Series("", index=subset.index)),
                subset.get("location", pd.Series("", index=subset.index)), strict=True):
            style = _attribution(attr)
            if style == "unattributed" or not (np.isfinite(lon) and np.isfinite(lat)):
                continue
            found = locate_origin(text, gazetteer, float(lon), float(lat))
            if found is None:
                continue
            rows.append({"id": rid, "origin": str(text), "origin_name": found.name, "level": found.level,
                         "attribution": style, "from_lon": found.lon, "from_lat": found.lat,
                         "to_lon": float(lon), "to_lat": float(lat), "event_date": str(when or ""),
                         "location": str(where or "")})
    return pd.DataFrame(rows, columns=list(ARC_COLUMNS))
