"""Values that used to pass silently wrong are refused; their correct neighbours still pass;
messages echo at most ~80 characters of what was typed."""

from __future__ import annotations

import pytest

from geo.coords import parse_coordinates
from geo.errors import InvalidCoordinateError, InvalidInputError, shown
from geo.incidents import validate_incident

BASE = {"event_date": "2025-03-01", "event_type": "Attack", "latitude": 37.2, "longitude": 68.6}


@pytest.mark.parametrize(("text", "why"), [
    ("37..19, 68.61", "runs two numbers together"),  # was 37.003167
    ("37.19.5, 68.61", "runs two numbers together"),
    ("42RVG6538516021", "band R covers 24° N to 32° N"),  # was a point in band S with a warning
    ("42TVF3403717153", "band T covers 40° N to 48° N"),  # was 54.3° N
])
def test_silently_wrong_coordinates_are_refused(text, why):
    with pytest.raises(InvalidCoordinateError, match=why):
        parse_coordinates(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("37.19 68.61", (37.19, 68.61)),
    ("37 11 40 N 68 36 19 E", (37.194444, 68.605278)),
    ("42SVG6538516021", (37.190002, 68.609997)),
    ("42S VG 65385 16021", (37.190002, 68.609997)),
    ("-37.1, -68.6", (-37.1, -68.6)),
])
def test_their_correct_neighbours_still_parse(text, expected):
    assert parse_coordinates(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("date", ["2025-01-01T<junk>", "2025-01-01Tjunk", "2025-01-01 10:99", "2025-01-01T25:00"])
def test_a_date_with_a_junk_time_is_refused(date):
    with pytest.raises(InvalidInputError, match="event_date"):
        validate_incident({**BASE, "event_date": date})


@pytest.mark.parametrize("date", ["2025-01-01T10:30", "2025-01-01 10:30:15", "2025-01-01T10:30:00Z",
                                  "2025-01-01T10:30:00+05:00"])
def test_a_date_with_a_real_time_passes(date):
    assert validate_incident({**BASE, "event_date": date})["event_date"] == "2025-01-01"


@pytest.mark.parametrize(("field", "value"), [
    ("event_date", "9" * 100_000), ("fatalities", "9" * 100_000), ("event_type", "x" * 100_000),
    ("nationals", "y" * 100_000), ("precision_km", "z" * 100_000), ("confidence", "w" * 100_000),
])
def test_messages_echo_at_most_80_characters(field, value):
    with pytest.raises(InvalidInputError) as info:
        validate_incident({**BASE, field: value})
    text = str(info.value)
    assert len(text) < 400 and value[:200] not in text
    assert "100,000 characters" in text  # says how long the input was


@pytest.mark.parametrize(("field", "value", "why"), [
    ("source_url", "http://[::1", "not a valid web address"),
    ("source_url", "http://example.org:port/", "not a valid web address"),
    ("notes", "lone \udcff surrogate", "not valid text"),
])
def test_one_bad_cell_raises_the_row_s_error_not_another(field, value, why):
    with pytest.raises(InvalidInputError, match=why):
        validate_incident({**BASE, field: value})


def test_shown_cuts_and_says_so():
    assert shown("abc") == "'abc'"
    assert shown("x" * 200) == repr("x" * 79 + "…") + " (200 characters)"
