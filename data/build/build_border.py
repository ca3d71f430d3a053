"""Build the shipped border and country layers from open sources.

Run from the repository root::

    python data/build/build_border.py [--world-atlas PATH/TO/countries-10m.json]

Inputs (none is committed; each is installed from a package registry):

* DCW-GMT 2.1 country polygons, through GMT (Debian packages ``gmt`` and
  ``gmt-dcw``): ``gmt coast -E<ISO2> -M`` prints each country's polygons.
* Natural Earth 10m admin-0 countries as quantized TopoJSON, from the npm package
  ``world-atlas`` (``npm pack world-atlas@2``; file ``countries-10m.json``), used as
  an independent reference line for comparison only.

Outputs (committed, EPSG:4326):

* ``data/countries.geojson``: Tajikistan, Afghanistan and neighbours, clipped to the
  map region.
* ``data/border.geojson``: the Tajikistan–Afghanistan line from DCW-GMT, ordered from
  the western tripoint (Uzbekistan) to the eastern one (China).
* ``data/reference/border_naturalearth_10m.geojson``: the same line from Natural Earth.

The shared border is taken as the longest run of Tajik outline vertices lying within
``--tolerance-deg`` of the Afghan outline: DCW stores each country separately, so the two
outlines do not share vertices exactly.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiPolygon, Polygon, box, mapping

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
GEOD = Geod(ellps="WGS84")

#: ISO2 code → name, for the countries shipped as context.
COUNTRIES = {
    "TJ": "Tajikistan",
    "AF": "Afghanistan",
    "UZ": "Uzbekistan",
    "KG": "Kyrgyzstan",
    "CN": "China",
    "PK": "Pakistan",
    "TM": "Turkmenistan",
}
ISO3 = {"TJ": "TJK", "AF": "AFG", "UZ": "UZB", "KG": "KGZ", "CN": "CHN", "PK": "PAK", "TM": "TKM"}
#: Clip box for context countries (lon/lat): W, S, E, N.
CLIP_BOX = (60.0, 32.0, 80.0, 42.5)
DCW_SOURCE = {
    "source": "DCW-GMT 2.1.1 (Digital Chart of the World for GMT), via `gmt coast -E`",
    "source_url": "https://www.soest.hawaii.edu/pwessel/dcw/",
    "licence": "LGPL-3.0-or-later",
    "version": "2.1.1",
}
NE_SOURCE = {
    "source": "Natural Earth 10m admin-0 countries, via npm package world-atlas 2.0.2",
    "source_url": "https://www.naturalearthdata.com/",
    "licence": "Public domain",
    "version": "world-atlas 2.0.2 (Natural Earth 4.1)",
}


def read_gmt_polygons(iso2: str) -> list[np.ndarray]:
    """Return the polygons of one country from ``gmt coast -E<iso2> -M`` (lon, lat arrays)."""
    out = subprocess.run(
        ["gmt", "coast", f"-E{iso2}", "-M"], check=True, capture_output=True, text=True
    ).stdout
    polys: list[np.ndarray] = []
    cur: list[tuple[float, float]] = []
    for line in out.splitlines():
        if line.startswith(">"):
            if cur:
                polys.append(np.array(cur))
            cur = []
        elif line.strip():
            x, y = map(float, line.split()[:2])
            cur.append((x, y))
    if cur:
        polys.append(np.array(cur))
    return polys


def shared_run(ring: np.ndarray, other: shapely.Geometry, tolerance_deg: float) -> np.ndarray:
    """Longest cyclic run of ``ring`` vertices within ``tolerance_deg`` of ``other``."""
    near = shapely.distance(shapely.points(ring), other) < tolerance_deg
    n = len(near)
    best_len, best_start, run, start = 0, 0, 0, 0
    for i, is_near in enumerate(np.concatenate([near, near])):
        if is_near:
            if run == 0:
                start = i
            run += 1
            if best_len < run <= n:
                best_len, best_start = run, start
        else:
            run = 0
    idx = [(best_start + k) % n for k in range(best_len)]
    return ring[idx]


def west_to_east(coords: np.ndarray) -> np.ndarray:
    """Order a line so that it starts at its western end."""
    return coords if coords[0, 0] <= coords[-1, 0] else coords[::-1]


def topojson_shared_line(path: Path, id_a: str, id_b: str) -> np.ndarray:
    """Decode the arcs shared by two countries of a quantized TopoJSON file."""
    topo = json.loads(path.read_text())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]

    def arc_ids(geom: dict) -> set[int]:
        def walk(a: object) -> list[int]:
            if isinstance(a, int):
                return [a if a >= 0 else ~a]
            return [i for b in a for i in walk(b)]  # type: ignore[union-attr]

        return set(walk(geom["arcs"]))

    geoms = {g.get("id"): g for g in topo["objects"]["countries"]["geometries"]}
    shared = sorted(arc_ids(geoms[id_a]) & arc_ids(geoms[id_b]))
    lines = []
    for i in shared:
        q = np.cumsum(np.array(topo["arcs"][i], dtype=float), axis=0)
        lines.append(LineString(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty])))
    merged = shapely.line_merge(shapely.MultiLineString(lines))
    if merged.geom_type != "LineString":
        raise RuntimeError(f"shared arcs of {id_a} and {id_b} do not form one line")
    return west_to_east(np.asarray(merged.coords))


def feature_collection(features: list[dict], **meta: object) -> dict:
    """A GeoJSON FeatureCollection with top-level metadata (a foreign member)."""
    return {"type": "FeatureCollection", "metadata": meta, "features": features}


def main() -> None:
    """Build the data files; print the measured lengths."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--world-atlas", type=Path, help="path to world-atlas countries-10m.json")
    ap.add_argument("--tolerance-deg", type=float, default=0.01)
    args = ap.parse_args()
    built = date.today().isoformat()

    polys = {iso: read_gmt_polygons(iso) for iso in COUNTRIES}
    clip = box(*CLIP_BOX)
    features = []
    for iso, rings in polys.items():
        geom = MultiPolygon([Polygon(r) for r in rings if len(r) >= 4]).buffer(0)
        geom = shapely.set_precision(geom.intersection(clip), 1e-5)
        if geom.is_empty:
            continue
        features.append({
            "type": "Feature",
            "properties": {"iso2": iso, "iso3": ISO3[iso], "name": COUNTRIES[iso], **DCW_SOURCE,
                           "source_date": "2021", "precision_km": 1.0, "confidence": "assessed"},
            "geometry": mapping(geom),
        })
    (DATA / "countries.geojson").write_text(json.dumps(
        feature_collection(features, built=built, **DCW_SOURCE), separators=(",", ":")))

    af = MultiPolygon([Polygon(r) for r in polys["AF"] if len(r) >= 4]).buffer(0)
    tj_ring = max(polys["TJ"], key=len)
    line = west_to_east(shared_run(tj_ring, af.boundary, args.tolerance_deg))
    line = np.round(line, 6)
    line = line[np.concatenate([[True], np.any(np.diff(line, axis=0) != 0, axis=1)])]
    length_km = GEOD.line_length(line[:, 0], line[:, 1]) / 1000
    border_props = {
        "name": "Tajikistan–Afghanistan border", **DCW_SOURCE, "source_date": "2021",
        "precision_km": 1.0, "confidence": "assessed", "length_km": round(length_km, 1),
        "vertices": len(line), "built": built,
    }
    (DATA / "border.geojson").write_text(json.dumps(feature_collection(
        [{"type": "Feature", "properties": border_props,
          "geometry": {"type": "LineString", "coordinates": np.round(line, 6).tolist()}}],
        **border_props), separators=(",", ":")))
    print(f"DCW-GMT: {length_km:.1f} km, {len(line)} vertices")

    if args.world_atlas:
        ne = topojson_shared_line(args.world_atlas, "762", "004")
        ne_km = GEOD.line_length(ne[:, 0], ne[:, 1]) / 1000
        ne_props = {"name": "Tajikistan–Afghanistan border (Natural Earth 10m)", **NE_SOURCE,
                    "source_date": "2018", "precision_km": 1.0, "confidence": "assessed",
                    "length_km": round(ne_km, 1), "vertices": len(ne), "built": built}
        (DATA / "reference").mkdir(exist_ok=True)
        (DATA / "reference" / "border_naturalearth_10m.geojson").write_text(json.dumps(
            feature_collection([{"type": "Feature", "properties": ne_props, "geometry": {
                "type": "LineString", "coordinates": np.round(ne, 6).tolist()}}], **ne_props),
            separators=(",", ":")))
        print(f"Natural Earth 10m: {ne_km:.1f} km, {len(ne)} vertices")


if __name__ == "__main__":
    main()
