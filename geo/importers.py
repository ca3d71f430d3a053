"""Reading incident files: ACLED CSV exports, CSV with lat/lon columns, GeoJSON, KML/KMZ, GeoPackage.

Each reader returns a :class:`ParsedFile`: rows mapped to the field names of
:data:`geo.incidents.CONTENT_FIELDS` (values still as found, validated later by the
store), their 1-based row numbers in the source (first data row / feature /
placemark = 1), and the rows that could not be read at all, with the reason.
Nothing is written; :func:`preview_file` also validates, :func:`import_file` imports.

Rows keep what analysts' files hold: a row with a valid location and date but no event
type comes in as :data:`geo.incidents.UNCLASSIFIED` (for review), and
:class:`ImportDefaults` fill the event type, date, source and confidence of rows that
lack them. ACLED target text such as ``Civilians (China)`` fills a blank ``nationals``.

Coordinates end up in ``latitude``/``longitude`` (degrees, EPSG:4326); GeoPackage
layers in another CRS are reprojected. XML is parsed with ``defusedxml`` and any
DTD is refused (entity expansion and external-entity attacks). GeoJSON, KML and
GeoPackage files above :data:`MAX_IMPORT_BYTES` are refused before being read; CSV
files are streamed by :func:`import_file` and :func:`preview_file` at any size
(:class:`CsvStream`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import json
import logging
import math
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geo.actor_nationals import nationals_from_targets
from geo.coords import parse_coordinates
from geo.datasets import CONFIDENCE_VALUES
from geo.errors import DataFileError, InvalidCoordinateError, InvalidInputError, shown
from geo.incidents import (
    BOOKKEEPING_FIELDS,
    CONTENT_FIELDS,
    UNCLASSIFIED,
    ImportReport,
    Rejection,
    clean_text,
    parse_date,
    resolve_event_type,
    validate_incident,
)
from geo.sanitize import csv_unsafe

if TYPE_CHECKING:
    from geo.store import IncidentStoreProtocol

logger = logging.getLogger(__name__)

#: One megabyte as limits are stated to users and as the browser's file picker counts it
#: (Streamlit refuses an upload over ``max_upload_size`` × 1,000,000 bytes).
MEGABYTE = 1_000_000
#: Largest file (bytes; for KMZ also the unpacked KML) accepted for import: 100 MB.
MAX_IMPORT_BYTES = 100 * MEGABYTE
#: Suffixes recognised, by format.
FORMATS = {".csv": "csv", ".txt": "csv", ".geojson": "geojson", ".json": "geojson", ".kml": "kml",
           ".kmz": "kml", ".gpkg": "gpkg"}

_COORDS = "_coords"
_ALIASES = {
    "lat": "latitude", "y": "latitude", "lat_dd": "latitude", "latitude_dd": "latitude",
    "lon": "longitude", "lng": "longitude", "long": "longitude", "x": "longitude", "lon_dd": "longitude",
    "longitude_dd": "longitude",
    "date": "event_date", "type": "event_type", "event": "event_type", "sub_type": "sub_event_type",
    "subtype": "sub_event_type", "description": "notes", "url": "source_url", "link": "source_url",
    "coordinates": _COORDS, "coords": _COORDS, "mgrs": _COORDS, "position": _COORDS, "latlon": _COORDS,
    "lat_lon": _COORDS,
}
_KEEP = frozenset(CONTENT_FIELDS) | {"id", "deleted"}


@dataclass(frozen=True)
class ParsedFile:
    """Rows read from one file (not yet validated) and the rows that could not be read."""

    rows: tuple[dict[str, Any], ...]
    row_numbers: tuple[int, ...]
    rejected: tuple[Rejection, ...]
    format: str
    ignored_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportDefaults:
    """Values given to rows that lack them (``None``: no default).

    ``event_type`` is an ACLED event or sub-event type; rows without one and without a
    default come in as :data:`geo.incidents.UNCLASSIFIED`. ``event_date`` is ISO
    ``YYYY-MM-DD``; ``confidence`` one of :data:`geo.datasets.CONFIDENCE_VALUES`.
    Build with :func:`import_defaults` to have them checked.
    """

    event_type: str | None = None
    event_date: str | None = None
    source: str | None = None
    confidence: str | None = None


def import_defaults(event_type: str | None = None, event_date: str | None = None, source: str | None = None,
                    confidence: str | None = None, *, today: dt.date | None = None) -> ImportDefaults:
    """Checked :class:`ImportDefaults`; blank values mean no default.

    Raises
    ------
    InvalidInputError
        One sentence naming the default: an unknown event type, a date that is not
        one (or in the future), a confidence not in the allowed set, text too long.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    et = clean_text(event_type, "default event type")
    if et is not None:
        try:
            parent, sub = resolve_event_type(et)
        except InvalidInputError as exc:
            raise InvalidInputError(f"default {exc}") from None
        et = sub or parent  # canonical spelling; a sub-event type also gives its event type
    date_text = clean_text(event_date, "default date")
    day = parse_date(date_text, "default date", today) if date_text is not None else None
    conf = clean_text(confidence, "default confidence")
    if conf is not None and conf.lower() not in CONFIDENCE_VALUES:
        raise InvalidInputError(f"default confidence must be one of {', '.join(CONFIDENCE_VALUES)}; "
                                f"got {shown(conf)}")
    return ImportDefaults(event_type=et, event_date=day.isoformat() if day else None,
                          source=clean_text(source, "default source"),
                          confidence=conf.lower() if conf else None)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def with_defaults(row: Mapping[str, Any], defaults: ImportDefaults = ImportDefaults()) -> dict[str, Any]:
    """``row`` with the defaults filled where it lacks a value (a new dict).

    A row with neither ``event_type`` nor ``sub_event_type`` (and no default type) gets
    :data:`geo.incidents.UNCLASSIFIED`; a blank ``nationals`` is read from ACLED's
    target text (``actor2`` ``Civilians (China)`` → ``CN``).

    >>> with_defaults({"latitude": 37.2, "longitude": 68.6})["event_type"]
    'Unclassified — needs review'
    >>> row = with_defaults({"event_date": "", "actor2": "Civilians (China)"},
    ...                     ImportDefaults(event_date="2025-03-01"))
    >>> row["event_date"], row["nationals"]
    ('2025-03-01', 'CN')
    """
    out = dict(row)
    if _blank(out.get("event_type")) and _blank(out.get("sub_event_type")):
        out["event_type"] = defaults.event_type or UNCLASSIFIED
    for name in ("event_date", "source", "confidence"):
        value = getattr(defaults, name)
        if value is not None and _blank(out.get(name)):
            out[name] = value
    if _blank(out.get("nationals")):
        found = nationals_from_targets(out)
        if found:
            out["nationals"] = found
    return out


@dataclass(frozen=True)
class Preview:
    """What an import would do: the first validated rows and every rejection."""

    rows: tuple[dict[str, Any], ...]
    rejected: tuple[Rejection, ...]
    total_rows: int
    valid_rows: int
    format: str
    ignored_columns: tuple[str, ...] = ()
    unclassified_rows: int = 0


def field_for(column: str) -> str | None:
    """The incident field a source column feeds (``None``: ignored).

    >>> field_for(" Lat "), field_for("LONGITUDE"), field_for("Event Type"), field_for("colour")
    ('latitude', 'longitude', 'event_type', None)
    """
    key = "_".join(str(column).strip().lower().replace("-", " ").split())
    if key in _KEEP:
        return key
    return _ALIASES.get(key)


def _map_columns(columns: Iterable[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    mapping: dict[str, str] = {}
    ignored = []
    taken: set[str] = set()
    for col in columns:
        target = field_for(col)
        if target is None or target in taken:
            ignored.append(str(col))
            continue
        mapping[col] = target
        taken.add(target)
    return mapping, tuple(ignored)


def check_upload_size(size: int, limit_mb: int, name: str) -> None:
    """Refuse ``size`` bytes over ``limit_mb`` MB (of :data:`MEGABYTE`), naming the file.

    The server-side twin of the browser's check, so that a request replayed past the
    browser meets the same limit, stated the same way.
    """
    if size > limit_mb * MEGABYTE:
        raise DataFileError(f"{shown(name)} is {size / MEGABYTE:,.1f} MB, over the {limit_mb} MB limit")


def gpkg_layers(path: str | Path) -> list[str]:
    """Names of the spatial layers of a GeoPackage (point layers first), or a one-sentence error.

    Raises
    ------
    DataFileError
        Not an SQLite file, or one GDAL cannot open as a GeoPackage (truncated, plain
        SQLite, damaged).
    """
    layers = _list_layers(Path(path))
    points = [str(n) for n, g in layers if g and "POINT" in str(g).upper()]
    return points + [str(n) for n, g in layers if g and str(n) not in points]


def _list_layers(path: Path) -> list[tuple[str, str | None]]:
    """(name, geometry type) of each layer of a GeoPackage, after checking size and header."""
    import pyogrio

    _check_size(path)
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise DataFileError(f"import file {path.name!r} is not a GeoPackage (not an SQLite file)")
    try:
        with warnings.catch_warnings():  # GDAL's own warnings name the (temporary) path: not shown
            warnings.simplefilter("ignore", RuntimeWarning)
            return [(str(n), g) for n, g in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises DataSourceError and others
        raise DataFileError(f"import file {path.name!r} cannot be opened as a GeoPackage "
                            f"({_gdal_reason(exc)})") from None


def _gdal_reason(exc: BaseException) -> str:
    """GDAL's reason for a failure, without the file path it names (one short clause)."""
    text = str(exc).split(":")[-1].strip() or type(exc).__name__
    return "; ".join(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))[:120]


def _check_size(path: Path) -> None:
    if not path.is_file():
        raise DataFileError(f"import file {path.name!r} does not exist or is not a file")
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise DataFileError(f"import file {path.name!r} is {size / 1e6:,.1f} MB; the limit is "
                            f"{MAX_IMPORT_BYTES / 1e6:,.0f} MB — split it into smaller files")


def _finish_row(row: dict[str, Any]) -> dict[str, Any]:
    """Resolve a free-text coordinates column into latitude/longitude."""
    text = row.pop(_COORDS, None)
    if text not in (None, "") and (row.get("latitude") in (None, "") or row.get("longitude") in (None, "")):
        lat, lon = parse_coordinates(str(text))
        row["latitude"], row["longitude"] = lat, lon
    return row


def _clean_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "isoformat") and callable(value.isoformat):  # pandas Timestamp
        try:
            return value.isoformat()
        except ValueError:
            return None
    if value.__class__.__name__ == "NAType":
        return None
    return value


def _is_deleted(value: Any) -> bool:
    if value in (None, ""):
        return False
    return str(value).strip().lower() in ("1", "true", "yes")


def _parsed_records(records: list[tuple[int, dict[str, Any]]], rejected: list[Rejection], field_for: Any,
                    fmt: str) -> ParsedFile:
    """A :class:`ParsedFile` from per-feature records (row number, properties) and early rejections."""
    keys = {k for _, r in records for k in r}
    _, ignored = _map_columns(sorted(keys))
    rows, numbers, more = _build_rows(records, field_for)
    return ParsedFile(tuple(rows), tuple(numbers), tuple(sorted(rejected + more, key=lambda r: r.row)),
                      fmt, ignored)


def _build_rows(records: Iterable[tuple[int, Mapping[str, Any]]], mapping_for: Any) -> tuple[
        list[dict[str, Any]], list[int], list[Rejection]]:
    rows, numbers, rejected = [], [], []
    for num, rec in records:
        row: dict[str, Any] = {}
        for key, value in rec.items():
            target = mapping_for(key)
            if target is None or target in row:
                continue
            v = _clean_value(value)
            if isinstance(v, str) and v == "":
                continue
            row[target] = v
        if _is_deleted(row.pop("deleted", None)):
            rejected.append(Rejection(num, "the record is marked deleted in the source"))
            continue
        try:
            rows.append(_finish_row(row))
        except InvalidCoordinateError as exc:
            rejected.append(Rejection(num, str(exc)))
            continue
        numbers.append(num)
    return rows, numbers, rejected


# --------------------------------------------------------------------------- CSV

#: Bytes read at a time when checking a CSV file's encoding.
_SCAN_BYTES = 1 << 20


def _csv_encoding(path: Path) -> str:
    """``utf-8-sig`` if the whole file is UTF-8, else ``cp1252`` (read in 1 MB pieces);
    refuse a file holding nothing but whitespace."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    blank = True
    with path.open("rb") as fh:
        try:
            while piece := fh.read(_SCAN_BYTES):
                text = decoder.decode(piece)
                blank = blank and not text.strip(" \t\r\n\ufeff")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            logger.warning("%s is not UTF-8; read as Windows-1252", path.name)
            return "cp1252"
    if blank:
        raise DataFileError(f"import file {path.name!r} is empty")
    return "utf-8-sig"


class CsvStream:
    """The rows of a CSV file, read as they are iterated (memory bounded for any file size).

    Opening reads the header (and checks it names the coordinates); iterating yields
    ``(row number, row)`` for each readable data row and adds the unreadable ones to
    :attr:`rejected`. :attr:`fraction_read` (0–1, of the file's bytes) drives a
    progress bar. Use as a context manager, or :meth:`close` it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = path = Path(path)
        if not path.is_file():
            raise DataFileError(f"import file {path.name!r} does not exist or is not a file")
        encoding = _csv_encoding(path)
        self.size = path.stat().st_size
        self.rejected: list[Rejection] = []
        self._raw = path.open("rb")
        self._text = io.TextIOWrapper(self._raw, encoding=encoding, errors="replace", newline="")
        try:
            sample = self._text.read(65536)
            self._text.seek(0)
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
            except csv.Error:
                delimiter = ","
            self._reader = csv.reader(self._text, delimiter=delimiter)
            try:
                header = next(self._reader)
            except (StopIteration, csv.Error) as exc:
                raise DataFileError(f"import file {path.name!r} has no readable header row: {exc}") from None
            mapping, self.ignored_columns = _map_columns(header)
            targets = set(mapping.values())
            if not ({"latitude", "longitude"} <= targets or _COORDS in targets):
                raise DataFileError(
                    f"import file {path.name!r} has no latitude/longitude columns; name them latitude and "
                    "longitude (or lat/lon, lng, y/x) or give one 'coordinates' column")
        except BaseException:
            self.close()
            raise
        self._index = [(i, mapping[c]) for i, c in enumerate(header) if c in mapping]
        self._width = len(header)
        self.format = "acled-csv" if {"event_id_cnty", "latitude", "longitude"} <= targets else "csv"

    def __enter__(self) -> CsvStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._text.close()

    @property
    def fraction_read(self) -> float:
        """Share of the file's bytes read so far (0–1)."""
        if self._raw.closed or not self.size:
            return 1.0
        return min(1.0, self._raw.tell() / self.size)

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        index, width, rejected = self._index, self._width, self.rejected
        num = 0
        try:
            for cells in self._reader:
                num += 1
                if not cells or not any(c.strip() for c in cells):
                    continue
                if len(cells) != width:
                    rejected.append(Rejection(num, f"has {len(cells)} cells where the header has {width}"))
                    continue
                row: dict[str, Any] = {}
                for i, target in index:
                    cell = cells[i]
                    if cell:
                        row[target] = csv_unsafe(cell) if cell[0] == "'" else cell
                if _is_deleted(row.pop("deleted", None)):
                    rejected.append(Rejection(num, "the record is marked deleted in the source"))
                    continue
                if _COORDS in row:
                    try:
                        _finish_row(row)
                    except InvalidCoordinateError as exc:
                        rejected.append(Rejection(num, str(exc)))
                        continue
                yield num, row
        except csv.Error as exc:
            raise DataFileError(f"import file {self.path.name!r} is not valid CSV near data row {num + 1}: "
                                f"{exc}") from None


def read_csv(path: Path) -> ParsedFile:
    """Read an ACLED export or any CSV with latitude/longitude (or coordinates/MGRS) columns.

    The delimiter (``,`` ``;`` tab) is detected; UTF-8 (with or without BOM) is
    expected, Windows-1252 is accepted as a fallback. Rows with the wrong number of
    cells are rejected. The whole file is held: files over :data:`MAX_IMPORT_BYTES`
    are refused (:func:`import_file` and :func:`preview_file` stream any size).
    """
    path = Path(path)
    _check_size(path)
    with CsvStream(path) as stream:
        pairs = list(stream)
        return ParsedFile(tuple(r for _, r in pairs), tuple(n for n, _ in pairs), tuple(stream.rejected),
                          stream.format, stream.ignored_columns)


# ----------------------------------------------------------------------- GeoJSON

def read_geojson(path: Path) -> ParsedFile:
    """Read Point features of a GeoJSON file (EPSG:4326); other or missing geometry is rejected."""
    path = Path(path)
    _check_size(path)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DataFileError(f"import file {path.name!r} is not valid GeoJSON: {exc}") from None
    features: Any
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
    else:
        raise DataFileError(f"import file {path.name!r} is not a GeoJSON Feature or FeatureCollection")
    if not isinstance(features, list):
        raise DataFileError(f"import file {path.name!r}: 'features' must be a list")
    crs = doc.get("crs")
    if crs is not None:
        name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else str(crs)
        if not any(tag in name.upper() for tag in ("CRS84", "4326")):
            raise DataFileError(f"import file {path.name!r} declares CRS {name!r}; GeoJSON must be in "
                                "WGS 84 longitude/latitude (EPSG:4326)")
    records: list[tuple[int, dict[str, Any]]] = []
    rejected: list[Rejection] = []
    for num, feat in enumerate(features, start=1):
        if not isinstance(feat, dict):
            rejected.append(Rejection(num, "is not a GeoJSON feature object"))
            continue
        geom = feat.get("geometry")
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            rejected.append(Rejection(num, "has properties that are not an object"))
            continue
        if geom is None:
            rejected.append(Rejection(num, "has no geometry (null); give the feature a Point"))
            continue
        if not isinstance(geom, dict) or geom.get("type") != "Point":
            gtype = geom.get("type") if isinstance(geom, dict) else type(geom).__name__
            rejected.append(Rejection(num, f"has a {gtype} geometry; only Point features are imported"))
            continue
        coords = geom.get("coordinates")
        if (not isinstance(coords, list) or len(coords) < 2
                or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords[:2])):
            rejected.append(Rejection(num, f"has Point coordinates {str(coords)[:60]} that are "
                                           "not two numbers [longitude, latitude]"))
            continue
        rec = {k: v for k, v in props.items() if field_for(k) not in ("latitude", "longitude", _COORDS)}
        rec["longitude"], rec["latitude"] = coords[0], coords[1]
        if "id" in feat and "id" not in rec:
            rec["id"] = feat["id"]
        records.append((num, rec))
    return _parsed_records(records, rejected, field_for, "geojson")


# --------------------------------------------------------------------------- KML

def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kml_bytes(path: Path) -> bytes:
    if path.suffix.lower() != ".kmz":
        return path.read_bytes()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if i.filename.lower().endswith(".kml")]
            if not infos:
                raise DataFileError(f"import file {path.name!r} (KMZ) holds no .kml document")
            info = next((i for i in infos if i.filename.lower() == "doc.kml"), infos[0])
            if info.file_size > MAX_IMPORT_BYTES:
                raise DataFileError(f"import file {path.name!r} unpacks to "
                                    f"{info.file_size / 1e6:,.0f} MB; the limit is "
                                    f"{MAX_IMPORT_BYTES / 1e6:,.0f} MB")
            if info.flag_bits & 0x1:
                raise DataFileError(f"import file {path.name!r} (KMZ) is password-protected; save it again "
                                    "from Google Earth without a password")
            try:
                with zf.open(info) as fh:
                    data = fh.read(MAX_IMPORT_BYTES + 1)
            except NotImplementedError:  # deflate64, bzip2 variants, … that zipfile cannot unpack
                raise DataFileError(f"import file {path.name!r} (KMZ) uses a compression method that "
                                    f"cannot be unpacked here (zip method {info.compress_type}); re-save "
                                    "it with ordinary zip compression (deflate)") from None
            except (RuntimeError, EOFError, zlib.error) as exc:
                raise DataFileError(f"import file {path.name!r} (KMZ) cannot be unpacked "
                                    f"({type(exc).__name__}); it may be damaged") from None
            if len(data) > MAX_IMPORT_BYTES:
                raise DataFileError(f"import file {path.name!r} unpacks beyond the "
                                    f"{MAX_IMPORT_BYTES / 1e6:,.0f} MB limit")
            return data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise DataFileError(f"import file {path.name!r} is not a readable KMZ (zip) file: {exc}") from None


def read_kml(path: Path) -> ParsedFile:
    """Read Placemarks with a Point from a KML or KMZ file as Google Earth writes it.

    Uses ``ExtendedData`` (``Data name=…/value`` and ``SchemaData/SimpleData``),
    ``TimeStamp/when`` (or ``TimeSpan/begin``) as ``event_date``, ``name`` as
    ``location`` and ``description`` as ``notes`` when those fields are not given.
    """
    import defusedxml
    import defusedxml.ElementTree as DET

    path = Path(path)
    _check_size(path)
    data = _kml_bytes(path)
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden,
            defusedxml.NotSupportedError) as exc:
        raise DataFileError(f"import file {path.name!r} contains a DTD or entity declaration "
                            f"({type(exc).__name__}), which is refused: KML from Google Earth has none, "
                            "and entities are used in XML attacks") from None
    except DET.ParseError as exc:
        raise DataFileError(f"import file {path.name!r} is not well-formed KML: {exc}") from None
    if _local(root.tag) != "kml":
        raise DataFileError(f"import file {path.name!r} is XML but not KML "
                            f"(root element <{_local(root.tag)}>)")
    records: list[tuple[int, dict[str, Any]]] = []
    rejected: list[Rejection] = []
    placemarks = [el for el in root.iter() if _local(el.tag) == "Placemark"]
    for num, pm in enumerate(placemarks, start=1):
        rec: dict[str, Any] = {}
        name = desc = when = coords = None
        for el in pm.iter():
            tag = _local(el.tag)
            if tag == "Data" and el.get("name"):
                val = next((c for c in el if _local(c.tag) == "value"), None)
                rec.setdefault(el.get("name"), (val.text or "") if val is not None else "")
            elif tag == "SimpleData" and el.get("name"):
                rec.setdefault(el.get("name"), el.text or "")
            elif tag == "name" and name is None and el is not pm:
                name = el.text
            elif tag == "description" and desc is None:
                desc = el.text
            elif tag in ("when", "begin") and when is None:
                when = el.text
            elif tag == "Point" and coords is None:
                c = next((c for c in el if _local(c.tag) == "coordinates"), None)
                coords = (c.text or "") if c is not None else ""
        if coords is None:
            rejected.append(Rejection(num, "placemark has no Point (lines and polygons are not imported)"))
            continue
        parts = coords.split()[0].split(",") if coords.split() else []
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except (IndexError, ValueError):
            rejected.append(Rejection(num, f"placemark Point coordinates {coords.strip()[:60]!r} are not "
                                           "'longitude,latitude'"))
            continue
        rec = {k: v for k, v in rec.items() if field_for(k) not in ("latitude", "longitude", _COORDS)}
        rec["longitude"], rec["latitude"] = lon, lat
        mapped = {field_for(k) for k in rec}
        plain = "id" not in mapped  # not one of our own exports (whose name/description are derived)
        if "event_date" not in mapped and when:
            rec["event_date"] = when.strip()
        if plain and "location" not in mapped and name:
            rec["location"] = name
        if plain and "notes" not in mapped and desc:
            rec["notes"] = desc
        records.append((num, rec))
    return _parsed_records(records, rejected, field_for, "kml")


# --------------------------------------------------------------------- GeoPackage

def read_gpkg(path: Path, layer: str | None = None) -> ParsedFile:
    """Read a point layer of a GeoPackage (``incidents`` if present, else the first point layer).

    Records marked ``deleted`` in the source are rejected; the layer is reprojected to
    EPSG:4326 if needed.
    """
    import pyogrio

    from geo.crs import to_storage

    path = Path(path)
    layers = _list_layers(path)
    names = [str(n) for n, _ in layers]
    points = [str(n) for n, g in layers if g and "POINT" in str(g).upper()]
    if layer is None:
        spatial = [str(n) for n, g in layers if g]
        candidates: list[str | None] = [*points, *spatial, None]
        layer = "incidents" if "incidents" in spatial else candidates[0]
    if layer is None or layer not in names:
        raise DataFileError(f"import file {path.name!r} has no point layer{f' {layer!r}' if layer else ''} "
                            f"(layers: {', '.join(names) or 'none'})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:
        raise DataFileError(f"import file {path.name!r}: layer {shown(layer)} cannot be read "
                            f"({_gdal_reason(exc)})") from None
    gdf = to_storage(gdf, f"{path.name}:{layer}")
    records: list[tuple[int, dict[str, Any]]] = []
    rejected: list[Rejection] = []
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    for num, (geom, rec) in enumerate(zip(gdf.geometry, gdf[cols].to_dict("records"), strict=True), start=1):
        if geom is None or geom.is_empty:
            rejected.append(Rejection(num, "has no geometry"))
            continue
        if geom.geom_type != "Point":
            rejected.append(Rejection(num, f"has a {geom.geom_type} geometry; only points are imported"))
            continue
        rec = {k: v for k, v in rec.items() if field_for(k) not in ("latitude", "longitude", _COORDS)}
        rec["longitude"], rec["latitude"] = geom.x, geom.y
        records.append((num, rec))
    _, ignored = _map_columns(cols)
    rows, numbers, more = _build_rows(records, field_for)
    return ParsedFile(tuple(rows), tuple(numbers), tuple(sorted(rejected + more, key=lambda r: r.row)),
                      "gpkg", ignored)


# ------------------------------------------------------------------------ dispatch

def read_file(path: str | Path, *, layer: str | None = None) -> ParsedFile:
    """Read any supported file, chosen by its suffix (see :data:`FORMATS`)."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataFileError(f"import file {path.name!r}: unknown type {path.suffix or '(no suffix)'!r}; use "
                            ".csv, .geojson, .kml, .kmz or .gpkg")
    if fmt == "csv":
        return read_csv(path)
    if fmt == "geojson":
        return read_geojson(path)
    if fmt == "kml":
        return read_kml(path)
    return read_gpkg(path, layer)


def _content(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in BOOKKEEPING_FIELDS}


def _csv_file(path: str | Path) -> bool:
    return FORMATS.get(Path(path).suffix.lower()) == "csv"


def preview_file(path: str | Path, n: int = 20, *, layer: str | None = None,
                 defaults: ImportDefaults = ImportDefaults()) -> Preview:
    """Read and validate a file without writing: the first ``n`` valid rows and all rejections.

    ``defaults`` fill rows that lack a value (see :func:`with_defaults`), as
    :func:`import_file` would. A CSV file is streamed (any size).
    """
    if n < 0:
        raise InvalidInputError(f"n must be >= 0, got {n}")
    shown: list[dict[str, Any]] = []
    rejected: list[Rejection] = []
    valid = unclassified = total = 0

    def check(pairs: Iterable[tuple[int, dict[str, Any]]]) -> None:
        nonlocal valid, unclassified, total
        for num, row in pairs:
            total += 1
            try:
                rec = validate_incident(with_defaults(_content(row), defaults))
            except InvalidInputError as exc:
                rejected.append(Rejection(num, str(exc)))
                continue
            valid += 1
            unclassified += rec["event_type"] == UNCLASSIFIED
            if len(shown) < n:
                shown.append(rec)

    if _csv_file(path):
        with CsvStream(path) as stream:
            check(stream)
            early, fmt, ignored = stream.rejected, stream.format, stream.ignored_columns
    else:
        parsed = read_file(path, layer=layer)
        check(zip(parsed.row_numbers, parsed.rows, strict=True))
        early, fmt, ignored = list(parsed.rejected), parsed.format, parsed.ignored_columns
    return Preview(tuple(shown), tuple(sorted([*early, *rejected], key=lambda r: r.row)),
                   total_rows=total + len(early), valid_rows=valid,
                   format=fmt, ignored_columns=ignored, unclassified_rows=unclassified)


def import_file(store: IncidentStoreProtocol, path: str | Path, by: str, *,
                layer: str | None = None, defaults: ImportDefaults = ImportDefaults(),
                on_progress: Callable[[int, float], None] | None = None) -> ImportReport:
    """Read ``path`` and import its valid rows into ``store`` in one transaction.

    ``defaults`` fill rows that lack a value; rows without an event type come in as
    :data:`geo.incidents.UNCLASSIFIED`. A CSV file is streamed: read, validated and
    written in batches (any size, memory bounded). ``on_progress(rows_read, fraction)``
    is called after each batch (``fraction`` of the file read, 0–1).
    """
    if _csv_file(path):
        with CsvStream(path) as stream:
            # two views of one stream of (number, row), pulled in step by the store
            numbered, rowed = itertools.tee((num, with_defaults(row, defaults)) for num, row in stream)
            numbers = (num for num, _ in numbered)
            rows = (row for _, row in rowed)
            progress = None if on_progress is None else (
                lambda done, _total: on_progress(done, stream.fraction_read))
            report = store.import_rows(rows, by, row_numbers=numbers, on_progress=progress)
            early: Iterable[Rejection] = stream.rejected
    else:
        parsed = read_file(path, layer=layer)
        rows_in = [with_defaults(row, defaults) for row in parsed.rows]
        progress = None if on_progress is None else (
            lambda done, total: on_progress(done, done / total if total else 1.0))
        report = store.import_rows(rows_in, by, row_numbers=parsed.row_numbers, on_progress=progress)
        early = parsed.rejected
    rejected = tuple(sorted((*early, *report.rejected), key=lambda r: r.row))
    if on_progress is not None:
        on_progress(report.imported + report.duplicates + len(rejected), 1.0)
    return ImportReport(report.imported, report.duplicates, rejected, report.ids)
