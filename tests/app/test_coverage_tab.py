"""The "Patrol coverage" tab under Streamlit's AppTest: assets, errors, models, scenarios, zones."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def _run(rows: list[dict] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if rows is not None:
        at.session_state["_cov_rows"] = rows
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str | None:
    found = [m.value for m in at.metric if m.label == label]
    return found[0] if found else None


def _covered_km(at: AppTest) -> float | None:
    value = _metric(at, "Border covered")
    return None if value is None else float(value.removesuffix(" km").replace(",", ""))


def _texts(elements) -> str:
    return "\n".join(e.value for e in elements)


POST = {"name": "Post near Shohon", "kind": "border_post", "lat": 37.5, "lon": 70.3, "radius_km": 20.0}


def test_tab_renders_without_assets():
    at = _run()
    assert "Patrol coverage" in [t.label for t in at.tabs]
    assert _covered_km(at) is None
    assert "Add assets" in _texts(at.info)
    assert at.radio(key="cov_model").options == ["Patrol radius"]


def test_radius_works_without_dem_and_terrain_models_say_why():
    at = _run([POST])
    info = _texts(at.info)
    assert "Travel-time and line-of-sight models are unavailable" in info
    assert "BORDERMAP_DEM" in info and "radius model works without a DEM" in info.replace("patrol-", "")
    assert "suitability analysis needs a DEM" in info
    assert at.button(key="cov_dep_run").disabled
    assert 0 < _covered_km(at) <= 60


def test_anchor_buttons_add_assets_and_cover_the_border():
    at = _run()
    at.button(key="cov_add_crossing").click().run()
    assert not at.exception
    covered = _covered_km(at)
    assert covered is not None and covered > 0
    assert {r["kind"] for r in at.session_state["_cov_rows"]} == {"crossing"}
    at.button(key="cov_add_garrison").click().run()
    kinds = [r["kind"] for r in at.session_state["_cov_rows"]]
    assert kinds.count("garrison") == 2 and kinds.count("crossing") == 7
    # pressing again adds no duplicates
    at.button(key="cov_add_crossing").click().run()
    assert len(at.session_state["_cov_rows"]) == 9
    assert len(at.dataframe) >= 3  # gaps table among them
    assert "risk = length_km" in _texts(at.caption)
    # the ±30-km seed attacks count as certain–possible ranges ("0–3"), never one figure
    assert "counts in full toward every segment or gap" in _texts(at.caption)
    gaps = next(d.value for d in at.dataframe if "risk" in d.value.columns)
    counts = [tuple(int(v) for v in str(t).split("–")) for t in gaps["n_incidents"]]
    assert all(len(c) == 1 or c[0] < c[1] for c in counts) and any(len(c) == 2 for c in counts)
    assert (gaps["risk_min"] <= gaps["risk"]).all()


def test_typed_asset_is_added_and_one_outside_the_region_is_refused():
    at = _run()
    at.text_input(key="cov_new_name").input("Analyst post")
    at.number_input(key="cov_new_lat").set_value(37.5)
    at.number_input(key="cov_new_lon").set_value(70.3)
    at.button(key="cov_new_submit").click().run()
    assert not at.exception
    covered = _covered_km(at)
    assert covered is not None and covered > 0
    # outside the region (lat 45): an error naming the position; nothing changes
    at.text_input(key="cov_new_name").input("Far away")
    at.number_input(key="cov_new_lat").set_value(45.0)
    at.button(key="cov_new_submit").click().run()
    assert not at.exception
    assert "outside the region" in _texts(at.error)
    assert len(at.session_state["_cov_rows"]) == 1
    assert _covered_km(at) == covered


def test_use_the_last_map_click_fills_the_new_asset():
    at = _run()
    at.button(key="cov_use_click").click().run()  # no click yet: said so, nothing changes
    assert "Click a point on the map first" in _texts(at.info)
    assert at.number_input(key="cov_new_lat").value == 37.5
    # the map reports a click (st_folium's return value under the map's key)
    at.session_state["main_map"] = {"last_clicked": {"lat": 37.511111, "lng": 70.322222}}
    at.run()
    at.button(key="cov_use_click").click().run()
    assert not at.exception
    assert at.number_input(key="cov_new_lat").value == pytest.approx(37.51111)
    assert at.number_input(key="cov_new_lon").value == pytest.approx(70.32222)
    at.text_input(key="cov_new_name").input("Clicked post")
    at.button(key="cov_new_submit").click().run()
    assert _covered_km(at) is not None and _covered_km(at) > 0


@pytest.mark.parametrize(("bad", "field"), [
    ({"lat": 45.0, "lon": 69.0}, "outside the region"),
    ({"radius_km": 0.0}, "radius_km"),
    ({"range_km": 1e6}, "range_km"),
    ({"kind": "battleship"}, "kind"),
    ({"lat": None}, "lat"),
])
def test_bad_table_row_shows_error_naming_row_and_field_and_is_not_applied(bad, field):
    good = _covered_km(_run([POST]))
    at = _run([POST, {**POST, "name": "Bad row", **bad}])
    errors = _texts(at.error)
    assert "Row 2 ('Bad row')" in errors and field in errors and "not applied" in errors
    assert _covered_km(at) == good


def test_scenario_saved_and_reloaded_gives_the_same_figures(tmp_path):
    at = _run()
    at.button(key="cov_add_crossing").click().run()
    before = {label: _metric(at, label) for label in ("Border covered", "Share of the border",
                                                       "Longest gap", "Gaps")}
    at.text_input(key="cov_scenario_name").input("crossings only")
    at.button(key="cov_save").click().run()
    assert not at.exception
    # kept in the incident store (shared by whoever opens it), with who saved it; no file written
    from geo.scenario_store import ScenarioStore
    from geo.store import IncidentStore

    stored = IncidentStore(tmp_path / "incidents.gpkg")
    assert ScenarioStore(stored).names() == ["crossings only"]
    assert stored.get_scenario("crossings only")["saved_by"] == "test analyst"
    assert not (tmp_path / "scenarios").exists() or not any((tmp_path / "scenarios").iterdir())
    assert not list(ROOT.glob("**/crossings-only.geojson"))
    at.button(key="cov_clear").click().run()
    assert _covered_km(at) is None
    at.selectbox(key="cov_load_choice").select("crossings only").run()
    at.button(key="cov_load").click().run()
    assert not at.exception
    assert {label: _metric(at, label) for label in before} == before
    # compare: the working scenario against the saved one, identical
    at.multiselect(key="cov_compare").select("crossings only").run()
    tables = [d.value for d in at.dataframe if "gained_km" in d.value.columns]
    assert len(tables) == 1 and list(tables[0]["gained_km"]) == [0.0, 0.0]


def _saved_zones(tmp_path):
    from geo.store import IncidentStore
    from geo.zone_store import ZoneStore

    return ZoneStore(IncidentStore(tmp_path / "incidents.gpkg")).list()


def test_analyst_zone_pasted_is_validated_and_saved_in_the_store(tmp_path):
    ring = [[69.0, 37.8], [69.2, 37.8], [69.2, 38.0], [69.0, 38.0], [69.0, 37.8]]
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "<b>zone</b>"}, "geometry": {"type": "Polygon",
                                                                              "coordinates": [ring]}}]}
    at = _run()
    at.text_area(key="cov_zone_text").input(json.dumps(doc))
    at.button(key="cov_zone_save").click().run()
    assert not at.exception
    assert "Saved 1 zone" in _texts(at.success)
    assert list(_saved_zones(tmp_path)["name"]) == ["<b>zone</b>"]
    # a zone outside the region is refused and the store keeps one zone
    doc["features"][0]["geometry"]["coordinates"] = [[[p[0] + 20, p[1]] for p in ring]]
    at.text_area(key="cov_zone_text").input(json.dumps(doc))
    at.button(key="cov_zone_save").click().run()
    assert "leaves the region" in _texts(at.error)
    assert len(_saved_zones(tmp_path)) == 1


def test_shape_drawn_on_the_map_is_saved_as_a_zone(tmp_path):
    ring = [[71.3, 37.3], [71.6, 37.3], [71.6, 37.6], [71.3, 37.6], [71.3, 37.3]]
    at = _run()
    # what the map's draw tool returns through st_folium
    at.session_state["main_map"] = {"last_clicked": None, "last_active_drawing": {
        "type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}}
    at.run()
    at.text_input(key="cov_zone_name").input("Khorog detachment option").run()
    at.button(key="cov_zone_save_drawn").click().run()
    assert not at.exception
    zones = _saved_zones(tmp_path)
    assert list(zones["name"]) == ["Khorog detachment option"]
    assert zones.geometry.iloc[0].bounds == (71.3, 37.3, 71.6, 37.6)
    # deleting it from the page
    at.selectbox(key="cov_zone_del_pick").select(zones["id"].iloc[0]).run()
    at.button(key="cov_zone_delete").click().run()
    assert _saved_zones(tmp_path).empty


@pytest.fixture()
def real_dem(monkeypatch, region_dem):
    """The page finds the synthetic regional DEM as it would a real one (BORDERMAP_DEM)."""
    monkeypatch.setenv("BORDERMAP_DEM", str(region_dem))


def test_with_a_dem_sight_model_and_deployment_zones_work(real_dem):
    at = _run()
    assert at.radio(key="cov_model").options == ["Patrol radius", "Travel time over terrain (DEM)",
                                                  "Line of sight (DEM)"]
    at.button(key="cov_add_crossing").click().run()
    radius_km = _covered_km(at)
    at.radio(key="cov_model").set_value("sight").run()
    assert not at.exception
    sight_km = _covered_km(at)
    assert sight_km is not None and 0 < sight_km < radius_km
    # with a DEM, each gap carries its terrain (the western lowlands to the Pamirs)
    gaps = next(d.value for d in at.dataframe if "risk" in d.value.columns)
    assert {"elev_mean_m", "slope_max_deg", "tri_mean_m"} <= set(gaps.columns)
    assert gaps["elev_mean_m"].between(200, 6000).all() and gaps["elev_mean_m"].max() > 2000
    at.button(key="cov_dep_run").click().run()
    assert not at.exception
    zones = [d.value for d in at.dataframe if "score (0–1)" in d.value.columns]
    assert len(zones) == 1 and len(zones[0]) >= 1 and zones[0]["rank"].iloc[0] == 1
    assert "analytical hypothesis, not a report" in _texts(at.caption)
