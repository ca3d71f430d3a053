"""Coverage scenarios on the page live in the incident store (GeoPackage or PostGIS), shared by
everyone who opens it; scenario files saved before are brought in once, never replacing one."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.assets import Asset, Scenario, save_scenario
from geo.scenario_store import ScenarioStore
from geo.store import open_store
from tests.conftest import ROOT
from tests.geo.store_backends import pg_cluster, store_target  # noqa: F401  (fixtures)

APP = str(ROOT / "app.py")

pytestmark = pytest.mark.slow

POST = Asset("p1", "Colleague's post", "border_post", 69.95, 37.75)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_colleagues_scenario_and_an_old_file_show_and_a_saved_one_is_shared(app_env, store_target,  # noqa: F811
                                                                               monkeypatch):
    monkeypatch.setenv("BORDERMAP_DB", store_target)
    folder = app_env / "scenarios"
    save_scenario(Scenario("Old file", (POST,)), folder)  # saved by an earlier version, as a file
    colleague = open_store(store_target)
    try:
        ScenarioStore(colleague).save(Scenario("Bo's posts", (POST,)), "Colleague Bo")
        at = _run(AppTest.from_file(APP, default_timeout=90))
        assert at.selectbox(key="cov_load_choice").options == ["Bo's posts", "Old file"]
        at.button(key="cov_add_crossing").click()
        _run(at)
        at.text_input(key="cov_scenario_name").input("Ana's crossings")
        at.button(key="cov_save").click()
        _run(at)
        assert not at.error, [e.value for e in at.error]
        assert ScenarioStore(colleague).names() == ["Ana's crossings", "Bo's posts", "Old file"]
        assert colleague.get_scenario("Ana's crossings")["saved_by"] == "test analyst"
        assert colleague.get_scenario("Old file")["saved_by"] == "file old-file.geojson"
        assert sorted(p.name for p in folder.iterdir()) == ["old-file.geojson"]  # no file written
        # the old file is brought in once: a scenario saved under its name later is not replaced
        ScenarioStore(colleague).save(Scenario("Old file", (POST, Asset("p2", "New", "border_post", 70.1, 37.8))),
                                      "Colleague Bo")
        _run(AppTest.from_file(APP, default_timeout=90))
        assert len(ScenarioStore(colleague).load("Old file").assets) == 2
        at.selectbox(key="cov_load_choice").select("Bo's posts")
        _run(at)
        at.button(key="cov_load").click()
        _run(at)
        assert any("Colleague's post" in str(v) for v in at.session_state["_cov_rows"])
    finally:
        colleague.close()
