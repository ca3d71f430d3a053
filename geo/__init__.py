"""Border Map analysis core: pure functions on GeoDataFrames and arrays.

Nothing in this package imports Streamlit or Folium; the page (``app.py``) and the
map layers (``layers/``) call into it, and so does the command line (``python -m geo``).
"""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
