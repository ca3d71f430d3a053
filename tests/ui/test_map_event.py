"""The map event: a click on a marker counts as the last map click, like a click on the map."""

from __future__ import annotations

import streamlit as st

from ui import map_view


def _event(monkeypatch, session: dict, last_clicked=None, last_object_clicked=None) -> map_view.MapEvent:
    session[map_view.MAP_KEY] = {"last_clicked": last_clicked, "last_object_clicked": last_object_clicked,
                                 "last_active_drawing": None}
    return map_view.read_map_event()


def test_the_newest_click_wins_whether_on_the_map_or_on_a_marker(monkeypatch):
    session: dict = {}
    monkeypatch.setattr(st, "session_state", session)
    monkeypatch.setattr(st, "query_params", {})
    assert _event(monkeypatch, session).click is None
    on_map = {"lat": 37.1234567, "lng": 68.7654321}
    assert _event(monkeypatch, session, on_map).click == (37.123457, 68.765432)
    marker = {"lat": 37.5, "lng": 71.5}
    assert _event(monkeypatch, session, on_map, marker).click == (37.5, 71.5)
    # a run without a new click keeps the last one; a new map click takes over again
    assert _event(monkeypatch, session, on_map, marker).click == (37.5, 71.5)
    elsewhere = {"lat": 38.0, "lng": 70.0}
    assert _event(monkeypatch, session, elsewhere, marker).click == (38.0, 70.0)
    assert _event(monkeypatch, session, elsewhere, {"lat": "x"}).click == (38.0, 70.0)
