"""Hostile inputs, table-driven: every one ends in one sentence, never a traceback, and the store
is left exactly as it was.

Each case is a command line (``python -m geo …``, run in-process) and, for files, the same file
through the functions the page calls on an upload (``preview_file``/``gpkg_layers`` for imports,
``read_dem`` for a DEM). A case expects either

* ``bad``: exit status 2 and one ``error: …`` sentence on stderr (the page: a BorderMapError), or
* ``rejected``: the file is read, every row in it is refused with its own one-sentence reason,
  nothing is imported (exit status 0).

After every case the shared store holds the same records, revision and history as before, and
SQLite's integrity check passes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import sqlite3
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from cli import main
from geo import dem_io
from geo.errors import BorderMapError
from geo.importers import gpkg_layers, preview_file
from geo.store import IncidentStore
from tests.geo.dem_fixtures import write_dem

pytestmark = pytest.mark.slow

#: Longest error line accepted (the echo of an input is cut at ~80 characters).
MAX_MESSAGE = 400
LONG = "9" * 100_000

# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    """One hostile input: ``make(tmp, db)`` writes any file it needs and returns the argv."""

    id: str
    make: Callable[[Path, str], list[str]]
    expect: str = "bad"  # or "rejected"
    upload: str | None = None  # page path to try with the file: "import", "gpkg", "dem"


CASES: list[Case] = []


def case(id_: str, expect: str = "bad", upload: str | None = None):
    def register(fn: Callable[[Path, str], list[str]]) -> Callable[[Path, str], list[str]]:
        CASES.append(Case(id_, fn, expect, upload))
        return fn
    return register


def _add(db: str, **over: str) -> list[str]:
    args = {"--lat": "37.19", "--lon": "68.61", "--date": "2025-03-01", "--type": "Armed clash"}
    extra = []
    for key, value in over.items():
        flag = "--" + key.replace("_", "-")
        if flag in args:
            args[flag] = value
        else:
            extra += [flag, value]
    return ["incidents", "add", *[x for kv in args.items() for x in kv], *extra, "--db", db]


# coordinates, typed as one text (coords parse) -------------------------------------------------
COORD_TEXTS = {
    "empty": "", "spaces": "   ", "one-number": "37.19", "three-numbers": "37.19, 68.61, 5",
    "glued-decimals": "37..19, 68.61", "two-points": "37.19.5, 68.61", "glued-minus": "37.1-68.6",
    "lat-95": "95, 68", "lon-200": "37, 200", "nan": "nan, nan", "inf": "inf, 68", "hex": "0x25, 0x44",
    "exp-overflow": "1e400, 68", "letters": "north, east", "both-N": "37N 68N", "both-E": "37E 68E",
    "minutes-60": "37°60'N 68°10'E", "seconds-60": "37°10'60\"N 68°10'E", "marks-reversed": "37'10°N 68E",
    "sign-and-hem": "-37N 68E", "mgrs-bad-band": "42RVG6538516021", "mgrs-band-t": "42TVF3403717153",
    "mgrs-odd-digits": "42SVG653851602", "mgrs-zone-61": "61SVG6538516021", "mgrs-bad-square": "42SIO12",
    "control-char": "37.19,\x0068.61", "html": "<script>alert(1)</script>", "sql": "37'; DROP TABLE x;--",
    "too-long": LONG, "wkt-garbage": "POINT (a b)", "wkt-lat-99": "POINT (68 99)",
    "misplaced-sep": ", 37.19 68.61", "only-letters-hem": "N E", "emoji": "37.19😀, 68.61",
    "rtl": "\u202e37.19, 68.61",
}
for _name, _text in COORD_TEXTS.items():
    case(f"coords-{_name}")(lambda tmp, db, t=_text: ["coords", "parse", t, "--json"])

# coordinates as --lat/--lon of a new record -------------------------------------------------------
LAT_LON = {
    "lat-91": ("91", "68"), "lat-minus-91": ("-91", "68"), "lon-181": ("37", "181"), "lat-nan": ("nan", "68"),
    "lon-inf": ("37", "inf"), "lat-text": ("north", "68"), "lat-empty": ("", "68"), "lat-long": (LONG, "68"),
    "lat-1e400": ("1e400", "68"), "lat-glued": ("37..19", "68.61"), "lat-true": ("True", "68"),
    "lat-comma-decimal-pair": ("37,19,5", "68"),
}
for _name, (_lat, _lon) in LAT_LON.items():
    case(f"add-{_name}")(lambda tmp, db, a=_lat, o=_lon: _add(db, lat=a, lon=o))

# dates ---------------------------------------------------------------------------------------------
DATES = {
    "empty": "", "words": "yesterday", "month-13": "2025-13-01", "day-32": "2025-01-32", "feb-30": "2025-02-30",
    "future": "2999-01-01", "year-1800": "1800-01-01", "t-junk": "2025-01-01T<junk>", "t-script":
    "2025-01-01T<script>", "space-junk": "2025-01-01 garbage", "long": LONG, "slash-us": "13/31/2025",
    "iso-week": "2025-W01-1x", "nul": "2025-01-01\x00", "negative-year": "-2025-01-01", "only-year": "2025",
    "dots-bad": "32.01.2025", "emoji": "2025-01-01😀", "time-only": "10:30", "t-hour-25": "2025-01-01T25:00",
}
for _name, _date in DATES.items():
    case(f"date-{_name}")(lambda tmp, db, d=_date: _add(db, date=d))

# numbers -------------------------------------------------------------------------------------------
NUMBERS = {
    "fatalities-negative": ("fatalities", "-1"), "fatalities-fraction": ("fatalities", "1.5"),
    "fatalities-text": ("fatalities", "many"), "fatalities-huge": ("fatalities", LONG),
    "fatalities-inf": ("fatalities", "inf"), "fatalities-nan": ("fatalities", "nan"),
    "fatalities-over-max": ("fatalities", "1000001"), "fatalities-1e400": ("fatalities", "1e400"),
    "injured-negative": ("injured", "-5"), "injured-text": ("injured", "some"),
    "precision-0": ("precision", "0"), "precision-4": ("precision", "4"), "precision-text": ("precision", "x"),
    "precision-km-negative": ("precision_km", "-1"), "precision-km-2000": ("precision_km", "2000"),
    "precision-km-nan": ("precision_km", "nan"), "precision-km-text": ("precision_km", "near"),
    "precision-km-long": ("precision_km", LONG),
}
for _name, (_field, _value) in NUMBERS.items():
    case(f"number-{_name}")(lambda tmp, db, f=_field, v=_value: _add(db, **{f: v}))

# text fields ---------------------------------------------------------------------------------------
TEXTS = {
    "type-unknown": ("type", "Picnic"), "type-long": ("type", LONG), "type-empty": ("type", ""),
    "url-ipv6-unclosed": ("source_url", "http://[::1"), "url-javascript": ("source_url", "javascript:alert(1)"),
    "url-port-text": ("source_url", "http://example.org:port/"), "url-long": ("source_url", "http://" + LONG),
    "url-space": ("source_url", "http://exa mple.org"), "nationals-bad": ("nationals", "China"),
    "nationals-long": ("nationals", LONG), "notes-too-long": ("notes", "n" * 6000),
    "notes-surrogate": ("notes", "bad \udcff\udcfe text"), "source-surrogate": ("source", "\ud800"),
    "location-too-long": ("location", "L" * 5001),
}
for _name, (_field, _value) in TEXTS.items():
    case(f"text-{_name}")(lambda tmp, db, f=_field, v=_value: _add(db, **{f: v}))


# CSV files -----------------------------------------------------------------------------------------
def _import(path: Path, db: str) -> list[str]:
    return ["incidents", "import", str(path), "--db", db, "--json"]


def _file_case(id_: str, name: str, content: bytes | Callable[[Path], None], expect: str = "bad",
               upload: str = "import") -> None:
    def make(tmp: Path, db: str) -> list[str]:
        path = tmp / name
        if callable(content):
            content(path)
        else:
            path.write_bytes(content)
        return _import(path, db)
    CASES.append(Case(id_, make, expect, upload))


HEADER = "latitude,longitude,event_date,event_type,notes\n"
CSV_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "bad"),
    "only-spaces": (b"   \n  \n", "bad"),
    "no-coordinate-columns": (b"a,b,c\n1,2,3\n", "bad"),
    "header-only-binary": (b"\x00\x01\x02\xff\xfe" * 50, "bad"),
    "nul-in-cells": ((HEADER + "37.2\x00,68.6,2025-03-01,Attack,ab\n").encode(), "rejected"),
    "bom-then-binary": (b"\xef\xbb\xbf" + bytes(range(256)) * 20, "bad"),
    "wrong-cell-count": ((HEADER + "37.2,68.6\n37.3\n").encode(), "rejected"),
    "bad-latitudes": ((HEADER + "95,68,2025-03-01,Attack,x\nabc,68,2025-03-01,Attack,x\n").encode(),
                      "rejected"),
    "bad-dates": ((HEADER + "37.2,68.6,2025-02-30,Attack,x\n37.2,68.6,2025-01-01Tjunk,Attack,x\n").encode(),
                  "rejected"),
    "future-date": ((HEADER + "37.2,68.6,2999-01-01,Attack,x\n").encode(), "rejected"),
    "bad-types": ((HEADER + "37.2,68.6,2025-03-01,Picnic,x\n").encode(), "rejected"),
    "formula-only-bad-rows": ((HEADER + '=1+1,68.6,2025-03-01,Attack,"=HYPERLINK(""x"")"\n').encode(),
                              "rejected"),
    "bad-url": ((b"latitude,longitude,event_date,event_type,source_url\n"
                 b"37.2,68.6,2025-03-01,Attack,http://[::1\n"), "rejected"),
    "lone-surrogate-escape": ((b"latitude,longitude,event_date,event_type,notes\n"
                               b"37.2,68.6,2025-03-01,Attack,x\n")[:-3] + b"\xed\xa0\x80\n", "rejected"),
    "huge-field": ((HEADER + "37.2,68.6,2025-03-01,Attack," + "x" * 6000 + "\n").encode(), "rejected"),
    "long-number": ((HEADER + f"{LONG},68.6,2025-03-01,Attack,x\n").encode(), "rejected"),
    "coords-column-garbage": (b"coordinates,event_date,event_type\n\"37..19, 68.61\",2025-03-01,Attack\n"
                              b"\"42RVG6538516021\",2025-03-01,Attack\n", "rejected"),
    "deleted-rows": ((HEADER.rstrip("\n") + ",deleted\n" + "37.2,68.6,2025-03-01,Attack,x,1\n").encode(),
                     "rejected"),
    "fatalities-order": (b"latitude,longitude,event_date,event_type,fatalities_low,fatalities_high\n"
                         b"37.2,68.6,2025-03-01,Attack,9,2\n", "rejected"),
    "semicolon-bad-rows": (b"latitude;longitude;event_date;event_type\n37,2;68,6;2025-03-01;Attack\n", "rejected"),
    "unknown-suffix": (b"x", "bad"),
}
for _name, (_content, _expect) in CSV_FILES.items():
    _file_case(f"csv-{_name}", "in.xls" if _name == "unknown-suffix" else "in.csv", _content, _expect)


# GeoJSON files -------------------------------------------------------------------------------------
def _fc(*features: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _pt(coords: object, **props: object) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coords},
            "properties": {"event_date": "2025-03-01", "event_type": "Attack", **props}}


GEOJSON_FILES: dict[str, tuple[bytes, str]] = {
    "not-json": (b"{not json", "bad"),
    "empty": (b"", "bad"),
    "array": (b"[1,2,3]", "bad"),
    "wrong-crs": (json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "EPSG:32642"}}, "features": []}).encode(), "bad"),
    "features-not-list": (b'{"type":"FeatureCollection","features":{}}', "bad"),
    "deep-nesting": (b'{"type":"FeatureCollection","features":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                     "bad"),
    "string-coords": (_fc(_pt(["68.6", "37.2"])), "rejected"),
    "null-geometry": (_fc({"type": "Feature", "geometry": None, "properties": {}}), "rejected"),
    "polygon": (_fc({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0],
                                                                                        [1, 1], [0, 0]]]},
                     "properties": {}}), "rejected"),
    "lat-99": (_fc(_pt([68.6, 99])), "rejected"),
    "bool-coords": (_fc(_pt([True, False])), "rejected"),
    "surrogate-escape": (b'{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":'
                         b'"Point","coordinates":[68.6,37.2]},"properties":{"event_date":"2025-03-01",'
                         b'"event_type":"Attack","notes":"\\ud800 lone"}}]}', "rejected"),
    "bad-url": (_fc(_pt([68.6, 37.2], source_url="http://[::1")), "rejected"),
    "date-junk": (_fc(_pt([68.6, 37.2], event_date="2025-01-01T<junk>")), "rejected"),
    "properties-not-object": (_fc({"type": "Feature", "geometry": {"type": "Point", "coordinates": [68, 37]},
                                   "properties": [1, 2]}), "rejected"),
    "invalid-utf8": (b'{"type":"FeatureCollection","features":[\xff\xfe]}', "bad"),
}
for _name, (_content, _expect) in GEOJSON_FILES.items():
    _file_case(f"geojson-{_name}", "in.geojson", _content, _expect)

# KML / KMZ -------------------------------------------------------------------------------------------
KML_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
KML_TAIL = b"</Document></kml>"


def _kml(*placemarks: bytes) -> bytes:
    return KML_HEAD + b"".join(placemarks) + KML_TAIL


def _pm(coords: bytes, when: bytes = b"2025-03-01", extra: bytes = b"") -> bytes:
    return (b"<Placemark><name>x</name><TimeStamp><when>" + when + b"</when></TimeStamp><ExtendedData>"
            b'<Data name="event_type"><value>Attack</value></Data>' + extra + b"</ExtendedData><Point><coordinates>"
            + coords + b"</coordinates></Point></Placemark>")


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                  b'<kml xmlns="http://www.opengis.net/kml/2.2">&lol2;</kml>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&xxe;</name></Document></kml>')
KML_FILES: dict[str, tuple[bytes, str]] = {
    "billion-laughs": (BILLION_LAUGHS, "bad"),
    "external-entity": (XXE, "bad"),
    "not-well-formed": (KML_HEAD + b"<Placemark>", "bad"),
    "not-kml": (b"<html><body>hi</body></html>", "bad"),
    "illegal-char": (KML_HEAD + b"<name>\x01</name>" + KML_TAIL, "bad"),
    "empty": (b"", "bad"),
    "line-only": (_kml(b"<Placemark><LineString><coordinates>68,37 69,38</coordinates></LineString>"
                       b"</Placemark>"), "rejected"),
    "bad-coordinates": (_kml(_pm(b"east,north"), _pm(b"")), "rejected"),
    "lat-99": (_kml(_pm(b"68.6,99")), "rejected"),
    "no-date": (_kml(_pm(b"68.6,37.2", when=b"")), "rejected"),
    "date-junk": (_kml(_pm(b"68.6,37.2", when=b"2025-01-01T&lt;junk&gt;")), "rejected"),
    "bad-url": (_kml(_pm(b"68.6,37.2", extra=b'<Data name="source_url"><value>http://[::1</value></Data>')),
                "rejected"),
}
for _name, (_content, _expect) in KML_FILES.items():
    _file_case(f"kml-{_name}", "in.kml", _content, _expect)


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _patch_zip(path: Path, flag: int | None = None, method: int | None = None) -> None:
    """Mark every member encrypted (flag bit 0) or with another compression method, in the local
    and central headers (what an encrypting or deflate64 zip tool writes)."""
    data = bytearray(path.read_bytes())
    for sig, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            if flag is not None:
                struct.pack_into("<H", data, i + flag_at, struct.unpack_from("<H", data, i + flag_at)[0] | flag)
            if method is not None:
                struct.pack_into("<H", data, i + method_at, method)
            start = i + 4
    path.write_bytes(bytes(data))


def _kmz(members: dict[str, bytes], flag: int | None = None, method: int | None = None):
    def build(path: Path) -> None:
        _zip(path, members)
        if flag is not None or method is not None:
            _patch_zip(path, flag, method)
    return build


GOOD_KML = _kml(_pm(b"68.6,37.2"))
KMZ_FILES = {
    "encrypted": _kmz({"doc.kml": GOOD_KML}, flag=0x1),
    "deflate64": _kmz({"doc.kml": GOOD_KML}, method=9),
    "bzip2-unknown-method": _kmz({"doc.kml": GOOD_KML}, method=99),
    "no-kml-inside": _kmz({"readme.txt": b"hello"}),
    "not-a-zip": lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"),
    "zip-bomb": _kmz({"doc.kml": b" " * (101 * 1000 * 1000)}),
    "corrupt-member": lambda p: (_zip(p, {"doc.kml": GOOD_KML * 50}),
                                 p.write_bytes(p.read_bytes()[:60] + b"\x00" * 40 + p.read_bytes()[100:])),
    "billion-laughs-inside": _kmz({"doc.kml": BILLION_LAUGHS}),
}
for _name, _build in KMZ_FILES.items():
    _file_case(f"kmz-{_name}", "in.kmz", _build, "bad")


# GeoPackage -----------------------------------------------------------------------------------------
def _plain_sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()


def _gpkg_with(frame_maker: Callable[[], object]):
    def build(path: Path) -> None:
        import pyogrio

        pyogrio.write_dataframe(frame_maker(), path, layer="incidents", driver="GPKG")
    return build


def _polygons():
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame({"event_date": ["2025-03-01"]}, geometry=[box(68, 37, 69, 38)], crs=4326)


def _bad_points():
    import geopandas as gpd
    from shapely.geometry import Point

    return gpd.GeoDataFrame({"event_date": ["2025-02-30", "2999-01-01"], "event_type": ["Attack", "Picnic"]},
                             geometry=[Point(68.6, 37.2), Point(68.6, 37.2)], crs=4326)


def _truncated_gpkg(path: Path) -> None:
    _gpkg_with(_bad_points)(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


GPKG_FILES = {
    "text": (lambda p: p.write_text("this is not a geopackage"), "bad"),
    "random-bytes": (lambda p: p.write_bytes(np.random.default_rng(1).bytes(20_000)), "bad"),
    "sqlite-header-then-random": (lambda p: p.write_bytes(b"SQLite format 3\x00"
                                                          + np.random.default_rng(2).bytes(8000)), "bad"),
    "truncated": (_truncated_gpkg, "bad"),
    "plain-sqlite": (_plain_sqlite, "bad"),
    "empty": (lambda p: p.write_bytes(b""), "bad"),
    "polygons-only": (_gpkg_with(_polygons), "rejected"),
    "bad-rows": (_gpkg_with(_bad_points), "rejected"),
}
for _name, (_build, _expect) in GPKG_FILES.items():
    _file_case(f"gpkg-{_name}", "in.gpkg", _build, _expect, upload="gpkg")


# DEM files ------------------------------------------------------------------------------------------
def _dem_case(id_: str, build: Callable[[Path], None]) -> None:
    def make(tmp: Path, db: str) -> list[str]:
        path = tmp / "dem.tif"
        build(path)
        return ["terrain", "profile", "--dem", str(path), "--json"]
    CASES.append(Case(f"dem-{id_}", make, "bad", "dem"))


def _geo_dem(path: Path, crs: object = "EPSG:4326", transform: Affine | None = None,
             z: np.ndarray | None = None, nodata: float | None = None) -> None:
    z = np.full((40, 60), 1000.0) if z is None else z
    write_dem(path, z, transform or Affine(0.05, 0, 68.0, 0, -0.05, 38.5), crs, nodata=nodata)


def _huge_header(path: Path) -> None:
    with rasterio.open(path, "w", driver="GTiff", width=100_000, height=100_000, count=1, dtype="float32",
                       crs="EPSG:4326", transform=Affine(9 / 100_000, 0, 66.5, 0, -4.4 / 100_000, 39.9),
                       tiled=True, blockxsize=8192, blockysize=8192, compress="deflate", nodata=-9999,
                       SPARSE_OK=True):
        pass


def _big_without_overviews(path: Path) -> None:
    with rasterio.open(path, "w", driver="GTiff", width=60_000, height=30_000, count=1, dtype="float32",
                       crs="EPSG:4326", transform=Affine(9.2 / 60_000, 0, 66.4, 0, -4.6 / 30_000, 40.0),
                       tiled=True, blockxsize=4096, blockysize=4096, compress="deflate", nodata=-9999,
                       SPARSE_OK=True):
        pass


def _truncated_tif(path: Path) -> None:
    """The region's DEM cut at 40 %: the strips the region needs are missing."""
    _geo_dem(path, transform=Affine(0.05, 0, 66.5, 0, -0.05, 39.9),
             z=np.random.default_rng(0).normal(1000, 50, (88, 180)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5])


DEM_FILES: dict[str, Callable[[Path], None]] = {
    "text": lambda p: p.write_text("not a raster"),
    "empty": lambda p: p.write_bytes(b""),
    "random": lambda p: p.write_bytes(np.random.default_rng(3).bytes(5000)),
    "tiff-magic-then-junk": lambda p: p.write_bytes(b"II*\x00" + np.random.default_rng(4).bytes(5000)),
    "truncated": _truncated_tif,
    "huge-header": _huge_header,
    "big-without-overviews": _big_without_overviews,
    "no-crs": lambda p: _geo_dem(p, crs=None),
    "geocentric": lambda p: _geo_dem(p, crs="EPSG:4978"),
    "rotated": lambda p: _geo_dem(p, transform=Affine(0.05, 0.01, 68.0, 0.01, -0.05, 38.5)),
    "elsewhere": lambda p: _geo_dem(p, transform=Affine(0.05, 0, -60.0, 0, -0.05, -10.0)),
    "all-nodata": lambda p: _geo_dem(p, z=np.full((40, 60), -9999.0), nodata=-9999.0),
    "png-renamed": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
}
for _name, _build in DEM_FILES.items():
    _dem_case(_name, _build)


# the file system around the store and the outputs ---------------------------------------------------
def _a_file(tmp: Path) -> Path:
    f = tmp / "plain-file"
    f.write_text("x")
    return f


case("fs-db-parent-is-a-file")(lambda tmp, db: _add(str(_a_file(tmp) / "s.gpkg")))
case("fs-db-is-a-folder")(lambda tmp, db: _add(str(tmp)))
case("fs-db-damaged")(lambda tmp, db: (_damaged := tmp / "d.gpkg", _damaged.write_bytes(
    np.random.default_rng(5).bytes(4096)), ["incidents", "list", "--db", str(_damaged)])[-1])
case("fs-db-text-file")(lambda tmp, db: ((tmp / "t.gpkg").write_text("hello"),
                                          ["incidents", "list", "--db", str(tmp / "t.gpkg")])[-1])
case("fs-export-parent-is-a-file")(lambda tmp, db: ["incidents", "export", "--out",
                                                     str(_a_file(tmp) / "x.csv"), "--db", db])
case("fs-export-missing-folder")(lambda tmp, db: ["incidents", "export", "--out", str(tmp / "no" / "x.csv"),
                                                   "--db", db])
case("fs-export-bad-suffix")(lambda tmp, db: ["incidents", "export", "--out", str(tmp / "x.exe"), "--db", db])
case("fs-export-device-name")(lambda tmp, db: ["incidents", "export", "--out", str(tmp / "CON.csv"),
                                                "--db", db])
case("fs-snapshot-parent-is-a-file")(lambda tmp, db: ["snapshot", "--renderer", "static", "--out",
                                                       str(_a_file(tmp) / "m.png"), "--db", db])
case("fs-terrain-out-parent-is-a-file")(lambda tmp, db: ["terrain", "slope", "--dem", str(_region(tmp)),
                                                          "--out", str(_a_file(tmp) / "s.tif")])


def _region(tmp: Path) -> Path:
    path = tmp / "region.tif"
    _geo_dem(path, z=np.random.default_rng(6).normal(1500, 100, (40, 60)).astype(np.float32))
    return path


# --------------------------------------------------------------------------- checks

def _store_state(db: str) -> tuple:
    """Records, revision and history of the store, as a digest (and the integrity check)."""
    store = IncidentStore(db)
    frame = store.list(include_deleted=True)
    digest = hashlib.sha256(frame.drop(columns="geometry").to_json().encode()
                            + frame.geometry.to_wkt().to_json().encode()).hexdigest()
    con = sqlite3.connect(db)
    try:
        history = con.execute("SELECT COUNT(*), MAX(hid) FROM incident_history").fetchone()
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    return digest, store.revision, history, integrity


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory) -> str:
    """A store with the seed incidents and one record added, shared by every case."""
    db = str(tmp_path_factory.mktemp("store") / "incidents.gpkg")
    assert main(_add(db, notes="kept")) == 0
    return db


def _one_sentence(err: str) -> str:
    """The one ``error: …`` line of stderr (argparse may print its usage lines before it)."""
    assert "Traceback" not in err, err
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error:" in ln]
    assert len(errors) == 1, lines
    usage = [ln for ln in lines if ln not in errors]
    assert all(ln.startswith(("usage:", " ")) for ln in usage), lines  # nothing but argparse's usage
    assert len(errors[0]) <= MAX_MESSAGE, f"{len(errors[0])} characters: {errors[0][:200]}…"
    return errors[0]


def _check_rejections(rejected: list) -> None:
    assert rejected, "no row was rejected"
    for r in rejected:
        reason = r["reason"] if isinstance(r, dict) else r.reason
        assert "\n" not in reason and "Traceback" not in reason and 0 < len(reason) <= MAX_MESSAGE, reason


def _page_path(kind: str, path: Path, expect: str) -> None:
    """What the page does with the same file on upload: one BorderMapError or per-row rejections."""
    try:
        if kind == "dem":
            dem_io.read_dem(path)
            raise AssertionError("a hostile DEM was read")
        if kind == "gpkg" and expect == "bad":
            gpkg_layers(path)
        preview = preview_file(path)
    except BorderMapError as exc:
        text = str(exc)
        assert "\n" not in text and len(text) <= MAX_MESSAGE, text
        return
    assert expect == "rejected", f"{path.name} was accepted by the page's reader"
    assert preview.valid_rows == 0
    _check_rejections(list(preview.rejected))


def test_the_table_has_at_least_150_cases():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_hostile_input(c: Case, shared_db, tmp_path, capsys):
    before = _store_state(shared_db)
    argv = c.make(tmp_path, shared_db)
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusal (e.g. a value that looks like an option)
        code = exc.code
    out, err = capsys.readouterr()
    if c.expect == "bad":
        assert code == 2, (code, out[:300], err[:300])
        _one_sentence(err)
    else:
        assert code == 0, err[:500]
        doc = json.loads(out)
        assert doc["imported"] == 0
        _check_rejections(doc["rejected"])
    if c.upload is not None:
        path = Path(argv[2] if argv[:2] == ["incidents", "import"] else argv[argv.index("--dem") + 1])
        _page_path(c.upload, path, c.expect)
    assert _store_state(shared_db) == before  # unchanged, and SQLite finds it intact
    assert before[3] == "ok"


def test_one_bad_cell_rejects_its_row_not_the_file(shared_db, tmp_path, capsys):
    """Good rows beside hostile ones are imported; each hostile row is reported by number."""
    db = str(tmp_path / "own.gpkg")
    path = tmp_path / "mixed.csv"
    path.write_text(HEADER.replace(",notes", ",source_url") +
                    "37.2,68.6,2025-03-01,Attack,https://example.org/ok\n"
                    "37.3,68.7,2025-03-02,Attack,http://[::1\n"
                    "37.4,68.8,2025-01-01Tjunk,Attack,\n"
                    "37..19,68.9,2025-03-03,Attack,\n"
                    "37.5,68.9,2025-03-04,Attack,\n", encoding="utf-8")
    assert main(_import(path, db)) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["imported"] == 2
    assert [r["row"] for r in doc["rejected"]] == [2, 3, 4]
    reasons = " | ".join(r["reason"] for r in doc["rejected"])
    assert "source_url" in reasons and "event_date" in reasons and "latitude" in reasons


def test_disk_full_and_read_only_get_their_own_sentences(tmp_path):
    """On a real full disk (a 200 KB tmpfs in a private mount namespace) and a read-only folder."""
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.fail("this test needs unshare (util-linux) and user namespaces to mount a tiny tmpfs")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    py = shlex.quote(sys.executable)  # the Python running the tests (a venv's is not on PATH)
    script = (f"mount -t tmpfs -o size=200k none {mnt} && head -c 190000 /dev/zero > {mnt}/pad; "
              f"{py} -m geo incidents add --lat 37.2 --lon 68.6 --date 2025-03-01 --type Attack "
              f"--db {mnt}/s.gpkg; echo rc=$?; "
              f"{py} -m geo incidents export --out {mnt}/x.csv --db {tmp_path}/other.gpkg; echo rc=$?; "
              f"mount -o remount,ro {mnt} && {py} -m geo incidents add --lat 37.2 --lon 68.6 "
              f"--date 2025-03-01 --type Attack --db {mnt}/t.gpkg; echo rc=$?")
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert proc.stdout.split() == ["rc=2", "rc=2", "rc=2"], (proc.stdout, proc.stderr)
    assert len(errors) == 3, proc.stderr
    assert "disk is full" in errors[0] and "disk is full" in errors[1]
    assert "read-only" in errors[2]
