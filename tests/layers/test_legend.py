"""The map legend and the live lines of a layer sent apart from the map."""

from __future__ import annotations

import json

import folium

from geo.sanitize import escape_html
from layers.base import LegendEntry
from layers.legend import Legend, LiveLegend, legend_html

HOSTILE = "</script><img src=x onerror=window.__x=1>{{ 7*7 }}"


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
    literal = html.split("slot.innerHTML = ", 1)[1].split("; }", 1)[0]
    assert "</script" not in literal and "<img" not in literal
    assert json.loads(literal) == legend_html(entries)  # the browser gets the escaped lines back
    assert "&lt;img src=x" in json.loads(literal) and "#888888" in json.loads(literal)
