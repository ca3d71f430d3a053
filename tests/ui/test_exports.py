"""What the exports receive from the page (:class:`ui.exports.OnScreen`): the layers in the page's
order, the incidents as highlighted, the pin on top, the relief named, and a stable signature."""

from __future__ import annotations

import dataclasses

from geo import datasets
from geo.assets import Asset
from geo.coverage import CoverageParams, compute_coverage
from layers.basemaps import OFFLINE
from layers.coverage import coverage_layer
from layers.pin import PIN_LABEL
from layers.scene import SceneOptions
from ui import exports
from ui.terrain import TerrainChoice


def _coverage(border, lon: float = 69.4):
    asset = Asset(id="a", name="Post", kind="border_post", lon=lon, lat=37.17, radius_km=20)
    return coverage_layer(compute_coverage(border, [asset], CoverageParams()))


def test_map_layers_follow_the_page_order_with_highlights_and_the_pin(scene_data, border):
    data = dataclasses.replace(scene_data, incidents=datasets.load_layer(datasets.SEED_INCIDENTS_FILE))
    first = str(data.incidents["id"].iloc[0])
    cover = _coverage(border)
    screen = exports.OnScreen(bundles=(cover,), pin=(37.3, 69.5), highlight_ids=(first,), incident_style="cluster")
    options, bundles = exports._map_layers(data, SceneOptions(basemap=OFFLINE), screen)
    assert "incidents" not in options.overlays  # drawn inline, as the page draws them, not twice
    assert bundles[0] is cover
    labels = [e.label for e in bundles[1].legend]
    assert any("Highlighted incident" in label for label in labels)
    assert any("Incident cluster" in label for label in labels)  # the page's style
    assert [e.label for e in bundles[-1].legend] == [PIN_LABEL]  # the pin on top
    # incidents switched off on the page: none in the export either
    _, without = exports._map_layers(data, SceneOptions(basemap=OFFLINE, overlays=("border",)), screen)
    assert len(without) == 2


def test_signature_follows_what_is_shown_not_the_objects(border):
    one = exports.OnScreen(bundles=(_coverage(border),), pin=(37.3, 69.5))
    again = exports.OnScreen(bundles=(_coverage(border),), pin=(37.3, 69.5))  # rebuilt, as on a rerun
    assert one.signature() == again.signature()
    assert dataclasses.replace(one, pin=(37.31, 69.5)).signature() != one.signature()
    assert exports.OnScreen(bundles=(_coverage(border, 71.5),), pin=(37.3, 69.5)).signature() != one.signature()


def test_relief_is_named_for_the_sources_line(tmp_path):
    dem = str(tmp_path / "khatlon_dem.tif")
    assert exports.OnScreen(terrain=TerrainChoice(dem, True, True)).relief_source() == \
        "hillshade and slope: khatlon_dem.tif"
    assert exports.OnScreen(terrain=TerrainChoice(dem, False, False)).relief_source() is None
    shipped = str(datasets.shipped_dem_path())
    assert exports.OnScreen(terrain=TerrainChoice(shipped, True, False)).dem_name() == datasets.SHIPPED_DEM_LABEL


def test_print_map_without_its_dem_is_drawn_without_relief(scene_data, tmp_path, caplog):
    """The DEM the page used has gone (deleted): the print map still comes, without relief."""
    from tests.layers.test_static_map import _png_array

    screen = exports.OnScreen(terrain=TerrainChoice(str(tmp_path / "gone.tif"), True, False))
    png = exports._static(scene_data, SceneOptions(basemap=OFFLINE, overlays=("border",)), "png", None, screen)
    assert _png_array(png).shape[:2] == (1200, 1800)
    assert any("without relief" in r.message for r in caplog.records)
