"""What an AppTest run shows as text: markdown unescaped, the page's error messages."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest


def plain(markdown: str) -> str:
    """``markdown`` without its backslash escapes (as the reader sees it)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def errors(at: AppTest) -> list[str]:
    """The page's error messages, as shown."""
    return [plain(e.value) for e in at.error]


def incidents_table(at: AppTest):
    """The Incidents tab's table (the one frame with the records' id, side and sub-event type)."""
    frames = [d.value for d in at.dataframe if {"sub_event_type", "side", "id"} <= set(d.value.columns)]
    assert len(frames) == 1
    return frames[0]
