"""Incident types, places and anchors, the analyst's scenario and zones can be told apart by colour."""

from __future__ import annotations

import itertools

import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab

from layers.border import BORDER_COLOR
from layers.coverage import ASSET_STYLES, COVERED_COLOR, DRAWN_ZONE_COLOR, GAP_COLOR, ZONE_COLOR
from layers.incidents import EVENT_TYPE_COLORS
from layers.places import PLACE_STYLES

#: CIEDE2000 difference below which two map colours read as "the same" at symbol size.
MIN_DELTA_E = 12.0


def _lab(hex_color: str) -> np.ndarray:
    rgb = np.array([[[int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]]])
    return rgb2lab(rgb)[0, 0]


def _delta(a: str, b: str) -> float:
    return float(deltaE_ciede2000(_lab(a), _lab(b)))


INCIDENTS = dict(EVENT_TYPE_COLORS)
PLACES = {f"place {k}": s.color for k, s in PLACE_STYLES.items()}
SCENARIO = {f"asset {k}": c for k, (_, c) in ASSET_STYLES.items() if k not in ("crossing", "garrison")}
SCENARIO |= {"covered stretch": COVERED_COLOR, "coverage gap": GAP_COLOR, "drawn zone": DRAWN_ZONE_COLOR,
             "deployment zone": ZONE_COLOR, "border": BORDER_COLOR}


def test_no_incident_type_shares_a_colour_with_a_place_anchor_zone_or_the_border():
    close = [(i, o, round(_delta(c, d), 1)) for i, c in INCIDENTS.items() for o, d in (PLACES | SCENARIO).items()
             if _delta(c, d) < MIN_DELTA_E]
    assert not close, close


def test_incident_types_and_places_are_distinct_among_themselves():
    for group in (INCIDENTS, PLACES):
        for a, b in itertools.combinations(group, 2):
            assert _delta(group[a], group[b]) >= MIN_DELTA_E, (a, b)


def test_anchors_wear_the_colour_of_the_place_they_are():
    assert ASSET_STYLES["crossing"][1] == PLACE_STYLES["crossing"].color
    assert ASSET_STYLES["garrison"][1] == PLACE_STYLES["garrison"].color
    # the 201st's candidate deployment zones in the 201st's colour
    assert ZONE_COLOR == PLACE_STYLES["garrison"].color
