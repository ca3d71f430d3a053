"""One bounding-box type, with one parser and one validator, for every ``--bbox`` and map frame.

A :class:`BBox` is (west, south, east, north) in degrees, EPSG:4326, validated when made:
finite numbers, longitudes within ±180°, latitudes within ±90°, west < east, south < north.
Errors are one sentence (:class:`geo.errors.InvalidInputError`) that say what is wrong; a box
outside the region that fits it when read as lat,lon pairs is answered with the box meant.

Example
-------
>>> parse_bbox("68,36.5,72,38.8")
BBox(west=68.0, south=36.5, east=72.0, north=38.8)
>>> w, s, e, n = REGION
>>> REGION.contains(68.6, 37.2)
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from geo.errors import InvalidInputError


def _fmt(values: Iterable[float]) -> str:
    return ",".join(f"{v:g}" for v in values)


@dataclass(frozen=True)
class BBox:
    """A (west, south, east, north) box in degrees, EPSG:4326; unpacks like a 4-tuple."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        values = (self.west, self.south, self.east, self.north)
        for name, v in zip(("west", "south", "east", "north"), values, strict=True):
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise InvalidInputError(f"bbox {name} must be a number of degrees, got {v!r}")
            object.__setattr__(self, name, float(v))
        problem = _problem(*(float(v) for v in values))
        if problem:
            raise InvalidInputError(f"bbox {_fmt(values)} (W,S,E,N): {problem}")

    @classmethod
    def from_values(cls, values: Iterable[object], name: str = "bbox") -> BBox:
        """A box from four numbers (or numeric texts) W, S, E, N; ``name`` labels errors."""
        try:
            items = [float(v) for v in values]  # type: ignore[arg-type]
        except (TypeError, ValueError):
            items = []
        if len(items) != 4:
            raise InvalidInputError(f"{name} must be four numbers W,S,E,N in degrees, got {values!r}")
        problem = _problem(*items)
        if problem:
            raise InvalidInputError(f"{name} {_fmt(items)} (W,S,E,N): {problem}")
        return cls(*items)

    def __iter__(self) -> Iterator[float]:
        return iter((self.west, self.south, self.east, self.north))

    def as_tuple(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)``."""
        return (self.west, self.south, self.east, self.north)

    def contains(self, lon: float, lat: float) -> bool:
        """True if (lon, lat) in degrees lies inside the box (edges included)."""
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def overlaps(self, other: BBox) -> bool:
        """True if the two boxes share an area (touching edges do not count)."""
        return (self.west < other.east and other.west < self.east
                and self.south < other.north and other.south < self.north)

    def clip(self, other: BBox) -> BBox | None:
        """The part of this box inside ``other``; None when they do not overlap."""
        if not self.overlaps(other):
            return None
        return BBox(max(self.west, other.west), max(self.south, other.south),
                    min(self.east, other.east), min(self.north, other.north))


def _problem(w: float, s: float, e: float, n: float) -> str:
    """What is wrong with W,S,E,N (empty when nothing is)."""
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        return "every value must be a finite number of degrees"
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        return "longitudes must lie within ±180° and latitudes within ±90°"
    if not (w < e and s < n):
        return "W < E and S < N are needed; check the order (longitudes first)"
    return ""


#: The region the tool serves: the Tajik–Afghan border with a margin.
REGION = BBox(66.5, 35.5, 75.5, 39.9)


def _swap_hint(values: list[float]) -> str:
    """'; did you mean …' when the four numbers read as S,W,N,E (lat,lon pairs) fit the region."""
    s, w, n, e = values
    if not _problem(w, s, e, n) and BBox(w, s, e, n).overlaps(REGION):
        return f"; if you typed lat,lon, the box meant is {_fmt((w, s, e, n))} (W,S,E,N)"
    return ""


def parse_bbox(text: str, name: str = "bbox") -> BBox:
    """Parse ``"W,S,E,N"`` (degrees, EPSG:4326; commas, spaces around them allowed).

    ``name`` (e.g. ``"--bbox"``) starts each error sentence.

    Raises
    ------
    InvalidInputError
        Not four numbers, not finite, out of range, or W ≥ E / S ≥ N.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4 or not all(parts):
        raise InvalidInputError(f"{name} must be four numbers W,S,E,N in degrees, got {text!r}")
    return BBox.from_values(parts, name)


def require_in_region(bbox: BBox, name: str = "bbox", region: BBox = REGION) -> BBox:
    """``bbox`` if it overlaps ``region``; else one sentence saying so (and if lat,lon were swapped)."""
    if bbox.overlaps(region):
        return bbox
    raise InvalidInputError(
        f"{name} {_fmt(bbox)} lies outside the region this map covers ({_fmt(region)} as W,S,E,N)"
        f"{_swap_hint(list(bbox)) or '; if you typed lat,lon swap them to lon,lat'}")
