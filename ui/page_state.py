"""The page's state boundary: ``st.session_state`` and the map's return, read once per run.

:func:`read` turns them into one frozen :class:`PageState` that ``main()`` passes down; the
panels are functions of these values and return what they draw on the map. State changes
only in button (and widget) callbacks, which run before the script; ``st.rerun()`` is kept
for what no callback can do (the playback's timer).

Key convention (every ``st.session_state`` key of the page): ``<panel>_<name>`` with panel
one of ``page`` (this boundary, layout), ``inc`` (incidents: entry, table, sidebar filters),
``cov`` (coverage and deployment), ``trg`` (triggers), ``terrain``, ``snapshot``, ``layer``
(map toggles); a key starting with ``_`` is page state that is not a widget (set by callbacks).
Per-record widget keys (``inc_e_<id>_<field>``) are freed when their record is no longer edited.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from geo.permissions import SINGLE_ANALYST, Access
from ui import terrain as terrain_ui
from ui.map_view import MapEvent, read_map_event

#: Setting with the analyst's name (recorded in each record's history); the page never falls
#: back to the operating system's account.
USER_ENV = "BORDERMAP_USER"
#: The "Your name" box.
USER_KEY = "page_user"
#: The selected record's id: it follows the record across re-sorts and filters.
SELECTED_KEY = "_inc_selected"


@dataclass(frozen=True)
class PageState:
    """What this run starts from.

    ``event``: the map's report (click — on the map or a marker — as (lat, lon) degrees EPSG:4326,
    drawing, view, bbox); ``dem``: the DEM in use, if any; ``selected``: the selected record's id;
    ``user``: who works — the logged-in e-mail address, or the single analyst's name (``None`` until
    typed or set by ``BORDERMAP_USER``); ``access``: that person and their role (:mod:`ui.access`).
    """

    event: MapEvent
    dem: terrain_ui.DemChoice
    selected: str | None
    user: str | None
    access: Access


def default_user() -> str:
    """The name the "Your name" box starts with: ``$BORDERMAP_USER`` or nothing."""
    return os.environ.get(USER_ENV, "").strip()[:100]


def typed_user() -> str | None:
    """The single analyst's name as typed (the box starts with ``$BORDERMAP_USER``); ``None`` if blank."""
    typed = str(st.session_state.get(USER_KEY, default_user()) or "").strip()
    return typed or None


def current_access() -> Access:
    """Who works and their role, read afresh (a role taken away meanwhile counts at once): the
    logged-in person with the store's role for them when ``[auth]`` is set, else the single analyst.

    For callbacks, which run before :func:`read`, and which check it before writing."""
    from ui import access

    if access.auth_configured():
        return access.team_access()
    return Access(typed_user(), SINGLE_ANALYST)


def current_user() -> str | None:
    """Who works (logged-in e-mail address, or the typed name); ``None`` if nobody is named yet.

    For callbacks, which run before :func:`read`; the page script uses ``PageState.user``.
    """
    return current_access().user


def select(incident_id: str | None) -> None:
    """Make ``incident_id`` the selected record (for callbacks)."""
    st.session_state[SELECTED_KEY] = incident_id


def read(access: Access | None = None) -> PageState:
    """The page state of this run (call once, at the top of ``main()``); ``access``: who passed the
    page's gate (:func:`ui.access.gate`), else read here."""
    ss = st.session_state
    ss.setdefault(USER_KEY, default_user())
    selected = ss.get(SELECTED_KEY)
    access = access or current_access()
    return PageState(event=read_map_event(), dem=terrain_ui.current_dem(),
                     selected=selected if isinstance(selected, str) else None, user=access.user, access=access)
