"""The map's own JavaScript files (next to this module), read once and checked to be inline-safe.

They go into a map's script (streamlit-folium runs each element's script, not header scripts),
so none of them may contain ``</script``, which would end the inline ``<script>`` early.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from branca.element import Template

from layers.raw import RawMacroElement

_DIR = Path(__file__).resolve().parent
#: leaflet.heat 0.2.0 (BSD-2-Clause), vendored with the other map assets.
_HEAT_PATH = _DIR.parent / "static" / "vendor" / "leaflet-heat.js"


def _checked(path: Path) -> str:
    code = path.read_text(encoding="utf-8")
    if "</script" in code.lower():
        raise RuntimeError(f"{path.name} must not contain '</script'")
    return code


@cache
def script(name: str) -> str:
    """The text of ``layers/<name>`` (a .js file of this package)."""
    return _checked(_DIR / name)


@cache
def heat_library() -> str:
    """leaflet.heat, defined only where ``L.heatLayer`` is not yet (so it can travel with a layer
    that is sent apart from the map and run again on each swap)."""
    return "if (typeof L.heatLayer !== 'function') {\n" + _checked(_HEAT_PATH) + "\n}\n"


def stack_library() -> str:
    """``BmStack``: one popup listing every feature under a click (see ``stack_popup.js``)."""
    return script("stack_popup.js")


_TEMPLATE = """
{% macro script(this, kwargs) %}
{{ this.code }}
{% endmacro %}
"""


class StackPopups(RawMacroElement):
    """Adds ``BmStack`` to a map (``StackPopups().add_to(m)``, before the point layers), so that
    the point layers' clicks open one popup listing all features on the clicked spot."""

    _template = Template(_TEMPLATE)

    def __init__(self) -> None:
        super().__init__()
        self._name = "StackPopups"
        self.code = stack_library()
