"""Coverage map layers: counts match the analysis, hostile text is inert, legends and labels."""

from __future__ import annotations

import folium
import pytest

from geo.assets import Asset, anchor_assets_from_places
from geo.coverage import CoverageParams, compute_coverage, coverage_gaps, headline, rank_gaps
from geo.deployment import zones_from_geojson
from layers.coverage import (
    COVERED_COLOR,
    GAP_COLOR,
    HYPOTHESIS_LABEL,
    assets_layer,
    coverage_layer,
    covered_runs,
    deployment_layer,
    drawn_zones_layer,
)
from layers.points import CompactPoints

HOSTILE = [
    "<img src=x onerror=\"window.__xss=1\">",
    "${window.__xss=2}",
    "</script><script>window.__xss=3</script>",
    "`+(window.__xss=4)+`",
]


def _render(bundle) -> str:
    m = folium.Map()
    for group in bundle.groups:
        group.add_to(m)
    return m.get_root().render()


def _polylines(group: folium.FeatureGroup) -> list[folium.PolyLine]:
    return [c for c in group._children.values() if isinstance(c, folium.PolyLine)]


@pytest.fixture(scope="module")
def hostile_assets() -> list[Asset]:
    # on or near the border (Panj near Shohon, Khorog, Ishkashim, the west end)
    spots = [(70.3, 37.5), (71.55, 37.5), (71.6, 36.7), (68.0, 37.1)]
    return [Asset(id=f"h{i}", name=name, kind=kind, lon=lon, lat=lat, radius_km=20, source=name)
            for i, (name, kind, (lon, lat)) in enumerate(
                zip(HOSTILE, ["border_post", "detachment", "drone", "crossing"], spots, strict=True))]


@pytest.fixture(scope="module")
def result(border, hostile_assets):
    return compute_coverage(border, hostile_assets, CoverageParams(model="radius"))


def test_counts_of_covered_runs_and_gaps_match_the_result(result):
    bundle = coverage_layer(result)
    covered, gaps = bundle.groups
    expected_gaps = coverage_gaps(result)
    assert len(expected_gaps) >= 2
    # a gap may be a MultiLineString where the line has a gap of its own; here it is one line each
    assert len(_polylines(gaps)) == len(expected_gaps)
    runs = covered_runs(result)
    assert len(_polylines(covered)) == len(runs)
    assert runs["length_km"].sum() == pytest.approx(headline(result)["covered_km"], abs=1e-6)
    # every covered segment is in exactly one run, and no run crosses an uncovered one
    seg = result.segments
    in_runs = sum(r.last_segment - r.first_segment + 1 for r in runs.itertuples())
    assert in_runs == int(seg["covered"].sum())
    for r in runs.itertuples():
        part = seg[(seg["segment_id"] >= r.first_segment) & (seg["segment_id"] <= r.last_segment)]
        assert part["covered"].all()
        assert all(ids == r.asset_ids for ids in part["asset_ids"])


def test_tooltips_give_chainage_and_length(result):
    _, gaps = coverage_layer(result).groups
    first = coverage_gaps(result).iloc[0]
    html = _render(coverage_layer(result))
    assert f"km {first['from_km']:,.1f}–{first['to_km']:,.1f}" in html
    assert f"{first['length_km']:,.1f} km uncovered" in html
    assert _polylines(gaps)[0].options["dashArray"]


def test_ranked_gap_popups_state_the_risk_formula(result, scene_data):
    crossings = scene_data.places[scene_data.places["kind"] == "crossing"]
    ranked = rank_gaps(result, None, crossings)
    html = _render(coverage_layer(result, ranked))
    assert "Coverage gap #1" in html and "Risk formula" in html
    assert "risk = length_km" in html


def test_hostile_asset_names_are_escaped_everywhere(result, hostile_assets):
    names = {a.id: a.name for a in hostile_assets}
    html = _render(coverage_layer(result, asset_names=names)) + _render(assets_layer(hostile_assets))
    for payload in ("<img src=x", "</script><script>window.__xss", "${window", "`+(window"):
        assert payload not in html
    # the names are there, as inert text
    assert "&lt;img src=x onerror=" in html or "\\u0026lt;img src=x" in html
    points = [c for g in assets_layer(hostile_assets).groups for c in g._children.values()
              if isinstance(c, CompactPoints)]
    assert len(points) == 1
    for text in points[0].data["popup"] + points[0].data["tooltip"]:
        assert "<img" not in text and "${" not in text and "`" not in text and "<script" not in text


def test_assets_layer_legend_and_reach(hostile_assets):
    bundle = assets_layer(hostile_assets, model="radius")
    labels = [e.label for e in bundle.legend]
    assert any("Border post" in label for label in labels)
    assert any("Patrol radius" in label for label in labels)
    circles = [c for c in bundle.groups[1]._children.values() if isinstance(c, folium.Circle)]
    assert len(circles) == len(hostile_assets)
    assert {c.options["radius"] for c in circles} == {20_000.0}
    # travel: only drones fly a radius
    travel = assets_layer(hostile_assets, model="travel")
    assert len([c for c in travel.groups[1]._children.values() if isinstance(c, folium.Circle)]) == 1


def test_coverage_legend_present(result):
    bundle = coverage_layer(result)
    assert {e.color for e in bundle.legend} == {COVERED_COLOR, GAP_COLOR}
    assert any("gap" in e.label.lower() for e in bundle.legend)


def test_nothing_covered_is_one_gap(border):
    res = compute_coverage(border, [], CoverageParams())
    covered, gaps = coverage_layer(res).groups
    assert _polylines(covered) == [] and len(_polylines(gaps)) == 1
    assert assets_layer([]).legend == []


def _zone_doc(name: str) -> dict:
    ring = [[69.0, 37.8], [69.2, 37.8], [69.2, 38.0], [69.0, 38.0], [69.0, 37.8]]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name, "notes": HOSTILE[2]},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}


def test_deployment_layer_labels_hypothesis_and_lists_criteria():
    doc = _zone_doc("z")
    doc["features"][0]["properties"] = {"rank": 1, "score": 0.64, "slope_deg_mean": 2.5, "area_km2": 280.0,
                                        "travel_h_min": 2.3, "status": HOSTILE[0]}
    bundle = deployment_layer(doc)
    html = _render(bundle)
    assert HYPOTHESIS_LABEL in html
    assert "Mean slope (°)" in html and "Travel from a garrison, min (h)" in html
    assert "<img src=x" not in html
    assert "hypothes" in bundle.legend[0].label.lower()


def test_drawn_zones_layer_escapes_names(tmp_path):
    zones = zones_from_geojson(_zone_doc(HOSTILE[0]))
    bundle = drawn_zones_layer(zones)
    html = _render(bundle)
    assert "<img src=x" not in html and "</script><script>window" not in html
    assert "&lt;img src=x" in html
    assert "hypothesis" in html


def test_anchor_assets_are_labelled_as_anchors(scene_data):
    anchors = anchor_assets_from_places(scene_data.places)
    html = _render(assets_layer(anchors))
    assert "Shipped anchor" in html
    kinds = {e.label for e in assets_layer(anchors).legend}
    assert any("anchor" in k for k in kinds)
