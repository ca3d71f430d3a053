"""geo.scene_data: the shipped layers read into one frozen value."""

from __future__ import annotations

import dataclasses

import pytest

from geo.errors import BorderMapError
from geo.scene_data import SceneData, load_scene_data


def test_shipped_scene_is_in_wgs84_and_has_places(scene_data):
    assert isinstance(scene_data, SceneData)
    for frame in (scene_data.countries, scene_data.reference_border, scene_data.places, scene_data.incidents):
        assert frame.crs.to_epsg() == 4326
    assert {"town", "crossing", "garrison", "chinese_site"} <= set(scene_data.places["kind"])
    assert scene_data.incidents.empty


def test_derived_value_is_built_once_per_scene_and_not_carried_into_a_copy(scene_data):
    data = dataclasses.replace(scene_data)
    calls = []

    def build(d: SceneData) -> int:
        calls.append(d)
        return len(d.places)

    assert data.derived("n_places", build) == len(data.places)
    assert data.derived("n_places", build) == len(data.places)
    assert calls == [data]
    copy = dataclasses.replace(data, incidents=data.incidents.iloc[:0])
    copy.derived("n_places", build)
    assert calls == [data, copy]


def test_missing_data_dir_is_one_clear_error(tmp_path):
    with pytest.raises(BorderMapError, match=r"\w"):
        load_scene_data(tmp_path / "nowhere")
