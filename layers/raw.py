"""Elements whose rendered output is inserted as plain text, not compiled again by Jinja.

branca's ``MacroElement.render`` wraps the output of each macro (header, html, script) in a
new ``Element``, whose constructor compiles that text as a Jinja template. For our elements
that output holds data (incident notes, place names — escaped, but still data) and can be
megabytes long: compiling it costs time on every rerun and would run any ``{{ … }}`` that got
through. :class:`RawMacroElement` inserts the output as it is.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, Figure, MacroElement


class RawText(Element):
    """Text placed into a Figure section verbatim (no Jinja)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class RawMacroElement(MacroElement):
    """A MacroElement whose macro outputs are added verbatim (see the module docstring)."""

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("an element must be in a Figure to be rendered")
        module = self._template.module.__dict__
        for part, section in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = module.get(part)
            if macro is not None:
                section.add_child(RawText(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
