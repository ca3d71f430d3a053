"""Files analysts hold come in whole: unclassified rows, import defaults, nationals from ACLED targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.actor_nationals import country_code, nationals_from_targets
from geo.errors import InvalidInputError
from geo.importers import ImportDefaults, import_defaults, import_file, preview_file, with_defaults
from geo.incidents import UNCLASSIFIED, validate_incident
from geo.store import IncidentStore
from geo.triggers import evaluate_triggers, load_rules
from tests.geo.test_importers import acled_row, write_csv
from tests.geo.test_triggers import _record, frame

#: As Google Earth saves it: one placemark typed through ExtendedData, two without a type,
#: one of those without a date (TimeStamp) either.
GOOGLE_EARTH_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>Panj notes.kml</name>
 <Style id="s_ylw-pushpin"><IconStyle><scale>1.1</scale></IconStyle></Style>
 <Folder><name>Border notes</name>
  <Placemark><name>Shots heard near Panji Poyon</name>
   <description>Local report, two boats.</description>
   <TimeStamp><when>2025-03-15</when></TimeStamp>
   <styleUrl>#s_ylw-pushpin</styleUrl>
   <ExtendedData><Data name="event_type"><value>Armed clash</value></Data></ExtendedData>
   <Point><gx:drawOrder>1</gx:drawOrder><coordinates>68.6121,37.1905,0</coordinates></Point>
  </Placemark>
  <Placemark><name>Road works (Chinese crew)</name>
   <TimeStamp><when>2025-04-02T08:30:00Z</when></TimeStamp>
   <styleUrl>#s_ylw-pushpin</styleUrl>
   <Point><coordinates>71.0302,38.4504,0</coordinates></Point>
  </Placemark>
  <Placemark><name>Checkpoint seen</name>
   <styleUrl>#s_ylw-pushpin</styleUrl>
   <LookAt><longitude>70.78</longitude><latitude>38.43</latitude><range>900</range></LookAt>
   <Point><coordinates>70.7843,38.4351,0</coordinates></Point>
  </Placemark>
 </Folder>
</Document></kml>
"""


def write_google_earth_kml(folder: Path) -> Path:
    """The three-placemark Google Earth file above, written to ``folder``."""
    path = folder / "Panj notes.kml"
    path.write_text(GOOGLE_EARTH_KML, encoding="utf-8")
    return path


def test_google_earth_kml_untyped_rows_come_in_unclassified(tmp_path: Path) -> None:
    kml = write_google_earth_kml(tmp_path)
    store = IncidentStore(tmp_path / "s.gpkg")
    report = import_file(store, kml, "analyst")
    assert report.imported == 2
    assert [(r.row, r.reason) for r in report.rejected] == [(3, "event_date is required (YYYY-MM-DD)")]
    recs = sorted((store.get(i) for i in report.ids), key=lambda r: r["event_date"])
    assert [r["event_type"] for r in recs] == ["Battles", UNCLASSIFIED]
    assert recs[1]["location"] == "Road works (Chinese crew)" and recs[1]["sub_event_type"] is None
    assert recs[1]["disorder_type"] is None and recs[1]["record_kind"] == "incident"


def test_google_earth_kml_lands_whole_with_a_default_date(tmp_path: Path) -> None:
    kml = write_google_earth_kml(tmp_path)
    defaults = import_defaults(event_date="2025-05-01", source="Field notes (Google Earth)",
                               confidence="claimed")
    preview = preview_file(kml, defaults=defaults)
    assert (preview.valid_rows, preview.unclassified_rows, preview.rejected) == (3, 2, ())
    store = IncidentStore(tmp_path / "s.gpkg")
    report = import_file(store, kml, "analyst", defaults=defaults)
    assert report.imported == 3 and report.rejected == ()
    recs = {store.get(i)["location"]: store.get(i) for i in report.ids}
    checkpoint = recs["Checkpoint seen"]
    assert checkpoint["event_date"] == "2025-05-01" and checkpoint["event_type"] == UNCLASSIFIED
    assert {r["source"] for r in recs.values()} == {"Field notes (Google Earth)"}
    assert {r["confidence"] for r in recs.values()} == {"claimed"}
    # a default never overwrites what the file says
    assert recs["Shots heard near Panji Poyon"]["event_date"] == "2025-03-15"


def test_default_type_classifies_only_untyped_rows(tmp_path: Path) -> None:
    kml = write_google_earth_kml(tmp_path)
    defaults = import_defaults(event_type="attack", event_date="2025-05-01")
    assert defaults.event_type == "Attack"
    preview = preview_file(kml, defaults=defaults)
    assert preview.unclassified_rows == 0
    types = [(r["event_type"], r["sub_event_type"]) for r in preview.rows]
    assert types == [("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
                     ("Violence against civilians", "Attack")]


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"event_type": "Shooting"}, "default event type 'Shooting' is not an ACLED event type"),
    ({"event_date": "2025-13-40"}, "default date"),
    ({"event_date": "yesterday"}, "default date"),
    ({"event_date": "2999-01-01"}, "in the future"),
    ({"confidence": "sure"}, "default confidence must be one of assessed, claimed, approximate"),
    ({"source": "x" * 6000}, "default source is 6,000 characters long"),
])
def test_bad_defaults_get_one_sentence(kwargs: dict[str, str], words: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        import_defaults(**kwargs)
    message = str(info.value)
    assert words in message and "\n" not in message and len(message) < 300


def test_blank_defaults_are_no_defaults() -> None:
    assert import_defaults("", " ", None, "") == ImportDefaults()
    assert import_defaults(event_date="2025-03-15", today=dt.date(2025, 3, 15)).event_date == "2025-03-15"


def test_unclassified_value_round_trips_through_validation() -> None:
    base = {"event_date": "2025-03-15", "latitude": 37.19, "longitude": 68.61}
    for spelling in (UNCLASSIFIED, "unclassified", "UNCLASSIFIED - needs review"):
        assert validate_incident({**base, "event_type": spelling})["event_type"] == UNCLASSIFIED
    # a sub-event type classifies an unclassified row
    rec = validate_incident({**base, "event_type": UNCLASSIFIED, "sub_event_type": "Attack"})
    assert (rec["event_type"], rec["sub_event_type"]) == ("Violence against civilians", "Attack")
    # the form and the CLI still require a type: only imports come in unclassified
    with pytest.raises(InvalidInputError, match="event_type is required"):
        validate_incident(base)


def test_nationals_from_acled_target_text(tmp_path: Path) -> None:
    rows = [acled_row(1, actor2="Civilians (China)", assoc_actor_2="Labor Group (Russia)", nationals=""),
            acled_row(2, actor2="Civilians (China)", nationals="TJ"),
            acled_row(3, actor2="Military Forces of Tajikistan (1994-)", nationals=""),
            acled_row(4, actor1="Unidentified Armed Group (Afghanistan)", actor2="Civilians (Tajikistan)",
                      nationals="")]
    store = IncidentStore(tmp_path / "s.gpkg")
    report = import_file(store, write_csv(tmp_path / "acled.csv", rows), "analyst")
    got = {store.get(i)["event_id_cnty"]: store.get(i)["nationals"] for i in report.ids}
    # the target side fills a blank field; a given value is kept; the attacker's country is not a victim's
    assert got == {"AFG1001": "CN,RU", "AFG1002": "TJ", "AFG1003": None, "AFG1004": "TJ"}


def test_country_names_as_acled_writes_them() -> None:
    assert [country_code(n) for n in ("China", "Russia", "Turkey", "Afghanistan", "iran", "2021-", "US",
                                      "Taliban")] == ["CN", "RU", "TR", "AF", "IR", None, None, None]
    assert nationals_from_targets({"actor2": "Civilians (China) (Afghanistan)"}) == "CN,AF"
    assert nationals_from_targets({"actor2": None, "assoc_actor_2": 3}) is None


def test_with_defaults_leaves_the_source_row_alone() -> None:
    row = {"latitude": 37.2, "longitude": 68.6}
    out = with_defaults(row, ImportDefaults(event_date="2025-01-01"))
    assert row == {"latitude": 37.2, "longitude": 68.6}
    assert out["event_type"] == UNCLASSIFIED and out["event_date"] == "2025-01-01"


def test_triggers_ignore_unclassified_records(border) -> None:
    rules = load_rules()
    attack = frame(_record("a"))
    assert evaluate_triggers(attack, rules, border)[0].status == "met"
    unclassified = frame(_record("u", event_type=UNCLASSIFIED, sub_event_type=None))
    res = evaluate_triggers(unclassified, rules, border)
    assert res[0].status == "not met" and res[0].incident_ids == ()
    both = evaluate_triggers(frame(_record("a"), _record("u", event_type=UNCLASSIFIED, sub_event_type=None)),
                             rules, border)
    assert both[0].incident_ids == ("a",)


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".kml", ".gpkg"])
def test_unclassified_records_survive_export_and_reimport(tmp_path: Path, suffix: str) -> None:
    from geo.export import write_incidents

    store = IncidentStore(tmp_path / "a.gpkg")
    report = import_file(store, write_google_earth_kml(tmp_path), "analyst",
                         defaults=import_defaults(event_date="2025-05-01"))
    frame = store.list()
    out = write_incidents(frame[frame["id"].isin(report.ids)], tmp_path / f"out{suffix}")
    again = IncidentStore(tmp_path / "b.gpkg")
    back = import_file(again, out, "analyst")
    assert back.imported == 3 and back.rejected == ()
    assert sorted(again.get(i)["event_type"] for i in back.ids) == ["Battles", UNCLASSIFIED, UNCLASSIFIED]
