"""`python -m geo border info` as CLI.md fixes it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.mark.slow
def test_border_info_json():
    proc = run_cli("border", "info", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # exactly one JSON document on stdout
    assert 1150 < doc["length_km"] < 1400
    assert doc["west_end"][0] < doc["east_end"][0]
    assert len(doc["west_end"]) == len(doc["east_end"]) == 2
    assert "DCW" in doc["source"]
    assert doc["official_length_km"] == 1344.15


@pytest.mark.slow
def test_border_info_human():
    proc = run_cli("border", "info")
    assert proc.returncode == 0
    assert "km" in proc.stdout and "official" in proc.stdout


@pytest.mark.slow
def test_unknown_subcommand_exits_2_without_traceback():
    proc = run_cli("border", "nonsense")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
