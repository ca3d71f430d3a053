"""``python -m geo snapshot``: the page's map as a standalone HTML file, a PNG, or a print map.

``--out PATH.html`` writes the interactive map (opens offline except tiles);
``--out PATH.png`` renders it in headless Chromium (``--renderer browser``, the default)
or draws the static print map with matplotlib (``--renderer static``, no browser needed);
``--out PATH.pdf`` is always the static print map.

Incidents come from the store when ``--db``/``BORDERMAP_DB`` names one, otherwise from the
shipped seed incidents. The map layers live in ``layers/`` (folium, matplotlib); they are
imported only when this command runs, so the rest of ``geo`` stays free of them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.output import emit
from geo.errors import DataFileError, InvalidInputError, check_writable_folder, shown

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

FORMATS = {".html": "html", ".png": "png", ".pdf": "pdf"}
RENDERERS = ("browser", "static")


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"W,S,E,N"`` (degrees) → a validated tuple (W < E, S < N, overlapping the region)."""
    from geo.bbox import parse_bbox as parse
    from geo.bbox import require_in_region

    return require_in_region(parse(text, "--bbox"), "--bbox").as_tuple()


def check_out_path(text: str) -> tuple[Path, str]:
    """The output file and its format (html, png, pdf), refusing unsafe or impossible names.

    Raises
    ------
    InvalidInputError
        Control characters in the name, an unknown extension, a missing parent folder, or a
        path that is a folder.
    """
    if not text or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise InvalidInputError(f"--out {text!r} contains control characters; choose a plain file name")
    path = Path(text).expanduser()
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInputError(f"--out {text!r} must end in .html, .png or .pdf")
    parent = path.resolve().parent
    if not parent.is_dir():
        raise InvalidInputError(f"--out {text!r}: the folder {parent.name or parent!s} does not exist; create it first")
    if path.is_dir():
        raise InvalidInputError(f"--out {text!r} is a folder; give a file name")
    check_writable_folder(parent, f"--out {shown(text)}")  # read-only or full: say so before rendering
    return path, fmt


def parse_layers(text: str | None) -> tuple[str, ...]:
    """Comma list of overlay keys (``all`` for every one) → a tuple in drawing order."""
    from layers.scene import DEFAULT_OVERLAYS, OVERLAYS

    if not text:
        return DEFAULT_OVERLAYS
    keys = [k.strip() for k in text.split(",") if k.strip()]
    if keys == ["all"]:
        return tuple(OVERLAYS)
    unknown = [k for k in keys if k not in OVERLAYS]
    if unknown:
        raise InvalidInputError(f"--layers: unknown layer(s) {', '.join(unknown)}; choose from "
                                f"{', '.join(OVERLAYS)} or 'all'")
    return tuple(k for k in OVERLAYS if k in keys)


def parse_basemap(text: str | None) -> str:
    """A basemap name, case-insensitive (``offline`` for the one drawn from our data)."""
    from layers.basemaps import BASEMAP_NAMES, OFFLINE

    if not text or text.strip().lower() == "offline":
        return OFFLINE
    for name in BASEMAP_NAMES:
        if name.lower() == text.strip().lower():
            return name
    raise InvalidInputError(f"--basemap {text!r} is not known; choose from offline, "
                            f"{', '.join(n for n in BASEMAP_NAMES if n != OFFLINE)}")


def load_incidents(db: str | None) -> tuple[gpd.GeoDataFrame, str]:
    """The live incidents of the store (``--db``, ``BORDERMAP_DB``, then the default path) and
    where they came from. A store not created yet holds the seed incidents."""
    from geo.crs import to_storage
    from geo.store import is_postgres_url, open_store, store_target

    target = store_target(db)
    if is_postgres_url(target):
        return to_storage(open_store(target).list(), "incidents"), "PostGIS store"
    path = Path(target)
    if db and not path.is_file():
        raise DataFileError(f"--db {db!r} does not exist; give an incident store (GeoPackage) path")
    return to_storage(open_store(path).list(), "incidents"), f"store {path.name}"


def _load_dem(value: str | None) -> Any:
    """The DEM for the static map's hillshade, or None when none is configured."""
    from geo import dem_io
    from geo.errors import TerrainUnavailableError

    try:
        return dem_io.read_dem(dem_io.resolve_dem_source(value))
    except TerrainUnavailableError:
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` next to ``path`` then rename, so a failed render leaves no half file."""
    tmp = path.resolve().with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with tmp.open("xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def run_snapshot(args: argparse.Namespace) -> int:
    """Write the snapshot asked for by ``args``; return the exit status."""
    import dataclasses

    from geo.scene_data import load_scene_data
    from layers.scene import SceneOptions
    from layers.snapshot import clamp_size

    out, fmt = check_out_path(args.out)
    renderer = args.renderer or ("static" if fmt == "pdf" else "browser")
    if fmt == "pdf" and renderer != "static":
        raise InvalidInputError("--out .pdf is drawn by the static renderer; drop --renderer browser")
    if args.clean and (fmt != "png" or renderer != "browser"):
        raise InvalidInputError("--clean is for the browser PNG (.png, --renderer browser); the print map has no controls")
    if fmt == "html" and args.renderer == "static":
        raise InvalidInputError("--renderer static writes .png or .pdf; an .html snapshot is the interactive map")
    bbox = parse_bbox(args.bbox) if args.bbox else None
    options = SceneOptions(basemap=parse_basemap(args.basemap), overlays=parse_layers(args.layers),
                           show_precision=not args.no_precision)
    warnings: list[str] = []
    width, height = args.width, args.height
    if fmt != "html":
        default = (1200, 800) if renderer == "browser" else (1800, 1200)
        width, height, capped = clamp_size(width or default[0], height or default[1])
        warnings += capped
        for w in capped:
            print(f"warning: {w}", file=sys.stderr)
    incidents, incidents_from = load_incidents(args.db)
    data = dataclasses.replace(load_scene_data(), incidents=incidents)
    if fmt == "html":
        from layers.snapshot import snapshot_html

        payload = snapshot_html(data, options, bbox=bbox).encode("utf-8")
    elif renderer == "browser":
        from layers.snapshot import snapshot_png

        payload = snapshot_png(data, options, bbox=bbox, width=width, height=height,
                               browser_path=args.browser, timeout_s=args.timeout,
                               allow_network=not args.no_network, clean=args.clean)
    else:
        from layers.static_map import DEFAULT_TITLE, static_bytes, static_map

        fig = static_map(data, options, bbox=bbox, dem=_load_dem(args.dem), title=args.title or DEFAULT_TITLE,
                         size_px=(width, height), dpi=args.dpi)
        payload = static_bytes(fig, fmt)
    _write_atomic(out, payload)
    result = {"out": str(out), "format": fmt, "renderer": None if fmt == "html" else renderer,
              "width": None if fmt == "html" else width, "height": None if fmt == "html" else height,
              "bytes": len(payload), "layers": list(options.overlays), "basemap": options.basemap,
              "incidents": len(incidents), "incidents_from": incidents_from, "warnings": warnings}
    human = f"wrote {out} ({fmt}, {len(payload):,} bytes" + (
        f", {width}×{height} px, {renderer} renderer)" if fmt != "html" else ")")
    emit(result, args.json, human)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``snapshot`` command."""
    p = subparsers.add_parser("snapshot", help="the map as standalone HTML, a PNG, or a print map (PNG/PDF)")
    p.add_argument("--out", required=True, help="output file: .html (interactive), .png or .pdf")
    p.add_argument("--renderer", choices=RENDERERS, default=None,
                   help="png: 'browser' (headless Chromium, as the page shows it; default) or 'static' "
                        "(matplotlib print map, no browser); pdf is always static")
    p.add_argument("--db", help="incident store (GeoPackage); default $BORDERMAP_DB, else the seed incidents")
    p.add_argument("--width", type=int, default=None, help="image width in px (200–4000)")
    p.add_argument("--height", type=int, default=None, help="image height in px (200–4000)")
    p.add_argument("--bbox", help="W,S,E,N in degrees (EPSG:4326) to frame; must overlap the region")
    p.add_argument("--layers", help="comma list of overlays (countries,afghan_provinces,border,town,crossing,"
                                    "garrison,garrison_history,chinese_site,incidents,reference_border) or 'all'")
    p.add_argument("--basemap", help="offline (default), OpenStreetMap, OpenTopoMap or 'Esri World Imagery'")
    p.add_argument("--no-precision", action="store_true", help="do not draw location-uncertainty circles")
    p.add_argument("--title", help="title of the static map")
    p.add_argument("--dem", help="DEM for the static map's hillshade (default $BORDERMAP_DEM, then the app's)")
    p.add_argument("--dpi", type=int, default=150, help="static map resolution (50–600)")
    p.add_argument("--browser", help="Chromium/Chrome executable (default: $BORDERMAP_CHROMIUM, PATH, Playwright)")
    p.add_argument("--timeout", type=float, default=20.0, help="longest wait for the browser render, seconds")
    p.add_argument("--clean", action="store_true",
                   help="browser renderer: leave out the zoom, full-screen and other map controls")
    p.add_argument("--no-network", action="store_true",
                   help="browser renderer: fetch nothing from the network (offline basemap replaces tiles)")
    p.add_argument("--json", action="store_true", help="print one JSON document describing the file written")
    p.set_defaults(func=run_snapshot)
