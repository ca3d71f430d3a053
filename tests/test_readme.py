"""Every command README.md shows works as written.

The README's fenced ``bash`` blocks are read at test time, so a command added there is run here
too: the set-up commands (the app starts and serves its page; the test command is the one CI runs),
and every ``python -m geo …`` line, run in a scratch folder that holds the files the examples name
(an ACLED export, a DEM, patrol posts) and a scratch store.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from affine import Affine

from tests.browser.conftest import free_port
from tests.conftest import ROOT
from tests.geo.dem_fixtures import serve_directory, write_dem

README = ROOT / "README.md"

pytestmark = pytest.mark.slow


def readme_commands() -> list[str]:
    """Every command line of README's ``bash`` blocks (comments dropped, continuations joined)."""
    text = README.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        joined = block.replace("\\\n", " ")
        commands += [line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")]
    assert commands, "README.md shows no bash commands"
    return commands


def _is_team_trial(command: str) -> bool:
    """The "For a team" block: a local PostGIS started, filled and served (one test runs it whole)."""
    return "local-postgis" in command or "postgresql://" in command


def _geo_commands() -> list[str]:
    return [c for c in readme_commands() if c.startswith("python -m geo") and not _is_team_trial(c)]


ACLED_CSV = """event_id_cnty,event_date,year,event_type,sub_event_type,actor1,actor2,country,admin1,admin2,\
location,latitude,longitude,geo_precision,source,notes,fatalities
TJK1001,2025-11-26,2025,Explosions/Remote violence,Air/drone strike,Unidentified Armed Group (Afghanistan),\
Civilians (China),Tajikistan,Khatlon,Shamsiddin Shohin,Shohin,37.5800,70.0200,2,Asia-Plus,"Drone strike near a \
mining camp; two Chinese workers killed, per the Tajik authorities.",2
TJK1002,2025-11-30,2025,Battles,Armed clash,Military Forces of Tajikistan (1994-),Unidentified Armed Group \
(Afghanistan),Tajikistan,Khatlon,Panj,Panj,37.2300,69.1000,2,RFE/RL,Exchange of fire across the river.,
AFG2001,2025-12-02,2025,Strategic developments,Disrupted weapons use,Military Forces of Afghanistan (2021-),,\
Afghanistan,Badakhshan,Darwaz,Nusay,38.4500,70.7700,2,Tolo News,Weapons seized near the border.,0
"""


def _write_inputs(folder: Path) -> None:
    """The files the README's examples name, small but real."""
    (folder / "acled_export.csv").write_text(ACLED_CSV, encoding="utf-8")
    rows, cols = 120, 160  # 0.01° cells over the Panj between Shohin and Khorugh
    yy, xx = np.mgrid[0:rows, 0:cols]
    z = (800 + 1500 * np.sin(yy / 17.0) * np.cos(xx / 23.0) + 8 * yy).astype("float32")
    write_dem(folder / "dem.tif", z, Affine(0.01, 0, 70.0, 0, -0.01, 38.0))
    posts = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "p1", "kind": "border_post", "radius_km": 25},
         "geometry": {"type": "Point", "coordinates": [70.3, 37.6]}},
        {"type": "Feature", "properties": {"id": "p2", "kind": "border_post", "radius_km": 25},
         "geometry": {"type": "Point", "coordinates": [71.5, 37.1]}}]}
    (folder / "posts.geojson").write_text(json.dumps(posts), encoding="utf-8")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("readme")
    _write_inputs(folder)
    # a scratch home: the README's paths under ~/.local/share are the scratch folder's
    env = {**os.environ, "HOME": str(folder), "PYTHONPATH": str(ROOT)}
    for name in ("BORDERMAP_DB", "BORDERMAP_DEM", "BORDERMAP_SCENARIOS", "BORDERMAP_DATA_DIR", "XDG_DATA_HOME",
                 "XDG_CACHE_HOME", "BORDERMAP_USER"):
        env.pop(name, None)
    return folder, env


def test_readme_shows_the_two_setup_commands_and_ci_runs_the_test_one():
    commands = readme_commands()
    app = [c for c in commands if "streamlit run app.py" in c and c.startswith("apt-get")]
    tests = [c for c in commands if c.endswith("python -m pytest")]
    assert len(app) == 1 and len(tests) == 1
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci_lines[-1] == tests[0]  # CI runs exactly the README's test command, last
    # both make the same virtual environment, and the command-line section activates that one
    assert ".venv" in app[0] and ".venv" in tests[0] and ". .venv/bin/activate" in commands


def test_run_the_app_command_serves_the_page(scratch):
    folder, env = scratch
    (command,) = [c for c in readme_commands() if "streamlit run app.py" in c and c.startswith("apt-get")]
    port = free_port()
    # the command as written, with the server's port and address given by Streamlit's own env settings
    run_env = {**env, "STREAMLIT_SERVER_PORT": str(port), "STREAMLIT_SERVER_HEADLESS": "true",
               "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log_path = folder / "app.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=run_env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _serves_page(port, proc, log_path, deadline_s=600)  # a first run installs the packages
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def _activated(env: dict[str, str]) -> dict[str, str]:
    """``env`` as after ``. .venv/bin/activate``: ``python`` is the interpreter running the tests."""
    bin_dir = str(Path(sys.executable).parent)
    return {**env, "PATH": bin_dir + os.pathsep + env.get("PATH", ""), "VIRTUAL_ENV": str(Path(bin_dir).parent)}


def _serves_page(port: int, proc: subprocess.Popen, log: Path, deadline_s: float = 120) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        pytest.fail(f"the app did not start in {deadline_s:.0f} s:\n{log.read_text()[-2000:]}")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
        assert r.status == 200 and b"<div id=\"root\">" in r.read()


def test_team_trial_runs_as_written(scratch):
    """Start the throwaway PostGIS, copy the default GeoPackage store into it, serve the page on it."""
    folder, env = scratch
    env = _activated(env)
    start, copy, serve = [c for c in readme_commands() if _is_team_trial(c)]
    store = folder / ".local" / "share" / "border-map" / "incidents.gpkg"
    if not store.is_file():  # the README's own first write makes it
        add = next(c for c in readme_commands() if " incidents add " in c)
        subprocess.run(shlex.split(add), cwd=folder, env=env, check=True, capture_output=True, timeout=300)
    log_path = folder / "local-postgis.log"
    with log_path.open("w") as log:
        pg = subprocess.Popen(shlex.split(start), cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while "runs at postgresql://" not in log_path.read_text():
            assert pg.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.3)
        copied = subprocess.run(shlex.split(copy.replace("~", str(folder))), cwd=folder, env=env,
                                capture_output=True, text=True, timeout=300)
        assert copied.returncode == 0, copied.stderr[-2000:]
        again = subprocess.run([*shlex.split(copy.replace("~", str(folder))), "--json"], cwd=folder, env=env,
                               capture_output=True, text=True, timeout=300)
        assert again.returncode == 0 and "Traceback" not in again.stderr
        port = free_port()
        app_log = folder / "team-app.log"
        with app_log.open("w") as log:
            app = subprocess.Popen(["bash", "-c", serve], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env={**env, "STREAMLIT_SERVER_PORT": str(port)}, start_new_session=True)
        try:
            _serves_page(port, app, app_log)
        finally:
            os.killpg(app.pid, signal.SIGTERM)
            app.wait(20)
    finally:
        pg.send_signal(signal.SIGINT)  # Ctrl-C, as the README says
        pg.wait(60)
    assert pg.returncode == 0 and "its data is deleted" in log_path.read_text()


@pytest.mark.parametrize("command", _geo_commands())
def test_cli_command_works_as_written(command, scratch, tmp_path):
    folder, env = scratch
    run_env = _activated(env)
    if " terrain fetch " in f" {command} ":
        # the public tile bucket needs internet: serve the same layout from loopback instead
        tiles = tmp_path / "bucket"
        name = "Copernicus_DSM_COG_30_N37_00_E070_00_DEM"
        (tiles / name).mkdir(parents=True)
        z = np.linspace(500, 3000, 1200 * 1200, dtype="float32").reshape(1200, 1200)
        write_dem(tiles / name / f"{name}.tif", z, Affine(1 / 1200, 0, 70.0, 0, -1 / 1200, 38.0))
        with serve_directory(tiles) as server:
            run_env["BORDERMAP_DEM_TILES_URL"] = server.url
            result = subprocess.run(shlex.split(command), cwd=folder, env=run_env, capture_output=True,
                                    text=True, timeout=300)
    else:
        result = subprocess.run(shlex.split(command), cwd=folder, env=run_env, capture_output=True,
                                text=True, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
    if "--json" in command:
        json.loads(result.stdout)
    out = re.search(r"--out (\S+)", command)
    if out:
        assert (folder / out.group(1)).stat().st_size > 0

