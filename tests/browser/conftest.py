"""A real Streamlit server and a real headless Chromium (Playwright), with no network.

Every request that is not to the loopback server is aborted, as on a machine without
internet: the map must still draw from our own assets and data.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

#: Screenshots of the browser tests, kept after the run for a person to look at
#: (``BORDERMAP_SCREENSHOTS`` overrides; the folder is ignored by git).
SCREENSHOT_DIR = Path(os.environ.get("BORDERMAP_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")


def save_screenshot(page, name: str, **kwargs) -> Path:
    """Write a PNG of ``page`` (a Playwright page or locator) as ``SCREENSHOT_DIR/name.png``."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), **kwargs)
    return path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_streamlit(env_extra: dict[str, str], log_path: Path, port: int | None = None
                    ) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run app.py`` on a loopback port (a free one by default); return the process and URL."""
    port = port or free_port()
    env = {**os.environ, **env_extra}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not start in 60 s:\n{log_path.read_text()}")


@contextlib.contextmanager
def serving(tmp: Path, port: int | None = None, **env: str) -> Iterator[str]:
    """Serve the app with its user data (store, scenarios, uploads) under ``tmp``; yield its URL.

    ``env`` adds or overrides environment variables (e.g. ``BORDERMAP_DEM``); no DEM by default.
    ``port``: the loopback port (a free one by default).
    """
    base = {"XDG_DATA_HOME": str(tmp / "xdg"), "BORDERMAP_DB": str(tmp / "incidents.gpkg"),
            "BORDERMAP_SCENARIOS": str(tmp / "scenarios"), "BORDERMAP_DEM": "none"}
    proc, url = start_streamlit({**base, **env}, tmp / "streamlit.log", port)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[str]:
    """The app served on loopback with a fresh incident store."""
    with serving(tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class PageLog:
    """Console errors, page errors and blocked outside requests of one page."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.missing: list[str] = []  # loopback responses with status >= 400 (e.g. a missing asset)


def open_offline_page(browser, viewport: dict[str, int]):
    """A new context and page of ``viewport`` whose requests outside loopback are aborted;
    returns (context, page, log)."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log = PageLog()

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "file://", "data:", "blob:")):
            r.continue_()
        else:
            log.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(f"pageerror: {e}"))
    page.on("response", lambda r: log.missing.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return context, page, log


@pytest.fixture()
def offline_page(browser):
    """A new page whose requests outside loopback are aborted; yields (page, log)."""
    context, page, log = open_offline_page(browser, {"width": 1400, "height": 950})
    yield page, log
    context.close()


def settled_map(page, timeout_ms: int = 60_000):
    """The map's frame once the page has settled with exactly one map (while Streamlit reruns,
    the old map element can stand beside the new one for a moment), with Leaflet loaded in it.

    Settled: no script run in progress and one map, still so a moment later.
    """
    one_map_idle = (f"() => document.querySelectorAll('{MAP_FRAME}').length === 1 && "
                    "!document.querySelector('[data-testid=\"stStatusWidget\"]')")
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.wait_for_function(one_map_idle, timeout=max(1, int((deadline - time.monotonic()) * 1000)))
        page.wait_for_timeout(400)
        if page.evaluate(one_map_idle) or time.monotonic() > deadline:
            break
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=timeout_ms)
    return frame
