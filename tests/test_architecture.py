"""Layering rules: data flows geo/ → layers/ → cli/ and the page (app.py + ui/), never back.

geo/ imports neither layers/, ui/, cli/, Folium nor Streamlit (only geo/__main__.py hands
``python -m geo`` over to cli/); layers/ and cli/ never import Streamlit or the page.
"""

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


UI_LIBS = {"streamlit", "streamlit_folium"}
MAP_LIBS = {"folium", "branca"}
#: Files allowed one import that their package's rule forbids otherwise.
ALLOWED = {"geo/__main__.py": {"cli"}}


@pytest.mark.parametrize(("package", "forbidden"), [
    ("geo", {"layers", "ui", "cli", "app", *MAP_LIBS, *UI_LIBS}),
    ("layers", {"ui", "cli", "app", *UI_LIBS}),
    ("cli", {"ui", "app", *UI_LIBS}),
])
def test_package_does_not_import(package, forbidden):
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        bad = _imports(path) & forbidden - ALLOWED.get(rel, set())
        if bad:
            offenders[rel] = sorted(bad)
    assert not offenders


def test_rule_sees_lazy_and_dotted_imports(tmp_path):
    """The scan also finds imports inside functions and of submodules (so the rule can fail)."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import streamlit.components.v1\n    from layers.scene import x\n")
    assert _imports(sample) == {"streamlit", "layers"}


def test_no_machine_paths_in_repo():
    machine_root = "/" + "work" + "/"
    for path in ROOT.rglob("*"):
        hidden = [p for p in path.relative_to(ROOT).parts if p.startswith(".") and p not in {".ci", ".streamlit"}]
        if hidden or not path.is_file() or path.suffix not in {".py", ".md", ".toml", ".sh", ""}:
            continue
        assert machine_root not in path.read_text(encoding="utf-8", errors="replace"), path
