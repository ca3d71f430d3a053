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
from ui import coverage_tab, exports, sidebar, state, tabs, triggers_tab
from ui import terrain as terrain_ui
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
    relief, relief_legend = terrain_ui.map_layers(terrain_ui.sidebar_choice())
    map_slot = st.container()  # drawn after the tabs, which supply the analysis layers
    t_border, t_terrain, t_places, t_coverage, t_triggers, t_about = st.tabs(
        ["Border figures", "Terrain", "Places and sources", "Patrol coverage", "Escalation triggers",
         "About the data"])
    with t_border:
        tabs.border_figures(data)
    with t_terrain:
        terrain_ui.render_tab()
    with t_places:
        tabs.places_table(data)
    with t_coverage:
        coverage_bundles = coverage_tab.render(data)
    with t_triggers:
        incidents = data.incidents if not data.incidents.empty else triggers_tab.store_incidents()
        st.session_state["highlight_ids"] = triggers_tab.render(incidents, data)
    with t_about:
        tabs.about_data(data)
    exports.render(data, options)
    with map_slot:
        show_map(data, options, extra_bundles=[*relief_legend, *coverage_bundles],
                 extra_base_overlays=relief)


main()
