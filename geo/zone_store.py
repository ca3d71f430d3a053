"""Analyst-drawn zones (polygons, EPSG:4326) kept in the incident store, on either backend.

Zones are hypotheses of the analyst (e.g. where a 201st Base detachment could deploy),
never reports; each records who drew it and when. Deleting is soft. This module
validates; the store (GeoPackage table ``analyst_zones``, which QGIS and ``ogrinfo`` open
as a polygon layer, or the PostGIS table of the same name) keeps them through its own
methods ``insert_zone``, ``delete_zone`` and ``list_zones``.

Example
-------
>>> zones = ZoneStore(open_store("incidents.gpkg"))  # doctest: +SKIP
>>> zid = zones.add(Polygon([(70, 37.5), (70.2, 37.5), (70.2, 37.7)]), "Kulob reserve", "", "me")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import uuid

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.deployment import DRAWN_STATUS, zones_from_geojson
from geo.errors import InvalidInputError
from geo.store import ZONES_TABLE, IncidentStoreProtocol

__all__ = ["ZONES_TABLE", "ZoneStore"]


class ZoneStore:
    """Analyst zones in ``store`` (any backend :func:`geo.store.open_store` returns)."""

    def __init__(self, store: IncidentStoreProtocol) -> None:
        self.store = store

    def add(self, geom: BaseGeometry, name: str, notes: str, by: str) -> str:
        """Validate one polygon zone (EPSG:4326) and save it; return its id.

        Raises
        ------
        InvalidInputError
            If the geometry is not a valid polygon inside the region, or the name is empty
            (the message names what is wrong; nothing is written).
        """
        if not str(name or "").strip():
            raise InvalidInputError("a zone needs a name (e.g. 'Detachment option near Shuroobod')")
        checked = zones_from_geojson({"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": shapely.geometry.mapping(geom),
            "properties": {"name": str(name).strip(), "notes": str(notes or "")}}]})
        row = checked.iloc[0]
        zone_id = str(uuid.uuid4())
        self.store.insert_zone({
            "id": zone_id, "name": row["name"], "notes": row["notes"], "area_km2": float(row["area_km2"]),
            "status": DRAWN_STATUS, "created_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "created_by": by, "deleted": False}, row.geometry)
        return zone_id

    def delete(self, zone_id: str) -> None:
        """Soft-delete one zone (it stays in the store, flagged)."""
        self.store.delete_zone(zone_id)

    def list(self) -> gpd.GeoDataFrame:
        """Live zones: ``id, name, notes, area_km2, status, created_at, created_by`` (EPSG:4326)."""
        return self.store.list_zones().drop(columns=["deleted"])
