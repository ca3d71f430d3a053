"""The page's layout for work: the map and a working panel side by side on wide screens.

At widths of at least :data:`WIDE_PX` the map column (:data:`MAP_SHARE` of the page's width)
stays in view (CSS ``position: sticky``) and fills the viewport's height while the panel beside
it scrolls; narrower screens stack the panel under the map. The CSS is one small ``<style>``
block of fixed text (nothing from data or users reaches it).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit import config
from streamlit.delta_generator import DeltaGenerator

#: Narrowest viewport (px) with map and panel side by side.
WIDE_PX = 1280
#: Share of the page's width (the part beside the sidebar) the map takes on wide screens.
MAP_SHARE = 0.62
#: Keys of the two containers (Streamlit gives each the class ``st-key-<key>``).
MAP_KEY = "page_map"
PANEL_KEY = "page_panel"
#: Key of the panel's tabs (its value: the open tab's label).
TABS_KEY = "page_tab"
#: Map height (px) when the CSS cannot size it (narrow screens, or no CSS at all).
FALLBACK_MAP_HEIGHT_PX = 620

_CSS = f"""
<style>
/* less empty space around the page and a one-line title, so map and panel start high */
[data-testid="stMainBlockContainer"] {{ padding: 3.6rem 1.5rem 2rem 1.5rem; max-width: none; }}
[data-testid="stMainBlockContainer"] h2 {{ font-size: 1.45rem; padding: 0 0 0.1rem 0; }}
/* the working panel: compact figures that wrap instead of being cut with an ellipsis */
.st-key-{PANEL_KEY} [data-testid="stMetricValue"] {{ font-size: 1.3rem; }}
.st-key-{PANEL_KEY} [data-testid="stMetricValue"] > div {{ white-space: normal; overflow: visible;
  text-overflow: clip; }}
/* the panel's tabs wrap onto more rows instead of scrolling sideways out of a narrow panel */
.st-key-{PANEL_KEY} [role="tablist"] {{ flex-wrap: wrap; overflow-x: visible; row-gap: 0.15rem; }}
@media (min-width: {WIDE_PX}px) {{
  /* the map column stays in view while the panel scrolls */
  [data-testid="stColumn"]:has(> div > .st-key-{MAP_KEY}),
  [data-testid="stColumn"]:has(.st-key-{MAP_KEY}) {{
    position: sticky; top: 3.75rem; align-self: flex-start; z-index: 2; }}
  /* and fills the viewport's height (below Streamlit's own top bar) */
  .st-key-{MAP_KEY} iframe[title="streamlit_folium.st_folium"] {{ height: calc(100vh - 8rem) !important; }}
}}
@media (max-width: {WIDE_PX - 1}px) {{
  /* narrow: the panel below the map, both the page's full width */
  [data-testid="stHorizontalBlock"]:has(.st-key-{MAP_KEY}) {{ flex-direction: column; }}
  [data-testid="stHorizontalBlock"]:has(.st-key-{MAP_KEY}) > [data-testid="stColumn"] {{
    width: 100% !important; flex: 1 1 100% !important; }}
}}
</style>
"""


def inject_css() -> None:
    """Add the layout's ``<style>`` to the page (once per run; it renders nothing visible)."""
    st.html(_CSS)


def work_area() -> tuple[DeltaGenerator, DeltaGenerator]:
    """(map container, panel container): side by side on wide screens, stacked on narrow ones."""
    map_col, panel_col = st.columns([MAP_SHARE, 1 - MAP_SHARE], gap="medium")
    return map_col.container(key=MAP_KEY), panel_col.container(key=PANEL_KEY)


def work_tabs(labels: Sequence[str]) -> Sequence[DeltaGenerator]:
    """The panel's tabs, which know which one is open: choosing a tab runs the script, so a tab's
    content can be drawn only while it is open (see :func:`is_open`) and nothing of a closed tab
    travels to the browser on a rerun (a save, a filter)."""
    return st.tabs(list(labels), key=TABS_KEY, on_change="rerun")


def is_open(tab: DeltaGenerator) -> bool:
    """Whether to draw ``tab``'s content in this run: while it is the open tab.

    Under Streamlit's AppTest (which cannot choose a tab) every tab is drawn, as Streamlit itself
    sends every dataframe whole there; the browser tests check the open-tab behaviour.
    """
    if config.get_option("global.appTest"):  # set by AppTest while it runs the script
        return True
    return getattr(tab, "open", None) is not False
