"""Speed of the running page as felt in a real browser, against a bare st_folium page.

Run: ``python benchmarks/bench_browser_page.py [--sizes 10000,100000] [--runs 3]``.

The app runs as the analyst runs it (``streamlit run app.py`` on loopback) with a store in a
temporary folder filled with N realistic ACLED-style incidents
(``tests/layers/synthetic_incidents.py``); headless Chromium (Playwright, no network beyond
loopback) drives it. In the same run, the baseline: a bare Streamlit page whose only element
is ``st_folium`` drawing the border (same vendored Leaflet, no tiles).

Measured, medians of ``--runs`` runs (spread = min–max):

* page load → map drawn (border on the map and, for the app, the incidents drawn);
* pan (a mouse drag on the map): websocket bytes, and whether a script ran (any message the
  browser sends over the websocket asks for a script run);
* layer toggle (the "Incidents" checkbox back on) → incidents drawn again;
* save through the page's form → the new point drawn;
* filter change ("Actor contains") → the map redrawn;
* websocket bytes of each action (both directions; Playwright websocket frame events);
* the server's RSS (resident memory, MB) after the actions, and its peak.

Targets (issue 11, item 6; medians on a 2-core machine): map drawn ≤ 1.5× the bare page at
10k and < 2.5 s at 100k; a pan 0 bytes and no script run; save → point < 0.6 s at 10k and
< 1 s at 100k with < 100 KB sent; server RSS < 600 MB at 100k.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, MAP_FRAME, start_streamlit  # noqa: E402

CHROMIUM = os.environ.get("BORDERMAP_CHROMIUM", "/usr/bin/chromium")
FRAME_JS = f"document.querySelector('{MAP_FRAME}')"
COORDS = 'input[aria-label="Coordinates — any form, or click the map"]'
LOCATION = 'input[aria-label="Location (as the report names it)"]'
ACTOR = 'input[aria-label="Actor contains"]'

BARE_PAGE = '''
"""A bare page: st_folium drawing the border only (the benchmark's baseline)."""
import sys

sys.path.insert(0, {root!r})
import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.border import load_border
from layers.assets import localize_assets

st.set_page_config(layout="wide")
border = load_border()
m = folium.Map(location=(37.6, 71.1), zoom_start=7, tiles=None)
folium.GeoJson(border.line.__geo_interface__,
               style_function=lambda _: {{"color": "#d7191c", "weight": 3}}).add_to(m)
st_folium(localize_assets(m), height=620, use_container_width=True, returned_objects=["last_clicked"])
'''


# --------------------------------------------------------------------------- measuring


@dataclass
class Wire:
    """Websocket bytes seen by the page, both ways (counted from when it is reset)."""

    received: int = 0
    sent: int = 0
    sent_frames: int = 0
    log: list[tuple[str, int]] = field(default_factory=list)

    def reset(self) -> None:
        self.received = self.sent = self.sent_frames = 0
        self.log.clear()

    def attach(self, page) -> None:
        def on_ws(ws) -> None:
            if "_stcore/stream" not in ws.url:
                return
            ws.on("framereceived", lambda payload: self._add("in", payload))
            ws.on("framesent", lambda payload: self._add("out", payload))

        page.on("websocket", on_ws)

    def _add(self, way: str, payload: str | bytes) -> None:
        n = len(payload)
        if way == "in":
            self.received += n
        else:
            self.sent += n
            self.sent_frames += 1
        self.log.append((way, n))

    @property
    def total(self) -> int:
        return self.received + self.sent


def _rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of ``pid`` in MB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _wait(page, js: str, timeout_s: float = 120) -> None:
    page.wait_for_function(js, timeout=int(timeout_s * 1000), polling=20)


def _settled(page, quiet_s: float = 0.6, timeout_s: float = 120) -> None:
    """No script run in progress and one map, for ``quiet_s`` in a row."""
    idle = (f"() => document.querySelectorAll('{MAP_FRAME}').length === 1 && "
            "!document.querySelector('[data-testid=\"stStatusWidget\"]')")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _wait(page, idle, timeout_s)
        page.wait_for_timeout(int(quiet_s * 1000))
        if page.evaluate(idle):
            return
    raise TimeoutError("the page did not settle")


def _frame_value(page, name: str):
    return page.evaluate(f"() => {FRAME_JS}?.contentWindow?.{name} ?? null")


BORDER_DRAWN = (f"() => !!{FRAME_JS}?.contentDocument?.querySelector('path.leaflet-interactive')")
APP_DRAWN = (f"() => {{ const w = {FRAME_JS}?.contentWindow; return !!(w && w.__bmDrawnVersion && "
             f"w.document.querySelector('path.leaflet-interactive')); }}")


def _time_load(browser, url: str, drawn_js: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    _offline(context)
    page = context.new_page()
    try:
        t = time.perf_counter()
        page.goto(url)
        _wait(page, drawn_js)
        return time.perf_counter() - t
    finally:
        context.close()


def _offline(context) -> None:
    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)


def _map_box(page) -> dict:
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    return box


def _pan(page, dx: float) -> None:
    box = _map_box(page)
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x + dx * k / 10, y + 20 * k / 10)
    page.mouse.up()


# --------------------------------------------------------------------------- the runs


@dataclass
class Case:
    """Samples of one measured quantity."""

    name: str
    unit: str
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    def spread(self) -> str:
        if not self.samples:
            return "–"
        return f"{min(self.samples):.3g}–{max(self.samples):.3g}"


@contextlib.contextmanager
def _app(tmp: Path, n: int) -> Iterator[tuple[int, str]]:
    from geo.store import IncidentStore
    from tests.layers.synthetic_incidents import synthetic_incidents

    db = tmp / "incidents.gpkg"
    store = IncidentStore(db, create=True)
    t = time.perf_counter()
    rows = synthetic_incidents(n, seed=1).drop(columns="geometry").to_dict("records")
    store.import_rows(rows, "bench")
    del rows
    print(f"  store filled with {n:,} incidents in {time.perf_counter() - t:.0f} s", flush=True)
    env = {"XDG_DATA_HOME": str(tmp / "xdg"), "BORDERMAP_DB": str(db), "BORDERMAP_SCENARIOS": str(tmp / "sc"),
           "BORDERMAP_DEM": "", "BORDERMAP_USER": "benchmark"}
    proc, url = start_streamlit(env, tmp / "streamlit.log")
    try:
        yield proc.pid, url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except Exception:
            proc.kill()


@contextlib.contextmanager
def _bare(tmp: Path) -> Iterator[str]:
    page_dir = tmp / "bare"
    page_dir.mkdir()
    (page_dir / "bare.py").write_text(textwrap.dedent(BARE_PAGE.format(root=str(ROOT))))
    (page_dir / "static").symlink_to(ROOT / "static")
    import subprocess

    from tests.browser.conftest import free_port

    port = free_port()
    log = (tmp / "bare.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(page_dir / "bare.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.enableStaticServing", "true",
         "--browser.gatherUsageStats", "false"], cwd=page_dir, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    import urllib.request

    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError((tmp / "bare.log").read_text()) from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


def _measure_bare(browser, url: str, runs: int) -> dict[str, Case]:
    load = Case("page load → map drawn", "s")
    _time_load(browser, url, BORDER_DRAWN)  # warm the server's caches once
    for _ in range(runs):
        load.samples.append(_time_load(browser, url, BORDER_DRAWN))
    pan_bytes = Case("pan: websocket bytes", "B")
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    _offline(context)
    page = context.new_page()
    wire = Wire()
    wire.attach(page)
    page.goto(url)
    _wait(page, BORDER_DRAWN)
    _settled(page)
    for k in range(runs):
        wire.reset()
        _pan(page, 120 if k % 2 else -120)
        page.wait_for_timeout(1500)
        pan_bytes.samples.append(wire.total)
    context.close()
    return {"load": load, "pan_bytes": pan_bytes}


def _until_drawn_after(page, before: float, timeout_s: float = 120) -> None:
    _wait(page, f"() => ({FRAME_JS}?.contentWindow?.__bmDrawnAt ?? -1) > {before}", timeout_s)


def _measure_app(browser, url: str, pid: int, runs: int, n: int) -> dict[str, Case]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        return _measure_app_in(context, browser, url, pid, runs, n)
    except Exception:
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        for k, page in enumerate(context.pages):
            page.screenshot(path=str(out / f"browser-page-failure-{k}.png"), full_page=True)
        print(f"  failed: screenshots in {out}", flush=True)
        raise
    finally:
        context.close()


def _measure_app_in(context, browser, url: str, pid: int, runs: int, n: int) -> dict[str, Case]:
    cases = {key: Case(name, unit) for key, name, unit in (
        ("load", "page load → map drawn", "s"),
        ("pan_bytes", "pan: websocket bytes", "B"),
        ("pan_runs", "pan: script runs asked for", "runs"),
        ("toggle", "layer toggle (Incidents on) → drawn", "s"),
        ("toggle_bytes", "layer toggle: websocket bytes", "B"),
        ("save", "save → new point drawn", "s"),
        ("save_bytes", "save: websocket bytes", "B"),
        ("filter", "filter change → map redrawn", "s"),
        ("filter_bytes", "filter change: websocket bytes", "B"),
    )}
    _time_load(browser, url, APP_DRAWN)  # the first load after start fills the server's caches
    for _ in range(runs):
        cases["load"].samples.append(_time_load(browser, url, APP_DRAWN))

    _offline(context)
    page = context.new_page()
    wire = Wire()
    wire.attach(page)
    page.goto(url)
    _wait(page, APP_DRAWN)
    _settled(page)
    for k in range(runs):
        wire.reset()
        _pan(page, 120 if k % 2 else -120)
        page.wait_for_timeout(1500)
        cases["pan_bytes"].samples.append(wire.total)
        cases["pan_runs"].samples.append(wire.sent_frames)
    assert "view=" in page.url, f"the view did not reach the address: {page.url}"

    incidents_box = page.get_by_role("checkbox", name="Incidents", exact=True)
    for _ in range(runs):
        page.get_by_text("Incidents", exact=True).first.click()  # off
        _settled(page)
        before = _frame_value(page, "__bmDrawnAt") or 0
        wire.reset()
        t = time.perf_counter()
        page.get_by_text("Incidents", exact=True).first.click()  # on again
        _until_drawn_after(page, before)
        cases["toggle"].samples.append(time.perf_counter() - t)
        _settled(page)
        cases["toggle_bytes"].samples.append(wire.total)
    assert incidents_box.is_checked()

    for k in range(runs):
        count = _frame_value(page, "__bmIncidentCount")
        page.locator(COORDS).first.fill(f"37.{1900 + k}, 68.{6000 + 37 * k}")
        page.locator(COORDS).first.press("Tab")
        _settled(page)
        page.locator(LOCATION).first.fill(f"Benchmark point {k}")
        page.locator(LOCATION).first.press("Tab")  # its own run first (a click on Save would race it)
        _settled(page)
        form = page.locator('[data-testid="stForm"]:has(button:has-text("Save incident"))')
        form.locator('[data-testid="stSelectbox"]').first.click()  # the form asks for the event type
        page.get_by_role("option", name="Battles › Armed clash").click()
        before = _frame_value(page, "__bmDrawnAt") or 0
        wire.reset()
        t = time.perf_counter()
        page.get_by_role("button", name="Save incident", exact=True).first.click()
        try:
            _wait(page, f"() => ({FRAME_JS}?.contentWindow?.__bmIncidentCount ?? -1) > {count} && "
                        f"({FRAME_JS}?.contentWindow?.__bmDrawnAt ?? -1) > {before}")
        except Exception:
            print("  save not drawn; page says:", page.locator('[data-testid="stAlert"]').all_inner_texts()[:4],
                  "count", count, "->", _frame_value(page, "__bmIncidentCount"), flush=True)
            raise
        cases["save"].samples.append(time.perf_counter() - t)
        _settled(page)
        cases["save_bytes"].samples.append(wire.total)

    for k in range(runs):
        before = _frame_value(page, "__bmDrawnAt") or 0
        wire.reset()
        t = time.perf_counter()
        page.locator(ACTOR).first.fill("Taliban" if k % 2 == 0 else "")
        page.locator(ACTOR).first.press("Enter")
        _until_drawn_after(page, before)
        cases["filter"].samples.append(time.perf_counter() - t)
        _settled(page)
        cases["filter_bytes"].samples.append(wire.total)
    rss, peak = _rss_mb(pid)
    cases["rss"] = Case("server RSS after the actions", "MB", [rss])
    cases["rss_peak"] = Case("server RSS, peak", "MB", [peak])
    return cases


# --------------------------------------------------------------------------- report


def _fmt(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / 1024:.1f} KB" if value < 1024 * 1024 else f"{value / 1024 / 1024:.2f} MB"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g}"


def _spread(case: Case) -> str:
    if not case.samples:
        return "–"
    lo, hi = min(case.samples), max(case.samples)
    return f"{_fmt(lo, case.unit)} – {_fmt(hi, case.unit)}"


Target = tuple[str, Callable[[float], bool]]


def _targets(n: int, bare_load: float) -> dict[str, Target]:
    big = n >= 100_000
    return {
        "load": ("< 2.5 s", lambda v: v < 2.5) if big else (f"≤ 1.5× bare ({1.5 * bare_load:.2f} s)",
                                                           lambda v: v <= 1.5 * bare_load),
        "pan_bytes": ("0 B", lambda v: v == 0),
        "pan_runs": ("0", lambda v: v == 0),
        "save": ("< 1 s" if big else "< 0.6 s", (lambda v: v < 1.0) if big else (lambda v: v < 0.6)),
        "save_bytes": ("< 100 KB", lambda v: v < 100 * 1024),
        **({"rss": ("< 600 MB", lambda v: v < 600)} if big else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="incident counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    results: dict[str, dict[str, Case]] = {}
    with tempfile.TemporaryDirectory() as tmp_, sync_playwright() as p:
        tmp = Path(tmp_)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        print("baseline: bare st_folium page, border only", flush=True)
        with _bare(tmp) as url:
            results["bare"] = _measure_bare(browser, url, args.runs)
        for n in sizes:
            print(f"app with {n:,} incidents", flush=True)
            sub = tmp / f"n{n}"
            sub.mkdir()
            with _app(sub, n) as (pid, url):
                results[f"{n:,}"] = _measure_app(browser, url, pid, args.runs, n)
            _report(results, args.runs, load_before)  # after each size: a long run still leaves a table
        browser.close()


def _report(results: dict[str, dict[str, Case]], runs: int, load_before: tuple[float, float, float]) -> None:
    load_now = os.getloadavg()
    bare = results["bare"]
    bare_load = bare["load"].median
    print(f"\nmedians of {runs} runs (spread min – max); machine: {os.cpu_count()} cores, load average "
          f"{load_before[0]:.2f} at the start, {load_now[0]:.2f} now", flush=True)
    head = f"{'case':<14} {'measure':<38} {'median':>10} {'spread':>22} {'× bare':>7}  {'target':<22} result"
    print(head)
    print("-" * len(head))
    for case in bare.values():
        print(f"{'bare page':<14} {case.name:<38} {_fmt(case.median, case.unit):>10} {_spread(case):>22} "
              f"{'':>7}  {'':<22}")
    for label, cases in results.items():
        if label == "bare":
            continue
        n = int(label.replace(",", ""))
        targets = _targets(n, bare_load)
        for key, case in cases.items():
            ratio = f"{case.median / bare_load:.2f}" if key == "load" and bare_load else ""
            target, ok = targets.get(key, ("", None))
            verdict = "" if ok is None else ("PASS" if ok(case.median) else "FAIL")
            print(f"{label + ' inc.':<14} {case.name:<38} {_fmt(case.median, case.unit):>10} "
                  f"{_spread(case):>22} {ratio:>7}  {target:<22} {verdict}", flush=True)

if __name__ == "__main__":
    main()
