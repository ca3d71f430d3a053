"""``python -m geo incidents add|import|list|export|update|delete|undo|history|claims``: the incident store."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from cli.output import emit
from geo.export import EXPORT_FORMATS, incidents_to_geojson, write_incidents
from geo.settings import CLI_USER, USER_ENV, read_settings

if TYPE_CHECKING:  # the store (geopandas) is imported when a command opens it (quick --help)
    from geo.store import IncidentStoreProtocol

#: Width of the import's progress bar (characters).
_BAR = 30

def _who(args: argparse.Namespace) -> str:
    """``--by``, else ``$BORDERMAP_USER``, else :data:`geo.settings.CLI_USER` (never the OS login)."""
    if getattr(args, "by", None):
        return str(args.by)
    return read_settings().user or CLI_USER


def _store(args: argparse.Namespace) -> IncidentStoreProtocol:
    from geo.store import open_store

    return open_store(args.db, channel="cli")


def _guard(store: IncidentStoreProtocol, args: argparse.Namespace, action: str, incident_id: str | None = None) -> str:
    """Who acts, after :func:`geo.permissions.check`: in a store with users, an e-mail address named
    by ``--by`` or ``BORDERMAP_USER`` is held to its role (another name is the store's operator,
    who holds the file or the database login anyway)."""
    from geo.permissions import check

    by = _who(args)
    if "@" not in by or not store.list_users():
        return by
    try:
        owner = str(store.get(incident_id).get("created_by") or "") if incident_id else None
        check(store.role_of(by), action, record_owner=owner, user=by)
    except BaseException:
        store.close()  # refused: the command ends here, and a PostGIS pool must not be left open
        raise
    return by


def _run_add(args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {"latitude": args.lat, "longitude": args.lon, "event_date": args.date,
                              "event_type": args.type}
    optional = {"fatalities": args.fatalities, "source": args.source, "notes": args.notes,
                "geo_precision": args.precision, "nationals": args.nationals, "origin": args.origin,
                "confidence": args.confidence, "actor1": args.actor1, "actor2": args.actor2,
                "country": args.country, "admin1": args.admin1, "location": args.location,
                "source_url": args.source_url, "injured": args.injured, "precision_km": args.precision_km,
                "origin_country": args.origin_country, "origin_attribution": args.origin_attribution}
    fields.update({k: v for k, v in optional.items() if v is not None})
    store = _store(args)
    new_id = store.add(fields, _guard(store, args, "add"))
    emit({"id": new_id}, args.json, f"added incident {new_id}")
    return 0


def _import_progress(rows: int, fraction: float) -> None:
    """A progress bar on stderr (stdout stays the report): share of the file read, rows so far."""
    filled = round(_BAR * fraction)
    print(f"\rimport [{'#' * filled}{'.' * (_BAR - filled)}] {fraction:4.0%} {rows:,} rows",
          end="\n" if fraction >= 1 else "", file=sys.stderr, flush=True)


def _run_import(args: argparse.Namespace) -> int:
    from geo.importers import import_defaults, import_file, preview_file

    defaults = import_defaults(args.default_type, args.default_date, args.default_source, args.default_confidence)
    if args.dry_run:
        prev = preview_file(args.file, n=args.preview_rows, layer=args.layer, defaults=defaults)
        payload = {"imported": 0, "valid": prev.valid_rows, "total": prev.total_rows,
                   "unclassified": prev.unclassified_rows,
                   "rejected": [r.to_dict() for r in prev.rejected], "preview": list(prev.rows),
                   "ignored_columns": list(prev.ignored_columns), "format": prev.format}
        emit(payload, args.json, f"dry run: {prev.valid_rows} of {prev.total_rows} rows valid "
                                 f"({prev.unclassified_rows} without an event type, to come in unclassified), "
                                 f"{len(prev.rejected)} rejected; nothing written")
        return 0
    store = _store(args)
    show = not args.quiet and sys.stderr.isatty()
    report = import_file(store, args.file, _guard(store, args, "import"), layer=args.layer, defaults=defaults,
                         on_progress=_import_progress if show else None)
    lines = [f"imported {report.imported} incidents, skipped {report.duplicates} already in the store, "
             f"rejected {len(report.rejected)}"]
    lines += [f"  row {r.row}: {r.reason}" for r in report.rejected[:50]]
    if len(report.rejected) > 50:
        lines.append(f"  … and {len(report.rejected) - 50} more (use --json for all)")
    emit(report.to_dict(), args.json, "\n".join(lines))
    return 0


def _located(gdf: Any) -> Any:
    """Records with their place against the border: side, km to it and chainage, as point values
    and as ranges over each record's precision circle (geo.incident_filters.LOCATION_COLUMNS)."""
    from geo.border import load_border
    from geo.record_merge import located_records

    return located_records(gdf, load_border())


def _run_list(args: argparse.Namespace) -> int:
    gdf = _store(args).list(include_deleted=args.include_deleted)
    if args.json:
        gdf = _located(gdf)
        emit(incidents_to_geojson(gdf), True)
        return 0
    lines = [f"{len(gdf)} incidents"]
    for rec in gdf[["id", "event_date", "sub_event_type", "event_type", "location", "latitude", "longitude",
                    "fatalities"]].itertuples(index=False):
        kind = rec.sub_event_type if isinstance(rec.sub_event_type, str) else rec.event_type
        where = rec.location if isinstance(rec.location, str) else ""
        fat = "" if str(rec.fatalities) in ("None", "<NA>") else f" fatalities {rec.fatalities}"
        lines.append(f"{rec.id}  {rec.event_date}  {kind}  {where} ({rec.latitude:.4f}, {rec.longitude:.4f})"
                     f"{fat}")
    emit({}, False, "\n".join(lines))
    return 0


def _run_export(args: argparse.Namespace) -> int:
    gdf = _located(_store(args).list(include_deleted=args.include_deleted))
    out = write_incidents(gdf, args.out, args.format)
    emit({"written": str(out), "count": len(gdf), "format": args.format or out.suffix.lstrip(".")},
         args.json, f"wrote {len(gdf)} incidents to {out}")
    return 0


def _parse_set(items: list[str]) -> dict[str, str]:
    from geo.errors import InvalidInputError

    changes = {}
    for item in items:
        if "=" not in item:
            raise InvalidInputError(f"--set expects FIELD=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        changes[key.strip()] = value
    return changes


def _run_update(args: argparse.Namespace) -> int:
    store = _store(args)
    store.update(args.id, _parse_set(args.set), _guard(store, args, "edit", args.id))
    emit({"id": args.id}, args.json, f"updated incident {args.id}")
    return 0


def _run_delete(args: argparse.Namespace) -> int:
    store = _store(args)
    store.delete(args.id, _guard(store, args, "delete", args.id))
    emit({"id": args.id}, args.json, f"deleted incident {args.id} (undo brings it back)")
    return 0


def _run_undo(args: argparse.Namespace) -> int:
    store = _store(args)
    store.undo(args.id, _guard(store, args, "undo", args.id))
    rec = store.get(args.id)
    emit({"id": args.id, "deleted": rec["deleted"]}, args.json,
         f"undid the last change to incident {args.id}")
    return 0


def _run_history(args: argparse.Namespace) -> int:
    hist = _store(args).history(args.id)
    human = "\n".join(f"{h['revision']:>6}  {h['at']}  {h['action']:<7} by {h['by']}"
                      f"{'  (undone)' if h['undone'] else ''}" for h in hist)
    emit({"id": args.id, "history": hist}, args.json, human or json.dumps(hist))
    return 0


def _common(p: argparse.ArgumentParser, by: bool = False) -> None:
    p.add_argument("--db", help="incident store: a .gpkg file or postgresql://USER@HOST:PORT/DB; "
                                "default $BORDERMAP_DB, then the user data folder")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    if by:
        p.add_argument("--by", help=f"who makes the change (default ${USER_ENV}, else {CLI_USER!r})")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``incidents`` command group."""
    inc = subparsers.add_parser("incidents", help="add, import, list and export incidents")
    sub = inc.add_subparsers(dest="incidents_command", required=True)

    add = sub.add_parser("add", help="add one incident")
    add.add_argument("--lat", required=True, help="latitude, degrees (EPSG:4326)")
    add.add_argument("--lon", required=True, help="longitude, degrees (EPSG:4326)")
    add.add_argument("--date", required=True, help="event date, YYYY-MM-DD")
    add.add_argument("--type", required=True, help="ACLED event type or sub-event type, e.g. 'Armed clash'")
    add.add_argument("--fatalities", help="number of fatalities (best estimate)")
    add.add_argument("--injured", help="number of injured")
    add.add_argument("--source", help="source of the report")
    add.add_argument("--source-url", dest="source_url", help="http(s) address of the report")
    add.add_argument("--notes", help="free text")
    add.add_argument("--precision", help="ACLED geo_precision: 1 exact, 2 near, 3 region")
    add.add_argument("--precision-km", dest="precision_km", help="uncertainty radius, km")
    add.add_argument("--nationals", help="nationalities involved, ISO 3166 two-letter codes: CN,RU")
    add.add_argument("--origin", help="where the actors came from (free text, with who said so)")
    add.add_argument("--origin-country", dest="origin_country",
                     help="attributed origin as an ISO 3166 two-letter code, e.g. AF (needs --origin-attribution)")
    add.add_argument("--origin-attribution", dest="origin_attribution",
                     choices=("official", "claimed", "unattributed"),
                     help="who attributed the origin: official (a government body), claimed (others), unattributed")
    add.add_argument("--confidence", choices=("assessed", "claimed"), help="assessed or claimed")
    add.add_argument("--actor1", help="ACLED actor1")
    add.add_argument("--actor2", help="ACLED actor2")
    add.add_argument("--country", help="country")
    add.add_argument("--admin1", help="province / region")
    add.add_argument("--location", help="place name")
    _common(add, by=True)
    add.set_defaults(func=_run_add)

    imp = sub.add_parser("import", help="import CSV (ACLED or lat/lon), GeoJSON, KML/KMZ or GeoPackage")
    imp.add_argument("file", help="the file to import")
    imp.add_argument("--layer", help="GeoPackage layer (default: incidents, else the first point layer)")
    imp.add_argument("--dry-run", action="store_true", help="validate and preview; write nothing")
    imp.add_argument("--preview-rows", type=int, default=10, help="rows shown by --dry-run")
    imp.add_argument("--quiet", action="store_true", help="no progress bar (it is shown only on a terminal)")
    imp.add_argument("--default-type", dest="default_type",
                     help="event type for rows without one (ACLED type or sub-type); rows without a type "
                          "and without this come in as 'Unclassified — needs review'")
    imp.add_argument("--default-date", dest="default_date", help="event date (YYYY-MM-DD) for rows without one")
    imp.add_argument("--default-source", dest="default_source", help="source for rows without one")
    imp.add_argument("--default-confidence", dest="default_confidence",
                     help="confidence for rows without one: assessed, claimed or approximate")
    _common(imp, by=True)
    imp.set_defaults(func=_run_import)

    lst = sub.add_parser("list", help="the live incidents (GeoJSON with --json)")
    lst.add_argument("--include-deleted", action="store_true", help="also deleted records")
    _common(lst)
    lst.set_defaults(func=_run_list)

    exp = sub.add_parser("export", help="write the incidents to a file")
    exp.add_argument("--format", choices=tuple(EXPORT_FORMATS), help="default: from the --out suffix")
    exp.add_argument("--out", required=True, help="output file")
    exp.add_argument("--include-deleted", action="store_true", help="also deleted records")
    _common(exp)
    exp.set_defaults(func=_run_export)

    upd = sub.add_parser("update", help="change fields of one incident")
    upd.add_argument("id")
    upd.add_argument("--set", action="append", required=True, metavar="FIELD=VALUE", help="repeatable")
    _common(upd, by=True)
    upd.set_defaults(func=_run_update)

    for name, func, text in (("delete", _run_delete, "delete one incident (soft; undo restores it)"),
                             ("undo", _run_undo, "revert the last change to one incident"),
                             ("history", _run_history, "every revision of one incident")):
        p = sub.add_parser(name, help=text)
        p.add_argument("id")
        _common(p, by=name != "history")
        p.set_defaults(func=func)

    from cli import claims_cmd, incident_edit_cmd

    incident_edit_cmd.register_into(sub, _common)
    claims_cmd.register_into(sub, _common)
