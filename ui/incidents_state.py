"""The incident store on the page: one store object per store, records cached per revision.

The store is whatever :func:`geo.store.store_target` names (``$BORDERMAP_DB``: a GeoPackage
path or a ``postgresql://`` URL), opened through :func:`geo.store.open_store` like every
other caller. ``store.revision`` counts committed writes, so a rerun that changes nothing
costs one small read and a cache hit; after a write, only the records written since are read
(the store's change cursor) and located against the border (see
:func:`geo.incident_filters.locate_incidents`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import streamlit as st

from geo.border import Border
from geo.incident_filters import IncidentFilter
from geo.record_chunks import ChunkCache
from geo.record_merge import located_records, merge_changed_records
from geo.store import IncidentStoreProtocol, is_postgres_url, open_store, store_target
from layers.base import LayerBundle
from layers.incident_served import FileShelf, served_incidents_layer
from layers.incidents import IncidentPayload, incidents_layer, prepare_incidents
from ui import state

logger = logging.getLogger(__name__)

#: Map styles for the incidents overlay.
STYLES: dict[str, str] = {"points": "Points", "cluster": "Clusters", "heatmap": "Heatmap"}


def target() -> str:
    """The store of this page, as text (also the key of its caches): a ``postgresql://`` URL
    from ``$BORDERMAP_DB``, else the GeoPackage path (``$BORDERMAP_DB`` or the user data dir)."""
    return store_target(None)


def store_name() -> str:
    """The store for messages on the page: the file's name, or the database URL without a password."""
    opened = store()
    location = str(getattr(opened, "location", target()))
    return location if is_postgres_url(location) else Path(location).name


@st.cache_resource(show_spinner="Opening the incident store…")
def _store(target_: str) -> IncidentStoreProtocol:
    # create=True: the seed incidents are written at once, so they show and can be edited
    return open_store(target_, create=True, channel="web")


def store() -> IncidentStoreProtocol:
    """The store for this page (shared by sessions; GeoPackage: a connection per call, PostGIS:
    a connection pool)."""
    return _store(target())


class _RecordsMemo:
    """The last located records of one store file and the store's change cursor they stand
    for; patched after the next write."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: gpd.GeoDataFrame | None = None
        self.cursor = 0


@st.cache_resource(show_spinner=False)
def _records_memo(path: str, identity: tuple | None) -> _RecordsMemo:
    return _RecordsMemo()


def _located(records: gpd.GeoDataFrame, border: Border) -> gpd.GeoDataFrame:
    return located_records(records, border)


def _refresh(store_: IncidentStoreProtocol, memo: _RecordsMemo, border: Border) -> gpd.GeoDataFrame:
    """The live records, located: the memo's list patched with the records written since its
    change cursor, only those located against the border (a full read when there is no list
    yet, the store's log went back — a replaced file — or the counts disagree). Moves the
    memo's cursor on."""
    cursor = store_.change_cursor()  # read first: a write after it is read again next time
    previous = memo.records
    if previous is None or previous.empty or cursor < memo.cursor:
        merged = _located(store_.list(), border)
    else:
        merged = merge_changed_records(previous, store_.changed_since(memo.cursor), border)
        if len(merged) != store_.count_live():
            logger.info("incremental read disagreed with the store; reading every record")
            merged = _located(store_.list(), border)
    memo.cursor = cursor
    return merged


#: Frames of the records kept: every session reads the newest revision, so an older one is never
#: asked for again; two, for sessions that read the store just before and just after a write.
_RECORD_VERSIONS = 2


@st.cache_resource(show_spinner="Reading incidents…", max_entries=_RECORD_VERSIONS)
def _records(path: str, identity: tuple | None, revision: int) -> gpd.GeoDataFrame:
    memo = _records_memo(path, identity)  # a replaced or deleted file starts a new memo
    with memo.lock:
        memo.records = _refresh(_store(path), memo, state.scene_data().border)
    logger.info("incidents at revision %d: %d records", revision, len(memo.records))
    return memo.records


def records() -> gpd.GeoDataFrame:
    """Live (not deleted) records with ``side``, ``border_km`` and ``chainage_km`` (EPSG:4326)."""
    path = target()
    # a shallow copy: under pandas' copy-on-write no change made to it reaches the cached frame,
    # which is shared by sessions (a resource cache, not st.cache_data: no pickling of 10,000s
    # of records on every write and every rerun)
    store_ = _store(path)
    return _records(path, store_.identity(), store_.revision).copy(deep=False)


@st.cache_resource(show_spinner=False)
def _chunk_cache(path: str) -> ChunkCache:
    return ChunkCache()


@st.cache_resource(show_spinner=False, max_entries=3)
def _prepared(path: str, version: tuple[int, str], flt: IncidentFilter, highlight: tuple[str, ...],
              _incidents: gpd.GeoDataFrame) -> IncidentPayload:
    """The map payload of the filtered incidents, once per (data version, filter, highlight);
    after a write only the chunk holding the changed record is encoded again. Three kept (the
    chunks' texts are megabytes at 100,000 records): the map as shown, and the one before a
    filter or highlight changed it."""
    return prepare_incidents(_incidents, highlight, cache=_chunk_cache(path))


def incidents_bundle(incidents: gpd.GeoDataFrame, show_precision: bool = True, style: str = "points",
                     highlight_ids: Iterable[str] = (), flt: IncidentFilter | None = None) -> LayerBundle:
    """The incidents overlay for the map (points, clusters or heatmap; highlighted ids on top).

    With ``flt`` (the filter that produced ``incidents`` from this page's store) the map
    payload is cached per data version, so a rerun that changes no data does not rebuild it.
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, got {style!r}")
    highlight = tuple(highlight_ids)
    if flt is None:
        return incidents_layer(incidents, show_precision=show_precision, style=style, highlight_ids=highlight)
    # the version of the data itself (every write stamps updated_at), not a second revision read
    version = (len(incidents), str(incidents["updated_at"].max()) if len(incidents) else "")
    prepared = _prepared(target(), version, flt, highlight, incidents)
    # the map fetches the chunks as files: a rerun sends their addresses, not the incidents
    return served_incidents_layer(prepared, _shelf(), show_precision=show_precision, style=style)


@st.cache_resource(show_spinner=False)
def _shelf() -> FileShelf:
    return FileShelf()


