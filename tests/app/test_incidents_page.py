"""Incidents on the page under AppTest: entry with live check, save, errors, edit/delete/undo, import."""

from __future__ import annotations

import calendar
import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from geo.datasets import DATA_DIR, SEED_INCIDENTS_FILE
from geo.store import IncidentStore
from tests.app.page_text import incidents_table, plain
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
#: Records a new store starts with (data/seed_incidents.geojson: incidents and developments).
SEED_DATES = sorted(f["properties"]["event_date"] for f in
                    json.loads((DATA_DIR / SEED_INCIDENTS_FILE).read_text(encoding="utf-8"))["features"])
N_SEED = len(SEED_DATES)
XSS = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">"


@pytest.fixture()
def db(app_env):
    return app_env / "incidents.gpkg"


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture()
def app(db) -> AppTest:
    return _app()





def _messages(elements) -> list[str]:
    return [plain(e.value) for e in elements]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _fill(at: AppTest, coords: str, event: tuple[str, str] | None = ("Battles", "Armed clash"),
          **fields: str) -> None:
    at.text_input(key="inc_coords").input(coords)
    if event is not None:
        at.selectbox(key="inc_f_event").set_value(event)
    for name, value in fields.items():
        key = "inc_location" if name == "location" else f"inc_f_{name}"
        if name == "notes":
            at.text_area(key=key).input(value)
        else:
            at.text_input(key=key).input(value)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def test_seed_incidents_are_listed_with_their_side(app):
    table = incidents_table(app)
    assert len(table) == N_SEED
    # the side the whole precision circle lies on: the ±30-km seed attacks by the river are uncertain
    assert set(table["side"]) <= {"TJK", "AFG", "other", "uncertain"} and "uncertain" in set(table["side"])
    assert "Zarbuz" in " ".join(table["location"].astype(str))
    rough = table[table["side"] == "uncertain"].iloc[0]
    low, high = (float(v.replace(",", "")) for v in rough["border_km"].split("–"))
    assert low == 0 and high > 25  # a range, never one figure, for a point known to ±30 km
    assert "–" in rough["chainage_km"]


def test_dms_shows_side_distance_and_chainage(app):
    app.text_input(key="inc_coords").input("37°11'40\"N 68°36'19\"E")
    m = _metrics(_run(app))
    assert m["Parsed point (lat, lon)"] == "37.19444, 68.60528"
    assert m["Side"] in ("Tajikistan", "Afghanistan")
    assert m["Distance to border"].endswith(" km") and float(m["Distance to border"][:-3]) < 5
    assert m["Nearest chainage"].startswith("km ")


def test_a_typed_precision_turns_the_check_into_ranges(app):
    app.text_input(key="inc_coords").input("37.2400, 68.6000")
    app.text_input(key="inc_precision").input("30")
    m = _metrics(_run(app))
    assert m["Side (within ±30 km)"] == "uncertain"
    low, high = m["Distance to border"].removesuffix(" km").split("–")
    assert float(low) == 0 and 30 < float(high) < 40
    c_low, c_high = (float(v.replace(",", "")) for v in m["Nearest chainage"].removeprefix("km ").split("–"))
    assert c_high - c_low >= 60
    app.text_input(key="inc_precision").input("lots")
    _run(app)
    assert any(e.startswith("Location precision:") for e in _messages(app.error))
    assert m["Parsed point (lat, lon)"] == _metrics(app)["Parsed point (lat, lon)"]  # the point still shows


def test_swapped_coordinates_offer_did_you_mean_and_apply_it(app):
    app.text_input(key="inc_coords").input("68.61, 37.19")
    _run(app)
    assert any("did you mean 37.19, 68.61" in w for w in _messages(app.warning))
    swap = app.button(key="inc_swap")
    swap.click()
    _run(app)
    assert app.text_input(key="inc_coords").value == "37.19, 68.61"
    assert _metrics(app)["Parsed point (lat, lon)"] == "37.19000, 68.61000"
    assert not any("did you mean" in w for w in _messages(app.warning))


def test_unreadable_coordinates_name_the_problem(app):
    app.text_input(key="inc_coords").input("north of the river")
    _run(app)
    assert any(e.startswith("Coordinates:") for e in _messages(app.error))


def test_saving_adds_a_row_that_survives_a_restart(app, db):
    _fill(app, "37.1944, 68.6053", location="Panji Poyon, near Farkhor", injured="2",
          actor1="Border Troops of Tajikistan", source="Asia-Plus", notes=XSS)
    app.button(key="inc_save").click()
    _run(app)
    assert not app.error, [e.value for e in app.error]
    table = incidents_table(app)
    assert len(table) == N_SEED + 1
    new = table[table["location"] == "Panji Poyon, near Farkhor"].iloc[0]
    assert new["notes"] == XSS  # stored as typed; st.dataframe shows text, never HTML
    assert app.text_input(key="inc_coords").value == ""  # the form is cleared for the next report
    assert any("Saved" in s for s in _messages(app.success))
    _run(app)  # another rerun (the map reporting its view) keeps the confirmation…
    assert any("Saved" in s for s in _messages(app.success))
    app.text_input(key="inc_coords").input("37.5, 70.1")  # …until the next report is begun
    _run(app)
    assert not any("Saved" in s for s in _messages(app.success))
    # a new session (the app restarted) reads the same file
    again = _app()
    assert len(incidents_table(again)) == N_SEED + 1
    stored = IncidentStore(db).list()
    assert XSS in set(stored["notes"]) and len(stored) == N_SEED + 1
    assert stored["fatalities"].isna().sum() == 1  # left blank: unknown, not zero


def test_nothing_is_preselected_and_saving_asks_for_the_event_type_and_the_name(app, db, monkeypatch):
    assert app.selectbox(key="inc_f_event").value is None  # the form does not guess the event type
    revision = IncidentStore(db).revision
    _fill(app, "37.1944, 68.6053", event=None, location="Farkhor", notes="kept")
    app.button(key="inc_save").click()
    _run(app)
    assert any("event type" in e and "choose" in e for e in _messages(app.error))
    assert IncidentStore(db).revision == revision
    assert app.text_area(key="inc_f_notes").value == "kept"
    # without BORDERMAP_USER the name box starts empty (never the operating system's account)…
    monkeypatch.delenv("BORDERMAP_USER")
    fresh = _app()
    assert fresh.sidebar.text_input(key="page_user").value == ""
    _fill(fresh, "37.1944, 68.6053", location="Farkhor")
    fresh.button(key="inc_save").click()
    _run(fresh)
    assert any("type your name" in e for e in _messages(fresh.error))
    assert IncidentStore(db).revision == revision
    # …and once typed, the name is what the history records
    fresh.sidebar.text_input(key="page_user").input("A. Analyst")
    fresh.button(key="inc_save").click()
    _run(fresh)
    assert not fresh.error, [e.value for e in fresh.error]
    new = IncidentStore(db).list().sort_values("created_at").iloc[-1]
    assert new["created_by"] == "A. Analyst" and new["location"] == "Farkhor"


def test_saving_without_a_valid_point_writes_nothing_and_keeps_the_entries(app, db):
    revision = IncidentStore(db).revision
    _fill(app, "97.1944, 68.6053", location="Farkhor", notes="kept")  # latitude > 90
    app.button(key="inc_save").click()
    _run(app)
    assert any(e.startswith("Not saved — coordinates") for e in _messages(app.error))
    assert IncidentStore(db).revision == revision
    assert app.text_input(key="inc_coords").value == "97.1944, 68.6053"
    assert app.text_area(key="inc_f_notes").value == "kept"


@pytest.mark.parametrize(("field", "value", "named"), [
    ("event_date", "2025-02-30", "event_date"),
    ("fatalities", "-3", "fatalities"),
    ("source_url", "javascript:alert(1)", "source_url"),
])
def test_invalid_field_names_it_and_writes_nothing(app, db, field, value, named):
    revision = IncidentStore(db).revision
    _fill(app, "37.1944, 68.6053", location="Farkhor", notes="kept", **{field: value})
    app.button(key="inc_save").click()
    _run(app)
    errors = _messages(app.error)
    assert errors and named in errors[0], errors
    assert IncidentStore(db).revision == revision
    assert len(incidents_table(app)) == N_SEED
    # nothing typed is lost
    assert app.text_input(key=f"inc_f_{field}").value == value
    assert app.text_input(key="inc_coords").value == "37.1944, 68.6053"
    assert app.text_area(key="inc_f_notes").value == "kept"


def test_edit_history_delete_and_undo(app, db):
    table = incidents_table(app)
    # a record whose fatalities are typed, not set by claims
    target = table.loc[(table["claims"] == "") & table["fatalities"].notna(), "id"].iloc[0]
    app.selectbox(key="inc_selected").set_value(target)
    _run(app)
    before = app.text_input(key=f"inc_e_{target}_fatalities").value
    assert before == str(IncidentStore(db).get(target)["fatalities"])  # the stored value
    app.text_input(key=f"inc_e_{target}_fatalities").input("7")
    app.button(key="inc_edit_save").click()
    _run(app)
    assert not app.error, [e.value for e in app.error]
    assert IncidentStore(db).get(target)["fatalities"] == 7
    history = next(d.value for d in app.dataframe if "changes" in d.value.columns)
    assert list(history["action"]) == ["import", "update"]
    assert f"fatalities: {before} → 7" in history["changes"].iloc[1]
    assert any(m.startswith("Last change: update done on") for m in _messages(app.success))
    _run(app)  # another rerun (the map reporting its view) keeps the confirmation
    assert any(m.startswith("Last change: update done on") for m in _messages(app.success))

    app.button(key="inc_edit_save").click()  # saved again unchanged: no new revision, said so
    _run(app)
    assert any(m.startswith("Nothing changed") for m in _messages(app.info))
    app.text_input(key=f"inc_e_{target}_coords").input("37.19, 268.6")
    app.button(key="inc_edit_save").click()
    _run(app)
    assert any(m.startswith("Not saved — coordinates") for m in _messages(app.error))
    assert app.text_input(key=f"inc_e_{target}_coords").value == "37.19, 268.6"  # kept to correct
    assert len(IncidentStore(db).history(target)) == 2

    app.button(key="inc_delete").click()
    _run(app)
    assert target not in set(incidents_table(app)["id"])
    assert IncidentStore(db).get(target)["deleted"] is True

    assert app.selectbox(key="inc_selected").value == target  # still selected, shown as deleted
    app.button(key="inc_undo_last").click()
    _run(app)
    assert target in set(incidents_table(app)["id"])
    assert IncidentStore(db).get(target)["fatalities"] == 7


def test_edit_then_undo_hits_the_selected_record_and_the_form_shows_the_stored_values(app, db):
    """The table re-orders after an edit (newest first: the record dated back moves to the end); the
    selection stays with the record, undo restores that record only, and the edit form shows what
    is stored after each change."""
    before = {r["id"]: r for r in IncidentStore(db).list().to_dict("records")}
    edited = incidents_table(app)["id"].iloc[0]  # the newest record
    app.selectbox(key="inc_selected").set_value(edited)
    _run(app)
    app.text_input(key=f"inc_e_{edited}_actor1").input("Edited actor")
    app.text_input(key=f"inc_e_{edited}_origin").input("Edited origin")
    year = str(before[edited]["event_date"])[:4]  # dated back within its year (the year is checked too)
    app.text_input(key=f"inc_e_{edited}_event_date").input(f"{year}-01-01")
    app.button(key="inc_edit_save").click()
    _run(app)
    assert not app.error, _messages(app.error)
    assert any(m.startswith("Last change: update done on") for m in _messages(app.success))
    assert incidents_table(app)["id"].iloc[0] != edited  # re-ordered: another record is in the first row now
    assert app.selectbox(key="inc_selected").value == edited  # the selection followed the record
    assert app.text_input(key=f"inc_e_{edited}_actor1").value == "Edited actor"
    app.button(key="inc_undo_selected").click()
    _run(app)
    after = {r["id"]: r for r in IncidentStore(db).list().to_dict("records")}
    assert set(after) == set(before)  # nothing vanished, nothing added
    assert after[edited]["actor1"] == before[edited]["actor1"]
    assert after[edited]["origin"] == before[edited]["origin"]
    assert after[edited]["event_date"] == before[edited]["event_date"]
    for other in set(before) - {edited}:  # no other record touched
        assert after[other]["updated_at"] == before[other]["updated_at"]
    # the form shows the stored (undone) values, so saving again does not re-apply the edit
    assert app.selectbox(key="inc_selected").value == edited
    assert app.text_input(key=f"inc_e_{edited}_actor1").value == (before[edited]["actor1"] or "")
    assert app.text_input(key=f"inc_e_{edited}_origin").value == (before[edited]["origin"] or "")
    app.button(key="inc_edit_save").click()
    _run(app)
    assert any(m.startswith("Nothing changed") for m in _messages(app.info))
    # another record selected: the first one's edit widgets are freed, the new one's hold its values
    other = next(i for i in before if i != edited)
    app.selectbox(key="inc_selected").set_value(other)
    _run(app)
    for field in ("coords", "actor1", "origin", "notes", "event"):
        assert f"inc_e_{edited}_{field}" not in app.session_state
    assert app.text_input(key=f"inc_e_{other}_actor1").value == (before[other]["actor1"] or "")


CSV = (
    "event_id_cnty,event_date,event_type,sub_event_type,location,latitude,longitude,fatalities,notes\n"
    "TJK1,2025-05-01,Battles,Armed clash,Panji Poyon,37.19,68.61,1,first\n"
    "TJK2,2025-05-02,Battles,Armed clash,Khorog,37.49,71.55,-4,bad count\n"
    "TJK3,2025-05-03,Protests,Peaceful protest,Kulob,37.91,69.78,0,\"=HYPERLINK(\"\"http://x\"\")\"\n"
)


def test_import_previews_reports_rejected_rows_and_does_not_duplicate(app, db):
    app.file_uploader(key="inc_upload").set_value(("report.csv", CSV.encode(), "text/csv"))
    _run(app)
    rejected = [d.value for d in app.dataframe if list(d.value.columns) == ["row", "reason"]]
    assert rejected and list(rejected[0]["row"]) == [2]
    assert "fatalities" in rejected[0]["reason"].iloc[0]
    go = app.button(key="inc_import_go")
    assert go.label == "Import 2 valid rows"
    go.click()
    _run(app)
    report = [s for s in _messages(app.success) if "report.csv" in s]
    assert report and "2 imported" in report[0] and "1 rejected" in report[0]
    assert len(incidents_table(app)) == N_SEED + 2
    app.button(key="inc_import_go").click()
    _run(app)
    report = [s for s in _messages(app.success) if "report.csv" in s]
    assert "0 imported" in report[0] and "2 already in the store" in report[0]
    assert len(IncidentStore(db).list()) == N_SEED + 2


def test_filters_narrow_the_table_and_the_style_choice_reruns(app):
    app.multiselect(key="inc_sides").set_value(["other"])
    _run(app)
    assert set(incidents_table(app)["side"]) <= {"other"}
    app.multiselect(key="inc_sides").set_value([])
    app.text_input(key="inc_actor").input("no such actor")
    _run(app)
    assert len(incidents_table(app)) == 0
    assert any(f"0 of {N_SEED} records" in c.value for c in app.caption)


def test_preview_shows_elevation_and_slope_when_a_dem_is_loaded(db, monkeypatch, region_dem):
    monkeypatch.setenv("BORDERMAP_DEM", str(region_dem))
    at = _app()
    at.text_input(key="inc_coords").input("37.49, 71.55")  # Khorog, in the mountains of the synthetic DEM
    m = _metrics(_run(at))
    elevation = float(m["Elevation (DEM)"].removesuffix(" m").replace(",", ""))
    assert 1500 < elevation < 3500
    assert 0 <= float(m["Slope (DEM)"].removesuffix("°")) < 90


def test_playback_shows_incidents_up_to_the_chosen_month(app):
    app.checkbox(key="inc_playback").check()
    _run(app)
    slider = app.select_slider(key="inc_until")
    # only months that hold records (the seed records' months), not every month to today
    assert slider.options == _record_months()
    slider.set_value(dt.date(2024, 11, 30))
    _run(app)
    shown = incidents_table(app)
    assert sorted(shown["event_date"]) == [d for d in SEED_DATES if d <= "2024-11-30"]
    app.select_slider(key="inc_until").set_value(dt.date(2025, 11, 30))
    _run(app)
    assert len(incidents_table(app)) == len([d for d in SEED_DATES if d <= "2025-11-30"])


def _month_end(month: str) -> dt.date:
    year, mon = int(month[:4]), int(month[5:7])
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def _record_months() -> list[str]:
    return [_month_end(m).strftime("%b %Y") for m in sorted({d[:7] for d in SEED_DATES})]


def test_playback_stops_at_the_last_month_with_the_play_label(app):
    months = sorted({d[:7] for d in SEED_DATES})
    app.checkbox(key="inc_playback").check()
    _run(app)
    app.select_slider(key="inc_until").set_value(_month_end(months[-2]))
    _run(app)
    assert app.sidebar.button(key="inc_play_button").label == "▶ Play"
    app.sidebar.button(key="inc_play_button").click()
    _run(app)  # one step (0.8 s) to the next month with records, the last: playback stops there
    assert app.select_slider(key="inc_until").value == _month_end(months[-1])
    assert app.sidebar.button(key="inc_play_button").label == "▶ Play"
    assert len(incidents_table(app)) == len(SEED_DATES)
