"""The incident store: a GeoPackage file that QGIS and ogrinfo open as a point layer.

Design (measured, see FINDINGS.md "GeoPackage with several writers")
--------------------------------------------------------------------
* The file and the ``incidents`` layer are created by GDAL (pyogrio), so the
  GeoPackage tables, spatial index and triggers are GDAL's own.
* Every write is a plain ``sqlite3`` transaction opened with ``BEGIN IMMEDIATE`` and a
  busy timeout: concurrent writers queue for the lock instead of failing on a
  deferred lock upgrade. GDAL's R-tree triggers call ``ST_IsEmpty``/``ST_MinX``…,
  which plain SQLite lacks; :func:`register_gpkg_functions` supplies them (they read
  GeoPackage geometry blobs) on each connection.
* WAL journal: readers never block the writer. A transaction lands whole or not at
  all (an import killed with SIGKILL leaves the store as it was).
* Each change appends the full record (JSON) to the plain table ``incident_history``;
  deletes are soft (``deleted = 1``); :meth:`IncidentStore.undo` restores the previous
  revision. ``bordermap_meta.revision`` counts committed writes, to key caches.

Coordinates are stored in EPSG:4326: the point geometry (lon, lat) and the ACLED
``latitude``/``longitude`` columns, kept equal by every write made through this module.
WAL needs a local filesystem (not a network share); the ``-wal``/``-shm`` files
travel with the ``.gpkg``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import logging
import math
import os
import sqlite3
import struct
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import datasets, settings
from geo.crs import STORAGE_CRS
from geo.errors import (
    BorderMapError,
    DiskFullError,
    EditConflictError,
    IncidentNotFoundError,
    InvalidInputError,
    ReadOnlyError,
    StoreError,
    folder_problem,
    shown,
    write_error,
)
from geo.incidents import (
    BOOKKEEPING_FIELDS,
    CONTENT_FIELDS,
    FIELD_TYPES,
    LATER_FIELDS,
    ImportReport,
    Rejection,
    dedup_key,
    validate_incident,
)
from geo.permissions import check_role, normalise_email

logger = logging.getLogger(__name__)

LAYER = "incidents"
HISTORY_TABLE = "incident_history"
META_TABLE = "bordermap_meta"
ZONES_TABLE = "analyst_zones"
SCENARIOS_TABLE = "coverage_scenarios"
USERS_TABLE = "bordermap_users"
#: Columns of a user as :meth:`IncidentStore.list_users` returns them.
USER_COLUMNS: tuple[str, ...] = ("email", "role", "added_at", "added_by")
#: Columns of an analyst zone besides its geometry, as :meth:`IncidentStore.list_zones` returns them.
ZONE_COLUMNS: tuple[str, ...] = ("id", "name", "notes", "area_km2", "status", "created_at", "created_by",
                                 "deleted")
SCHEMA_VERSION = 3
#: Environment variable naming the store file (read by :mod:`geo.settings`).
DB_ENV = settings.DB_ENV
#: Seconds a writer waits for the lock before giving up.
LOCK_TIMEOUT_S = 60.0
#: Rows validated and inserted per batch inside one import transaction.
IMPORT_CHUNK = 5000

#: Columns of the ``incidents`` layer besides ``fid`` and ``geom``, in order.
STORE_COLUMNS: tuple[str, ...] = ("id", *CONTENT_FIELDS, "created_at", "updated_at", "created_by",
                                  "updated_by", "deleted", "version", "dedup_key")
#: Columns :meth:`IncidentStore.list` returns (besides geometry).
PUBLIC_COLUMNS: tuple[str, ...] = STORE_COLUMNS[:-1]

#: Plain records or history entries as dicts (an alias: ``list`` is a method name in the stores).
RecordDicts = list[dict[str, Any]]

_GP_POINT_HEADER = b"GP\x00\x01" + struct.pack("<i", 4326)
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_INT_COLUMNS = [c for c in CONTENT_FIELDS if FIELD_TYPES[c] == "int"]
#: Fields the store alone sets: never taken from an edit or an imported row.
STORE_ONLY_FIELDS: frozenset[str] = frozenset({*BOOKKEEPING_FIELDS, "version", "dedup_key"})


# --------------------------------------------------------------------------- paths

def default_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Where the store lives: ``--db`` value, else ``$BORDERMAP_DB``, else the user data dir.

    The user data dir is ``$XDG_DATA_HOME/border-map/incidents.gpkg`` (``XDG_DATA_HOME``
    defaults to ``~/.local/share``) — never inside the repository. A ``postgresql://`` URL
    is refused (it is no file path; see :func:`store_target` and :func:`open_store`).
    """
    value = settings.read_settings().store(cli_value)
    if is_postgres_url(value):
        raise StoreError("the incident store is a PostGIS database (postgresql://…), not a file; "
                         "open it with geo.store.open_store")
    return Path(value)


def store_target(cli_value: str | os.PathLike[str] | None = None) -> str:
    """The store to open, as text: a ``postgresql://`` URL as given (``--db``, else
    ``$BORDERMAP_DB``), else the GeoPackage path of :func:`default_db_path`. Use it as a
    cache key and pass it to :func:`open_store`."""
    value = settings.read_settings().store(cli_value)
    return value if is_postgres_url(value) else str(default_db_path(value))


# ---------------------------------------------------------------- geometry blobs

def geometry_blob(geom: shapely.Geometry) -> bytes:
    """GeoPackage geometry blob (EPSG:4326, no envelope, little-endian WKB) of any geometry."""
    return _GP_POINT_HEADER + shapely.to_wkb(geom, byte_order=1)


def geometry_from_blob(blob: bytes) -> shapely.Geometry:
    """The shapely geometry in a GeoPackage geometry blob."""
    return shapely.from_wkb(_wkb(blob))


def point_blob(lon: float, lat: float) -> bytes:
    """GeoPackage geometry blob (EPSG:4326, no envelope, little-endian WKB) of a point."""
    return _GP_POINT_HEADER + struct.pack("<BIdd", 1, 1, lon, lat)


def _wkb(blob: bytes) -> bytes:
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    return bytes(blob[8 + _ENVELOPE_BYTES.get((flags >> 1) & 7, 0):])


@functools.lru_cache(maxsize=64)  # the R-tree triggers ask ST_MinX…ST_MaxY and ST_IsEmpty of each blob
def _bounds(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None:
        return None
    wkb = _wkb(blob)
    if len(wkb) == 21 and wkb[0] == 1 and wkb[1:5] == b"\x01\x00\x00\x00":
        x, y = struct.unpack_from("<dd", wkb, 5)
        return (x, y, x, y) if not (math.isnan(x) or math.isnan(y)) else None
    geom = shapely.from_wkb(wkb)
    if geom is None or geom.is_empty:
        return None
    b = geom.bounds
    return (b[0], b[1], b[2], b[3])


def _st_isempty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    if len(blob) >= 4 and blob[:2] == b"GP" and blob[3] & 0x10:
        return 1
    return 1 if _bounds(blob) is None else 0


def _coord(index: int) -> Callable[[bytes | None], float | None]:
    def func(blob: bytes | None) -> float | None:
        b = _bounds(blob)
        return None if b is None else b[index]
    return func


def register_gpkg_functions(conn: sqlite3.Connection) -> None:
    """Add the SQL functions GDAL's GeoPackage triggers call (``ST_IsEmpty``, ``ST_MinX``…).

    They read GeoPackage geometry blobs, so plain :mod:`sqlite3` can insert into and
    update a GDAL-made feature table while its R-tree index stays correct.
    """
    conn.create_function("ST_IsEmpty", 1, _st_isempty, deterministic=True)
    for name, idx in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        conn.create_function(name, 1, _coord(idx), deterministic=True)


# ------------------------------------------------------------------ value types

@runtime_checkable
class IncidentStoreProtocol(Protocol):
    """What any incident store offers (GeoPackage today, PostGIS later)."""

    @property
    def revision(self) -> int:
        """A number that changes whenever the store changes (to key caches)."""
        ...

    def identity(self) -> tuple[Any, ...] | None:
        """Which store this is (None while it does not exist): changes when the store is
        replaced or deleted, not when it is written. Key caches by identity *and* revision."""
        ...

    def add(self, fields: Mapping[str, Any], by: str) -> str:
        """Validate and add one record; return its id."""
        ...

    def update(self, incident_id: str, changes: Mapping[str, Any], by: str, *,
               expected_version: int | None = None) -> int:
        """Change fields of a live record; :class:`EditConflictError` when its version is no
        longer ``expected_version`` (``None``: overwrite). Returns the new version."""
        ...

    def delete(self, incident_id: str, by: str, *, expected_version: int | None = None) -> int:
        """Soft-delete a record (it stays in history; undo brings it back)."""
        ...

    def undo(self, incident_id: str, by: str, *, expected_version: int | None = None) -> int:
        """Revert the last change made to one record."""
        ...

    def history(self, incident_id: str) -> list[dict[str, Any]]:
        """Every revision of one record, oldest first."""
        ...

    def get(self, incident_id: str) -> dict[str, Any]:
        """One record (deleted or not) as a dict."""
        ...

    def list(self, include_deleted: bool = False) -> gpd.GeoDataFrame:
        """All (live) records as a point GeoDataFrame in EPSG:4326."""
        ...

    def count_live(self) -> int:
        """Number of live (not deleted) records."""
        ...

    def change_cursor(self) -> int:
        """A position in the store's log of writes (grows with every write)."""
        ...

    def changed_since(self, cursor: int) -> gpd.GeoDataFrame:
        """Records (deleted ones included) written after ``cursor``, as :meth:`list` returns them."""
        ...

    def import_rows(self, rows: Iterable[Mapping[str, Any]], by: str, *,
                    row_numbers: Iterable[int] | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Validate rows (a stream is read in batches); add the valid, new ones in one transaction."""
        ...

    def insert_zone(self, zone: Mapping[str, Any], geom: shapely.Geometry) -> None:
        """Write one validated analyst zone (see :mod:`geo.zone_store`)."""
        ...

    def delete_zone(self, zone_id: str) -> None:
        """Soft-delete one analyst zone."""
        ...

    def list_zones(self, include_deleted: bool = False) -> gpd.GeoDataFrame:
        """Analyst zones (:data:`ZONE_COLUMNS`, EPSG:4326)."""
        ...

    def records_for_copy(self) -> RecordDicts:
        """Every record with all stored columns (for :mod:`geo.store_copy`)."""
        ...

    def put_scenario(self, name: str, doc: Mapping[str, Any], by: str, *, saved_at: str | None = None,
                     overwrite: bool = True) -> bool:
        """Save a coverage scenario (GeoJSON of assets) under ``name``; True if written."""
        ...

    def set_user(self, email: str, role: str, by: str) -> bool:
        """Give ``email`` a role (viewer, editor, admin); True when the user is new."""
        ...

    def remove_user(self, email: str) -> None:
        """Take the role away from ``email``."""
        ...

    def list_users(self) -> RecordDicts:
        """Users with their roles (:data:`USER_COLUMNS`), by e-mail address."""
        ...

    def role_of(self, email: str) -> str | None:
        """The role of ``email``, None when it has none."""
        ...

    def get_scenario(self, name: str) -> dict[str, Any]:
        """One saved scenario: ``name, data (dict), saved_at, saved_by``."""
        ...

    def list_scenarios(self) -> RecordDicts:
        """Saved scenarios (``name, data, saved_at, saved_by``), in name order."""
        ...

    def history_entries(self, incident_ids: Sequence[str]) -> RecordDicts:
        """History rows of these records, oldest first."""
        ...

    def known_ids(self) -> set[str]:
        """Ids of every record, deleted ones included."""
        ...

    def insert_copies(self, records: Sequence[Mapping[str, Any]], history: Sequence[Mapping[str, Any]]) -> int:
        """Insert copied records as they are, with their history; skip ids already stored."""
        ...

    def close(self) -> None:
        """Release connections (a no-op for a GeoPackage)."""
        ...


# ------------------------------------------------------------------- the store

def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _empty_frame() -> gpd.GeoDataFrame:
    dtypes = {"text": object, "date": object, "int": "int64", "real": "float64"}
    cols: dict[str, pd.Series] = {}
    for name in STORE_COLUMNS:
        if name in FIELD_TYPES:
            cols[name] = pd.Series([], dtype=dtypes[FIELD_TYPES[name]])
        elif name == "deleted":
            cols[name] = pd.Series([], dtype=bool)
        elif name == "version":
            cols[name] = pd.Series([], dtype="int64")
        else:
            cols[name] = pd.Series([], dtype=object)
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=STORAGE_CRS))


_EXTRA_DDL = f"""
CREATE UNIQUE INDEX IF NOT EXISTS "{LAYER}_id_idx" ON "{LAYER}"(id);
CREATE INDEX IF NOT EXISTS "{LAYER}_dedup_idx" ON "{LAYER}"(dedup_key);
CREATE TABLE IF NOT EXISTS "{HISTORY_TABLE}" (
    hid INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL,
    action TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT,
    undone INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    channel TEXT
);
CREATE INDEX IF NOT EXISTS "{HISTORY_TABLE}_incident_idx" ON "{HISTORY_TABLE}"(incident_id, hid);
CREATE TABLE IF NOT EXISTS "{META_TABLE}" (
    fid INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    value TEXT
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
    VALUES ('{HISTORY_TABLE}', 'attributes', '{HISTORY_TABLE}', 'Every revision of every incident (JSON)');
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
    VALUES ('{META_TABLE}', 'attributes', '{META_TABLE}', 'Border Map store settings');
INSERT OR IGNORE INTO "{META_TABLE}" (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}');
INSERT OR IGNORE INTO "{META_TABLE}" (key, value) VALUES ('revision', '0');
INSERT OR IGNORE INTO "{META_TABLE}" (key, value) VALUES ('store_id', lower(hex(randomblob(16))));
""" + f"""
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
CREATE TABLE IF NOT EXISTS "{SCENARIOS_TABLE}" (
    fid INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
    VALUES ('{SCENARIOS_TABLE}', 'attributes', '{SCENARIOS_TABLE}', 'Patrol coverage scenarios (GeoJSON of assets)');
CREATE TABLE IF NOT EXISTS "{USERS_TABLE}" (
    fid INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
    VALUES ('{USERS_TABLE}', 'attributes', '{USERS_TABLE}', 'Who may use this store through the page, and their role');
"""  # noqa: S608
#: Schema 1 → 2: a version per record (conflict-safe edits), the zone table made with the store.
_MIGRATE_1_2 = f'ALTER TABLE "{LAYER}" ADD COLUMN version INTEGER NOT NULL DEFAULT 1;' + _EXTRA_DDL
#: Schema 2 → 3: the users table (roles), the channel of each history entry, the structured origin
#: (who attributed it, and the country) and the sourced claims (JSON text, see :mod:`geo.claims`),
#: blank on old records.
_MIGRATE_2_3 = _EXTRA_DDL
_SCHEMA_3_COLUMNS = LATER_FIELDS

_INSERT_SQL = (f'INSERT INTO "{LAYER}" (geom, {", ".join(STORE_COLUMNS)}) '  # noqa: S608
               f'VALUES (?, {", ".join("?" * len(STORE_COLUMNS))})')
_HISTORY_SQL = (f'INSERT INTO "{HISTORY_TABLE}" (incident_id, action, at, by, undone, data, channel) '  # noqa: S608
                "VALUES (?, ?, ?, ?, 0, ?, ?)")
_UPDATE_SQL = (f'UPDATE "{LAYER}" SET geom = ?, '  # noqa: S608
               + ", ".join(f"{c} = ?" for c in (*CONTENT_FIELDS, "updated_at", "updated_by", "deleted",
                                                 "version"))
               + " WHERE id = ?")


class IncidentStore:
    """Incident records in a GeoPackage file (layer ``incidents``, EPSG:4326 points).

    Parameters
    ----------
    path : str or Path
        The ``.gpkg`` file. It is created (and seeded) on the first write, or at once
        with ``create=True``.
    seed_path : Path or None
        GeoJSON of seed incidents loaded when the file is created; default
        ``data/seed_incidents.geojson`` (skipped if absent). ``None``: no seeding.
    create : bool
        Create the file now instead of on the first write.
    lock_timeout_s : float
        Seconds a writer waits for another writer to finish.
    channel : str
        How changes arrive (``app``, ``cli``, ``web``), recorded with each history entry.

    Every method opens its own short-lived connection, so one instance may be shared
    by threads and several processes may write the same file.
    """

    def __init__(self, path: str | os.PathLike[str], *,
                 seed_path: Path | None = datasets.DATA_DIR / datasets.SEED_INCIDENTS_FILE,
                 create: bool = False, lock_timeout_s: float = LOCK_TIMEOUT_S, channel: str = "app") -> None:
        self.path = Path(path)
        self.channel = channel
        self.seed_path = seed_path
        if not lock_timeout_s > 0:
            raise InvalidInputError(f"lock_timeout_s must be > 0 s, got {lock_timeout_s!r}")
        self.lock_timeout_s = lock_timeout_s
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"store path {shown(self.path.name)} is a directory; give a .gpkg file name")
        if create:
            self._ensure_created()

    def __repr__(self) -> str:
        return f"IncidentStore({str(self.path)!r})"

    @property
    def location(self) -> str:
        """Where the store lives, for messages (the file path)."""
        return str(self.path)

    def close(self) -> None:
        """Nothing to release: every method opens and closes its own connection."""

    # ---------------------------------------------------------------- plumbing
    @property
    def _what(self) -> str:
        # the file's name only: messages reach the page, where a server path has no place
        return f"the incident store {shown(self.path.name)}"

    def _sqlite_error(self, exc: sqlite3.Error, doing: str) -> BorderMapError:
        """One sentence for an SQLite error: read-only, disk full, locked, or damaged."""
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text:
            return ReadOnlyError(f"{self._what} is read-only (file or folder permissions, or a read-only "
                                 "disk); nothing was changed — copy it to a folder you can write to")
        if "disk is full" in text:
            return DiskFullError(f"{self._what} could not be written: the disk is full; nothing was "
                                 "changed — free some space and try again")
        if "unable to open" in text or "disk i/o error" in text:
            problem = folder_problem(self.path.parent)
            if problem is not None:  # WAL keeps its -wal/-shm files beside the store: reading writes too
                return write_error(problem, f"{self._what} (or its journal beside it)")
            return StoreError(f"{self._what} cannot be opened ({exc})")
        if "locked" in text or "busy" in text:
            return StoreError(f"{self._what} could not be {doing} ({exc}); another program may hold it — "
                              "try again")
        if "decode" in text or "malformed" in text:  # text that is not UTF-8, a damaged page
            return self._damaged(exc)
        if isinstance(exc, sqlite3.OperationalError):
            return StoreError(f"{self._what} could not be {doing} ({exc})")
        return self._damaged(exc)

    def _damaged(self, exc: BaseException) -> StoreError:
        return StoreError(f"{self._what} is damaged or not a Border Map store ({type(exc).__name__}); "
                          "restore it from a backup or choose another store file (--db or BORDERMAP_DB)")

    def _connect(self, path: Path | None = None) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(path or self.path, timeout=self.lock_timeout_s, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._sqlite_error(exc, "opened") from exc
        register_gpkg_functions(conn)
        return conn

    def exists(self) -> bool:
        """True if the store file has been created."""
        return self.path.is_file()

    def _check_schema(self, conn: sqlite3.Connection) -> None:
        try:
            row = conn.execute(f'SELECT value FROM "{META_TABLE}" WHERE key = ?',  # noqa: S608
                               ("schema_version",)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                raise StoreError(f"{self._what} is not a Border Map incident store; choose another "
                                 "store file (--db or BORDERMAP_DB)") from exc
            raise self._sqlite_error(exc, "read") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self._what} is not a Border Map incident store ({exc}); restore it "
                             "from a backup or choose another store file (--db or BORDERMAP_DB)") from exc
        except ValueError as exc:  # text that is not UTF-8
            raise self._damaged(exc) from exc
        try:
            version = int(row[0]) if row is not None else None
        except (TypeError, ValueError) as exc:
            raise self._damaged(exc) from exc
        if version is None or version > SCHEMA_VERSION:
            raise StoreError(f"{self._what} has an unknown store schema version ({shown(row)}); "
                             "a newer Border Map may have written it")
        if version < SCHEMA_VERSION:
            self._migrate(conn)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring an older store to :data:`SCHEMA_VERSION` step by step (one transaction;
        concurrent openers queue): 1 → 2 adds versions and the zone table, 2 → 3 the users
        table, the history's channel, and the structured origin and claims columns (blank on
        the records already there)."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(f'SELECT value FROM "{META_TABLE}" WHERE key = ?',  # noqa: S608
                               ("schema_version",)).fetchone()
            version = int(row[0])
            if version == 1:
                for statement in _MIGRATE_1_2.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            if version < 3:
                for statement in _MIGRATE_2_3.split(";"):  # every statement IF NOT EXISTS
                    if statement.strip():
                        conn.execute(statement)
                have = {r[1] for r in conn.execute(f'PRAGMA table_info("{LAYER}")')}
                for column in _SCHEMA_3_COLUMNS:
                    if column not in have:
                        conn.execute(f'ALTER TABLE "{LAYER}" ADD COLUMN {column} TEXT')
                history_columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{HISTORY_TABLE}")')}
                if "channel" not in history_columns:
                    conn.execute(f'ALTER TABLE "{HISTORY_TABLE}" ADD COLUMN channel TEXT')
            if version < SCHEMA_VERSION:
                conn.execute(f'UPDATE "{META_TABLE}" SET value = ? WHERE key = ?',  # noqa: S608
                             (str(SCHEMA_VERSION), "schema_version"))
                logger.info("store %s upgraded from schema %d to %d", self.path, version, SCHEMA_VERSION)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _ensure_created(self) -> None:
        if self.path.exists():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(exc, self._what) from exc
        problem = folder_problem(self.path.parent)
        if problem is not None:
            raise write_error(problem, self._what)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.gpkg")
        try:
            import pyogrio

            pyogrio.write_dataframe(_empty_frame(), tmp, layer=LAYER, driver="GPKG", geometry_type="Point",
                                    dataset_options={"VERSION": "1.3"})
            conn = self._connect(tmp)
            try:
                conn.executescript(_EXTRA_DDL)
                conn.execute("PRAGMA journal_mode=WAL")
            finally:
                conn.close()
            if self.seed_path is not None and Path(self.seed_path).is_file():
                self._seed(tmp, Path(self.seed_path))
            try:
                os.link(tmp, self.path)  # atomic, never overwrites a store made meanwhile
            except FileExistsError:
                logger.info("store %s was created by another process", self.path)
            except OSError:  # filesystem without hard links
                if not self.path.exists():
                    os.replace(tmp, self.path)
            logger.info("created incident store %s", self.path)
        except BorderMapError:
            raise
        except OSError as exc:
            raise write_error(exc, self._what) from exc
        except sqlite3.Error as exc:
            raise self._sqlite_error(exc, "created") from exc
        except Exception as exc:  # pyogrio's DataSourceError and kin (GDAL could not write the file)
            problem = folder_problem(self.path.parent)
            if problem is not None:
                raise write_error(problem, self._what) from exc
            raise StoreError(f"{self._what} could not be created ({type(exc).__name__})") from exc
        finally:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(str(tmp) + suffix).unlink()

    def _seed(self, tmp: Path, seed: Path) -> None:
        from geo.importers import read_file

        parsed = read_file(seed)
        report = IncidentStore(tmp, seed_path=None).import_rows(parsed.rows, "seed",
                                                                row_numbers=parsed.row_numbers)
        bad = len(report.rejected) + len(parsed.rejected)
        logger.info("seeded %d incidents from %s (%d rejected)", report.imported, seed.name, bad)
        for rej in (*parsed.rejected, *report.rejected):
            logger.warning("seed file %s row %d not loaded: %s", seed.name, rej.row, rej.reason)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._ensure_created()
        conn = self._connect()
        try:
            self._check_schema(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if not conn.in_transaction:  # the body rolled back: nothing to record
                    return
                conn.execute(f'UPDATE "{META_TABLE}" SET value = CAST(value AS INTEGER) + 1 '  # noqa: S608
                             "WHERE key = 'revision'")
                conn.execute("UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", (_now(), LAYER))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise self._sqlite_error(exc, "written") from exc
        except UnicodeDecodeError as exc:
            raise self._damaged(exc) from exc
        finally:
            conn.close()

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection | None]:
        if not self.path.exists():
            yield None
            return
        conn = self._connect()
        try:
            self._check_schema(conn)
            yield conn
        except sqlite3.Error as exc:
            raise self._sqlite_error(exc, "read") from exc
        except BorderMapError:
            raise
        except (ValueError, shapely.errors.GEOSException) as exc:  # undecodable text or geometry
            raise self._damaged(exc) from exc
        finally:
            conn.close()

    @staticmethod
    def _extend_extent(conn: sqlite3.Connection, lons: Sequence[float], lats: Sequence[float]) -> None:
        if not lons:
            return
        conn.execute(
            "UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?1), ?1), "
            "min_y = min(coalesce(min_y, ?2), ?2), max_x = max(coalesce(max_x, ?3), ?3), "
            "max_y = max(coalesce(max_y, ?4), ?4) WHERE table_name = ?5",
            (min(lons), min(lats), max(lons), max(lats), LAYER))

    @staticmethod
    def _row_values(rec: Mapping[str, Any]) -> tuple[Any, ...]:
        return (point_blob(rec["longitude"], rec["latitude"]), *(rec.get(c) for c in STORE_COLUMNS))

    @staticmethod
    def _fetch(conn: sqlite3.Connection, incident_id: str) -> dict[str, Any]:
        cur = conn.execute(f'SELECT {", ".join(STORE_COLUMNS)} FROM "{LAYER}" WHERE id = ?',  # noqa: S608
                           (str(incident_id),))
        row = cur.fetchone()
        if row is None:
            raise IncidentNotFoundError(f"no incident with id {incident_id!r} in the store")
        rec = dict(zip(STORE_COLUMNS, row, strict=True))
        rec["deleted"] = bool(rec["deleted"])
        return rec

    @staticmethod
    def _snapshot(rec: Mapping[str, Any]) -> str:
        """The record as compact JSON (absent fields omitted; ``deleted`` always present)."""
        data = {k: v for k in PUBLIC_COLUMNS if (v := rec.get(k)) is not None}
        data["deleted"] = bool(rec.get("deleted"))
        return json.dumps(data, ensure_ascii=False, allow_nan=False)

    def _apply(self, conn: sqlite3.Connection, incident_id: str, content: Mapping[str, Any],
               deleted: bool, by: str, action: str) -> dict[str, Any]:
        rec = self._fetch(conn, incident_id)
        rec.update({k: content.get(k) for k in CONTENT_FIELDS})
        rec.update(updated_at=_now(), updated_by=by, deleted=deleted, version=int(rec["version"]) + 1)
        conn.execute(_UPDATE_SQL, (point_blob(rec["longitude"], rec["latitude"]),
                                   *(rec[c] for c in CONTENT_FIELDS), rec["updated_at"], rec["updated_by"],
                                   int(deleted), rec["version"], incident_id))
        conn.execute(_HISTORY_SQL, (incident_id, action, rec["updated_at"], by, self._snapshot(rec), self.channel))
        self._extend_extent(conn, [rec["longitude"]], [rec["latitude"]])
        return rec

    # ---------------------------------------------------------------- API
    @property
    def revision(self) -> int:
        """Count of committed writes (0 before the file exists); use it to key caches."""
        with self._read() as conn:
            if conn is None:
                return 0
            row = conn.execute(f'SELECT value FROM "{META_TABLE}" WHERE key = ?',  # noqa: S608
                               ("revision",)).fetchone()
            return int(row[0]) if row else 0

    def identity(self) -> tuple[int, int, str] | None:
        """``(st_dev, st_ino, store_id)`` of the file, None while it does not exist.

        A file replaced (moved over, copied over from another store) or deleted and made
        again gets another identity; writes keep it (they change :attr:`revision`). The
        ``store_id`` is a random id written when the store is created ("" in older stores).
        """
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise write_error(exc, self._what, "read") from exc
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute(f'SELECT value FROM "{META_TABLE}" WHERE key = ?',  # noqa: S608
                               ("store_id",)).fetchone()
        return st.st_dev, st.st_ino, str(row[0]) if row else ""

    def add(self, fields: Mapping[str, Any], by: str) -> str:
        """Validate ``fields`` (see :func:`geo.incidents.validate_incident`) and add the record.

        Returns the new record's id (a UUID string).
        """
        rec = validate_incident(fields)
        by = _who(by)
        now = _now()
        new_id = str(uuid.uuid4())
        rec.update(id=new_id, created_at=now, updated_at=now, created_by=by, updated_by=by, deleted=0,
                   version=1, dedup_key=dedup_key(rec))
        with self._write() as conn:
            conn.execute(_INSERT_SQL, self._row_values(rec))
            conn.execute(_HISTORY_SQL, (new_id, "add", now, by, self._snapshot(rec), self.channel))
            self._extend_extent(conn, [rec["longitude"]], [rec["latitude"]])
        logger.info("added incident %s", new_id)
        return new_id

    def update(self, incident_id: str, changes: Mapping[str, Any], by: str, *,
               expected_version: int | None = None) -> int:
        """Change fields of a live record; the result is validated as a whole.

        ``expected_version`` is the ``version`` the editor saw (from :meth:`get` or
        :meth:`list`); when the record has changed since, nothing is written and
        :class:`EditConflictError` says who changed it, when, and both values. ``None``
        overwrites whatever is stored (a deliberate overwrite). Returns the record's version
        after the edit (unchanged when the edit changed nothing: no revision then).

        Raises :class:`IncidentNotFoundError` for an unknown id and :class:`StoreError`
        for a deleted record (undo the deletion first).
        """
        check_editable_fields(changes)
        by = _who(by)
        with self._write() as conn:
            current = self._fetch(conn, incident_id)
            check_version(current, expected_version, edited_values(current, changes))
            if current["deleted"]:
                raise StoreError(f"incident {incident_id!r} is deleted; undo the deletion before editing it")
            rec = merge_changes(current, changes)
            if rec is None:
                conn.execute("ROLLBACK")  # nothing changed: no revision
                return int(current["version"])
            return int(self._apply(conn, incident_id, rec, False, by, "update")["version"])

    def delete(self, incident_id: str, by: str, *, expected_version: int | None = None) -> int:
        """Soft-delete a record: it disappears from :meth:`list` but stays in the file and history.

        ``expected_version`` as in :meth:`update`. Returns the new version."""
        by = _who(by)
        with self._write() as conn:
            current = self._fetch(conn, incident_id)
            check_version(current, expected_version, {"deleted": True})
            if current["deleted"]:
                raise StoreError(f"incident {incident_id!r} is already deleted")
            return int(self._apply(conn, incident_id, current, True, by, "delete")["version"])

    def undo(self, incident_id: str, by: str, *, expected_version: int | None = None) -> int:
        """Revert the last change to one record (repeatable, back to its creation).

        Undoing the creation (add or import) soft-deletes the record. ``expected_version``
        as in :meth:`update`. Raises :class:`StoreError` when there is nothing left to undo.
        Returns the new version.
        """
        by = _who(by)
        with self._write() as conn:
            current = self._fetch(conn, incident_id)
            check_version(current, expected_version, {})
            rows = conn.execute(
                f'SELECT hid, data FROM "{HISTORY_TABLE}" WHERE incident_id = ? AND undone = 0 '  # noqa: S608
                "AND action != 'undo' ORDER BY hid", (incident_id,)).fetchall()
            last_hid, state, deleted = undo_target(incident_id, [(h, json.loads(d)) for h, d in rows])
            conn.execute(f'UPDATE "{HISTORY_TABLE}" SET undone = 1 WHERE hid = ?', (last_hid,))  # noqa: S608
            return int(self._apply(conn, incident_id, state, deleted, by, "undo")["version"])

    def history(self, incident_id: str) -> list[dict[str, Any]]:
        """Every revision of one record, oldest first.

        Each item: ``{"revision": int, "action": "add"|"import"|"update"|"delete"|"undo",
        "at": ISO UTC, "by": str, "undone": bool, "channel": str | None, "record": dict}``:
        ``channel`` is how the change came (``web`` the page, ``cli``, ``app`` the Python API;
        None for entries written before schema 3, ``copy`` for copied ones).
        """
        with self._read() as conn:
            if conn is None:
                raise IncidentNotFoundError(f"no incident with id {incident_id!r} (the store is empty)")
            rows = conn.execute(
                f'SELECT hid, action, at, by, undone, data, channel FROM "{HISTORY_TABLE}" '  # noqa: S608
                "WHERE incident_id = ? ORDER BY hid", (str(incident_id),)).fetchall()
        if not rows:
            raise IncidentNotFoundError(f"no incident with id {incident_id!r} in the store")
        return [{"revision": h, "action": a, "at": at, "by": b, "undone": bool(u), "channel": c,
                 "record": {**dict.fromkeys(PUBLIC_COLUMNS), **json.loads(d)}} for h, a, at, b, u, d, c in rows]

    def get(self, incident_id: str) -> dict[str, Any]:
        """One record (deleted or not): content and bookkeeping fields."""
        with self._read() as conn:
            if conn is None:
                raise IncidentNotFoundError(f"no incident with id {incident_id!r} (the store is empty)")
            rec = self._fetch(conn, incident_id)
        rec.pop("dedup_key", None)
        return rec

    def list(self, include_deleted: bool = False) -> gpd.GeoDataFrame:
        """Records as a GeoDataFrame of points in EPSG:4326, in insertion order.

        Columns: :data:`PUBLIC_COLUMNS` and ``geometry`` (read from the stored point, so a
        point moved in QGIS shows where it was moved to; ``latitude``/``longitude``
        follow the geometry). Integer fields are pandas ``Int64`` (nullable).
        """
        with self._read() as conn:
            if conn is None:
                return self._unwritten_seeds(include_deleted)
            where = "" if include_deleted else " WHERE deleted = 0"
            cur = conn.execute(f'SELECT geom, {", ".join(PUBLIC_COLUMNS)} FROM "{LAYER}"{where} '  # noqa: S608
                               "ORDER BY fid")
            rows = cur.fetchall()
            df = pd.DataFrame.from_records([r[1:] for r in rows], columns=list(PUBLIC_COLUMNS))
            return _frame(df, [r[0] for r in rows])  # inside: a damaged blob is reported as such

    def change_cursor(self) -> int:
        """The id of the newest history entry (0 while there is none): a position in the
        store's log of writes, to pass to :meth:`changed_since` later."""
        with self._read() as conn:
            if conn is None:
                return 0
            row = conn.execute(f'SELECT MAX(hid) FROM "{HISTORY_TABLE}"').fetchone()  # noqa: S608
            return int(row[0] or 0)

    def changed_since(self, cursor: int) -> gpd.GeoDataFrame:
        """Records (deleted ones included) written after history entry ``cursor``.

        Every write (add, import, update, delete, undo) logs one history entry per record,
        so with :meth:`change_cursor` and :meth:`count_live` a caller refreshes a cached
        :meth:`list` by reading only what changed — exactly, however close in time the
        writes were. Read the cursor *before* the list it stands for: a write in between is
        then read twice, never missed.
        """
        with self._read() as conn:
            if conn is None:
                return self._unwritten_seeds(include_deleted=True)
            rows = conn.execute(
                f'SELECT geom, {", ".join(PUBLIC_COLUMNS)} FROM "{LAYER}" WHERE id IN '  # noqa: S608
                f'(SELECT incident_id FROM "{HISTORY_TABLE}" WHERE hid > ?) ORDER BY fid', (int(cursor),)
            ).fetchall()
            df = pd.DataFrame.from_records([r[1:] for r in rows], columns=list(PUBLIC_COLUMNS))
            return _frame(df, [r[0] for r in rows])

    def count_live(self) -> int:
        """Number of live (not deleted) records."""
        with self._read() as conn:
            if conn is None:
                return len(self._unwritten_seeds(include_deleted=False))
            return int(conn.execute(f'SELECT COUNT(*) FROM "{LAYER}" WHERE deleted = 0').fetchone()[0])  # noqa: S608

    # ------------------------------------------------------------ analyst zones
    def insert_zone(self, zone: Mapping[str, Any], geom: shapely.Geometry) -> None:
        """Write one already validated zone (fields :data:`ZONE_COLUMNS`, EPSG:4326 polygon);
        an id already stored is left as it is. :class:`geo.zone_store.ZoneStore` validates."""
        with self._write() as conn:
            conn.execute(
                f'INSERT OR IGNORE INTO "{ZONES_TABLE}" (geom, {", ".join(ZONE_COLUMNS)}) '  # noqa: S608
                f'VALUES (?, {", ".join("?" * len(ZONE_COLUMNS))})',
                (geometry_blob(geom), *(_zone_value(zone, c) for c in ZONE_COLUMNS)))

    def delete_zone(self, zone_id: str) -> None:
        """Soft-delete one zone (it stays in the file, flagged)."""
        with self._write() as conn:
            cur = conn.execute(f'UPDATE "{ZONES_TABLE}" SET deleted = 1 WHERE id = ? AND deleted = 0',  # noqa: S608
                               (str(zone_id),))
            if cur.rowcount == 0:
                raise InvalidInputError(f"no zone with id {zone_id!r}")

    def list_zones(self, include_deleted: bool = False) -> gpd.GeoDataFrame:
        """Zones as a GeoDataFrame (:data:`ZONE_COLUMNS`, EPSG:4326), oldest first."""
        with self._read() as conn:
            rows = [] if conn is None else conn.execute(
                f'SELECT geom, {", ".join(ZONE_COLUMNS)} FROM "{ZONES_TABLE}"'  # noqa: S608
                + ("" if include_deleted else " WHERE deleted = 0") + " ORDER BY fid").fetchall()
        return zone_frame([r[1:] for r in rows], [geometry_from_blob(r[0]) for r in rows])

    # ------------------------------------------------------------ users and roles
    def set_user(self, email: str, role: str, by: str) -> bool:
        """Give ``email`` the ``role`` (see :mod:`geo.permissions`); True when it was new."""
        email, role, by = normalise_email(email), check_role(role), _who(by)
        with self._write() as conn:
            known = conn.execute(f'SELECT 1 FROM "{USERS_TABLE}" WHERE email = ?', (email,)).fetchone()  # noqa: S608
            conn.execute(f'INSERT INTO "{USERS_TABLE}" (email, role, added_at, added_by) VALUES (?, ?, ?, ?) '  # noqa: S608
                         "ON CONFLICT (email) DO UPDATE SET role = excluded.role, added_at = excluded.added_at, "
                         "added_by = excluded.added_by", (email, role, _now(), by))
        return known is None

    def remove_user(self, email: str) -> None:
        """Take every role away from ``email`` (its records stay as they are)."""
        email = normalise_email(email)
        with self._write() as conn:
            if conn.execute(f'DELETE FROM "{USERS_TABLE}" WHERE email = ?', (email,)).rowcount == 0:  # noqa: S608
                raise InvalidInputError(f"{email} is not a user of this store")

    def list_users(self) -> RecordDicts:
        """The users (:data:`USER_COLUMNS`), by e-mail address."""
        with self._read() as conn:
            rows = [] if conn is None else conn.execute(
                f'SELECT {", ".join(USER_COLUMNS)} FROM "{USERS_TABLE}" ORDER BY email').fetchall()  # noqa: S608
        return [dict(zip(USER_COLUMNS, r, strict=True)) for r in rows]

    def role_of(self, email: str) -> str | None:
        """The role of ``email`` (any case), None when it has none."""
        try:
            email = normalise_email(email)
        except InvalidInputError:
            return None
        with self._read() as conn:
            row = None if conn is None else conn.execute(
                f'SELECT role FROM "{USERS_TABLE}" WHERE email = ?', (email,)).fetchone()  # noqa: S608
        return None if row is None else str(row[0])

    # ------------------------------------------------------------ coverage scenarios
    def put_scenario(self, name: str, doc: Mapping[str, Any], by: str, *, saved_at: str | None = None,
                     overwrite: bool = True) -> bool:
        """Save a coverage scenario (GeoJSON of its assets) under ``name``, replacing one of the
        same name unless ``overwrite`` is false. Returns True if it was written."""
        data = json.dumps(dict(doc), ensure_ascii=False, allow_nan=False)
        verb = "INSERT OR REPLACE" if overwrite else "INSERT OR IGNORE"
        with self._write() as conn:
            cur = conn.execute(f'{verb} INTO "{SCENARIOS_TABLE}" (name, data, saved_at, saved_by) '
                               "VALUES (?, ?, ?, ?)", (str(name), data, saved_at or _now(), _who(by)))
            return cur.rowcount > 0

    def get_scenario(self, name: str) -> dict[str, Any]:
        """One saved scenario: ``name, data (dict), saved_at, saved_by``."""
        found = [s for s in self.list_scenarios() if s["name"] == name]
        if not found:
            raise InvalidInputError(f"no saved scenario named {name!r}")
        return found[0]

    def list_scenarios(self) -> RecordDicts:
        """Saved scenarios (``name, data, saved_at, saved_by``), in name order."""
        with self._read() as conn:
            rows = [] if conn is None else conn.execute(
                f'SELECT name, data, saved_at, saved_by FROM "{SCENARIOS_TABLE}" ORDER BY name').fetchall()  # noqa: S608
        return [{"name": n, "data": json.loads(d), "saved_at": at, "saved_by": b} for n, d, at, b in rows]

    # ------------------------------------------------------------ copying
    def history_entries(self, incident_ids: Sequence[str]) -> RecordDicts:
        """History rows of these records, oldest first: ``incident_id, action, at, by,
        undone, data`` (``data``: the record as a dict) — what :mod:`geo.store_copy` moves."""
        out: RecordDicts = []
        with self._read() as conn:
            if conn is None:
                return out
            for start in range(0, len(incident_ids), 500):
                part = list(incident_ids[start:start + 500])
                rows = conn.execute(
                    f'SELECT incident_id, action, at, by, undone, data FROM "{HISTORY_TABLE}" '  # noqa: S608
                    f'WHERE incident_id IN ({", ".join("?" * len(part))}) ORDER BY hid', part).fetchall()
                out += [{"incident_id": i, "action": a, "at": at, "by": b, "undone": bool(u),
                         "data": json.loads(d)} for i, a, at, b, u, d in rows]
        return out

    def records_for_copy(self) -> RecordDicts:
        """Every record (deleted ones too) with all stored columns (:data:`STORE_COLUMNS`),
        oldest first; ``latitude``/``longitude`` follow the stored point."""
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute(f'SELECT geom, {", ".join(STORE_COLUMNS)} FROM "{LAYER}" '  # noqa: S608
                                "ORDER BY fid").fetchall()
        out = []
        for row in rows:
            rec = dict(zip(STORE_COLUMNS, row[1:], strict=True))
            bounds = _bounds(row[0])
            if bounds is not None:
                rec["longitude"], rec["latitude"] = bounds[0], bounds[1]
            rec["deleted"] = bool(rec["deleted"])
            out.append(rec)
        return out

    def known_ids(self) -> set[str]:
        """Ids of every record, deleted ones included."""
        with self._read() as conn:
            if conn is None:
                return set()
            return {r[0] for r in conn.execute(f'SELECT id FROM "{LAYER}"')}  # noqa: S608

    def insert_copies(self, records: Sequence[Mapping[str, Any]], history: Sequence[Mapping[str, Any]]) -> int:
        """Insert records copied from another store as they are (id, version, bookkeeping,
        deleted flag kept) with their history, in one transaction; ids already here are
        skipped. Returns how many records were inserted."""
        with self._write() as conn:
            known = _existing(conn, "id", [str(r["id"]) for r in records])
            fresh = [r for r in records if str(r["id"]) not in known]
            ids = {str(r["id"]) for r in fresh}
            conn.executemany(_INSERT_SQL, [(point_blob(r["longitude"], r["latitude"]),
                                            *(_copy_value(r, c) for c in STORE_COLUMNS)) for r in fresh])
            conn.executemany(
                f'INSERT INTO "{HISTORY_TABLE}" (incident_id, action, at, by, undone, data, channel) '  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, ?, 'copy')",
                [(h["incident_id"], h["action"], h["at"], h["by"], int(bool(h["undone"])),
                  json.dumps(h["data"], ensure_ascii=False, default=str)) for h in history
                 if h["incident_id"] in ids])
            self._extend_extent(conn, [r["longitude"] for r in fresh], [r["latitude"] for r in fresh])
        return len(fresh)

    def _unwritten_seeds(self, include_deleted: bool) -> gpd.GeoDataFrame:
        """What a store not yet created holds: the seed incidents it will be created with."""
        if self.seed_path is None or not Path(self.seed_path).is_file():
            return _frame(pd.DataFrame({c: [] for c in PUBLIC_COLUMNS}), [])
        with tempfile.TemporaryDirectory() as tmp:
            preview = IncidentStore(Path(tmp) / "seeds.gpkg", seed_path=self.seed_path, create=True)
            return preview.list(include_deleted)

    def import_rows(self, rows: Iterable[Mapping[str, Any]], by: str, *,
                    row_numbers: Iterable[int] | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Validate rows and add every valid, new one in a single transaction.

        ``rows`` may be a stream (any iterable, e.g. a generator over a file of any size):
        it is read, validated and written :data:`IMPORT_CHUNK` rows at a time, so memory
        stays bounded; the transaction still commits only at the end, so a failure (or a
        kill) part-way leaves the store as it was.

        Parameters
        ----------
        rows : iterable of mapping
            Field name → value (see :data:`geo.incidents.CONTENT_FIELDS`); an ``id`` that
            is a UUID is kept if the store does not have it yet; other bookkeeping
            fields are ignored.
        by : str
            Who imports (recorded as creator).
        row_numbers : iterable of int, optional
            The source row number of each row, in step with ``rows``, for rejection
            messages (default 1, 2, …).
        on_progress : callable, optional
            Called as ``on_progress(done, total)`` after each batch is written: input rows
            read so far and their total (0 when ``rows`` is a stream of unknown length).

        Returns
        -------
        ImportReport
            Duplicates (same ACLED ``event_id_cnty``, same content, or same ``id`` as a
            record already in the store or earlier in the file) are skipped, not rejected.
        """
        by = _who(by)
        total = len(rows) if isinstance(rows, Sized) else 0
        batches = validated_batches(rows, row_numbers)
        rejected: list[Rejection] = []
        ids: list[str] = []
        duplicates = 0
        batch_in = next_valid_batch(batches, rejected)
        if batch_in is not None:
            with self._write() as conn:
                # 256 MB page cache: a large import must not spill pages to the WAL mid-way
                conn.execute("PRAGMA cache_size = -262144")
                per_row_triggers = _suspend_per_row_triggers(conn)
                first_fid = conn.execute(f'SELECT coalesce(max(fid), 0) FROM "{LAYER}"').fetchone()[0]  # noqa: S608
                now = _now()
                lon_at, lat_at = 1 + STORE_COLUMNS.index("longitude"), 1 + STORE_COLUMNS.index("latitude")
                while batch_in is not None:
                    chunk, read = batch_in
                    known_keys = _existing(conn, "dedup_key", [r["dedup_key"] for r in chunk])
                    known_ids = _existing(conn, "id", [r["id"] for r in chunk if r["id"]])
                    batch, history = [], []
                    # earlier batches are in the table already (same transaction): the query sees them
                    fresh, skipped = select_new(chunk, known_keys, known_ids)
                    duplicates += skipped
                    for rec in fresh:
                        rec.update(created_at=now, updated_at=now, created_by=by, updated_by=by, deleted=0,
                                   version=1)
                        batch.append(self._row_values(rec))
                        history.append((rec["id"], "import", now, by, self._snapshot(rec), self.channel))
                        ids.append(rec["id"])
                    conn.executemany(_INSERT_SQL, batch)
                    conn.executemany(_HISTORY_SQL, history)
                    self._extend_extent(conn, [b[lon_at] for b in batch], [b[lat_at] for b in batch])
                    if on_progress is not None:
                        on_progress(read, total)
                    batch_in = next_valid_batch(batches, rejected)
                _index_new_rows(conn, first_fid, per_row_triggers)
        logger.info("import: %d added, %d duplicates, %d rejected", len(ids), duplicates, len(rejected))
        return ImportReport(imported=len(ids), duplicates=duplicates, rejected=tuple(rejected),
                            ids=tuple(ids))


#: GDAL's per-row triggers on the incidents layer that a bulk import replaces by one statement each.
_RTREE = f"rtree_{LAYER}_geom"
_BULK_TRIGGERS = (f"{_RTREE}_insert", f"trigger_insert_feature_count_{LAYER}")


def _suspend_per_row_triggers(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Drop the R-tree and feature-count insert triggers inside the open transaction (as GDAL
    does for bulk loads); :func:`_index_new_rows` restores them before the commit, and a
    rollback restores them too. Returns (name, SQL) of each dropped trigger."""
    found = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
                         _BULK_TRIGGERS).fetchall()
    for name, _ in found:
        conn.execute(f'DROP TRIGGER "{name}"')
    return [(str(n), str(q)) for n, q in found]


def _index_new_rows(conn: sqlite3.Connection, first_fid: int, triggers: Sequence[tuple[str, str]]) -> None:
    """Do in bulk what the suspended triggers would have done row by row for rows after
    ``first_fid`` (points: the R-tree box is the point itself), then recreate the triggers."""
    names = {name for name, _ in triggers}
    if _BULK_TRIGGERS[0] in names:
        conn.execute(f'INSERT OR REPLACE INTO "{_RTREE}" SELECT fid, longitude, longitude, latitude, latitude '  # noqa: S608
                     f'FROM "{LAYER}" WHERE fid > ? AND geom IS NOT NULL', (first_fid,))
    if _BULK_TRIGGERS[1] in names:
        conn.execute(f'UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM "{LAYER}") '  # noqa: S608
                     "WHERE lower(table_name) = lower(?)", (LAYER,))
    for _, sql in triggers:
        conn.execute(sql)


def validated_batches(rows: Iterable[Mapping[str, Any]], row_numbers: Iterable[int] | None,
                      size: int | None = None) -> Iterator[tuple[RecordDicts, list[Rejection], int]]:
    """Validate a (possibly streamed) sequence of import rows ``size`` input rows at a time
    (default :data:`IMPORT_CHUNK`): per batch the valid records (see :func:`validate_rows`),
    the rejections and how many input rows were read so far. Rows are pulled lazily."""
    size = size or IMPORT_CHUNK
    if isinstance(rows, Sized) and isinstance(row_numbers, Sized) and len(row_numbers) != len(rows):
        raise InvalidInputError(f"row_numbers has {len(row_numbers)} items for {len(rows)} rows")
    numbers: Iterable[int] = row_numbers if row_numbers is not None else itertools.count(1)
    pairs = zip(numbers, rows, strict=row_numbers is not None)
    read = 0
    while True:
        try:
            part = list(itertools.islice(pairs, size))
        except ValueError:  # zip(strict=True): the two ran out at different rows
            raise InvalidInputError("row_numbers and rows have different lengths") from None
        if not part:
            return
        read += len(part)
        valid, rejected = _validate_pairs(part)
        yield valid, rejected, read


def next_valid_batch(batches: Iterator[tuple[RecordDicts, list[Rejection], int]], rejected: list[Rejection]
                     ) -> tuple[RecordDicts, int] | None:
    """The next batch of :func:`validated_batches` holding a valid record, with the count of
    input rows read (``None``: no more); rejections met on the way are added to ``rejected``."""
    for valid, bad, read in batches:
        rejected.extend(bad)
        if valid:
            return valid, read
    return None


def validate_rows(rows: Iterable[Mapping[str, Any]], row_numbers: Sequence[int] | None
                  ) -> tuple[RecordDicts, list[Rejection]]:
    """Validate import rows: the valid records (with ``dedup_key`` and a kept UUID ``id`` or
    ``None``) and the rejections (source row number, reason). Store-set fields are ignored."""
    rows = list(rows)
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    if len(numbers) != len(rows):
        raise InvalidInputError(f"row_numbers has {len(numbers)} items for {len(rows)} rows")
    return _validate_pairs(zip(numbers, rows, strict=True))


def _validate_pairs(pairs: Iterable[tuple[int, Mapping[str, Any]]]) -> tuple[RecordDicts, list[Rejection]]:
    rejected: list[Rejection] = []
    valid: RecordDicts = []
    for num, row in pairs:
        content = {k: v for k, v in row.items() if k not in STORE_ONLY_FIELDS}
        try:
            rec = validate_incident(content)
        except InvalidInputError as exc:
            rejected.append(Rejection(num, str(exc)))
            continue
        rec["dedup_key"] = dedup_key(rec)
        rec["id"] = _uuid_or_none(row.get("id"))
        valid.append(rec)
    return valid, rejected


def select_new(chunk: Sequence[dict[str, Any]], known_keys: set[str], known_ids: set[str]
               ) -> tuple[RecordDicts, int]:
    """The records of ``chunk`` that are new (dedup key and id neither known nor repeated in
    the chunk), each given its id, and how many were duplicates. A record without an id
    gets one derived from its content, so the same row (e.g. a seed incident) gets the same
    id in every store it is imported into."""
    keys, ids = set(known_keys), set(known_ids)
    fresh: RecordDicts = []
    for rec in chunk:
        if rec["dedup_key"] in keys or (rec["id"] and rec["id"] in ids):
            continue
        keys.add(rec["dedup_key"])
        rec["id"] = rec["id"] or str(uuid.uuid5(_IMPORT_ID_NAMESPACE, rec["dedup_key"]))
        ids.add(rec["id"])
        fresh.append(rec)
    return fresh, len(chunk) - len(fresh)


def check_editable_fields(changes: Mapping[str, Any]) -> None:
    """Refuse an edit of a field only the store sets (id, version, bookkeeping)."""
    bad = [k for k in changes if k in STORE_ONLY_FIELDS]
    if bad:
        raise InvalidInputError(f"field {bad[0]!r} is set by the store and cannot be changed")


def check_version(current: Mapping[str, Any], expected: int | None, yours: Mapping[str, Any]) -> None:
    """Raise :class:`EditConflictError` when ``current`` is no longer at version ``expected``.

    ``yours``: the values the refused edit wanted (shown beside the stored ones)."""
    if expected is None:
        return
    try:
        wanted = int(expected)
    except (TypeError, ValueError):
        raise InvalidInputError(f"expected version must be a whole number, got {expected!r}") from None
    if int(current["version"]) == wanted:
        return
    theirs_keys = list(yours) or ["deleted"]
    raise EditConflictError(str(current["id"]), wanted, int(current["version"]), str(current["updated_by"]),
                            str(current["updated_at"]), dict(yours),
                            {k: current.get(k) for k in theirs_keys})


def edited_values(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The values an edit sets, as the store would keep them (``"4"`` → ``4``), for a conflict
    message; the raw values when the edit is not valid anyway."""
    try:
        rec = validate_incident({**{k: current[k] for k in CONTENT_FIELDS}, **changes})
    except InvalidInputError:
        return dict(changes)
    return {k: rec.get(k, v) for k, v in changes.items()}


def merge_changes(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any] | None:
    """The validated content of ``current`` with ``changes`` applied; ``None`` if nothing changes.

    Changing the event type clears a sub-event type not given with it; changing the
    fatalities clears ``fatalities_best`` likewise. Fields the record's claims set are derived
    again from them (:mod:`geo.claims`); a typed value that differs is refused."""
    merged = {k: current[k] for k in CONTENT_FIELDS}
    if "event_type" in changes and "sub_event_type" not in changes:
        merged["sub_event_type"] = None
    if "fatalities" in changes and "fatalities_best" not in changes:
        merged["fatalities_best"] = None
    merged.update(changes)
    from geo.claims import governed_fields, parse_claims

    for name in governed_fields(parse_claims(merged.get("claims"))):
        if name not in changes:  # derived again from the claims; only a typed value is checked
            merged[name] = None
    rec = validate_incident(merged)
    if all(rec[k] == current[k] for k in CONTENT_FIELDS):
        return None
    return rec


def undo_target(incident_id: str, entries: Sequence[tuple[int, dict[str, Any]]]
                ) -> tuple[int, dict[str, Any], bool]:
    """What undo restores, from the record's history entries not undone (oldest first, undos
    left out): ``(entry to mark undone, state to restore, deleted)``. Undoing the creation
    soft-deletes the record."""
    if not entries:
        raise StoreError(f"nothing left to undo for incident {incident_id!r}")
    last_hid, last_data = entries[-1]
    if len(entries) >= 2:
        state = entries[-2][1]
        return last_hid, state, bool(state.get("deleted"))
    return last_hid, last_data, True


def _zone_value(zone: Mapping[str, Any], column: str) -> Any:
    value = zone.get(column)
    if column == "deleted":
        return int(bool(value))
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _copy_value(rec: Mapping[str, Any], column: str) -> Any:
    value = rec.get(column)
    if column == "deleted":
        return int(bool(value))
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def zone_frame(rows: Sequence[Sequence[Any]], geoms: Sequence[shapely.Geometry]) -> gpd.GeoDataFrame:
    """Zone rows (:data:`ZONE_COLUMNS` order) and their geometries as a GeoDataFrame (EPSG:4326)."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(ZONE_COLUMNS))
    frame["deleted"] = frame["deleted"].astype(bool)
    frame["area_km2"] = frame["area_km2"].astype("float64")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(list(geoms), index=frame.index, crs=STORAGE_CRS))


def _existing(conn: sqlite3.Connection, column: str, values: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        part = values[start:start + 500]
        q = f'SELECT {column} FROM "{LAYER}" WHERE {column} IN ({", ".join("?" * len(part))})'  # noqa: S608
        found.update(r[0] for r in conn.execute(q, part))
    return found


_IMPORT_ID_NAMESPACE = uuid.UUID("5b0e4c1e-0d6c-4f3e-9a43-6f1b2c1d7e10")


def _uuid_or_none(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def _who(by: str) -> str:
    text = " ".join(str(by or "").split())[:100]
    if not text:
        raise InvalidInputError("'by' (who makes the change) must be a non-empty name")
    return text


def _frame(df: pd.DataFrame, blobs: Sequence[bytes | None]) -> gpd.GeoDataFrame:
    return records_frame(df, [_wkb(b) if b is not None else None for b in blobs])


def records_frame(df: pd.DataFrame, wkbs: Sequence[bytes | None]) -> gpd.GeoDataFrame:
    """Stored rows (:data:`PUBLIC_COLUMNS`) and their points as WKB → the frame :meth:`list`
    returns (nullable ints, ``latitude``/``longitude`` from the points, EPSG:4326)."""
    arr = np.array(list(wkbs), dtype=object)
    geoms = shapely.from_wkb(arr) if len(arr) else np.array([], dtype=object)
    for col in _INT_COLUMNS:
        df[col] = pd.array(df[col], dtype="Int64") if len(df) else pd.array([], dtype="Int64")
    for col in ("latitude", "longitude", "precision_km"):
        df[col] = df[col].astype("float64")
    df["deleted"] = df["deleted"].astype(bool)
    df["version"] = df["version"].astype("int64")
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index, crs=STORAGE_CRS))
    if len(gdf):
        gdf["longitude"] = shapely.get_x(gdf.geometry.values)
        gdf["latitude"] = shapely.get_y(gdf.geometry.values)
    return gdf


def is_postgres_url(text: str) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) connection URL."""
    return text.strip().lower().startswith(("postgresql://", "postgres://"))


def open_store(target: str | os.PathLike[str] | None = None, **kwargs: Any) -> IncidentStoreProtocol:
    """Open the store named by a GeoPackage path or a ``postgresql://USER@HOST:PORT/DB`` URL.

    ``None`` or ``""`` resolves through ``$BORDERMAP_DB``, then the user data dir (see
    :func:`default_db_path`). Keyword arguments go to the backend (``seed_path``,
    ``create``…). libpq's ``~/.pgpass`` and ``PGSERVICE`` apply to a URL.
    """
    text = store_target(target)
    if is_postgres_url(text):
        from geo.store_pg import PostgisStore

        return PostgisStore(text, **kwargs)
    return IncidentStore(text, **kwargs)
