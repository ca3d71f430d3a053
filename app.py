"""Border Map — the Streamlit page.

Run with ``streamlit run app.py``. Everything here is page logic; analysis lives in
``geo/`` and map layers in ``layers/``.
"""

from __future__ import annotations

import logging

import streamlit as st

from geo.errors import BorderMapError
from layers.places import PLACE_STYLES
from layers.scene import OVERLAYS
from ui import exports, sidebar, state, tabs
from ui.map_view import show_map

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Border Map — Tajikistan–Afghanistan", page_icon="🗺️", layout="wide")


def main() -> None:
    """Draw the page."""
    st.header("Border Map · Tajikistan–Afghanistan border", divider="red")
    st.caption("Incidents, Chinese project sites, the Russian 201st Military Base and the terrain along "
               "the 1,344-km border. Click any feature for its source and location precision.")
    try:
        data = state.scene_data()
    except BorderMapError as exc:
        st.error(f"The app could not load its data: {exc}")
        st.stop()
    kinds = set(data.places["kind"])
    available = {k for k in OVERLAYS if k not in PLACE_STYLES or k in kinds}
    if data.incidents.empty:
        available.discard("incidents")
    options = sidebar.scene_options(available)
    show_map(data, options)
    exports.render(data, options)
    t_border, t_places, t_about = st.tabs(["Border figures", "Places and sources", "About the data"])
    with t_border:
        tabs.border_figures(data)
    with t_places:
        tabs.places_table(data)
    with t_about:
        tabs.about_data(data)


main()
