"""Patrol assets as the rows of an editable table, and back.

The page's asset editor holds a list of row dicts (``COLUMNS`` plus the hidden ``id`` and
``source``); these functions turn assets into rows and rows into validated assets, with one
message per row that cannot be used. Positions are degrees, EPSG:4326; ranges in km.
"""

from __future__ import annotations

import math
from typing import Any

from geo.assets import PARAM_DEFAULTS, Asset
from geo.errors import BorderMapError, InvalidInputError

#: Columns of the asset table, in display order.
COLUMNS: list[str] = ["name", "kind", "lat", "lon", "radius_km", "travel_hours", "observer_height_m", "range_km"]
#: Columns a row carries but the table does not show.
HIDDEN_COLUMNS: list[str] = ["id", "source"]
#: Columns holding numbers.
NUMERIC_COLUMNS: list[str] = ["lat", "lon", *PARAM_DEFAULTS]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) \
        or (isinstance(value, str) and not value.strip())


def asset_to_row(asset: Asset) -> dict[str, Any]:
    """One table row (``COLUMNS`` + hidden ``id``, ``source``) of an asset."""
    return {c: getattr(asset, c) for c in [*COLUMNS, *HIDDEN_COLUMNS]}


def row_to_asset(row: dict[str, Any], n: int, taken: set[str]) -> Asset:
    """The asset of table row number ``n`` (1-based); ``taken``: ids already used (a fresh id
    ``a<n>`` replaces a missing or repeated one). Raises :class:`geo.errors.BorderMapError`."""
    for coord in ("lat", "lon"):
        if _blank(row.get(coord)):
            raise InvalidInputError(f"field {coord!r} is empty; type the {coord} in decimal degrees")
    asset_id = row.get("id")
    if _blank(asset_id) or not isinstance(asset_id, str) or asset_id in taken:
        asset_id = f"a{n}"
        while asset_id in taken:
            asset_id += "x"
    source = row.get("source")
    kwargs: dict[str, Any] = {
        "id": asset_id, "name": "" if _blank(row.get("name")) else row.get("name"),
        "kind": "border_post" if _blank(row.get("kind")) else row.get("kind"),
        "lat": row["lat"], "lon": row["lon"],
        "source": source if isinstance(source, str) and source.strip() else "analyst",
    }
    for name, default in PARAM_DEFAULTS.items():
        kwargs[name] = default if _blank(row.get(name)) else row.get(name)
    return Asset(**kwargs)


def rows_to_assets(rows: list[dict[str, Any]]) -> tuple[list[Asset], list[str]]:
    """Valid assets and one error message per invalid row ("Row n ('name'): …").

    Blank rows are skipped; missing parameters take :data:`geo.assets.PARAM_DEFAULTS`,
    a missing kind is a border post; ids missing or repeated get a fresh one (``a<n>``).
    Invalid rows are not applied.

    >>> assets, errors = rows_to_assets([{"name": "Post", "lat": 37.2, "lon": 68.6}, {"lat": 95, "lon": 68}])
    >>> [a.id for a in assets], errors[0].startswith("Row 2: ")
    (['a1'], True)
    """
    assets: list[Asset] = []
    errors: list[str] = []
    taken: set[str] = set()
    for n, row in enumerate(rows, start=1):
        if all(_blank(row.get(c)) for c in COLUMNS):
            continue
        name = row.get("name")
        label = f"Row {n}" + (f" ({name.strip()[:40]!r})" if isinstance(name, str) and name.strip() else "")
        try:
            asset = row_to_asset(row, n, taken)
        except BorderMapError as exc:
            errors.append(f"{label}: {exc}. This row is not applied.")
            continue
        taken.add(asset.id)
        assets.append(asset)
    return assets, errors
