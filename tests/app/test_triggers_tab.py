"""The "Escalation triggers" tab under AppTest, on a temporary store."""

from __future__ import annotations

import json

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from geo.store import IncidentStore
from tests.app.conftest import run_app
from tests.app.page_text import plain


def _run() -> AppTest:
    return run_app()


def _timeline(at):
    """The triggers tab's timeline (the Incidents tab's chainage–time chart is the other chart)."""
    return next(c.proto for c in at.get("vega_lite_chart") if "chainage_km" not in c.proto.spec)


def _highlighted(at) -> int:
    """How many records the timeline outlines as behind the highlighted trigger (the same ids the
    map highlights)."""
    chart = _timeline(at)
    points = pa.ipc.open_stream(chart.data.data).read_all().to_pandas()
    return int(points["selected"].astype(bool).sum())


def test_tab_shows_scenarios_and_three_triggers(app_env):
    at = _run()
    assert "Escalation triggers" in [t.label for t in at.tabs]
    scen = next(df.value for df in at.dataframe if "estimate" in df.value.columns)
    assert len(scen) == 4
    assert "low (5–10%)" in scen["estimate"].tolist()
    assert set(scen["source"]) == {"Lansing Institute analysis, 2025"}
    headings = [m.value for m in at.markdown if m.value.startswith("#### Trigger")]
    assert [h.split(":")[0] for h in headings] == ["#### Trigger 1", "#### Trigger 2", "#### Trigger 3"]
    # the seed records with the default thresholds: all three partly met (reasons: tests/data/test_board.py)
    assert sum("PARTLY MET" in w.value for w in at.warning) == 3
    assert not any("NOT MET" in i.value for i in at.info)
    # every scenario shows its newest evidence; the seeds are from 2025, so the Russian ones are stale
    scen_ev = scen.set_index("scenario")["newest evidence"].tolist()
    assert scen_ev == ["2025-12-24", "2025-12-24", "none on record", "none on record"]
    stale = [plain(w.value) for w in at.warning if "Stale evidence" in w.value]
    assert len(stale) == 1 and "older than 90 days" in stale[0] and "Large-scale" in stale[0]
    assert any("Lapse clock: not running" in plain(c.value) for c in at.caption)
    assert _highlighted(at) == 0
    # the timeline: one point per seed record (10: 4 incidents, 6 developments), the fatality threshold as a rule
    chart = _timeline(at)
    spec = json.loads(chart.spec)
    assert [layer["mark"]["type"] for layer in spec["layer"]][:3] == ["point", "rule", "text"]
    assert spec["layer"][1]["data"]["values"][0]["y"] == 10
    points = pa.ipc.open_stream(chart.data.data).read_all().to_pandas()
    assert len(points) == 10 and {"date", "fatalities", "record kind", "selected"} <= set(points.columns)


def test_highlight_and_threshold_controls(app_env):
    IncidentStore(app_env / "incidents.gpkg", create=True)
    at = _run()
    at.radio(key="trg_highlight").set_value("1").run()
    assert not at.exception
    assert _highlighted(at) == 3  # the attributed attacks of 26 and 30 Nov 2025 and the 24 Dec 2025 clash
    at.number_input(key="trg_min_fatalities").set_value(3).run()
    assert not at.exception
    assert _highlighted(at) == 1
    assert any("MET" in e.value and "Chinese" in e.value for e in at.error)
    # at 5 killed only the campaign test meets it: the two November attacks, four days apart
    at.number_input(key="trg_min_fatalities").set_value(5).run()
    assert _highlighted(at) == 2 and any("Met as a campaign" in plain(e.value) for e in at.error)
    at.number_input(key="trg_campaign_days").set_value(3).run()
    assert not at.exception and _highlighted(at) == 3  # partly met again
    assert any("within any 3 days is 3 in 1 attack(s)" in plain(c.value) for c in at.caption)
    at.selectbox(key="trg_min_confidence").select("claimed").run()
    at.radio(key="trg_highlight").set_value("none").run()
    assert not at.exception and _highlighted(at) == 0


def _gaps_line(at) -> str:
    lines = [plain(m.value) for m in at.markdown if "cannot be judged" in m.value or "can be judged" in m.value]
    assert len(lines) == 1
    return lines[0]


def _add(store: IncidentStore, location: str, **fields) -> str:
    base = {"event_date": "2025-06-01", "event_type": "Armed clash", "latitude": 37.84, "longitude": 70.04,
            "country": "Tajikistan", "location": location, "source": "test"}
    return store.add({**base, **fields}, "importer")


def test_records_the_triggers_cannot_judge_are_counted_and_bulk_edited_with_history(app_env):
    """Three imported-looking incidents lack the origin attribution (one lacks nationals too); the analyst
    fills the attribution of the two at 'Panj' in one go, signed with the page's user; each record gets one
    history entry; the batch undoes."""
    store = IncidentStore(app_env / "incidents.gpkg", create=True)
    a = _add(store, "Panj ford", nationals="TJ")
    b = _add(store, "Panj village", nationals="TJ")
    c = _add(store, "Khorog road")
    at = _run()
    assert _gaps_line(at).startswith("**3 of 7 incidents cannot be judged by trigger 1**: 3 lack an origin "
                                     "attribution")
    assert "1 lack nationals" in _gaps_line(at)
    at.radio(key="trg_bulk_scope").set_value("all").run()
    at.text_input(key="trg_bulk_text").input("panj").run()
    at.selectbox(key="trg_bulk_attr").set_value("unattributed").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "origin_attribution" in d.value.columns)
    assert set(table["id"]) == {a, b}
    assert at.button(key="trg_bulk_go").label == "Apply to 2 record(s)"
    at.button(key="trg_bulk_go").click().run()
    assert not at.exception
    assert any("2 record(s) changed" in plain(s.value) for s in at.success)
    assert [store.get(i)["origin_attribution"] for i in (a, b, c)] == ["unattributed", "unattributed", None]
    for rid in (a, b):
        hist = store.history(rid)
        assert [h["action"] for h in hist] == ["add", "update"] and hist[-1]["by"] == "test analyst"
    assert _gaps_line(at).startswith("**1 of 7 incidents cannot be judged")
    at.button(key="trg_bulk_undo").click().run()
    assert not at.exception
    assert any("2 record(s) restored" in plain(s.value) for s in at.success)
    assert [store.get(i)["origin_attribution"] for i in (a, b)] == [None, None]
    assert _gaps_line(at).startswith("**3 of 7")


def test_bulk_edit_refuses_a_bad_value_and_keeps_what_is_there(app_env):
    store = IncidentStore(app_env / "incidents.gpkg", create=True)
    rid = _add(store, "Panj ford", origin_country="AF", origin_attribution="claimed")
    _add(store, "Panj village")
    at = _run()
    at.radio(key="trg_bulk_scope").set_value("all").run()
    at.text_input(key="trg_bulk_nationals").input("Chinese").run()
    assert any("nationals must be ISO 3166 two-letter codes" in e for e in [plain(x.value) for x in at.error])
    assert "trg_bulk_go" not in [b.key for b in at.button]
    at.text_input(key="trg_bulk_nationals").input("").run()
    at.text_input(key="trg_bulk_country").input("af").run()
    at.selectbox(key="trg_bulk_attr").set_value("official").run()
    # only blank fields are filled: the record with a claimed origin keeps it
    assert at.button(key="trg_bulk_go").label == "Apply to 1 record(s)"
    at.button(key="trg_bulk_go").click().run()
    assert store.get(rid)["origin_attribution"] == "claimed"
    assert len(store.history(rid)) == 1


def test_origin_attribution_is_edited_in_the_incident_form(app_env):
    store = IncidentStore(app_env / "incidents.gpkg", create=True)
    rid = _add(store, "Panj ford", nationals="TJ")
    at = _run()
    at.selectbox(key="inc_selected").set_value(rid).run()
    at.text_input(key=f"inc_e_{rid}_origin_country").input("AF")
    at.selectbox(key=f"inc_e_{rid}_origin_attribution").set_value("official")
    at.button(key="inc_edit_save").click().run()
    assert not at.exception
    got = store.get(rid)
    assert (got["origin_country"], got["origin_attribution"]) == ("AF", "official")
    assert store.history(rid)[-1]["by"] == "test analyst"


def test_lapse_clock_counts_to_today_and_its_threshold_is_adjustable(app_env):
    import datetime as dt

    store = IncidentStore(app_env / "incidents.gpkg", create=True)
    day = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=10)).isoformat()
    store.add({"event_date": day, "event_type": "Other", "latitude": 38.56, "longitude": 68.78,
               "country": "Tajikistan", "confidence": "assessed", "tags": "csto-invoked",
               "notes": "Dushanbe invokes the collective-defence article."}, "tester")
    at = _run()
    clock = [plain(c.value) for c in at.caption if "Lapse clock" in c.value]
    assert clock == [f"Lapse clock: invoked {day}, 10 day(s) without an answer by "
                     f"{dt.datetime.now(dt.UTC).date().isoformat()} (lapses after 30)."]
    assert not any(plain(e.value).startswith("**MET**") for e in at.error)
    at.number_input(key="trg_lapse_days").set_value(10).run()
    assert not at.exception
    assert any("— lapsed" in plain(c.value) for c in at.caption)
    heading = [m.value for m in at.markdown if m.value.startswith("#### Trigger 2")]
    assert heading and any(plain(e.value).startswith("**MET**") and "without an answer" in plain(e.value)
                           for e in at.error)
