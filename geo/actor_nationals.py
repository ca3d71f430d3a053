"""Nationals read from ACLED's target text: ``"Civilians (China)"`` → ``"CN"``.

ACLED names a group's country in parentheses after the group (``Civilians (China)``,
``Labor Group (China)``, ``Private Security Forces (Russia)``). The target side of a
record (``actor2``, ``assoc_actor_2``) therefore says which nationals were hit, the
meaning of Border Map's ``nationals`` field. Only country names are read; years such
as ``(1994-)`` and other notes in parentheses are ignored. Country names are resolved
with pycountry (ISO 3166-1), plus the short names ACLED uses that ISO spells otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

#: Fields naming the target side of an ACLED record.
TARGET_FIELDS: tuple[str, ...] = ("actor2", "assoc_actor_2")
#: ACLED short names that pycountry does not resolve by lookup (name → ISO 3166-1 alpha-2).
_ACLED_NAMES = {"russia": "RU", "turkey": "TR", "syria": "SY", "laos": "LA", "vietnam": "VN",
                "north korea": "KP", "palestine": "PS", "kosovo": "XK", "democratic republic of congo": "CD",
                "republic of congo": "CG", "ivory coast": "CI", "czech republic": "CZ",
                "united kingdom": "GB", "bolivia": "BO", "venezuela": "VE", "moldova": "MD"}
_PAREN_RE = re.compile(r"\(([^()]{2,60})\)")


@lru_cache(maxsize=512)
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name (any case), or ``None`` if it names none.

    >>> country_code("China"), country_code("Russia"), country_code("1994-")
    ('CN', 'RU', None)
    """
    import pycountry

    key = " ".join(name.split()).lower()
    if key in _ACLED_NAMES:
        return _ACLED_NAMES[key]
    if len(key) < 4:  # "(US)", "(UN)": abbreviations are too ambiguous to read as nationality
        return None
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None


def nationals_from_targets(record: Mapping[str, Any]) -> str | None:
    """Comma-separated ISO2 codes named in the record's target text, or ``None``.

    >>> nationals_from_targets({"actor2": "Civilians (China)", "assoc_actor_2": "Labor Group (Tajikistan)"})
    'CN,TJ'
    >>> nationals_from_targets({"actor2": "Military Forces of Tajikistan (1994-)"}) is None
    True
    """
    codes: list[str] = []
    for name in TARGET_FIELDS:
        text = record.get(name)
        if not isinstance(text, str):
            continue
        for inner in _PAREN_RE.findall(text):
            code = country_code(inner)
            if code is not None and code not in codes:
                codes.append(code)
    return ",".join(codes) or None
