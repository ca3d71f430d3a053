"""``python -m geo coords parse|check TEXT``: read a coordinate text and locate it against the border."""

from __future__ import annotations

import argparse
import dataclasses

from cli.output import emit
from geo.coords import check_point, parse_coordinates


def _run_parse(args: argparse.Namespace) -> int:
    lat, lon = parse_coordinates(args.text)
    emit({"lat": lat, "lon": lon}, args.json, f"lat {lat:.6f}, lon {lon:.6f}")
    return 0


def _run_check(args: argparse.Namespace) -> int:
    from geo.border import load_border

    lat, lon = parse_coordinates(args.text)
    check = check_point(lat, lon, load_border())
    payload = dataclasses.asdict(check)
    human = "\n".join([f"lat {lat:.6f}, lon {lon:.6f}: side {check.side}, "
                       f"{check.distance_to_border_km:.1f} km from the border (km {check.chainage_km:.0f})",
                       *(f"  - {w}" for w in check.warnings)])
    emit(payload, args.json, human)
    return 0


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
    check.add_argument("--json", action="store_true", help="print one JSON document")
    check.set_defaults(func=_run_check)
