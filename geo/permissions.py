"""Who may do what in a team store: three roles and one pure rule, used by the page and the CLI.

Roles (kept in the store's users table, see :func:`geo.store.open_store`):

* ``viewer``  reads, filters, exports and takes snapshots;
* ``editor``  also adds and imports records, draws zones and saves coverage scenarios, and
  edits, deletes and undoes the records and zones it created itself;
* ``admin``   everything, on everyone's records and zones, and manages the users.

Without a login (one analyst on one machine) no role applies: :data:`SINGLE_ANALYST` stands for
that analyst and may do everything. People are named by their e-mail address, compared without
regard to case.

>>> allowed("editor", "edit", record_owner="ana@example.org", user="Ana@Example.org")
True
>>> allowed("editor", "delete", record_owner="bo@example.org", user="ana@example.org")
False
>>> allowed("viewer", "export")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.errors import BorderMapError, InvalidInputError

#: The roles, from least to most allowed.
ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
#: The "role" of the one analyst of a page served without login (may do everything).
SINGLE_ANALYST = "single-analyst"

#: What a viewer may do.
READ_ACTIONS: frozenset[str] = frozenset({"read", "export", "snapshot"})
#: What an editor may do on anything (new things it creates).
CREATE_ACTIONS: frozenset[str] = frozenset({"add", "import", "zone_add", "scenario_save"})
#: What an editor may do only on what it created itself (``record_owner``).
OWN_ACTIONS: frozenset[str] = frozenset({"edit", "delete", "undo", "zone_delete", "scenario_save"})
#: Only admins.
ADMIN_ACTIONS: frozenset[str] = frozenset({"manage_users"})
#: Every action :func:`allowed` knows.
ACTIONS: frozenset[str] = READ_ACTIONS | CREATE_ACTIONS | OWN_ACTIONS | ADMIN_ACTIONS

#: What an action is called in a refusal ("… may not <verb>").
_VERBS = {"read": "read the records", "export": "export records", "snapshot": "take snapshots",
          "add": "add records", "import": "import records", "zone_add": "save zones",
          "scenario_save": "save coverage scenarios", "edit": "edit this record",
          "delete": "delete this record", "undo": "undo changes to this record",
          "zone_delete": "delete this zone", "manage_users": "manage users"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PermissionDeniedError(BorderMapError, PermissionError):
    """The role of the person acting does not allow the action (nothing was written)."""


def normalise_email(email: object) -> str:
    """An e-mail address as the users table keeps it (trimmed, lower case); refuses anything else.

    >>> normalise_email("  Ana@Example.ORG ")
    'ana@example.org'
    """
    text = str(email or "").strip().lower()
    if not _EMAIL.match(text) or len(text) > 254:
        raise InvalidInputError(f"{str(email)[:80]!r} is not an e-mail address (name@example.org)")
    return text


def check_role(role: object) -> str:
    """``role`` if it is one of :data:`ROLES`, else one sentence naming them."""
    text = str(role or "").strip().lower()
    if text not in ROLES:
        raise InvalidInputError(f"role must be one of {', '.join(ROLES)}, got {str(role)[:40]!r}")
    return text


def _same_person(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and str(a).strip().lower() == str(b).strip().lower()


def allowed(role: str | None, action: str, record_owner: str | None = None, user: str | None = None) -> bool:
    """True when someone of ``role`` may do ``action``.

    Parameters
    ----------
    role : str or None
        One of :data:`ROLES`, :data:`SINGLE_ANALYST` (no login: everything), or None (no role:
        nothing).
    action : str
        One of :data:`ACTIONS`.
    record_owner : str or None
        Who created the record, zone or scenario acted on (its ``created_by``/``saved_by``);
        None for something new.
    user : str or None
        Who acts (the logged-in e-mail address).
    """
    if action not in ACTIONS:
        raise InvalidInputError(f"unknown action {action!r}; one of {', '.join(sorted(ACTIONS))}")
    if role in (SINGLE_ANALYST, "admin"):
        return True
    if role == "viewer":
        return action in READ_ACTIONS
    if role != "editor":
        return False
    if action in READ_ACTIONS:
        return True
    if action == "scenario_save":  # a new name is a creation; an existing one belongs to its saver
        return record_owner is None or _same_person(record_owner, user)
    if action in CREATE_ACTIONS:
        return True
    if action in OWN_ACTIONS:
        return _same_person(record_owner, user)
    return False


def check(role: str | None, action: str, record_owner: str | None = None, user: str | None = None) -> None:
    """Raise :class:`PermissionDeniedError` (one sentence) unless :func:`allowed`."""
    if allowed(role, action, record_owner, user):
        return
    who = user or "this account"
    if role is None:
        raise PermissionDeniedError(f"{who} has no role in this store; ask an admin to add it "
                                    "(python -m geo users add EMAIL --role viewer|editor|admin)")
    whose = f" (created by {record_owner})" if record_owner and action in OWN_ACTIONS else ""
    article = "an" if str(role)[:1] in "aeiou" else "a"
    raise PermissionDeniedError(f"{who} is {article} {role} and may not {_VERBS[action]}{whose}")


@dataclass(frozen=True)
class Access:
    """Who is working and what they may do: ``user`` is the name kept in the history (the
    logged-in e-mail address, or the single analyst's typed name, None until given) and ``role``
    one of :data:`ROLES`, :data:`SINGLE_ANALYST`, or None (logged in, no role: nothing)."""

    user: str | None
    role: str | None

    @property
    def team(self) -> bool:
        """True when people log in (roles apply)."""
        return self.role != SINGLE_ANALYST

    def may(self, action: str, owner: str | None = None) -> bool:
        """:func:`allowed` for this person on something created by ``owner``."""
        return allowed(self.role, action, owner, self.user)

    def check(self, action: str, owner: str | None = None) -> None:
        """:func:`check` for this person on something created by ``owner``."""
        check(self.role, action, owner, self.user)


def is_loopback_address(address: str | None) -> bool:
    """True when a server bound to ``address`` is reachable from this machine only.

    An empty address means every interface (Streamlit's default).

    >>> is_loopback_address("127.0.0.1"), is_loopback_address("0.0.0.0"), is_loopback_address("")
    (True, False, False)
    """
    import ipaddress

    text = str(address or "").strip().strip("[]")
    if text.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False
