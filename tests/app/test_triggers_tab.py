"""The "Escalation triggers" tab under AppTest, on a temporary store."""

from __future__ import annotations

import json

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from geo.store import IncidentStore
from tests.app.conftest import run_app


def _run() -> AppTest:
    return run_app()


def _highlighted(at) -> int:
    """How many records the timeline outlines as behind the highlighted trigger (the same ids the
    map highlights)."""
    chart = at.get("vega_lite_chart")[0].proto
    points = pa.ipc.open_stream(chart.data.data).read_all().to_pandas()
    return int(points["selected"].astype(bool).sum())


def test_tab_shows_scenarios_and_three_triggers(app_env):
    at = _run()
    assert "Escalation triggers" in [t.label for t in at.tabs]
    scen = next(df.value for df in at.dataframe if "estimate" in df.value.columns)
    assert len(scen) == 4
    assert "low (5–10%)" in scen["estimate"].tolist()
    assert set(scen["source"]) == {"Lansing Institute analysis, 2025"}
    headings = [m.value for m in at.markdown if m.value.startswith("#### Trigger")]
    assert [h.split(":")[0] for h in headings] == ["#### Trigger 1", "#### Trigger 2", "#### Trigger 3"]
    # the seed records with the default thresholds: all three partly met (reasons: tests/data/test_board.py)
    assert sum("PARTLY MET" in w.value for w in at.warning) == 3
    assert not any("NOT MET" in i.value for i in at.info)
    assert _highlighted(at) == 0
    # the timeline: one point per seed record (10: 4 incidents, 6 developments), the fatality threshold as a rule
    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    assert [layer["mark"]["type"] for layer in spec["layer"]][:3] == ["point", "rule", "text"]
    assert spec["layer"][1]["data"]["values"][0]["y"] == 10
    points = pa.ipc.open_stream(chart.data.data).read_all().to_pandas()
    assert len(points) == 10 and {"date", "fatalities", "record kind", "selected"} <= set(points.columns)


def test_highlight_and_threshold_controls(app_env):
    IncidentStore(app_env / "incidents.gpkg", create=True)
    at = _run()
    at.radio(key="trg_highlight").set_value("1").run()
    assert not at.exception
    assert _highlighted(at) == 2  # the attributed attacks of 26 and 30 Nov 2025
    at.number_input(key="trg_min_fatalities").set_value(3).run()
    assert not at.exception
    assert _highlighted(at) == 1
    assert any("MET" in e.value and "Chinese" in e.value for e in at.error)
    at.selectbox(key="trg_min_confidence").select("claimed").run()
    at.radio(key="trg_highlight").set_value("none").run()
    assert not at.exception and _highlighted(at) == 0
