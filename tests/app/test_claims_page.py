"""Sourced claims on the page (AppTest): where the sources differ, the "Add a claim" form signed
with the page's user, the derived figures, refusals that keep the typed values, undo."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from geo.claims import parse_claims
from geo.store import IncidentStore
from tests.app.page_text import errors, incidents_table, plain
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture()
def db(app_env):
    return app_env / "incidents.gpkg"


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at




def _zarbuz(at: AppTest) -> str:
    table = incidents_table(at)
    return str(table.loc[table["location"].astype(str).str.contains("Zarbuz"), "id"].iloc[0])


@pytest.fixture()
def app(db) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    return _run(at)


def _fill(at: AppTest, field: str, value: str, source: str, date: dt.date | None, claimant: str = "media",
          note: str = "") -> None:
    at.selectbox(key="inc_claim_field").set_value(field)
    at.text_input(key="inc_claim_value").input(value)
    at.text_input(key="inc_claim_source").input(source)
    at.date_input(key="inc_claim_date").set_value(date)
    at.selectbox(key="inc_claim_claimant").set_value(claimant)
    if note:
        at.text_input(key="inc_claim_note").input(note)


def test_table_marks_where_sources_differ(app):
    table = incidents_table(app)
    by_place = dict(zip(table["location"].astype(str).str.slice(0, 12), table["claims"], strict=True))
    assert by_place["Zarbuz gorge"] == "⚠ injured"  # 24.kg/Chinese MFA 4, RFE/RL 5
    assert by_place["Shodak, Vish"] == "⚠ origin"  # Border Troops vs Afghanistan International
    assert by_place["Shohin SM wo"] == "✓ 3 agree"
    developments = table[table["record_kind"] == "development"]
    assert set(developments["claims"]) == {""}


def test_selected_record_shows_disagreement_and_a_claim_is_added(app, db):
    target = _zarbuz(app)
    app.selectbox(key="inc_selected").set_value(target)
    _run(app)
    warning = " ".join(plain(w.value) for w in app.warning)
    assert "Sources differ on injured" in warning and "low 4 · best 5 · high 5" in warning
    claims = next(d.value for d in app.dataframe if {"who", "source date"} <= set(d.value.columns))
    assert len(claims) == 3 and set(claims["who"]) == {"official", "media"}

    _fill(app, "fatalities", "2", "Test Agency", dt.date(2024, 11, 21), note="a later count")
    app.button(key="inc_claim_add").click()
    _run(app)
    assert not errors(app), errors(app)
    rec = IncidentStore(db).get(target)
    assert (rec["fatalities_low"], rec["fatalities_best"], rec["fatalities_high"]) == (1, 1, 2)  # median_low of 1, 2
    added = [c for c in parse_claims(rec["claims"]) if c.source == "Test Agency"]
    assert len(added) == 1 and added[0].added_by == "test analyst" and added[0].value == 2
    assert any("Claim" in plain(s.value) and "added" in plain(s.value) for s in app.success)
    marker = incidents_table(app).set_index("id").loc[target, "claims"]
    assert marker == "⚠ fatalities, injured"
    history = next(d.value for d in app.dataframe if "changes" in d.value.columns)
    assert "claims: 3 claims → 4 claims" in history["changes"].iloc[-1]
    assert "fatalities_high: 1 → 2" in history["changes"].iloc[-1]

    app.button(key="inc_undo_last").click()  # "Undo my last change" takes the claim back
    _run(app)
    rec = IncidentStore(db).get(target)
    assert len(parse_claims(rec["claims"])) == 3 and rec["fatalities_high"] == 1


def test_bad_claim_is_refused_in_one_sentence_and_the_entries_are_kept(app, db):
    target = _zarbuz(app)
    app.selectbox(key="inc_selected").set_value(target)
    _run(app)
    version = IncidentStore(db).get(target)["version"]
    _fill(app, "injured", "several", "Somebody", dt.date(2024, 11, 21))
    app.button(key="inc_claim_add").click()
    _run(app)
    msgs = errors(app)
    assert any(m.startswith("Claim not added — claim value (injured) must be a whole number") for m in msgs), msgs
    assert app.text_input(key="inc_claim_value").value == "several"
    _fill(app, "injured", "3", "Somebody", None)
    app.button(key="inc_claim_add").click()
    _run(app)
    assert any("source_date is required" in m for m in errors(app)), errors(app)
    assert IncidentStore(db).get(target)["version"] == version  # nothing written


def test_editing_a_claimed_figure_is_refused_with_the_reason(app, db):
    target = _zarbuz(app)
    app.selectbox(key="inc_selected").set_value(target)
    _run(app)
    app.text_input(key=f"inc_e_{target}_injured").input("9")
    app.button(key="inc_edit_save").click()
    _run(app)
    assert any("injured of this record comes from its 2 injured claims" in m for m in errors(app)), errors(app)
    assert IncidentStore(db).get(target)["injured"] == 5


def test_a_claim_needs_the_analysts_name(app, db):
    target = _zarbuz(app)
    app.text_input(key="page_user").input("")
    app.selectbox(key="inc_selected").set_value(target)
    _run(app)
    _fill(app, "injured", "3", "Somebody", dt.date(2024, 11, 21))
    app.button(key="inc_claim_add").click()
    _run(app)
    assert any("type your name" in m for m in errors(app)), errors(app)
    assert len(parse_claims(IncidentStore(db).get(target)["claims"])) == 3
