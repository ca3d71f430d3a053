"""Incidents served as content-addressed files: what the page sends is their URLs only."""

from __future__ import annotations

import json
import os
import time

import pytest

from layers.incident_served import FileShelf, ServedIncidentLayer, served_incidents_layer, served_spec
from layers.incidents import _legend, prepare_incidents
from tests.layers.synthetic_incidents import synthetic_incidents


@pytest.fixture(scope="module")
def prepared():
    frame = synthetic_incidents(400, seed=3)
    frame["id"] = [f"id-{k}" for k in range(len(frame))]
    frame.loc[frame.index[0], "notes"] = "</script><script>alert(1)</script> {{ 7*7 }}"
    return prepare_incidents(frame)


def test_chunks_become_files_named_by_content(tmp_path, prepared):
    shelf = FileShelf(tmp_path, "/app/static/cache/")
    spec = served_spec(prepared, shelf)
    assert len(spec.chunks) == len(prepared.chunks)
    assert spec.lib.startswith("/app/static/cache/incident-layer-") and spec.lib.endswith(".js")
    for url, chunk in zip(spec.chunks, prepared.chunks, strict=True):
        path = tmp_path / url.rsplit("/", 1)[-1]
        # the file is the chunk as the inline layer would embed it, and parses as JSON
        assert path.read_text(encoding="utf-8") == chunk.json_text
        encoding, _payload = json.loads(path.read_text(encoding="utf-8"))
        assert encoding in ("json", "gzip-base64")
    # the same content gets the same name: nothing is written again
    again = served_spec(prepared, FileShelf(tmp_path, "/app/static/cache/"))
    assert again == spec
    assert len(list(tmp_path.iterdir())) == len(set(spec.chunks)) + 1


def test_one_changed_incident_changes_one_file(tmp_path):
    frame = synthetic_incidents(300, seed=4)
    frame["id"] = [f"id-{k}" for k in range(len(frame))]
    shelf = FileShelf(tmp_path, "/x/")
    before = served_spec(prepare_incidents(frame), shelf)
    frame.loc[frame.index[7], "notes"] = "edited"
    after = served_spec(prepare_incidents(frame), shelf)
    assert len(set(before.chunks) ^ set(after.chunks)) == 2  # one chunk out, one in


def test_what_the_page_sends_is_small_and_script_safe(tmp_path, prepared):
    bundle = served_incidents_layer(prepared, FileShelf(tmp_path, "/app/static/cache/"), style="cluster")
    (element,) = [e for e in bundle.groups[0]._children.values() if isinstance(e, ServedIncidentLayer)]
    sent = element.spec_json
    assert len(sent) < 4000  # 400 incidents or 100,000: only URLs and options
    assert "<" not in sent and "alert" not in sent
    assert json.loads(sent)["options"]["style"] == "cluster"
    assert bundle.legend == _legend(prepared, "cluster")


def test_heatmap_asks_for_its_plugin_and_bad_style_is_refused(tmp_path, prepared):
    shelf = FileShelf(tmp_path, "/app/static/cache/")
    assert served_spec(prepared, shelf, "heatmap", heat_url="/h.js").heat == "/h.js"
    assert served_spec(prepared, shelf, "points", heat_url="/h.js").heat is None
    with pytest.raises(ValueError, match="style must be one of"):
        served_spec(prepared, shelf, "bubbles")


def test_files_unused_for_a_week_are_removed(tmp_path, prepared):
    old = tmp_path / "incidents-old.json"
    old.write_text("[]")
    day_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (day_ago, day_ago))
    recent = tmp_path / "incidents-recent.json"
    recent.write_text("[]")
    served_spec(prepared, FileShelf(tmp_path, "/x/"))
    assert not old.exists() and recent.exists()
