"""``python -m geo terrain …``: profile along the border, slope/hillshade rasters, DEM fetch.

The DEM is chosen by ``--dem``, then ``$BORDERMAP_DEM``, then the app's default file
(``$XDG_DATA_HOME/border-map/dem.tif``), then the coarse overview DEM shipped in ``data/``
(``none``: no DEM); see :func:`geo.dem_io.resolve_dem_source`.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cli.output import emit
from geo.bbox import REGION, parse_bbox
from geo.settings import DEM_ENV, read_settings

if TYPE_CHECKING:  # rasterio and the terrain code are imported by the command that runs (quick --help)
    from geo import dem_fetch
    from geo.border import Border

REGION_BOUNDS = REGION.as_tuple()


def _profile_bounds(border: Border, corridor_km: float) -> tuple[float, float, float, float]:
    """The border's lon/lat box grown by the corridor plus 5 km, clipped to the region."""
    w, s, e, n = border.line.bounds
    margin_km = corridor_km + 5.0
    dlat = margin_km / 110.0
    dlon = margin_km / (111.0 * math.cos(math.radians(max(abs(s), abs(n)))))
    rw, rs, re, rn = REGION_BOUNDS
    return (max(rw, w - dlon), max(rs, s - dlat), min(re, e + dlon), min(rn, n + dlat))


def terrain_profile(dem_arg: str | None, step_km: float = 1.0, corridor_km: float = 3.0) -> dict[str, Any]:
    """The document ``terrain profile --json`` prints."""
    from geo import dem_io
    from geo.border import load_border
    from geo.terrain import profile_along_border

    source = dem_io.resolve_dem_source(dem_arg)
    border = load_border()
    dem = dem_io.read_dem(source, bounds=_profile_bounds(border, corridor_km))
    prof = profile_along_border(dem, border, step_km=step_km, corridor_km=corridor_km)

    def col(name: str, digits: int) -> list[float]:
        return [round(float(v), digits) for v in prof[name]]

    return {
        "chainage_km": col("chainage_km", 3),
        "elevation_m": col("elevation_m", 1),
        "source": dem.source,
        "corridor_min_m": col("corridor_min_m", 1),
        "corridor_max_m": col("corridor_max_m", 1),
        "lon": col("lon", 6),
        "lat": col("lat", 6),
        "step_km": step_km,
        "corridor_km": corridor_km,
        "border_source": border.source,
    }


def _run_profile(args: argparse.Namespace) -> int:
    doc = terrain_profile(args.dem, args.step_km, args.corridor_km)
    elev = [v for v in doc["elevation_m"] if math.isfinite(v)]
    lines = [f"Elevation along the border ({len(doc['chainage_km'])} samples every {args.step_km:g} km, "
             f"DEM: {doc['source']})"]
    if elev:
        lines.append(f"  west end {doc['elevation_m'][0]:,.0f} m, east end {doc['elevation_m'][-1]:,.0f} m, "
                     f"range {min(elev):,.0f}–{max(elev):,.0f} m")
    every = max(1, round(100 / args.step_km))
    lines.append("  km        elevation m   corridor min–max m")
    for i in range(0, len(doc["chainage_km"]), every):
        lines.append(f"  {doc['chainage_km'][i]:8.1f}  {doc['elevation_m'][i]:11,.0f}   "
                     f"{doc['corridor_min_m'][i]:,.0f}–{doc['corridor_max_m'][i]:,.0f}")
    emit(doc, args.json, "\n".join(lines))
    return 0


def _run_raster(args: argparse.Namespace) -> int:
    from geo import dem_io
    from geo.terrain import Illumination

    source = dem_io.resolve_dem_source(args.dem)
    light = None
    if args.product == "hillshade":
        light = Illumination(args.azimuth, args.altitude, args.z_factor)
    compress = None if args.compress == "none" else args.compress
    res = dem_io.derive_raster(source, Path(args.out), args.product, light=light, compress=compress,
                               bounds=None if args.whole_file else REGION_BOUNDS)
    doc = {"out": str(res.path), "product": res.product, "rows": res.shape[0], "cols": res.shape[1],
           "source": res.source}
    emit(doc, args.json, f"wrote {res.product} ({res.shape[1]}×{res.shape[0]} cells) to {res.path}")
    return 0


class ProgressBar:
    """Text progress bar for :func:`geo.dem_fetch.fetch_dem`, drawn on one line of ``stream``."""

    def __init__(self, stream: TextIO, width: int = 24) -> None:
        self.stream = stream
        self.width = width

    def __call__(self, p: dem_fetch.FetchProgress) -> None:
        if p.status == "mosaic":
            self.stream.write(f"\rwriting mosaic {p.tile} …{' ' * 40}\n")
            self.stream.flush()
            return
        frac = (p.index - 1) / p.count
        if p.status in ("cached", "missing", "tile-done"):
            frac = p.index / p.count
        elif p.bytes_total:
            frac += min(1.0, p.bytes_done / p.bytes_total) / p.count
        filled = round(frac * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        size = f"{p.bytes_done / 1e6:.1f}" + (f"/{p.bytes_total / 1e6:.1f} MB" if p.bytes_total else " MB")
        labels = {"cached": "cached", "missing": "no tile (ocean/void)", "tile-done": "done"}
        detail = labels.get(p.status, size)
        self.stream.write(f"\r[{bar}] {p.index}/{p.count} {p.tile[22:37]} {detail:<22}")
        self.stream.flush()


def _tiles_url(args: argparse.Namespace) -> str:
    """``--base-url``, else ``$BORDERMAP_DEM_TILES_URL``, else Copernicus' public bucket."""
    from geo import dem_fetch

    return str(args.base_url or read_settings().dem_tiles_url or dem_fetch.DEFAULT_BASE_URL)


def _run_fetch(args: argparse.Namespace) -> int:
    from geo import dem_fetch

    bbox = parse_bbox(args.bbox, "--bbox").as_tuple()
    out = Path(args.out) if args.out else read_settings().default_dem
    cache = Path(args.cache) if args.cache else dem_fetch.default_cache_dir()
    progress = None if args.quiet else ProgressBar(sys.stderr)
    res = dem_fetch.fetch_dem(bbox, out, cache, base_url=_tiles_url(args),
                              progress=progress,
                              retries=args.retries, timeout=args.timeout)
    doc = {"out": str(res.path), "bbox": list(res.bbox), "rows": res.shape[0], "cols": res.shape[1],
           "downloaded": list(res.downloaded), "cached": list(res.cached), "missing": list(res.missing),
           "cache": str(cache), "attribution": dem_fetch.ATTRIBUTION}
    human = (f"wrote {res.path} ({res.shape[1]}×{res.shape[0]} cells): "
             f"{len(res.downloaded)} tiles downloaded, {len(res.cached)} from the cache, "
             f"{len(res.missing)} missing (ocean/void)\n"
             f"{dem_fetch.ATTRIBUTION}")
    emit(doc, args.json, human)
    return 0


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number ≥ 0, got {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``terrain`` command group."""
    terrain = subparsers.add_parser("terrain", help="terrain from a DEM: profile, slope, hillshade, fetch")
    sub = terrain.add_subparsers(dest="terrain_command", required=True)

    def dem_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dem", help=f"DEM GeoTIFF/COG path or URL, or 'none' (default: ${DEM_ENV}, "
                                     f"then {read_settings().default_dem}, then the shipped coarse DEM)")
        p.add_argument("--json", action="store_true", help="print one JSON document")

    prof = sub.add_parser("profile", help="elevation along the border, west to east")
    dem_option(prof)
    prof.add_argument("--step-km", type=_positive, default=1.0, help="sample spacing along the line (km)")
    prof.add_argument("--corridor-km", type=_positive, default=3.0,
                      help="half-width of the cross-border corridor for min/max (km)")
    prof.set_defaults(func=_run_profile)

    for product, text in (("slope", "slope in degrees (Horn)"), ("hillshade", "shaded relief (uint8)"),
                          ("aspect", "aspect in degrees from north"), ("tri", "ruggedness index (m)")):
        p = sub.add_parser(product, help=f"write {text} of the region as a GeoTIFF")
        dem_option(p)
        p.add_argument("--out", required=True, help="output GeoTIFF path")
        p.add_argument("--compress", choices=("deflate", "lzw", "none"), default="deflate")
        p.add_argument("--whole-file", action="store_true", help="process the whole DEM, not only the region")
        if product == "hillshade":
            p.add_argument("--azimuth", type=float, default=315.0, help="light from (degrees from north)")
            p.add_argument("--altitude", type=float, default=45.0, help="sun elevation (degrees)")
            p.add_argument("--z-factor", type=float, default=1.0, help="vertical exaggeration")
        p.set_defaults(func=_run_raster, product=product)

    w, s, e, n = REGION_BOUNDS
    fetch = sub.add_parser("fetch", help="build a DEM from Copernicus GLO-90 tiles (needs internet)")
    fetch.add_argument("--bbox", default=f"{w},{s},{e},{n}", help="W,S,E,N in degrees (default: the region)")
    fetch.add_argument("--out", help=f"output COG (default {read_settings().default_dem})")
    fetch.add_argument("--cache", help="tile cache directory (default $XDG_CACHE_HOME/border-map/copernicus-glo90, "
                                       "XDG_CACHE_HOME defaulting to ~/.cache)")
    fetch.add_argument("--base-url", help="tile server, e.g. a mirror (default: $BORDERMAP_DEM_TILES_URL, "
                       "else Copernicus' public bucket)")
    fetch.add_argument("--retries", type=int, default=2, help="retries of a cut-off download")
    fetch.add_argument("--timeout", type=float, default=60.0, help="network timeout (s)")
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.add_argument("--json", action="store_true", help="print one JSON document")
    fetch.set_defaults(func=_run_fetch)
