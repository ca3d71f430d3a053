"""``python -m geo store copy --from SRC --to DST``: move a whole store between GeoPackage and PostGIS;
``python -m geo store local-postgis``: a throwaway local PostGIS to try team mode."""

from __future__ import annotations

import argparse
import sys

from cli.output import emit

_BAR = 30


def _progress(stage: str, done: int, total: int) -> None:
    """A progress bar on stderr (stdout stays one JSON document)."""
    filled = _BAR if total == 0 else round(_BAR * done / total)
    end = "\n" if done >= total else ""
    print(f"\r{stage:<8} [{'#' * filled}{'.' * (_BAR - filled)}] {done}/{total}", end=end, file=sys.stderr,
          flush=True)


def _run_copy(args: argparse.Namespace) -> int:
    from pathlib import Path

    from geo.errors import InvalidInputError
    from geo.store import is_postgres_url, open_store
    from geo.store_copy import copy_store

    if not is_postgres_url(args.source) and not Path(args.source).expanduser().is_file():
        raise InvalidInputError(f"--from {args.source!r} does not exist; give a .gpkg store or a "
                                "postgresql:// URL")
    src = open_store(args.source, seed_path=None)
    try:
        dst = open_store(args.target, seed_path=None)
        try:
            report = copy_store(src, dst, on_progress=None if args.quiet else _progress)
        finally:
            dst.close()
    finally:
        src.close()
    emit(report.to_dict(), args.json,
         f"copied {report.records} records ({report.history} history entries), {report.zones} zones and "
         f"{report.scenarios} scenarios; {report.skipped_records} records, {report.skipped_zones} zones and "
         f"{report.skipped_scenarios} scenarios were already there")
    return 0


def _run_local(args: argparse.Namespace) -> int:
    import signal
    import threading

    from geo.pg_cluster import start_local_cluster

    cluster = start_local_cluster(args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"A throwaway PostGIS for trying Border Map runs at {cluster.url}\n"
          f"Use it with --db {cluster.url} or BORDERMAP_DB={cluster.url}\n"
          "It listens on 127.0.0.1 only, without passwords or fsync: never for real data. "
          "Ctrl-C stops it and deletes its data.", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    print("stopped; its data is deleted", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``store`` command group."""
    grp = subparsers.add_parser("store", help="manage incident stores (GeoPackage or PostGIS)")
    sub = grp.add_subparsers(dest="store_command", required=True)
    cp = sub.add_parser("copy", help="copy records (live and deleted), history, zones and scenarios into another store")
    cp.add_argument("--from", dest="source", required=True, help="source: a .gpkg file or postgresql://… URL")
    cp.add_argument("--to", dest="target", required=True, help="destination: a .gpkg file or postgresql://… URL")
    cp.add_argument("--quiet", action="store_true", help="no progress bar")
    cp.add_argument("--json", action="store_true", help="print one JSON document")
    cp.set_defaults(func=_run_copy)
    local = sub.add_parser("local-postgis", help="start a throwaway local PostGIS to try team mode (Ctrl-C ends it)")
    local.add_argument("--port", type=int, help="TCP port on 127.0.0.1 (default: a free one)")
    local.set_defaults(func=_run_local)
