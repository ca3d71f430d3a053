"""Escaping for HTML/JS and neutralising CSV formulas."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from geo.sanitize import csv_safe, escape_html


def test_escape_html_neutralises_template_literal_characters():
    out = escape_html("<b onclick='x'>${a}`\\</b>")
    for bad in ("<", ">", "'", '"', "$", "`", "\\"):
        assert bad not in out
    assert out.startswith("&lt;b")


@given(st.text())
def test_escaped_text_never_contains_active_characters(text):
    out = escape_html(text)
    assert not set(out) & set("<>\"'`$\\")


def test_none_and_nan_are_empty():
    assert escape_html(None) == ""
    assert escape_html(float("nan")) == ""


def test_csv_safe():
    assert csv_safe("=HYPERLINK(\"http://x\")").startswith("'=")
    for prefix in "=+-@":
        assert csv_safe(prefix + "1").startswith("'")
    assert csv_safe("plain") == "plain"
    assert csv_safe(-3) == -3
    assert csv_safe("\t=1").startswith("'")
