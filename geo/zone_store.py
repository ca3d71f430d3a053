"""Analyst-drawn zones (polygons, EPSG:4326) kept in the incident store's GeoPackage.

A second feature table, ``analyst_zones``, beside the incidents: QGIS and ``ogrinfo`` open it
as a polygon layer. Zones are hypotheses of the analyst (e.g. where a 201st Base detachment
could deploy), never reports; each records who drew it and when. Deleting is soft.

Example
-------
>>> zones = ZoneStore(IncidentStore("incidents.gpkg"))  # doctest: +SKIP
>>> zid = zones.add(Polygon([(70, 37.5), (70.2, 37.5), (70.2, 37.7)]), "Kulob reserve", "", "me")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import STORAGE_CRS
from geo.deployment import DRAWN_STATUS, zones_from_geojson
from geo.errors import InvalidInputError
from geo.store import IncidentStore, geometry_blob, geometry_from_blob

ZONES_TABLE = "analyst_zones"
_COLUMNS = ("id", "name", "notes", "area_km2", "status", "created_at", "created_by")

_DDL = f"""
CREATE TABLE IF NOT EXISTS "{ZONES_TABLE}" (
    fid INTEGER PRIMARY KEY AUTOINCREMENT,
    geom GEOMETRY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    notes TEXT,
    area_km2 REAL,
    status TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id,
                                     min_x, min_y, max_x, max_y)
    VALUES ('{ZONES_TABLE}', 'features', '{ZONES_TABLE}',
            'Analyst-drawn zones (hypotheses, not reports)', 4326, 66.5, 35.5, 75.5, 39.9);
INSERT OR IGNORE INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)
    VALUES ('{ZONES_TABLE}', 'geom', 'GEOMETRY', 4326, 0, 0);
"""  # noqa: S608


def _ensure_table(conn: sqlite3.Connection) -> None:
    # statement by statement: executescript() would commit the caller's open transaction
    for statement in _DDL.split(";"):
        if statement.strip():
            conn.execute(statement)


def _has_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (ZONES_TABLE,)).fetchone()
    return row is not None


class ZoneStore:
    """Analyst zones in the GeoPackage of ``store``."""

    def __init__(self, store: IncidentStore) -> None:
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
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.store.write_transaction() as conn:
            _ensure_table(conn)
            conn.execute(
                f'INSERT INTO "{ZONES_TABLE}" (geom, id, name, notes, area_km2, status, created_at, '  # noqa: S608
                "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (geometry_blob(row.geometry), zone_id, row["name"], row["notes"], float(row["area_km2"]),
                 DRAWN_STATUS, now, by))
        return zone_id

    def delete(self, zone_id: str) -> None:
        """Soft-delete one zone (it stays in the file, flagged)."""
        with self.store.write_transaction() as conn:
            if not _has_table(conn):
                raise InvalidInputError(f"no zone with id {zone_id!r}")
            cur = conn.execute(f'UPDATE "{ZONES_TABLE}" SET deleted = 1 WHERE id = ? AND deleted = 0',  # noqa: S608
                               (zone_id,))
            if cur.rowcount == 0:
                raise InvalidInputError(f"no zone with id {zone_id!r}")

    def list(self) -> gpd.GeoDataFrame:
        """Live zones: ``id, name, notes, area_km2, status, created_at, created_by`` (EPSG:4326)."""
        with self.store.read_connection() as conn:
            rows = []
            if conn is not None and _has_table(conn):
                rows = conn.execute(f'SELECT geom, {", ".join(_COLUMNS)} FROM "{ZONES_TABLE}" '  # noqa: S608
                                    "WHERE deleted = 0 ORDER BY fid").fetchall()
        frame = pd.DataFrame.from_records([r[1:] for r in rows], columns=list(_COLUMNS))
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([geometry_from_blob(r[0]) for r in rows],
                                                               crs=STORAGE_CRS))
