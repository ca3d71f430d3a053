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


#: Where a frame of records carries its :class:`RowHashes` (``DataFrame.attrs``: kept by
#: copies, row selections and filters, so a frame cut from the page's records finds them).
HASHES_ATTR = "bordermap_row_hashes"


@dataclass(frozen=True, eq=False)
class RowHashes:
    """Each record's chunk number and content key (:func:`row_keys`), worked out once when the
    records are read or located and carried with the frame (:data:`HASHES_ATTR`), by index
    label. ``ids``, ``versions``, ``x`` and ``y`` are what the keys were made of: a frame whose
    rows hold anything else at those labels has them worked out again."""

    index: pd.Index
    ids: pd.Series
    versions: pd.Series
    x: np.ndarray
    y: np.ndarray
    numbers: np.ndarray
    keys: np.ndarray

    def __deepcopy__(self, memo: dict) -> RowHashes:
        return self  # immutable: pandas deep-copies attrs on every derived frame

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame) -> RowHashes | None:
        """The hashes of a frame with ``id`` and ``updated_at`` (None without them)."""
        if not {"id", "updated_at"} <= set(frame.columns):
            return None
        geom = frame.geometry
        return cls(frame.index, frame["id"].astype(str), frame["updated_at"].astype(str),
                   geom.x.to_numpy(), geom.y.to_numpy(), chunk_numbers(frame), row_keys(frame, ()))

    def joined(self, kept: np.ndarray, fresh: RowHashes, index: pd.Index) -> RowHashes:
        """Rows at positions ``kept`` of these, then all of ``fresh``, labelled ``index``."""
        ids = pd.concat([self.ids.iloc[kept], fresh.ids], ignore_index=True)
        versions = pd.concat([self.versions.iloc[kept], fresh.versions], ignore_index=True)
        ids.index = versions.index = index
        return RowHashes(index, ids, versions, np.concatenate([self.x[kept], fresh.x]),
                         np.concatenate([self.y[kept], fresh.y]),
                         np.concatenate([self.numbers[kept], fresh.numbers]),
                         np.concatenate([self.keys[kept], fresh.keys]))

    def for_frame(self, frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray] | None:
        """Chunk numbers and keys of ``frame``'s rows, or None when its rows are not those hashed."""
        if not {"id", "updated_at"} <= set(frame.columns):
            return None
        pos = self.index.get_indexer(frame.index)
        if len(pos) and pos.min() < 0:
            return None
        geom = frame.geometry
        same = (np.array_equal(self.x[pos], geom.x.to_numpy(), equal_nan=True)
                and np.array_equal(self.y[pos], geom.y.to_numpy(), equal_nan=True)
                and _same(self.ids.iloc[pos], frame["id"]) and _same(self.versions.iloc[pos], frame["updated_at"]))
        return (self.numbers[pos], self.keys[pos]) if same else None


def _same(hashed: pd.Series, current: pd.Series) -> bool:
    # compared as arrays (Arrow strings compare in C, no Python string per row)
    equal = hashed.array == current.astype(str).array
    return bool(pd.Series(equal, dtype="boolean").fillna(False).all())


def with_hashes(frame: gpd.GeoDataFrame, hashes: RowHashes | None = None) -> gpd.GeoDataFrame:
    """``frame`` carrying ``hashes`` (worked out when not given), in place; returned."""
    found = hashes if hashes is not None else RowHashes.of(frame)
    if found is not None:
        frame.attrs[HASHES_ATTR] = found
    return frame


def _known(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    hashes = frame.attrs.get(HASHES_ATTR)
    return hashes.for_frame(frame) if isinstance(hashes, RowHashes) else None


def chunk_numbers(frame: pd.DataFrame) -> np.ndarray:
    """The chunk of each row: a hash of its ``id`` (row position when there is none)."""
    if "id" not in frame.columns:
        return np.arange(len(frame)) % CHUNK_COUNT
    return (_hashes(frame["id"].astype(str).to_numpy(dtype=object)) % CHUNK_COUNT).astype(np.int64)


def chunks(frame: gpd.GeoDataFrame, content_columns: tuple[str, ...] = ()) -> Iterator[Chunk]:
    """The non-empty chunks of ``frame`` in chunk order, each with the digest of its rows' keys
    (see :func:`row_keys`; ``content_columns`` serve frames without ids and versions). Taken
    from the frame's :class:`RowHashes` when it carries them for its rows."""
    known = _known(frame)
    numbers, keys = known if known is not None else (chunk_numbers(frame), row_keys(frame, content_columns))
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
