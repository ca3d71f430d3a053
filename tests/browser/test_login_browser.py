"""The real login in a real Chromium: Streamlit's OIDC flow against a local mock provider
(``oidc-provider-mock`` on 127.0.0.1), then the role's controls, an added record, and the
logged-in address with the channel in that record's history.

Every request that is not to loopback is aborted in the browser (the mock's page names a CDN
stylesheet). The page's secrets are a ``secrets.toml`` in the server's own home folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.store import open_store
from tests.browser.conftest import free_port, save_screenshot, serving, settled_map

pytestmark = pytest.mark.browser

EDITOR = "ed@example.org"
COORDS = 'input[aria-label="Coordinates — any form, or click the map"]'


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[str]:
    """The mock OIDC provider on a free loopback port; yields its base URL."""
    port = free_port()
    log = (tmp_path_factory.mktemp("oidc") / "oidc.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/.well-known/openid-configuration", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the mock OIDC provider did not start") from None
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


@pytest.fixture(scope="module")
def team_server(tmp_path_factory, provider) -> Iterator[tuple[str, Path]]:
    """The page with ``[auth]`` pointing at the mock provider and a store where the editor has a role."""
    tmp = tmp_path_factory.mktemp("team")
    home = tmp / "home"
    (home / ".streamlit").mkdir(parents=True)
    port = free_port()
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-test-secret-0123456789abcdef"\n'
        'client_id = "border-map"\n'
        'client_secret = "not-a-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    db = tmp / "incidents.gpkg"
    store = open_store(db, create=True)
    store.set_user(EDITOR, "editor", "setup")
    with serving(tmp, port=port, HOME=str(home), BORDERMAP_DB=str(db)) as url:
        yield url, db


def test_log_in_see_the_editors_controls_add_a_record_find_yourself_in_its_history(offline_page, team_server):
    page, log = offline_page
    url, db = team_server
    page.goto(url)
    page.get_by_role("button", name="Log in").click()
    # the provider's own page: who logs in
    page.locator('input[name="sub"]').fill(EDITOR)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text(f"Signed in as {EDITOR}").wait_for(timeout=60_000)
    settled_map(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "role editor" in sidebar.inner_text()
    assert sidebar.get_by_role("button", name="Log out").is_visible()
    assert not page.get_by_label("Your name (kept in the history of what you change)").count()
    assert not page.get_by_text("Users and roles (admin)").count()  # an editor manages no users
    save_screenshot(page, "login_editor_signed_in")

    page.locator(COORDS).fill("37.19, 68.61")
    page.locator(COORDS).press("Enter")
    page.get_by_text("Distance to border").first.wait_for(timeout=30_000)
    page.locator('input[aria-label="Location (as the report names it)"]').fill("Login test point")
    page.locator('input[aria-label="Location (as the report names it)"]').press("Enter")
    settled_map(page)
    form = page.locator('[data-testid="stForm"]:has(button:has-text("Save incident"))')
    form.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Battles › Armed clash").click()
    page.get_by_role("button", name="Save incident").click()
    page.get_by_text("it is on the map").first.wait_for(timeout=60_000)

    store = open_store(db)
    mine = store.list().sort_values("created_at")["id"].iloc[-1]
    assert store.get(mine)["created_by"] == EDITOR

    page.get_by_role("tab", name="Incidents", exact=True).click()  # the new record is the selected one
    page.get_by_text("History of this record").wait_for(timeout=30_000)
    page.get_by_text("History of this record").scroll_into_view_if_needed()
    # the grid draws on a canvas; its visible cells are in its accessible table (columns off to the
    # right appear once the grid is scrolled there)
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator('[role=columnheader]:text-is("by")'))
    grid.wait_for(timeout=30_000)
    grid.scroll_into_view_if_needed()
    cells = grid.locator('[role=columnheader], [role=gridcell]').all_inner_texts()
    assert "add" in cells and EDITOR in cells, cells
    grid.locator(".dvn-scroller").evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_timeout(500)
    cells = grid.locator('[role=columnheader], [role=gridcell]').all_inner_texts()
    assert "via" in cells and "web" in cells, cells
    save_screenshot(page, "login_editor_history")
    assert any(b.startswith("https://cdn.jsdelivr.net") for b in log.blocked)  # the mock's stylesheet: blocked
