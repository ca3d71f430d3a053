"""Each correction of the fact-check of November 2026 is in the shipped data and pinned to its source in PLACES.md."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

import pytest

from geo import datasets
from geo.place_status import parse_partial_date, status_as_of, status_history
from geo.triggers import load_rules

DATA_DIR = datasets.DATA_DIR
PLACES_MD = (DATA_DIR / "PLACES.md").read_text(encoding="utf-8")
PLACES = {f["properties"]["id"]: f for f in json.loads((DATA_DIR / datasets.PLACES_FILE).read_text())["features"]}
SEEDS = {f["properties"]["id"]: f["properties"]
         for f in json.loads((DATA_DIR / datasets.SEED_INCIDENTS_FILE).read_text())["features"]}


def _correction_row(fid: str) -> str:
    """The row of the corrections table of PLACES.md for ``fid``."""
    section = PLACES_MD.split("## Corrections after the fact-check of November 2026", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith(f"| {fid} |")]
    assert len(rows) == 1, f"PLACES.md has no single correction row for {fid}"
    return rows[0]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (km) on a 6371-km sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def _dms(deg: float, minutes: float = 0, seconds: float = 0) -> float:
    return deg + minutes / 60 + seconds / 3600


def test_khumrogi_is_an_official_crossing_at_the_bridge_village() -> None:
    """Sputnik Tajikistan (13 Feb 2019) lists Khumrogi (Vanj) among seven crossings; AKDN datelines
    the 2011 release Khumrogi; the point is the Chumrogi bridge's own coordinate."""
    row = _correction_row("crossing-khumrogi-vanj")
    assert "Sputnik Tajikistan, 2019-02-13" in row and "Khumrogi" in row
    assert "tj.sputniknews.ru/amp/20190213/" in row and "akdn.org/press-release/tajik-and-afghan" in row
    p = PLACES["crossing-khumrogi-vanj"]
    assert p["properties"]["official_crossing"] is True and "Sputnik Tajikistan" in p["properties"]["source"]
    lon, lat = p["geometry"]["coordinates"]
    assert _km(lat, lon, _dms(38, 16, 19), _dms(71, 20, 18)) < 0.05
    assert p["properties"]["precision_km"] <= 2


def test_shodak_origin_is_the_village_without_a_district() -> None:
    """The Border Troops (via Interfax, Gazeta.ru 1 Dec 2025) name Ruzvayak, Badakhshan, and no district;
    'Maimay' survives only as Afghanistan International's claim in the notes."""
    row = _correction_row("seed-2025-11-30-shodak")
    assert "2025-12-01" in row and "gazeta.ru/social/news/2025/12/01/27309715" in row
    p = SEEDS["seed-2025-11-30-shodak"]
    assert "Ruzvayak" in p["origin"] and "Maimay" not in p["origin"] and "district" not in p["origin"]
    assert "Afghanistan International's own claim" in p["notes"]


def test_zarbuz_is_dated_as_cited_and_unattributed() -> None:
    """24.kg (20 Nov 2024): night of 18 November, attackers not identified — so no Afghan origin."""
    row = _correction_row("seed-2024-11-18-zarbuz")
    assert "24.kg" in row and "2024-11-20" in row and "24.kg/english/311756" in row
    p = SEEDS["seed-2024-11-18-zarbuz"]
    assert p["event_date"] == "2024-11-18" and "Night of 18 Nov" in p["notes"]
    assert "17–18" not in p["notes"] and "crossed the Panj" not in p["notes"]
    assert p["origin_attribution"] == "unattributed" and "origin_country" not in p, \
        "Zarbuz must not read as Afghan origin"
    assert load_rules().trigger(1).origin.country == "AF"
    assert p["origin"].startswith("Unattributed")


def test_dushanbe_sits_on_the_coordinate_it_cites() -> None:
    row = _correction_row("town-dushanbe")
    assert "38°32′N 68°47′E" in row and "en.wikipedia.org/wiki/Dushanbe" in row
    for fid in ("town-dushanbe", "rus201-dushanbe"):
        lon, lat = PLACES[fid]["geometry"]["coordinates"]
        assert _km(lat, lon, _dms(38, 32), _dms(68, 47)) < 0.05, fid


def test_chinese_police_contingents_are_a_note_not_a_site() -> None:
    assert "cn-pap-gbao" not in PLACES
    assert "| note-cn-pap |" in PLACES_MD
    notes = {n["id"]: n for n in datasets.region_notes()}
    note = notes["note-cn-pap"]
    assert note["source"].startswith("Lansing Institute analysis, 2025") and "no point" in note["text"]


def test_shaymak_post_cites_the_asia_plus_article_used() -> None:
    row = _correction_row("cn-shaymak-post")
    url = "asiaplustj.info/en/news/tajikistan/security/20190221/"
    assert "Asia-Plus, 2019-02-21" in row and url in row and "RFE/RL Tajik Service, 2021-10-28" in row
    p = PLACES["cn-shaymak-post"]["properties"]
    assert url in p["source_url"] and p["source_date"] == "2019-02-21"
    assert "October 2016" in p["description"] and "five frontier posts and a training centre" in p["description"]


@pytest.mark.parametrize(("fid", "length", "dms"), [
    ("crossing-panji-poyon", "672 m", ((37, 11, 41), (68, 36, 19))),
    ("crossing-tem-demogan", "135 m", ((37, 31, 27), (71, 30, 28))),
    ("crossing-darvaz-ruzvai", "135 m", ((38, 27, 12), (70, 49, 38))),
])
def test_bridges_lengths_and_coordinates_cite_wikipedia(fid: str, length: str, dms: Any) -> None:
    row = _correction_row(fid)
    assert "Wikipedia" in row and "en.wikipedia.org/wiki/" in row and length in row
    p = PLACES[fid]
    assert length in p["properties"]["description"] and "wikipedia.org" in p["properties"]["location_source_url"]
    lon, lat = p["geometry"]["coordinates"]
    assert _km(lat, lon, _dms(*dms[0]), _dms(*dms[1])) < 0.05


def test_no_feature_cites_only_a_home_page() -> None:
    for fid, feat in PLACES.items():
        url = feat["properties"]["source_url"]
        assert re.sub(r"^https?://", "", url).rstrip("/").count("/") >= 1, f"{fid} cites only {url}"


@pytest.mark.parametrize("fid", [f for f, p in PLACES.items() if p["properties"].get("status_history")])
def test_status_histories_are_sourced_and_ordered(fid: str) -> None:
    entries = status_history(PLACES[fid]["properties"])
    assert entries, fid
    assert [e.begins for e in entries] == sorted(e.begins for e in entries)
    for e in entries:
        assert e.source and e.confidence in datasets.CONFIDENCE_VALUES
        assert e.source_url and e.source_url.startswith(("http://", "https://"))
        assert e.begins <= date.today() and parse_partial_date(e.source_date or "") <= date.today()
        assert f"| {fid} | {e.start} |" in PLACES_MD


def test_every_crossing_has_a_status_history() -> None:
    for fid, feat in PLACES.items():
        if feat["properties"]["kind"] == "crossing":
            assert status_history(feat["properties"]), fid


@pytest.mark.parametrize(("fid", "day", "status"), [
    ("crossing-panji-poyon", "2007-08-25", None),           # before it opened
    ("crossing-panji-poyon", "2021-01-01", "open"),
    ("crossing-panji-poyon", "2022-05-10", "closed"),       # Radio Ozodi via Fergana, May 2022
    ("crossing-shohon", "2018-10-01", "closed"),            # Asia-Plus 2019: closed six months
    ("crossing-shohon", "2019-03-01", "open"),
    ("crossing-kokul", "2018-08-20", "closed"),             # Asia-Plus, 15 Aug 2018
    ("crossing-tem-demogan", "2025-12-20", "reported closed"),  # Sputnik Tajikistan, 17 Dec 2025
    ("rus201-kulob-former", "2016-01-01", "vacated"),
])
def test_shipped_statuses_on_dates(fid: str, day: str, status: str | None) -> None:
    got = status_as_of(PLACES[fid]["properties"], day)
    assert (got.status if got else None) == status
