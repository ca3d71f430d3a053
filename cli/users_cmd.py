"""``python -m geo users add|list|remove``: who may use a team store through the page, and their role.

Roles (viewer, editor, admin; see :mod:`geo.permissions`) are kept in the store itself, on both
backends. The command line is the store's administration channel: whoever can write the store
(the GeoPackage file, or the database with its own login) may change roles. Once the store has an
admin, ``--by`` (or ``BORDERMAP_USER``) naming someone who is not an admin is refused, so a
colleague's mistake cannot change roles by accident.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cli.output import emit

if TYPE_CHECKING:
    from geo.store import IncidentStoreProtocol


def _check_admin(store: IncidentStoreProtocol, args: argparse.Namespace) -> str:
    """Who acts (``--by``, else the setting, else ``cli``); refused when admins exist and it is not one."""
    from cli.incidents_cmd import _who
    from geo.permissions import check

    by = _who(args)
    if args.by and any(u["role"] == "admin" for u in store.list_users()):
        check(store.role_of(by), "manage_users", user=by)
    return by


def _run_add(args: argparse.Namespace) -> int:
    from cli.incidents_cmd import _store
    from geo.permissions import normalise_email

    email = normalise_email(args.email)
    store = _store(args)
    try:
        new = store.set_user(email, args.role, _check_admin(store, args))
    finally:
        store.close()
    emit({"email": email, "role": args.role, "new": new}, args.json,
         f"{email} is {'now' if new else 'changed to'} {args.role} in this store")
    return 0


def _run_remove(args: argparse.Namespace) -> int:
    from cli.incidents_cmd import _store

    store = _store(args)
    try:
        _check_admin(store, args)
        store.remove_user(args.email)
    finally:
        store.close()
    email = str(args.email).strip().lower()
    emit({"email": email, "removed": True}, args.json,
         f"{email} has no role in this store any more (the records it wrote stay)")
    return 0


def _run_list(args: argparse.Namespace) -> int:
    from cli.incidents_cmd import _store

    store = _store(args)
    try:
        users = store.list_users()
    finally:
        store.close()
    human = "\n".join(f"{u['email']:<40} {u['role']:<7} added {u['added_at']} by {u['added_by']}" for u in users)
    emit({"users": [{"email": u["email"], "role": u["role"]} for u in users]}, args.json,
         human or "no users yet: the page serves one analyst without login (python -m geo users add EMAIL "
                  "--role admin to start a team)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``users`` command group."""
    from cli.incidents_cmd import _common
    from geo.permissions import ROLES

    grp = subparsers.add_parser("users", help="who may use a team store through the page, and their role")
    sub = grp.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="give an e-mail address a role (or change its role)")
    add.add_argument("email", help="the address the login provider reports, e.g. ana@example.org")
    add.add_argument("--role", required=True, type=str.lower, choices=ROLES,
                     help="viewer: read, filter, export; editor: also add, import, change own records; "
                          "admin: everyone's records and the users")
    _common(add, by=True)
    add.set_defaults(func=_run_add)
    lst = sub.add_parser("list", help="the users of this store with their roles")
    _common(lst)
    lst.set_defaults(func=_run_list)
    rm = sub.add_parser("remove", help="take an e-mail address's role away")
    rm.add_argument("email")
    _common(rm, by=True)
    rm.set_defaults(func=_run_remove)
