"""Analyst zones in the incident GeoPackage: saved, listed, deleted, readable by GDAL."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from shapely.geometry import Polygon, box

from geo.errors import InvalidInputError
from geo.store import IncidentStore
from geo.zone_store import ZONES_TABLE, ZoneStore


@pytest.fixture()
def zones(tmp_path):
    return ZoneStore(IncidentStore(tmp_path / "inc.gpkg", seed_path=None))


def test_add_list_delete(zones):
    first = zones.add(box(69.9, 37.7, 70.2, 37.9), "Shuroobod option", "<b>note</b>", "analyst")
    zones.add(Polygon([(71.4, 37.4), (71.7, 37.4), (71.6, 37.6)]), "Khorog option", "", "analyst")
    listed = zones.list()
    assert list(listed["name"]) == ["Shuroobod option", "Khorog option"]
    assert listed.crs.to_epsg() == 4326
    assert listed.geometry.iloc[0].equals(box(69.9, 37.7, 70.2, 37.9))
    assert 0 < listed["area_km2"].iloc[0] < 1000  # ≈ 26 km × 22 km
    zones.delete(first)
    assert list(zones.list()["name"]) == ["Khorog option"]
    with pytest.raises(InvalidInputError, match="no zone"):
        zones.delete(first)


def test_zone_writes_bump_the_store_revision(zones):
    before = zones.store.revision
    zones.add(box(69.9, 37.7, 70.2, 37.9), "Z", "", "a")
    assert zones.store.revision == before + 1


@pytest.mark.parametrize(("geom", "name", "message"), [
    (box(10, 10, 11, 11), "far away", "leaves the region"),
    (box(69.9, 37.7, 70.2, 37.9), "  ", "needs a name"),
    (Polygon([(70, 37), (70.5, 37.5), (70.5, 37), (70, 37.5)]), "bow tie", "self-intersect"),
])
def test_bad_zones_are_refused_and_nothing_written(zones, geom, name, message):
    with pytest.raises(InvalidInputError, match=message):
        zones.add(geom, name, "", "a")
    assert zones.list().empty


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed")
def test_gdal_sees_a_zone_layer_and_the_incident_layer(zones):
    zones.add(box(69.9, 37.7, 70.2, 37.9), "Shuroobod option", "", "a")
    out = subprocess.run(["ogrinfo", "-ro", "-so", str(zones.store.path), ZONES_TABLE],
                         capture_output=True, text=True, check=True).stdout
    assert f"Layer name: {ZONES_TABLE}" in out and "Feature Count: 1" in out
    assert "EPSG" in out and "4326" in out
    listing = subprocess.run(["ogrinfo", "-ro", "-q", str(zones.store.path)], capture_output=True, text=True,
                             check=True).stdout
    assert "incidents" in listing and ZONES_TABLE in listing
