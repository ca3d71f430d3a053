"""Making untrusted text inert where it is shown or exported.

Folium places popup, tooltip and legend HTML inside JavaScript template literals,
so HTML escaping alone is not enough: ``${…}``, backticks and backslashes must be
neutralised too (measured in a real browser; see tests/browser). Every string of
data that reaches a popup, tooltip, legend, table HTML or HTML export goes through
:func:`escape_html`. Every cell written to CSV goes through :func:`csv_safe`.
"""

from __future__ import annotations

import html
import json
import math
import re
import sys
from typing import Any

# ``{``/``}``: folium/branca re-compile every rendered script as a Jinja template, so "{{ … }}"
# or "{% … %}" in data would run on the server (template injection) — never let them through
_JS_TEMPLATE_CHARS = {"$": "&#36;", "`": "&#96;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _missing(value: Any) -> bool:
    """None, NaN, ``pd.NA`` or ``pd.NaT`` (pandas is not imported for this: when it is not loaded,
    no NA value can exist)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    pd = sys.modules.get("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def escape_html(value: Any) -> str:
    """Return ``value`` as text safe inside HTML, a JS template literal *and* a Jinja template.

    >>> escape_html("<b>${x}</b>")
    '&lt;b&gt;&#36;&#123;x&#125;&lt;/b&gt;'
    """
    if _missing(value):
        return ""
    text = html.escape(str(value), quote=True)
    for char, entity in _JS_TEMPLATE_CHARS.items():
        text = text.replace(char, entity)
    return text


def template_safe_json(value: Any) -> str:
    """``value`` as JSON text safe inside a ``<script>`` that branca renders as a Jinja template.

    Like Jinja's ``tojson`` (``<``, ``>``, ``&``, ``'`` as ``\\u`` escapes, so no text can end
    the script), and every ``{`` that would open a Jinja tag (``{{``, ``{%``, ``{#``) written as
    ``\\u007b``. Structural JSON never has those pairs, so only string contents change, and a
    JSON parser reads the same values back.

    For example ``{"note": "{{ 7*7 }}"}`` becomes ``{"note":"\\u007b{ 7*7 }}"}``.
    """
    return script_safe_json_text(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def script_safe_json_text(text: str) -> str:
    """JSON text made safe as :func:`template_safe_json` makes it (for text already serialised,
    e.g. by geopandas). Outside strings JSON has none of the replaced characters or pairs, so
    a parser reads the same values back.

    >>> script_safe_json_text('{"name":"</script>{{x}}"}')
    '{"name":"\\\\u003c/script\\\\u003e\\\\u007b{x}}"}'
    """
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")
    return _JINJA_OPENERS.sub(r"\\u007b", text)


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
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_PREFIXES):
        return "'" + value  # also "'=x" → "''=x", so that reading back (csv_unsafe) is exact
    return value


def csv_unsafe(cell: str) -> str:
    """Undo :func:`csv_safe` on a cell read back from a CSV written by it (exact inverse).

    >>> csv_unsafe("'=1+1"), csv_unsafe("''=1"), csv_unsafe("'plain")
    ('=1+1', "'=1", "'plain")
    """
    if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_PREFIXES):
        return cell[1:]
    return cell
