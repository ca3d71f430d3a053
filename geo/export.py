"""Writing incidents (a GeoDataFrame of points, EPSG:4326) as CSV, GeoJSON, GeoPackage or KML.

* CSV: every string cell passes :func:`geo.sanitize.csv_safe` (no formula runs when a
  spreadsheet opens it); UTF-8 with BOM so spreadsheet programs read Cyrillic and Dari.
* GeoJSON: RFC 7946 (lon, lat), NaN/inf written as ``null``; a record's sourced claims
  (:mod:`geo.claims`) as the ``claims`` property, an array of objects (CSV, GeoPackage and
  KML carry the same claims as JSON text in a ``claims`` column; :func:`claims_to_csv_bytes`
  writes one row per claim).
* GeoPackage: layer ``incidents``, written by GDAL.
* KML: a Placemark per incident with ``TimeStamp``, every field in ``ExtendedData``
  (exact values, for re-import) and a balloon that shows only the HTML-escaped
  ``name`` and ``description`` (Google Earth renders description text as HTML).
  Characters XML 1.0 cannot carry (controls other than tab/newline/CR, lone
  surrogates, U+FFFE, U+FFFF) are written as U+FFFD, so the file is always
  well-formed; carriage returns travel as ``&#13;`` so that they survive parsing.

``*_bytes`` functions return the file content (for a download button);
:func:`write_incidents` writes a file atomically after checking its name.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import math
import os
import re
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import (
    BorderMapError,
    DataFileError,
    InvalidInputError,
    check_writable_folder,
    folder_problem,
    shown,
    write_error,
)
from geo.sanitize import csv_safe, escape_html

if TYPE_CHECKING:  # frames are passed in; the module itself is not needed to write them
    import geopandas as gpd

logger = logging.getLogger(__name__)

#: Export formats and the file suffixes each accepts.
EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "csv": (".csv",), "geojson": (".geojson", ".json"), "gpkg": (".gpkg",), "kml": (".kml",),
}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_BAD_CHARS = set('<>:"|?*\\')
_KML_NS = "http://www.opengis.net/kml/2.2"
#: Characters outside XML 1.0's ``Char`` production.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """``value`` as text XML 1.0 can carry: each illegal character becomes U+FFFD.

    >>> xml_text("a\\ufffeb\\x01c")
    'a\ufffdb\ufffdc'
    """
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def _plain(value: Any) -> Any:
    """A JSON/CSV-friendly Python value: None for NA/NaN/inf, int/float/str/bool otherwise."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if value.__class__.__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def _columns(gdf: gpd.GeoDataFrame) -> list[str]:
    return [c for c in gdf.columns if c != gdf.geometry.name]


_Point = tuple[float, float]


def _records(gdf: gpd.GeoDataFrame) -> tuple[list[str], list[dict[str, Any]], list[_Point | None]]:
    from geo.crs import to_storage  # pyproj: loaded when a frame is written, not at import

    gdf = to_storage(gdf, "incidents")
    cols = _columns(gdf)
    records = [{k: _plain(v) for k, v in rec.items()} for rec in gdf[cols].to_dict("records")]
    points: list[_Point | None] = []
    for geom in gdf.geometry:
        if geom is None or geom.is_empty or geom.geom_type != "Point" or not (
                math.isfinite(geom.x) and math.isfinite(geom.y)):
            points.append(None)
        else:
            points.append((float(geom.x), float(geom.y)))
    return cols, records, points


def incidents_to_csv_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """CSV (UTF-8 with BOM) of every attribute column; string cells made formula-safe."""
    cols, records, _ = _records(gdf)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_safe(c) for c in cols])
    for rec in records:
        writer.writerow(["" if rec[c] is None else csv_safe(rec[c]) for c in cols])
    return buf.getvalue().encode("utf-8-sig")


def incidents_to_geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """A GeoJSON FeatureCollection (EPSG:4326, lon/lat); NaN and inf become null."""
    return json.dumps(incidents_to_geojson(gdf), ensure_ascii=False, allow_nan=False).encode("utf-8")


def incidents_to_geojson(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """The GeoJSON FeatureCollection as a dict (what ``incidents list --json`` prints)."""
    _, records, points = _records(gdf)
    features = []
    for rec, pt in zip(records, points, strict=True):
        if isinstance(rec.get("claims"), str):  # sourced claims travel as an array of objects
            rec["claims"] = _claims_array(rec["claims"])
        geometry = None if pt is None else {"type": "Point", "coordinates": list(pt)}
        feat: dict[str, Any] = {"type": "Feature", "geometry": geometry, "properties": rec}
        if rec.get("id"):
            feat["id"] = rec["id"]
        features.append(feat)
    return {"type": "FeatureCollection", "features": features}


def _claims_array(text: str) -> list[dict[str, Any]] | str:
    from geo.claims import parse_claims

    try:
        return [c.to_dict() for c in parse_claims(text)]
    except InvalidInputError:  # text a SQL edit left unreadable: exported as it is
        return text


def claims_to_csv_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """The claims CSV (UTF-8 with BOM, formula-safe): one row per sourced claim of each
    record, columns :data:`geo.claims.CLAIM_CSV_COLUMNS` (``incident_id`` links to the record)."""
    from geo.claims import CLAIM_CSV_COLUMNS, claims_rows

    records = gdf[["id", "claims"]].to_dict("records") if "claims" in gdf and "id" in gdf else []
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CLAIM_CSV_COLUMNS)
    for row in claims_rows(records):
        writer.writerow(["" if row[c] is None else csv_safe(row[c]) for c in CLAIM_CSV_COLUMNS])
    return buf.getvalue().encode("utf-8-sig")


def _placemark_name(rec: dict[str, Any]) -> str:
    kind = rec.get("sub_event_type") or rec.get("event_type") or "Incident"
    where = rec.get("location") or rec.get("admin2") or rec.get("country")
    date = rec.get("event_date")
    parts = [str(kind)] + ([str(where)] if where else []) + ([str(date)] if date else [])
    return " — ".join(parts)


def incidents_to_kml_bytes(gdf: gpd.GeoDataFrame, name: str = "Border Map incidents") -> bytes:
    """KML 2.2 that Google Earth opens: one Placemark per incident with a point.

    Rows without a valid point geometry are skipped (logged).
    """
    cols, records, points = _records(gdf)
    ET.register_namespace("", _KML_NS)
    q = f"{{{_KML_NS}}}"
    kml = ET.Element(f"{q}kml")
    doc = ET.SubElement(kml, f"{q}Document")
    ET.SubElement(doc, f"{q}name").text = xml_text(name)
    style = ET.SubElement(doc, f"{q}Style", id="incident")
    balloon = ET.SubElement(style, f"{q}BalloonStyle")
    ET.SubElement(balloon, f"{q}text").text = "<b>$[name]</b><br/>$[description]"
    skipped = 0
    for rec, pt in zip(records, points, strict=True):
        if pt is None:
            skipped += 1
            continue
        pm = ET.SubElement(doc, f"{q}Placemark")
        if rec.get("id"):
            pm.set("id", xml_text("incident-" + str(rec["id"])))
        ET.SubElement(pm, f"{q}name").text = xml_text(escape_html(_placemark_name(rec)))
        ET.SubElement(pm, f"{q}description").text = xml_text(escape_html(rec.get("notes") or ""))
        if rec.get("event_date"):
            ts = ET.SubElement(pm, f"{q}TimeStamp")
            ET.SubElement(ts, f"{q}when").text = xml_text(rec["event_date"])
        ET.SubElement(pm, f"{q}styleUrl").text = "#incident"
        ext = ET.SubElement(pm, f"{q}ExtendedData")
        for c in cols:
            if rec[c] is None:
                continue
            data = ET.SubElement(ext, f"{q}Data", name=xml_text(c))
            value = rec[c]
            ET.SubElement(data, f"{q}value").text = xml_text(int(value) if isinstance(value, bool) else value)
        point = ET.SubElement(pm, f"{q}Point")
        ET.SubElement(point, f"{q}coordinates").text = f"{pt[0]!r},{pt[1]!r}"
    if skipped:
        logger.warning("KML export: %d incident(s) without a valid point skipped", skipped)
    # a literal CR in text is read back as LF by every XML parser; as a reference it survives
    return ET.tostring(kml, encoding="utf-8", xml_declaration=True).replace(b"\r", b"&#13;")


def safe_output_path(path: str | os.PathLike[str], fmt: str) -> Path:
    """Check an output file name for ``fmt`` and return it as a Path.

    Refused: empty names, names with control or invisible characters or any of
    ``< > : " | ? * \\``, names starting with ``-`` or ``.``, Windows device names
    (``CON``, ``NUL``…), names over 255 bytes, a suffix that does not match the
    format, a missing parent directory, or a directory in the file's place.
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidInputError(f"export format {fmt!r} is unknown; use one of {', '.join(EXPORT_FORMATS)}")
    p = Path(path)
    name = p.name
    if not name or name in (".", ".."):
        raise InvalidInputError(f"output path {str(path)!r} has no file name")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name) or _BAD_CHARS & set(name):
        raise InvalidInputError(f"output file name {name!r} contains control, invisible or reserved "
                                "characters (< > : \" | ? * \\); choose a plain name like incidents.csv")
    if name.startswith(("-", ".")):
        raise InvalidInputError(f"output file name {name!r} must not start with '-' or '.'")
    if name.split(".")[0].strip().lower() in _RESERVED:
        raise InvalidInputError(f"output file name {name!r} is a reserved device name on Windows")
    if len(name.encode("utf-8")) > 255:
        raise InvalidInputError("output file name is longer than 255 bytes")
    if p.suffix.lower() not in EXPORT_FORMATS[fmt]:
        raise InvalidInputError(f"output file {name!r} must end with {' or '.join(EXPORT_FORMATS[fmt])} "
                                f"for format {fmt}")
    if not p.parent.is_dir():
        raise InvalidInputError(f"output folder {str(p.parent)!r} does not exist")
    if p.is_dir():
        raise InvalidInputError(f"output path {str(p)!r} is a directory")
    return p


def format_for(path: str | os.PathLike[str]) -> str:
    """The export format implied by a file suffix."""
    suffix = Path(path).suffix.lower()
    for fmt, suffixes in EXPORT_FORMATS.items():
        if suffix in suffixes:
            return fmt
    raise InvalidInputError(f"cannot tell the export format from {Path(path).name!r}; use .csv, .geojson, "
                            ".gpkg or .kml or give --format")


def write_incidents(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write incidents to ``path`` in ``fmt`` (from the suffix if omitted); replaces the file atomically.

    Returns the path written.
    """
    fmt = fmt or format_for(path)
    out = safe_output_path(path, fmt)
    what = f"output file {shown(out.name)}"
    check_writable_folder(out.parent, what)
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=out.suffix, dir=out.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        if fmt == "gpkg":
            import pyogrio

            from geo.crs import to_storage

            tmp.unlink()
            frame = to_storage(gdf, "incidents")
            try:
                pyogrio.write_dataframe(frame, tmp, layer="incidents", driver="GPKG", geometry_type="Point")
            except Exception as exc:  # GDAL reports a failed write as its own error types
                problem = folder_problem(out.parent)
                if problem is None:
                    raise DataFileError(f"{what} could not be written by GDAL ({type(exc).__name__})") from exc
                raise write_error(problem, what) from exc
        else:
            data = {"csv": incidents_to_csv_bytes, "geojson": incidents_to_geojson_bytes,
                    "kml": incidents_to_kml_bytes}[fmt](gdf)
            tmp.write_bytes(data)
        os.replace(tmp, out)
    except BorderMapError:
        raise
    except OSError as exc:
        raise write_error(exc, what) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    logger.info("exported %d incidents to %s (%s)", len(gdf), out.name, fmt)
    return out
