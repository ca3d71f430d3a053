"""The shipped reference places and seed incidents: provenance, geography, consistency."""

from __future__ import annotations

import importlib.util
import json
import math
import re
from datetime import date
from types import ModuleType
from typing import Any

import pytest

from geo import datasets
from geo.border import Border, load_border, locate_point
from geo.crs import in_region

DATA_DIR = datasets.DATA_DIR
BUILD_SCRIPT = DATA_DIR / "build" / "build_places.py"

PLACE_KINDS = {"crossing", "garrison", "garrison_history", "chinese_site", "town"}
TAJIK_SIDE_KINDS = {"garrison", "garrison_history", "chinese_site"}
INCIDENT_CONFIDENCE = {"assessed", "claimed"}
#: ACLED event types and the sub-event types used here.
ACLED_TYPES = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Air/drone strike", "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Grenade", "Suicide bomb",
                                   "Chemical weapon"},
    "Violence against civilians": {"Attack", "Abduction/forced disappearance", "Sexual violence"},
}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _doc(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


PLACES_DOC = _doc(datasets.PLACES_FILE)
INCIDENTS_DOC = _doc(datasets.SEED_INCIDENTS_FILE)
PLACES = PLACES_DOC["features"]
INCIDENTS = INCIDENTS_DOC["features"]
ALL = [("place", f) for f in PLACES] + [("incident", f) for f in INCIDENTS]


def _fid(item: tuple[str, dict[str, Any]]) -> str:
    return str(item[1]["properties"].get("id"))


def _parse_partial_date(text: str) -> date:
    """First day of a YYYY, YYYY-MM or YYYY-MM-DD date."""
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


@pytest.fixture(scope="module")
def border() -> Border:
    return load_border()


@pytest.fixture(scope="module")
def build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_places", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", [datasets.PLACES_FILE, datasets.SEED_INCIDENTS_FILE])
def test_layer_loads_with_provenance_and_metadata(name: str) -> None:
    gdf = datasets.load_layer(name)  # raises DataFileError if a provenance field is missing
    assert len(gdf) > 0
    assert (gdf.geometry.geom_type == "Point").all()
    meta = datasets.file_metadata(name)
    for key in ("title", "built", "licence", "sources"):
        assert meta.get(key), f"{name}: metadata.{key} is empty"
    assert all(s.get("name") for s in meta["sources"])
    assert _parse_partial_date(meta["built"]) <= date.today()


@pytest.mark.parametrize("item", ALL, ids=_fid)
def test_every_feature_has_honest_provenance(item: tuple[str, dict[str, Any]]) -> None:
    layer, feat = item
    p = feat["properties"]
    assert isinstance(p["source"], str) and p["source"].strip()
    assert isinstance(p["source_url"], str) and p["source_url"].startswith(("http://", "https://"))
    assert DATE_RE.match(p["source_date"]), p["source_date"]
    assert _parse_partial_date(p["source_date"]) <= date.today()
    prec = p["precision_km"]
    assert isinstance(prec, (int, float)) and math.isfinite(prec) and prec > 0
    allowed = datasets.CONFIDENCE_VALUES if layer == "place" else INCIDENT_CONFIDENCE
    assert p["confidence"] in allowed
    if p["confidence"] == "approximate":
        assert prec >= 2, f"{p['id']}: approximate features need precision_km >= 2"


def test_ids_are_unique_across_both_files() -> None:
    ids = [_fid(item) for item in ALL]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), ids
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("item", ALL, ids=_fid)
def test_points_lie_inside_the_region(item: tuple[str, dict[str, Any]]) -> None:
    lon, lat = item[1]["geometry"]["coordinates"]
    assert in_region(lon, lat), f"{_fid(item)} at lon={lon}, lat={lat} is outside the region"


@pytest.mark.parametrize("feat", PLACES, ids=lambda f: f["properties"]["id"])
def test_places_have_the_fields_of_their_kind(feat: dict[str, Any]) -> None:
    p = feat["properties"]
    assert p["kind"] in PLACE_KINDS
    assert p["name"].strip() and p["description"].strip() and p["location_note"].strip()
    assert p["precision_label"] in {"exact", "town", "district"}
    if p["kind"] == "crossing":
        assert p["opened"] is None or 1950 <= p["opened"] <= date.today().year
        assert isinstance(p["crossing_type"], str) and p["crossing_type"]
        assert isinstance(p["official_crossing"], bool)
    if p["kind"] in ("garrison", "garrison_history"):
        assert p["country"] == "RUS"
        assert p["status"] == ("active" if p["kind"] == "garrison" else "vacated 2015")
        assert "2042" in p["description"]
    if p["kind"] == "town":
        assert p["side"] in {"TJK", "AFG"}


def test_seven_official_crossings() -> None:
    """Sputnik Tajikistan (13 Feb 2019) lists seven: Nizhny Panj, Kokul, Ruzvai, Tem, Ishkashim,
    Shohon and Khumrogi."""
    official = {f["properties"]["id"] for f in PLACES if f["properties"]["kind"] == "crossing"
                and f["properties"]["official_crossing"]}
    assert official == {"crossing-panji-poyon", "crossing-kokul", "crossing-darvaz-ruzvai", "crossing-tem-demogan",
                        "crossing-ishkashim", "crossing-shohon", "crossing-khumrogi-vanj"}


@pytest.mark.parametrize("feat", [f for f in PLACES if f["properties"]["kind"] != "crossing"],
                         ids=lambda f: f["properties"]["id"])
def test_sites_and_towns_are_on_the_right_side(border: Border, feat: dict[str, Any]) -> None:
    p = feat["properties"]
    lon, lat = feat["geometry"]["coordinates"]
    expected = "TJK" if p["kind"] in TAJIK_SIDE_KINDS else p["side"]
    assert locate_point(border, lon, lat).side == expected


@pytest.mark.parametrize("feat", [f for f in PLACES if f["properties"]["kind"] == "crossing"],
                         ids=lambda f: f["properties"]["id"])
def test_crossings_are_on_the_border_line(border: Border, feat: dict[str, Any]) -> None:
    lon, lat = feat["geometry"]["coordinates"]
    assert locate_point(border, lon, lat).distance_km <= 3.0


VIOLENT = [f for f in INCIDENTS if f["properties"].get("record_kind", "incident") == "incident"]
DEVELOPMENTS = [f for f in INCIDENTS if f["properties"].get("record_kind") == "development"]


@pytest.mark.parametrize("feat", VIOLENT, ids=lambda f: f["properties"]["id"])
def test_seed_incidents_are_well_formed(border: Border, feat: dict[str, Any]) -> None:
    p = feat["properties"]
    event = date.fromisoformat(p["event_date"])
    assert event <= date.today()
    assert event <= _parse_partial_date(p["source_date"]) or len(p["source_date"]) < 10
    assert p["disorder_type"] == "Political violence"
    assert p["sub_event_type"] in ACLED_TYPES[p["event_type"]]
    assert p["geo_precision"] in (1, 2, 3)
    assert p["country"] == "Tajikistan" and p["verification"] == "unverified"
    assert isinstance(p["fatalities"], int) and p["fatalities"] >= 0
    assert p.get("injured") is None or (isinstance(p["injured"], int) and p["injured"] >= 0)
    for key in ("actor1", "actor2", "admin1", "admin2", "location", "nationals", "origin", "notes"):
        assert isinstance(p[key], str) and p[key].strip(), key
    assert feat["geometry"]["coordinates"] == [p["longitude"], p["latitude"]]
    assert locate_point(border, p["longitude"], p["latitude"]).side == "TJK"


def test_developments_of_issue_14_ship() -> None:
    """Cited developments (record_kind development, ACLED Strategic developments) ship as seed records."""
    dates = {f["properties"]["event_date"]: f["properties"] for f in DEVELOPMENTS}
    assert set(dates) == {"2021-07-07", "2024-11-28", "2025-03-02", "2025-07-03", "2025-11-28", "2025-12-02"}
    assert "Global Times" in dates["2025-11-28"]["source"]
    assert "Reuters" in dates["2025-12-02"]["source"] and dates["2025-12-02"]["confidence"] == "claimed"
    assert "2027-29" in dates["2024-11-28"]["notes"]  # the programme's stages
    clash = next(f["properties"] for f in VIOLENT if f["properties"]["event_date"] == "2025-12-24")
    assert clash["fatalities"] == 5 and "two Tajik border guards" in clash["notes"]


@pytest.mark.parametrize("feat", DEVELOPMENTS, ids=lambda f: f["properties"]["id"])
def test_developments_are_well_formed(border: Border, feat: dict[str, Any]) -> None:
    p = feat["properties"]
    assert date.fromisoformat(p["event_date"]) <= _parse_partial_date(p["source_date"]) <= date.today()
    assert p["event_type"] == p["disorder_type"] == "Strategic developments"
    assert p["sub_event_type"] in {"Agreement", "Other"}
    assert p["geo_precision"] == 3 and p["fatalities"] == 0
    assert "plotted at Dushanbe" in p["notes"] or "plotted at Dushanbe" in p["location"]
    for key in ("actor1", "location", "notes", "source"):
        assert isinstance(p[key], str) and p[key].strip(), key
    assert locate_point(border, p["longitude"], p["latitude"]).side == "TJK"


def test_places_md_lists_every_feature() -> None:
    text = (DATA_DIR / "PLACES.md").read_text(encoding="utf-8")
    for item in ALL:
        assert f"| {_fid(item)} |" in text
    for note in datasets.region_notes():
        assert f"**{note['id']}**" in text


def test_committed_files_match_the_build_script(build_module: ModuleType) -> None:
    assert build_module.places_collection() == PLACES_DOC
    assert build_module.incidents_collection() == INCIDENTS_DOC
    assert build_module.places_markdown() == (DATA_DIR / "PLACES.md").read_text(encoding="utf-8")

