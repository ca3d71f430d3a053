"""Coverage gaps ranked by risk against the scene's own data (incidents, crossings).

A thin, pure layer over :func:`geo.coverage.rank_gaps` so that the page and the CLI pick
the same crossings (places of kind ``crossing``) and treat "no incidents" the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from geo.coverage import CoverageResult


def crossings_of(places: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The places of kind ``crossing`` (border crossings and bridges), None without a kind column."""
    if places is None or "kind" not in places.columns:
        return None
    return places[places["kind"] == "crossing"]


def rank_scene_gaps(result: CoverageResult, places: gpd.GeoDataFrame | None,
                    incidents: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Gaps of ``result`` ranked by risk: incidents and crossings within reach of each gap
    (see :func:`geo.coverage.rank_gaps`); an empty ``incidents`` frame counts as none."""
    from geo.coverage import rank_gaps

    known = incidents if incidents is not None and len(incidents) else None
    return rank_gaps(result, known, crossings_of(places))
