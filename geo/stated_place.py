"""Does a point agree with the place its report names ("near Farkhor")?

The location text of a report is matched against the names of known places (the
shipped towns and crossings); if the coordinates fall far from the named place, the
analyst is warned before saving. Degrees in EPSG:4326; distances geodesic (km).

Example
-------
>>> import geopandas as gpd
>>> places = gpd.GeoDataFrame({"name": ["Khorog"]}, geometry=gpd.points_from_xy([71.55], [37.49]), crs=4326)
>>> far_from_stated_place(37.19, 68.61, "10 km south of Khorog", places)[:30]
'far from the stated location: '
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import geopandas as gpd

from geo.coords import distance_from_stated_location_km

logger = logging.getLogger(__name__)

#: Distance (km) beyond which a point is "far" from the place its report names.
FAR_FROM_STATED_KM = 25.0


@dataclass(frozen=True)
class StatedPlace:
    """A known place named in a location text: its name and position (degrees)."""

    name: str
    lat: float
    lon: float


def find_stated_place(location: str | None, places: gpd.GeoDataFrame) -> StatedPlace | None:
    """The known place whose name appears (as whole words, any case) in ``location``.

    The longest matching name wins ("Panji Poyon bridge" before "Panj"). Places
    without a name or a point geometry are ignored.
    """
    text = " ".join(str(location or "").split()).casefold()
    if not text or len(places) == 0 or "name" not in places:
        return None
    best: StatedPlace | None = None
    best_len = 0
    for name, geom in zip(places["name"], places.geometry, strict=True):
        if not isinstance(name, str) or not name.strip() or geom is None or geom.geom_type != "Point":
            continue
        key = " ".join(name.split()).casefold()
        if len(key) <= best_len:
            continue
        if re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text):
            best, best_len = StatedPlace(name=name.strip(), lat=float(geom.y), lon=float(geom.x)), len(key)
    return best


def far_from_stated_place(lat: float, lon: float, location: str | None, places: gpd.GeoDataFrame,
                          threshold_km: float = FAR_FROM_STATED_KM) -> str | None:
    """A warning sentence if ``(lat, lon)`` is more than ``threshold_km`` from the named place.

    Returns ``None`` when no known place is named or the point is close enough.
    """
    place = find_stated_place(location, places)
    if place is None:
        return None
    km = distance_from_stated_location_km(lat, lon, place.lat, place.lon)
    if km <= threshold_km:
        return None
    return (f"far from the stated location: {km:.0f} km from {place.name} "
            f"({place.lat:.4f}, {place.lon:.4f}), named in the location text")
