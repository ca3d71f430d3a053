"""The data every standard map scene is drawn from: the shipped layers plus the incidents.

A frozen value read once (:func:`load_scene_data`) and passed down; drawing code
(``layers/``) derives its own serialisations from it and may keep them with the value
through :meth:`SceneData.derived`, so they are built once per scene.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd

from geo import datasets
from geo.admin_areas import load_admin_areas
from geo.border import Border, load_border

T = TypeVar("T")


@dataclass(frozen=True)
class SceneData:
    """Everything the standard layers are drawn from (all EPSG:4326)."""

    border: Border
    countries: gpd.GeoDataFrame
    reference_border: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame = field(default_factory=lambda: gpd.GeoDataFrame(geometry=[], crs=4326))
    #: Afghan provinces facing the border (:mod:`geo.admin_areas`); empty when not shipped.
    admin_areas: gpd.GeoDataFrame = field(default_factory=lambda: gpd.GeoDataFrame(geometry=[], crs=4326))
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: str, build: Callable[[SceneData], T]) -> T:
        """``build(self)``, computed on first use and kept with this value under ``key``.

        For values that depend only on this scene (GeoJSON text, map symbols); a copy made
        with :func:`dataclasses.replace` starts with none kept.
        """
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]  # type: ignore[no-any-return]


def load_scene_data(data_dir: Path | None = None) -> SceneData:
    """Read the shipped layers from ``data_dir`` (default: :func:`geo.datasets.resolve_data_dir`);
    raises DataFileError naming a missing/corrupt file."""
    places = datasets.load_layer(datasets.PLACES_FILE, data_dir)
    return SceneData(
        border=load_border(data_dir),
        countries=datasets.load_layer(datasets.COUNTRIES_FILE, data_dir),
        reference_border=datasets.load_layer(datasets.REFERENCE_BORDER_FILE, data_dir),
        places=places,
        admin_areas=load_admin_areas(data_dir),
    )
