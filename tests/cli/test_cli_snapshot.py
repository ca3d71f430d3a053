"""``python -m geo snapshot``: files written, sizes capped with a message, bad input exits 2."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cli import main

REPO = Path(__file__).resolve().parents[2]
BORDER_RGB = np.array((214, 39, 40))


def _image(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(path.read_bytes())) as im:
        return np.asarray(im.convert("RGB"))


def _red_pixels(img: np.ndarray) -> int:
    return int((np.abs(img.astype(int) - BORDER_RGB).max(axis=-1) <= 20).sum())


def test_html_snapshot(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BORDERMAP_DB", raising=False)
    out = tmp_path / "map.html"
    assert main(["snapshot", "--out", str(out), "--layers", "border,incidents", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "html" and doc["layers"] == ["border", "incidents"]
    # a store not created yet holds the ten seed records (4 incidents, 6 developments)
    assert doc["incidents"] == 10 and doc["incidents_from"] == "store incidents.gpkg"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "L.map(" in html
    assert "<title>Border Map" in html and "id='bm-caption'" in html and "incidents: 10 from" in html
    assert doc["bytes"] == len(out.read_bytes())


def test_static_png_with_capped_size(tmp_path, capsys):
    out = tmp_path / "print.png"
    code = main(["snapshot", "--out", str(out), "--renderer", "static", "--width", "900",
                 "--height", "-5", "--bbox", "69,37,72,38.6", "--dpi", "100", "--json"])
    assert code == 0
    captured = capsys.readouterr()
    assert "warning: height -5 px is outside 200–4000 px; using 200 px" in captured.err
    doc = json.loads(captured.out)
    assert (doc["width"], doc["height"]) == (900, 200) and doc["warnings"]
    img = _image(out)
    assert img.shape == (200, 900, 3)
    assert _red_pixels(img) > 100


def test_static_pdf_is_one_page(tmp_path):
    out = tmp_path / "print.pdf"
    assert main(["snapshot", "--out", str(out), "--title", "Khatlon $ <b>", "--width", "800",
                 "--height", "600"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) == 1


def test_incidents_from_a_geopackage_store(tmp_path, capsys):
    from geo.store import IncidentStore

    db = tmp_path / "incidents.gpkg"
    store = IncidentStore(db, seed_path=None, create=True)
    common = {"event_date": "2025-06-01", "sub_event_type": "Armed clash", "source": "test"}
    store.add({**common, "latitude": 37.5, "longitude": 70.0}, "tester")
    gone = store.add({**common, "latitude": 37.2, "longitude": 71.0}, "tester")
    store.delete(gone, "tester")
    out = tmp_path / "map.html"
    assert main(["snapshot", "--out", str(out), "--db", str(db), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["incidents"] == 1 and doc["incidents_from"] == "store incidents.gpkg"


@pytest.mark.parametrize(("args", "message"), [
    (["--bbox", "10,10,20,20"], "outside the region"),
    (["--bbox", "72,37,69,38"], "W < E"),
    (["--bbox", "69,37,72"], "four numbers"),
    (["--layers", "border,nukes"], "unknown layer"),
    (["--basemap", "google"], "not known"),
    (["--renderer", "browser", "--out-pdf"], "drawn by the static renderer"),
    (["--renderer", "static", "--out-html"], "static writes .png or .pdf"),
    (["--db", "missing.gpkg"], "does not exist"),
    (["--clean", "--out-pdf"], "--clean is for the browser PNG"),
    (["--clean", "--renderer", "static"], "--clean is for the browser PNG"),
])
def test_bad_input_exits_2(tmp_path, capsys, args, message):
    out = tmp_path / "map.png"
    if "--out-pdf" in args:
        out, args = tmp_path / "map.pdf", [a for a in args if a != "--out-pdf"]
    if "--out-html" in args:
        out, args = tmp_path / "map.html", [a for a in args if a != "--out-html"]
    if "missing.gpkg" in args:
        args = ["--db", str(tmp_path / "missing.gpkg")]
    assert main(["snapshot", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(("name", "message"), [
    ("map.exe", "must end in .html, .png or .pdf"),
    ("no-such-dir/map.png", "does not exist"),
    ("ma\x1bp.png", "control characters"),
])
def test_unsafe_or_impossible_out_paths_exit_2(tmp_path, capsys, name, message):
    assert main(["snapshot", "--out", str(tmp_path / name)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_missing_browser_says_how_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BORDERMAP_CHROMIUM", str(tmp_path / "no-chrome"))
    assert main(["snapshot", "--out", str(tmp_path / "map.png")]) == 2
    err = capsys.readouterr().err
    assert "BORDERMAP_CHROMIUM" in err
    assert not (tmp_path / "map.png").exists()


@pytest.mark.browser
def test_browser_png_end_to_end(tmp_path, chromium_path):
    out = tmp_path / "seen.png"
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "snapshot", "--out", str(out), "--width", "800", "--height", "500",
         "--no-network", "--basemap", "OpenStreetMap", "--browser", chromium_path, "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["renderer"] == "browser" and doc["basemap"] == "OpenStreetMap"
    img = _image(out)
    assert img.shape == (500, 800, 3)
    assert _red_pixels(img) > 300


@pytest.mark.browser
def test_clean_browser_png_has_no_controls(tmp_path, chromium_path, capsys):
    """--clean: the same map without the zoom and other controls (the top-left corner shows the map)."""
    out = {}
    for name, extra in (("seen", []), ("clean", ["--clean"])):
        path = tmp_path / f"{name}.png"
        assert main(["snapshot", "--out", str(path), "--width", "600", "--height", "400", "--no-network",
                     "--browser", chromium_path, "--json", *extra]) == 0
        assert json.loads(capsys.readouterr().out)["out"] == str(path)
        out[name] = _image(path)
    # the zoom control's white buttons sit at (10–40, 10–70) px; clean, the basemap shows there
    white = [int((img[12:68, 12:38] >= 250).all(axis=-1).sum()) for img in (out["seen"], out["clean"])]
    assert white[0] > 600 and white[1] < 50
