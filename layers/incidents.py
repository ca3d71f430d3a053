"""Incidents overlay that stays fast from 3 to 100,000 incidents.

One folium ``Marker``/``CircleMarker`` per incident costs seconds per thousand in Python
and in the browser (see the project's measured findings). :class:`IncidentLayer`
instead embeds the incidents as compact columns — coordinates as integers (degrees ×
1e4), a style group per point, and every popup field as indices into a de-duplicated
string table — and a short script (``incident_layer.js``) draws them on one canvas.

Styles
------
``points``   every incident, coloured by ACLED event type and sized by fatalities;
             approximate ones hollow and dashed, with their precision circle.
``cluster``  the same symbols, aggregated on a 64-px grid up to zoom 12 (a bubble per
             cell with the count, coloured by the commonest event type; a click zooms in).
``heatmap``  density weighted by fatalities (vendored leaflet-heat).

The columns travel in chunks (:mod:`geo.record_chunks`: rows grouped by a hash of their id), each
encoded once and cached by content, so after a write the page encodes one chunk; the browser
merges them into one draw order.

Safety: each chunk reaches the page as script-safe JSON (:func:`geo.sanitize.template_safe_json`:
``<``, ``>``, ``&`` and quotes escaped, so no text can end the script) or, above
:data:`PLAIN_MAX_BYTES`, as gzip+base64 decoded in the browser; popups are built on click as DOM nodes whose text
is set with ``textContent`` — no incident text is ever parsed as HTML or JavaScript.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Template
from folium.elements import JSCSSMixin

from geo.claims import claims_summary_text
from geo.errors import CRSError, InvalidInputError
from geo.incidents import UNCLASSIFIED
from geo.precision import GEO_PRECISION_RADIUS_KM, records_radius_km
from geo.record_chunks import CHUNK_COUNT, ChunkCache, chunks
from geo.sanitize import template_safe_json
from layers.base import APPROXIMATE_LEGEND, MAX_DRAWN_PRECISION_KM, LayerBundle, LegendEntry
from layers.raw import RawMacroElement
from layers.scripts import heat_library, script, stack_library

logger = logging.getLogger(__name__)

#: ACLED event type → colour (distinct from the border's red and the places' colours).
EVENT_TYPE_COLORS: dict[str, str] = {
    "Battles": "#7b3294",
    "Explosions/Remote violence": "#e66101",
    "Violence against civilians": "#67001f",
    "Riots": "#8c510a",
    "Protests": "#4393c3",
    "Strategic developments": "#1a9850",
    UNCLASSIFIED: "#a3a3a3",  # light grey: imported without an event type, awaiting review
}
OTHER_COLOR = "#666666"
OTHER_LABEL = "other event type"

STYLES = ("points", "cluster", "heatmap")

#: Fatalities classes (lower bounds) and the symbol radius (px) of each.
FATALITY_CLASSES: tuple[int, ...] = (0, 1, 5, 20, 100)
CLASS_RADII_PX: tuple[float, ...] = (4.0, 6.0, 8.5, 12.0, 16.0)

#: Locations at least this uncertain (km) are drawn as approximate (as layers.base).
APPROXIMATE_KM = 2.0

#: Coordinates are sent as integers of degrees × this (1e4 ≈ 11 m).
COORD_SCALE = 10_000

#: Above this size (bytes of JSON) the columns are sent gzip-compressed and base64-encoded.
PLAIN_MAX_BYTES = 200_000
#: gzip levels of the payload. 10,000 incidents with ACLED-length notes (4.1 MB of JSON):
#: level 1 25 ms → 1.09 MB, level 4 37 ms → 0.94 MB, level 6 108 ms → 0.84 MB. Up to
#: :data:`FAST_GZIP_MAX_INCIDENTS` level 4 (a change of filters encodes everything again),
#: above it level 6, which keeps the 100,000-incident page well under 8 MB.
GZIP_LEVEL = 6
FAST_GZIP_LEVEL = 4
FAST_GZIP_MAX_INCIDENTS = 25_000


#: Characters of notes the page carries in all (notes are shortened evenly above it).
NOTES_BUDGET_CHARS = 12_000_000
#: Notes are never shortened below this many characters.
NOTES_MIN_CHARS = 160

#: Popup rows: column, label, kind ("str" text, "int" count, "km" precision, "url" link, "range" a
#: ``*_min`` column and its ``*_max``: the figure over the precision circle, one value when equal).
POPUP_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("event_date", "Date", "str"),
    ("event_type", "Event type", "str"),
    ("sub_event_type", "Sub-event type", "str"),
    ("actor1", "Actor 1", "str"),
    ("actor2", "Actor 2", "str"),
    ("location", "Location", "str"),
    ("admin2", "District", "str"),
    ("admin1", "Province", "str"),
    ("country", "Country", "str"),
    ("fatalities", "Fatalities", "int"),
    ("fatalities_low", "Fatalities, low estimate", "int"),
    ("fatalities_high", "Fatalities, high estimate", "int"),
    ("injured", "Injured", "int"),
    ("claims", "Sources' claims", "str"),  # summarised (geo.claims.claims_summary_text)
    ("nationals", "Nationals affected", "str"),
    ("origin", "Attributed origin", "str"),
    ("origin_country", "Origin country (structured)", "str"),
    ("origin_attribution", "Origin attributed by", "str"),
    ("record_kind", "Record kind", "str"),
    ("confidence", "Confidence", "str"),
    ("verification", "Verification", "str"),
    ("geo_precision", "ACLED geo-precision (1 exact … 3 province)", "int"),
    ("precision_km", "Location precision", "km"),
    ("side_within_precision", "Side of the border (whole precision circle)", "str"),
    ("border_km_min", "Distance to the border", "range"),
    ("chainage_km_min", "Border chainage (km from the Uzbek tripoint)", "range"),
    ("source", "Source", "str"),
    ("source_date", "Source date", "str"),
    ("source_url", "Source URL", "url"),
    ("notes", "Notes", "str"),
    ("event_id_cnty", "ACLED event id", "str"),
)

#: Heatmap colour ramp: density (0–1 of the maximum) → colour; the legend draws the same ramp.
HEAT_GRADIENT: tuple[tuple[float, str], ...] = (
    (0.4, "#0000ff"), (0.6, "#00ffff"), (0.7, "#00ff00"), (0.8, "#ffff00"), (1.0, "#ff0000"))

_TEMPLATE = """
{% macro script(this, kwargs) %}
{{ this.library }}
BmIncidents.load({{ this._parent.get_name() }}, {{ this.payload_json }}, {{ this.options|tojson }});
{% endmacro %}
"""


def _library() -> str:
    """The layer's code with all it needs (leaflet.heat, BmStack): it goes into the layer's own
    script, since streamlit-folium runs only that (no header scripts) for a layer sent apart."""
    return heat_library() + stack_library() + script("incident_layer.js")


def _string_codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, list[str]]:
    """Codes into a table of distinct texts (stripped; blank and missing → −1).

    Cleans the distinct values only, so a 100,000-row column with few distinct values
    costs one factorisation.
    """
    if column not in frame:
        return np.full(len(frame), -1, dtype=np.int64), []
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    table: dict[str, int] = {}
    remap = np.full(len(uniques) + 1, -1, dtype=np.int64)  # remap[-1] keeps −1 for missing
    for k, value in enumerate(np.asarray(uniques, dtype=object).tolist()):
        if value is None or (isinstance(value, float) and value != value):
            continue
        text = str(value).strip()
        if text:
            remap[k] = table.setdefault(text, len(table))
    return remap[codes], list(table)


def _summarised_claims(codes: np.ndarray, table: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes and table of the popup's claims line, from those of the stored claims texts."""
    texts = [claims_summary_text(t) for t in table]
    new: dict[str, int] = {}
    remap = np.array([new.setdefault(t, len(new)) if t else -1 for t in texts] + [-1], dtype=np.int64)
    return remap[codes], list(new)


def _int_values(frame: pd.DataFrame, column: str, missing: int = -1) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), missing, dtype=np.int64)
    numbers = pd.to_numeric(frame[column], errors="coerce").astype("float64").to_numpy()
    ok = np.isfinite(numbers)
    return np.where(ok, np.round(np.where(ok, numbers, 0)), missing).astype(np.int64)


#: Range columns: values travel as integers of value × scale (distance to 0.1 km, chainage to 1 km).
_RANGE_SCALE = {"border_km_min": 10, "chainage_km_min": 1}


def _range_entry(frame: pd.DataFrame, column: str, order: np.ndarray) -> dict[str, Any]:
    """A range column for the popup: ``v`` the low end and ``w`` the width, integers of km ×
    ``scale`` (−1: unknown), so a precise record's width costs one character."""
    scale = _RANGE_SCALE.get(column, 10)
    if column not in frame:
        return {"v": [-1] * len(order), "w": [0] * len(order), "scale": scale}
    low = pd.to_numeric(frame[column], errors="coerce").astype("float64").to_numpy()[order]
    high = pd.to_numeric(frame.get(column.replace("_min", "_max"), frame[column]),
                         errors="coerce").astype("float64").to_numpy()[order]
    ok = np.isfinite(low) & np.isfinite(high)
    lo = np.where(ok, np.floor(np.where(ok, low, 0) * scale), -1).astype(np.int64)
    width = np.where(ok, np.ceil(np.where(ok, high, 0) * scale) - np.maximum(lo, 0), 0).astype(np.int64)
    precise = ok & (high == low)
    lo[precise] = np.round(low[precise] * scale).astype(np.int64)
    width[precise] = 0
    return {"v": lo.tolist(), "w": np.maximum(width, 0).tolist(), "scale": scale}


def notes_limit_for(n: int) -> int:
    """Characters of notes each of ``n`` incidents may carry (:data:`NOTES_BUDGET_CHARS` shared
    out, never below :data:`NOTES_MIN_CHARS`), rounded down to a step of a fixed ladder, so that
    one incident more or less leaves the limit — and so every cached chunk — unchanged."""
    share = NOTES_BUDGET_CHARS // max(n, 1)
    return max([NOTES_MIN_CHARS, *(step for step in _NOTES_LADDER if step <= share)])


#: The limits notes are cut to (characters): steps of about a quarter.
_NOTES_LADDER = tuple(int(NOTES_MIN_CHARS * 1.25 ** k) for k in range(40))


def _shorten(codes: np.ndarray, table: list[str], limit: int) -> tuple[np.ndarray, list[str], bool]:
    """Texts cut to ``limit`` characters at a word boundary, ending with '…' when cut."""
    if all(len(t) <= limit for t in table):
        return codes, table, False

    def cut(text: str) -> str:
        if len(text) <= limit:
            return text
        head = text[:limit]
        space = head.rfind(" ")
        return (head[:space] if space > limit // 2 else head).rstrip() + "…"

    short = [cut(t) for t in table]
    new: dict[str, int] = {}
    remap = np.array([new.setdefault(t, len(new)) for t in short] + [-1], dtype=np.int64)
    return remap[codes], list(new), True


def incident_columns(incidents: gpd.GeoDataFrame, highlight_ids: Sequence[str] = (), *,
                     type_names: Sequence[str] | None = None, notes_limit: int | None = None) -> dict[str, Any]:
    """The compact columns the layer's script draws from (pure; does not touch folium).

    Parameters
    ----------
    incidents : GeoDataFrame
        Point incidents in EPSG:4326 (other CRSs are converted; a missing CRS is refused),
        with the columns of :meth:`geo.store.IncidentStore.list` (absent ones are blank).
    highlight_ids : sequence of str
        ``id`` values drawn on top with a thick outline.
    type_names : sequence of str, optional
        Known event types to number, in order (the types of a whole set of incidents, so
        its chunks number them alike; then ``types`` always ends with the "other" entry).
        Default: those present here.
    notes_limit : int, optional
        Characters of notes kept (default: :func:`notes_limit_for` the number of rows).

    Returns
    -------
    dict
        ``n``; ``lat``/``lon`` as integers of degrees × ``scale``; ``group`` (size class ×
        64 + approximate × 16 + type index), ``approx``, ``precision_m`` (−1 if unknown);
        ``types`` ([name, colour]); ``radii`` (px by size class); ``highlight`` (row
        positions); ``cols`` (popup fields: label, kind, values, string table). Rows
        are ordered as drawn: larger symbols first, so small ones stay visible on top.
    """
    if incidents.crs is None:
        raise CRSError("incidents have no CRS; set it (incidents.set_crs(4326)) before drawing them")
    frame = incidents if incidents.crs.to_epsg() == 4326 else incidents.to_crs(4326)
    geom = frame.geometry
    valid = geom.notna().to_numpy() & ~geom.is_empty.to_numpy()
    if valid.any():
        valid[valid] = (geom[valid].geom_type == "Point").to_numpy()
    x = np.full(len(frame), np.nan)
    y = np.full(len(frame), np.nan)
    x[valid] = geom[valid].x.to_numpy()
    y[valid] = geom[valid].y.to_numpy()
    valid &= np.isfinite(x) & np.isfinite(y) & (np.abs(y) <= 90) & (np.abs(x) <= 180)
    if (~valid).any():
        logger.warning("incidents layer: %d of %d rows have no drawable point; left out",
                       int((~valid).sum()), len(frame))
    frame = frame.loc[valid]
    x, y = x[valid], y[valid]
    n = len(frame)

    etype_codes, etype_table = _string_codes(frame, "event_type")
    known = list(type_names) if type_names is not None else [t for t in EVENT_TYPE_COLORS if t in etype_table]
    types = [[t, EVENT_TYPE_COLORS[t]] for t in known]
    to_type = np.array([known.index(t) if t in known else len(known) for t in etype_table] + [len(known)],
                       dtype=np.int64)
    tcode = to_type[etype_codes]
    if type_names is not None or (tcode == len(known)).any():
        types.append([OTHER_LABEL, OTHER_COLOR])

    fatalities = _int_values(frame, "fatalities")
    size_class = np.searchsorted(np.asarray(FATALITY_CLASSES), np.maximum(fatalities, 0), side="right") - 1
    # the radius of the precision circle: precision_km, else the ACLED geo_precision code's
    # (geo.precision), else unknown (−1)
    radius_km = records_radius_km(frame)
    stated = (np.isfinite(pd.to_numeric(frame.get("precision_km", pd.Series(np.nan, index=frame.index)),
                                        errors="coerce").astype("float64").to_numpy())
              | pd.to_numeric(frame.get("geo_precision", pd.Series(np.nan, index=frame.index)),
                              errors="coerce").isin(list(GEO_PRECISION_RADIUS_KM)).to_numpy())
    conf_codes, conf_table = _string_codes(frame, "confidence")
    approximate_code = conf_table.index("approximate") if "approximate" in conf_table else -2
    approx = ((conf_codes == approximate_code) | (stated & (radius_km >= APPROXIMATE_KM))).astype(np.int64)
    precision_m = np.where(stated, np.round(radius_km * 1000), -1)

    group = size_class * 64 + approx * 16 + tcode
    order = np.lexsort((tcode, approx, -size_class))
    id_codes, id_table = _string_codes(frame, "id")
    wanted = {str(i) for i in highlight_ids}
    wanted_codes = [k for k, v in enumerate(id_table) if v in wanted]
    highlight = np.flatnonzero(np.isin(id_codes[order], wanted_codes)).tolist() if wanted_codes else []

    notes_limit = notes_limit if notes_limit is not None else notes_limit_for(n)
    cols = []
    for column, label, kind in POPUP_FIELDS:
        entry: dict[str, Any] = {"key": column, "label": label, "kind": kind}
        if kind in ("str", "url"):
            codes, table = _string_codes(frame, column)
            if column == "notes":
                codes, table, entry["truncated"] = _shorten(codes, table, notes_limit)
            elif column == "claims":  # each distinct claims text once: where the sources differ
                codes, table = _summarised_claims(codes, table)
            entry["v"], entry["table"] = codes[order].tolist(), table
        elif kind == "km":
            entry["v"] = precision_m[order].astype(np.int64).tolist()
        elif kind == "range":
            entry.update(_range_entry(frame, column, order))
        else:
            entry["v"] = _int_values(frame, column)[order].tolist()
        cols.append(entry)
    keys = [c["key"] for c in cols]
    return {
        "n": n,
        "scale": COORD_SCALE,
        "lat": np.round(y[order] * COORD_SCALE).astype(np.int64).tolist(),
        "lon": np.round(x[order] * COORD_SCALE).astype(np.int64).tolist(),
        "group": group[order].astype(np.int64).tolist(),
        "approx": approx[order].tolist(),
        "precision_m": precision_m[order].astype(np.int64).tolist(),
        "maxPrecisionM": MAX_DRAWN_PRECISION_KM * 1000,
        "types": types,
        "radii": list(CLASS_RADII_PX),
        "highlight": highlight,
        "cols": cols,
        "dateCol": keys.index("event_date"),
        "locationCol": keys.index("location"),
        "fatalitiesCol": keys.index("fatalities"),
    }


def encode_columns(data: dict[str, Any], level: int = GZIP_LEVEL,
                   plain_max_bytes: int = PLAIN_MAX_BYTES) -> tuple[Any, str]:
    """``(payload, encoding)``: the dict itself ("json") or, above ``plain_max_bytes`` of JSON,
    gzip (``level``) + base64 text."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if len(text) <= plain_max_bytes:
        return data, "json"
    packed = gzip.compress(text.encode("utf-8"), compresslevel=level, mtime=0)
    return base64.b64encode(packed).decode("ascii"), "gzip-base64"


@dataclass(frozen=True)
class EncodedChunk:
    """One chunk of incidents as it goes into the page: script-safe JSON text of
    ``[encoding, payload]`` (see :func:`encode_columns`), and what the legend needs of it."""

    n: int
    any_approximate: bool
    highlighted: int
    json_text: str


#: What a frame without ids and versions is keyed on (see geo.record_chunks.row_keys).
_CONTENT_COLUMNS = (*(field for field, _, _ in POPUP_FIELDS), "border_km_max", "chainage_km_max", "confidence",
                    "id")


def encode_chunk(columns: dict[str, Any], level: int = GZIP_LEVEL) -> EncodedChunk:
    """``columns`` (from :func:`incident_columns`) encoded as one of :data:`CHUNK_COUNT` chunks
    (plain JSON only while all of them together stay under :data:`PLAIN_MAX_BYTES`)."""
    payload, encoding = encode_columns(columns, level, PLAIN_MAX_BYTES // CHUNK_COUNT)
    return EncodedChunk(n=columns["n"], any_approximate=any(columns["approx"]),
                        highlighted=len(columns["highlight"]), json_text=template_safe_json([encoding, payload]))


@dataclass(frozen=True)
class IncidentPayload:
    """Incidents prepared for the map: encoded chunks (cacheable) and their totals."""

    chunks: tuple[EncodedChunk, ...]
    types: tuple[tuple[str, str], ...]

    @property
    def n(self) -> int:
        """Incidents drawn."""
        return sum(c.n for c in self.chunks)

    @property
    def encoding(self) -> str:
        """How the chunks travel: "json" if every one is plain JSON, else "gzip-base64"."""
        return "json" if all(c.json_text.startswith('["json"') for c in self.chunks) else "gzip-base64"

    @cached_property
    def payload_json(self) -> str:
        """The chunks as one script-safe JSON array (``<``, ``>``, ``&``, ``'`` escaped, no Jinja
        tag openers — see :func:`geo.sanitize.template_safe_json`), joined from each chunk's
        cached text rather than serialised again."""
        return "[" + ",".join(c.json_text for c in self.chunks) + "]"


def prepare_incidents(incidents: gpd.GeoDataFrame, highlight_ids: Sequence[str] = (),
                      cache: ChunkCache | None = None) -> IncidentPayload:
    """The expensive, data-only half of the layer: the incidents as encoded chunks.

    Rows go to one of :data:`CHUNK_COUNT` chunks by a hash of their id. With ``cache``, a
    chunk whose rows, highlight, notes limit and type numbering are unchanged since an earlier
    call is taken from it instead of being encoded again — after one incident is added,
    one chunk is encoded.
    """
    if incidents.crs is None:
        raise CRSError("incidents have no CRS; set it (incidents.set_crs(4326)) before drawing them")
    frame = incidents if incidents.crs.to_epsg() == 4326 else incidents.to_crs(4326)
    frame = frame[frame.geometry.notna().to_numpy()]
    event_types = (frame["event_type"].astype(str).str.strip() if "event_type" in frame.columns
                   else pd.Series("", index=frame.index))
    present = set(event_types.unique())  # not row by row: 100,000s of Arrow strings
    type_names = tuple(t for t in EVENT_TYPE_COLORS if t in present)
    notes_limit = notes_limit_for(len(frame))
    level = FAST_GZIP_LEVEL if len(frame) <= FAST_GZIP_MAX_INCIDENTS else GZIP_LEVEL
    wanted = {str(i) for i in highlight_ids}
    ids = frame["id"].astype(str).to_numpy(dtype=object) if "id" in frame.columns else None
    highlighted = (np.fromiter((i in wanted for i in ids), dtype=bool, count=len(ids))
                   if wanted and ids is not None else np.zeros(len(frame), dtype=bool))
    encoded: list[EncodedChunk] = []
    for chunk in chunks(frame, _CONTENT_COLUMNS):
        chunk_highlight = tuple(ids[chunk.rows[highlighted[chunk.rows]]]) if ids is not None and wanted else ()
        key = (chunk.digest, chunk_highlight, notes_limit, type_names, level)
        found = cache.get(key) if cache is not None else None
        if found is None:
            columns = incident_columns(frame.iloc[chunk.rows], chunk_highlight, type_names=type_names,
                                       notes_limit=notes_limit)
            found = encode_chunk(columns, level)
            if cache is not None:
                cache.put(key, found)
        encoded.append(found)
    if not encoded:  # no incidents: one empty chunk, so the page still gets a (blank) layer
        encoded.append(encode_chunk(incident_columns(frame, type_names=type_names), level))
    types = tuple((t, EVENT_TYPE_COLORS[t]) for t in type_names)
    if not event_types.isin(type_names).all():  # blank, missing or unknown types are drawn as "other"
        types += ((OTHER_LABEL, OTHER_COLOR),)
    return IncidentPayload(tuple(encoded), types)


class IncidentLayer(JSCSSMixin, RawMacroElement):
    """Incidents drawn by one canvas (or a heatmap), added to a FeatureGroup.

    ``IncidentLayer(incidents, style="points").add_to(group)``; see :func:`incidents_layer`.
    The page sets ``window.__bmReady`` once the layer has drawn, ``window.__bmIncidentCount``
    (incidents loaded) and ``window.__bmIncidentVisible`` (incidents in the current view).
    """

    #: compiled once per process, not per instance (Jinja compiling costs ~0.3 ms a template)
    _template = Template(_TEMPLATE)

    def __init__(self, incidents: gpd.GeoDataFrame | None, style: str = "points", show_precision: bool = True,
                 highlight_ids: Sequence[str] = (), prepared: IncidentPayload | None = None) -> None:
        super().__init__()
        if style not in STYLES:
            raise InvalidInputError(f"style must be one of {', '.join(STYLES)}; got {style!r}")
        self._name = "IncidentLayer"
        if prepared is None:
            if incidents is None:
                raise InvalidInputError("IncidentLayer needs incidents or a prepared payload")
            prepared = prepare_incidents(incidents, highlight_ids)
        self.prepared = prepared
        self.payload_json = prepared.payload_json
        self.options = layer_options(style, show_precision)
        self.library = _library()
        self.default_js: list[tuple[str, str]] = []
        self.default_css: list[tuple[str, str]] = []


def layer_options(style: str, show_precision: bool) -> dict[str, object]:
    """The drawing options ``incident_layer.js`` takes (inline and served layers alike)."""
    return {"style": style, "showPrecision": bool(show_precision), "heatMax": 8,
            "heatGradient": {str(stop): color for stop, color in HEAT_GRADIENT}}


def _legend(prepared: IncidentPayload, style: str) -> list[LegendEntry]:
    if prepared.n == 0:
        return []
    if style == "heatmap":
        return [LegendEntry("Incident density, weighted by fatalities: low → high", HEAT_GRADIENT[-1][1], "ramp",
                            ramp=tuple(color for _, color in HEAT_GRADIENT))]
    entries = [LegendEntry(f"Incident: {name}", color) for name, color in prepared.types]
    entries.append(LegendEntry("Incident size: fatalities 0 · 1–4 · 5–19 · 20–99 · 100+", "#999999"))
    if any(c.any_approximate for c in prepared.chunks):
        entries.append(APPROXIMATE_LEGEND)
    if any(c.highlighted for c in prepared.chunks):
        entries.append(LegendEntry("Highlighted incident (thick black outline)", "#000000"))
    if style == "cluster":
        entries.append(LegendEntry("Incident cluster: count inside, colour of its commonest type; click to zoom",
                                   "#555555"))
    return entries


def incidents_layer(incidents: gpd.GeoDataFrame | None, show_precision: bool = True, style: str = "points",
                    highlight_ids: Sequence[str] = (), prepared: IncidentPayload | None = None) -> LayerBundle:
    """The incidents overlay: one FeatureGroup holding an :class:`IncidentLayer`, and its legend.

    Parameters
    ----------
    incidents : GeoDataFrame
        Point incidents (EPSG:4326; see :func:`incident_columns`).
    show_precision : bool
        Draw the dashed precision circle (radius ``precision_km``) of approximate incidents.
    style : {"points", "cluster", "heatmap"}
        How to draw them (see the module docstring).
    highlight_ids : sequence of str
        Incident ids to draw on top with a thick outline (e.g. those behind an alert).
    prepared : IncidentPayload, optional
        The result of :func:`prepare_incidents` (e.g. cached by the page); then
        ``incidents`` and ``highlight_ids`` are not read.
    """
    element = IncidentLayer(incidents, style=style, show_precision=show_precision,
                            highlight_ids=highlight_ids, prepared=prepared)
    group = folium.FeatureGroup(name="Incidents")
    element.add_to(group)
    logger.info("incidents layer: %d incidents in %d chunk(s), style %s, %s payload", element.prepared.n,
                len(element.prepared.chunks), style, element.prepared.encoding)
    return LayerBundle([group], _legend(element.prepared, style))
