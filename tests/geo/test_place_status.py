"""geo.place_status on hand-made histories: which entry holds on a date, ended entries, bad input."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.errors import InvalidInputError
from geo.place_status import STATUS_COLUMNS, parse_partial_date, status_as_of, statuses_as_of


def _ev(start: str, status: str, **kw) -> dict:
    return {"from": start, "status": status, "source": kw.pop("source", "src"), "confidence": "assessed", **kw}


PLACE = {"status_history": [
    _ev("2019-02", "open"),
    _ev("2007-08-26", "open", source="opening"),       # out of order on purpose
    _ev("2018-08", "closed", source="closure"),
    _ev("2022-05-09", "closed", temporary=True, source="temporary"),
    _ev("2023-06-01", "closed", until="2023-06-10", source="ten days"),
]}


@pytest.mark.parametrize(("day", "status", "source"), [
    ("2007-08-25", None, None),
    ("2007-08-26", "open", "opening"),
    ("2018-07-31", "open", "opening"),
    ("2018-08-01", "closed", "closure"),          # a month stands for its first day
    ("2019-02-01", "open", "src"),
    ("2022-05-09", "closed", "temporary"),
    ("2023-06-05", "closed", "ten days"),
    ("2023-06-10", "closed", "temporary"),       # the ten days ended: the earlier entry holds again
    (dt.date(2030, 1, 1), "closed", "temporary"),
])
def test_status_on_a_date(day, status, source) -> None:
    got = status_as_of(PLACE, day)
    assert (got.status if got else None) == status
    assert (got.entry.source if got else None) == source


def test_text_names_since_caveat_source_and_confidence() -> None:
    text = status_as_of(PLACE, "2022-06-01").text
    assert text == "closed since 2022-05-09 (temporary; no reopening on record) — temporary, assessed"
    assert status_as_of(PLACE, "2023-06-05").text == "closed since 2023-06-01 until 2023-06-10 — ten days, assessed"


def test_place_without_history_has_no_status() -> None:
    assert status_as_of({}, "2024-01-01") is None
    assert status_as_of({"status_history": None}, "2024-01-01") is None


@pytest.mark.parametrize(("history", "words"), [
    ([{"status": "open", "source": "s"}], "'from'"),
    ([_ev("2020-13", "open")], "not a real date"),
    ([_ev("20-01", "open")], "YYYY"),
    ([_ev("2020", "")], "no status"),
    ([_ev("2020", "open", source="")], "no source"),
    ([_ev("2020-05", "closed", until="2020-04")], "before it begins"),
    ("open", "list"),
])
def test_bad_history_is_one_clear_sentence(history, words) -> None:
    with pytest.raises(InvalidInputError, match=words):
        status_as_of({"status_history": history}, "2024-01-01")


def test_partial_dates() -> None:
    assert parse_partial_date("2017") == dt.date(2017, 1, 1)
    assert parse_partial_date("2017-08") == dt.date(2017, 8, 1)
    assert parse_partial_date(dt.datetime(2017, 8, 3, 12)) == dt.date(2017, 8, 3)


def test_statuses_as_of_adds_columns_for_a_layer() -> None:
    gdf = gpd.GeoDataFrame({"id": ["a", "b"], "status_history": [PLACE["status_history"], None]},
                           geometry=[Point(68.6, 37.2), Point(71.5, 37.5)], crs="EPSG:4326")
    out = statuses_as_of(gdf, "2018-09-01")
    assert set(STATUS_COLUMNS) <= set(out.columns) and "status_as_of" not in gdf.columns
    assert out["status_as_of"].tolist() == ["closed", ""]
    assert out["status_since"].tolist() == ["2018-08", ""]
    assert out.crs == gdf.crs
