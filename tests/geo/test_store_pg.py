"""The PostGIS store beyond the contract: edits made in SQL (as QGIS makes them) are recorded by
the database's triggers, the layer is a GiST-indexed EPSG:4326 point column, errors are one
sentence without the password."""

from __future__ import annotations

import psycopg
import pytest

from geo.errors import StoreError
from geo.pg_cluster import LocalCluster
from geo.store import open_store
from geo.store_pg import PostgisStore
from tests.geo.store_backends import fresh_database


@pytest.fixture
def pg_url(pg_cluster: LocalCluster) -> str:
    return fresh_database(pg_cluster)


@pytest.fixture
def pg_store(pg_url: str):
    store = open_store(pg_url, seed_path=None)
    assert isinstance(store, PostgisStore)
    yield store
    store.close()


def test_sql_edits_are_recorded_under_the_database_user(pg_store: PostgisStore, pg_url: str) -> None:
    new_id = pg_store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
                           "longitude": 68.1}, "ana")
    cursor = pg_store.change_cursor()
    with psycopg.connect(pg_url, autocommit=True) as conn:  # QGIS moves the point, then deletes it
        conn.execute("UPDATE incidents SET geom = ST_SetSRID(ST_MakePoint(68.3, 37.2), 4326), "
                     "notes = 'moved in QGIS' WHERE id = %s", (new_id,))
        conn.execute("DELETE FROM incidents WHERE id = %s", (new_id,))
        conn.execute("INSERT INTO incidents (event_date, event_type, geom) "
                     "VALUES ('2025-04-01', 'Protests', ST_SetSRID(ST_MakePoint(69.0, 37.3), 4326))")
    got = pg_store.get(new_id)
    assert (got["longitude"], got["latitude"]) == pytest.approx((68.3, 37.2))
    assert got["deleted"] is True and got["version"] == 3 and got["updated_by"] == "postgres"
    hist = pg_store.history(new_id)
    assert [(h["action"], h["by"]) for h in hist] == [("add", "ana"), ("update", "postgres"),
                                                      ("delete", "postgres")]
    assert hist[1]["record"]["notes"] == "moved in QGIS"
    assert [h["channel"] for h in hist] == ["app", "sql", "sql"]
    changed = pg_store.changed_since(cursor)
    assert len(changed) == 2 and pg_store.count_live() == 1
    added = changed[~changed["deleted"]].iloc[0]
    assert (added["longitude"], added["latitude"]) == pytest.approx((69.0, 37.3))
    assert added["created_by"] == "postgres" and added["version"] == 1
    pg_store.undo(new_id, "ana")  # the SQL delete is undone like any other
    assert pg_store.get(new_id)["deleted"] is False


def test_point_layer_with_a_gist_index(pg_store: PostgisStore, pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        kind = conn.execute("SELECT type, srid FROM geometry_columns WHERE f_table_name = 'incidents'").fetchone()
        gist = conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'incidents' "
                            "AND indexdef ILIKE '%USING gist (geom)%'").fetchone()
    assert kind == ("POINT", 4326) and gist is not None


def test_unreachable_database_is_one_sentence_without_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://analyst:s3cret@127.0.0.1:1/bordermap")
    text = str(info.value)
    assert text.startswith("cannot connect to the PostGIS store postgresql://analyst@127.0.0.1:1/bordermap")
    assert "s3cret" not in text and "\n" not in text


def test_reopening_keeps_data_and_does_not_reseed(pg_url: str, tmp_path) -> None:
    seed = tmp_path / "seed.geojson"
    seed.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                    '{"type": "Point", "coordinates": [68.6, 37.2]}, "properties": {"event_date": '
                    '"2025-01-05", "event_type": "Armed clash", "source": "press"}}]}', encoding="utf-8")
    with PostgisStore(pg_url, seed_path=seed) as first:
        assert first.count_live() == 1 and first.list()["created_by"].iloc[0] == "seed"
    with PostgisStore(pg_url, seed_path=seed) as again:
        assert again.count_live() == 1
