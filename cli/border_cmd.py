"""``python -m geo border info``: the border's measured length and ends."""

from __future__ import annotations

import argparse
from typing import Any

from cli.output import emit
from geo import datasets


def border_info() -> dict[str, Any]:
    """The figures ``border info`` prints (also shown on the page)."""
    from geo.border import OFFICIAL_BREAKDOWN_KM, OFFICIAL_LENGTH_KM, hausdorff_km, load_border

    border = load_border()
    ref = datasets.load_features(datasets.REFERENCE_BORDER_FILE)
    ref_line, ref_props = ref.geometries[0], ref.properties[0]
    return {
        "length_km": round(border.length_km, 2),
        "west_end": [round(v, 6) for v in border.west_end],
        "east_end": [round(v, 6) for v in border.east_end],
        "source": border.source,
        "vertices": len(border.line.coords),
        "official_length_km": OFFICIAL_LENGTH_KM,
        "official_breakdown_km": OFFICIAL_BREAKDOWN_KM,
        "reference": {
            "source": str(ref_props["source"]),
            "length_km": round(float(ref_props["length_km"]), 2),
            "hausdorff_km": round(hausdorff_km(border.line, ref_line), 2),  # type: ignore[arg-type]
        },
    }


def _run_info(args: argparse.Namespace) -> int:
    info = border_info()
    human = (
        f"Tajikistan–Afghanistan border: {info['length_km']:,.1f} km (geodesic, {info['source']})\n"
        f"  west end (Uzbekistan tripoint): lat {info['west_end'][1]:.4f}, lon {info['west_end'][0]:.4f}\n"
        f"  east end (China tripoint):      lat {info['east_end'][1]:.4f}, lon {info['east_end'][0]:.4f}\n"
        f"  official length: {info['official_length_km']:,.2f} km"
    )
    emit(info, args.json, human)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``border`` command group."""
    border = subparsers.add_parser("border", help="the border line and its figures")
    sub = border.add_subparsers(dest="border_command", required=True)
    info = sub.add_parser("info", help="geodesic length, ends and source of the border line")
    info.add_argument("--json", action="store_true", help="print one JSON document")
    info.set_defaults(func=_run_info)
