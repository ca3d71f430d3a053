"""Border Map — the Streamlit page.

Run with ``streamlit run app.py``. Everything here is page logic; analysis lives in
``geo/`` and map layers in ``layers/``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

import geopandas as gpd
import streamlit as st

from geo.errors import BorderMapError
from geo.incident_filters import IncidentFilter, filter_incidents
from layers.base import LayerBundle
from layers.pin import pin_layer
from layers.scene import SceneData, available_overlays
from ui import (
    access,
    chainage_time,
    coverage_tab,
    exports,
    incident_form,
    incident_import,
    incident_sidebar,
    incident_table,
    layout,
    map_context,
    page_state,
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
    """Draw the page: read its state once, draw the sidebar, the working panel and the map."""
    layout.inject_css()
    st.header("Border Map · Tajikistan–Afghanistan border")
    st.caption("Incidents, Chinese project sites, the Russian 201st Military Base and the terrain along "
               "the 1,344-km border. Click any feature for its source and location precision.")
    try:
        who = access.gate()  # a team logs in; one analyst on this machine types a name
    except BorderMapError as exc:
        st.error(f"The incident store cannot be read: {escape_markdown(exc)}")
        st.stop()
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
    page = page_state.read(who)
    access.account_box(page.access)
    options = sidebar.scene_options(available_overlays(data))
    terrain_choice = terrain_ui.sidebar_choice(page.dem)
    relief, relief_legend = terrain_ui.map_layers(terrain_choice)
    view = incident_sidebar.sidebar_view(records)
    shown = filter_incidents(records, view.flt)
    map_area, panel = layout.work_area()
    with panel:
        point, coverage_bundles, trigger_ids = _panel(page, data, records, shown, view.flt)
    highlight = (*trigger_ids, *((page.selected,) if page.selected else ()))
    # crossing status on the date shown (the date filter's end or the playback's month) and origin arcs
    context = map_context.live_bundles(data, shown, options.overlays, view.flt.date_to or dt.date.today())
    # the exports get every layer the map gets (relief, coverage, zones, highlights, the pin)
    exports.render(replace(data, incidents=shown), options, page.event.view, page.event.bbox,
                   exports.OnScreen(relief=tuple(relief), terrain=terrain_choice,
                                    bundles=(*relief_legend, *coverage_bundles, *context), pin=point,
                                    highlight_ids=highlight, incident_style=view.style))
    live = []
    if "incidents" in options.overlays:  # drawn from the store, filtered, not from the shipped data
        live.append(inc.incidents_bundle(shown, options.show_precision, view.style, highlight, view.flt))
    live += context
    if point is not None:
        live.append(pin_layer(*point))
    map_options = replace(options, overlays=tuple(o for o in options.overlays if o != "incidents"))
    with map_area:
        show_map(data, map_options, height=layout.FALLBACK_MAP_HEIGHT_PX,
                 extra_bundles=[*relief_legend, *coverage_bundles], extra_base_overlays=relief,
                 live_bundles=live, fill_frame=True)
    incident_sidebar.playback_tick(view)


def _panel(page: page_state.PageState, data: SceneData, records: gpd.GeoDataFrame,
           shown: gpd.GeoDataFrame, flt: IncidentFilter,
           ) -> tuple[tuple[float, float, float] | None, list[LayerBundle], list[str]]:
    """The working panel's tabs; returns what they put on the map: the point being entered (lat,
    lon degrees, precision km), the coverage tab's layers and the ids of the trigger chosen for
    highlighting.

    The tabs that show (large) results are drawn only while open (:func:`ui.layout.work_tabs`);
    the ones holding work in progress (the form, an import, the coverage scenario) always are."""
    (t_add, t_inc, t_import, t_coverage, t_triggers, t_terrain, t_border, t_places,
     t_about) = layout.work_tabs(["Add incident", "Incidents", "Import incidents", "Patrol coverage",
                                  "Escalation triggers", "Terrain", "Border figures", "Places and sources",
                                  "About the data"])
    with t_add:
        point = None
        if page.access.may("add"):
            point = incident_form.entry_panel(data, page.event.click, page.dem.source)
        else:  # a role taken away while the form was open: say why the save was refused
            access.not_allowed(page.access, "add")
            incident_form.show_error()
    if layout.is_open(t_inc):
        with t_inc:
            chainage_time.render(shown, data, page.selected, flt)
            incident_table.incidents_tab(shown, len(records), page.selected)
    with t_import:
        if page.access.may("import"):
            incident_import.import_panel(page.user)
            review.review_panel(records, page.user)
        else:
            access.not_allowed(page.access, "import")
    with t_coverage:
        # gaps are ranked by the incidents in the store (not the shipped seeds alone)
        coverage_bundles = coverage_tab.render(replace(data, incidents=records), page.dem, page.event, page.user)
    if layout.is_open(t_triggers):
        with t_triggers:
            trigger_ids = triggers_tab.render(records, data, shown)
    else:  # the highlight chosen there stays on the map
        trigger_ids = triggers_tab.highlighted_ids(records, data)
    if layout.is_open(t_terrain):
        with t_terrain:
            terrain_ui.render_tab(page.dem)
    if layout.is_open(t_border):
        with t_border:
            tabs.border_figures(data, shown)
    if layout.is_open(t_places):
        with t_places:
            tabs.places_table(data)
    if layout.is_open(t_about):
        with t_about:
            tabs.about_data(data)
    return point, coverage_bundles, trigger_ids

main()
# after main(): the run's own objects are garbage by now, only the long-lived ones are kept
state.freeze_long_lived_objects()
