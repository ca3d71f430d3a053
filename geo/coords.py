"""Reading coordinates as analysts type or paste them, and checking where they fall.

:func:`parse_coordinates` turns one text into ``(lat, lon)`` in degrees (EPSG:4326)
or raises :class:`geo.errors.InvalidCoordinateError` with a message that says what is
wrong. Accepted forms::

    37.1944, 68.6053            decimal degrees, order lat, lon without letters
    37.1944N 68.6053E           hemisphere letters after …
    N37.1944 E68.6053           … or before; letters decide which number is which
    68.6053E; 37.1944N          any of , ; / or spaces between the two
    37°11'40"N 68°36'19"E       degrees-minutes-seconds (also ′ ″, or spaces: 37 11 40 N)
    37°11.67'N 68°36.32'E       degrees and decimal minutes
    42SVG6497016511             MGRS (spaces allowed: 42S VG 64970 16511)
    POINT (68.6053 37.1944)     WKT, lon lat order as the standard says

:func:`check_point` says which side of the border a point is on, how far from it,
and whether it looks like a typing mistake (outside the region, lat/lon swapped).

Example
-------
>>> parse_coordinates("37°11'40\\"N 68°36'19\\"E")
(37.194444, 68.605278)
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geo.bbox import REGION
from geo.errors import InvalidCoordinateError

if TYPE_CHECKING:
    from geo.border import Border

# Parsing imports only the standard library (plus ``mgrs`` for an MGRS text), so the CLI's
# ``coords parse`` starts at once; locating a point imports the border's libraries when called.

logger = logging.getLogger(__name__)

#: Longest text accepted as one coordinate pair (characters).
MAX_TEXT_LENGTH = 200
#: Decimal places returned (≈ 0.1 m).
DECIMALS = 6
#: Distance from the border (km) beyond which :func:`check_point` warns.
FAR_FROM_BORDER_KM = 50.0

_SIDE_NAMES = {"TJK": "Tajik", "AFG": "Afghan"}

_QUOTE_MAP = {
    "′": "'", "’": "'", "‘": "'", "´": "'", "`": "'", "ʹ": "'",
    "″": '"', "”": '"', "“": '"', "ʺ": '"', "''": '"',
    "º": "°", "˚": "°", "◦": "°",
}
_MGRS_RE = re.compile(r"^(\d{1,2})([C-HJ-NP-X])([A-HJ-NP-Z])([A-HJ-NP-V])(\d*)$")
_MGRS_LIKE_RE = re.compile(r"^\d{1,2}[A-Z]{2,3}\d*$")
_LABEL_RE = re.compile(r"\b(latitude|lat|longitude|long|lon|lng)\b\s*[:=]?", re.IGNORECASE)
_WKT_RE = re.compile(r"^\s*POINT\s*\(\s*(\S+)\s+(\S+)\s*\)\s*$", re.IGNORECASE)
_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<num>[+\-−]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<mark>[°'"])?
      | (?P<hem>[NSEWnsew])(?![A-Za-z])
      | (?P<sep>[,;/])
    )""",
    re.VERBOSE,
)


@dataclass
class _Group:
    """One coordinate under construction: numbers (with unit marks) and a hemisphere."""

    numbers: list[tuple[str, str | None]] = field(default_factory=list)
    hem: str | None = None


def _fail(text: str, why: str) -> InvalidCoordinateError:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return InvalidCoordinateError(f"coordinates {shown!r}: {why}")


def validate_lat_lon(lat: object, lon: object) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats in degrees, or raise :class:`InvalidCoordinateError`.

    Accepts numbers or numeric strings; refuses NaN, infinities, booleans and
    values outside ±90° (latitude) / ±180° (longitude).

    >>> validate_lat_lon("37.19", 68.61)
    (37.19, 68.61)
    """
    out = []
    for name, value, limit in (("latitude", lat, 90.0), ("longitude", lon, 180.0)):
        if isinstance(value, bool) or value is None:
            raise InvalidCoordinateError(f"{name} is missing or not a number (got {value!r})")
        try:
            v = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InvalidCoordinateError(
                f"{name} must be a number of degrees, got {value!r}"
            ) from None
        if not math.isfinite(v):
            raise InvalidCoordinateError(f"{name} must be a finite number of degrees, got {value!r}")
        if abs(v) > limit:
            raise InvalidCoordinateError(
                f"{name} {v:g} is outside ±{limit:g}°; check the value (or whether lat and lon are swapped)"
            )
        out.append(v)
    return out[0], out[1]


def _normalise(text: str) -> str:
    for _ in range(2):  # before NFKC (which turns º into o) and after (which splits ″ into ′′)
        for src, dst in _QUOTE_MAP.items():
            text = text.replace(src, dst)
        text = unicodedata.normalize("NFKC", text)
    return text.replace("−", "-").replace("(", " ").replace(")", " ").replace("[", " ").replace("]", " ")


def _parse_mgrs(original: str, compact: str) -> tuple[float, float]:
    m = _MGRS_RE.match(compact)
    if m is None:
        raise _fail(original, "looks like MGRS but is malformed (expected e.g. 42SVG6497016511: "
                              "zone, band letter, 100-km square, then an even number of digits)")
    zone, digits = int(m.group(1)), m.group(5)
    if not 1 <= zone <= 60:
        raise _fail(original, f"MGRS zone {zone} is outside 1–60")
    if len(digits) % 2 or len(digits) > 10:
        raise _fail(original, f"MGRS needs an even number of digits (0–10) after the square, "
                              f"got {len(digits)}")
    import mgrs

    half = len(digits) // 2
    ref = compact
    if half < 5:  # a coarse reference names a square: return its centre, not its corner
        ref = compact[: len(compact) - len(digits)] + digits[:half] + "5" + digits[half:] + "5"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the library only *warns* about some impossible references
            lat, lon = mgrs.MGRS().toLatLon(ref)
    except Warning as exc:  # the library only warns when the band letter does not fit the northing
        if "latitude" in str(exc).lower():
            raise _fail(original, _band_mismatch(m.group(2))) from None
        raise _fail(original, f"is not a valid MGRS reference ({str(exc).split(':')[-1].strip()})") from None
    except Exception as exc:  # mgrs raises its own MGRSError (an Exception subclass)
        why = str(exc).split(":")[-1].strip() or type(exc).__name__
        raise _fail(original, f"is not a valid MGRS reference ({why})") from None
    band = m.group(2)
    south, north = _band_limits(band)
    slack = 10.0 ** (5 - half) / 111_000.0 + 0.01  # degrees: the square's size (a coarse reference)
    if not south - slack <= lat <= north + slack:
        raise _fail(original, _band_mismatch(band, float(lat)))
    return float(lat), float(lon)


#: MGRS latitude bands, 8° each from 80° S (X spans 72–84° N).
_BANDS = "CDEFGHJKLMNPQRSTUVWX"


def _band_limits(band: str) -> tuple[float, float]:
    """South and north latitude (degrees) of an MGRS latitude band letter."""
    south = -80.0 + 8.0 * _BANDS.index(band)
    return south, (84.0 if band == "X" else south + 8.0)


def _band_mismatch(band: str, lat: float | None = None) -> str:
    south, north = _band_limits(band)
    got = f", but the square and digits give {_deg(lat)}" if lat is not None else \
        ", which the square and digits do not fall in"
    return (f"MGRS latitude band {band} covers {_deg(south)} to {_deg(north)}{got}; check the band letter "
            "(the border region is in band S)")


def _deg(lat: float) -> str:
    return f"{abs(lat):.4g}° {'N' if lat >= 0 else 'S'}"


def _tokenise(original: str, text: str) -> list[re.Match[str]]:
    tokens: list[re.Match[str]] = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        m = _TOKEN_RE.match(stripped, pos)
        if m is None or m.end() == pos:
            bad = stripped[pos:].lstrip()[:1]
            raise _fail(original, f"unexpected character {bad!r}; use numbers, N/S/E/W, ° ' \" and , ; as "
                                  "separators (e.g. 37.19, 68.61)")
        if (m.group("num") and tokens and tokens[-1].group("num") and not tokens[-1].group("mark")
                and tokens[-1].end("num") == m.start("num")):
            # "37..19" or "37.19.5": two numbers glued together are one malformed number
            glued = stripped[tokens[-1].start("num"):m.end("num")]
            raise _fail(original, f"{glued!r} runs two numbers together; write one decimal point per number "
                                  "and separate latitude and longitude with a comma")
        tokens.append(m)
        pos = m.end()
    return tokens


def _group(original: str, tokens: list[re.Match[str]]) -> list[_Group]:
    groups: list[_Group] = []
    cur = _Group()

    def close() -> None:
        nonlocal cur
        if cur.numbers or cur.hem:
            groups.append(cur)
        cur = _Group()

    after_sep = True
    for tok in tokens:
        if tok.group("sep"):
            if after_sep:
                raise _fail(original, f"has a misplaced separator {tok.group('sep')!r}")
            close()
            after_sep = True
            continue
        after_sep = False
        if tok.group("hem"):
            letter = tok.group("hem").upper()
            if not cur.numbers:
                if cur.hem is not None:
                    raise _fail(original, f"two hemisphere letters in a row ({cur.hem}{letter})")
                cur.hem = letter
            elif cur.hem is None:
                cur.hem = letter
                close()
            else:
                close()
                cur.hem = letter
        else:
            if tok.group("mark") == "°" and cur.numbers:
                close()
            cur.numbers.append((tok.group("num"), tok.group("mark")))
    close()
    for g in groups:
        if not g.numbers:
            raise _fail(original, f"hemisphere letter {g.hem} has no number")
    return groups


def _value(original: str, g: _Group) -> float:
    nums = g.numbers
    if len(nums) > 3:
        raise _fail(original, f"a coordinate has {len(nums)} numbers; at most 3 (degrees, minutes, seconds)")
    marks = [mk for _, mk in nums]
    order = {"°": 0, "'": 1, '"': 2}
    positions = list(range(len(nums)))
    if any(marks):
        explicit = [order[mk] if mk else None for mk in marks]
        # fill unmarked numbers after the previous marked position
        prev = -1
        for i, e in enumerate(explicit):
            positions[i] = e if e is not None else prev + 1
            if positions[i] <= prev:
                raise _fail(original, "degree, minute and second marks are out of order")
            prev = positions[i]
        if prev > 2:
            raise _fail(original, "a number follows the seconds mark")
    parts = [0.0, 0.0, 0.0]
    sign = 1.0
    for (raw, _), pos in zip(nums, positions, strict=True):
        if raw[0] in "+-":
            if pos != 0:
                raise _fail(original, "only the degrees may carry a sign")
            sign = -1.0 if raw[0] == "-" else 1.0
            raw = raw[1:]
        try:
            v = float(raw)
        except ValueError:
            raise _fail(original, f"{raw!r} is not a number") from None
        if not math.isfinite(v):
            raise _fail(original, f"{raw!r} is not a finite number")
        parts[pos] = v
    last = positions[-1]
    for pos in range(last):
        if parts[pos] != int(parts[pos]):
            name = ("degrees", "minutes")[pos]
            raise _fail(original, f"{name} must be whole when {('minutes', 'seconds')[pos]} follow")
    if parts[1] >= 60:
        raise _fail(original, f"minutes must be below 60, got {parts[1]:g}")
    if parts[2] >= 60:
        raise _fail(original, f"seconds must be below 60, got {parts[2]:g}")
    if g.hem is not None and sign < 0:
        raise _fail(original, f"has both a minus sign and the hemisphere letter {g.hem}; use one")
    value = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0
    if g.hem in ("S", "W"):
        sign = -1.0
    return sign * value


def _assign_axes(original: str, groups: list[_Group], values: list[float],
                 label_order: list[str]) -> tuple[float, float]:
    axes = [None if g.hem is None else ("lat" if g.hem in "NS" else "lon") for g in groups]
    if axes[0] is not None and axes[0] == axes[1]:
        pair = f"{groups[0].hem} and {groups[1].hem}"
        kind = "latitude (N/S)" if axes[0] == "lat" else "longitude (E/W)"
        raise _fail(original, f"conflicting hemisphere letters: both are {kind} ({pair})")
    if axes[0] is None and axes[1] is None:
        if len(label_order) == 2 and label_order[0] == "lon" and label_order[1] == "lat":
            axes = ["lon", "lat"]
        else:
            axes = ["lat", "lon"]
    elif axes[0] is None:
        axes[0] = "lat" if axes[1] == "lon" else "lon"
    elif axes[1] is None:
        axes[1] = "lat" if axes[0] == "lon" else "lon"
    lat = values[axes.index("lat")]
    lon = values[axes.index("lon")]
    return lat, lon


def parse_coordinates(text: str) -> tuple[float, float]:
    """Parse one coordinate pair typed or pasted by a person.

    Parameters
    ----------
    text : str
        Decimal degrees, degrees-minutes-seconds, degrees-decimal-minutes (with or
        without N/S/E/W), MGRS, or a WKT ``POINT (lon lat)``. Without hemisphere
        letters the order is latitude, longitude.

    Returns
    -------
    tuple of float
        ``(lat, lon)`` in degrees, EPSG:4326, rounded to 6 decimals (≈ 0.1 m).

    Raises
    ------
    InvalidCoordinateError
        Empty, garbled or ambiguous text (e.g. three numbers), values out of range,
        minutes/seconds ≥ 60, malformed MGRS or conflicting hemisphere letters.

    >>> parse_coordinates("37.19N, 68.61E")
    (37.19, 68.61)
    >>> parse_coordinates("E68.61 N37.19")
    (37.19, 68.61)
    """
    if not isinstance(text, str):
        raise InvalidCoordinateError(f"coordinates must be text, got {type(text).__name__}")
    original = text.strip()
    if not original:
        raise InvalidCoordinateError("coordinates are empty; type e.g. 37.19, 68.61 or 37°11'N 68°36'E")
    if len(original) > MAX_TEXT_LENGTH:
        raise _fail(original, f"is longer than {MAX_TEXT_LENGTH} characters; paste one point only")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in original):
        raise _fail(original, "contains control characters")
    wkt = _WKT_RE.match(unicodedata.normalize("NFKC", original))
    if wkt:
        lat, lon = validate_lat_lon(wkt.group(2), wkt.group(1))
        return round(lat, DECIMALS), round(lon, DECIMALS)

    text = _normalise(original)
    compact = re.sub(r"\s+", "", text).upper()
    if _MGRS_LIKE_RE.match(compact):
        lat, lon = _parse_mgrs(original, compact)
        return round(lat, DECIMALS), round(lon, DECIMALS)

    label_order = ["lon" if m.group(1).lower().startswith(("lon", "lng")) else "lat"
                   for m in _LABEL_RE.finditer(text)]
    text = _LABEL_RE.sub(" ", text)
    tokens = _tokenise(original, text)
    if not tokens:
        raise _fail(original, "holds no numbers")
    groups = _group(original, tokens)
    plain = all(g.hem is None and all(mk is None for _, mk in g.numbers) for g in groups)
    if len(groups) == 1 and plain and len(groups[0].numbers) == 2:
        # "37.19 68.61": two bare numbers separated by a space
        groups = [_Group(numbers=[n]) for n in groups[0].numbers]
    if len(groups) == 1:
        g = groups[0]
        if plain and len(g.numbers) != 2:
            raise _fail(original, f"is ambiguous: {len(g.numbers)} bare numbers; separate latitude and "
                                  "longitude with a comma or add N/S/E/W letters")
        raise _fail(original, "holds only one coordinate; give both latitude and longitude")
    if len(groups) > 2:
        raise _fail(original, f"is ambiguous: found {len(groups)} coordinates where 2 (lat, lon) "
                              "are expected")
    values = [_value(original, g) for g in groups]
    lat, lon = _assign_axes(original, groups, values, label_order)
    try:
        lat, lon = validate_lat_lon(lat, lon)
    except InvalidCoordinateError as exc:
        raise _fail(original, str(exc)) from None
    return round(lat, DECIMALS), round(lon, DECIMALS)


@dataclass(frozen=True)
class PointCheck:
    """Where a point lies and what looks wrong with it (the ``coords check`` fields).

    Attributes
    ----------
    lat, lon : float
        The point, degrees, EPSG:4326.
    side : str
        ``"TJK"``, ``"AFG"`` or ``"other"``.
    distance_to_border_km : float
        Geodesic distance to the nearest point of the border line (km).
    chainage_km : float
        Chainage (km from the Uzbek tripoint) of that nearest border point.
    in_region : bool
        Inside :data:`geo.crs.REGION_BOUNDS`.
    swapped_suggestion : list of float or None
        ``[lat, lon]`` swapped, when the point is outside the region and its swap is inside.
    warnings : list of str
        Human sentences to show next to the point.
    precision_km : float
        Radius of the point's precision circle, km (0: the point is taken as exact).
    side_within_precision : str
        ``side`` when the whole circle lies on it, else ``"uncertain"``.
    distance_to_border_km_min, distance_to_border_km_max : float
        Distance to the border over the circle, km (both equal the point value at radius 0).
    chainage_km_min, chainage_km_max : float
        Chainage of the stretch of border the circle covers, km (see :mod:`geo.precision`).
    """

    lat: float
    lon: float
    side: str
    distance_to_border_km: float
    chainage_km: float
    in_region: bool
    swapped_suggestion: list[float] | None
    warnings: list[str]
    precision_km: float = 0.0
    side_within_precision: str = ""
    distance_to_border_km_min: float = math.nan
    distance_to_border_km_max: float = math.nan
    chainage_km_min: float = math.nan
    chainage_km_max: float = math.nan

    def __post_init__(self) -> None:
        validate_lat_lon(self.lat, self.lon)
        if self.side not in ("TJK", "AFG", "other"):
            raise InvalidCoordinateError(f"side must be TJK, AFG or other, got {self.side!r}")
        if not self.side_within_precision:
            object.__setattr__(self, "side_within_precision", self.side)
        for name, point in (("distance_to_border_km", self.distance_to_border_km),
                            ("chainage_km", self.chainage_km)):
            for end in ("_min", "_max"):
                if math.isnan(getattr(self, name + end)):
                    object.__setattr__(self, name + end, point)

    @property
    def summary(self) -> str:
        """The point's place as one line, ranges when it is approximate
        (:func:`geo.precision.location_summary`)."""
        from geo.precision import location_summary

        return location_summary(self.side_within_precision, self.distance_to_border_km_min,
                                self.distance_to_border_km_max, self.chainage_km_min, self.chainage_km_max)


def check_point(lat: float, lon: float, border: Border, precision_km: float | None = None,
                geo_precision: int | None = None) -> PointCheck:
    """Locate a point against the border and flag likely mistakes.

    Parameters
    ----------
    lat, lon : float
        Degrees, EPSG:4326.
    border : Border
        From :func:`geo.border.load_border`.
    precision_km, geo_precision : optional
        The point's stated precision (radius, km) or ACLED code (1–3); the ranges are then
        taken over that circle (:func:`geo.precision.location_radius_km`).

    Returns
    -------
    PointCheck

    Raises
    ------
    InvalidCoordinateError
        If ``lat``/``lon`` are not finite or out of range, or the precision is not a radius of
        0–1000 km.
    """
    import numpy as np

    from geo.border import locate_point
    from geo.precision import circle_ranges, location_radius_km, location_summary

    lat, lon = validate_lat_lon(lat, lon)
    if precision_km is not None and not (math.isfinite(precision_km) and 0 <= precision_km <= 1000):
        raise InvalidCoordinateError(f"precision must be a radius of 0–1000 km, got {precision_km!r}")
    radius = float(location_radius_km([precision_km], [geo_precision])[0])
    loc = locate_point(border, lon=lon, lat=lat)
    ranges = {k: v[0] for k, v in circle_ranges(border, np.array([lon]), np.array([lat]), np.array([radius]),
                                                   np.array([loc.side], dtype=object), np.array([loc.distance_km]),
                                                   np.array([loc.chainage_km])).items()}
    inside = REGION.contains(lon, lat)
    warnings: list[str] = []
    swapped = None
    if not inside:
        w, s, e, n = REGION
        warnings.append(
            f"outside the region the tool covers (latitude {s}–{n}° N, longitude {w}–{e}° E)"
        )
        if abs(lon) <= 90 and REGION.contains(lat, lon):
            swapped = [round(lon, DECIMALS), round(lat, DECIMALS)]
            warnings.append(f"did you mean {swapped[0]:.6g}, {swapped[1]:.6g}? (latitude and longitude "
                            "look swapped)")
    if radius > 0:
        warnings.append(f"within its ±{radius:g} km precision: " + location_summary(
            str(ranges["side_within_precision"]), float(ranges["border_km_min"]), float(ranges["border_km_max"]),
            float(ranges["chainage_km_min"]), float(ranges["chainage_km_max"])))
    elif loc.side in _SIDE_NAMES:
        warnings.append(f"on the {_SIDE_NAMES[loc.side]} side, {loc.distance_km:.1f} km from the border "
                        f"(nearest border point at km {loc.chainage_km:.0f})")
    else:
        warnings.append("in neither Tajikistan nor Afghanistan")
    if float(ranges["border_km_min"]) > FAR_FROM_BORDER_KM:
        from geo.precision import range_text

        far = range_text(float(ranges["border_km_min"]), float(ranges["border_km_max"]), 0)
        warnings.append(f"more than {FAR_FROM_BORDER_KM:.0f} km from the border ({far} km)")
    return PointCheck(lat=lat, lon=lon, side=loc.side,
                      distance_to_border_km=round(loc.distance_km, 3),
                      chainage_km=round(loc.chainage_km, 3), in_region=inside,
                      swapped_suggestion=swapped, warnings=warnings, precision_km=radius,
                      side_within_precision=str(ranges["side_within_precision"]),
                      distance_to_border_km_min=round(float(ranges["border_km_min"]), 3),
                      distance_to_border_km_max=round(float(ranges["border_km_max"]), 3),
                      chainage_km_min=round(float(ranges["chainage_km_min"]), 3),
                      chainage_km_max=round(float(ranges["chainage_km_max"]), 3))


def distance_from_stated_location_km(lat: float, lon: float, stated_lat: float, stated_lon: float) -> float:
    """Geodesic distance (km, WGS 84) between a point and the location a report names.

    >>> round(distance_from_stated_location_km(37.0, 68.0, 37.0, 69.0), 1)
    89.0
    """
    lat, lon = validate_lat_lon(lat, lon)
    stated_lat, stated_lon = validate_lat_lon(stated_lat, stated_lon)
    from geo.crs import GEOD

    _, _, dist_m = GEOD.inv(lon, lat, stated_lon, stated_lat)
    return float(dist_m) / 1000.0
