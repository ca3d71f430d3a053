"""The map legend and the live lines of a layer sent apart from the map."""

from __future__ import annotations

import json
import re

import folium

from geo.sanitize import escape_html
from layers.base import APPROXIMATE_LEGEND, LayerBundle, LegendEntry
from layers.legend import COLLAPSED_KEY, Legend, LiveLegend, legend_html
from layers.map import build_map, layer_control_for

HOSTILE = "</script><img src=x onerror=window.__x=1>{{ 7*7 }}"
EMPTY_FC = '{"type": "FeatureCollection", "features": []}'


def test_legend_escapes_labels_and_keeps_a_live_slot_only_when_asked():
    m = folium.Map(tiles=None)
    Legend([LegendEntry(HOSTILE, "#123456")], live_slot=True).add_to(m)
    html = m.get_root().render()
    assert 'id="bm-legend-live"' in html and "<img src=x" not in html
    # the label arrives as the escaped literal: "{{ 7*7 }}" was neither run (→ 49) nor dropped
    assert escape_html(HOSTILE) in html and "&#123;&#123; 7*7 &#125;&#125;" in html
    plain = folium.Map(tiles=None)
    Legend([LegendEntry("Border", "#d62728", "line")]).add_to(plain)
    assert "bm-legend-live" not in plain.get_root().render()


def test_live_legend_carries_its_lines_as_a_script_safe_string():
    entries = [LegendEntry("Incident: Battles", "#7b3294"), LegendEntry(HOSTILE, "not-a-colour")]
    m = folium.Map(tiles=None)
    group = folium.FeatureGroup(name="Incidents").add_to(m)
    LiveLegend(entries).add_to(group)
    html = m.get_root().render()
    literal = html.split("slot.innerHTML = ", 1)[1].split(";\n", 1)[0]
    assert "</script" not in literal and "<img" not in literal
    assert json.loads(literal) == legend_html(entries)  # the browser gets the escaped lines back
    assert "&lt;img src=x" in json.loads(literal) and "#888888" in json.loads(literal)


def test_a_ramp_line_shows_every_colour_of_the_ramp_low_to_high():
    ramp = ("#0000ff", "#00ffff", "#ff0000")
    html = legend_html([LegendEntry("Density: low → high", "#ff0000", "ramp", ramp=ramp)])
    assert "linear-gradient(to right,#0000ff,#00ffff,#ff0000)" in html
    # a colour that is not #hex never reaches the style attribute
    odd = legend_html([LegendEntry("x", "#000", "ramp", ramp=("url(javascript:1)", "#123;x"))])
    assert "linear-gradient(to right,#888888,#888888)" in odd


def test_legend_folds_with_a_button_and_remembers_it():
    m = folium.Map(tiles=None)
    Legend([LegendEntry("Border", "#d62728", "line")]).add_to(m)
    html = m.get_root().render()
    assert '<button type="button" id="bm-legend-toggle" aria-expanded="true" aria-controls="bm-legend-body"' in html
    assert f'"{COLLAPSED_KEY}"' in html and "sessionStorage.getItem" in html


def test_each_line_is_tied_to_the_layers_it_describes():
    a, b = folium.FeatureGroup(name="A"), folium.FeatureGroup(name="B")
    m = build_map([LayerBundle([a], [LegendEntry("Line A", "#111111"), APPROXIMATE_LEGEND]),
                   LayerBundle([b], [LegendEntry("Line B", "#222222"), APPROXIMATE_LEGEND])], EMPTY_FC)
    html = m.get_root().render()
    body = html.split('id="bm-legend-body"', 1)[1]
    # no duplicate line: the approximate-location line once, for both layers
    assert body.count("></span>Approximate location") == 1
    rows = re.findall(r"data-row='(\d+)'>.*?</span>([^<]+)</div>", body)
    assert [label for _, label in rows] == ["Line A", "Approximate location (dashed circle: ± precision)",
                                            "Line B"]
    layers = html.split("layers = [", 1)[1].split("];", 1)[0]
    assert layers == f"[{a.get_name()}],[{a.get_name()},{b.get_name()}],[{b.get_name()}]"


def test_the_pages_map_has_no_layer_switcher_of_its_own_but_an_exported_map_has():
    assert layer_control_for() is None  # the page's sidebar decides the overlays
    def bundles():
        return [LayerBundle([folium.FeatureGroup(name="A")], [LegendEntry("Line A", "#111111")])]

    page = build_map(bundles(), EMPTY_FC, live=True).get_root().render()
    export = build_map(bundles(), EMPTY_FC).get_root().render()
    assert "L.control.layers" not in page and "L.control.layers" in export
    # the legend is a control of the top-right corner, after (so below) the switcher where there is one
    assert 'L.control({position: "topright"})' in page
    assert export.index("L.control.layers") < export.index('L.control({position: "topright"})')
