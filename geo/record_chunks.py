"""Records cut into chunks by a hash of their id, each with a key of its content.

Work that is done record by record (encoding incidents for the map, the per-record facts
the escalation triggers are judged on) can then be cached chunk by chunk: after one record
is added or edited, only the chunk holding it changes its key and is worked out again.
Pure: no I/O, no Streamlit.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

#: How many chunks records are cut into.
CHUNK_COUNT = 16


@dataclass(frozen=True)
class Chunk:
    """Row positions (in the frame's order) of one chunk, and a digest of their content."""

    rows: np.ndarray
    digest: bytes


def _hashes(values: Any) -> np.ndarray:
    return pd.util.hash_array(np.asarray(values, dtype=object))


def row_keys(frame: gpd.GeoDataFrame, content_columns: tuple[str, ...]) -> np.ndarray:
    """A 64-bit hash per row of what the row holds: its id, version (``updated_at``) and
    point when the frame has an ``id`` and ``updated_at`` (every write stamps the version),
    else ``content_columns`` (those present) and the point."""
    geom = frame.geometry
    xy = pd.util.hash_array(geom.x.to_numpy()) ^ (pd.util.hash_array(geom.y.to_numpy()) * 3)
    if {"id", "updated_at"} <= set(frame.columns):
        version = _hashes(frame["updated_at"].astype(str).to_numpy(dtype=object))
        return _hashes(frame["id"].astype(str).to_numpy(dtype=object)) ^ (version * 5) ^ (xy * 7)
    shown = [c for c in content_columns if c in frame.columns]
    content = (pd.util.hash_pandas_object(frame[shown].astype(str), index=False).to_numpy() if shown
               else np.zeros(len(frame), dtype=np.uint64))
    return content ^ (xy * 7)


def chunk_numbers(frame: pd.DataFrame) -> np.ndarray:
    """The chunk of each row: a hash of its ``id`` (row position when there is none)."""
    if "id" not in frame.columns:
        return np.arange(len(frame)) % CHUNK_COUNT
    return (_hashes(frame["id"].astype(str).to_numpy(dtype=object)) % CHUNK_COUNT).astype(np.int64)


def chunks(frame: gpd.GeoDataFrame, content_columns: tuple[str, ...] = ()) -> Iterator[Chunk]:
    """The non-empty chunks of ``frame`` in chunk order, each with the digest of its rows' keys
    (see :func:`row_keys`; ``content_columns`` serve frames without ids and versions)."""
    numbers = chunk_numbers(frame)
    keys = row_keys(frame, content_columns)
    for number in range(CHUNK_COUNT):
        rows = np.flatnonzero(numbers == number)
        if len(rows):
            yield Chunk(rows, hashlib.blake2b(keys[rows].tobytes(), digest_size=16).digest())


class ChunkCache:
    """Results by key, the least recently used dropped beyond ``max_entries`` (thread-safe:
    the page's sessions share one). ``hits`` and ``misses`` count lookups."""

    def __init__(self, max_entries: int = 4 * CHUNK_COUNT) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        """The result stored under ``key``, or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self.hits += 1
            self._items.move_to_end(key)
            return item

    def put(self, key: Hashable, item: Any) -> None:
        """Store ``item`` under ``key``."""
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
