"""The incident store in PostgreSQL/PostGIS, for a team: the same interface as the GeoPackage store.

Opened by :func:`geo.store.open_store` with ``postgresql://USER@HOST:PORT/DB`` (libpq's
``~/.pgpass`` and ``PGSERVICE`` apply). psycopg 3 with a connection pool, plain SQL.
History, soft delete, versions and the revision counter are kept by triggers in the
database (:mod:`geo.store_pg_schema`), so an edit made in QGIS or psql is recorded too,
under its database user. Points are ``geometry(Point, 4326)`` with a GiST index; QGIS opens
``incidents`` and ``analyst_zones`` as layers.

Every write runs in one transaction; an edit locks its record (``SELECT … FOR UPDATE``)
before comparing versions, so two editors never overwrite each other silently.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import psycopg
import shapely
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from geo import datasets
from geo.errors import IncidentNotFoundError, InvalidInputError, StoreError
from geo.incidents import CONTENT_FIELDS, ImportReport, Rejection
from geo.permissions import check_role, normalise_email
from geo.store import (
    LOCK_TIMEOUT_S,
    PUBLIC_COLUMNS,
    STORE_COLUMNS,
    USER_COLUMNS,
    ZONE_COLUMNS,
    RecordDicts,
    _who,
    check_editable_fields,
    check_version,
    edited_values,
    merge_changes,
    next_valid_batch,
    records_frame,
    select_new,
    undo_target,
    validated_batches,
    zone_frame,
)
from geo.store_pg_schema import SCHEMA_SQL, SCHEMA_VERSION

logger = logging.getLogger(__name__)

#: Connections one store object keeps at most (threads of one page process, or one CLI run).
POOL_MAX = 8
_COLS = ", ".join(STORE_COLUMNS)
_PUBLIC = ", ".join(PUBLIC_COLUMNS)
#: The transaction settings the history triggers read (who, what, how) and the lock timeout.
_SETTINGS = ("set_config('bordermap.user', %s, true), set_config('bordermap.action', %s, true), "
             "set_config('bordermap.channel', %s, true), set_config('lock_timeout', %s, true)")
#: An add as one statement: the settings, then the row (the triggers see the settings).
_ADD_SQL = (f"WITH s AS (SELECT {_SETTINGS}) INSERT INTO incidents (id, {', '.join(CONTENT_FIELDS)}, dedup_key) "  # noqa: S608
            f"SELECT %s, {', '.join(['%s'] * len(CONTENT_FIELDS))}, %s FROM s")


def safe_url(url: str) -> str:
    """The connection URL without a password, for messages and logs."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', '')}{port}/{parts.get('dbname', '')}"


class PostgisStore:
    """Incident records, their history and analyst zones in a PostGIS database.

    Parameters
    ----------
    url : str
        ``postgresql://USER@HOST:PORT/DB``. The tables are created on first use (the
        ``postgis`` extension must exist or the user be allowed to create it).
    seed_path : Path or None
        Seed incidents imported when the tables are created (as in the GeoPackage store).
    create : bool
        Accepted for the GeoPackage store's signature; the tables are always created at once.
    lock_timeout_s : float
        Seconds to wait for a pooled connection or a locked record.
    channel : str
        Recorded with each history entry (``app``, ``cli``…; edits made in SQL show ``sql``).
    """

    def __init__(self, url: str, *, seed_path: Path | None = datasets.DATA_DIR / datasets.SEED_INCIDENTS_FILE,
                 create: bool = True, lock_timeout_s: float = LOCK_TIMEOUT_S, channel: str = "app",
                 pool_max: int = POOL_MAX) -> None:
        if not lock_timeout_s > 0:
            raise InvalidInputError(f"lock_timeout_s must be > 0 s, got {lock_timeout_s!r}")
        self.url = url
        self.location = safe_url(url)
        self.channel = channel
        self.lock_timeout_s = lock_timeout_s
        created = self._prepare_schema()
        # autocommit: a write of one statement (an add) is its own transaction, so the revision row it
        # locks is held only while the server runs it, never across a round trip to a busy client;
        # every other write opens its transaction explicitly (_tx)
        self._pool = ConnectionPool(url, min_size=1, max_size=max(1, pool_max), timeout=lock_timeout_s,
                                    open=True, name="bordermap", kwargs={"autocommit": True})
        # the pool's worker threads must stop before the interpreter does
        atexit.register(_close_pool, weakref.ref(self._pool))
        if created and seed_path is not None and Path(seed_path).is_file():
            self._seed(Path(seed_path))

    def __repr__(self) -> str:
        return f"PostgisStore({self.location!r})"

    def close(self) -> None:
        """Close the pooled connections (the object is unusable afterwards)."""
        self._pool.close()

    def __enter__(self) -> PostgisStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- plumbing
    def _prepare_schema(self) -> bool:
        """Create or upgrade the tables and triggers; True when they were just created."""
        try:
            with psycopg.connect(self.url, connect_timeout=10) as conn:
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('bordermap-schema'))")
                has_meta = conn.execute("SELECT to_regclass('bordermap_meta') IS NOT NULL").fetchone()
                version = None
                if has_meta and has_meta[0]:
                    row = conn.execute("SELECT value FROM bordermap_meta WHERE key = 'schema_version'").fetchone()
                    version = int(row[0]) if row else None
                if version is not None and version > SCHEMA_VERSION:
                    raise StoreError(f"{self.location} has a newer store schema ({version}); update Border Map")
                if version == SCHEMA_VERSION:
                    return False
                if not conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
                    try:
                        conn.execute("CREATE EXTENSION postgis")
                    except psycopg.Error as exc:
                        raise StoreError(f"the database {self.location} lacks the PostGIS extension and this "
                                         f"user may not add it; ask its administrator to run CREATE EXTENSION "
                                         f"postgis ({_short(exc)})") from exc
                conn.execute(SCHEMA_SQL)  # type: ignore[arg-type]
                logger.info("created the Border Map tables in %s", self.location)
                return version is None
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to the PostGIS store {self.location}: {_short(exc)}") from exc
        except psycopg.Error as exc:
            raise StoreError(f"cannot prepare the PostGIS store {self.location}: {_short(exc)}") from exc

    def _seed(self, seed: Path) -> None:
        from geo.importers import read_file

        parsed = read_file(seed)
        report = self.import_rows(parsed.rows, "seed", row_numbers=parsed.row_numbers)
        logger.info("seeded %d incidents from %s", report.imported, seed.name)

    @contextlib.contextmanager
    def _tx(self, by: str | None = None, action: str | None = None, *,
            pipeline: bool = True) -> Iterator[psycopg.Connection[Any]]:
        """One transaction (committed on success); ``by``/``action`` go to the history triggers.

        In pipeline mode (not for ``COPY``) BEGIN, the settings and the first statements
        travel in one round trip."""
        with self._connection() as conn, (conn.pipeline() if pipeline else contextlib.nullcontext()):
            with conn.transaction():
                conn.execute(f"SELECT {_SETTINGS}", self._settings(by, action))
                yield conn

    def _settings(self, by: str | None, action: str | None) -> tuple[str, str, str, str]:
        """The values of :data:`_SETTINGS`: who, what, how (for the history triggers), lock timeout."""
        return by or "", action or "", self.channel, f"{int(self.lock_timeout_s * 1000)}ms"

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection (autocommit); database errors become one :class:`StoreError` sentence."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise StoreError(f"the PostGIS store {self.location} did not answer within "
                             f"{self.lock_timeout_s:g} s; try again") from exc
        except psycopg.OperationalError as exc:
            raise StoreError(f"the PostGIS store {self.location} could not be reached or was busy "
                             f"({_short(exc)}); try again") from exc
        except psycopg.Error as exc:
            raise StoreError(f"the PostGIS store {self.location} refused the change: {_short(exc)}") from exc

    def _read(self) -> contextlib.AbstractContextManager[psycopg.Connection[Any]]:
        """A connection for reads: each of them is one statement, so autocommit gives it one
        consistent snapshot in a single round trip (no BEGIN/COMMIT around it)."""
        return self._connection()

    @staticmethod
    def _fetch(conn: psycopg.Connection[Any], incident_id: str, lock: bool = False) -> dict[str, Any]:
        row = conn.execute(f"SELECT {_COLS} FROM incidents WHERE id = %s"  # noqa: S608
                           + (" FOR UPDATE" if lock else ""), (str(incident_id),)).fetchone()
        if row is None:
            raise IncidentNotFoundError(f"no incident with id {incident_id!r} in the store")
        return dict(zip(STORE_COLUMNS, row, strict=True))

    @staticmethod
    def _write_content(conn: psycopg.Connection[Any], incident_id: str, content: Mapping[str, Any],
                       deleted: bool) -> int:
        sets = ", ".join(f"{c} = %s" for c in CONTENT_FIELDS)
        row = conn.execute(
            f"UPDATE incidents SET {sets}, deleted = %s, "  # noqa: S608
            "geom = ST_SetSRID(ST_MakePoint(%s, %s), 4326) WHERE id = %s RETURNING version",
            (*(content.get(c) for c in CONTENT_FIELDS), deleted, content["longitude"], content["latitude"],
             incident_id)).fetchone()
        if row is None:  # the trigger skipped an update that changed nothing
            got = conn.execute("SELECT version FROM incidents WHERE id = %s", (incident_id,)).fetchone()
            return int(got[0]) if got else 0
        return int(row[0])

    # ---------------------------------------------------------------- API
    @property
    def revision(self) -> int:
        """Count of committed write transactions; use it to key caches."""
        with self._read() as conn:
            row = conn.execute("SELECT revision FROM bordermap_revision").fetchone()
            return int(row[0]) if row else 0

    def identity(self) -> tuple[str, int, int]:
        """``(location, database system identifier, database oid)``: another database (or one
        dropped and made again under the same name) gets another identity; writes keep it."""
        with self._read() as conn:
            row = conn.execute("SELECT (SELECT system_identifier FROM pg_control_system()), oid "
                               "FROM pg_database WHERE datname = current_database()").fetchone()
        if row is None:
            raise StoreError(f"{self.location}: the current database is not listed in pg_database")
        return self.location, int(row[0]), int(row[1])

    def change_cursor(self) -> int:
        """The revision of the newest committed write (commit-ordered; for :meth:`changed_since`)."""
        return self.revision

    def changed_since(self, cursor: int) -> gpd.GeoDataFrame:
        """Records (deleted ones included) written in revisions after ``cursor``."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT ST_AsBinary(geom), {_PUBLIC} FROM incidents WHERE id IN "  # noqa: S608
                "(SELECT incident_id FROM incident_history WHERE rev > %s) ORDER BY fid", (int(cursor),)).fetchall()
        return _frame(rows)

    def add(self, fields: Mapping[str, Any], by: str) -> str:
        """Validate ``fields`` and add the record; returns its id (a UUID string)."""
        import uuid

        from geo.incidents import dedup_key, validate_incident

        rec = validate_incident(fields)
        by = _who(by)
        new_id = str(uuid.uuid4())
        with self._connection() as conn:  # one statement, one transaction (see __init__)
            conn.execute(_ADD_SQL, (*self._settings(by, "add"), new_id, *(rec.get(c) for c in CONTENT_FIELDS),
                                    dedup_key(rec)))
        logger.info("added incident %s", new_id)
        return new_id

    def update(self, incident_id: str, changes: Mapping[str, Any], by: str, *,
               expected_version: int | None = None) -> int:
        """Change fields of a live record (see :meth:`geo.store.IncidentStore.update`)."""
        check_editable_fields(changes)
        by = _who(by)
        with self._tx(by, "update") as conn:
            current = self._fetch(conn, incident_id, lock=True)
            check_version(current, expected_version, edited_values(current, changes))
            if current["deleted"]:
                raise StoreError(f"incident {incident_id!r} is deleted; undo the deletion before editing it")
            rec = merge_changes(current, changes)
            if rec is None:
                return int(current["version"])
            return self._write_content(conn, incident_id, rec, False)

    def delete(self, incident_id: str, by: str, *, expected_version: int | None = None) -> int:
        """Soft-delete a record (see :meth:`geo.store.IncidentStore.delete`)."""
        by = _who(by)
        with self._tx(by, "delete") as conn:
            current = self._fetch(conn, incident_id, lock=True)
            check_version(current, expected_version, {"deleted": True})
            if current["deleted"]:
                raise StoreError(f"incident {incident_id!r} is already deleted")
            row = conn.execute("UPDATE incidents SET deleted = true WHERE id = %s RETURNING version",
                               (incident_id,)).fetchone()
            return int(row[0]) if row else int(current["version"])

    def undo(self, incident_id: str, by: str, *, expected_version: int | None = None) -> int:
        """Revert the last change to one record (see :meth:`geo.store.IncidentStore.undo`)."""
        by = _who(by)
        with self._tx(by, "undo") as conn:
            current = self._fetch(conn, incident_id, lock=True)
            check_version(current, expected_version, {})
            rows = conn.execute("SELECT hid, data FROM incident_history WHERE incident_id = %s AND NOT undone "
                                "AND action <> 'undo' ORDER BY hid", (incident_id,)).fetchall()
            last_hid, state, deleted = undo_target(incident_id, [(int(h), dict(d)) for h, d in rows])
            conn.execute("UPDATE incident_history SET undone = true WHERE hid = %s", (last_hid,))
            return self._write_content(conn, incident_id, state, deleted)

    def history(self, incident_id: str) -> RecordDicts:
        """Every revision of one record, oldest first (as the GeoPackage store returns it)."""
        with self._read() as conn:
            rows = conn.execute("SELECT hid, action, at, by, undone, data, channel FROM incident_history "
                                "WHERE incident_id = %s ORDER BY hid", (str(incident_id),)).fetchall()
        if not rows:
            raise IncidentNotFoundError(f"no incident with id {incident_id!r} in the store")
        return [{"revision": int(h), "action": a, "at": at, "by": b, "undone": bool(u), "channel": c,
                 "record": {**dict.fromkeys(PUBLIC_COLUMNS), **dict(d)}} for h, a, at, b, u, d, c in rows]

    def get(self, incident_id: str) -> dict[str, Any]:
        """One record (deleted or not): content and bookkeeping fields, with ``version``."""
        with self._read() as conn:
            rec = self._fetch(conn, incident_id)
        rec.pop("dedup_key", None)
        return rec

    def list(self, include_deleted: bool = False) -> gpd.GeoDataFrame:
        """Records as a GeoDataFrame of points in EPSG:4326, in insertion order."""
        where = "" if include_deleted else " WHERE NOT deleted"
        with self._read() as conn:
            rows = conn.execute(f"SELECT ST_AsBinary(geom), {_PUBLIC} FROM incidents{where} "  # noqa: S608
                                "ORDER BY fid").fetchall()
        return _frame(rows)

    def count_live(self) -> int:
        """Number of live (not deleted) records."""
        with self._read() as conn:
            row = conn.execute("SELECT count(*) FROM incidents WHERE NOT deleted").fetchone()
            return int(row[0]) if row else 0

    def import_rows(self, rows: Iterable[Mapping[str, Any]], by: str, *,
                    row_numbers: Iterable[int] | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Validate rows and add every valid, new one in a single transaction (see
        :meth:`geo.store.IncidentStore.import_rows`: a stream is read in batches); rows go in
        with ``COPY``."""
        by = _who(by)
        total = len(rows) if isinstance(rows, Sized) else 0
        batches = validated_batches(rows, row_numbers)
        rejected: list[Rejection] = []
        ids: list[str] = []
        duplicates = 0
        columns = ("id", *CONTENT_FIELDS, "dedup_key")
        batch_in = next_valid_batch(batches, rejected)
        if batch_in is not None:
            with self._tx(by, "import", pipeline=False) as conn:
                while batch_in is not None:
                    chunk, read = batch_in
                    known_keys = _existing(conn, "dedup_key", [r["dedup_key"] for r in chunk])
                    known_ids = _existing(conn, "id", [r["id"] for r in chunk if r["id"]])
                    # earlier batches are in the table already (same transaction): the query sees them
                    fresh, skipped = select_new(chunk, known_keys, known_ids)
                    duplicates += skipped
                    with conn.cursor() as cur, cur.copy(
                            f"COPY incidents ({', '.join(columns)}) FROM STDIN") as copy:
                        for rec in fresh:
                            copy.write_row([rec.get(c) for c in columns])
                    for rec in fresh:
                        ids.append(rec["id"])
                    if on_progress is not None:
                        on_progress(read, total)
                    batch_in = next_valid_batch(batches, rejected)
        logger.info("import: %d added, %d duplicates, %d rejected", len(ids), duplicates, len(rejected))
        return ImportReport(imported=len(ids), duplicates=duplicates, rejected=tuple(rejected), ids=tuple(ids))

    # ------------------------------------------------------------ analyst zones
    def insert_zone(self, zone: Mapping[str, Any], geom: shapely.Geometry) -> None:
        """Write one already validated zone (EPSG:4326); an id already stored is left as it is."""
        with self._tx(str(zone.get("created_by") or ""), "zone") as conn:
            conn.execute(f"INSERT INTO analyst_zones (geom, {', '.join(ZONE_COLUMNS)}) "  # noqa: S608
                         f"VALUES (ST_GeomFromWKB(%s, 4326), {', '.join(['%s'] * len(ZONE_COLUMNS))}) "
                         "ON CONFLICT (id) DO NOTHING",
                         (shapely.to_wkb(geom), *(_plain(zone.get(c)) for c in ZONE_COLUMNS[:-1]),
                          bool(zone.get("deleted"))))

    def delete_zone(self, zone_id: str) -> None:
        """Soft-delete one zone."""
        with self._tx(None, "zone") as conn:
            row = conn.execute("UPDATE analyst_zones SET deleted = true WHERE id = %s AND NOT deleted "
                               "RETURNING id", (str(zone_id),)).fetchone()
            if row is None:
                raise InvalidInputError(f"no zone with id {zone_id!r}")

    def list_zones(self, include_deleted: bool = False) -> gpd.GeoDataFrame:
        """Zones as a GeoDataFrame (:data:`geo.store.ZONE_COLUMNS`, EPSG:4326), oldest first."""
        where = "" if include_deleted else " WHERE NOT deleted"
        with self._read() as conn:
            rows = conn.execute(f"SELECT ST_AsBinary(geom), {', '.join(ZONE_COLUMNS)} "  # noqa: S608
                                f"FROM analyst_zones{where} ORDER BY fid").fetchall()
        return zone_frame([r[1:] for r in rows], [shapely.from_wkb(bytes(r[0])) for r in rows])

    # ------------------------------------------------------------ users and roles
    def set_user(self, email: str, role: str, by: str) -> bool:
        """Give ``email`` the ``role`` (see :mod:`geo.permissions`); True when it was new."""
        email, role, by = normalise_email(email), check_role(role), _who(by)
        with self._tx(by, "users") as conn:
            row = conn.execute("INSERT INTO bordermap_users (email, role, added_at, added_by) "
                               "VALUES (%s, %s, bordermap_now(), %s) ON CONFLICT (email) DO UPDATE SET "
                               "role = EXCLUDED.role, added_at = EXCLUDED.added_at, added_by = EXCLUDED.added_by "
                               "RETURNING (xmax = 0)", (email, role, by)).fetchone()
        return bool(row and row[0])

    def remove_user(self, email: str) -> None:
        """Take every role away from ``email`` (its records stay as they are)."""
        email = normalise_email(email)
        with self._tx(None, "users") as conn:
            row = conn.execute("DELETE FROM bordermap_users WHERE email = %s RETURNING email", (email,)).fetchone()
            if row is None:
                raise InvalidInputError(f"{email} is not a user of this store")

    def list_users(self) -> RecordDicts:
        """The users (:data:`geo.store.USER_COLUMNS`), by e-mail address."""
        with self._read() as conn:
            rows = conn.execute(f"SELECT {', '.join(USER_COLUMNS)} FROM bordermap_users ORDER BY email").fetchall()  # noqa: S608
        return [dict(zip(USER_COLUMNS, r, strict=True)) for r in rows]

    def role_of(self, email: str) -> str | None:
        """The role of ``email`` (any case), None when it has none."""
        try:
            email = normalise_email(email)
        except InvalidInputError:
            return None
        with self._read() as conn:
            row = conn.execute("SELECT role FROM bordermap_users WHERE email = %s", (email,)).fetchone()
        return None if row is None else str(row[0])

    # ------------------------------------------------------------ coverage scenarios
    def put_scenario(self, name: str, doc: Mapping[str, Any], by: str, *, saved_at: str | None = None,
                     overwrite: bool = True) -> bool:
        """Save a coverage scenario under ``name`` (see :meth:`geo.store.IncidentStore.put_scenario`)."""
        by = _who(by)
        conflict = ("DO UPDATE SET data = EXCLUDED.data, saved_at = EXCLUDED.saved_at, saved_by = EXCLUDED.saved_by"
                    if overwrite else "DO NOTHING")
        with self._tx(by, "scenario") as conn:
            row = conn.execute("INSERT INTO coverage_scenarios (name, data, saved_at, saved_by) "  # noqa: S608
                               "VALUES (%s, %s, coalesce(%s, bordermap_now()), %s) "
                               f"ON CONFLICT (name) {conflict} RETURNING name",
                               (str(name), Jsonb(dict(doc)), saved_at, by)).fetchone()
            return row is not None

    def get_scenario(self, name: str) -> dict[str, Any]:
        """One saved scenario: ``name, data (dict), saved_at, saved_by``."""
        with self._read() as conn:
            row = conn.execute("SELECT name, data, saved_at, saved_by FROM coverage_scenarios WHERE name = %s",
                               (str(name),)).fetchone()
        if row is None:
            raise InvalidInputError(f"no saved scenario named {name!r}")
        return {"name": row[0], "data": dict(row[1]), "saved_at": row[2], "saved_by": row[3]}

    def list_scenarios(self) -> RecordDicts:
        """Saved scenarios (``name, data, saved_at, saved_by``), in name order."""
        with self._read() as conn:
            rows = conn.execute("SELECT name, data, saved_at, saved_by FROM coverage_scenarios "
                                "ORDER BY name").fetchall()
        return [{"name": n, "data": dict(d), "saved_at": at, "saved_by": b} for n, d, at, b in rows]

    # ------------------------------------------------------------ copying
    def records_for_copy(self) -> RecordDicts:
        """Every record (deleted ones too) with all stored columns, oldest first."""
        with self._read() as conn:
            rows = conn.execute(f"SELECT {_COLS} FROM incidents ORDER BY fid").fetchall()  # noqa: S608
        return [dict(zip(STORE_COLUMNS, r, strict=True)) for r in rows]

    def history_entries(self, incident_ids: Sequence[str]) -> RecordDicts:
        """History rows of these records, oldest first (``incident_id, action, at, by, undone, data``)."""
        with self._read() as conn:
            rows = conn.execute("SELECT incident_id, action, at, by, undone, data FROM incident_history "
                                "WHERE incident_id = ANY(%s) ORDER BY hid", (list(incident_ids),)).fetchall()
        return [{"incident_id": i, "action": a, "at": at, "by": b, "undone": bool(u), "data": dict(d)}
                for i, a, at, b, u, d in rows]

    def known_ids(self) -> set[str]:
        """Ids of every record, deleted ones included."""
        with self._read() as conn:
            return {r[0] for r in conn.execute("SELECT id FROM incidents")}

    def insert_copies(self, records: Sequence[Mapping[str, Any]], history: Sequence[Mapping[str, Any]]) -> int:
        """Insert copied records exactly as they are (triggers stand aside) with their
        history, in one transaction; ids already here are skipped. Returns how many."""
        with self._tx(None, "copy", pipeline=False) as conn:
            conn.execute("SELECT set_config('bordermap.copying', 'on', true)")
            known = _existing(conn, "id", [str(r["id"]) for r in records])
            fresh = [r for r in records if str(r["id"]) not in known]
            ids = {str(r["id"]) for r in fresh}
            with conn.cursor() as cur, cur.copy(f"COPY incidents ({_COLS}) FROM STDIN") as copy:
                for r in fresh:
                    copy.write_row([_plain(r.get(c)) if c != "deleted" else bool(r.get(c)) for c in STORE_COLUMNS])
            if fresh:
                rev = conn.execute("SELECT bordermap_bump()").fetchone()
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO incident_history (incident_id, action, at, by, channel, undone, data, version, "
                        "rev) VALUES (%s, %s, %s, %s, 'copy', %s, %s, %s, %s)",
                        [(h["incident_id"], h["action"], h["at"], h["by"], bool(h["undone"]), Jsonb(h["data"]),
                          h["data"].get("version"), rev[0] if rev else 0)
                         for h in history if h["incident_id"] in ids])
        return len(fresh)


def _existing(conn: psycopg.Connection[Any], column: str, values: Sequence[str]) -> set[str]:
    if not values:
        return set()
    rows = conn.execute(f"SELECT {column} FROM incidents WHERE {column} = ANY(%s)",  # noqa: S608
                        (list(values),)).fetchall()
    return {r[0] for r in rows}


def _plain(value: Any) -> Any:
    """A value psycopg can send: numpy scalars → Python, NaN/NA → None."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _frame(rows: Sequence[Sequence[Any]]) -> gpd.GeoDataFrame:
    df = pd.DataFrame.from_records([r[1:] for r in rows], columns=list(PUBLIC_COLUMNS))
    return records_frame(df, [bytes(r[0]) if r[0] is not None else None for r in rows])


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def _close_pool(ref: weakref.ReferenceType[ConnectionPool]) -> None:
    pool = ref()
    if pool is not None and not pool.closed:
        with contextlib.suppress(Exception):
            pool.close(timeout=2)
