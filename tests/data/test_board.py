"""The board on the shipped seed records: each trigger's status and the records behind it, with reasons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.store import IncidentStore
from geo.triggers import evaluate_triggers, load_rules, with_thresholds


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> pd.DataFrame:
    """A new store, which starts with data/seed_incidents.geojson."""
    store = IncidentStore(Path(tmp_path_factory.mktemp("board")) / "s.gpkg", create=True)
    return store.list()


def _dates(gdf: pd.DataFrame, ids: tuple[str, ...]) -> list[str]:
    by_id = dict(zip(gdf["id"], gdf["event_date"].astype(str).str.slice(0, 10), strict=True))
    return sorted(by_id[i] for i in ids)


def test_every_seed_record_reaches_the_store(seeded: pd.DataFrame) -> None:
    assert len(seeded) == 10
    assert (seeded["record_kind"] == "development").sum() == 6


def test_trigger_1_partly_met_by_the_three_officially_attributed_attacks_of_late_2025(seeded, border) -> None:
    """Shohin SM (26 Nov 2025, 3 killed; origin given by the Tajik MFA) and Shodak (30 Nov 2025, 2 killed;
    by the Tajik Border Troops): inside Tajikistan, Chinese victims, an officially attributed Afghan origin,
    assessed — but below 10 killed, alone and summed (5 within 30 days). The 24 Dec 2025 clash (intruders
    from Afghanistan, per the Border Troops) killed Tajik border guards, not Chinese: it counts toward
    partly met only. Zarbuz (18 Nov 2024) is left out: its attackers were never identified
    (origin_attribution unattributed)."""
    t1 = evaluate_triggers(seeded, load_rules(), border)[0]
    assert t1.status == "partly met"
    assert _dates(seeded, t1.incident_ids) == ["2025-11-26", "2025-11-30", "2025-12-24"]
    zarbuz = seeded.loc[seeded["event_date"].astype(str).str.startswith("2024-11-18"), "id"].item()
    assert zarbuz not in t1.incident_ids
    assert seeded.set_index("id").loc[zarbuz, "origin_attribution"] == "unattributed"
    assert "2 on Chinese targets, 1 on other targets" in t1.explanation
    assert "most killed in one on Chinese targets: 3" in t1.explanation
    assert "5 in 2 attack(s) (2025-11-26 to 2025-11-30)" in t1.notes[0]
    clash = {i for i in t1.incident_ids if _dates(seeded, (i,)) == ["2025-12-24"]}.pop()
    assert t1.record_criteria[clash]["targets_chinese"] is False
    assert t1.record_criteria[clash]["afghan_origin"] is True
    # at 3 killed the drone strike on the Shohin SM camp alone meets it
    lowered = evaluate_triggers(seeded, with_thresholds(load_rules(), min_fatalities=3), border)[0]
    assert lowered.status == "met" and _dates(seeded, lowered.incident_ids) == ["2025-11-26"]
    # at 5 no single attack does, but the two November attacks together do: a campaign
    campaign = evaluate_triggers(seeded, with_thresholds(load_rules(), min_fatalities=5), border)[0]
    assert campaign.status == "met" and _dates(seeded, campaign.incident_ids) == ["2025-11-26", "2025-11-30"]
    assert "Met as a campaign" in campaign.explanation
    # ... unless the window is shorter than the four days between them
    short = evaluate_triggers(seeded, with_thresholds(load_rules(), min_fatalities=5, campaign_window_days=4),
                              border)[0]
    assert short.status == "partly met"


def test_trigger_2_partly_met_by_requests_but_no_formal_invocation(seeded, border) -> None:
    """Tajikistan asked for help twice outside the formal CSTO mechanisms (the July 2021 appeal at the
    Permanent Council; the December 2025 talks on joint patrols, reported by Reuters and denied), but no
    record invokes a CSTO mechanism and none records a Russian refusal or token answer."""
    t2 = evaluate_triggers(seeded, load_rules(), border)[1]
    assert t2.status == "partly met"
    assert _dates(seeded, t2.incident_ids) == ["2021-07-07", "2025-12-02"]
    assert t2.criteria_met["csto-invoked"] is False
    assert t2.criteria_met["no answer within 30 days"] is False  # no invocation: the lapse clock is not running
    assert "Lapse clock: not running" in t2.notes[0]
    # even counting claimed reports, nothing is invoked: still partly met
    claimed = evaluate_triggers(seeded, with_thresholds(load_rules(), min_confidence="claimed"), border)[1]
    assert claimed.status == "partly met"


def test_trigger_3_partly_met_by_the_public_call_to_leave_the_border(seeded, border) -> None:
    """The Chinese embassy told its citizens to leave the border area (Global Times, 28 Nov 2025): a public
    demand for protection; no record carries a Chinese signal about Russian inaction."""
    t3 = evaluate_triggers(seeded, load_rules(), border)[2]
    assert t3.status == "partly met"
    assert _dates(seeded, t3.incident_ids) == ["2025-11-28"]
    assert t3.criteria_met["china-signal-russian-inaction"] is False


def test_context_developments_carry_no_marker(seeded, border) -> None:
    """The CSTO border programme, the 2025 elections and Russia's recognition of the Taliban are context:
    they count toward no trigger."""
    results = evaluate_triggers(seeded, load_rules(), border)
    counted = {i for r in results for i in r.incident_ids}
    context = seeded.loc[seeded["event_date"].astype(str).str.slice(0, 10).isin(
        ["2024-11-28", "2025-03-02", "2025-07-03"]), "id"]
    assert len(context) == 3 and not counted & set(context)


def test_scenarios_show_their_newest_evidence_and_warn_when_stale(seeded, border) -> None:
    """Trigger 1 raises both Russian scenarios, triggers 2 and 3 only the limited deployment; no record
    carries a scenario's own evidence marker. Counted to 8 Dec 2026, the newest support (the 24 Dec 2025
    clash, behind trigger 1) is 349 days old: stale at the default 90 days. The Chinese scenarios have no
    supporting record."""
    import datetime as dt

    from geo.scenario_evidence import scenario_evidence
    from geo.triggers import load_scenarios

    scenarios = {s.id: s for s in load_scenarios()}
    assert scenarios["russia-large-operation"].shifted_by_triggers == (1,)
    assert scenarios["russia-limited-deployment"].shifted_by_triggers == (1, 2, 3)
    results = evaluate_triggers(seeded, load_rules(), border)
    day = dt.date(2026, 12, 8)
    ev = {e.scenario_id: e for e in scenario_evidence(list(scenarios.values()), results, seeded, as_of=day)}
    large, limited = ev["russia-large-operation"], ev["russia-limited-deployment"]
    assert (large.newest, large.days_old, large.stale) == ("2025-12-24", 349, True)
    assert large.via == ("trigger 1",)
    assert limited.newest == "2025-12-24" and limited.via == ("trigger 1", "trigger 2", "trigger 3")
    assert len(limited.record_ids) == 3 + 2 + 1
    assert "stale — older than 90 days" in large.summary()
    assert ev["china-led-operation"].newest is None and not ev["china-led-operation"].stale
    assert ev["china-deniable-security"].summary() == "no supporting evidence on record"
    fresh = scenario_evidence(list(scenarios.values()), results, seeded, as_of=dt.date(2026, 1, 10))
    assert not any(e.stale for e in fresh)


def test_seed_origins_are_structured_as_their_sources_attribute_them(seeded) -> None:
    """Shohin SM: the Tajik MFA; Shodak: the Tajik Border Troops (via Interfax); the 24 Dec 2025 clash: the
    Border Troops (via Khovar) — official, Afghanistan. Zarbuz: no one identified the attackers. The
    developments carry no origin."""
    by_date = seeded.assign(day=seeded["event_date"].astype(str).str.slice(0, 10)).set_index("day")
    for day in ("2025-11-26", "2025-11-30", "2025-12-24"):
        assert (by_date.loc[day, "origin_country"], by_date.loc[day, "origin_attribution"]) == ("AF", "official")
    assert by_date.loc["2024-11-18", "origin_attribution"] == "unattributed"
    assert pd.isna(by_date.loc["2024-11-18", "origin_country"])
    devs = seeded[seeded["record_kind"] == "development"]
    assert devs["origin_attribution"].isna().all() and devs["origin_country"].isna().all()
