"""Which incidents to show: a frozen filter value and the pure function that applies it.

The side of the border (``TJK``, ``AFG``, ``other``), the distance to it and the nearest
chainage are not stored with an incident; :func:`locate_incidents` computes them once
per record and can reuse an earlier result, so adding one incident to 10,000 locates
one point, not 10,001.

Example
-------
>>> import geopandas as gpd
>>> gdf = gpd.GeoDataFrame({"event_date": ["2025-01-02", "2025-03-04"],
...                         "event_type": ["Battles", "Protests"]},
...                        geometry=gpd.points_from_xy([68.6, 69.0], [37.2, 37.3]), crs=4326)
>>> len(filter_incidents(gdf, IncidentFilter(event_types=("Battles",))))
1
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, fields

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.border import Border, locate_points
from geo.datasets import CONFIDENCE_VALUES
from geo.errors import InvalidInputError
from geo.incidents import EVENT_TYPE_VALUES, RECORD_KINDS, VERIFICATION_VALUES
from geo.precision import precision_ranges, records_radius_km

logger = logging.getLogger(__name__)

#: Sides of the border a point can be on.
SIDES: tuple[str, ...] = ("TJK", "AFG", "other")
#: The filter value that selects records whose confidence is not stated.
UNSTATED = "(not stated)"
#: Columns :func:`locate_incidents` adds: side, geodesic km to the border, nearest chainage km
#: (the point's values), then the same over the record's precision circle (:mod:`geo.precision`):
#: its radius (km), the side the whole circle lies on (or "uncertain"), and km ranges.
LOCATION_COLUMNS: tuple[str, ...] = ("side", "border_km", "chainage_km", "location_radius_km",
                                     "side_within_precision", "border_km_min", "border_km_max",
                                     "chainage_km_min", "chainage_km_max")
#: Text fields searched by :attr:`IncidentFilter.actor`.
ACTOR_FIELDS: tuple[str, ...] = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
_MAX_ACTOR_TEXT = 200


def _as_tuple(value: object, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise InvalidInputError(f"{name} must be a sequence of strings, got {value!r}")
    items = tuple(str(v) for v in value)  # type: ignore[attr-defined]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise InvalidInputError(f"{name}: unknown value {unknown[0]!r}; choose from {', '.join(allowed)}")
    return items


@dataclass(frozen=True)
class IncidentFilter:
    """What to show. Empty tuples and ``None`` dates mean "no restriction".

    Parameters
    ----------
    date_from, date_to : datetime.date or None
        Inclusive range of ``event_date``.
    event_types : tuple of str
        ACLED event types or the unclassified value (:data:`geo.incidents.EVENT_TYPE_VALUES`).
    actor : str
        Case-insensitive text searched in the actor fields (:data:`ACTOR_FIELDS`).
    confidence : tuple of str
        Values of :data:`geo.datasets.CONFIDENCE_VALUES`, or :data:`UNSTATED`.
    verification : tuple of str
        Values of :data:`geo.incidents.VERIFICATION_VALUES`.
    sides : tuple of str
        Values of :data:`SIDES` (needs the ``side`` column of :func:`locate_incidents`).
    record_kinds : tuple of str
        ``"incident"`` and/or ``"development"``.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] = ()
    actor: str = ""
    confidence: tuple[str, ...] = ()
    verification: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    record_kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
                raise InvalidInputError(f"{name} must be a datetime.date or None, got {value!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidInputError(f"date_from {self.date_from} is after date_to {self.date_to}; "
                                    "swap them")
        allowed = {"event_types": EVENT_TYPE_VALUES, "confidence": (*CONFIDENCE_VALUES, UNSTATED),
                   "verification": VERIFICATION_VALUES, "sides": SIDES, "record_kinds": RECORD_KINDS}
        for name, values in allowed.items():
            object.__setattr__(self, name, _as_tuple(getattr(self, name), name, values))
        if not isinstance(self.actor, str):
            raise InvalidInputError(f"actor must be text, got {self.actor!r}")
        actor = " ".join(self.actor.split())
        if len(actor) > _MAX_ACTOR_TEXT:
            raise InvalidInputError(f"actor text is {len(actor)} characters; at most {_MAX_ACTOR_TEXT}")
        object.__setattr__(self, "actor", actor)

    @property
    def is_active(self) -> bool:
        """True if the filter restricts anything."""
        return any(getattr(self, f.name) for f in fields(self))


def locate_incidents(incidents: gpd.GeoDataFrame, border: Border) -> pd.DataFrame:
    """Side of the border, distance to it (km, geodesic) and nearest chainage (km) per record,
    as point values and as ranges over each record's precision circle (:mod:`geo.precision`).

    Parameters
    ----------
    incidents : GeoDataFrame
        Records with ``id``, ``longitude`` and ``latitude`` (degrees, EPSG:4326).
    border : Border
        From :func:`geo.border.load_border`.

    Returns
    -------
    DataFrame
        Columns ``id``, ``longitude``, ``latitude`` and :data:`LOCATION_COLUMNS`, one
        row per record in the order of ``incidents`` (a new frame; inputs untouched).
    """
    text_cols = ("side", "side_within_precision")
    if len(incidents) == 0:
        dtypes = {"id": object, "longitude": float, "latitude": float,
                  **{c: object if c in text_cols else float for c in LOCATION_COLUMNS}}
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in dtypes.items()})
    out = pd.DataFrame({"id": incidents["id"].astype(object).to_numpy(),
                        "longitude": incidents["longitude"].to_numpy(dtype=float),
                        "latitude": incidents["latitude"].to_numpy(dtype=float)})
    values: dict[str, np.ndarray] = {c: np.full(len(out), np.nan) for c in LOCATION_COLUMNS
                                     if c not in text_cols}
    side = np.full(len(out), "other", dtype=object)
    side_within = np.full(len(out), "other", dtype=object)
    radius = records_radius_km(incidents)
    values["location_radius_km"] = radius
    work = np.isfinite(out["longitude"].to_numpy()) & np.isfinite(out["latitude"].to_numpy())
    if work.any():
        lon, lat = out["longitude"].to_numpy()[work], out["latitude"].to_numpy()[work]
        loc = locate_points(border, lon, lat)
        side[work] = loc["side"].to_numpy()
        values["border_km"][work] = loc["distance_km"].to_numpy()
        values["chainage_km"][work] = loc["chainage_km"].to_numpy()
        ranges = precision_ranges(border, lon, lat, radius[work], side[work], values["border_km"][work],
                                  values["chainage_km"][work])
        side_within[work] = ranges["side_within_precision"].to_numpy()
        for col in ("border_km_min", "border_km_max", "chainage_km_min", "chainage_km_max"):
            values[col][work] = ranges[col].to_numpy()
    logger.debug("located %d of %d incidents (the others have no finite point)", int(work.sum()), len(out))
    for col in LOCATION_COLUMNS:
        out[col] = side if col == "side" else side_within if col == "side_within_precision" else values[col]
    return out


def with_locations(incidents: gpd.GeoDataFrame, locations: pd.DataFrame) -> gpd.GeoDataFrame:
    """A copy of ``incidents`` with the :data:`LOCATION_COLUMNS` of ``locations`` (same order)."""
    if len(locations) != len(incidents):
        raise InvalidInputError(f"locations has {len(locations)} rows for {len(incidents)} incidents; "
                                "compute them with locate_incidents on the same frame")
    out = incidents.copy()
    for col in LOCATION_COLUMNS:
        out[col] = locations[col].to_numpy()
    return out


def filter_incidents(incidents: gpd.GeoDataFrame, flt: IncidentFilter) -> gpd.GeoDataFrame:
    """The records of ``incidents`` that pass ``flt`` (a new frame, original order).

    ``event_date`` is compared as ISO text (``YYYY-MM-DD``), both ends inclusive.
    Filtering on sides needs the ``side`` column (see :func:`with_locations`).
    """
    if not flt.is_active or len(incidents) == 0:
        return incidents.copy()
    keep = np.ones(len(incidents), dtype=bool)
    if flt.date_from or flt.date_to:
        dates = incidents["event_date"].astype(str).to_numpy()
        if flt.date_from:
            keep &= dates >= flt.date_from.isoformat()
        if flt.date_to:
            keep &= dates <= flt.date_to.isoformat()
    if flt.event_types:
        keep &= incidents["event_type"].isin(flt.event_types).to_numpy()
    if flt.actor:
        needle = flt.actor.casefold()
        hit = np.zeros(len(incidents), dtype=bool)
        for col in ACTOR_FIELDS:
            if col in incidents:
                text = incidents[col].fillna("").astype(str).str.casefold()
                hit = hit | text.str.contains(needle, regex=False).to_numpy()
        keep &= hit
    if flt.confidence:
        conf = incidents["confidence"] if "confidence" in incidents else pd.Series(None, index=incidents.index)
        ok = conf.isin([c for c in flt.confidence if c != UNSTATED]).to_numpy()
        if UNSTATED in flt.confidence:
            ok = ok | conf.isna().to_numpy()
        keep &= ok
    if flt.verification:
        keep &= incidents["verification"].fillna("unverified").isin(flt.verification).to_numpy()
    if flt.sides:
        if "side" not in incidents:
            raise InvalidInputError("filtering by side needs the 'side' column; add it with "
                                    "with_locations(incidents, locate_incidents(incidents, border))")
        keep &= incidents["side"].isin(flt.sides).to_numpy()
    if flt.record_kinds:
        keep &= incidents["record_kind"].fillna("incident").isin(flt.record_kinds).to_numpy()
    return incidents.loc[keep].copy()


def date_bounds(incidents: gpd.GeoDataFrame) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest ``event_date`` (``None`` if there is none)."""
    if len(incidents) == 0 or "event_date" not in incidents:
        return None
    dates = incidents["event_date"].dropna().astype(str)
    if dates.empty:
        return None
    return dt.date.fromisoformat(dates.min()[:10]), dt.date.fromisoformat(dates.max()[:10])


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The playback steps: the last day of each month from ``start``'s to ``end``'s, ``end`` last.

    >>> month_ends(dt.date(2025, 1, 15), dt.date(2025, 3, 2))
    [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 2)]
    """
    if start > end:
        raise InvalidInputError(f"start {start} is after end {end}")
    steps: list[dt.date] = []
    year, month = start.year, start.month
    while (year, month) < (end.year, end.month):
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        steps.append(nxt - dt.timedelta(days=1))
        year, month = nxt.year, nxt.month
    steps.append(end)
    return steps


def record_months(incidents: gpd.GeoDataFrame) -> list[dt.date]:
    """Playback steps with something to show: the last day of each month holding a record's
    ``event_date``, oldest first (records without a readable date are left out).

    >>> import geopandas as gpd
    >>> record_months(gpd.GeoDataFrame({"event_date": ["2025-03-02", "2024-11-18", "2025-03-20"]}))
    [datetime.date(2024, 11, 30), datetime.date(2025, 3, 31)]
    """
    if len(incidents) == 0 or "event_date" not in incidents:
        return []
    months = pd.to_datetime(incidents["event_date"].astype(str).str.slice(0, 10), format="%Y-%m-%d",
                            errors="coerce").dropna().dt.to_period("M").unique()
    return sorted(p.end_time.date() for p in months)
