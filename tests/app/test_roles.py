"""Accounts and roles on the page: who logs in sees the controls of their role, and the page's
callbacks check the role the store keeps before writing (not only by hiding buttons).

AppTest plays the login (``at.user``, as ``st.user`` after a real OIDC login) with an ``[auth]``
section in its secrets; roles are given through the store, as ``python -m geo users add`` does. The
record-changing cases run on a GeoPackage store and on a PostGIS one (a throwaway cluster).
"""

from __future__ import annotations

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from geo.store import open_store
from tests.app.page_text import errors as page_errors
from tests.app.page_text import plain
from tests.conftest import ROOT
from tests.geo.store_backends import pg_cluster, store_target  # noqa: F401  (fixtures)

APP = str(ROOT / "app.py")
#: What a real ``[auth]`` section holds (placeholders: no provider is reached in these tests).
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 40,
        "client_id": "border-map", "client_secret": "not-a-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}

pytestmark = pytest.mark.slow


@pytest.fixture()
def team(app_env, store_target, monkeypatch):  # noqa: F811
    """A store of each backend with its seed records and three people; yields the test's own
    connection to it (as a colleague's page or the CLI would have)."""
    monkeypatch.setenv("BORDERMAP_DB", store_target)
    monkeypatch.delenv("BORDERMAP_USER")
    store = open_store(store_target, create=True)
    store.set_user("vera@example.org", "viewer", "setup")
    store.set_user("ed@example.org", "editor", "setup")
    store.set_user("ada@example.org", "admin", "setup")
    yield store
    store.close()


def _page(email: str | None, logged_in: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": logged_in, **({"email": email} if email else {})}
    return _run(at)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key} | {b.key for b in at.get("download_button") if b.key}


def _sidebar_text(at: AppTest) -> str:
    return " ".join(plain(m.value).replace("**", "") for m in at.sidebar.markdown)


def _select_seed(at: AppTest, store) -> str:
    seed = store.list().sort_values("event_date")["id"].iloc[0]
    at.selectbox(key="inc_selected").set_value(seed)
    _run(at)
    return str(seed)


def test_without_login_only_the_login_shows(team):
    at = _page(None, logged_in=False)
    assert [b.label for b in at.button] == ["Log in"]
    assert "inc_save" not in _keys(at) and not at.tabs  # no data, no controls
    assert any("log in to open it" in i.value for i in at.info)


def test_an_address_without_a_role_is_refused_in_one_sentence(team):
    at = _page("stranger@example.org")
    assert page_errors(at) == ["stranger@example.org has no role in this Border Map store; ask an admin to add "
                               "you (python -m geo users add stranger@example.org --role viewer)."]
    assert [b.label for b in at.button] == ["Log out"] and not at.tabs


def test_a_viewer_reads_and_exports_but_sees_no_editing_control(team):
    at = _page("Vera@Example.org")
    assert "Signed in as vera@example.org · role viewer" in _sidebar_text(at)
    keys = _keys(at)
    assert "inc_save" not in keys and "inc_import_go" not in keys and "page_users_give" not in keys
    assert {"inc_export_csv", "inc_export_geojson"} <= keys  # export stays
    assert any("Your role (viewer) lets you read, filter and export, not add records" in i.value for i in at.info)
    # zones and coverage scenarios: their save buttons are there, disabled
    assert at.button(key="cov_zone_save").disabled and at.button(key="cov_zone_save_drawn").disabled
    _select_seed(at, team)
    assert at.button(key="inc_delete").disabled and at.button(key="inc_undo_selected").disabled
    assert not any(e.label == "Edit this record" for e in at.expander)


def test_an_editor_adds_and_changes_only_its_own_records(team):
    at = _page("ed@example.org")
    assert "role editor" in _sidebar_text(at) and "page_users_give" not in _keys(at)
    at.text_input(key="inc_coords").input("37.19, 68.61")
    at.selectbox(key="inc_f_event").set_value(("Battles", "Armed clash"))
    at.button(key="inc_save").click()
    _run(at)
    store = team
    mine = store.list().sort_values("created_at")["id"].iloc[-1]
    hist = store.history(mine)
    assert [(h["by"], h["channel"]) for h in hist] == [("ed@example.org", "web")]
    # its own record: every control; the history table names who and how
    at.selectbox(key="inc_selected").set_value(mine)
    _run(at)
    assert not at.button(key="inc_delete").disabled
    history = [d.value for d in at.dataframe if "via" in getattr(d.value, "columns", [])]
    assert list(history[0][["by", "via"]].itertuples(index=False, name=None)) == [("ed@example.org", "web")]
    # a seed record (someone else's): no edit form, delete and undo disabled
    _select_seed(at, team)
    assert at.button(key="inc_delete").disabled
    assert not any(e.label == "Edit this record" for e in at.expander)


def test_the_callback_checks_the_role_the_store_keeps_now(team):
    at = _page("ed@example.org")  # drawn as an editor: the save button is there
    store = team
    before = store.count_live()
    store.set_user("ed@example.org", "viewer", "ada@example.org")  # an admin takes the role away meanwhile
    at.text_input(key="inc_coords").input("37.19, 68.61")
    at.selectbox(key="inc_f_event").set_value(("Battles", "Armed clash"))
    at.button(key="inc_save").click()
    _run(at)
    assert store.count_live() == before  # nothing written
    assert any("ed@example.org is a viewer and may not add records" in e for e in page_errors(at))


def test_an_admin_changes_anyones_record_and_gives_roles(team):
    at = _page("ada@example.org")
    seed = _select_seed(at, team)
    assert not at.button(key="inc_delete").disabled
    at.button(key="inc_delete").click()
    _run(at)
    store = team
    assert store.get(seed)["deleted"] is True
    assert store.history(seed)[-1]["by"] == "ada@example.org"
    at.text_input(key="page_users_email").input("New@Example.org")
    at.selectbox(key="page_users_role").set_value("editor")
    at.button(key="page_users_give").click()
    _run(at)
    assert store.role_of("new@example.org") == "editor"


def test_without_auth_the_single_analyst_types_a_name_and_is_told_where_the_page_listens(app_env):
    at = _run(AppTest.from_file(APP, default_timeout=120))
    assert at.sidebar.text_input(key="page_user").value == "test analyst"
    captions = " ".join(plain(c.value) for c in at.sidebar.caption)
    assert "Served on this machine only (127.0.0.1), without login" in captions
    assert "inc_save" in _keys(at)


@pytest.fixture()
def open_address():
    """The page bound to every interface (as ``--server.address 0.0.0.0`` would)."""
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_serving_beyond_this_machine_without_login_needs_leave_and_warns(app_env, open_address, monkeypatch):
    at = _run(AppTest.from_file(APP, default_timeout=120))
    assert len(page_errors(at)) == 1 and "served on 0.0.0.0 without a login" in page_errors(at)[0]
    assert "inc_save" not in _keys(at) and not at.tabs
    monkeypatch.setenv("BORDERMAP_ALLOW_OPEN", "1")
    at = _run(AppTest.from_file(APP, default_timeout=120))
    assert any("Served on 0.0.0.0 without a login (BORDERMAP_ALLOW_OPEN=1)" in plain(w.value) for w in at.warning)
    assert "inc_save" in _keys(at)
