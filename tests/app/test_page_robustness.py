"""The page under AppTest with hostile files and a store that changes under it.

A damaged store, an invalid GeoPackage, an oversized or hostile upload: each gives one sentence
on the page naming the user's own file (never a temporary path) and no exception. A store file
replaced or deleted while the app runs is never served from the cache. Upload limits are the
browser's (MB of 1,000,000 bytes) and hold on the server too.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tomllib
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from geo.store import IncidentStore
from tests.app.page_text import errors as page_errors
from tests.app.page_text import incidents_table
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def _run(at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at






def _one_sentence(text: str) -> None:
    assert "Traceback" not in text and "File \"" not in text and "\n" not in text.strip(), text
    assert "/tmp/" not in text and "bordermap-import-" not in text, text  # no server or temporary path


def test_tracebacks_are_never_shown_to_visitors():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # "none": not even the exception type; "false" would still show the stack trace
    assert config["client"]["showErrorDetails"] == "none"


def _store_with(path: Path, location: str) -> None:
    store = IncidentStore(path, seed_path=None, create=True)
    store.add({"latitude": 37.5, "longitude": 70.2, "event_date": "2025-03-01", "event_type": "Attack",
               "location": location}, "test")


def test_a_replaced_or_deleted_store_is_never_served_from_the_cache(app_env):
    db = app_env / "incidents.gpkg"
    _store_with(db, "Alpha village")
    other = app_env / "other.gpkg"
    _store_with(other, "Beta village")
    assert IncidentStore(db).revision == IncidentStore(other).revision  # the same revision: not enough
    at = _run()
    assert list(incidents_table(at)["location"]) == ["Alpha village"]
    os.replace(other, db)  # another program puts another store in its place
    _run(at)
    assert list(incidents_table(at)["location"]) == ["Beta village"]
    db.unlink()
    _run(at)
    assert "Beta village" not in set(incidents_table(at)["location"])  # the store is gone: its records too


def test_a_damaged_store_gives_one_sentence_at_start(app_env):
    db = app_env / "incidents.gpkg"
    _store_with(db, "Alpha village")
    con = sqlite3.connect(db)  # text that is not UTF-8 where the page reads at start
    con.execute("UPDATE bordermap_meta SET value = CAST(X'ff80fe' AS TEXT) WHERE key = 'revision'")
    con.commit()
    con.close()
    at = _run()
    errors = page_errors(at)
    assert any("damaged" in e for e in errors), errors
    for e in errors:
        assert "Traceback" not in e and "UnicodeDecodeError" not in e


def _random_bytes(n: int, seed: int = 0) -> bytes:
    return np.random.default_rng(seed).bytes(n)


def _truncated_gpkg(tmp: Path) -> bytes:
    store = IncidentStore(tmp / "whole.gpkg", create=True)
    data = store.path.read_bytes()
    return data[: len(data) // 3]


def _plain_sqlite(tmp: Path) -> bytes:
    con = sqlite3.connect(tmp / "plain.sqlite")
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    return (tmp / "plain.sqlite").read_bytes()


@pytest.mark.parametrize("kind", ["text", "random", "truncated", "plain-sqlite"])
def test_an_invalid_geopackage_upload_gives_one_sentence_naming_the_file(app_env, kind):
    payload = {"text": lambda: b"this is not a geopackage", "random": lambda: _random_bytes(30_000),
               "truncated": lambda: _truncated_gpkg(app_env),
               "plain-sqlite": lambda: _plain_sqlite(app_env)}[kind]()
    before = IncidentStore(app_env / "incidents.gpkg").list()
    at = _run()
    at.file_uploader(key="inc_upload").set_value(("Field report 7.gpkg", payload, "application/geopackage+sqlite3"))
    _run(at)
    errors = page_errors(at)
    assert len(errors) == 1, errors
    assert errors[0].startswith("Field report 7.gpkg cannot be imported:")
    assert "'Field report 7.gpkg'" in errors[0]  # GDAL's reason names the user's file, not a temp copy
    _one_sentence(errors[0])
    assert len(IncidentStore(app_env / "incidents.gpkg").list()) == len(before)


def test_an_upload_over_the_limit_is_refused_on_the_server_in_the_browser_s_megabytes(app_env):
    from ui.incident_import import MAX_UPLOAD_MB

    at = _run()
    header = b"latitude,longitude,event_date,event_type\n"
    row = b"37.2,68.6,2025-03-01,Attack\n"
    exactly = header + row * ((MAX_UPLOAD_MB * 1_000_000 - len(header)) // len(row))
    exactly += b" " * (MAX_UPLOAD_MB * 1_000_000 - len(exactly))  # 50,000,000 bytes: the browser lets it in
    at.file_uploader(key="inc_upload").set_value(("big.csv", exactly + b"\n", "text/csv"))
    _run(at)
    errors = page_errors(at)
    assert len(errors) == 1 and "big.csv" in errors[0] and f"over the {MAX_UPLOAD_MB} MB limit" in errors[0]
    assert "50.0 MB" in errors[0]  # stated in the browser's megabytes (10^6 bytes)


def test_the_zones_upload_limit_holds_on_the_server(app_env):
    from ui.deployment_panel import MAX_ZONES_MB

    ring = [[69.0, 37.8], [69.2, 37.8], [69.2, 38.0], [69.0, 38.0], [69.0, 37.8]]
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "z", "notes": "x" * (MAX_ZONES_MB * 1_000_000)},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    at = _run()
    at.file_uploader(key="cov_zone_upload").set_value(("zones.geojson", json.dumps(doc).encode(),
                                                       "application/geo+json"))
    at.button(key="cov_zone_save").click()
    _run(at)
    errors = page_errors(at)
    assert any("zones.geojson" in e and f"over the {MAX_ZONES_MB} MB limit" in e for e in errors), errors


def _dem_bytes(tmp: Path, seed: int) -> bytes:
    from tests.geo.dem_fixtures import write_region_dem

    return write_region_dem(tmp / f"dem{seed}.tif", res=0.1, seed=seed).read_bytes()


def test_only_the_latest_uploaded_dem_is_kept_and_a_bad_one_is_refused(app_env):
    uploads = app_env / "xdg" / "border-map" / "uploads"
    at = _run()
    at.file_uploader(key="terrain_upload").set_value(("first.tif", _dem_bytes(app_env, 1), "image/tiff"))
    _run(at)
    assert not page_errors(at)
    assert len(list(uploads.glob("dem-*.tif"))) == 1
    at.file_uploader(key="terrain_upload").set_value(("second.tif", _dem_bytes(app_env, 2), "image/tiff"))
    _run(at)
    kept = list(uploads.glob("dem-*.tif"))
    assert len(kept) == 1 and kept[0].read_bytes() == (app_env / "dem2.tif").read_bytes()
    # a hostile DEM is refused in one sentence; the DEM in use stays
    at.file_uploader(key="terrain_upload").set_value(("broken.tif", b"II*\x00" + _random_bytes(4000, 9),
                                                      "image/tiff"))
    _run(at)
    errors = page_errors(at)
    assert len(errors) == 1 and errors[0].startswith("broken.tif cannot be used as a DEM:"), errors
    _one_sentence(errors[0])
    assert "dem-" not in errors[0]  # the stored copy's name is not shown
    assert list(uploads.glob("dem-*.tif")) == kept
