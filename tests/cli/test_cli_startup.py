"""The command line starts at once: a command imports only what it uses (issue: CLI start-up).

``coords parse`` and every command's ``--help`` need no numeric or geodata library;
``coords check`` locates the point with numpy/shapely/pyproj but never loads pandas/geopandas. Checked in fresh interpreters with ``-X importtime``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli import COMMANDS, build_parser

REPO = Path(__file__).resolve().parents[2]
#: Libraries that cost 0.1–1 s each to import on a small machine.
HEAVY = {"geopandas", "pandas", "pyogrio", "rasterio", "scipy", "folium", "branca", "matplotlib",
         "requests", "skimage", "streamlit", "playwright", "sqlalchemy", "psycopg"}
GEOMETRY = {"numpy", "shapely", "pyproj"}


def _imported(*argv: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "geo", *argv], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    names = {line.rsplit("|", 1)[1].strip().split(".")[0]
             for line in proc.stderr.splitlines() if line.startswith("import time:") and "|" in line}
    return names, proc


def test_coords_parse_imports_no_numeric_or_geodata_library():
    names, proc = _imported("coords", "parse", "37°11'40\"N 68°36'19\"E", "--json")
    assert proc.returncode == 0 and '"lat": 37.194444' in proc.stdout
    assert "geo" in names and "cli" in names  # the scan sees our own modules, so it can fail
    assert not names & (HEAVY | GEOMETRY)


def test_coords_check_locates_without_pandas():
    names, proc = _imported("coords", "check", "37.16N 68.62E", "--json")
    assert proc.returncode == 0 and '"side": "AFG"' in proc.stdout
    assert GEOMETRY <= names
    assert not names & HEAVY


@pytest.mark.parametrize("command", [*COMMANDS, None])
def test_help_of_every_command_imports_no_numeric_or_geodata_library(command):
    names, proc = _imported(*([command] if command else []), "--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout
    assert not names & (HEAVY | GEOMETRY)


def test_top_level_help_lists_every_command_with_its_line():
    full = build_parser()  # every module registered, as before the start-up work
    sub = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction))
    registered = {choice.dest: choice.help for choice in sub._choices_actions}
    assert registered == {name: help_text for name, (_, help_text) in COMMANDS.items()}
    lazy_help = build_parser(["--help"]).format_help()
    for name, (_, help_text) in COMMANDS.items():
        assert name in lazy_help and help_text in " ".join(lazy_help.split())


def test_only_the_named_command_is_registered_fully():
    parser = build_parser(["coords", "parse", "x"])
    assert parser.parse_args(["coords", "parse", "37, 68"]).text == "37, 68"
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["nonsense"])
    assert exc.value.code == 2


def test_written_out_choices_match_the_analysis_modules():
    from cli import coverage_cmd
    from geo.coverage import MODELS

    assert coverage_cmd.MODELS == MODELS


def _best(argv: list[str], runs: int = 3) -> tuple[float, float]:
    """Best wall and best CPU (user + system) seconds of ``runs`` runs of ``argv``."""
    wall = cpu = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=REPO, capture_output=True, timeout=120, check=True)
        wall = min(wall, time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = min(cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu


@pytest.mark.slow
def test_coords_parse_starts_about_as_fast_as_bare_python():
    """Loose time guard that holds on a busy machine: ``coords parse`` costs at most 0.2 s of CPU
    more than a bare interpreter (best of three), and its wall time is well under that of
    importing geopandas, which it used to do."""
    _, bare_cpu = _best([sys.executable, "-c", "pass"])
    parse_wall, parse_cpu = _best([sys.executable, "-m", "geo", "coords", "parse", "37.19, 68.61", "--json"])
    geopandas_wall, _ = _best([sys.executable, "-c", "import geopandas"], runs=2)
    assert parse_cpu < bare_cpu + 0.2, (parse_cpu, bare_cpu)
    assert parse_wall < 0.5 * geopandas_wall, (parse_wall, geopandas_wall)
