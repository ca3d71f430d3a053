"""The "Import" panel: upload → preview with every rejected row → import in one transaction → report.

The upload is copied to a private temporary file (named by us, never by the upload)
only while it is read, and removed at once. Re-importing the same file adds nothing:
rows already in the store are counted as duplicates.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.errors import BorderMapError
from geo.importers import FORMATS, Preview, check_upload_size, gpkg_layers, import_file, preview_file
from ui import incidents_state
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
def _preview(digest: str, name: str, suffix: str, layer: str | None, _payload: bytes) -> Preview:
    with _temp_copy(_payload, name, suffix) as path:
        return preview_file(path, n=20, layer=layer)


def _rejections_table(rejected: list[dict[str, object]] | tuple) -> pd.DataFrame:
    rows = [r if isinstance(r, dict) else r.to_dict() for r in rejected]
    return pd.DataFrame(rows, columns=["row", "reason"])


def _show_report() -> None:
    report = st.session_state.get("_inc_import_report")
    if not report:
        return
    st.success(f"{escape_markdown(report['file'])}: {report['imported']:,} imported, {report['duplicates']:,} already in the "
               f"store (skipped), {len(report['rejected']):,} rejected.")
    if report["rejected"]:
        st.markdown("**Rejected rows** (row number in the file and the reason)")
        st.dataframe(_rejections_table(report["rejected"]), hide_index=True, key="inc_import_rejected")


def _import(suffix: str, layer: str | None, user: str | None) -> None:
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
        with _temp_copy(upload.getvalue(), upload.name, suffix) as path:
            report = import_file(incidents_state.store(), path, user, layer=layer)
    except BorderMapError as exc:
        ss["_inc_import_error"] = f"Nothing imported — {escape_markdown(exc)}"
        return
    except Exception:  # a file no check foresaw: one sentence here, the details in the log
        logger.exception("import of an uploaded %s file failed", suffix)
        ss["_inc_import_error"] = (f"Nothing imported — {escape_markdown(upload.name)} could not be read "
                                   "(details are in the server log).")
        return
    ss["_inc_import_report"] = {"file": upload.name, **report.to_dict()}


def import_panel(user: str | None) -> None:
    """Upload, preview, import, report; ``user`` is the analyst's name written in the history."""
    st.caption("ACLED export CSV, any CSV with latitude/longitude columns, GeoJSON, KML/KMZ (Google Earth) "
               f"or a GeoPackage layer — at most {MAX_UPLOAD_MB} MB. Valid rows go in together; rows "
               "already in the store are skipped, so importing a file twice adds nothing.")
    upload = st.file_uploader(f"File to import (≤ {MAX_UPLOAD_MB} MB)", type=UPLOAD_TYPES, key="inc_upload",
                              max_upload_size=MAX_UPLOAD_MB)
    if upload is None:
        _show_report()
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
        preview = _preview(digest, upload.name, suffix, layer, payload)
    except BorderMapError as exc:
        st.error(f"{name} cannot be imported: {escape_markdown(exc)}")
        return
    except Exception:  # a file no check foresaw: one sentence here, the details in the server log
        logger.exception("import preview of an uploaded %s file failed", suffix)
        st.error(f"{name} cannot be imported: it could not be read as {suffix} (details are in the "
                 "server log).")
        return
    st.markdown(f"**{name}** ({preview.format}): {preview.total_rows:,} rows, "
                f"{preview.valid_rows:,} valid, {len(preview.rejected):,} rejected.")
    if preview.ignored_columns:
        st.caption("Columns not imported: " + escape_markdown(", ".join(preview.ignored_columns[:30])))
    if preview.rows:
        shown = pd.DataFrame(list(preview.rows))
        st.dataframe(shown[[c for c in PREVIEW_COLUMNS if c in shown]], hide_index=True,
                     key="inc_import_preview")
    if preview.rejected:
        st.markdown("**Rows that will be rejected** (row number in the file and the reason)")
        st.dataframe(_rejections_table(preview.rejected), hide_index=True, key="inc_preview_rejected")
    st.button(f"Import {preview.valid_rows:,} valid rows", key="inc_import_go", type="primary",
              disabled=preview.valid_rows == 0, on_click=_import, args=(suffix, layer, user))
    if error := st.session_state.pop("_inc_import_error", None):
        st.error(error)
        return
    _show_report()
