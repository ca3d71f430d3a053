"""A throwaway local PostgreSQL + PostGIS cluster: for trying team mode, tests and benchmarks.

It runs the installed PostgreSQL's own ``initdb`` and ``pg_ctl`` (Debian:
``postgresql-15-postgis-3``) in a temporary folder, listening on 127.0.0.1 only with
trust authentication and ``fsync=off`` — fast and disposable, never for real data. When
run as root, the server runs as the ``postgres`` user (``initdb`` refuses root).

Example
-------
>>> cluster = start_local_cluster()  # doctest: +SKIP
>>> cluster.url  # doctest: +SKIP
'postgresql://postgres@127.0.0.1:54321/bordermap'
>>> cluster.stop()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from geo.errors import StoreError

#: Database created in the cluster (with the PostGIS extension).
DB_NAME = "bordermap"


def pg_bindir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` folder (with ``initdb``), or ``None``."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LocalCluster:
    """A running throwaway cluster: its folder, port and the store URL of its database."""

    folder: Path
    port: int
    bindir: Path
    as_postgres: bool

    @property
    def url(self) -> str:
        """``postgresql://postgres@127.0.0.1:PORT/bordermap``."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            _run(self, [str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                        "-w", "stop"], timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(cluster: LocalCluster, cmd: list[str], timeout: float = 120) -> None:
    if cluster.as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise StoreError(f"{Path(cmd[cmd.index('--') + 1] if '--' in cmd else cmd[0]).name} failed: "
                         f"{(done.stderr or done.stdout).strip()[-400:]}")


def start_local_cluster(port: int | None = None) -> LocalCluster:
    """Create and start a cluster with database :data:`DB_NAME` holding PostGIS (~3 s).

    Raises
    ------
    StoreError
        PostgreSQL or PostGIS is not installed, or the server would not start (the message
        says which; Debian: ``apt-get install postgresql-15-postgis-3``).
    """
    bindir = pg_bindir()
    if bindir is None:
        raise StoreError("PostgreSQL is not installed (no initdb found); on Debian: "
                         "apt-get install postgresql-15-postgis-3")
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="bordermap-pg-"))
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    cluster = LocalCluster(folder, port or _free_port(), bindir, as_postgres)
    data = folder / "data"
    try:
        _run(cluster, [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                       "--locale=C", "--no-sync"])
        opts = (f"-p {cluster.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        _run(cluster, [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(folder / "server.log"),
                       "-w", "-t", "60", "start"])
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DB_NAME}")
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except (StoreError, OSError, subprocess.SubprocessError, ImportError) as exc:
        cluster.stop()
        raise StoreError(f"could not start a local PostGIS: {exc}") from exc
    except Exception as exc:  # psycopg errors: PostGIS missing, server gone
        cluster.stop()
        raise StoreError(f"could not prepare the local PostGIS database: {exc}") from exc
    return cluster
