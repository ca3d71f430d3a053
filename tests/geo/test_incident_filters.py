"""Incident filters, border location of records (with reuse), playback steps, stated places."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pytest

from geo.errors import InvalidInputError
from geo.incident_filters import (
    UNSTATED,
    IncidentFilter,
    date_bounds,
    filter_incidents,
    locate_incidents,
    month_ends,
    with_locations,
)
from geo.stated_place import far_from_stated_place, find_stated_place

# Farkhor district, Tajik bank (~37.49 N 69.39 E); Imam Sahib, Afghan side; Tashkent, neither
POINTS = {"tjk": (69.40, 37.55), "afg": (68.92, 37.18), "uzb": (69.24, 41.30)}


@pytest.fixture()
def incidents() -> gpd.GeoDataFrame:
    lon, lat = zip(*[POINTS["tjk"], POINTS["afg"], POINTS["uzb"], POINTS["tjk"]], strict=True)
    return gpd.GeoDataFrame({
        "id": ["a", "b", "c", "d"],
        "event_date": ["2025-01-05", "2025-02-10", "2025-03-15", "2025-03-31"],
        "event_type": ["Battles", "Explosions/Remote violence", "Protests", "Strategic developments"],
        "actor1": ["Border Troops of Tajikistan", "Taliban", None, "Military Forces of Russia"],
        "actor2": ["Unidentified smugglers", None, "Protesters (Uzbekistan)", None],
        "confidence": ["assessed", "claimed", None, "approximate"],
        "verification": ["verified", "unverified", "unverified", "rejected"],
        "record_kind": ["incident", "incident", "incident", "development"],
        "longitude": list(lon), "latitude": list(lat),
    }, geometry=gpd.points_from_xy(lon, lat), crs=4326)


@pytest.fixture()
def located(incidents, border) -> gpd.GeoDataFrame:
    return with_locations(incidents, locate_incidents(incidents, border))


def test_locate_gives_side_distance_and_chainage(located):
    assert list(located["side"]) == ["TJK", "AFG", "other", "TJK"]
    assert (located["border_km"].iloc[:2] < 30).all()
    assert located["border_km"].iloc[2] > 300
    assert ((located["chainage_km"] >= 0) & (located["chainage_km"] <= 1300)).all()


def test_locate_empty_frame(border):
    empty = gpd.GeoDataFrame({"id": [], "longitude": [], "latitude": []}, geometry=[], crs=4326)
    out = locate_incidents(empty, border)
    assert len(out) == 0 and {"side", "border_km", "chainage_km"} <= set(out.columns)


def test_no_filter_returns_everything_as_a_copy(located):
    out = filter_incidents(located, IncidentFilter())
    assert list(out["id"]) == list(located["id"]) and out is not located


@pytest.mark.parametrize(("flt", "expected"), [
    (IncidentFilter(date_from=dt.date(2025, 2, 10)), ["b", "c", "d"]),
    (IncidentFilter(date_to=dt.date(2025, 3, 15)), ["a", "b", "c"]),
    (IncidentFilter(date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 3, 1)), ["b"]),
    (IncidentFilter(event_types=("Battles", "Protests")), ["a", "c"]),
    (IncidentFilter(actor="TALIBAN"), ["b"]),
    (IncidentFilter(actor="uzbek"), ["c"]),
    (IncidentFilter(actor="nobody"), []),
    (IncidentFilter(confidence=("assessed",)), ["a"]),
    (IncidentFilter(confidence=(UNSTATED, "claimed")), ["b", "c"]),
    (IncidentFilter(verification=("verified", "rejected")), ["a", "d"]),
    (IncidentFilter(sides=("TJK",)), ["a", "d"]),
    (IncidentFilter(sides=("AFG", "other")), ["b", "c"]),
    (IncidentFilter(record_kinds=("development",)), ["d"]),
    (IncidentFilter(sides=("TJK",), event_types=("Battles",), date_to=dt.date(2025, 1, 31)), ["a"]),
])
def test_filters_select_the_right_records(located, flt, expected):
    assert list(filter_incidents(located, flt)["id"]) == expected


def test_side_filter_needs_located_records(incidents):
    with pytest.raises(InvalidInputError, match="side"):
        filter_incidents(incidents, IncidentFilter(sides=("TJK",)))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"date_from": dt.date(2025, 3, 1), "date_to": dt.date(2025, 1, 1)}, "after"),
    ({"event_types": ("Skirmish",)}, "event_types"),
    ({"event_types": "Battles"}, "sequence"),
    ({"sides": ("UZB",)}, "sides"),
    ({"confidence": ("sure",)}, "confidence"),
    ({"verification": ("maybe",)}, "verification"),
    ({"actor": "x" * 300}, "actor"),
    ({"date_from": "2025-01-01"}, "date_from"),
])
def test_invalid_filters_are_refused(kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        IncidentFilter(**kwargs)


def test_filter_is_hashable_and_normalised():
    a = IncidentFilter(event_types=["Battles"], actor="  Taliban  ")
    assert a == IncidentFilter(event_types=("Battles",), actor="Taliban")
    assert hash(a) == hash(IncidentFilter(event_types=("Battles",), actor="Taliban"))
    assert a.is_active and not IncidentFilter().is_active


def test_date_bounds_and_month_steps(incidents):
    assert date_bounds(incidents) == (dt.date(2025, 1, 5), dt.date(2025, 3, 31))
    assert date_bounds(incidents.iloc[0:0]) is None
    steps = month_ends(dt.date(2024, 11, 20), dt.date(2025, 2, 3))
    assert steps == [dt.date(2024, 11, 30), dt.date(2024, 12, 31), dt.date(2025, 1, 31), dt.date(2025, 2, 3)]
    assert month_ends(dt.date(2025, 2, 3), dt.date(2025, 2, 3)) == [dt.date(2025, 2, 3)]
    with pytest.raises(InvalidInputError):
        month_ends(dt.date(2025, 2, 3), dt.date(2025, 1, 3))


def test_stated_place_match_and_warning(scene_data):
    places = scene_data.places
    khorog = places[places["name"] == "Khorog"].geometry.iloc[0]
    assert find_stated_place("5 km north of KHOROG, GBAO", places).name == "Khorog"
    assert find_stated_place("Khorogi", places) is None  # whole words only
    assert find_stated_place(None, places) is None
    assert far_from_stated_place(khorog.y + 0.05, khorog.x, "near Khorog", places) is None
    warning = far_from_stated_place(37.19, 68.61, "near Khorog", places)
    assert warning is not None and "Khorog" in warning
    km = float(warning.split(": ")[1].split(" km")[0])
    assert 250 < km < 300  # Khorog–Panji Poyon is ~270 km
    assert np.isfinite(km)
