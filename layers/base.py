"""Building blocks shared by every overlay: the layer bundle, legend entries, popups.

Every string of data that reaches HTML here passes through
:func:`geo.sanitize.escape_html`; popup and tooltip HTML are built only from fixed
templates around escaped values, never by concatenating raw text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import pandas as pd

from geo.sanitize import escape_html
from layers.shapes import Shape

#: Dash pattern that marks an approximate location on the map.
APPROXIMATE_DASH = "6 6"


@dataclass(frozen=True)
class LegendEntry:
    """One line of the map legend: a symbol (``shape``: circle, hollow, square, line, dashed, fill,
    or ramp — a colour ramp through the ``ramp`` colours, low to high) and its label."""

    label: str
    color: str
    shape: str = "circle"
    ramp: tuple[str, ...] = ()


#: Shown once in the legend whenever any approximate feature is on the map.
APPROXIMATE_LEGEND = LegendEntry("Approximate location (dashed circle: ± precision)", "#777777", "hollow")

#: Uncertainty circles larger than this (km) are not drawn: the popup states the precision.
MAX_DRAWN_PRECISION_KM = 100.0


@dataclass
class LayerBundle:
    """What a layer module returns: feature groups to add and their legend entries; for the print
    map, the same features as plain :class:`layers.shapes.Shape` values, and a ``source`` phrase
    naming where the layer comes from (for the sources line of snapshots)."""

    groups: list[folium.FeatureGroup]
    legend: list[LegendEntry] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    source: str = ""


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT (scalars only)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def format_value(value: Any) -> str:
    """Human text of a property value (floats to 3 significant decimals, None → '—')."""
    if is_missing(value):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def popup_html(title: Any, rows: Iterable[tuple[str, Any]], link: Any = None) -> str:
    """A popup's HTML: an escaped title and a two-column table of escaped rows.

    ``link`` (a URL) is shown as text followed by a link only if it is http(s).
    """
    parts = [f"<div class='bm-popup'><b>{escape_html(title)}</b><table>"]
    for label, value in rows:
        parts.append(
            f"<tr><th style='text-align:left;padding-right:6px;vertical-align:top'>{escape_html(label)}</th>"
            f"<td>{escape_html(format_value(value))}</td></tr>"
        )
    parts.append("</table>")
    url = "" if is_missing(link) else str(link)
    if url.startswith(("https://", "http://")):
        safe = escape_html(url)
        parts.append(f"<a href='{safe}' target='_blank' rel='noopener noreferrer'>{safe}</a>")
    parts.append("</div>")
    return "".join(parts)


def tooltip_text(*values: Any) -> str:
    """Escaped tooltip text joined with ' · '."""
    return " · ".join(escape_html(format_value(v)) for v in values if not is_missing(v) and v != "")


def precision_rows(props: dict[str, Any]) -> list[tuple[str, Any]]:
    """The provenance rows every popup ends with."""
    precision = props.get("precision_km")
    label = props.get("precision_label")
    precision_text = f"± {format_value(precision)} km" if not is_missing(precision) else None
    if not is_missing(label) and label:
        precision_text = f"{precision_text} ({label})"
    return [
        ("Location precision", precision_text),
        ("Location note", props.get("location_note")),
        ("Confidence", props.get("confidence")),
        ("Source", props.get("source")),
        ("Source date", props.get("source_date")),
    ]


def is_approximate(props: dict[str, Any], threshold_km: float = 2.0) -> bool:
    """True if a feature's location is approximate (flagged so, or precision ≥ threshold km).

    Blank values (None, NaN, ``pd.NA``) count as not flagged and no stated precision.
    """
    if isinstance(props.get("confidence"), str) and props["confidence"] == "approximate":
        return True
    try:
        precision = float(props.get("precision_km"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return precision >= threshold_km  # NaN compares False


def legend_for(entries: Sequence[LegendEntry]) -> list[LegendEntry]:
    """De-duplicated legend entries in first-seen order."""
    seen: dict[LegendEntry, LegendEntry] = {}
    for e in entries:
        seen.setdefault(e, e)
    return list(seen.values())
