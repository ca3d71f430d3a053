"""``python -m geo coords parse|check TEXT``: read a coordinate text and locate it against the border."""

from __future__ import annotations

import argparse
import dataclasses
import math

from cli.output import emit
from geo.coords import check_point, parse_coordinates
from geo.errors import InvalidInputError

#: Warnings that restate the summary line of the human output.
_RESTATED = ("on the ", "within its ±")


def _run_parse(args: argparse.Namespace) -> int:
    lat, lon = parse_coordinates(args.text)
    emit({"lat": lat, "lon": lon}, args.json, f"lat {lat:.6f}, lon {lon:.6f}")
    return 0


def _run_check(args: argparse.Namespace) -> int:
    from geo.border import load_border

    lat, lon = parse_coordinates(args.text)
    check = check_point(lat, lon, load_border(), _precision_km(args.precision_km),
                        _geo_precision(args.geo_precision))
    payload = dataclasses.asdict(check)
    human = "\n".join([f"lat {lat:.6f}, lon {lon:.6f}"
                       + (f" ±{check.precision_km:g} km" if check.precision_km else "") + f": {check.summary}",
                       *(f"  - {w}" for w in check.warnings if not w.startswith(_RESTATED))])
    emit(payload, args.json, human)
    return 0


def _precision_km(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInputError(f"--precision-km must be a number of km, got {text!r}") from None
    if not (math.isfinite(value) and 0 <= value <= 1000):
        raise InvalidInputError(f"--precision-km must be between 0 and 1000 km, got {text!r}")
    return value


def _geo_precision(text: str | None) -> int | None:
    if text is None:
        return None
    if text.strip() not in ("1", "2", "3"):
        raise InvalidInputError(f"--geo-precision must be 1, 2 or 3 (ACLED's code), got {text!r}")
    return int(text)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``coords`` command group."""
    coords = subparsers.add_parser("coords", help="parse and check coordinates")
    sub = coords.add_subparsers(dest="coords_command", required=True)
    text_help = ("coordinates: decimal degrees, DMS, degrees-decimal-minutes or MGRS; quote it, and put "
                 "'--' before a text starting with '-'")
    parse = sub.add_parser("parse", help="turn coordinate text into lat, lon (degrees, EPSG:4326)")
    parse.add_argument("text", help=text_help)
    parse.add_argument("--json", action="store_true", help="print one JSON document")
    parse.set_defaults(func=_run_parse)
    check = sub.add_parser("check", help="side of the border, distance to it, and likely mistakes")
    check.add_argument("text", help=text_help)
    check.add_argument("--precision-km", dest="precision_km",
                       help="the point's location precision (radius, km): side, distance and chainage are "
                            "then given as ranges over that circle")
    check.add_argument("--geo-precision", dest="geo_precision",
                       help="ACLED geo_precision code (1 town, 2 district, 3 province), used when no "
                            "--precision-km is given (1 km, 25 km, 100 km)")
    check.add_argument("--json", action="store_true", help="print one JSON document")
    check.set_defaults(func=_run_check)
