"""The page reads the same settings as the CLI (geo.settings): data dir, store, user."""

from __future__ import annotations

from ui import incidents_state, page_state, state


def test_page_and_cli_agree_on_data_dir_store_and_user(tmp_path, monkeypatch):
    from geo.settings import read_settings
    from geo.store import default_db_path, store_target

    monkeypatch.setenv("BORDERMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BORDERMAP_DB", str(tmp_path / "team.gpkg"))
    monkeypatch.setenv("BORDERMAP_USER", "Ana")
    assert state.data_dir() == str(tmp_path / "data") == str(read_settings().data_dir)
    assert incidents_state.target() == str(tmp_path / "team.gpkg") == str(default_db_path(None))
    assert page_state.default_user() == "Ana"
    monkeypatch.setenv("BORDERMAP_DB", "postgresql://ana@127.0.0.1:5432/team")  # a team's PostGIS store
    assert incidents_state.target() == "postgresql://ana@127.0.0.1:5432/team" == store_target(None)


def test_page_does_not_default_to_the_os_login(monkeypatch):
    monkeypatch.delenv("BORDERMAP_USER", raising=False)
    monkeypatch.setenv("USER", "oslogin")
    monkeypatch.setenv("LOGNAME", "oslogin")
    assert page_state.default_user() == ""
