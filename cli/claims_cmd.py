"""``python -m geo incidents claims add|list|choose|remove|export``: one incident's sourced claims.

The derived figures (``fatalities_low``/``_best``/``_high``, ``injured``…) follow the claims;
the rules are in :mod:`geo.claims`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.output import emit


def _summary_lines(rec: dict[str, Any]) -> list[str]:
    from geo.claims import parse_claims, summarize

    claims = parse_claims(rec.get("claims"))
    lines = [f"{len(claims)} claims on incident {rec['id']}"]
    for field, s in summarize(claims).items():
        differ = "sources differ" if s.sources_differ else "sources agree"
        figures = f"low {s.low}, best {s.best}, high {s.high}" if s.low is not None else (
            f"chosen: {s.best}" if s.best is not None else "none chosen")
        lines.append(f"{field}: {figures} — {s.sources} source(s), {differ}")
        for c in (c for c in claims if c.field == field):
            mark = " (chosen)" if c.chosen else ""
            lines.append(f"  {c.id}  {c.value}{mark}  {c.claimant}, {c.source} {c.source_date}"
                         f"{'  ' + c.source_url if c.source_url else ''}{'  — ' + c.note if c.note else ''}")
    return lines


def _document(rec: dict[str, Any]) -> dict[str, Any]:
    from geo.claims import origin_attribution, parse_claims, summarize

    claims = parse_claims(rec.get("claims"))
    return {"id": rec["id"], "version": rec.get("version"), "claims": [c.to_dict() for c in claims],
            "summary": {f: s.to_dict() for f, s in summarize(claims).items()},
            "origin_attribution": origin_attribution(claims),
            "fatalities": {k: rec.get(f"fatalities_{k}") for k in ("low", "best", "high")},
            "injured": rec.get("injured")}


def _run_list(args: argparse.Namespace) -> int:
    from cli.incidents_cmd import _store

    store = _store(args)
    try:
        rec = store.get(args.id)
    finally:
        store.close()
    emit(_document(rec), args.json, "\n".join(_summary_lines(rec)))
    return 0


def _edit_claims(args: argparse.Namespace, change: Callable[[Any, str], Any]) -> tuple[Any, dict[str, Any]]:
    """Run ``change(store, by)`` on record ``args.id`` once the role allows editing it (a claim
    edits its record); return its result and the record as stored afterwards."""
    from cli.incidents_cmd import _guard, _store

    store = _store(args)
    try:
        result = change(store, _guard(store, args, "edit", args.id))
        return result, store.get(args.id)
    finally:
        store.close()


def _run_add(args: argparse.Namespace) -> int:
    from geo.claim_edits import add_claim

    fields = {"field": args.field, "value": args.value, "source": args.source, "source_url": args.url,
              "source_date": args.date, "claimant": args.claimant, "note": args.note, "chosen": args.chosen}
    given = {k: v for k, v in fields.items() if v is not None}
    (claim, version), rec = _edit_claims(args, lambda store, by: add_claim(store, args.id, given, by))
    emit({"id": args.id, "claim_id": claim.id, "version": version, **_document(rec)}, args.json,
         "\n".join([f"added claim {claim.id}; incident {args.id} is at version {version}", *_summary_lines(rec)]))
    return 0


def _run_choose(args: argparse.Namespace) -> int:
    from geo.claim_edits import choose_claim
    from geo.errors import InvalidInputError

    if (args.claim_id is None) == (args.none is None):
        raise InvalidInputError("give a claim id to choose, or --none FIELD to choose none for that field")
    version, rec = _edit_claims(args, lambda store, by: choose_claim(store, args.id, args.claim_id, by,
                                                                     field=args.none))
    emit({"id": args.id, "version": version, **_document(rec)}, args.json,
         "\n".join([f"incident {args.id} is at version {version}", *_summary_lines(rec)]))
    return 0


def _run_remove(args: argparse.Namespace) -> int:
    from geo.claim_edits import remove_claim

    (claim, version), rec = _edit_claims(args, lambda store, by: remove_claim(store, args.id, args.claim_id, by))
    emit({"id": args.id, "removed": claim.id, "version": version, **_document(rec)}, args.json,
         "\n".join([f"removed claim {claim.id} (undo brings it back)", *_summary_lines(rec)]))
    return 0


def _run_export(args: argparse.Namespace) -> int:
    from cli.incidents_cmd import _store
    from geo.claims import claims_rows
    from geo.export import claims_to_csv_bytes, safe_output_path

    store = _store(args)
    try:
        gdf = store.list(include_deleted=args.include_deleted)
    finally:
        store.close()
    out = safe_output_path(args.out, "csv")
    data = claims_to_csv_bytes(gdf)
    Path(out).write_bytes(data)
    count = len(claims_rows(gdf[["id", "claims"]].to_dict("records")))
    emit({"written": str(out), "claims": count}, args.json, f"wrote {count} claims to {out}")
    return 0


def register_into(sub: argparse._SubParsersAction, common: Callable[..., Any]) -> None:
    """Add ``claims`` to the ``incidents`` command group (``common`` adds --db/--json/--by)."""
    from geo.claims import CLAIM_FIELDS, CLAIMANTS

    claims = sub.add_parser("claims", help="sourced claims of one incident (fatalities, injured, origin, location)")
    csub = claims.add_subparsers(dest="claims_command", required=True)

    lst = csub.add_parser("list", help="the claims of one incident, the derived figures, where sources differ")
    lst.add_argument("id")
    common(lst)
    lst.set_defaults(func=_run_list)

    add = csub.add_parser("add", help="add one source's claim; the record's figures follow the claims")
    add.add_argument("id")
    add.add_argument("--field", required=True, choices=tuple(CLAIM_FIELDS), help="what the claim is about")
    add.add_argument("--value", required=True, help="people (fatalities, injured) or text (origin, location)")
    add.add_argument("--source", required=True, help="the publication or body, e.g. 'Asia-Plus citing Khovar'")
    add.add_argument("--url", help="http(s) address of the report")
    add.add_argument("--date", required=True, help="the source's date, YYYY-MM-DD")
    add.add_argument("--claimant", required=True, choices=CLAIMANTS,
                     help="who makes the statement: official, party (to the event), media, other")
    add.add_argument("--note", help="free text, e.g. who exactly is quoted")
    add.add_argument("--chosen", action="store_true", help="the analyst's choice: best takes this value")
    common(add, by=True)
    add.set_defaults(func=_run_add)

    choose = csub.add_parser("choose", help="make one claim its field's chosen one (best takes its value)")
    choose.add_argument("id")
    choose.add_argument("claim_id", nargs="?", help="the claim's id (or a unique start of it)")
    choose.add_argument("--none", metavar="FIELD", choices=tuple(CLAIM_FIELDS),
                        help="choose no claim for FIELD: best falls back to the median of the sources")
    common(choose, by=True)
    choose.set_defaults(func=_run_choose)

    rem = csub.add_parser("remove", help="take one claim off the incident (undo brings it back)")
    rem.add_argument("id")
    rem.add_argument("claim_id")
    common(rem, by=True)
    rem.set_defaults(func=_run_remove)

    exp = csub.add_parser("export", help="write every claim of the incidents as CSV, one row per claim")
    exp.add_argument("--out", required=True, help="output .csv file")
    exp.add_argument("--include-deleted", action="store_true", help="also claims of deleted records")
    common(exp)
    exp.set_defaults(func=_run_export)
