"""SQL of the PostGIS store: tables, indexes and the triggers that keep history in the database.

Every write — through Border Map, QGIS or plain SQL — goes through the triggers:

* ``incidents`` keeps ``latitude``/``longitude`` and the point ``geom`` (EPSG:4326) equal
  (a point moved in QGIS moves the coordinates), stamps ``updated_at``/``updated_by``
  (the database user unless the application names its analyst in ``bordermap.user``),
  bumps ``version`` on every real change and skips an update that changes nothing.
* A ``DELETE`` becomes a soft delete (``deleted = true``), so it can be undone.
* Each row written appends the whole record (JSON) to ``incident_history`` with the
  transaction's revision: the single row of ``bordermap_revision`` is bumped once per
  write transaction and stays locked until its commit, so revisions are in commit order
  and a reader at revision R has seen every write up to R (a sequence's ``MAX(id)``
  misses concurrent commits).
* ``bordermap.copying = 'on'`` (``geo.store_copy``) keeps copied rows exactly as given.
"""

from __future__ import annotations

from geo.incidents import CONTENT_FIELDS, FIELD_TYPES, LATER_FIELDS

#: Incremented when the schema below changes: 3 added the structured origin columns
#: (``origin_country``, ``origin_attribution``), the claims, the users table and the history's
#: channel, which an older database gains on opening.
SCHEMA_VERSION = 3

_SQL_TYPES = {"text": "text", "date": "text", "int": "bigint", "real": "double precision"}
_CONTENT_DDL = ",\n    ".join(f"{c} {_SQL_TYPES[FIELD_TYPES[c]]}" for c in CONTENT_FIELDS)
#: Columns a table made by an older schema lacks (``CREATE TABLE IF NOT EXISTS`` leaves it as it was).
_ADDED_DDL = "\n".join(f"ALTER TABLE incidents ADD COLUMN IF NOT EXISTS {c} {_SQL_TYPES[FIELD_TYPES[c]]};"
                        for c in LATER_FIELDS)

SCHEMA_SQL = f"""
CREATE TABLE IF NOT EXISTS bordermap_meta (key text PRIMARY KEY, value text);
CREATE TABLE IF NOT EXISTS bordermap_revision (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision bigint NOT NULL
);
INSERT INTO bordermap_revision VALUES (true, 0) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS incidents (
    fid bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    {_CONTENT_DDL},
    created_at text,
    updated_at text,
    created_by text,
    updated_by text,
    deleted boolean NOT NULL DEFAULT false,
    version integer NOT NULL DEFAULT 1,
    dedup_key text,
    geom geometry(Point, 4326)
);
{_ADDED_DDL}
CREATE INDEX IF NOT EXISTS incidents_geom_gist ON incidents USING gist (geom);
CREATE INDEX IF NOT EXISTS incidents_dedup_idx ON incidents (dedup_key);

CREATE TABLE IF NOT EXISTS incident_history (
    hid bigserial PRIMARY KEY,
    incident_id text NOT NULL,
    action text NOT NULL,
    at text NOT NULL,
    by text,
    channel text,
    undone boolean NOT NULL DEFAULT false,
    data jsonb NOT NULL,
    version integer,
    rev bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_history_incident_idx ON incident_history (incident_id, hid);
CREATE INDEX IF NOT EXISTS incident_history_rev_idx ON incident_history (rev);

CREATE TABLE IF NOT EXISTS analyst_zones (
    fid bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    name text NOT NULL,
    notes text,
    area_km2 double precision,
    status text,
    created_at text NOT NULL,
    created_by text,
    deleted boolean NOT NULL DEFAULT false,
    geom geometry(Geometry, 4326)
);
CREATE INDEX IF NOT EXISTS analyst_zones_geom_gist ON analyst_zones USING gist (geom);

CREATE TABLE IF NOT EXISTS coverage_scenarios (
    fid bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    data jsonb NOT NULL,
    saved_at text NOT NULL,
    saved_by text
);

CREATE TABLE IF NOT EXISTS bordermap_users (
    email text PRIMARY KEY CHECK (email = lower(email)),
    role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    added_at text NOT NULL,
    added_by text
);

CREATE OR REPLACE FUNCTION bordermap_now() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

CREATE OR REPLACE FUNCTION bordermap_user() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT coalesce(nullif(current_setting('bordermap.user', true), ''), session_user::text) $$;

CREATE OR REPLACE FUNCTION bordermap_copying() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('bordermap.copying', true), '') = 'on' $$;

-- The revision of the current write transaction: bumped (and locked) on its first write.
CREATE OR REPLACE FUNCTION bordermap_bump() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    mine text := coalesce(current_setting('bordermap.tx_revision', true), '');
    r bigint;
BEGIN
    IF mine <> '' AND split_part(mine, ':', 1) = txid_current()::text THEN
        RETURN split_part(mine, ':', 2)::bigint;
    END IF;
    UPDATE bordermap_revision SET revision = revision + 1 RETURNING revision INTO r;
    PERFORM set_config('bordermap.tx_revision', txid_current()::text || ':' || r::text, true);
    RETURN r;
END $$;

CREATE OR REPLACE FUNCTION incidents_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bordermap_copying() THEN
        IF NEW.geom IS NULL THEN
            NEW.geom := ST_SetSRID(ST_MakePoint(NEW.longitude, NEW.latitude), 4326);
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.geom IS NULL THEN
            NEW.geom := ST_SetSRID(ST_MakePoint(NEW.longitude, NEW.latitude), 4326);
        ELSE
            NEW.longitude := ST_X(NEW.geom);
            NEW.latitude := ST_Y(NEW.geom);
        END IF;
        NEW.id := coalesce(NEW.id, gen_random_uuid()::text);
        NEW.created_at := coalesce(NEW.created_at, bordermap_now());
        NEW.updated_at := NEW.created_at;
        NEW.created_by := coalesce(NEW.created_by, bordermap_user());
        NEW.updated_by := NEW.created_by;
        NEW.version := 1;
        RETURN NEW;
    END IF;
    IF NEW.geom IS NOT NULL AND NEW.geom IS DISTINCT FROM OLD.geom THEN
        NEW.longitude := ST_X(NEW.geom);
        NEW.latitude := ST_Y(NEW.geom);
    ELSIF NEW.longitude IS DISTINCT FROM OLD.longitude OR NEW.latitude IS DISTINCT FROM OLD.latitude THEN
        NEW.geom := ST_SetSRID(ST_MakePoint(NEW.longitude, NEW.latitude), 4326);
    END IF;
    NEW.fid := OLD.fid;
    NEW.id := OLD.id;
    NEW.created_at := OLD.created_at;
    NEW.created_by := OLD.created_by;
    NEW.updated_at := OLD.updated_at;
    NEW.updated_by := OLD.updated_by;
    NEW.version := OLD.version;
    IF NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NULL;  -- nothing changed: no revision
    END IF;
    NEW.version := OLD.version + 1;
    NEW.updated_at := bordermap_now();
    NEW.updated_by := bordermap_user();
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION incidents_after_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r bigint := bordermap_bump();
    act text := nullif(current_setting('bordermap.action', true), '');
BEGIN
    IF bordermap_copying() THEN
        RETURN NULL;
    END IF;
    IF act IS NULL THEN
        IF TG_OP = 'INSERT' THEN
            act := 'add';
        ELSIF NEW.deleted AND NOT OLD.deleted THEN
            act := 'delete';
        ELSE
            act := 'update';
        END IF;
    END IF;
    INSERT INTO incident_history (incident_id, action, at, by, channel, data, version, rev)
    VALUES (NEW.id, act, NEW.updated_at, NEW.updated_by,
            coalesce(nullif(current_setting('bordermap.channel', true), ''), 'sql'),
            jsonb_strip_nulls(to_jsonb(NEW) - 'geom' - 'fid' - 'dedup_key'), NEW.version, r);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION incidents_soft_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bordermap_copying() THEN
        RETURN OLD;
    END IF;
    UPDATE incidents SET deleted = true WHERE fid = OLD.fid AND NOT deleted;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bordermap_bump_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bordermap_bump();
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS incidents_before_write ON incidents;
CREATE TRIGGER incidents_before_write BEFORE INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION incidents_before_write();
DROP TRIGGER IF EXISTS incidents_after_write ON incidents;
CREATE TRIGGER incidents_after_write AFTER INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION incidents_after_write();
DROP TRIGGER IF EXISTS incidents_soft_delete ON incidents;
CREATE TRIGGER incidents_soft_delete BEFORE DELETE ON incidents
    FOR EACH ROW EXECUTE FUNCTION incidents_soft_delete();
DROP TRIGGER IF EXISTS coverage_scenarios_revision ON coverage_scenarios;
CREATE TRIGGER coverage_scenarios_revision AFTER INSERT OR UPDATE OR DELETE ON coverage_scenarios
    FOR EACH STATEMENT EXECUTE FUNCTION bordermap_bump_statement();
DROP TRIGGER IF EXISTS analyst_zones_revision ON analyst_zones;
CREATE TRIGGER analyst_zones_revision AFTER INSERT OR UPDATE OR DELETE ON analyst_zones
    FOR EACH STATEMENT EXECUTE FUNCTION bordermap_bump_statement();

INSERT INTO bordermap_meta VALUES ('schema_version', '{SCHEMA_VERSION}')
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
"""  # noqa: S608
