"""The Tajikistan–Afghanistan border: length, chainage, 1-km segments, point location.

Chainage is the geodesic distance along the border line (WGS 84 ellipsoid) in
kilometres, from the western tripoint (Uzbekistan, km 0) to the eastern one
(China). All inputs and outputs are in EPSG:4326 (lon, lat) unless a name ends in
``_m`` (metres, :data:`geo.crs.METRIC_CRS`).

Example
-------
>>> border = load_border()
>>> round(border.length_km)  # DCW-GMT line
1246
>>> loc = locate_point(border, lon=68.78, lat=38.56)  # Dushanbe
>>> loc.side, round(loc.distance_km)
('TJK', 126)
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.prepared import prep

from geo import datasets
from geo.crs import GEOD, METRIC_CRS, STORAGE_CRS
from geo.errors import DataFileError, InvalidInputError

if TYPE_CHECKING:  # frames are built inside the functions that return them (quick CLI start-up)
    import geopandas as gpd
    import pandas as pd

logger = logging.getLogger(__name__)

#: Official length (Tajik MFA): 1,344.15 km = 1,135.3 km river + 189.85 km land + 19 km lake.
OFFICIAL_LENGTH_KM = 1344.15
OFFICIAL_BREAKDOWN_KM = {"river": 1135.3, "land": 189.85, "lake": 19.0}

_TO_METRIC = Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)


@dataclass(frozen=True)
class Border:
    """The border line and the two countries' polygons.

    Attributes
    ----------
    line : LineString
        The border, EPSG:4326, ordered west → east.
    tjk, afg : Polygon or MultiPolygon
        Country polygons, EPSG:4326.
    vertex_km : numpy.ndarray
        Geodesic chainage (km) of each vertex of ``line``; ``vertex_km[0] == 0``.
    line_m : LineString
        ``line`` in :data:`METRIC_CRS` (metres).
    source : str
        Where the line comes from (publication, version, licence).
    """

    line: LineString
    tjk: Polygon | MultiPolygon
    afg: Polygon | MultiPolygon
    vertex_km: np.ndarray
    line_m: LineString
    source: str

    @property
    def length_km(self) -> float:
        """Geodesic length of the line in km."""
        return float(self.vertex_km[-1])

    @property
    def west_end(self) -> tuple[float, float]:
        """(lon, lat) of the western tripoint (with Uzbekistan)."""
        x, y = self.line.coords[0]
        return float(x), float(y)

    @property
    def east_end(self) -> tuple[float, float]:
        """(lon, lat) of the eastern tripoint (with China)."""
        x, y = self.line.coords[-1]
        return float(x), float(y)


@dataclass(frozen=True)
class PointLocation:
    """Where a point lies relative to the border.

    ``side`` is ``"TJK"``, ``"AFG"`` or ``"other"``; ``distance_km`` is the geodesic
    distance to the nearest point of the border line; ``chainage_km`` is that
    nearest point's chainage; ``nearest`` its (lon, lat).
    """

    side: str
    distance_km: float
    chainage_km: float
    nearest: tuple[float, float]


def geodesic_vertex_km(coords: np.ndarray) -> np.ndarray:
    """Cumulative geodesic distance (km) at each vertex of a lon/lat polyline."""
    lon, lat = coords[:, 0], coords[:, 1]
    _, _, dist_m = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return np.concatenate([[0.0], np.cumsum(dist_m) / 1000.0])


def build_border(line: LineString, tjk: Polygon | MultiPolygon, afg: Polygon | MultiPolygon,
                 source: str) -> Border:
    """Make a :class:`Border` from a west→east line and the two country polygons (EPSG:4326)."""
    coords = np.asarray(line.coords, dtype=float)
    keep = np.concatenate([[True], np.any(np.diff(coords, axis=0) != 0, axis=1)])
    coords = coords[keep]  # zero-length edges would make chainage non-increasing
    line = LineString(coords) if len(coords) >= 2 else line
    if len(coords) < 2:
        raise InvalidInputError("border line needs at least two vertices")
    if coords[0, 0] > coords[-1, 0]:
        coords = coords[::-1]
        line = LineString(coords)
    xm, ym = _TO_METRIC.transform(coords[:, 0], coords[:, 1])
    return Border(line=line, tjk=tjk, afg=afg, vertex_km=geodesic_vertex_km(coords),
                  line_m=LineString(np.column_stack([xm, ym])), source=source)


def load_border(data_dir: Path | None = None) -> Border:
    """Read the shipped border line and country polygons (``data/``).

    Raises
    ------
    DataFileError
        If a file is missing or malformed, or lacks Tajikistan or Afghanistan.
    """
    line_layer = datasets.load_features(datasets.BORDER_FILE, data_dir)
    countries = datasets.load_features(datasets.COUNTRIES_FILE, data_dir)
    line = line_layer.geometries[0]
    if line.geom_type != "LineString":
        raise DataFileError(f"data file {datasets.BORDER_FILE!r} must hold one LineString")
    by_iso = {props.get("iso3"): geom for props, geom in zip(countries.properties, countries.geometries,
                                                             strict=True)}
    for iso in ("TJK", "AFG"):
        if iso not in by_iso:
            raise DataFileError(f"data file {datasets.COUNTRIES_FILE!r} has no feature with iso3={iso}")
    return build_border(line, by_iso["TJK"], by_iso["AFG"],  # type: ignore[arg-type]
                        str(line_layer.properties[0]["source"]))


def points_at_chainage(border: Border, chainage_km: np.ndarray) -> np.ndarray:
    """(lon, lat) of the border at each chainage (km), as an (n, 2) array.

    Interpolates linearly between vertices (edges are ≤ a few km long).
    """
    km = np.clip(np.asarray(chainage_km, dtype=float), 0.0, border.length_km)
    coords = np.asarray(border.line.coords)
    return np.column_stack([np.interp(km, border.vertex_km, coords[:, 0]),
                            np.interp(km, border.vertex_km, coords[:, 1])])


def sample_border(border: Border, step_km: float = 1.0) -> pd.DataFrame:
    """Points every ``step_km`` along the border: columns ``chainage_km, lon, lat``.

    The last point is the eastern end, whatever the remainder.
    """
    if not step_km > 0:
        raise InvalidInputError(f"step_km must be > 0 km, got {step_km!r}")
    import pandas as pd

    km = np.append(np.arange(0.0, border.length_km, step_km), border.length_km)
    pts = points_at_chainage(border, km)
    return pd.DataFrame({"chainage_km": km, "lon": pts[:, 0], "lat": pts[:, 1]})


def segment_border(border: Border, segment_km: float = 1.0) -> gpd.GeoDataFrame:
    """Cut the border into consecutive segments of ``segment_km`` (the last may be shorter).

    Returns
    -------
    GeoDataFrame (EPSG:4326)
        ``segment_id`` (0-based), ``from_km``, ``to_km``, ``length_km``, ``mid_lon``,
        ``mid_lat`` and a LineString geometry following the border's vertices.
    """
    import geopandas as gpd

    if not 0.05 <= segment_km <= 200:
        raise InvalidInputError(f"segment_km must be between 0.05 and 200 km, got {segment_km!r}")
    edges = np.append(np.arange(0.0, border.length_km, segment_km), border.length_km)
    if edges[-1] - edges[-2] < 1e-9:
        edges = edges[:-1]
    coords = np.asarray(border.line.coords)
    vkm = border.vertex_km
    geoms = []
    for a, b in itertools.pairwise(edges):
        inner = (vkm > a) & (vkm < b)
        ends = points_at_chainage(border, np.array([a, b]))
        geoms.append(LineString(np.vstack([ends[:1], coords[inner], ends[1:]])))
    mids = points_at_chainage(border, (edges[:-1] + edges[1:]) / 2)
    return gpd.GeoDataFrame(
        {"segment_id": np.arange(len(edges) - 1), "from_km": edges[:-1], "to_km": edges[1:],
         "length_km": np.diff(edges), "mid_lon": mids[:, 0], "mid_lat": mids[:, 1]},
        geometry=geoms, crs=STORAGE_CRS,
    )


def locate_points(border: Border, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
    """Side, distance (km, geodesic) and nearest chainage (km) for many points.

    Returns a DataFrame with columns ``side``, ``distance_km``, ``chainage_km``,
    ``nearest_lon``, ``nearest_lat`` (one row per input point, same order).
    """
    import pandas as pd

    side, dist_km, chainage, nearest = _locate(border, lon, lat)
    return pd.DataFrame({"side": side, "distance_km": dist_km,
                         "chainage_km": chainage, "nearest_lon": nearest[:, 0],
                         "nearest_lat": nearest[:, 1]})


def _locate(border: Border, lon: np.ndarray, lat: np.ndarray,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(side, distance km, chainage km, nearest (n, 2) lon/lat) arrays for many points."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise InvalidInputError("lon and lat must have the same length")
    from geo.precision import along_to_chainage_km, project_onto_border

    xm, ym = _TO_METRIC.transform(lon, lat)
    # nearest point through a spatial index of the line's edges (GEOS's line_locate_point walks
    # every vertex: 8× slower at 100,000 points, same result); metric distance along the
    # projected line is mapped to geodesic chainage via the vertices
    along_m, _ = project_onto_border(border, np.asarray(xm, dtype=float), np.asarray(ym, dtype=float))
    chainage = along_to_chainage_km(border, along_m)
    nearest = points_at_chainage(border, chainage)
    _, _, dist_m = GEOD.inv(lon, lat, nearest[:, 0], nearest[:, 1])
    pts = shapely.points(lon, lat)
    tjk, afg = prep(border.tjk), prep(border.afg)
    side = np.where([tjk.contains(p) for p in pts], "TJK",
                    np.where([afg.contains(p) for p in pts], "AFG", "other"))
    return side, np.asarray(dist_m) / 1000.0, chainage, nearest


def locate_point(border: Border, lon: float, lat: float) -> PointLocation:
    """Side of the border, distance to it (km) and nearest chainage (km) for one point."""
    side, dist_km, chainage, nearest = _locate(border, np.array([lon]), np.array([lat]))
    return PointLocation(side=str(side[0]), distance_km=float(dist_km[0]),
                         chainage_km=float(chainage[0]),
                         nearest=(float(nearest[0, 0]), float(nearest[0, 1])))


def hausdorff_km(a: LineString, b: LineString) -> float:
    """Hausdorff distance (km) between two lon/lat lines, measured in :data:`METRIC_CRS`."""
    def to_m(line: LineString) -> LineString:
        c = np.asarray(line.coords)
        return LineString(np.column_stack(_TO_METRIC.transform(c[:, 0], c[:, 1])))

    return float(shapely.hausdorff_distance(to_m(a), to_m(b), densify=0.1)) / 1000.0
