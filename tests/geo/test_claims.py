"""Claims and the figures derived from them (geo.claims), on hand-made claims."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from geo.claims import (
    claims_summary_text,
    claims_text,
    differing_fields,
    disagreement_label,
    disagreement_labels,
    origin_attribution,
    parse_claims,
    summarize,
    validate_claim,
    with_claim_added,
    with_claim_chosen,
    without_claim,
)
from geo.errors import InvalidInputError
from geo.incidents import dedup_key, validate_incident

TODAY = dt.date(2026, 1, 1)


def claim(field: str = "fatalities", value: object = 3, source: str = "A", date: str = "2025-01-02",
          claimant: str = "official", **extra: object) -> dict[str, object]:
    return {"field": field, "value": value, "source": source, "source_date": date, "claimant": claimant, **extra}


def base(**extra: object) -> dict[str, object]:
    return {"event_date": "2025-01-01", "event_type": "Armed clash", "latitude": 37.5, "longitude": 69.0, **extra}


@pytest.mark.parametrize(("values", "low", "best", "high"), [
    ([3], 3, 3, 3),
    ([2, 5], 2, 2, 5),            # even count: the lower middle figure, a figure some source gave
    ([1, 4, 9], 1, 4, 9),         # odd count: the median
    ([4, 4, 10, 2], 2, 4, 10),
    ([0, 0], 0, 0, 0),
])
def test_low_best_high_from_distinct_sources(values: list[int], low: int, best: int, high: int) -> None:
    cs = parse_claims([claim(value=v, source=f"S{i}") for i, v in enumerate(values)], today=TODAY)
    s = summarize(cs)["fatalities"]
    assert (s.low, s.best, s.high) == (low, best, high)
    assert s.sources_differ == (len(set(values)) > 1)


def test_a_source_counts_once_with_its_latest_claim() -> None:
    cs = parse_claims([claim(value=2, source="Asia-Plus", date="2025-01-02"),
                       claim(value=5, source=" asia-plus ", date="2025-01-04"),  # same source, revised
                       claim(value=5, source="RFE/RL", date="2025-01-03")], today=TODAY)
    s = summarize(cs)["fatalities"]
    assert (s.claims, s.sources, s.values) == (3, 2, (5, 5))
    assert (s.low, s.best, s.high, s.sources_differ) == (5, 5, 5, False)


def test_the_chosen_claim_is_best_and_widens_the_range() -> None:
    cs = parse_claims([claim(value=2, source="A"), claim(value=5, source="B"),
                       claim(value=9, source="A", date="2024-12-01", chosen=True)], today=TODAY)  # superseded, chosen
    s = summarize(cs)["fatalities"]
    assert (s.low, s.best, s.high) == (2, 9, 9) and s.chosen_id == cs[2].id


def test_record_fields_follow_the_claims() -> None:
    rec = validate_incident(base(claims=[claim(value=1, source="A"), claim(value=4, source="B"),
                                         claim("injured", 4, "A"), claim("injured", 5, "B", chosen=True)]),
                            today=TODAY)
    assert (rec["fatalities_low"], rec["fatalities_best"], rec["fatalities_high"], rec["fatalities"]) == (1, 1, 4, 1)
    assert rec["injured"] == 5
    assert json.loads(rec["claims"])[0]["source"] == "A"
    # a figure typed that agrees with the claims is fine; one that does not is refused
    assert validate_incident(base(fatalities=1, claims=rec["claims"]), today=TODAY)["fatalities_high"] == 4
    with pytest.raises(InvalidInputError, match=r"fatalities_high of this record comes from its 2 fatalities claims"):
        validate_incident(base(fatalities_high=7, claims=rec["claims"]), today=TODAY)


def test_text_claims_set_the_record_only_when_chosen() -> None:
    claims = [claim("origin", "Ruzvayak village, Badakhshan", "Border Troops"),
              claim("origin", "Maimay district", "Afghanistan International", claimant="media")]
    rec = validate_incident(base(origin="as typed", claims=claims), today=TODAY)
    assert rec["origin"] == "as typed"
    assert differing_fields(rec["claims"]) == ("origin",)
    chosen = validate_incident(base(claims=[*claims[:1], {**claims[1], "chosen": True}]), today=TODAY)
    assert chosen["origin"] == "Maimay district"
    same = parse_claims([claim("location", "Kavo  village", "A"), claim("location", "kavo village", "B")])
    assert not summarize(same)["location"].sources_differ  # case and spacing ignored


def test_origin_attribution_levels() -> None:
    assert origin_attribution(()) == "unattributed"
    media = parse_claims([claim("origin", "Afghanistan", "X", claimant="media")])
    assert origin_attribution(media) == "claimed"
    both = parse_claims([claim("origin", "Afghanistan", "X", claimant="party"),
                         claim("origin", "Badakhshan", "MFA", claimant="official")])
    assert origin_attribution(both) == "official"
    chosen_media = parse_claims([claim("origin", "Afghanistan", "X", claimant="media", chosen=True),
                                 claim("origin", "Badakhshan", "MFA", claimant="official")])
    assert origin_attribution(chosen_media) == "claimed"


@pytest.mark.parametrize(("bad", "message"), [
    ({"field": "wounded"}, "claim field must be one of fatalities, injured, origin, location"),
    ({"value": "several"}, "must be a whole number"),
    ({"value": -1}, "cannot be negative"),
    ({"value": "2-4"}, "is a range"),
    ({"value": None}, "claim value is required"),
    ({"source": "  "}, "claim source is required"),
    ({"source_date": None}, "claim source_date is required"),
    ({"source_date": "2030-01-01"}, "in the future"),
    ({"claimant": "journalist"}, "claimant .* must be one of official, party, media, other"),
    ({"source_url": "javascript:alert(1)"}, "http"),
    ({"colour": "red"}, "unknown claim key"),
])
def test_bad_claims_are_refused_naming_the_problem(bad: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        validate_claim({**claim(), **bad}, today=TODAY)


def test_bad_claims_text() -> None:
    with pytest.raises(InvalidInputError, match="JSON list"):
        parse_claims("[{oops")
    with pytest.raises(InvalidInputError, match="claim 2"):
        parse_claims([claim(), claim(value="x")], today=TODAY)
    with pytest.raises(InvalidInputError, match="share the id"):
        parse_claims([claim(id="a"), claim(id="a", source="B")], today=TODAY)
    with pytest.raises(InvalidInputError, match="more than one fatalities claim is marked chosen"):
        parse_claims([claim(chosen=True), claim(source="B", chosen=True)], today=TODAY)
    assert parse_claims(None) == () == parse_claims("") == parse_claims(float("nan"))
    assert claims_text(()) is None


def test_add_choose_remove_are_pure() -> None:
    cs = parse_claims([claim(id="a", chosen=True), claim(id="b", source="B", value=5)], today=TODAY)
    new = validate_claim(claim(id="a", source="C", value=7, chosen=True), today=TODAY)
    added = with_claim_added(cs, new)
    assert len(added) == 3 and added[2].id != "a" and [c.chosen for c in added] == [False, False, True]
    assert [c.chosen for c in cs] == [True, False]  # the input is not changed
    chosen = with_claim_chosen(added, "b")
    assert [c.chosen for c in chosen] == [False, True, False]
    assert [c.chosen for c in with_claim_chosen(chosen, None, "fatalities")] == [False, False, False]
    assert [c.id for c in without_claim(added, "b")] == ["a", added[2].id]
    with pytest.raises(InvalidInputError, match="is not a claim of this record"):
        without_claim(added, "zz")


def test_claims_leave_the_dedup_key_alone() -> None:
    plain = validate_incident(base(fatalities=3), today=TODAY)
    with_claims = validate_incident(base(fatalities=3, claims=[claim(value=3)]), today=TODAY)
    with_claims["fatalities_low"] = with_claims["fatalities_high"] = None  # only the claims differ then
    assert dedup_key(plain) == dedup_key(with_claims)


def test_markers_and_popup_text() -> None:
    text = claims_text(parse_claims([claim("injured", 4, "24.kg"), claim("injured", 5, "RFE/RL", claimant="media"),
                                     claim("fatalities", 1, "24.kg")], today=TODAY))
    assert disagreement_label(text) == "⚠ injured"
    assert disagreement_label(None) == ""
    assert disagreement_label(claims_text(parse_claims([claim()], today=TODAY))) == "✓ 1 agree"
    assert list(disagreement_labels(pd.Series([text, None, text]))) == ["⚠ injured", "", "⚠ injured"]
    summary = claims_summary_text(text)
    assert summary == ("Sources differ on injured: 4 to 5, best 4 (2 sources). "
                       "Agree on fatalities: 1, best 1 (1 source).")
    assert claims_summary_text(None) is None
