"""The incidents payload in chunks: the same incidents as one set of columns, and after one
incident is added only the chunk holding it is encoded again."""

from __future__ import annotations

import base64
import gzip
import json
from collections import Counter

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.record_chunks import CHUNK_COUNT, ChunkCache
from layers.incidents import incident_columns, notes_limit_for, prepare_incidents
from tests.layers.synthetic_incidents import synthetic_incidents


def _decoded(prepared) -> list[dict]:
    """Every chunk as the browser gets it: [encoding, payload] → columns."""
    out = []
    for encoding, payload in json.loads(prepared.payload_json):
        out.append(payload if encoding == "json" else json.loads(gzip.decompress(base64.b64decode(payload))))
    return out


def _rows(columns: dict) -> Counter:
    """Each drawn incident as (lat, lon, group, date, notes), counted."""
    cols = {c["key"]: c for c in columns["cols"]}

    def text(key, i):
        v = cols[key]["v"][i]
        return cols[key]["table"][v] if v >= 0 else None

    return Counter((columns["lat"][i], columns["lon"][i], columns["group"][i], text("event_date", i),
                    text("notes", i)) for i in range(columns["n"]))


@pytest.fixture(scope="module")
def records() -> gpd.GeoDataFrame:
    gdf = synthetic_incidents(2500, seed=11)
    gdf["updated_at"] = "2026-01-01T00:00:00.000Z"
    return gdf


def test_chunks_hold_the_same_incidents_with_one_type_numbering(records):
    prepared = prepare_incidents(records, highlight_ids=list(records["id"].iloc[:3]))
    chunks = _decoded(prepared)
    assert 1 < len(chunks) <= CHUNK_COUNT and prepared.n == len(records)
    merged = sum((_rows(c) for c in chunks), Counter())
    assert merged == _rows(incident_columns(records))
    assert all(c["types"] == chunks[0]["types"] for c in chunks)  # a group means the same type everywhere
    assert sum(len(c["highlight"]) for c in chunks) == 3
    assert [name for name, _ in prepared.types] == [t for t, _ in chunks[0]["types"][:len(prepared.types)]]


def test_after_one_added_incident_only_its_chunk_is_encoded_again(records):
    cache = ChunkCache()
    first = prepare_incidents(records, cache=cache)
    assert cache.misses == len(first.chunks) and cache.hits == 0
    new = records.iloc[[0]].copy()
    new["id"] = "a-new-incident"
    new["notes"] = "shots across the Panj"
    new["geometry"] = [Point(69.3, 37.1)]
    grown = gpd.GeoDataFrame(pd.concat([records, new], ignore_index=True), crs=records.crs)
    second = prepare_incidents(grown, cache=cache)
    assert cache.misses == len(first.chunks) + 1 and cache.hits == len(first.chunks) - 1
    assert second.n == first.n + 1
    assert any(r[4] == "shots across the Panj" for c in _decoded(second) for r in _rows(c))
    # an edit (new version stamp) re-encodes that record's chunk only; a highlight likewise
    edited = grown.copy()
    edited.loc[5, "updated_at"] = "2026-02-01T00:00:00.000Z"
    prepare_incidents(edited, cache=cache)
    assert cache.misses == len(first.chunks) + 2
    prepare_incidents(edited, highlight_ids=[edited["id"].iloc[7]], cache=cache)
    assert cache.misses == len(first.chunks) + 3


def test_notes_limit_does_not_move_with_one_incident_more():
    assert notes_limit_for(10_000) == notes_limit_for(10_001) >= 1000
    assert notes_limit_for(100_000) == 160
    assert notes_limit_for(3) > 100_000


def test_no_incidents_give_one_empty_chunk():
    prepared = prepare_incidents(gpd.GeoDataFrame({"event_type": []}, geometry=[], crs=4326))
    assert prepared.n == 0 and [c["n"] for c in _decoded(prepared)] == [0]
