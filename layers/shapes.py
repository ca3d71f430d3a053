"""Plain shapes for renderers without a browser: a layer's geometry and its look.

A :class:`layers.base.LayerBundle` carries folium groups for the page and the HTML and, for
the print map (:mod:`layers.static_map`, matplotlib), the same features as :class:`Shape`
values: a shapely geometry in EPSG:4326 (lon, lat degrees) with colours, widths and dashes in
CSS pixels, as the folium layer draws it. One builder fills both, so the print map shows what
the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import GEOD


@dataclass(frozen=True)
class Shape:
    """One feature to draw: ``geometry`` (EPSG:4326) and its look.

    Lines and outlines take ``color``, ``width_px``, ``opacity`` and ``dash`` (on/off lengths
    in px, None = solid); polygons add ``fill`` and ``fill_opacity``; points are markers of
    ``radius_px`` (``marker`` "circle" or "pin"). ``top`` puts the shape above every other
    layer (the pin).
    """

    geometry: BaseGeometry
    color: str
    width_px: float = 2.0
    opacity: float = 1.0
    dash: tuple[float, ...] | None = None
    fill: str | None = None
    fill_opacity: float = 0.0
    radius_px: float = 6.0
    marker: str = "circle"
    top: bool = False

    def __post_init__(self) -> None:
        if self.marker not in ("circle", "pin"):
            raise ValueError(f"marker must be 'circle' or 'pin', got {self.marker!r}")


def dash_of(css: str | None) -> tuple[float, ...] | None:
    """A CSS/Leaflet ``dashArray`` such as ``"12 8"`` as on/off lengths (px).

    >>> dash_of("12 8"), dash_of(None)
    ((12.0, 8.0), None)
    """
    if not css:
        return None
    return tuple(float(p) for p in css.replace(",", " ").split())


def geodesic_circle(lon: float, lat: float, radius_km: float, n: int = 72) -> Polygon:
    """The circle of ``radius_km`` (geodesic, WGS 84) around (``lon``, ``lat``) degrees as a
    polygon of ``n`` vertices in EPSG:4326 — what Leaflet's ``L.Circle`` draws."""
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_km * 1000.0))
    return Polygon(np.column_stack([lons, lats]))
