"""Layering rules: geo/ knows neither Streamlit nor Folium; layers/ never imports Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(("package", "forbidden"), [
    ("geo", {"streamlit", "streamlit_folium", "folium", "branca"}),
    ("layers", {"streamlit", "streamlit_folium"}),
])
def test_package_does_not_import(package, forbidden):
    offenders = {str(p.relative_to(ROOT)): _imports(p) & forbidden
                 for p in (ROOT / package).rglob("*.py") if _imports(p) & forbidden}
    assert not offenders


def test_no_machine_paths_in_repo():
    machine_root = "/" + "work" + "/"
    for path in ROOT.rglob("*"):
        hidden = [p for p in path.relative_to(ROOT).parts if p.startswith(".") and p not in {".ci", ".streamlit"}]
        if hidden or not path.is_file() or path.suffix not in {".py", ".md", ".toml", ".sh", ""}:
            continue
        assert machine_root not in path.read_text(encoding="utf-8", errors="replace"), path
