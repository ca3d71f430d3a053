"""Live map layers that follow the page's date and filters: crossing status and origin arcs.

Both are small (seven crossings; one arc per located origin), sent as live layers
(:func:`ui.map_view.show_map`), so a change of date or filter swaps them without sending the
map again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import geopandas as gpd

from geo.origins import GazetteerEntry, origin_arcs, origin_gazetteer
from geo.scene_data import SceneData
from layers.base import LayerBundle
from layers.origin_arcs import origin_arcs_layer
from layers.place_status import crossing_status_layer


def gazetteer(data: SceneData) -> tuple[GazetteerEntry, ...]:
    """Towns and Afghan provinces an origin text may name, built once per scene."""
    return data.derived("origin_gazetteer", lambda d: origin_gazetteer(d.places, d.admin_areas))


def live_bundles(data: SceneData, shown: gpd.GeoDataFrame, overlays: Sequence[str], as_of: dt.date) -> list[LayerBundle]:
    """The crossings' status on ``as_of`` (with the crossings overlay) and the origin arcs of the
    filtered records ``shown`` (with the incidents overlay)."""
    out = []
    if "crossing" in overlays:
        out.append(crossing_status_layer(data.places, as_of))
    if "incidents" in overlays:
        arcs = origin_arcs(shown, gazetteer(data))
        if len(arcs):
            out.append(origin_arcs_layer(arcs))
    return out
