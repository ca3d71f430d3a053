"""The "Import" panel: upload → defaults → preview with every rejected row → import in one transaction
→ report.

Rows without an event type come in as "Unclassified — needs review" unless the user sets a
default event type; defaults for the date, source and confidence fill rows that lack them
(never overwrite what the file says). The report of an import is shown only while its file
is the one chosen: choosing another file clears it.

The upload is copied to a private temporary file (named by us, never by the upload)
only while it is read, and removed at once. Re-importing the same file adds nothing:
rows already in the store are counted as duplicates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.datasets import CONFIDENCE_VALUES
from geo.errors import BorderMapError, InvalidInputError
from geo.importers import (
    FORMATS,
    ImportDefaults,
    Preview,
    check_upload_size,
    gpkg_layers,
    import_defaults,
    import_file,
    preview_file,
)
from geo.incidents import UNCLASSIFIED
from ui import incidents_state, page_state
from ui.incident_form import EVENT_CHOICES
from ui.markdown import escape_markdown

logger = logging.getLogger(__name__)

#: Largest file accepted by the import panel, MB of 1,000,000 bytes (the browser's count, checked
#: again on the server).
MAX_UPLOAD_MB = 50
UPLOAD_TYPES = ["csv", "geojson", "json", "kml", "kmz", "gpkg"]
PREVIEW_COLUMNS = ("event_date", "event_type", "sub_event_type", "location", "latitude", "longitude",
                   "fatalities", "actor1", "actor2", "source", "notes")


def _safe_name(name: str, suffix: str) -> str:
    """The upload's own file name, reduced to plain characters (messages name it, not a temp path)."""
    stem = re.sub(r"[^\w.\- ]+", "_", Path(name).stem).strip(" .")[:80] or "upload"
    return stem + suffix


@contextlib.contextmanager
def _temp_copy(payload: bytes, name: str, suffix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bordermap-import-") as tmp:
        path = Path(tmp) / _safe_name(name, suffix)
        path.write_bytes(payload)
        yield path


@st.cache_data(show_spinner=False, max_entries=8)
def _gpkg_layers(digest: str, name: str, _payload: bytes) -> list[str]:
    with _temp_copy(_payload, name, ".gpkg") as path:
        return gpkg_layers(path)


@st.cache_data(show_spinner="Reading the file…", max_entries=8)
def _preview(digest: str, name: str, suffix: str, layer: str | None, defaults: tuple[str | None, ...],
             _payload: bytes) -> Preview:
    with _temp_copy(_payload, name, suffix) as path:
        return preview_file(path, n=20, layer=layer, defaults=ImportDefaults(*defaults))


def _defaults_inputs() -> ImportDefaults:
    """The user's defaults for rows that lack a value (checked; raises ``InvalidInputError``)."""
    st.markdown("**Defaults for rows that lack them** (a file's own values are always kept)")
    c1, c2, c3, c4 = st.columns(4)
    event = c1.selectbox("Event type", list(EVENT_CHOICES), index=None, key="inc_def_type",
                         format_func=lambda c: f"{c[1]} ({c[0]})",
                         placeholder="none: come in unclassified",
                         help=f"Rows without an event type come in as '{UNCLASSIFIED}' unless you set "
                              "one here; classify them later in the review list below.")
    day = c2.date_input("Event date", value=None, key="inc_def_date", format="YYYY-MM-DD",
                        min_value=dt.date(1900, 1, 1), max_value=dt.datetime.now(dt.UTC).date(),
                        help="Rows without a date are rejected unless you set one here.")
    source = c3.text_input("Source", key="inc_def_source", max_chars=500, placeholder="e.g. field notes")
    confidence = c4.selectbox("Confidence", list(CONFIDENCE_VALUES), index=None, key="inc_def_confidence",
                              placeholder="none")
    return import_defaults(event[1] if event else None, day.isoformat() if day else None, source, confidence)


def _clear_report() -> None:
    """A new file is chosen (or the file removed): the last import's report no longer applies."""
    st.session_state.pop("_inc_import_report", None)


def _rejections_table(rejected: list[dict[str, object]] | tuple) -> pd.DataFrame:
    rows = [r if isinstance(r, dict) else r.to_dict() for r in rejected]
    return pd.DataFrame(rows, columns=["row", "reason"])


def _show_report(digest: str) -> None:
    """The report of the last import, if it was of the file chosen now (``digest``: its SHA-256)."""
    report = st.session_state.get("_inc_import_report")
    if not report or report.get("digest") != digest:
        return
    st.success(f"{escape_markdown(report['file'])}: {report['imported']:,} imported, {report['duplicates']:,} already in the "
               f"store (skipped), {len(report['rejected']):,} rejected.")
    if report["rejected"]:
        st.markdown("**Rejected rows** (row number in the file and the reason)")
        st.dataframe(_rejections_table(report["rejected"]), hide_index=True, key="inc_import_rejected")


def _import(suffix: str, layer: str | None, user: str | None, defaults: ImportDefaults, digest: str) -> None:
    """The import button's callback: the uploaded file into the store in one transaction; the
    report (or the error) kept for the run that follows."""
    ss = st.session_state
    upload = ss.get("inc_upload")
    if upload is None:
        return
    if user is None:
        ss["_inc_import_error"] = "Nothing imported — type your name in the sidebar first (it is kept in each record's history)."
        return
    try:
        page_state.current_access().check("import")
        with _temp_copy(upload.getvalue(), upload.name, suffix) as path:
            report = import_file(incidents_state.store(), path, user, layer=layer, defaults=defaults)
    except BorderMapError as exc:
        ss["_inc_import_error"] = f"Nothing imported — {escape_markdown(exc)}"
        return
    except Exception:  # a file no check foresaw: one sentence here, the details in the log
        logger.exception("import of an uploaded %s file failed", suffix)
        ss["_inc_import_error"] = (f"Nothing imported — {escape_markdown(upload.name)} could not be read "
                                   "(details are in the server log).")
        return
    ss["_inc_import_report"] = {"file": upload.name, "digest": digest, **report.to_dict()}


def import_panel(user: str | None) -> None:
    """Upload, preview, import, report; ``user`` is the analyst's name written in the history."""
    st.caption("ACLED export CSV, any CSV with latitude/longitude columns, GeoJSON, KML/KMZ (Google Earth) "
               f"or a GeoPackage layer — at most {MAX_UPLOAD_MB} MB. Valid rows go in together; rows "
               "already in the store are skipped, so importing a file twice adds nothing.")
    upload = st.file_uploader(f"File to import (≤ {MAX_UPLOAD_MB} MB)", type=UPLOAD_TYPES, key="inc_upload",
                              max_upload_size=MAX_UPLOAD_MB, on_change=_clear_report)
    if upload is None:
        return
    payload = upload.getvalue()
    name = escape_markdown(upload.name)
    try:
        check_upload_size(len(payload), MAX_UPLOAD_MB, upload.name)
    except BorderMapError as exc:
        st.error(f"{escape_markdown(exc)}: split it, or import it with the command line "
                 "(python -m geo incidents import).")
        return
    suffix = Path(upload.name).suffix.lower()
    if suffix not in FORMATS:
        st.error(f"{name}: unknown file type {escape_markdown(suffix or '(none)')}; use .{', .'.join(UPLOAD_TYPES)}")
        return
    digest = hashlib.sha256(payload).hexdigest()
    layer = None
    try:
        if suffix == ".gpkg":
            layers = _gpkg_layers(digest, upload.name, payload)
            if len(layers) > 1:
                layer = st.selectbox("GeoPackage layer", layers, key="inc_import_layer")
        try:
            defaults = _defaults_inputs()
        except InvalidInputError as exc:
            st.error(f"The defaults for {name} cannot be used: {escape_markdown(exc)}.")
            return
        preview = _preview(digest, upload.name, suffix, layer, (defaults.event_type, defaults.event_date,
                                                               defaults.source, defaults.confidence), payload)
    except BorderMapError as exc:
        st.error(f"{name} cannot be imported: {escape_markdown(exc)}")
        return
    except Exception:  # a file no check foresaw: one sentence here, the details in the server log
        logger.exception("import preview of an uploaded %s file failed", suffix)
        st.error(f"{name} cannot be imported: it could not be read as {suffix} (details are in the "
                 "server log).")
        return
    unclassified = (f" ({preview.unclassified_rows:,} without an event type: they come in unclassified, "
                    "for review)" if preview.unclassified_rows else "")
    st.markdown(f"**{name}** ({preview.format}): {preview.total_rows:,} rows, "
                f"{preview.valid_rows:,} valid{unclassified}, {len(preview.rejected):,} rejected.")
    if preview.ignored_columns:
        st.caption("Columns not imported: " + escape_markdown(", ".join(preview.ignored_columns[:30])))
    if preview.rows:
        shown = pd.DataFrame(list(preview.rows))
        st.dataframe(shown[[c for c in PREVIEW_COLUMNS if c in shown]], hide_index=True,
                     key="inc_import_preview")
    if preview.rejected:
        st.markdown("**Rows that will be rejected** (row number in the file and the reason)")
        st.dataframe(_rejections_table(preview.rejected), hide_index=True, key="inc_preview_rejected")
        if any(r.reason.startswith("event_date is required") for r in preview.rejected):
            st.caption("Rows without a date come in if you set a default event date above.")
    st.button(f"Import {preview.valid_rows:,} valid rows", key="inc_import_go", type="primary",
              disabled=preview.valid_rows == 0, on_click=_import, args=(suffix, layer, user, defaults, digest))
    if error := st.session_state.pop("_inc_import_error", None):
        st.error(error)
        return
    _show_report(digest)
