"""The Import tab under AppTest: defaults in the preview, unclassified rows, the review list, the report."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.incidents import UNCLASSIFIED
from geo.store import IncidentStore
from tests.app.conftest import run_app
from tests.app.test_incidents_page import _messages, _run
from tests.geo.test_import_defaults import GOOGLE_EARTH_KML

pytestmark = pytest.mark.slow

KML_NAME = "Panj notes.kml"
PLACEMARKS = {"Shots heard near Panji Poyon", "Road works (Chinese crew)", "Checkpoint seen"}


def _mine(db) -> dict[str, dict]:
    """The KML's records in the store (a new store also holds the shipped records), by location."""
    frame = IncidentStore(db).list()
    return {r["location"]: r for r in frame.to_dict("records") if r["location"] in PLACEMARKS}


def _upload(at: AppTest, name: str = KML_NAME, text: str = GOOGLE_EARTH_KML) -> None:
    at.file_uploader(key="inc_upload").set_value((name, text.encode(), "application/vnd.google-earth.kml+xml"))
    _run(at)


def _review_heading(at: AppTest) -> str:
    heads = [m for m in _messages(at.markdown) if m.startswith("**Needs review")]
    assert len(heads) == 1
    return heads[0]


def test_preview_applies_defaults_and_review_list_classifies(app_env):
    db = app_env / "incidents.gpkg"
    at = run_app()
    assert _review_heading(at).startswith("**Needs review: 0 unclassified records**")
    _upload(at)
    summary = [m for m in _messages(at.markdown) if m.startswith(f"**{KML_NAME}**")]
    assert summary == [f"**{KML_NAME}** (kml): 3 rows, 2 valid (1 without an event type: they come in "
                       "unclassified, for review), 1 rejected."]
    assert at.button(key="inc_import_go").label == "Import 2 valid rows"
    # the defaults: a date for the undated placemark, a source and confidence for all that lack them
    at.date_input(key="inc_def_date").set_value("2025-05-01")
    at.text_input(key="inc_def_source").input("Field notes (Google Earth)")
    at.selectbox(key="inc_def_confidence").set_value("claimed")
    _run(at)
    assert at.button(key="inc_import_go").label == "Import 3 valid rows"
    assert not [d for d in at.dataframe if list(d.value.columns) == ["row", "reason"]]
    at.button(key="inc_import_go").click()
    _run(at)
    report = [s for s in _messages(at.success) if KML_NAME in s]
    assert report == [f"{KML_NAME}: 3 imported, 0 already in the store (skipped), 0 rejected."]
    stored = _mine(db)
    assert {k: v["event_type"] for k, v in stored.items()} == {
        "Shots heard near Panji Poyon": "Battles", "Road works (Chinese crew)": UNCLASSIFIED,
        "Checkpoint seen": UNCLASSIFIED}
    assert stored["Checkpoint seen"]["event_date"] == "2025-05-01"
    assert {v["source"] for v in stored.values()} == {"Field notes (Google Earth)"}
    assert {v["confidence"] for v in stored.values()} == {"claimed"}

    # the review list counts them and classifies one, saved through the store with history
    assert _review_heading(at).startswith("**Needs review: 2 unclassified records**")
    road = stored["Road works (Chinese crew)"]["id"]
    at.selectbox(key="review_record").set_value(road)
    at.selectbox(key="review_type").set_value(("Strategic developments", "Headquarters or base established"))
    _run(at)
    at.button(key="review_go").click()
    _run(at)
    assert any(m.startswith(f"Classified {road[:8]} as Headquarters or base established") for m in
               _messages(at.success))
    assert _review_heading(at).startswith("**Needs review: 1 unclassified record**")
    store = IncidentStore(db)
    rec = store.get(road)
    assert (rec["event_type"], rec["sub_event_type"], rec["record_kind"], rec["disorder_type"]) == (
        "Strategic developments", "Headquarters or base established", "development", "Strategic developments")
    hist = store.history(road)
    assert [h["action"] for h in hist] == ["import", "update"] and hist[-1]["by"] == "test analyst"
    assert _mine(db)["Checkpoint seen"]["event_type"] == UNCLASSIFIED

    # the sidebar filter shows the unclassified records alone
    at.multiselect(key="inc_types").set_value([UNCLASSIFIED])
    _run(at)
    tables = [d.value for d in at.dataframe if {"sub_event_type", "side", "id"} <= set(d.value.columns)]
    assert len(tables) == 1 and list(tables[0]["location"]) == ["Checkpoint seen"]


def test_report_clears_when_another_file_is_chosen(app_env):
    at = run_app()
    _upload(at)
    at.button(key="inc_import_go").click()
    _run(at)
    assert [s for s in _messages(at.success) if KML_NAME in s]
    other = GOOGLE_EARTH_KML.replace("Checkpoint seen", "Ferry landing")
    _upload(at, "Second file.kml", other)
    assert not [s for s in _messages(at.success) if "imported" in s]
    assert [m for m in _messages(at.markdown) if m.startswith("**Second file.kml** (kml): 3 rows")]
    assert not any("/tmp" in m or "bordermap-import" in m for m in _messages(at.markdown) + _messages(at.error))


def test_editing_an_unclassified_record_keeps_it_unclassified(app_env):
    db = app_env / "incidents.gpkg"
    store = IncidentStore(db, create=True)
    rid = store.add({"event_date": "2025-04-02", "event_type": UNCLASSIFIED, "latitude": 38.4504,
                     "longitude": 71.0302, "location": "Road works (Chinese crew)"}, "test analyst")
    at = run_app()
    at.selectbox(key="inc_selected").set_value(rid)
    _run(at)
    at.text_input(key=f"inc_e_{rid}_fatalities").input("2")
    at.button(key="inc_edit_save").click()
    _run(at)
    assert not at.error, [e.value for e in at.error]
    rec = IncidentStore(db).get(rid)
    assert (rec["fatalities"], rec["event_type"], rec["sub_event_type"]) == (2, UNCLASSIFIED, None)
