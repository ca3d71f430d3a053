"""Escalation triggers over small, made-up incident records (schema columns built in code)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

from geo import datasets
from geo.errors import DataFileError, InvalidInputError
from geo.incidents import CONTENT_FIELDS
from geo.triggers import (
    STATUSES,
    DevelopmentTrigger,
    TriggerResult,
    evaluate_triggers,
    load_rules,
    load_scenarios,
    record_markers,
    rules_from_dict,
    with_thresholds,
)

TJK_POINT = (71.0302, 38.4504)  # Shodak, Darvaz district: Tajik side, 0.6 km from the river
AFG_POINT = (68.62, 37.16)  # across the Panj from Panji Poyon: Afghan side


def _record(rid: str, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = dict.fromkeys(CONTENT_FIELDS)
    rec.update(id=rid, event_date="2025-11-30", event_type="Violence against civilians", sub_event_type="Attack",
               country="Tajikistan", actor1="Unidentified Armed Group (Afghanistan)", actor2="Civilians (China)",
               nationals="CN", origin="Ruzvayak village, Badakhshan, Afghanistan (per the border troops)",
               origin_country="AF", origin_attribution="official", confidence="assessed",
               verification="unverified", record_kind="incident", fatalities=12, fatalities_best=12,
               precision_km=1.0, deleted=False, lonlat=TJK_POINT)
    rec.update(fields)
    return rec


def _development(rid: str, date: str, tags: str | None = None, **fields: Any) -> dict[str, Any]:
    base = dict(event_date=date, event_type="Strategic developments", sub_event_type="Other",
                record_kind="development", tags=tags, country="Tajikistan", actor1="Government of Tajikistan",
                actor2=None, nationals=None, origin=None, origin_country=None, origin_attribution=None,
                fatalities=None, fatalities_best=None,
                lonlat=(68.78, 38.56))
    base.update(fields)
    return _record(rid, **base)


def frame(*records: dict[str, Any]) -> gpd.GeoDataFrame:
    rows = [dict(r) for r in records]
    lonlat = [r.pop("lonlat") for r in rows]
    df = pd.DataFrame(rows, columns=["id", *CONTENT_FIELDS, "deleted"])
    for col in ("fatalities", "fatalities_best", "fatalities_low", "fatalities_high", "injured"):
        df[col] = pd.array(df[col], dtype="Int64")
    df["precision_km"] = df["precision_km"].astype("float64")
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy([p[0] for p in lonlat], [p[1] for p in lonlat]),
                            crs=4326)


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _by_id(results: list[TriggerResult]) -> dict[int, TriggerResult]:
    return {r.id: r for r in results}


def t1(gdf, rules, border, **overrides) -> TriggerResult:
    return _by_id(evaluate_triggers(gdf, with_thresholds(rules, **overrides), border))[1]


# ------------------------------------------------------------------- the data files

def test_shipped_rules_and_scenarios_load(rules):
    assert [t.id for t in rules.triggers] == [1, 2, 3]
    assert all(t.source == "Lansing Institute analysis, 2025" for t in rules.triggers)
    t = rules.trigger(1)
    assert t.min_fatalities == 10 and t.min_confidence == "assessed" and t.fatality_estimate == "best"
    assert "people killed" in t.threshold("min_fatalities").unit
    scen = load_scenarios()
    assert len(scen) == 4
    assert scen[0].estimate == "low (5–10%)" and scen[0].probability_pct == (5.0, 10.0)
    assert {s.source for s in scen} == {"Lansing Institute analysis, 2025"}


# ------------------------------------------------------------------- trigger 1

def test_trigger1_met_by_one_record(rules, border):
    res = t1(frame(_record("a"), _record("small", fatalities=2, fatalities_best=2)), rules, border)
    assert res.status == "met" and res.incident_ids == ("a",)
    assert all(res.criteria_met.values())


def test_trigger1_exactly_at_threshold_counts_one_below_does_not(rules, border):
    at = frame(_record("a", fatalities=10, fatalities_best=10))
    below = frame(_record("b", fatalities=9, fatalities_best=9))
    assert t1(at, rules, border).status == "met"
    res = t1(below, rules, border)
    assert res.status == "partly met" and res.incident_ids == ("b",)
    assert res.record_criteria["b"]["min_fatalities"] is False
    assert t1(below, rules, border, min_fatalities=9).status == "met"


def test_trigger1_claimed_is_partly_met_until_the_bar_is_lowered(rules, border):
    gdf = frame(_record("c", confidence="claimed"))
    res = t1(gdf, rules, border)
    assert res.status == "partly met" and res.incident_ids == ("c",)
    assert res.record_criteria["c"] == {"inside_tajikistan": True, "targets_chinese": True,
                                        "afghan_origin": True, "origin_attribution": True,
                                        "min_fatalities": True, "min_confidence": False}
    assert t1(gdf, rules, border, min_confidence="claimed").status == "met"


def test_missing_confidence_ranks_as_claimed_and_approximate_as_assessed(rules, border):
    assert t1(frame(_record("n", confidence=None)), rules, border).status == "partly met"
    assert t1(frame(_record("p", confidence="approximate")), rules, border).status == "met"


def test_rejected_never_counts(rules, border):
    gdf = frame(_record("r", verification="rejected", fatalities=50, fatalities_best=50))
    for conf in ("assessed", "claimed"):
        res = t1(gdf, rules, border, min_confidence=conf, min_fatalities=1)
        assert res.status == "not met" and res.incident_ids == ()


def test_afghan_side_does_not_count(rules, border):
    gdf = frame(_record("afg", country="Afghanistan", lonlat=AFG_POINT))
    assert t1(gdf, rules, border).status == "not met"


def test_country_tajikistan_on_afghan_side_counts_only_within_its_precision(rules, border):
    far = frame(_record("x", lonlat=AFG_POINT, precision_km=0.5))  # a few km inside Afghanistan
    near = frame(_record("y", lonlat=AFG_POINT, precision_km=25.0))
    assert t1(far, rules, border).status == "not met"
    assert t1(near, rules, border).status == "met"
    # without a border the country field alone decides
    assert t1(far, rules, None).status == "met"


def test_target_alternatives_and_the_structured_origin(rules, border):
    infra = _record("i", nationals="TJ", actor2="Civilians (Tajikistan)", tags="target-chinese-infrastructure")
    no_target = _record("t", nationals="TJ,RU", actor2="Military Forces of Tajikistan")
    unattributed = _record("o", origin="unknown; investigation under way", origin_country=None,
                           origin_attribution="unattributed")
    res = t1(frame(infra, no_target, unattributed), rules, border)
    assert res.status == "met" and res.incident_ids == ("i",)


def test_origin_is_read_from_the_structured_fields_not_the_text(rules, border):
    """The free text may name Afghanistan; without a structured attribution it is no origin."""
    words_only = _record("w", origin="From Afghanistan, Afghan militants", origin_country=None,
                         origin_attribution=None)
    by_tag_only = _record("g", origin=None, origin_country=None, origin_attribution=None, tags="origin-afghanistan")
    other_country = _record("x", origin_country="UZ", origin_attribution="official")
    res = t1(frame(words_only, by_tag_only, other_country), rules, border)
    assert res.status == "not met" and res.incident_ids == ()
    assert "attributed Afghan origin" in res.explanation


def test_claimed_origin_is_partly_met_until_the_attribution_bar_is_lowered(rules, border):
    gdf = frame(_record("c", origin_attribution="claimed"))
    res = t1(gdf, rules, border)
    assert res.status == "partly met" and res.incident_ids == ("c",)
    assert res.record_criteria["c"]["afghan_origin"] is True
    assert res.record_criteria["c"]["origin_attribution"] is False
    assert "1 attributed below the bar" in res.explanation
    assert t1(gdf, rules, border, min_attribution="claimed").status == "met"


def test_afghan_origin_attack_on_other_targets_is_partly_met(rules, border):
    """Tajik border guards killed by intruders from Afghanistan: never met (no Chinese target), at any
    fatality figure, but it counts toward partly met."""
    guards = _record("g", nationals="TJ", actor2="Military Forces of Tajikistan (Border Troops)", fatalities=50,
                     fatalities_best=50)
    res = t1(frame(guards), rules, border, min_fatalities=1)
    assert res.status == "partly met" and res.incident_ids == ("g",)
    assert "0 on Chinese targets, 1 on other targets" in res.explanation
    assert res.record_criteria["g"]["targets_chinese"] is False
    unattributed_guards = _record("u", nationals="TJ", actor2="Military Forces of Tajikistan", origin_country=None,
                                  origin_attribution="unattributed")
    assert t1(frame(unattributed_guards), rules, border).status == "not met"


# ------------------------------------------------------------------- trigger 1: the campaign test

def _attack(rid: str, date: str, killed: int | None, **fields: Any) -> dict[str, Any]:
    return _record(rid, event_date=date, fatalities=killed, fatalities_best=killed, **fields)


def test_campaign_sums_qualifying_attacks_within_the_window(rules, border):
    gdf = frame(_attack("a", "2025-11-01", 6), _attack("b", "2025-11-30", 5))  # 30 days: day 1 and day 30
    res = t1(gdf, rules, border)
    assert res.status == "met" and res.incident_ids == ("a", "b")
    assert "Met as a campaign: 2 attacks" in res.explanation and "11 killed in all" in res.explanation
    assert res.criteria_met["min_fatalities"] is False  # no single attack reaches it
    assert "11 in 2 attack(s) (2025-11-01 to 2025-11-30)" in res.notes[0]
    # one day further apart: outside a 30-day window, so each falls short alone
    apart = frame(_attack("a", "2025-11-01", 6), _attack("b", "2025-12-01", 5))
    res = t1(apart, rules, border)
    assert res.status == "partly met" and "most killed in one on Chinese targets: 6" in res.explanation
    assert t1(apart, rules, border, campaign_window_days=31).status == "met"
    assert t1(gdf, rules, border, campaign_window_days=29).status == "partly met"


def test_campaign_needs_two_qualifying_attacks_at_the_bars(rules, border):
    claimed = _attack("c", "2025-11-10", 6, confidence="claimed")
    hearsay = _attack("h", "2025-11-11", 6, origin_attribution="claimed")
    guards = _attack("g", "2025-11-12", 6, nationals="TJ", actor2="Military Forces of Tajikistan")
    unknown = _attack("u", "2025-11-13", None)
    gdf = frame(_attack("a", "2025-11-01", 6), claimed, hearsay, guards, unknown)
    res = t1(gdf, rules, border)
    assert res.status == "partly met"  # only "a" and the unknown figure (0) qualify: 6 killed
    assert "6 in 2 attack(s)" in res.notes[0]
    assert t1(gdf, rules, border, min_confidence="claimed").status == "met"  # a + c = 12
    assert t1(gdf, rules, border, min_attribution="claimed").status == "met"  # a + h = 12
    single = frame(_attack("a", "2025-11-01", 9))
    assert t1(single, rules, border, min_fatalities=9).status == "met"
    assert t1(single, rules, border).status == "partly met"  # one attack is no campaign


def test_trigger1_not_met_on_empty_and_developments_do_not_count(rules, border):
    assert t1(frame(), rules, border).status == "not met"
    dev = _development("d", "2025-12-01", fatalities=20, fatalities_best=20, actor2="Civilians (China)",
                       nationals="CN", origin="Afghanistan")
    assert t1(frame(dev), rules, border).status == "not met"


def test_fatality_estimate_low_and_missing_figure(rules, border):
    gdf = frame(_record("e", fatalities=12, fatalities_best=12, fatalities_low=4),
                _record("u", fatalities=None, fatalities_best=None))
    assert t1(gdf, rules, border).incident_ids == ("e",)
    res = t1(gdf, rules, border, fatality_estimate="low")
    assert res.status == "partly met" and set(res.incident_ids) == {"e", "u"}


def test_input_frame_not_modified(rules, border):
    gdf = frame(_record("a"), _development("d", "2025-12-01", "csto-invoked"))
    before = gdf.copy()
    evaluate_triggers(gdf, rules, border)
    pd.testing.assert_frame_equal(gdf, before)


# ------------------------------------------------------------------- triggers 2 and 3

def _status(gdf, rules, tid, as_of: dt.date | None = None, **overrides) -> TriggerResult:
    return _by_id(evaluate_triggers(gdf, with_thresholds(rules, **overrides), None, as_of=as_of))[tid]


def test_trigger2_met_partly_and_not(rules):
    inv = _development("inv", "2025-12-02", "csto-invoked")
    ref = _development("ref", "2025-12-10", "russia-refused")
    assert _status(frame(inv, ref), rules, 2).status == "met"
    assert _status(frame(inv, ref), rules, 2).incident_ids == ("inv", "ref")
    res = _status(frame(inv), rules, 2, as_of=dt.date(2025, 12, 12))
    assert res.status == "partly met" and res.incident_ids == ("inv",)
    assert res.criteria_met == {"csto-invoked": True, "russia-refused": False, "no answer within 30 days": False,
                                "min_confidence": True}
    assert "invoked 2025-12-02, 10 day(s) without an answer by 2025-12-12 (lapses after 30)" in res.notes[0]
    assert _status(frame(_record("a")), rules, 2).status == "not met"


def test_trigger2_lapse_clock(rules):
    """An invocation left unanswered for lapse_days counts as refused; any answer stops the clock."""
    inv = _development("inv", "2025-12-02", "csto-invoked")
    day29, day30 = dt.date(2025, 12, 31), dt.date(2026, 1, 1)
    assert _status(frame(inv), rules, 2, as_of=day29).status == "partly met"
    res = _status(frame(inv), rules, 2, as_of=day30)
    assert res.status == "met" and res.incident_ids == ("inv",)
    assert res.criteria_met["no answer within 30 days"] is True and "— lapsed" in res.notes[0]
    assert _status(frame(inv), rules, 2, as_of=day30, lapse_days=31).status == "partly met"
    assert _status(frame(inv), rules, 2, as_of=day29, lapse_days=29).status == "met"
    # answers stop the clock: a token deployment is an answer (evidence for a scenario, not the red line)
    sym = _development("sym", "2025-12-05", tags=None, notes="Two Su-25s flown in for show. #russia-responded-symbolic")
    res = _status(frame(inv, sym), rules, 2, as_of=dt.date(2026, 6, 1))
    assert res.status == "partly met" and "answered 2025-12-05" in res.notes[0]
    yes = _development("yes", "2025-12-20", "russia-answered", confidence="claimed")
    assert _status(frame(inv, yes), rules, 2, as_of=dt.date(2026, 6, 1)).status == "partly met"
    rejected = _development("rej", "2025-12-20", "russia-answered", verification="rejected")
    assert _status(frame(inv, rejected), rules, 2, as_of=dt.date(2026, 6, 1)).status == "met"
    earlier_answer = _development("old", "2025-11-01", "russia-answered")
    assert _status(frame(inv, earlier_answer), rules, 2, as_of=dt.date(2026, 6, 1)).status == "met"
    # a claimed invocation starts no clock at the default bar
    weak = _development("weak", "2025-12-02", "csto-invoked", confidence="claimed")
    res = _status(frame(weak), rules, 2, as_of=dt.date(2026, 6, 1))
    assert res.status == "partly met" and "not running" in res.notes[0]


def test_trigger2_answer_before_invocation_is_only_partly_met(rules):
    early = _development("ref", "2025-11-01", "russia-refused")
    inv = _development("inv", "2025-12-02", "csto-invoked")
    res = _status(frame(early, inv), rules, 2, as_of=dt.date(2025, 12, 3))
    assert res.status == "partly met" and res.incident_ids == ("ref", "inv")


def test_trigger2_claimed_and_rejected(rules):
    inv = _development("inv", "2025-12-02", "csto-invoked")
    ref = _development("ref", "2025-12-03", "russia-refused", confidence="claimed")
    assert _status(frame(inv, ref), rules, 2).status == "partly met"
    assert _status(frame(inv, ref), rules, 2, min_confidence="claimed").status == "met"
    rej = _development("rej", "2025-12-03", "russia-refused", verification="rejected")
    assert _status(frame(inv, rej), rules, 2).incident_ids == ("inv",)
    only_rejected = _development("x", "2025-12-03", "csto-invoked", verification="rejected")
    assert _status(frame(only_rejected), rules, 2, min_confidence="claimed").status == "not met"


def test_markers_count_only_on_strategic_developments(rules):
    wrong_kind = _record("w", tags="csto-invoked; russia-refused")
    assert _status(frame(wrong_kind), rules, 2).status == "not met"


def test_trigger3(rules):
    sig = _development("s", "2025-12-05", "China-Signal-Russian-Inaction", actor1="Government of China")
    warn = _development("w", "2025-11-28", "china-demands-protection")
    assert _status(frame(sig), rules, 3).status == "met"
    assert _status(frame(warn), rules, 3).status == "partly met"
    claimed = _development("c", "2025-12-05", "china-signal-russian-inaction", confidence="claimed")
    assert _status(frame(claimed), rules, 3).status == "partly met"
    assert _status(frame(claimed), rules, 3, min_confidence="claimed").status == "met"
    assert _status(frame(_development("o", "2025-12-05", "csto-invoked")), rules, 3).status == "not met"


def test_record_markers():
    assert record_markers("a-b; C-D ,e", "x #f-g and #h, not a#b") == {"a-b", "c-d", "e", "f-g", "h"}
    assert record_markers(None, None) == frozenset()


# ------------------------------------------------------------------- validation of the rules file

def _doc() -> dict[str, Any]:
    return json.loads((datasets.DATA_DIR / "triggers.json").read_text(encoding="utf-8"))


def test_missing_threshold_is_named():
    doc = _doc()
    del doc["triggers"][0]["thresholds"]["min_fatalities"]
    with pytest.raises(InvalidInputError, match="min_fatalities is missing"):
        rules_from_dict(doc)


def test_unknown_status_is_named():
    doc = _doc()
    doc["triggers"][1]["status_rules"]["almost met"] = "..."
    with pytest.raises(InvalidInputError, match=r"triggers\[1\]\.status_rules\['almost met'\].*not a known status"):
        rules_from_dict(doc)


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["triggers"][0]["thresholds"]["min_fatalities"].update(value=0), "min_fatalities"),
    (lambda d: d["triggers"][0]["thresholds"]["min_fatalities"].pop("unit"), "min_fatalities.unit"),
    (lambda d: d["triggers"][0]["thresholds"]["min_confidence"].update(value="certain"), "min_confidence"),
    (lambda d: d["triggers"][1]["criteria"]["met_sequence"].append(["nato-invoked"]), "met_sequence"),
    (lambda d: d["triggers"][2].pop("source"), "source"),
    (lambda d: d["triggers"][2].update(id=1), "duplicate ids"),
    (lambda d: d["triggers"][0]["criteria"]["target"].update(fields=["victim"]), "fields"),
    (lambda d: d["confidence"].update(missing_as="unknown"), "missing_as"),
    (lambda d: d["triggers"][0]["thresholds"]["min_attribution"].update(value="unattributed"), "min_attribution"),
    (lambda d: d["triggers"][0]["thresholds"]["min_attribution"].update(allowed=["official", "unattributed"]),
     "min_attribution"),
    (lambda d: d["triggers"][0]["thresholds"].pop("campaign_window_days"), "campaign_window_days is missing"),
    (lambda d: d["triggers"][0]["thresholds"]["campaign_window_days"].update(value=0), "campaign_window_days"),
    (lambda d: d["triggers"][0]["criteria"]["origin"].update(country="Afghanistan"), "origin.country"),
    (lambda d: d["triggers"][1]["criteria"]["lapse"].update({"from": "nato-invoked"}), "lapse.from"),
    (lambda d: d["triggers"][1]["criteria"]["lapse"].update(answers=[]), "lapse.answers"),
    (lambda d: d["triggers"][1]["thresholds"].pop("lapse_days"), "lapse_days"),
])
def test_invalid_rules_raise_naming_the_field(edit, field):
    doc = copy.deepcopy(_doc())
    edit(doc)
    with pytest.raises(InvalidInputError, match=field):
        rules_from_dict(doc)


def test_rules_file_errors(tmp_path):
    with pytest.raises(DataFileError, match="missing"):
        load_rules(tmp_path / "nope.json")
    bad = tmp_path / "triggers.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(DataFileError, match="not readable JSON"):
        load_rules(bad)
    doc = _doc()
    del doc["triggers"][0]["thresholds"]["min_fatalities"]
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"triggers\.json: triggers\[0\]\.thresholds\.min_fatalities"):
        load_rules(bad)


def test_overrides_are_validated_and_leave_rules_unchanged(rules):
    with pytest.raises(InvalidInputError, match="min_fatalities"):
        with_thresholds(rules, min_fatalities=0)
    with pytest.raises(InvalidInputError, match="min_confidence"):
        with_thresholds(rules, min_confidence="rumoured")
    lowered = with_thresholds(rules, min_fatalities=3, min_confidence="claimed")
    assert lowered.trigger(1).min_fatalities == 3 and rules.trigger(1).min_fatalities == 10
    assert all(t.min_confidence == "claimed" for t in lowered.triggers)
    assert isinstance(lowered.trigger(2), DevelopmentTrigger)


def test_result_status_is_checked():
    with pytest.raises(InvalidInputError, match="status"):
        TriggerResult(id=1, name="x", status="nearly", incident_ids=(), explanation="", criteria_met={})
    assert set(STATUSES) == {"not met", "partly met", "met"}


def test_located_records_give_the_same_results_as_unlocated_ones(rules, border):
    """The page passes records already located (a ``side`` column); the CLI may not."""
    from geo.incident_filters import locate_incidents, with_locations
    from tests.layers.synthetic_incidents import synthetic_incidents

    gdf = synthetic_incidents(1500, seed=5)
    gdf["nationals"] = "CN"  # many candidates for trigger 1, on both sides of the line
    gdf["origin_country"], gdf["origin_attribution"] = "AF", "official"
    located = with_locations(gdf, locate_incidents(gdf, border))
    assert set(located["side"]) >= {"TJK", "AFG"}
    for a, b in zip(evaluate_triggers(gdf, rules, border), evaluate_triggers(located, rules, border), strict=True):
        assert (a.status, a.incident_ids, a.record_criteria) == (b.status, b.incident_ids, b.record_criteria)
    assert evaluate_triggers(located, rules, border)[0].incident_ids  # the comparison was not vacuous


def _same(a: list[TriggerResult], b: list[TriggerResult]) -> None:
    for x, y in zip(a, b, strict=True):
        assert (x.status, x.incident_ids, x.criteria_met, x.record_criteria, x.explanation) == (
            y.status, y.incident_ids, y.criteria_met, y.record_criteria, y.explanation)


def test_cached_facts_give_the_same_results_and_only_a_changed_chunk_is_examined(rules, border):
    from geo.incident_filters import locate_incidents, with_locations
    from geo.record_chunks import ChunkCache
    from tests.layers.synthetic_incidents import synthetic_incidents

    gdf = synthetic_incidents(2000, seed=9)
    gdf["nationals"] = ["CN" if i % 3 == 0 else "TJ" for i in range(len(gdf))]
    gdf["origin_country"], gdf["origin_attribution"] = "AF", "official"
    gdf["tags"] = [("csto-invoked" if i % 50 == 0 else None) for i in range(len(gdf))]
    gdf["updated_at"] = "2026-01-01T00:00:00.000Z"
    located = with_locations(gdf, locate_incidents(gdf, border))
    cache = ChunkCache()
    first = evaluate_triggers(located, rules, border, cache)
    _same(first, evaluate_triggers(located, rules, border))
    assert {r.status for r in first} != {"not met"}  # the comparison is not vacuous
    chunks_used = cache.misses
    # one record edited: its chunk alone is examined again, and the outcome follows the edit
    edited = located.copy()
    row = edited.index[edited["nationals"].eq("CN") & edited["side"].eq("TJK")][0]
    edited.loc[row, ["fatalities", "confidence", "updated_at"]] = [50, "assessed", "2026-02-01T00:00:00.000Z"]
    again = evaluate_triggers(edited, rules, border, cache)
    assert cache.misses == chunks_used + 1
    _same(again, evaluate_triggers(edited, rules, border))
    assert again[0].status == "met" and edited.loc[row, "id"] in again[0].incident_ids
    # other thresholds are other facts: every chunk again, the same results as without a cache
    strict = with_thresholds(rules, min_fatalities=100)
    _same(evaluate_triggers(edited, strict, border, cache), evaluate_triggers(edited, strict, border))
    assert cache.misses == 2 * chunks_used + 1


def test_scenarios_file_is_validated(tmp_path):
    doc = json.loads((datasets.DATA_DIR / "scenarios.json").read_text(encoding="utf-8"))
    path = tmp_path / "scenarios.json"
    for edit, words in [(lambda d: d["scenarios"][1]["evidence_markers"].update({"Bad Tag": "x"}), "lower-case"),
                        (lambda d: d["evidence_stale_after_days"].update(value=0), "evidence_stale_after_days"),
                        (lambda d: d["scenarios"][0].update(evidence_markers=["a"]), "evidence_markers")]:
        bad = copy.deepcopy(doc)
        edit(bad)
        path.write_text(json.dumps(bad), encoding="utf-8")
        with pytest.raises(InvalidInputError, match=words):
            load_scenarios(path)
    limited = {s.id: s for s in load_scenarios()}["russia-limited-deployment"]
    assert dict(limited.evidence_markers).keys() == {"russia-responded-symbolic", "russia-limited-deployment"}
    assert limited.stale_after_days == 90


def test_symbolic_deployment_is_the_scenarios_evidence_not_the_triggers_condition(rules):
    """Trigger 2's red line is invocation then refusal (or a lapse); a token deployment answers the request
    (so it stops the clock) and shows on the limited-deployment scenario."""
    from geo.scenario_evidence import scenario_evidence

    t2 = rules.trigger(2)
    assert isinstance(t2, DevelopmentTrigger)
    assert t2.met_sequence == (("csto-invoked",), ("russia-refused",))
    assert "russia-responded-symbolic" in t2.lapse_answers
    inv = _development("inv", "2025-12-02", "csto-invoked")
    sym = _development("sym", "2025-12-06", "russia-responded-symbolic")
    gdf = frame(inv, sym)
    results = evaluate_triggers(gdf, rules, None, as_of=dt.date(2026, 2, 1))
    assert results[1].status == "partly met"
    ev = {e.scenario_id: e for e in scenario_evidence(load_scenarios(), results, gdf, as_of=dt.date(2026, 2, 1))}
    limited, large = ev["russia-limited-deployment"], ev["russia-large-operation"]
    assert limited.newest == "2025-12-06" and limited.days_old == 57 and not limited.stale
    assert limited.via == ("marker russia-responded-symbolic", "trigger 2")
    assert large.newest is None  # triggers 2 and 3 do not raise the large-scale operation
    stale = scenario_evidence(load_scenarios(), results, gdf, as_of=dt.date(2026, 2, 1), stale_after_days=30)
    assert {e.scenario_id for e in stale if e.stale} == {"russia-limited-deployment"}
    rejected = frame(inv, _development("sym", "2025-12-06", "russia-responded-symbolic", verification="rejected"))
    ev = {e.scenario_id: e for e in scenario_evidence(load_scenarios(), evaluate_triggers(
        rejected, rules, None, as_of=dt.date(2026, 2, 1)), rejected, as_of=dt.date(2026, 2, 1))}
    assert ev["russia-limited-deployment"].via == ("trigger 2",) and ev["russia-limited-deployment"].newest == "2025-12-02"


def test_best_window_matches_a_brute_force_count():
    """The campaign's busiest window, against summing every window by hand (random days and figures)."""
    import numpy as np

    from geo.triggers import _best_window

    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(1, 25))
        day = rng.integers(0, 120, n).astype(float)
        day[rng.random(n) < 0.1] = np.nan
        killed = rng.integers(0, 9, n).astype(float)
        killed[rng.random(n) < 0.2] = np.nan
        window = int(rng.integers(1, 40))
        total, span = _best_window(np.arange(n), day, killed, window)
        brute = max((np.nansum(killed[(day >= s) & (day <= s + window - 1)]) for s in day[np.isfinite(day)]),
                    default=0.0)
        assert total == brute
        if len(span):
            assert np.nanmax(day[span]) - np.nanmin(day[span]) <= window - 1
            assert np.nansum(killed[span]) == total
