"""A print-quality static map drawn with matplotlib from our own layers (no browser, no tiles).

The same overlays the page shows (:class:`layers.scene.SceneOptions`), in the page's
colours, on the offline basemap's country fills, with hillshade and/or slope classes from a
DEM when one is given, the page's analysis layers (coverage and gaps, assets, zones, the pin:
the :class:`layers.shapes.Shape` values of their bundles) and highlighted incidents, plus
what a printed map needs: title, extent and CRS, legend, scale bar (km,
geodesic at the map's central latitude), north arrow, graticule with degree labels,
sources (from the layers' provenance) and the date of the data.

Display: equirectangular (plate carrée) with the aspect corrected by ``1 / cos(lat)``
at the map's central latitude, so north is up everywhere and distances read true along
that parallel. Only the ``Agg``/PDF canvases of a :class:`matplotlib.figure.Figure` are
used (never pyplot), so rendering is thread-safe for the page.
"""

from __future__ import annotations

import io
import logging
import math
import textwrap
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
from affine import Affine
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from pyproj import CRS
from shapely.geometry import box

from geo import terrain
from geo.crs import GEOD
from geo.dem import Dem
from geo.errors import InvalidInputError
from geo.scene_data import SceneData
from layers.admin_areas import PROVINCE_COLOR
from layers.base import (
    APPROXIMATE_LEGEND,
    MAX_DRAWN_PRECISION_KM,
    LayerBundle,
    LegendEntry,
    is_approximate,
    legend_for,
)
from layers.basemaps import COUNTRY_FILLS as BASE_FILLS  # the offline basemap's fills
from layers.border import BORDER_COLOR, REFERENCE_COLOR
from layers.countries import SIDE_COLORS
from layers.incidents import EVENT_TYPE_COLORS, OTHER_COLOR
from layers.places import PLACE_STYLES
from layers.provenance import data_as_of, source_parts
from layers.scene import SceneOptions
from layers.shapes import Shape
from layers.snapshot import BBox, validate_bbox
from layers.terrain import SLOPE_CLASSES

logger = logging.getLogger(__name__)

DEFAULT_TITLE = "Tajikistan–Afghanistan border"
#: Figure formats :func:`save_static` writes.
STATIC_FORMATS = ("png", "pdf")
#: Map axes inside the figure (left, bottom, width, height as figure fractions).
_AX_RECT = (0.055, 0.135, 0.67, 0.725)
_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]
#: Opacity of the slope classes, as the page's slope overlay (ui.terrain).
SLOPE_OPACITY = 0.6
#: Legend line of a highlighted incident (as the page's incidents layer).
HIGHLIGHT_LEGEND = LegendEntry("Highlighted incident (thick black outline)", "#000000")


def plain_text(value: object) -> str:
    """Text shown literally by matplotlib: ``$`` would start mathtext, so it is escaped.

    >>> plain_text("${x}")
    '\\\\${x}'
    """
    return "" if value is None else str(value).replace("$", r"\$")


def default_bbox(data: SceneData, pad_deg: float = 0.35) -> BBox:
    """The border's bounds padded by ``pad_deg`` degrees (W, S, E, N, EPSG:4326)."""
    w, s, e, n = data.border.line.bounds
    return (w - pad_deg, s - pad_deg, e + pad_deg, n + pad_deg)


def nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``target`` (> 0).

    >>> nice_length(173.0), nice_length(0.7)
    (100.0, 0.5)
    """
    if not target > 0:
        raise InvalidInputError(f"target must be > 0, got {target!r}")
    exp = math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * 10.0**exp <= target:
            return m * 10.0**exp
    return 10.0**exp


def _count(value: object) -> float:
    """A non-negative finite number for marker sizing; 0 for blank (None, NaN, ``pd.NA``) or text.

    >>> _count(None), _count(float("nan")), _count(3), _count("x")
    (0.0, 0.0, 3.0, 0.0)
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def sources_line(data: SceneData, options: SceneOptions, dem: Dem | None = None,
                 extras: Sequence[LayerBundle] = (), relief: str | None = None) -> str:
    """One paragraph naming the source (and licence) of every layer drawn (``relief``: the relief
    layers' phrase; by default "hillshade: <the DEM's source>" when ``dem`` is given)."""
    if relief is None and dem is not None:
        relief = f"hillshade: {dem.source or 'user DEM'}"
    parts = source_parts(data, options, relief, extras)
    return "Sources — " + "; ".join(plain_text(p) for p in parts) + "."


# --------------------------------------------------------------------------- drawing helpers


def _fit_extent(bbox: BBox, aspect: float, rect_in: tuple[float, float]) -> BBox:
    """Grow ``bbox`` (around its centre) so that it fills an axes of ``rect_in`` inches."""
    w, s, e, n = bbox
    dx, dy = e - w, n - s
    want = rect_in[1] / rect_in[0]
    if dy * aspect / dx < want:
        dy = dx * want / aspect
    else:
        dx = dy * aspect / want
    cx, cy = (w + e) / 2, (s + n) / 2
    return (cx - dx / 2, cy - dy / 2, cx + dx / 2, cy + dy / 2)


def _geodesic_circle(lon: float, lat: float, radius_km: float, n: int = 72) -> np.ndarray:
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_km * 1000.0))
    return np.column_stack([lons, lats])


def _marker_area(radius_px: float) -> float:
    """Scatter marker area (pt²) for a Leaflet circle of ``radius_px`` CSS pixels (0.75 pt each)."""
    return float((2 * radius_px * 0.75) ** 2)


def _draw_points(ax, frame: gpd.GeoDataFrame, colors: list[str], radii: list[float], *,  # type: ignore[no-untyped-def]
                 show_precision: bool, zorder: float) -> bool:
    """Exact points filled with a dark outline; approximate ones hollow and dashed with a dashed
    circle of their precision radius. Returns True if any point was approximate."""
    any_approx = False
    for (props, geom), color, radius in zip(
            zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True),
            colors, radii, strict=True):
        approx = is_approximate(props)
        any_approx |= approx
        if approx:
            precision_km = _count(props.get("precision_km"))
            if show_precision and 0 < precision_km <= MAX_DRAWN_PRECISION_KM:
                ring = _geodesic_circle(geom.x, geom.y, precision_km)
                ax.fill(ring[:, 0], ring[:, 1], facecolor=color, alpha=0.08, zorder=zorder - 1)
                ax.fill(ring[:, 0], ring[:, 1], facecolor="none", edgecolor=color, linewidth=0.9,
                        linestyle=(0, (4, 3)), zorder=zorder - 1)
            ax.scatter([geom.x], [geom.y], s=_marker_area(radius), facecolor=color, alpha=0.45,
                       edgecolor="none", zorder=zorder)
            ax.scatter([geom.x], [geom.y], s=_marker_area(radius), facecolor="none", edgecolor=color,
                       linewidth=1.3, linestyle=(0, (2, 1.5)), zorder=zorder)
        else:
            ax.scatter([geom.x], [geom.y], s=_marker_area(radius), facecolor=color,
                       edgecolor="#222222", linewidth=0.8, zorder=zorder)
    return any_approx


def _legend_handles(entries: Iterable[LegendEntry]) -> list[object]:
    handles: list[object] = []
    for e in entries:
        label = textwrap.fill(plain_text(e.label), 34)
        if e.shape in ("line", "dashed"):
            handles.append(Line2D([], [], color=e.color, linewidth=2.5,
                                  linestyle="--" if e.shape == "dashed" else "-", label=label))
        elif e.shape == "fill":
            handles.append(Patch(facecolor=e.color, alpha=0.5, edgecolor="#555555", label=label))
        elif e.shape in ("square", "ramp"):
            handles.append(Patch(facecolor=e.color, edgecolor="#555555", label=label))
        elif e.shape == "hollow":
            handles.append(Line2D([], [], marker="o", linestyle="none", markersize=8,
                                  markerfacecolor="none", markeredgecolor=e.color, label=label))
        else:
            handles.append(Line2D([], [], marker="o", linestyle="none", markersize=7,
                                  markerfacecolor=e.color, markeredgecolor="#222222", label=label))
    return handles


def _dem_window(dem: Dem, extent: BBox, max_cells: int) -> tuple[Dem, tuple[float, float, float, float]] | None:
    """The DEM cells covering ``extent`` (EPSG:4326; a projected DEM is warped to it first),
    thinned to at most about ``max_cells`` cells, and the image extent (W, E, S, N) of that
    window; None when the DEM does not cover the map."""
    elevation, transform = dem.elevation, dem.transform
    if not dem.crs.is_geographic:
        elevation, transform = _warp_to_geographic(dem)
    a, e = transform.a, transform.e
    x0, y0 = transform.c, transform.f
    rows, cols = elevation.shape
    w, s, east, n = extent
    c0 = max(0, math.floor((w - x0) / a))
    c1 = min(cols, math.ceil((east - x0) / a))
    r0 = max(0, math.floor((n - y0) / e))
    r1 = min(rows, math.ceil((s - y0) / e))
    if c1 - c0 < 2 or r1 - r0 < 2:
        logger.info("static map: the DEM does not cover the map extent; no relief")
        return None
    step = max(1, math.ceil(math.sqrt((c1 - c0) * (r1 - r0) / max_cells)))
    window = elevation[r0:r1:step, c0:c1:step]
    if min(window.shape) < 3:
        return None
    window_dem = Dem(np.asarray(window, dtype=np.float32),
                     Affine(a * step, 0.0, x0 + a * c0, 0.0, e * step, y0 + e * r0), CRS.from_epsg(4326))
    img_extent = (x0 + a * c0, x0 + a * (c0 + window.shape[1] * step),
                  y0 + e * (r0 + window.shape[0] * step), y0 + e * r0)
    return window_dem, img_extent


def _draw_hillshade(ax, dem: Dem, extent: BBox, max_cells: int) -> None:  # type: ignore[no-untyped-def]
    """Hillshade of the DEM window covering ``extent``, as a grey underlay (the project's Horn
    hillshade, metres per cell from the latitude of each row)."""
    found = _dem_window(dem, extent, max_cells)
    if found is None:
        return
    window_dem, img_extent = found
    grey = terrain.hillshade(window_dem).astype(np.float32)
    shade = np.where(grey > 0, grey / 255.0, np.nan)  # 0 = no data (edges, holes): left transparent
    ax.imshow(shade, cmap="gray", vmin=0, vmax=1, extent=img_extent, origin="upper", alpha=0.38,
              interpolation="bilinear", zorder=2, aspect="auto")


def slope_rgba(slope_deg: np.ndarray) -> np.ndarray:
    """Slope (degrees) classed into the page's colours (:data:`layers.terrain.SLOPE_CLASSES`) as an
    RGBA float image (h, w, 4) in 0–1; the flat class and no-data cells are transparent."""
    rgba = np.zeros((*slope_deg.shape, 4), dtype=np.float32)
    for lo, hi, _, colour in SLOPE_CLASSES:
        rgba[(slope_deg >= lo) & (slope_deg < hi)] = np.array(colour, dtype=np.float32) / 255.0
    return rgba


def _draw_slope(ax, dem: Dem, extent: BBox, max_cells: int) -> None:  # type: ignore[no-untyped-def]
    """Slope classes of the DEM window covering ``extent``, in the page's colours and opacity."""
    found = _dem_window(dem, extent, max_cells)
    if found is None:
        return
    window_dem, img_extent = found
    ax.imshow(slope_rgba(terrain.slope_degrees(window_dem)), extent=img_extent, origin="upper",
              alpha=SLOPE_OPACITY, interpolation="nearest", zorder=2.5, aspect="auto")


def _draw_shapes(ax, shapes: Sequence[Shape], k: float) -> None:  # type: ignore[no-untyped-def]
    """The page's analysis layers (coverage, gaps, assets, zones, the pin) as matplotlib artists,
    in their page colours; widths in CSS px (0.75 pt each), scaled by ``k`` like the rest."""
    for i, sh in enumerate(shapes):
        z = (11.8 if sh.top else 8.0) + i * 1e-4  # above the border, below places and incidents
        dashes = tuple(d * 0.75 * k for d in sh.dash) if sh.dash else None
        width = sh.width_px * 0.75 * k
        for part in getattr(sh.geometry, "geoms", [sh.geometry]):
            if part.is_empty:
                continue
            kind = part.geom_type
            if kind == "Point" and sh.marker == "pin":
                # the marker path spans half its size upwards from the tip; the page's pin is 3 radii tall
                size = (2 * 3 * sh.radius_px * 0.75 * k) ** 2
                ax.scatter([part.x], [part.y], s=size, marker=_PIN_MARKER, facecolor=sh.fill or sh.color,
                           edgecolor=sh.color, linewidth=width, zorder=z)
            elif kind == "Point":
                ax.scatter([part.x], [part.y], s=_marker_area(sh.radius_px * k), facecolor=sh.fill or sh.color,
                           edgecolor=sh.color, linewidth=width, alpha=sh.opacity, zorder=z)
            elif kind in ("LineString", "LinearRing"):
                xs, ys = part.xy
                line = ax.plot(xs, ys, color=sh.color, linewidth=width, alpha=sh.opacity, zorder=z,
                               solid_capstyle="round")[0]
                if dashes:
                    line.set_dashes(dashes)
            elif kind == "Polygon":
                if sh.fill and sh.fill_opacity > 0:
                    ax.add_patch(PathPatch(_polygon_path(part), facecolor=sh.fill, alpha=sh.fill_opacity,
                                           edgecolor="none", zorder=z))
                outline = PathPatch(_polygon_path(part), facecolor="none", edgecolor=sh.color,
                                    linewidth=width, alpha=sh.opacity, zorder=z)
                if dashes:
                    outline.set_linestyle((0, dashes))
                ax.add_patch(outline)


def _pin_marker() -> MplPath:
    """A map pin whose tip is the marker's origin (the point itself), with a hole at its head."""
    angles = np.radians(np.linspace(-35.0, 215.0, 40))
    head = np.column_stack([np.cos(angles), 2.4 + np.sin(angles)])
    outline = np.vstack([[0.0, 0.0], head, [0.0, 0.0]])
    hole_angles = np.radians(np.linspace(360.0, 0.0, 24))
    hole = np.column_stack([0.38 * np.cos(hole_angles), 2.4 + 0.38 * np.sin(hole_angles)])
    codes = [MplPath.MOVETO, *[MplPath.LINETO] * (len(outline) - 2), MplPath.CLOSEPOLY,
             MplPath.MOVETO, *[MplPath.LINETO] * (len(hole) - 2), MplPath.CLOSEPOLY]
    return MplPath(np.vstack([outline, hole]), codes)


_PIN_MARKER = _pin_marker()


def _polygon_path(poly) -> MplPath:  # type: ignore[no-untyped-def]
    """A polygon with its holes as one matplotlib path (even-odd: holes stay open)."""
    rings = [np.asarray(poly.exterior.coords)[:, :2], *(np.asarray(r.coords)[:, :2] for r in poly.interiors)]
    codes = []
    for ring in rings:
        c = np.full(len(ring), MplPath.LINETO, dtype=np.uint8)
        c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
        codes.append(c)
    return MplPath(np.concatenate(rings), np.concatenate(codes))


def _warp_to_geographic(dem: Dem) -> tuple[np.ndarray, Affine]:
    """A projected DEM warped (bilinear) to an EPSG:4326 grid of about the same cell count."""
    from pyproj import Transformer
    from rasterio.warp import Resampling, reproject

    rows, cols = dem.shape
    w, s, e, n = Transformer.from_crs(dem.crs, 4326, always_xy=True).transform_bounds(*dem.bounds)
    transform = Affine((e - w) / cols, 0.0, w, 0.0, -(n - s) / rows, n)
    out = np.full((rows, cols), np.nan, dtype=np.float32)
    reproject(dem.elevation, out, src_transform=dem.transform, src_crs=dem.crs, dst_transform=transform,
              dst_crs="EPSG:4326", src_nodata=np.nan, dst_nodata=np.nan, resampling=Resampling.bilinear)
    return out, transform


def _draw_scale_bar(ax, extent: BBox, lat0: float, k: float) -> None:  # type: ignore[no-untyped-def]
    w, s, e, n = extent
    km_per_deg = GEOD.inv(w, lat0, w + 1.0, lat0)[2] / 1000.0
    length_km = nice_length((e - w) * km_per_deg * 0.22)
    length_deg = length_km / km_per_deg
    x0, y0 = w + (e - w) * 0.035, s + (n - s) * 0.045
    h = (n - s) * 0.012
    ax.add_patch(Rectangle((x0 - (e - w) * 0.012, y0 - h * 1.2), length_deg + (e - w) * 0.06, h * 6.2,
                           facecolor="white", alpha=0.85, edgecolor="#999999", linewidth=0.5, zorder=12))
    for i in range(4):
        ax.add_patch(Rectangle((x0 + i * length_deg / 4, y0), length_deg / 4, h,
                               facecolor="black" if i % 2 == 0 else "white", edgecolor="black",
                               linewidth=0.6, zorder=13))
    for frac in (0.0, 0.5, 1.0):
        ax.text(x0 + frac * length_deg, y0 + h * 1.5, f"{length_km * frac:g}", ha="center", va="bottom",
                fontsize=7 * k, zorder=13)
    ax.text(x0 + length_deg * 1.02, y0 + h / 2, "km", ha="left", va="center", fontsize=7 * k, zorder=13)
    ax.text(x0, y0 + h * 3.4, f"Scale true at {lat0:.1f}° N", ha="left", va="bottom", fontsize=6 * k,
            color="#444444", zorder=13)


def _draw_north_arrow(ax, k: float) -> None:  # type: ignore[no-untyped-def]
    ax.annotate("N", xy=(0.955, 0.95), xytext=(0.955, 0.84), xycoords="axes fraction",
                textcoords="axes fraction", ha="center", va="center", fontsize=12 * k, fontweight="bold",
                arrowprops={"facecolor": "black", "edgecolor": "black", "width": 4 * k, "headwidth": 12 * k,
                            "headlength": 10 * k}, zorder=13,
                bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.8})


def _degree_label(value: float, pos_hemi: str, neg_hemi: str) -> str:
    hemi = pos_hemi if value >= 0 else neg_hemi
    return f"{abs(value):g}°{hemi}"


def _draw_graticule(ax, extent: BBox, k: float) -> None:  # type: ignore[no-untyped-def]
    w, s, e, n = extent
    span = max(e - w, n - s)
    step = next((st for st in (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0) if span / st <= 10), 10.0)
    xs = np.arange(math.ceil(w / step) * step, e, step)
    ys = np.arange(math.ceil(s / step) * step, n, step)
    for x in xs:
        ax.axvline(x, color="#6b6b6b", linewidth=0.4, linestyle=(0, (3, 3)), alpha=0.7, zorder=5)
    for y in ys:
        ax.axhline(y, color="#6b6b6b", linewidth=0.4, linestyle=(0, (3, 3)), alpha=0.7, zorder=5)
    ax.set_xticks(xs, [_degree_label(round(x, 4), "E", "W") for x in xs])
    ax.set_yticks(ys, [_degree_label(round(y, 4), "N", "S") for y in ys])
    ax.tick_params(labelsize=7 * k, top=True, right=True, labeltop=True, labelright=True, length=3)


# --------------------------------------------------------------------------- the map


def static_map(data: SceneData, options: SceneOptions, bbox: BBox | None = None, dem: Dem | None = None,
               title: str = DEFAULT_TITLE, size_px: tuple[int, int] = (1800, 1200), dpi: int = 150,
               today: date | None = None, *, hillshade: bool = True, slope: bool = False,
               extras: Sequence[LayerBundle] = (), highlight_ids: Iterable[str] = (),
               relief_source: str | None = None) -> Figure:
    """The print map of ``options`` over ``bbox`` (W, S, E, N degrees; default: the whole border).

    Parameters
    ----------
    data, options : SceneData, SceneOptions
        The layers and the user's choice of overlays (the basemap choice is ignored: no tiles).
    bbox : (west, south, east, north), optional
        Degrees, EPSG:4326; grown to fill the map frame. Validated against the region.
    dem : Dem, optional
        Elevation for the relief underlays (geographic or projected CRS).
    hillshade, slope : bool
        Which relief to draw from ``dem``: the hillshade (default) and/or the slope classes in
        the page's colours.
    title : str
        Shown literally (no markup).
    size_px, dpi : (int, int), int
        Figure size in pixels at ``dpi`` (a PDF is vector; the size sets its page).
    today : date, optional
        Date printed as the render date (default: today).
    extras : sequence of LayerBundle
        The page's analysis layers (coverage and gaps, assets, zones, the pin), drawn from their
        :attr:`~layers.base.LayerBundle.shapes`; their legend lines and sources are added.
    highlight_ids : iterable of str
        Incident ids drawn with a thick black outline on top (e.g. those behind a trigger).
    relief_source : str, optional
        Names the DEM in the sources line ("hillshade and slope: <it>"; default: the DEM's source).

    Returns
    -------
    matplotlib.figure.Figure
        Save it with :func:`save_static`.
    """
    width_px, height_px = size_px
    if not (200 <= width_px <= 8000 and 200 <= height_px <= 8000):
        raise InvalidInputError(f"size_px must be 200–8000 px per side, got {size_px!r}")
    if not 50 <= dpi <= 600:
        raise InvalidInputError(f"dpi must be 50–600, got {dpi!r}")
    bbox = validate_bbox(bbox) if bbox is not None else default_bbox(data)
    lat0 = (bbox[1] + bbox[3]) / 2
    aspect = 1.0 / math.cos(math.radians(lat0))
    # font scale: 1 at 12 × 8 inches, so small and large figures keep their proportions
    k = min(max(math.sqrt(width_px * height_px / (dpi * dpi * 96.0)), 0.55), 2.5)
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    ax = fig.add_axes(_AX_RECT)
    rect_in = (_AX_RECT[2] * width_px / dpi, _AX_RECT[3] * height_px / dpi)
    extent = _fit_extent(bbox, aspect, rect_in)
    w, s, e, n = extent
    ax.set_facecolor("#dde8ee")
    clip = box(w - 1, s - 1, e + 1, n + 1)
    countries = data.countries.clip(clip)
    countries = countries.assign(geometry=countries.geometry.simplify(0.005, preserve_topology=True))
    countries.plot(ax=ax, color=[BASE_FILLS.get(i, "#eeeeee") for i in countries["iso3"]],
                   edgecolor="none", zorder=1)
    max_cells = int(rect_in[0] * rect_in[1] * dpi * dpi / 4)
    relief: list[str] = []
    if dem is not None and hillshade:
        _draw_hillshade(ax, dem, extent, max_cells)
        relief.append("hillshade")
    if dem is not None and slope:
        _draw_slope(ax, dem, extent, max_cells)
        relief.append("slope")
    entries: list[LegendEntry] = []
    if "countries" in options.overlays:
        tinted = countries[countries["iso3"].isin(list(SIDE_COLORS))]
        tinted.plot(ax=ax, color=[SIDE_COLORS[i] for i in tinted["iso3"]], alpha=0.18, edgecolor="none",
                    zorder=3)
        entries += [LegendEntry("Tajikistan", SIDE_COLORS["TJK"], "fill"),
                    LegendEntry("Afghanistan", SIDE_COLORS["AFG"], "fill")]
    countries.boundary.plot(ax=ax, color="#7a7a7a", linewidth=0.6, zorder=4)
    for _, row in countries.iterrows():
        pt = row.geometry.representative_point()
        lon, lat = (77.0, 38.6) if row["iso3"] == "CHN" else (pt.x, pt.y)
        if w < lon < e and s < lat < n:
            ax.text(lon, lat, plain_text(row["name"]).upper(), ha="center", va="center", fontsize=9 * k,
                    color="#666666", fontweight="bold", alpha=0.8, zorder=4.5, path_effects=_HALO)
    _draw_graticule(ax, extent, k)
    if "afghan_provinces" in options.overlays and len(data.admin_areas):
        data.admin_areas.boundary.plot(ax=ax, color=PROVINCE_COLOR, linewidth=0.8 * k, linestyle=(0, (4, 3)),
                                       zorder=4.6)
        for name, lon, lat in zip(data.admin_areas["name"], data.admin_areas["label_lon"],
                                  data.admin_areas["label_lat"], strict=True):
            if w < lon < e and s < lat < n:
                ax.text(lon, lat, plain_text(name), ha="center", va="center", fontsize=8 * k, color=PROVINCE_COLOR,
                        fontstyle="italic", zorder=4.7, path_effects=_HALO)
        entries.append(LegendEntry("Afghan province (Natural Earth; no districts)", PROVINCE_COLOR, "dashed"))
    if "reference_border" in options.overlays and len(data.reference_border):
        ref = data.reference_border.geometry.iloc[0]
        xs, ys = ref.xy
        ax.plot(xs, ys, color=REFERENCE_COLOR, linewidth=1.2, linestyle=(0, (5, 5)), zorder=6)
        entries.append(LegendEntry("Border, Natural Earth 10m", REFERENCE_COLOR, "dashed"))
    if "border" in options.overlays:
        xs, ys = data.border.line.xy
        ax.plot(xs, ys, color=BORDER_COLOR, linewidth=2.2 * k, solid_capstyle="round", zorder=7)
        from geo.border import points_at_chainage

        marks = points_at_chainage(data.border, np.arange(0.0, data.border.length_km, 100.0))
        ax.scatter([p[0] for p in marks], [p[1] for p in marks], s=14 * k * k, facecolor=BORDER_COLOR,
                   edgecolor="white", linewidth=0.8, zorder=7.5)
        entries += [LegendEntry("Tajikistan–Afghanistan border", BORDER_COLOR, "line"),
                    LegendEntry("Border km mark (every 100 km)", BORDER_COLOR, "circle")]
    any_approx = False
    for kind, style in PLACE_STYLES.items():
        if kind not in options.overlays or "kind" not in data.places:
            continue
        subset = data.places[data.places["kind"] == kind]
        if subset.empty:
            continue
        any_approx |= _draw_points(ax, subset, [style.color] * len(subset), [style.radius_px * k] * len(subset),
                                   show_precision=options.show_precision and kind != "town", zorder=9)
        entries.append(LegendEntry(style.title, style.color, "circle"))
        if kind == "town":
            for name, geom in zip(subset["name"], subset.geometry, strict=True):
                if w < geom.x < e and s < geom.y < n:
                    ax.annotate(plain_text(name), (geom.x, geom.y), xytext=(4, 0), textcoords="offset points",
                                fontsize=7 * k, va="center", color="#222222", zorder=11, path_effects=_HALO)
    incidents = data.incidents
    if "incidents" in options.overlays and len(incidents):
        types = [t if isinstance(t, str) else "" for t in incidents.get("event_type", [""] * len(incidents))]
        fatal = [_count(f) for f in incidents.get("fatalities", [0] * len(incidents))]
        any_approx |= _draw_points(ax, incidents, [EVENT_TYPE_COLORS.get(t, OTHER_COLOR) for t in types],
                                   [(6 + min(f, 20.0) ** 0.5 * 2.5) * k for f in fatal],
                                   show_precision=options.show_precision, zorder=10)
        for t in dict.fromkeys(t for t in types if t):
            entries.append(LegendEntry(f"Incident: {t}", EVENT_TYPE_COLORS.get(t, OTHER_COLOR)))
        wanted = {str(i) for i in highlight_ids}
        if wanted and "id" in incidents:
            marked = incidents[incidents["id"].astype(str).isin(wanted) & incidents.geometry.notna()]
            if len(marked):
                ax.scatter(marked.geometry.x, marked.geometry.y, s=_marker_area(11 * k), facecolor="none",
                           edgecolor="#000000", linewidth=2.6 * k, zorder=10.5)
                entries.append(HIGHLIGHT_LEGEND)
    shapes = [sh for bundle in extras for sh in bundle.shapes]
    _draw_shapes(ax, [sh for sh in shapes if not sh.top], k)
    _draw_shapes(ax, [sh for sh in shapes if sh.top], k)
    entries += [entry for bundle in extras for entry in bundle.legend]
    if any_approx:
        entries.append(APPROXIMATE_LEGEND)
    entries = legend_for(entries)
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_aspect(aspect, adjustable="box")
    _draw_scale_bar(ax, extent, lat0, k)
    _draw_north_arrow(ax, k)
    if entries:
        fig.legend(handles=_legend_handles(entries), loc="upper left", title="Legend", fontsize=7.5 * k,
                   title_fontsize=9 * k, bbox_to_anchor=(_AX_RECT[0] + _AX_RECT[2] + 0.035, _AX_RECT[1] + _AX_RECT[3]),
                   frameon=True, framealpha=1.0, edgecolor="#999999", borderpad=0.8, labelspacing=0.7)
    fig.text(_AX_RECT[0], 0.975, plain_text(title), fontsize=15 * k, fontweight="bold", va="top")
    fig.text(_AX_RECT[0], 0.933,
             f"Extent {_degree_label(round(w, 2), 'E', 'W')}–{_degree_label(round(e, 2), 'E', 'W')}, "
             f"{_degree_label(round(s, 2), 'N', 'S')}–{_degree_label(round(n, 2), 'N', 'S')} · "
             "WGS 84 (EPSG:4326), equirectangular", fontsize=8.5 * k, color="#333333", va="top")
    as_of = data_as_of(data)
    rendered = (today or date.today()).isoformat()
    footer = (f"Data as of {as_of} (latest source date shown) · " if as_of else "") + \
        f"Rendered {rendered} by Border Map · Approximate locations are estimates, not surveyed positions."
    relief_text = (f"{' and '.join(relief)}: {relief_source or dem.source or 'user DEM'}"
                   if relief and dem is not None else "")
    sources = sources_line(data, options, extras=extras, relief=relief_text)
    fig.text(_AX_RECT[0], 0.012, textwrap.fill(sources, int(0.9 * width_px / dpi * 72 / (6.5 * k * 0.55))) + "\n" + plain_text(footer),
             fontsize=6.5 * k, color="#333333", va="bottom", linespacing=1.5)
    logger.info("static map %d×%d px over %.2f,%.2f,%.2f,%.2f with %d legend entries", width_px, height_px,
                w, s, e, n, len(entries))
    return fig


def static_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG or PDF bytes (``fmt`` is ``"png"`` or ``"pdf"``)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in STATIC_FORMATS:
        raise InvalidInputError(f"static map format must be one of {', '.join(STATIC_FORMATS)}, got {fmt!r}")
    buf = io.BytesIO()
    metadata = {"Title": "Border Map", "Creator": "Border Map"} if fmt == "pdf" else {"Software": "Border Map"}
    fig.savefig(buf, format=fmt, dpi=fig.dpi, facecolor="white", metadata=metadata)
    return buf.getvalue()


def save_static(fig: Figure, path: str | Path) -> Path:
    """Write the figure to ``path`` as PNG or PDF (chosen by the suffix); returns the path."""
    path = Path(path)
    data = static_bytes(fig, path.suffix)
    path.write_bytes(data)
    return path
