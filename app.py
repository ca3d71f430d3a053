"""Border Map — the Streamlit page.

Run with ``streamlit run app.py``. Everything here is page logic; analysis lives in
``geo/`` and map layers in ``layers/``.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from geo.errors import BorderMapError
from geo.incident_filters import filter_incidents
from layers.places import PLACE_STYLES
from layers.scene import OVERLAYS
from ui import (
    coverage_tab,
    exports,
    incident_form,
    incident_import,
    incident_sidebar,
    incident_table,
    map_view,
    review,
    sidebar,
    state,
    tabs,
    triggers_tab,
)
from ui import incidents_state as inc
from ui import terrain as terrain_ui
from ui.map_view import show_map
from ui.markdown import escape_markdown

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
    try:
        records = inc.records()
    except BorderMapError as exc:
        st.error(f"The incident store cannot be read: {escape_markdown(exc)}")
        st.stop()
    kinds = set(data.places["kind"])
    available = {k for k in OVERLAYS if k not in PLACE_STYLES or k in kinds}
    options = sidebar.scene_options(available)
    relief, relief_legend = terrain_ui.map_layers(terrain_ui.sidebar_choice())
    view = incident_sidebar.sidebar_view(records)
    shown = filter_incidents(records, view.flt)
    map_slot = st.container()  # drawn after the tabs, which supply the analysis layers
    (t_add, t_inc, t_import, t_border, t_terrain, t_coverage, t_triggers, t_places,
     t_about) = st.tabs(["Add incident", "Incidents", "Import incidents", "Border figures", "Terrain",
                         "Patrol coverage", "Escalation triggers", "Places and sources", "About the data"])
    with t_add:
        # the map is drawn below the tabs: its last click is read from the session state
        incident_form.entry_panel(data, st.session_state.get("main_map"))
    with t_inc:
        incident_table.incidents_tab(shown, len(records))
    with t_import:
        incident_import.import_panel()
        review.review_panel(records)
    with t_border:
        tabs.border_figures(data)
    with t_terrain:
        terrain_ui.render_tab()
    with t_places:
        tabs.places_table(data)
    with t_coverage:
        # gaps are ranked by the incidents in the store (not the shipped seeds alone)
        coverage_bundles = coverage_tab.render(replace(data, incidents=records))
    with t_triggers:
        trigger_ids = triggers_tab.render(records, data)
        st.session_state["highlight_ids"] = trigger_ids
    with t_about:
        tabs.about_data(data)
    exports.render(replace(data, incidents=shown), options, map_view.current_view(), map_view.current_bbox())
    incidents = None
    if "incidents" in options.overlays:  # drawn from the store, filtered, not from the shipped data
        selected = st.session_state.get("inc_selected")
        highlight = (*trigger_ids, *((selected,) if selected else ()))
        incidents = inc.incidents_bundle(shown, options.show_precision, view.style, highlight, view.flt)
    map_options = replace(options, overlays=tuple(o for o in options.overlays if o != "incidents"))
    with map_slot:
        show_map(data, map_options, extra_bundles=[*relief_legend, *coverage_bundles],
                 extra_base_overlays=relief,
                 live_bundles=[incidents] if incidents is not None else [])
    incident_sidebar.playback_tick(view)


main()
# after main(): the run's own objects are garbage by now, only the long-lived ones are kept
state.freeze_long_lived_objects()
