"""One CRS policy for the whole project.

* Storage and exchange: EPSG:4326 (longitude, latitude order inside geometries).
* Metric work (buffers, distances, rasters): one azimuthal equidistant projection
  centred on the Tajik–Afghan border (:data:`METRIC_CRS`). UTM 42N covers only 66–72° E
  while the border runs to 75° E; an AEQD centred at 37.5° N 70.8° E keeps distances
  from the centre exact and scale error under 0.1 % across the border region
  (tests/geo/test_crs.py measures it).
* Lengths of lines: geodesic, on the WGS 84 ellipsoid (:data:`GEOD`).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from pyproj import CRS, Geod

from geo.bbox import REGION
from geo.errors import CRSError

if TYPE_CHECKING:  # the functions below take GeoDataFrames but never need the module itself
    import geopandas as gpd

STORAGE_CRS = CRS.from_epsg(4326)
METRIC_CRS = CRS.from_proj4(
    "+proj=aeqd +lat_0=37.5 +lon_0=70.8 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)
GEOD = Geod(ellps="WGS84")

#: The region the tool serves (lon/lat, EPSG:4326): W, S, E, N (:data:`geo.bbox.REGION` as a tuple).
REGION_BOUNDS = REGION.as_tuple()


def require_crs(gdf: gpd.GeoDataFrame, name: str) -> CRS:
    """Return the CRS of ``gdf`` or raise :class:`CRSError` naming the layer."""
    if gdf.crs is None:
        raise CRSError(
            f"layer {name!r} has no CRS; set one (e.g. EPSG:4326) before using it"
        )
    return CRS.from_user_input(gdf.crs)


def to_storage(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:4326 (a new frame; the input is not changed)."""
    crs = require_crs(gdf, name)
    return gdf if crs.equals(STORAGE_CRS) else gdf.to_crs(STORAGE_CRS)


def to_metric(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Return ``gdf`` in :data:`METRIC_CRS` (metres), a new frame."""
    require_crs(gdf, name)
    return gdf.to_crs(METRIC_CRS)


def warn_if_crs_differ(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, names: tuple[str, str]) -> None:
    """Warn when two layers that are used together are in different CRSs."""
    ca, cb = require_crs(a, names[0]), require_crs(b, names[1])
    if not ca.equals(cb):
        warnings.warn(
            f"layers {names[0]!r} ({ca.to_string()}) and {names[1]!r} ({cb.to_string()}) "
            "are in different CRSs; the second is reprojected",
            UserWarning,
            stacklevel=2,
        )


def in_region(lon: float, lat: float) -> bool:
    """True if (lon, lat) in degrees lies inside :data:`REGION_BOUNDS`."""
    return REGION.contains(lon, lat)
