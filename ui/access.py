"""Who is at the page and what they may do: Streamlit's OIDC login for a team, or one analyst.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` (any OIDC provider; Streamlit's
``st.login``), everyone logs in, and the role the store keeps for their e-mail address
(``python -m geo users add EMAIL --role …``) decides what they may do
(:mod:`geo.permissions`): a logged-in address without a role is refused. The address is
what the history records.

Without ``[auth]`` the page serves one analyst, who types a name, and it must be bound to this
machine only (``server.address = "127.0.0.1"``). Serving it beyond without a login needs
``BORDERMAP_ALLOW_OPEN=1`` and then warns on every page and in the server log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from geo.errors import BorderMapError
from geo.permissions import ROLES, SINGLE_ANALYST, Access, is_loopback_address
from geo.settings import read_settings
from ui import incidents_state
from ui.markdown import escape_markdown

logger = logging.getLogger(__name__)

_USERS_FEEDBACK = "_page_users_feedback"
_ACTION_WORDS = {"add": "add records", "import": "import records"}


def _auth_section() -> Mapping[str, Any] | None:
    try:
        section = st.secrets["auth"] if "auth" in st.secrets else None
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return None
    return section if isinstance(section, Mapping) else None


def auth_configured() -> bool:
    """True when ``[auth]`` is set in the secrets: people log in and roles apply."""
    return _auth_section() is not None


def _providers() -> list[str | None]:
    """The named providers of ``[auth.NAME]`` sections, or ``[None]`` for ``[auth]`` alone."""
    section = _auth_section() or {}
    named = [str(k) for k, v in section.items() if isinstance(v, Mapping)]
    return list(named) or [None]


def logged_in_email() -> str | None:
    """The e-mail address the login provider reported (lower case), None when not logged in."""
    if not st.user.get("is_logged_in"):
        return None
    email = str(st.user.get("email") or "").strip().lower()
    return email or None


def team_access() -> Access:
    """The logged-in person and the role the store keeps for them (None: no role)."""
    email = logged_in_email()
    if email is None:
        return Access(None, None)
    return Access(email, incidents_state.store().role_of(email))


def _login_screen() -> None:
    st.info("This Border Map is shared by a team: log in to open it.")
    for provider in _providers():
        label = "Log in" if provider is None else f"Log in with {provider}"
        st.button(label, key=f"page_login_{provider or 'default'}", type="primary",
                  on_click=st.login, args=(provider,) if provider else ())


@st.cache_resource(show_spinner=False)
def _warned_open(address: str) -> bool:
    logger.warning("the page is served on %r without a login (BORDERMAP_ALLOW_OPEN=1): anyone who reaches "
                   "the port can change the store", address or "every interface")
    return True


def gate() -> Access:
    """The page's entrance (call first in ``main()``): who works and what they may do, or stop the
    script with one sentence (not logged in, no role, served open without leave)."""
    if not auth_configured():
        address = str(st.get_option("server.address") or "")
        if not is_loopback_address(address):
            shown = escape_markdown(address or "every interface")
            if not read_settings().allow_open:
                st.error(f"This page is served on {shown} without a login, so anyone who reaches it could "
                         "change the store: set up a login ([auth], README \"For a team\"), serve it on "
                         "127.0.0.1, or set BORDERMAP_ALLOW_OPEN=1 to serve it open on purpose.")
                st.stop()
            _warned_open(address)
            st.warning(f"Served on {shown} without a login (BORDERMAP_ALLOW_OPEN=1): anyone who reaches "
                       "this page can add, change and delete records under any name.")
        from ui import page_state

        return Access(page_state.typed_user(), SINGLE_ANALYST)
    email = logged_in_email()
    if email is None:
        if st.user.get("is_logged_in"):
            st.error("The login provider did not report an e-mail address, which this page needs to find "
                     "your role; ask your admin to configure the provider's email scope.")
            st.button("Log out", key="page_logout", on_click=st.logout)
        else:
            _login_screen()
        st.stop()
    access = team_access()
    if access.role is None:
        st.error(f"{escape_markdown(email)} has no role in this Border Map store; ask an admin to add you "
                 f"(python -m geo users add {escape_markdown(email)} --role viewer).")
        st.button("Log out", key="page_logout", on_click=st.logout)
        st.stop()
    return access


def account_box(access: Access) -> None:
    """The sidebar's first lines: who is logged in with which role (and Log out), or, for one
    analyst, the "Your name" box and where the page is served."""
    from ui import incident_sidebar

    sb = st.sidebar
    if access.team:
        sb.markdown(f"Signed in as **{escape_markdown(access.user)}** · role **{access.role}**")
        sb.button("Log out", key="page_logout", on_click=st.logout)
        if access.may("manage_users"):
            _users_panel()
        return
    incident_sidebar.user_box()
    address = str(st.get_option("server.address") or "")
    if is_loopback_address(address):
        sb.caption(f"Served on this machine only ({escape_markdown(address)}), without login. For a team, "
                   "see README \"For a team\".")


def _give_role() -> None:
    ss = st.session_state
    from ui import page_state

    try:
        page_state.current_access().check("manage_users")
        new = incidents_state.store().set_user(ss.get("page_users_email") or "", ss.get("page_users_role") or "",
                                               by=page_state.current_user() or "")
    except BorderMapError as exc:
        ss[_USERS_FEEDBACK] = ("error", f"Not changed — {escape_markdown(exc)}")
        return
    email = str(ss.get("page_users_email")).strip().lower()
    ss[_USERS_FEEDBACK] = ("success", f"{escape_markdown(email)} is {'now' if new else 'changed to'} "
                                      f"{ss.get('page_users_role')}.")
    ss["page_users_email"] = ""


def _remove_role(email: str) -> None:
    from ui import page_state

    ss = st.session_state
    try:
        access = page_state.current_access()
        access.check("manage_users")
        if email == access.user:
            raise BorderMapError("you cannot take your own role away; ask another admin")
        incidents_state.store().remove_user(email)
    except BorderMapError as exc:
        ss[_USERS_FEEDBACK] = ("error", f"Not removed — {escape_markdown(exc)}")
        return
    ss[_USERS_FEEDBACK] = ("success", f"{escape_markdown(email)} has no role any more.")


def _users_panel() -> None:
    """Admins: the store's users and their roles; give, change or take away a role."""
    with st.sidebar.expander("Users and roles (admin)"):
        users = incidents_state.store().list_users()
        st.dataframe(pd.DataFrame(users, columns=["email", "role", "added_at", "added_by"]), hide_index=True,
                     key="page_users_table")
        st.text_input("E-mail address", key="page_users_email", max_chars=254)
        st.selectbox("Role", list(ROLES), key="page_users_role")
        st.button("Give this role", key="page_users_give", on_click=_give_role)
        others = [u["email"] for u in users]
        gone = st.selectbox("Take a role away", others, index=None, key="page_users_remove_pick",
                            placeholder="choose a user")
        st.button("Remove", key="page_users_remove", disabled=gone is None, on_click=_remove_role,
                  args=(gone,))
        if feedback := st.session_state.pop(_USERS_FEEDBACK, None):
            (st.success if feedback[0] == "success" else st.error)(feedback[1])


def not_allowed(access: Access, action: str) -> None:
    """In place of a panel this person's role does not allow: one line saying so (returns None)."""
    st.info(f"Your role ({access.role}) lets you read, filter and export, not {_ACTION_WORDS.get(action, action)}; "
            "ask an admin of this store for the editor role.")
