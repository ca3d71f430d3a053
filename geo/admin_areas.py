"""The Afghan provinces facing the border (``data/afghan_provinces.geojson``).

Natural Earth 1:10m admin-1 polygons (public domain), EPSG:4326, built by
``data/build/build_admin_areas.py`` (provenance in ``data/ADMIN_AREAS.md``). Each province
carries ``name``, ``iso_3166_2``, a label point (``label_lon``, ``label_lat``) and the stretch of
the line it faces as chainage (``facing_from_km``–``facing_to_km``, km from the Uzbek tripoint).
Districts are not shipped (no openly licensed layer could be obtained for the build).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from geo import datasets

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

ADMIN_AREAS_FILE = "afghan_provinces.geojson"


def load_admin_areas(data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The shipped provinces (EPSG:4326); an empty frame, logged, when the file is absent (a data
    folder of one's own without it). A malformed file raises :class:`geo.errors.DataFileError`."""
    import geopandas as gpd

    if not (datasets.resolve_data_dir(data_dir) / ADMIN_AREAS_FILE).is_file():
        logger.info("no %s in the data folder: the provinces layer is off", ADMIN_AREAS_FILE)
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs=4326)
    return datasets.load_layer(ADMIN_AREAS_FILE, data_dir)
