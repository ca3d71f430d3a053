"""Export → import round trips for every format, with text that tries to break each one.

What goes out of a store in CSV, GeoJSON, KML or GeoPackage comes back into a fresh
store with the same values. The leading ``'`` that CSV export adds for formula safety
is taken off only when a CSV is read back; in GeoJSON, KML and GeoPackage a leading
``'`` is the analyst's own text and stays.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from geo.export import EXPORT_FORMATS, incidents_to_kml_bytes, write_incidents
from geo.importers import import_file
from geo.incidents import CONTENT_FIELDS
from geo.store import IncidentStore

#: Text an analyst may paste, plus what attacks each format (formula, XML, quoting, Unicode).
HOSTILE_TEXT = [
    "=HYPERLINK(\"http://x\",\"y\")",
    "'=already quoted",
    "'plain leading quote",
    "+7 992 123",
    "-minus first",
    "@mention",
    "<script>alert(1)</script> & </Placemark>",
    "]]><![CDATA[",
    "line one\nline two\ttabbed",
    "carriage\r\nreturn",
    "quotes \" and ' and ,;",
    "Кулоб / کلاب / 库洛布 / 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀",
    "\u202eRTL override\u202c",
    "non-characters \ufffe and \uffff inside",
    "x" * 4000,
]


def _fresh(tmp_path, name: str) -> IncidentStore:
    return IncidentStore(tmp_path / f"{name}.gpkg", seed_path=None, create=True)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A store holding one record per hostile text (in notes, location, source and actor1)."""
    store = IncidentStore(tmp_path_factory.mktemp("src") / "src.gpkg", seed_path=None, create=True)
    for i, text in enumerate(HOSTILE_TEXT):
        store.add({"latitude": 37.0 + i * 0.01, "longitude": 68.5 + i * 0.01, "event_date": "2025-03-01",
                   "event_type": "Armed clash", "notes": text, "location": text[:200], "source": text[:300],
                   "actor1": text[:100], "fatalities": i if i % 3 else None, "precision_km": 0.5 * i,
                   "source_url": "https://example.org/a?b=1&c='2'", "nationals": "CN,RU" if i % 2 else None},
                  "analyst")
    return store


def _content(frame) -> dict[str, dict]:
    out = {}
    for rec in frame.to_dict("records"):
        out[rec["id"]] = {f: (None if rec[f] is None or rec[f] != rec[f] else rec[f]) for f in CONTENT_FIELDS}
    return out


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_export_then_import_gives_the_same_records(source, tmp_path, fmt):
    exported = source.list()
    path = write_incidents(exported, tmp_path / f"incidents.{fmt}")
    target = _fresh(tmp_path, "target")
    report = import_file(target, path, "importer")
    assert report.rejected == () and report.imported == len(exported)
    back = _content(target.list())
    before = _content(exported)
    assert set(back) == set(before)  # ids travel with the records
    for rid, rec in before.items():
        for f in CONTENT_FIELDS:
            want, got = rec[f], back[rid][f]
            if isinstance(want, str):
                # XML-illegal characters cannot travel in KML; they come back as U+FFFD
                if fmt == "kml":
                    want = want.replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")
            assert got == want, (fmt, f, want, got)


def test_kml_stays_well_formed_whatever_the_text(source):
    frame = source.list()
    frame["notes"] = frame["notes"].astype(object)  # pyarrow strings cannot even hold a lone surrogate
    frame.loc[frame.index[0], "notes"] = "bad \ufffe\uffff \x01\x0b\x1f \ud800 end"  # not even valid Unicode
    data = incidents_to_kml_bytes(frame)
    root = ET.fromstring(data)  # a strict XML parser accepts it
    ns = "{http://www.opengis.net/kml/2.2}"
    notes = [d.find(f"{ns}value").text for d in root.iter(f"{ns}Data") if d.get("name") == "notes"]
    assert "bad \ufffd\ufffd \ufffd\ufffd\ufffd \ufffd end" in notes


def test_a_leading_quote_is_kept_outside_csv(tmp_path):
    import json

    path = tmp_path / "q.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [68.6, 37.2]},
        "properties": {"event_date": "2025-03-01", "event_type": "Attack", "notes": "'=1+1",
                       "location": "'quoted"}}]}))
    store = _fresh(tmp_path, "q")
    assert import_file(store, path, "x").imported == 1
    rec = store.list().iloc[0]
    assert rec["notes"] == "'=1+1" and rec["location"] == "'quoted"
