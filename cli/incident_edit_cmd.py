"""``python -m geo incidents show|edit``: one record with its version; an edit that never
overwrites a newer version silently (exit 3 on a conflict)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from cli.output import emit
from geo.errors import EditConflictError, InvalidInputError

#: Exit status of an edit refused because the record changed since the version given.
EXIT_CONFLICT = 3


def _run_show(args: argparse.Namespace) -> int:
    from cli.incidents_cmd import _store

    store = _store(args)
    try:
        rec = store.get(args.id)
    finally:
        store.close()
    human = "\n".join(f"{k}: {v}" for k, v in rec.items() if v is not None)
    emit(rec, args.json, human)
    return 0


def _run_edit(args: argparse.Namespace) -> int:
    from cli.incidents_cmd import _guard, _parse_set, _store

    expected = args.expect_version
    if expected is not None and expected < 1:
        raise InvalidInputError(f"--expect-version must be a version number (1 or more), got {expected}")
    store = _store(args)
    try:
        version = store.update(args.id, _parse_set(args.set), _guard(store, args, "edit", args.id),
                               expected_version=expected)
    except EditConflictError as exc:
        print(f"conflict: {exc}", file=sys.stderr)
        return EXIT_CONFLICT
    finally:
        store.close()
    emit({"id": args.id, "version": version}, args.json, f"incident {args.id} is at version {version}")
    return 0


def register_into(sub: argparse._SubParsersAction, common: Callable[..., Any]) -> None:
    """Add ``show`` and ``edit`` to the ``incidents`` command group (``common`` adds --db/--json/--by)."""
    show = sub.add_parser("show", help="one incident with all its fields and its version")
    show.add_argument("id")
    common(show)
    show.set_defaults(func=_run_show)

    edit = sub.add_parser("edit", help="change fields of one incident, refusing if it changed meanwhile")
    edit.add_argument("id")
    edit.add_argument("--set", action="append", required=True, metavar="FIELD=VALUE", help="repeatable")
    edit.add_argument("--expect-version", dest="expect_version", type=int, metavar="V",
                      help="the version you saw (incidents show); exit 3 if the record is no longer at it")
    common(edit, by=True)
    edit.set_defaults(func=_run_edit)
