"""The incidents layer's columns, payload and legend (the drawing is tested in tests/browser)."""

from __future__ import annotations

import base64
import gzip
import json

import folium
import geopandas as gpd
import numpy as np
import pytest

from geo.errors import CRSError, InvalidInputError
from layers.assets import standalone_html
from layers.incidents import (
    EVENT_TYPE_COLORS,
    HEAT_GRADIENT,
    NOTES_MIN_CHARS,
    IncidentLayer,
    encode_columns,
    incident_columns,
    incidents_layer,
)
from layers.map import build_map
from tests.layers.synthetic_incidents import synthetic_incidents

EMPTY_FC = '{"type": "FeatureCollection", "features": []}'
HOSTILE = ["<img src=x onerror=window.__xss=1>", "${window.__xss=2}",
           "</script><script>window.__xss=3</script>", "`+(window.__xss=4)+`"]


@pytest.fixture(scope="module")
def small() -> gpd.GeoDataFrame:
    return synthetic_incidents(300, seed=3)


def _col(columns, key):
    return next(c for c in columns["cols"] if c["key"] == key)


def test_columns_keep_every_incident_with_its_fields(small):
    cols = incident_columns(small)
    assert cols["n"] == len(small)
    # row i of the columns is some input row: its coordinates, date and type agree
    lat = np.array(cols["lat"]) / cols["scale"]
    lon = np.array(cols["lon"]) / cols["scale"]
    date = _col(cols, "event_date")
    etype = _col(cols, "event_type")
    for i in (0, 57, len(small) - 1):
        match = small[(np.abs(small.geometry.y - lat[i]) < 6e-5) & (np.abs(small.geometry.x - lon[i]) < 6e-5)
                      & (small.event_date == date["table"][date["v"][i]])]
        assert etype["table"][etype["v"][i]] in set(match.event_type)
    # string tables are de-duplicated: 300 rows, 22 sources at most
    assert len(_col(cols, "source")["table"]) <= 22
    assert sorted(cols["types"]) == sorted([t, EVENT_TYPE_COLORS[t]] for t in set(small.event_type))


def test_rows_are_ordered_large_symbols_first(small):
    cols = incident_columns(small)
    size_class = np.array(cols["group"]) // 64
    assert (np.diff(size_class) <= 0).all()
    fat = np.array(_col(cols, "fatalities")["v"])
    assert fat[size_class == 0].max() == 0 and fat[size_class == size_class.max()].min() >= 1


def test_approximate_flag_and_precision(small):
    cols = incident_columns(small)
    approx = np.array(cols["approx"], dtype=bool)
    precision = np.array(cols["precision_m"])
    assert approx.sum() == ((small.confidence == "approximate") | (small.precision_km >= 2)).sum()
    assert (precision[approx] >= 10_000).all() and (precision[~approx] == 500).all()


def test_highlight_ids_point_at_those_rows(small):
    wanted = list(small.id.iloc[[4, 200]])
    cols = incident_columns(small, highlight_ids=[*wanted, "no-such-id"])
    assert len(cols["highlight"]) == 2
    for i in cols["highlight"]:
        row = small[small.id.isin(wanted)]
        assert any(abs(row.geometry.y - cols["lat"][i] / cols["scale"]) < 6e-5)


def test_missing_columns_and_bad_points_are_left_blank_or_out():
    gdf = gpd.GeoDataFrame({"event_type": ["Battles", "Made-up type", None], "fatalities": [3, None, 0]},
                           geometry=gpd.points_from_xy([70.0, 71.0, float("nan")], [37.5, 37.6, 37.7]), crs=4326)
    cols = incident_columns(gdf)
    assert cols["n"] == 2
    assert cols["types"][-1] == ["other event type", "#666666"]
    assert _col(cols, "notes")["v"] == [-1, -1] and _col(cols, "notes")["table"] == []
    assert sorted(_col(cols, "fatalities")["v"]) == [-1, 3]


def test_other_crs_is_converted_and_missing_crs_refused(small):
    a = incident_columns(small.iloc[:20])
    b = incident_columns(small.iloc[:20].to_crs(3857))
    assert np.abs(np.array(a["lat"]) - np.array(b["lat"])).max() <= 1
    with pytest.raises(CRSError, match="set_crs"):
        incident_columns(gpd.GeoDataFrame(geometry=gpd.GeoSeries(list(small.geometry.iloc[:2]))))


def test_unknown_style_is_refused(small):
    with pytest.raises(InvalidInputError, match="points, cluster, heatmap"):
        incidents_layer(small, style="dots")


def test_empty_frame_gives_an_empty_layer_and_no_legend():
    bundle = incidents_layer(gpd.GeoDataFrame({"event_type": []}, geometry=[], crs=4326))
    assert len(bundle.groups) == 1 and bundle.legend == []


def test_legend_lists_types_size_approximate_and_highlight(small):
    bundle = incidents_layer(small, highlight_ids=[small.id.iloc[0]])
    labels = [e.label for e in bundle.legend]
    for t in set(small.event_type):
        assert f"Incident: {t}" in labels
    assert any("fatalities" in label for label in labels)
    assert any(label.startswith("Approximate") for label in labels)
    assert any("Highlighted" in label for label in labels)
    heat = incidents_layer(small, style="heatmap").legend
    assert [e.label for e in heat] == ["Incident density, weighted by fatalities: low → high"]
    # the legend shows the heatmap's own ramp, low to high, not one colour
    assert heat[0].shape == "ramp" and heat[0].ramp == tuple(color for _, color in HEAT_GRADIENT)


def test_large_payload_is_compressed_and_decodes_to_the_same_columns(small):
    big = synthetic_incidents(3000, seed=1)
    payload, encoding = encode_columns(incident_columns(big))
    assert encoding == "gzip-base64"
    assert json.loads(gzip.decompress(base64.b64decode(payload))) == json.loads(json.dumps(incident_columns(big)))
    assert encode_columns(incident_columns(small.iloc[:10]))[1] == "json"


def test_hostile_text_cannot_leave_the_script(small):
    gdf = small.iloc[:4].copy()
    gdf["notes"] = HOSTILE
    gdf["location"] = HOSTILE[::-1]
    gdf["source"] = HOSTILE
    html = build_map([incidents_layer(gdf)], EMPTY_FC).get_root().render()
    # '<' '>' '&' and quotes are escaped by tojson, so no text can open a tag or end the script;
    # '${…}' and backticks are inert in a JSON string (shown literally: see tests/browser)
    for payload in HOSTILE:
        if "<" in payload:
            assert payload not in html
    assert "<img src=x" not in html and "</script><script>window" not in html
    assert html.count("<script") == html.count("</script>")


def test_heatmap_style_links_vendored_leaflet_heat(small):
    html = standalone_html(build_map([incidents_layer(small, style="heatmap")], EMPTY_FC))
    assert "L.heatLayer=function" in html and "cdn.jsdelivr" not in html
    assert '"heatGradient": {"0.4": "#0000ff"' in html  # the legend's ramp drives the layer


def test_the_layer_carries_leaflet_heat_in_its_own_script(small):
    """streamlit-folium runs only the script of a layer sent apart (no header scripts, no links):
    the heat code must come with the layer, or the heatmap draws nothing on first selection."""
    st_folium = pytest.importorskip("streamlit_folium")
    group = incidents_layer(small.iloc[:5], style="heatmap").groups[0]
    folium.Map(tiles=None).add_child(group)
    script = st_folium.generate_leaflet_string(group)
    assert script.index("L.heatLayer=function") < script.index("BmIncidents.load(")
    assert script.index("window.BmStack = ") < script.index("BmIncidents.load(")
    assert not [el for el in group._children.values() if getattr(el, "default_js", None)]


@pytest.mark.slow
def test_page_size_grows_at_most_linearly_and_stays_under_8_mb_at_100k():
    sizes = {}
    for n in (10_000, 100_000):
        gdf = synthetic_incidents(n, seed=7)
        sizes[n] = len(IncidentLayer(gdf).payload_json.encode())
        if n == 100_000:
            page = standalone_html(build_map([incidents_layer(gdf)], EMPTY_FC))
            assert len(page.encode()) < 8 * 1024 * 1024
            notes = _col(incident_columns(gdf.iloc[:2000]), "notes")
            assert notes["truncated"] is False
    assert sizes[100_000] <= 10.5 * sizes[10_000]


def test_notes_are_shortened_evenly_only_for_very_large_sets(small):
    from layers import incidents

    limit = incidents.NOTES_BUDGET_CHARS // 100_000
    assert limit <= NOTES_MIN_CHARS  # at 100k the floor applies
    gdf = small.iloc[:5].copy()
    gdf["notes"] = ["word " * 400] * 5
    cols = incident_columns(gdf)
    assert _col(cols, "notes")["truncated"] is False  # 2,000 chars × 5 is well within the budget


def test_streamlit_folium_gets_the_library_in_the_map_script(small):
    """st_folium runs the map's script and drops header scripts: the layer must live in the script."""
    st_folium = pytest.importorskip("streamlit_folium")
    m = build_map([incidents_layer(small.iloc[:5])], EMPTY_FC)
    script = st_folium.generate_leaflet_string(m)
    assert script.index("window.BmIncidents = ") < script.index("BmIncidents.load(")
