"""The coarse overview DEM ships in data/, is the default when no DEM is named, and is labelled coarse.

This is the one test that reads the shipped DEM; every other terrain test builds its own.
"""

from __future__ import annotations

import hashlib
import json
import re

from rasterio.transform import rowcol

from cli import main
from geo import datasets, dem_io


def test_shipped_dem_is_the_default_readable_and_labelled_coarse(tmp_path, capsys, monkeypatch) -> None:
    shipped = datasets.shipped_dem_path()
    provenance = (datasets.DATA_DIR / "DEM.md").read_text(encoding="utf-8")
    # shipped, unchanged from what DEM.md records
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert re.search(rf"SHA-256 `{digest}`", provenance)
    assert "public domain" in provenance and "GMTED2010" in provenance
    # nothing named, no user default file: the shipped DEM is used
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert dem_io.resolve_dem_source(None, env) == str(shipped)
    assert datasets.is_shipped_dem(shipped) and not datasets.is_shipped_dem(tmp_path / "other.tif")
    dem = dem_io.read_dem(shipped)
    assert dem.shape == (161, 361) and "indicative at 2.5-km cells" in dem.source
    # plausible heights: Dushanbe's cell about 800 m, the Pamirs far higher
    rows, cols = rowcol(dem.transform, [68.78, 73.97], [38.56, 38.17])
    z = [dem.elevation[r, c] for r, c in zip(rows, cols, strict=True)]
    assert 700 < z[0] < 1000 and 3300 < z[1] < 4200
    # the command line uses it by default and says it is coarse
    monkeypatch.delenv("BORDERMAP_DEM", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert main(["terrain", "profile", "--step-km", "25", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "indicative at 2.5-km cells" in json.dumps(doc)
