"""Reference places: crossings, 201st Base garrisons, Chinese sites, towns.

Each kind is its own toggleable FeatureGroup. Approximate locations are drawn as hollow,
dashed markers with a dashed circle of their precision radius.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd

from geo.place_status import status_as_of
from geo.sanitize import escape_html
from layers.base import (
    APPROXIMATE_LEGEND,
    LayerBundle,
    LegendEntry,
    is_approximate,
    is_missing,
    popup_html,
    precision_rows,
    tooltip_text,
)
from layers.points import PointSymbol, points_group


@dataclass(frozen=True)
class PlaceStyle:
    """How one kind of place is drawn and named."""

    title: str
    color: str
    radius_px: float
    extra_fields: tuple[tuple[str, str], ...] = ()


#: Colours of places: hues no ACLED incident type uses (layers.incidents.EVENT_TYPE_COLORS), the
#: 201st in magenta (its deployment zones too, layers.coverage), crossings navy, Chinese sites gold.
PLACE_STYLES: dict[str, PlaceStyle] = {
    "crossing": PlaceStyle("Border crossings and bridges", "#1f3a93", 7,
                           (("opened", "Opened"), ("crossing_type", "Type"),
                            ("official_crossing", "On the Tajik MFA's list of crossings"))),
    "garrison": PlaceStyle("Russian 201st Military Base", "#c51b7d", 8, (("status", "Status"),)),
    "garrison_history": PlaceStyle("201st Base, former garrisons", "#e9a3c9", 6, (("status", "Status"),)),
    "chinese_site": PlaceStyle("Chinese project and security sites", "#e6b800", 7),
    "town": PlaceStyle("Towns", "#333333", 3.5),
}

#: Fields holding a year: printed as digits (2007), never as a number with separators (2,007).
YEAR_FIELDS = frozenset({"opened"})


def _field_value(key: str, value: object) -> object:
    """A place's field for its popup: years as plain digits, everything else unchanged."""
    if key in YEAR_FIELDS and not is_missing(value):
        try:
            return str(int(float(value)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return value
    return value


def place_symbols(places: gpd.GeoDataFrame, kind: str,
                  as_of: dt.date | None = None) -> tuple[PointSymbol, ...]:
    """The point symbols (position, style, escaped popup and tooltip) of the places of ``kind``.

    A place with a status history shows its status on ``as_of`` (default: today, i.e. the
    latest report) with since when, the source and its confidence.
    """
    style = PLACE_STYLES[kind]
    subset = places[places["kind"] == kind]
    points = []
    for props, geom in zip(subset.drop(columns="geometry").to_dict("records"), subset.geometry, strict=True):
        rows = [("Kind", style.title), ("What", props.get("description")),
                ("Coordinates (lat, lon)", f"{geom.y:.4f}, {geom.x:.4f}")]
        rows += [(label, _field_value(key, props.get(key))) for key, label in style.extra_fields
                 if not is_missing(props.get(key))]
        status = status_as_of(props, as_of or dt.date.today())
        if status is not None:
            rows.append((f"Status on {as_of.isoformat()}" if as_of else "Status (latest report)", status.text))
        rows += precision_rows(props)
        approximate = is_approximate(props)
        points.append(PointSymbol(
            lat=geom.y, lon=geom.x, color=style.color, radius_px=style.radius_px,
            popup=popup_html(props.get("name"), rows, link=props.get("source_url")),
            tooltip=tooltip_text(props.get("name"), "approximate location" if approximate else None),
            approximate=approximate, precision_m=float(props.get("precision_km") or 0) * 1000,
            label=tooltip_text(props.get("name")) if kind == "town" else "",
            name=escape_html(props.get("name")),
        ))
    return tuple(points)


def places_layer(places: gpd.GeoDataFrame, kind: str, show_precision: bool = True,
                 symbols: tuple[PointSymbol, ...] | None = None) -> LayerBundle:
    """One FeatureGroup for the places of ``kind`` (EPSG:4326 points); ``symbols``, if given, are
    those :func:`place_symbols` made of ``places`` (to build them once, not on every rerun)."""
    style = PLACE_STYLES[kind]
    points = place_symbols(places, kind) if symbols is None else symbols
    # towns are orientation only: no uncertainty circles around them
    group = points_group(style.title, points, show_precision and kind != "town")
    legend = [LegendEntry(style.title, style.color, "circle")]
    if any(p.approximate for p in points):
        legend.append(APPROXIMATE_LEGEND)
    return LayerBundle([group], legend)
