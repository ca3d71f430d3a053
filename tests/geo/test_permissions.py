"""geo.permissions: the one rule the page and the CLI apply before writing."""

from __future__ import annotations

import pytest

from geo.errors import InvalidInputError
from geo.permissions import (
    ACTIONS,
    READ_ACTIONS,
    SINGLE_ANALYST,
    Access,
    PermissionDeniedError,
    allowed,
    check,
    is_loopback_address,
    normalise_email,
)

ME, OTHER = "ana@example.org", "bo@example.org"
#: action → (viewer, editor on its own, editor on another's, admin on another's)
MATRIX = {
    "read": (True, True, True, True), "export": (True, True, True, True), "snapshot": (True, True, True, True),
    "add": (False, True, True, True), "import": (False, True, True, True), "zone_add": (False, True, True, True),
    "edit": (False, True, False, True), "delete": (False, True, False, True), "undo": (False, True, False, True),
    "zone_delete": (False, True, False, True), "scenario_save": (False, True, False, True),
    "manage_users": (False, False, False, True),
}


def test_the_matrix_covers_every_action():
    assert set(MATRIX) == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_role_matrix(action):
    viewer, editor_own, editor_other, admin = MATRIX[action]
    assert allowed("viewer", action, ME, ME) is viewer
    assert allowed("editor", action, ME, ME.upper()) is editor_own  # addresses compare without case
    assert allowed("editor", action, OTHER, ME) is editor_other
    assert allowed("admin", action, OTHER, ME) is admin
    assert allowed(None, action, ME, ME) is False  # logged in without a role: nothing
    assert allowed(SINGLE_ANALYST, action) is True  # no login: the one analyst does everything


def test_an_editor_saves_a_new_scenario_name_but_not_over_a_colleagues():
    assert allowed("editor", "scenario_save", None, ME)
    assert not allowed("editor", "scenario_save", OTHER, ME)


def test_an_editor_may_not_change_a_record_without_a_known_creator():
    assert not allowed("editor", "edit", None, ME) and not allowed("editor", "edit", "", "")


def test_refusals_are_one_sentence():
    with pytest.raises(PermissionDeniedError, match=r"^bo@example.org is an editor and may not delete this "
                                                    r"record \(created by ana@example.org\)$"):
        check("editor", "delete", ME, OTHER)
    with pytest.raises(PermissionDeniedError, match="has no role in this store; ask an admin"):
        check(None, "read", None, ME)
    with pytest.raises(InvalidInputError, match="unknown action"):
        allowed("admin", "drop_table")
    check("viewer", "export", None, ME)  # allowed: no error


def test_access_value():
    viewer = Access(ME, "viewer")
    assert viewer.team and viewer.may("export") and not viewer.may("add")
    assert not Access("Ana", SINGLE_ANALYST).team
    assert READ_ACTIONS <= ACTIONS


@pytest.mark.parametrize(("text", "expected"), [(" Ana@Example.ORG ", "ana@example.org"),
                                                ("a.b+c@sub.example.tj", "a.b+c@sub.example.tj")])
def test_email_normalised(text, expected):
    assert normalise_email(text) == expected


@pytest.mark.parametrize("text", ["", "ana", "ana@", "@example.org", "ana@example", "a b@example.org",
                                  "x" * 250 + "@example.org"])
def test_email_refused(text):
    with pytest.raises(InvalidInputError, match="not an e-mail address"):
        normalise_email(text)


@pytest.mark.parametrize(("address", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                   ("127.0.1.1", True), ("0.0.0.0", False), ("", False),
                                                   ("192.168.1.5", False), ("example.org", False)])
def test_loopback_addresses(address, loopback):
    assert is_loopback_address(address) is loopback
