"""Where a snapshot's layers come from: the sources line and the date of the data.

Shared by the print map (:mod:`layers.static_map`) and the HTML snapshot
(:mod:`layers.snapshot`), so both credit the same sources. Plain text: each renderer escapes
it for its own medium (matplotlib mathtext, HTML).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from geo.scene_data import SceneData
from layers.base import LayerBundle
from layers.places import PLACE_STYLES
from layers.scene import SceneOptions


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def data_as_of(data: SceneData) -> str | None:
    """The latest source/event date (YYYY-MM-DD) among the places and incidents shown."""
    dates: list[str] = []
    for frame, cols in ((data.places, ("source_date",)), (data.incidents, ("event_date", "source_date"))):
        for col in cols:
            if col in frame:
                dates += [str(v)[:10] for v in frame[col].dropna() if len(str(v)) >= 10]
    valid = [d for d in dates if _is_iso_date(d)]
    return max(valid) if valid else None


def source_parts(data: SceneData, options: SceneOptions, relief: str | None = None,
                 extras: Sequence[LayerBundle] = ()) -> list[str]:
    """One phrase per layer drawn naming its source (and licence): the scene's overlays, then
    ``relief`` (e.g. "hillshade: GMTED2010…") and the ``source`` of each extra bundle."""
    meta = data.countries.attrs.get("metadata", {})
    parts = [f"Border and countries: {meta.get('source') or data.border.source}"
             + (f" ({meta['licence']})" if meta.get("licence") else "")]
    if "reference_border" in options.overlays and len(data.reference_border):
        parts.append(f"comparison line: {data.reference_border['source'].iloc[0]}")
    if "afghan_provinces" in options.overlays and len(data.admin_areas):
        parts.append("Afghan provinces: Natural Earth 1:10m admin-1 (public domain; data/ADMIN_AREAS.md)")
    kinds = [k for k in PLACE_STYLES if k in options.overlays]
    shown = data.places[data.places["kind"].isin(kinds)] if "kind" in data.places else data.places.iloc[0:0]
    if len(shown):
        parts.append(f"places: {len(shown)} features from {shown['source'].nunique()} public sources, "
                     "each with its date and precision (data/PLACES.md)")
    if "incidents" in options.overlays and len(data.incidents):
        n_src = data.incidents["source"].nunique() if "source" in data.incidents else 0
        parts.append(f"incidents: {len(data.incidents)} from {n_src} sources")
    if relief:
        parts.append(relief)
    parts += list(dict.fromkeys(b.source for b in extras if b.source))
    return parts
