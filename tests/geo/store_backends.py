"""Stores of both backends for the store contract tests: a GeoPackage file, or a fresh
database in a throwaway PostGIS cluster started once per test session.

Without PostgreSQL/PostGIS the PostGIS cases skip — except when ``CI`` is set, where they
fail (the CI image installs ``postgresql-15-postgis-3``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from geo.errors import StoreError
from geo.pg_cluster import LocalCluster, start_local_cluster
from geo.store import IncidentStoreProtocol, open_store

BACKENDS = ("gpkg", "postgis")
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[LocalCluster]:
    """One throwaway PostGIS cluster for the session (its ``bordermap`` db is the template)."""
    try:
        cluster = start_local_cluster()
    except StoreError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostGIS tests need PostgreSQL with PostGIS: {exc}")
        pytest.skip(f"PostgreSQL/PostGIS is not installed here: {exc}")
    yield cluster
    cluster.stop()


def fresh_database(cluster: LocalCluster) -> str:
    """A new empty database (with PostGIS) in ``cluster``; returns its URL."""
    import psycopg

    name = f"t{os.getpid()}_{next(_numbers)}"
    admin = cluster.url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE bordermap")
    return cluster.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives: a .gpkg path or a postgresql:// URL of a fresh database."""
    if request.param == "gpkg":
        return str(tmp_path / "incidents.gpkg")
    return fresh_database(request.getfixturevalue("pg_cluster"))


@pytest.fixture
def make_store(store_target: str) -> Iterator[Callable[[], IncidentStoreProtocol]]:
    """Opens (another) store object on the same target; all are closed after the test."""
    opened: list[IncidentStoreProtocol] = []

    def make() -> IncidentStoreProtocol:
        store = open_store(store_target, seed_path=None)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def any_store(make_store: Callable[[], IncidentStoreProtocol]) -> IncidentStoreProtocol:
    """An empty store of each backend."""
    return make_store()
