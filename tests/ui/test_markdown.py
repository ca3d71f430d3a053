"""User and file text shown in Streamlit messages stays literal Markdown.

CommonMark lets a backslash escape any ASCII punctuation character, and an escaped
character is always literal; so text is inert if every such character is escaped.
"""

from __future__ import annotations

import re
import string

import pytest

from ui.markdown import escape_markdown


@pytest.mark.parametrize("text", [
    "![x](http://evil.example/x.png)",
    "[click](javascript:alert(1))",
    "**bold** _it_ `code` # head",
    ":red[alarm] :material/warning:",
    "<script>alert(1)</script>",
    "report_2025.csv",
    "a\\b ~~x~~ $x$",
    "Кулоб — ok",
])
def test_every_punctuation_character_is_escaped_and_nothing_else_changes(text):
    out = escape_markdown(text)
    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert out[i + 1] in string.punctuation
            i += 2
            continue
        assert out[i] not in string.punctuation, (out, i)
        i += 1
    assert re.sub(r"\\(.)", r"\1", out) == text


def test_line_breaks_become_spaces():
    assert escape_markdown("a\n\nb") == "a b"
