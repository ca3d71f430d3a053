"""The tabs below the map: border figures, places and their sources, about the data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo.border import OFFICIAL_BREAKDOWN_KM, OFFICIAL_LENGTH_KM, hausdorff_km, segment_border
from geo.csv_tables import border_segments_csv
from geo.precision import COUNTING_RULE, segment_incident_counts
from geo.scene_data import SceneData
from layers.places import PLACE_STYLES
from ui import state


@st.cache_data(show_spinner=False)
def _segments_table(data_dir: str, segment_km: float) -> pd.DataFrame:
    """The border cut into segments (no geometry), per data folder and segment length."""
    return segment_border(state.scene_data().border, segment_km).drop(columns="geometry")


@st.cache_data(show_spinner=False)
def _segments_csv(data_dir: str, segment_km: float) -> bytes:
    return border_segments_csv(state.scene_data().border, segment_km)


@st.cache_data(show_spinner=False)
def _hausdorff_to_reference_km(data_dir: str) -> float:
    data = state.scene_data()
    return hausdorff_km(data.border.line, data.reference_border.geometry.iloc[0])


#: Records this close to the border (km) count toward its segments.
NEAR_KM = 10.0


def segment_counts(segs: pd.DataFrame, records: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """``segs`` with the records within :data:`NEAR_KM` of each segment, certain and possible
    (:func:`geo.precision.segment_incident_counts`; ``records`` located, see
    :func:`geo.incident_filters.locate_incidents`). A new frame."""
    if records is None or "chainage_km_min" not in records:
        return segs
    edges = np.append(segs["from_km"].to_numpy(), segs["to_km"].to_numpy()[-1:])
    at_least, at_most = segment_incident_counts(
        edges, records["chainage_km_min"].to_numpy(dtype=float), records["chainage_km_max"].to_numpy(dtype=float),
        records["border_km_min"].to_numpy(dtype=float), records["border_km_max"].to_numpy(dtype=float), NEAR_KM)
    return segs.assign(incidents_certain=at_least, incidents_possible=at_most)


def border_figures(data: SceneData, records: gpd.GeoDataFrame | None = None) -> None:
    """Measured length vs the official figure, and why they differ; the segments with the
    ``records`` (the filtered store, located) near each."""
    border = data.border
    ref = data.reference_border.iloc[0]
    c1, c2, c3 = st.columns(3)
    c1.metric("Measured length (DCW-GMT, geodesic)", f"{border.length_km:,.1f} km")
    c2.metric("Official length (Tajik MFA)", f"{OFFICIAL_LENGTH_KM:,.2f} km",
              delta=f"{border.length_km - OFFICIAL_LENGTH_KM:,.1f} km measured − official",
              delta_color="off")
    c3.metric("Natural Earth 10m (comparison)", f"{float(ref['length_km']):,.1f} km")
    st.markdown(
        f"The official figure is **{OFFICIAL_LENGTH_KM:,.2f} km**: "
        f"{OFFICIAL_BREAKDOWN_KM['river']:,.1f} km along rivers (the Panj and Amu Darya), "
        f"{OFFICIAL_BREAKDOWN_KM['land']:,.2f} km over land and {OFFICIAL_BREAKDOWN_KM['lake']:,.0f} km "
        "through lakes. Any line digitised at 1:1,000,000 smooths the river's meanders, so it "
        "comes out shorter; the finer the source, the closer to the official length. The two open "
        f"sources differ from each other by up to **{_hausdorff_to_reference_km(state.data_dir()):.1f} km** "
        "(Hausdorff distance): read positions near the river with that uncertainty in mind."
    )
    st.caption(
        f"Ends: west (Uzbekistan tripoint) lat {border.west_end[1]:.4f}, lon {border.west_end[0]:.4f}; "
        f"east (China tripoint) lat {border.east_end[1]:.4f}, lon {border.east_end[0]:.4f}. "
        "Chainage runs west → east in km from the Uzbek tripoint."
    )
    segment_km = st.select_slider("Segment length (km)", options=[1.0, 5.0, 10.0, 25.0, 50.0], value=10.0,
                                  key="border_segment_km", persist_state="page")
    segs = segment_counts(_segments_table(state.data_dir(), segment_km), records)
    if "incidents_possible" in segs:
        st.caption(f"Incidents: the filtered records within {NEAR_KM:g} km of each segment. {COUNTING_RULE}")
    st.dataframe(segs.round(3), hide_index=True, width="stretch", height=260,
                 column_config={"incidents_certain": st.column_config.NumberColumn(
                                    "incidents, certain", help="records whose whole precision circle lies "
                                    f"within {NEAR_KM:g} km of the border and inside this segment's chainage"),
                                "incidents_possible": st.column_config.NumberColumn(
                                    "incidents, possible", help="records whose precision circle reaches "
                                    f"within {NEAR_KM:g} km of the border along this segment")})
    st.download_button("Download the segments (CSV)", _segments_csv(state.data_dir(), segment_km),
                       file_name=f"border_segments_{segment_km:g}km.csv", mime="text/csv")


def places_table(data: SceneData) -> None:
    """Every shipped place with its provenance."""
    places = data.places
    cols = [c for c in ("name", "kind", "description", "confidence", "precision_km", "precision_label",
                        "location_note", "source", "source_date", "source_url") if c in places]
    table = pd.DataFrame(places[cols]).copy()
    table.insert(1, "lat", places.geometry.y.round(4))
    table.insert(2, "lon", places.geometry.x.round(4))
    table["kind"] = table["kind"].map(lambda k: PLACE_STYLES[k].title if k in PLACE_STYLES else k)
    kinds = st.multiselect("Kinds", sorted(table["kind"].unique()), key="places_kinds", persist_state="page")
    if kinds:
        table = table[table["kind"].isin(kinds)]
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"source_url": st.column_config.LinkColumn("source_url")})
    st.caption("Approximate places (confidence 'approximate') are drawn hollow with a dashed circle "
               "whose radius is their location precision.")


def about_data(data: SceneData) -> None:
    """Provenance of every layer."""
    rows = []
    for name, frame in (("Border line", data.border_frame if hasattr(data, "border_frame") else None),
                        ("Countries", data.countries), ("Border (comparison)", data.reference_border),
                        ("Reference places", data.places)):
        if frame is None:
            continue
        meta = frame.attrs.get("metadata", {})
        first = frame.iloc[0]
        rows.append({"layer": name, "features": len(frame),
                     "source": meta.get("source") or first.get("source"),
                     "licence": meta.get("licence") or first.get("licence"),
                     "version / built": meta.get("version") or meta.get("built"),
                     "source_url": meta.get("source_url") or first.get("source_url")})
    rows.insert(0, {"layer": "Border line", "features": 1, "source": data.border.source,
                    "licence": data.countries.attrs.get("metadata", {}).get("licence"),
                    "version / built": data.countries.attrs.get("metadata", {}).get("built"),
                    "source_url": data.countries.attrs.get("metadata", {}).get("source_url")})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"source_url": st.column_config.LinkColumn("source_url")})
    st.markdown(
        "- **Border and countries**: built by `data/build/build_border.py` from DCW-GMT; the Natural "
        "Earth line is shown only for comparison.\n"
        "- **Places and incidents**: each feature carries its source, the date of that source, a "
        "location precision in km and a confidence (assessed / claimed / approximate). Locations known "
        "only to a town or district are approximate and drawn as such.\n"
        "- **Scenarios and triggers** cite the Lansing Institute analysis (2025).\n"
        "- **Basemaps**: OpenStreetMap, OpenTopoMap and Esri tiles need internet; the offline basemap "
        "is drawn from the country polygons above."
    )
