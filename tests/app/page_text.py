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
