"""The incident schema, ACLED taxonomy and validation."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.errors import InvalidInputError
from geo.incidents import (
    ACLED_COLUMNS,
    CONTENT_FIELDS,
    EVENT_TAXONOMY,
    MAX_TEXT_LENGTH,
    dedup_key,
    resolve_event_type,
    validate_incident,
)

TODAY = dt.date(2025, 6, 1)


def base(**extra: object) -> dict[str, object]:
    rec: dict[str, object] = {"event_date": "2025-03-15", "event_type": "Armed clash",
                              "latitude": 37.19, "longitude": 68.61}
    rec.update(extra)
    return rec


def test_acled_columns_and_taxonomy_sizes() -> None:
    assert len(ACLED_COLUMNS) == 31 == len(set(ACLED_COLUMNS))
    assert len(EVENT_TAXONOMY) == 6
    subs = [s for v in EVENT_TAXONOMY.values() for s in v]
    assert len(subs) == 25 == len(set(subs))


@pytest.mark.parametrize(("text", "expected"), [
    ("Armed clash", ("Battles", "Armed clash")),
    ("air/drone strike", ("Explosions/Remote violence", "Air/drone strike")),
    ("  Attack ", ("Violence against civilians", "Attack")),
    ("Strategic developments", ("Strategic developments", None)),
    ("remote explosive/landmine/IED", ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
])
def test_resolve_event_type_both_ways(text: str, expected: tuple[str, str | None]) -> None:
    assert resolve_event_type(text) == expected


def test_unknown_type_lists_choices() -> None:
    with pytest.raises(InvalidInputError, match="Battles"):
        resolve_event_type("Skirmish")


def test_validated_record_has_every_field_and_derived_values() -> None:
    rec = validate_incident(base(fatalities="3", nationals="cn; ru", confidence="Assessed"), today=TODAY)
    assert set(rec) == set(CONTENT_FIELDS)
    assert rec["event_type"] == "Battles" and rec["sub_event_type"] == "Armed clash"
    assert rec["year"] == 2025 and rec["disorder_type"] == "Political violence"
    assert rec["fatalities"] == 3 and rec["fatalities_best"] == 3
    assert rec["nationals"] == "CN,RU" and rec["confidence"] == "assessed"
    assert rec["verification"] == "unverified" and rec["record_kind"] == "incident"


def test_strategic_development_is_a_development() -> None:
    rec = validate_incident(base(event_type="Headquarters or base established"), today=TODAY)
    assert rec["record_kind"] == "development"
    assert rec["disorder_type"] == "Strategic developments"


def test_acled_style_date_accepted() -> None:
    assert validate_incident(base(event_date="15 March 2025"), today=TODAY)["event_date"] == "2025-03-15"


def test_input_is_not_mutated() -> None:
    fields = base(notes="  x  ")
    before = dict(fields)
    validate_incident(fields, today=TODAY)
    assert fields == before


@pytest.mark.parametrize(("extra", "fragment"), [
    ({"event_date": "2025-02-30"}, "event_date"),
    ({"event_date": "2025-07-01"}, "future"),
    ({"event_date": "yesterday"}, "event_date"),
    ({"event_date": "1850-01-01"}, "before 1900"),
    ({"event_date": None}, "event_date is required"),
    ({"fatalities": -1}, "fatalities cannot be negative"),
    ({"fatalities": "2.5"}, "fatalities must be a whole number"),
    ({"injured": True}, "injured"),
    ({"geo_precision": 4}, "geo_precision"),
    ({"geo_precision": 0}, "geo_precision"),
    ({"latitude": 95}, "latitude"),
    ({"longitude": "nan"}, "longitude"),
    ({"latitude": None}, "required"),
    ({"notes": "x" * (MAX_TEXT_LENGTH + 1)}, "notes is"),
    ({"colour": "red"}, "unknown field 'colour'"),
    ({"nationals": "China"}, "nationals"),
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"confidence": "certain"}, "confidence"),
    ({"verification": "maybe"}, "verification"),
    ({"event_type": "Battles", "sub_event_type": "Attack"}, "belongs to"),
    ({"fatalities_low": 5, "fatalities": 3}, "fatalities_low"),
    ({"fatalities_high": 1, "fatalities": 3}, "fatalities_high"),
    ({"year": 2024}, "year 2024"),
    ({"precision_km": "inf"}, "precision_km"),
    ({"event_type": None}, "event_type is required"),
])
def test_invalid_fields_are_named(extra: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        validate_incident(base(**extra), today=TODAY)


def test_control_characters_stripped_html_kept() -> None:
    rec = validate_incident(base(notes="a\x00b\x1b[31m <script>alert(1)</script>\nline 2",
                                 actor1="\x07Taliban"), today=TODAY)
    assert rec["notes"] == "ab[31m <script>alert(1)</script>\nline 2"
    assert rec["actor1"] == "Taliban"


def test_text_coordinates_accepted_in_lat_lon_fields() -> None:
    rec = validate_incident(base(latitude="37°11'40\"N", longitude="68°36'19\"E"), today=TODAY)
    assert rec["latitude"] == pytest.approx(37.19444, abs=1e-5)


def test_dedup_key_acled_id_or_content() -> None:
    a = validate_incident(base(), today=TODAY)
    b = validate_incident(base(), today=TODAY)
    c = validate_incident(base(fatalities=1), today=TODAY)
    assert dedup_key(a) == dedup_key(b) != dedup_key(c)
    assert dedup_key(validate_incident(base(event_id_cnty="AFG123"), today=TODAY)) == "acled:AFG123"
