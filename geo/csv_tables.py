"""Tables the analyst downloads as CSV: formula-safe cells, UTF-8, no index, no geometry.

Every builder returns bytes ready for a download button or a file; cells pass through
:func:`geo.sanitize.csv_safe`, so a spreadsheet never runs text as a formula.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from geo.sanitize import csv_safe

if TYPE_CHECKING:
    from geo.border import Border
    from geo.coverage import CoverageResult


def frame_csv(frame: pd.DataFrame) -> bytes:
    """Any table as formula-safe CSV (UTF-8, no index; a ``geometry`` column is dropped)."""
    table = pd.DataFrame(frame.drop(columns="geometry") if "geometry" in frame.columns else frame)
    return table.map(csv_safe).to_csv(index=False).encode("utf-8")


def border_segments_csv(border: Border, segment_km: float) -> bytes:
    """The border cut into ``segment_km`` segments (:func:`geo.border.segment_border`), no geometry."""
    from geo.border import segment_border

    return frame_csv(segment_border(border, segment_km))


def coverage_segments_csv(result: CoverageResult, names: Mapping[str, str]) -> bytes:
    """Coverage per segment, with the model, the number of assets and their names (``names``:
    asset id → name; unknown ids print as themselves)."""
    seg = pd.DataFrame(result.segments.drop(columns="geometry"))
    seg["n_assets"] = seg["asset_ids"].map(len)
    seg["assets"] = seg["asset_ids"].map(lambda ids: "; ".join(names.get(i, i) for i in ids))
    seg["asset_ids"] = seg["asset_ids"].map("; ".join)
    seg.insert(0, "model", result.params.model)
    return frame_csv(seg)
