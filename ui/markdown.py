"""Text from users or files shown inside Streamlit's Markdown (st.error, st.success, captions).

``st.markdown`` never renders HTML here, but it would still render Markdown links,
images (fetched from anywhere) and Streamlit's colour/icon directives from a file name
or a typed value. :func:`escape_markdown` makes such text literal.
"""

from __future__ import annotations

import re
from typing import Any

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(value: Any) -> str:
    """``value`` as Markdown that shows exactly that text (ASCII punctuation backslash-escaped,
    line breaks as spaces).

    >>> escape_markdown("![x](http://e/x.png) *a*")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\:\\\\/\\\\/e\\\\/x\\\\.png\\\\) \\\\*a\\\\*'
    """
    text = " ".join(str(value).split())
    return _PUNCT.sub(r"\\\1", text)
