"""The standard scene: which overlays exist, built from the shipped data and the store.

The page, the CLI snapshot and the tests all build the map through
:func:`build_scene_map`, so they show the same layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import folium
import geopandas as gpd

from geo import datasets
from geo.border import Border, load_border
from layers.base import LayerBundle
from layers.border import border_layer, reference_border_layer
from layers.countries import countries_geojson, countries_layer
from layers.map import MapView, build_map
from layers.places import PLACE_STYLES, place_symbols, places_layer
from layers.points import PointSymbol

#: Overlay keys and their labels on the page, in drawing order (bottom → top).
OVERLAYS: dict[str, str] = {
    "countries": "Countries (tinted)",
    "reference_border": "Border as Natural Earth draws it (comparison)",
    "border": "Tajikistan–Afghanistan border",
    "town": "Towns",
    "crossing": "Border crossings and bridges",
    "garrison": "Russian 201st Military Base",
    "garrison_history": "201st Base, former garrisons",
    "chinese_site": "Chinese project and security sites",
    "incidents": "Incidents",
}
DEFAULT_OVERLAYS: tuple[str, ...] = tuple(k for k in OVERLAYS if k != "reference_border")


@dataclass(frozen=True)
class SceneData:
    """Everything the standard layers are drawn from (all EPSG:4326)."""

    border: Border
    countries: gpd.GeoDataFrame
    reference_border: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame = field(default_factory=lambda: gpd.GeoDataFrame(geometry=[], crs=4326))

    @cached_property
    def countries_json(self) -> str:
        """The country polygons as GeoJSON text (names escaped), serialised once."""
        return countries_geojson(self.countries)

    @cached_property
    def basemap_json(self) -> str:
        """Coarser country polygons (≈1 km) for the offline basemap's background fills."""
        return countries_geojson(self.countries, tolerance_deg=0.01)

    @cached_property
    def place_symbols(self) -> dict[str, tuple[PointSymbol, ...]]:
        """The map symbols of each kind of place, built once."""
        return {kind: place_symbols(self.places, kind) for kind in PLACE_STYLES}


@dataclass(frozen=True)
class SceneOptions:
    """What the user chose to see: basemap, overlays, precision circles."""

    basemap: str
    overlays: tuple[str, ...] = DEFAULT_OVERLAYS
    show_precision: bool = True

    def __post_init__(self) -> None:
        unknown = [o for o in self.overlays if o not in OVERLAYS]
        if unknown:
            raise ValueError(f"unknown overlay(s) {unknown}; known: {', '.join(OVERLAYS)}")


def load_scene_data(data_dir: Path = datasets.DATA_DIR) -> SceneData:
    """Read the shipped layers (raises DataFileError naming a missing/corrupt file)."""
    places = datasets.load_layer(datasets.PLACES_FILE, data_dir)
    return SceneData(
        border=load_border(data_dir),
        countries=datasets.load_layer(datasets.COUNTRIES_FILE, data_dir),
        reference_border=datasets.load_layer(datasets.REFERENCE_BORDER_FILE, data_dir),
        places=places,
    )


def overlay_bundle(data: SceneData, key: str, show_precision: bool = True) -> LayerBundle:
    """Build one overlay by key."""
    if key == "border":
        return border_layer(data.border)
    if key == "reference_border":
        ref = data.reference_border.iloc[0]
        return reference_border_layer(ref.geometry, str(ref["source"]), float(ref["length_km"]))
    if key == "countries":
        return countries_layer(data.countries_json)
    if key in PLACE_STYLES:
        return places_layer(data.places, key, show_precision, data.place_symbols[key])
    if key == "incidents":
        from layers.incidents import incidents_layer

        return incidents_layer(data.incidents, show_precision=show_precision)
    raise ValueError(f"unknown overlay {key!r}")


def scene_bundles(data: SceneData, options: SceneOptions) -> list[LayerBundle]:
    """The chosen overlays, in drawing order, skipping empty place kinds."""
    kinds = set(data.places["kind"]) if "kind" in data.places else set()
    keys = [k for k in OVERLAYS if k in options.overlays and (k not in PLACE_STYLES or k in kinds)]
    return [overlay_bundle(data, k, options.show_precision) for k in keys]


def build_scene_map(data: SceneData, options: SceneOptions, view: MapView | None = None,
                    extra_base_overlays: Sequence[folium.map.Layer] = (),
                    extra_bundles: Sequence[LayerBundle] = (), draw: bool = False,
                    live: bool = False) -> folium.Map:
    """The full map for ``options``: basemaps, chosen overlays, controls, legend.

    ``extra_bundles`` (analysis results such as coverage gaps, drawn on top) and
    ``extra_base_overlays`` (images such as hillshade, drawn right above the basemap) come
    from the page's other features. ``live``: see :func:`layers.map.build_map`.
    """
    bundles = [*scene_bundles(data, options), *extra_bundles]
    return build_map(bundles, data.basemap_json, options.basemap, view, extra_base_overlays, draw, live)
