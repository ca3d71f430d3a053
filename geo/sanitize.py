"""Making untrusted text inert where it is shown or exported.

Folium places popup, tooltip and legend HTML inside JavaScript template literals,
so HTML escaping alone is not enough: ``${…}``, backticks and backslashes must be
neutralised too (measured in a real browser; see tests/browser). Every string of
data that reaches a popup, tooltip, legend, table HTML or HTML export goes through
:func:`escape_html`. Every cell written to CSV goes through :func:`csv_safe`.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

_JS_TEMPLATE_CHARS = {"$": "&#36;", "`": "&#96;", "\\": "&#92;"}
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def escape_html(value: Any) -> str:
    """Return ``value`` as text safe inside HTML *and* a JS template literal.

    >>> escape_html("<b>${alert(1)}</b>")
    '&lt;b&gt;&#36;{alert(1)}&lt;/b&gt;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    text = html.escape(str(value), quote=True)
    for char, entity in _JS_TEMPLATE_CHARS.items():
        text = text.replace(char, entity)
    return text


def csv_safe(value: Any) -> Any:
    """Neutralise a CSV cell that a spreadsheet would run as a formula.

    Strings starting with ``= + - @`` (or tab/CR/LF, or their full-width forms) get a
    leading apostrophe; numbers pass through unchanged (a negative number is data,
    not a formula).

    >>> csv_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_safe(-3)
    -3
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
