"""Map context layers: crossing status on a date, Afghan provinces, origin arcs (rendered HTML)."""

from __future__ import annotations

import datetime as dt

import folium
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from layers.admin_areas import provinces_layer
from layers.origin_arcs import ARC_STYLES, arc_points, origin_arcs_layer
from layers.place_status import CLOSED_COLOR, OPEN_COLOR, crossing_states, crossing_status_layer

HISTORY = [
    {"from": "2007-08-26", "status": "open", "source": "AFP", "confidence": "assessed"},
    {"from": "2022-05-09", "status": "closed", "temporary": True, "source": "Ozodi <b>x</b>", "confidence": "claimed"},
]


def _html(bundle) -> str:
    m = folium.Map(location=(37.5, 70.5), zoom_start=7, tiles=None)
    for g in bundle.groups:
        g.add_to(m)
    return m.get_root().render()


def _places() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["a", "b", "t"], "name": ["Bridge A", "Bridge B", "Town"], "kind": ["crossing", "crossing", "town"],
         "status_history": [HISTORY, [HISTORY[0]], HISTORY]},
        geometry=[Point(68.6, 37.2), Point(71.5, 37.5), Point(70.0, 38.0)], crs=4326)


@pytest.mark.parametrize(("day", "closed"), [(dt.date(2020, 1, 1), set()), (dt.date(2022, 5, 9), {"a"}),
                                             (dt.date(2026, 1, 1), {"a"})])
def test_crossings_are_drawn_closed_on_the_days_they_were(day, closed) -> None:
    states = crossing_states(_places(), day)
    assert {s["id"] for s in states} == {"a", "b"}  # crossings only
    assert {s["id"] for s in states if s["closed"]} == closed
    html = _html(crossing_status_layer(_places(), day))
    assert html.count(f'"color": "{CLOSED_COLOR}"') == len(closed)
    assert html.count(f'"color": "{OPEN_COLOR}"') == 2 - len(closed)
    assert "<b>x</b>" not in html  # the source text reaches the tooltip escaped


def test_no_status_before_the_first_report_and_the_legend_names_the_date() -> None:
    assert crossing_states(_places(), dt.date(2000, 1, 1)) == []
    legend = [e.label for e in crossing_status_layer(_places(), dt.date(2023, 3, 1)).legend]
    assert any("closed on 2023-03-01" in label and "claimed" in label for label in legend)
    assert any("open on 2023-03-01" in label for label in legend)


def test_province_outlines_carry_their_names_as_labels_escaped() -> None:
    provinces = gpd.GeoDataFrame({"name": ["Badakhshan", "<i>Evil</i>"], "label_lon": [71.0, 69.5],
                                  "label_lat": [37.0, 36.8], "facing_from_km": [344.0, 221.0],
                                  "facing_to_km": [1246.0, 343.0]},
                                 geometry=[box(70, 36, 72, 38), box(69, 36, 70, 37.3)], crs=4326)
    bundle = provinces_layer(provinces)
    html = _html(bundle)
    assert "Badakhshan" in html and "faces border km 344" in html
    assert "Evil" in html and "<i>Evil" not in html  # escaped (then written script-safe)
    assert "no districts" in bundle.legend[0].label


def test_an_arc_runs_from_origin_to_target_and_is_styled_by_attribution() -> None:
    pts = arc_points(70.17, 37.88, 70.04, 37.84)
    assert pts[0] == [37.88, 70.17] and pts[-1] == [37.84, 70.04]
    arcs = pd.DataFrame({
        "id": ["a", "b", "c"], "origin": ["Badakhshan (official)", "Takhar", "Faizabad"],
        "origin_name": ["Badakhshan", "Takhar", "Faizabad"], "level": ["province", "province", "town"],
        "attribution": ["official", "claimed", "not recorded"], "from_lon": [70.17, 69.5, 70.58],
        "from_lat": [37.88, 37.3, 37.12], "to_lon": [70.04, 69.4, 70.9], "to_lat": [37.84, 37.6, 38.0],
        "event_date": ["2025-11-26", "2025-11-30", "2025-12-01"], "location": ["camp", "post", "<script>"],
    })
    bundle = origin_arcs_layer(arcs)
    html = _html(bundle)
    assert f'"dashArray": "{ARC_STYLES["claimed"][1]}"' in html
    assert f'"dashArray": "{ARC_STYLES["not recorded"][1]}"' in html
    assert "→ &lt;script&gt;" in html and "→ <script>" not in html  # the target's text escaped
    labels = " ".join(e.label for e in bundle.legend)
    assert "(official), where locatable" in labels and "(claimed), where locatable" in labels
    assert "Origin → incident, where locatable" in labels
    assert "only where the origin names a shipped town or province" in html  # said in each tooltip
    assert origin_arcs_layer(arcs.iloc[0:0]).legend == []
