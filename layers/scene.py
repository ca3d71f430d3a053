"""The standard scene: which overlays exist, built from the shipped data and the store.

The page, the CLI snapshot and the tests all build the map through
:func:`build_scene_map`, so they show the same layers. The data itself
(:class:`geo.scene_data.SceneData`, :func:`geo.scene_data.load_scene_data`) lives in ``geo``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium

from geo.scene_data import SceneData, load_scene_data
from layers.admin_areas import provinces_geojson, provinces_layer
from layers.base import LayerBundle
from layers.border import border_layer, reference_border_layer
from layers.countries import countries_geojson, countries_layer
from layers.map import MapView, build_map
from layers.places import PLACE_STYLES, place_symbols, places_layer
from layers.points import PointSymbol

#: Overlay keys and their labels on the page, in drawing order (bottom → top).
OVERLAYS: dict[str, str] = {
    "countries": "Countries (tinted)",
    "afghan_provinces": "Afghan provinces facing the border",
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

#: SceneData and load_scene_data are re-exported for callers written before they moved to geo/.
__all__ = [
    "DEFAULT_OVERLAYS", "OVERLAYS", "SceneData", "SceneOptions", "available_overlays", "basemap_json",
    "build_scene_map", "countries_json", "load_scene_data", "overlay_bundle", "prepare_scene",
    "provinces_json", "scene_bundles", "scene_place_symbols",
]


def countries_json(data: SceneData) -> str:
    """The country polygons as GeoJSON text (names escaped), serialised once per scene."""
    return data.derived("countries_json", lambda d: countries_geojson(d.countries))


def basemap_json(data: SceneData) -> str:
    """Coarser country polygons (≈1 km) for the offline basemap's background fills."""
    return data.derived("basemap_json", lambda d: countries_geojson(d.countries, tolerance_deg=0.01))


def provinces_json(data: SceneData) -> str:
    """The Afghan provinces as display GeoJSON text, serialised once per scene."""
    return data.derived("provinces_json", lambda d: provinces_geojson(d.admin_areas))


def available_overlays(data: SceneData) -> set[str]:
    """The overlays this scene can draw: place kinds it has, the provinces if shipped, the rest."""
    kinds = set(data.places["kind"]) if "kind" in data.places else set()
    return {k for k in OVERLAYS if (k not in PLACE_STYLES or k in kinds)
            and (k != "afghan_provinces" or len(data.admin_areas) > 0)}


def scene_place_symbols(data: SceneData) -> dict[str, tuple[PointSymbol, ...]]:
    """The map symbols of each kind of place, built once per scene."""
    return data.derived("place_symbols", lambda d: {kind: place_symbols(d.places, kind) for kind in PLACE_STYLES})


def prepare_scene(data: SceneData) -> None:
    """Build the scene's serialised layers now (e.g. once per process, not on a user's rerun)."""
    countries_json(data)
    basemap_json(data)
    provinces_json(data)
    scene_place_symbols(data)


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


def overlay_bundle(data: SceneData, key: str, show_precision: bool = True) -> LayerBundle:
    """Build one overlay by key."""
    if key == "border":
        return border_layer(data.border)
    if key == "reference_border":
        ref = data.reference_border.iloc[0]
        return reference_border_layer(ref.geometry, str(ref["source"]), float(ref["length_km"]))
    if key == "countries":
        return countries_layer(countries_json(data))
    if key == "afghan_provinces":
        return provinces_layer(data.admin_areas, provinces_json(data))
    if key in PLACE_STYLES:
        return places_layer(data.places, key, show_precision, scene_place_symbols(data)[key])
    if key == "incidents":
        from layers.incidents import incidents_layer

        return incidents_layer(data.incidents, show_precision=show_precision)
    raise ValueError(f"unknown overlay {key!r}")


def scene_bundles(data: SceneData, options: SceneOptions) -> list[LayerBundle]:
    """The chosen overlays, in drawing order, skipping empty place kinds."""
    available = available_overlays(data)
    keys = [k for k in OVERLAYS if k in options.overlays and k in available]
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
    return build_map(bundles, basemap_json(data), options.basemap, view, extra_base_overlays, draw, live)
