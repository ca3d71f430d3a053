"""Keeping a located list of live incidents current from the store's changes, without a full read.

Pure functions on frames: the page (``ui/incidents_state.py``) decides when to call them and
caches their result; here only "previous list + changed rows → current list".
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.border import Border
from geo.incident_filters import locate_incidents, with_locations
from geo.record_chunks import HASHES_ATTR, RowHashes, with_hashes


def located_records(records: gpd.GeoDataFrame, border: Border) -> gpd.GeoDataFrame:
    """``records`` with their side of the border, distance to it and chainage (km) added
    (:data:`geo.incident_filters.LOCATION_COLUMNS`); a new frame, EPSG:4326 kept, carrying
    each record's chunk hashes (:class:`geo.record_chunks.RowHashes`)."""
    return with_hashes(with_locations(records, locate_incidents(records, border)))


def merge_changed_records(previous: gpd.GeoDataFrame, changed: gpd.GeoDataFrame,
                          border: Border) -> gpd.GeoDataFrame:
    """The live, located records after the writes in ``changed``.

    Parameters
    ----------
    previous : GeoDataFrame
        Live records already located (:func:`located_records`), EPSG:4326, with ``id``.
    changed : GeoDataFrame
        The current state of every record written since ``previous`` was read (the store's
        ``changed_since``): added, edited, deleted (``deleted`` true) or restored records.
    border : Border
        To locate the changed records (the others keep their location).

    Returns
    -------
    GeoDataFrame
        ``previous`` without the changed ids, then the changed records that are not deleted,
        located; a new frame (inputs untouched), in ``previous``'s CRS.

    Example
    -------
    One record edited and one deleted since ``previous``: the edited one is located again
    and moves to the end; the deleted one is gone; every other row is kept as it was.
    """
    keep = (~previous["id"].isin(changed["id"].tolist())).to_numpy() if len(changed) else None
    kept = previous[keep] if keep is not None else previous
    fresh = located_records(changed[~changed["deleted"].astype(bool)], border)
    merged = gpd.GeoDataFrame(pd.concat([kept, fresh], ignore_index=True), geometry="geometry",
                              crs=previous.crs)
    merged.attrs.pop(HASHES_ATTR, None)
    hashes, fresh_hashes = previous.attrs.get(HASHES_ATTR), fresh.attrs.get(HASHES_ATTR)
    # the kept rows' hashes are kept; only the changed records are hashed (in located_records)
    if (isinstance(hashes, RowHashes) and isinstance(fresh_hashes, RowHashes) and hashes.index.equals(previous.index)
            and not (hashes.index.has_duplicates)):
        positions = np.flatnonzero(keep) if keep is not None else np.arange(len(previous))
        return with_hashes(merged, hashes.joined(positions, fresh_hashes, merged.index))
    return with_hashes(merged)
