"""geo.bbox: one bounding-box type, parser and validator."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from geo.bbox import REGION, BBox, parse_bbox, require_in_region
from geo.crs import REGION_BOUNDS, in_region
from geo.errors import InvalidInputError


def test_parse_gives_a_frozen_box_that_unpacks_like_a_tuple():
    box = parse_bbox(" 68 , 36.5,72,38.8 ")
    assert box == BBox(68.0, 36.5, 72.0, 38.8)
    w, s, e, n = box
    assert (w, s, e, n) == box.as_tuple() == (68.0, 36.5, 72.0, 38.8)
    with pytest.raises(dataclasses.FrozenInstanceError):
        box.west = 0  # type: ignore[misc]


def test_numpy_numbers_are_accepted_and_stored_as_floats():
    box = BBox(np.float32(68), np.int64(36), 72, 38.5)
    assert all(type(v) is float for v in box)


@pytest.mark.parametrize(("text", "message"), [
    ("68,36.5,72", "four numbers W,S,E,N"),
    ("68,36.5,72,38.8,1", "four numbers W,S,E,N"),
    ("68,,72,38.8", "four numbers W,S,E,N"),
    ("a,b,c,d", "four numbers W,S,E,N"),
    ("nan,36.5,72,38.8", "finite"),
    ("68,36.5,inf,38.8", "finite"),
    ("72,36.5,68,38.8", r"W < E and S < N .*longitudes first"),
    ("68,38.8,72,36.5", r"W < E and S < N"),
    ("68,36.5,72,95", r"latitudes within ±90°"),
    ("68,36.5,200,38.8", r"longitudes must lie within ±180°"),
])
def test_bad_text_gets_one_sentence(text, message):
    with pytest.raises(InvalidInputError, match=message) as err:
        parse_bbox(text, "--bbox")
    text_of_error = str(err.value)
    assert text_of_error.startswith("--bbox ") and "\n" not in text_of_error


def test_region_check_names_the_swap_when_it_fits():
    box = parse_bbox("36.5,68,38.8,72")  # valid numbers, but lat,lon order: lands in the Arctic sea
    with pytest.raises(InvalidInputError, match=r"outside the region.*if you typed lat,lon, the box "
                                                r"meant is 68,36.5,72,38.8 \(W,S,E,N\)$"):
        require_in_region(box, "--bbox")
    with pytest.raises(InvalidInputError, match="outside the region.*swap them to lon,lat"):
        require_in_region(BBox(10, 10, 20, 20))
    assert require_in_region(BBox(60, 30, 67, 36)) == BBox(60, 30, 67, 36)  # partial overlap is fine


def test_region_is_the_crs_module_bounds_and_geometry_helpers_agree():
    assert REGION.as_tuple() == REGION_BOUNDS
    assert REGION.contains(68.6, 37.2) and in_region(68.6, 37.2)
    assert not REGION.contains(37.2, 68.6) and not in_region(37.2, 68.6)
    assert BBox(60, 30, 67, 36).clip(REGION) == BBox(66.5, 35.5, 67, 36)
    assert BBox(10, 10, 20, 20).clip(REGION) is None
    assert not BBox(60, 30, 66.5, 36).overlaps(REGION)  # touching is not overlapping
