"""``python -m geo users add|list|remove`` on both backends, and roles held by the CLI's writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.store import open_store
from tests.cli.test_cli_store import run
from tests.geo.store_backends import fresh_database, pg_cluster  # noqa: F401 (fixture)


@pytest.fixture(params=["gpkg", "postgis"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "gpkg":
        return str(tmp_path / "team.gpkg")
    return fresh_database(request.getfixturevalue("pg_cluster"))


def test_add_list_remove(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "users", "list", "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out) == {"users": []}
    code, out, err = run(capsys, "users", "add", "Ana@Example.org", "--role", "admin", "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out) == {"email": "ana@example.org", "role": "admin", "new": True}
    assert run(capsys, "users", "add", "bo@example.org", "--role", "Editor", "--db", db)[0] == 0
    code, out, _ = run(capsys, "users", "list", "--db", db, "--json")
    assert json.loads(out) == {"users": [{"email": "ana@example.org", "role": "admin"},
                                         {"email": "bo@example.org", "role": "editor"}]}
    code, out, _ = run(capsys, "users", "list", "--db", db)
    assert "bo@example.org" in out and "editor" in out
    assert run(capsys, "users", "remove", "bo@example.org", "--db", db)[0] == 0
    store = open_store(db, seed_path=None)
    try:
        assert store.role_of("bo@example.org") is None and store.role_of("ana@example.org") == "admin"
    finally:
        store.close()


@pytest.mark.parametrize(("argv", "sentence"), [
    (("users", "add", "not-an-address", "--role", "viewer"), "is not an e-mail address"),
    (("users", "remove", "nobody@example.org"), "nobody@example.org is not a user of this store"),
])
def test_bad_input_is_one_sentence(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...],
                                   sentence: str) -> None:
    code, out, err = run(capsys, *argv, "--db", str(tmp_path / "s.gpkg"))
    assert code == 2 and sentence in err and "Traceback" not in err and out == ""


def test_an_unknown_role_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        run(capsys, "users", "add", "a@example.org", "--role", "owner", "--db", str(tmp_path / "s.gpkg"))
    assert stop.value.code == 2
    assert "invalid choice: 'owner' (choose from 'viewer', 'editor', 'admin')" in capsys.readouterr().err


def test_roles_hold_for_the_cli_when_it_names_a_user(capsys: pytest.CaptureFixture[str], db: str) -> None:
    store = open_store(db, seed_path=None)
    try:
        store.set_user("ana@example.org", "admin", "setup")
        store.set_user("ed@example.org", "editor", "setup")
        store.set_user("vera@example.org", "viewer", "setup")
        theirs = store.add({"event_date": "2025-03-15", "event_type": "Attack", "latitude": 37.1,
                            "longitude": 68.1}, "ana@example.org")
        add = ("incidents", "add", "--lat", "37.2", "--lon", "68.2", "--date", "2025-03-16", "--type", "Attack",
               "--db", db, "--json")
        code, _, err = run(capsys, *add, "--by", "vera@example.org")
        assert code == 2 and "vera@example.org is a viewer and may not add records" in err
        code, out, err = run(capsys, *add, "--by", "ed@example.org")
        assert code == 0, err
        mine = json.loads(out)["id"]
        assert store.history(mine)[-1]["channel"] == "cli" and store.get(mine)["created_by"] == "ed@example.org"
        code, _, err = run(capsys, "incidents", "delete", theirs, "--db", db, "--by", "ed@example.org")
        assert code == 2 and "may not delete this record (created by ana@example.org)" in err
        assert store.get(theirs)["deleted"] is False
        assert run(capsys, "incidents", "delete", mine, "--db", db, "--by", "ed@example.org")[0] == 0
        assert run(capsys, "incidents", "delete", theirs, "--db", db, "--by", "ana@example.org")[0] == 0
        # roles: only an admin changes them once the store has one
        code, _, err = run(capsys, "users", "add", "x@example.org", "--role", "admin", "--db", db,
                           "--by", "ed@example.org")
        assert code == 2 and "ed@example.org is an editor and may not manage users" in err
        assert store.role_of("x@example.org") is None
    finally:
        store.close()
