"""Two analysts, one record: the page refuses to overwrite a colleague's edit it did not show.

The colleague writes through the store itself (as another page, the CLI or QGIS would), between
the moment this page filled its edit form and the moment it saves. Each test runs on a
GeoPackage store and on a PostGIS one (``BORDERMAP_DB=postgresql://…``, a throwaway cluster).
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from geo.store import IncidentStoreProtocol, open_store
from tests.app.page_text import errors as page_errors
from tests.app.page_text import plain
from tests.conftest import ROOT
from tests.geo.store_backends import pg_cluster, store_target  # noqa: F401  (fixtures)

APP = str(ROOT / "app.py")

pytestmark = pytest.mark.slow


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at




def _conflict_rows(at: AppTest) -> dict[str, tuple[str, str]]:
    """The conflict block's table: field → (yours, theirs), as shown."""
    tables = [t.value for t in at.table if "theirs (stored now)" in t.value.columns]
    assert len(tables) == 1, "no conflict table on the page"
    frame = tables[0]
    return {plain(f): (plain(y), plain(t))
            for f, y, t in zip(frame["field"], frame["yours"], frame["theirs (stored now)"], strict=True)}


@pytest.fixture()
def opened(app_env, store_target, monkeypatch):  # noqa: F811
    """The page on each backend with its oldest record selected and its edit form filled;
    yields ``(at, store, id)``, ``store`` being the colleague's own connection to the same store."""
    monkeypatch.setenv("BORDERMAP_DB", store_target)
    at = _run(AppTest.from_file(APP, default_timeout=90))
    store = open_store(store_target)
    target = store.list().sort_values("event_date")["id"].iloc[0]
    at.selectbox(key="inc_selected").set_value(target)
    _run(at)
    yield at, store, target
    store.close()


def _edit_behind_the_page(store: IncidentStoreProtocol, target: str) -> dict:
    """A colleague changes fatalities and notes of ``target`` through the store."""
    store.update(target, {"fatalities": 11, "notes": "recounted by the desk"}, by="Colleague Bo")
    return store.get(target)


def test_a_colleagues_edit_is_shown_not_overwritten_then_overwrite_saves(opened):
    at, store, target = opened
    seen = store.get(target)
    at.text_input(key=f"inc_e_{target}_fatalities").input("7")
    at.text_input(key=f"inc_e_{target}_actor1").input("Border Troops")
    theirs = _edit_behind_the_page(store, target)
    at.button(key="inc_edit_save").click()
    _run(at)

    # the store is as the colleague left it: nothing of this page's form was written
    assert store.get(target) == theirs
    assert theirs["version"] == seen["version"] + 1
    block = [e for e in page_errors(at) if "since you opened it" in e]
    assert len(block) == 1, page_errors(at)
    assert block[0].startswith("Not saved — this record was changed by Colleague Bo at ")
    assert re.search(r" at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC since you opened it", block[0])
    rows = _conflict_rows(at)
    assert rows["fatalities"] == ("7", "11")  # both values of the field both changed
    assert rows["actor1"] == ("Border Troops", "—" if seen["actor1"] is None else seen["actor1"])
    assert "notes" not in rows  # a field only the colleague changed is not sent, so not in conflict
    # what was typed is still in the form
    assert at.text_input(key=f"inc_e_{target}_fatalities").value == "7"
    _run(at)  # another rerun (the map reporting its view) keeps the block and the typing
    assert any("since you opened it" in e for e in page_errors(at))
    assert at.text_input(key=f"inc_e_{target}_actor1").value == "Border Troops"

    at.button(key="inc_conflict_overwrite").click()
    _run(at)
    now = store.get(target)
    assert now["fatalities"] == 7 and now["actor1"] == "Border Troops"
    assert now["notes"] == "recounted by the desk"  # the colleague's other change stays
    assert now["version"] == theirs["version"] + 1
    assert not any("since you opened it" in e for e in page_errors(at))
    assert [h["by"] for h in store.history(target)][-2:] == ["Colleague Bo", "test analyst"]
    assert at.text_input(key=f"inc_e_{target}_fatalities").value == "7"


def test_reload_shows_the_stored_values_and_writes_nothing(opened):
    at, store, target = opened
    at.text_input(key=f"inc_e_{target}_fatalities").input("7")
    theirs = _edit_behind_the_page(store, target)
    at.button(key="inc_edit_save").click()
    _run(at)
    assert _conflict_rows(at)["fatalities"] == ("7", "11")

    at.button(key="inc_conflict_reload").click()
    _run(at)
    assert store.get(target) == theirs
    assert not any("since you opened it" in e for e in page_errors(at))
    assert at.text_input(key=f"inc_e_{target}_fatalities").value == "11"
    assert at.text_area(key=f"inc_e_{target}_notes").value == "recounted by the desk"
    # saving the reloaded form as it is changes nothing; an edit now goes through on the new version
    at.button(key="inc_edit_save").click()
    _run(at)
    assert store.get(target)["version"] == theirs["version"]
    at.text_input(key=f"inc_e_{target}_fatalities").input("12")
    at.button(key="inc_edit_save").click()
    _run(at)
    assert not page_errors(at), page_errors(at)
    assert store.get(target)["fatalities"] == 12


def test_delete_and_undo_act_only_on_the_version_shown(opened):
    at, store, target = opened
    theirs = _edit_behind_the_page(store, target)
    at.button(key="inc_delete").click()
    _run(at)
    assert store.get(target) == theirs  # not deleted: the page showed an older version
    assert any(e.startswith("Not deleted — this record was changed by Colleague Bo") for e in page_errors(at))
    at.button(key="inc_conflict_overwrite").click()  # "Delete it anyway"
    _run(at)
    assert store.get(target)["deleted"] is True

    # my delete is undone only while the record is as my delete left it
    store.undo(target, by="Colleague Bo")  # the colleague restores it first
    restored = store.get(target)
    at.button(key="inc_undo_last").click()
    _run(at)
    assert store.get(target) == restored
    assert any(e.startswith("Not undone — this record was changed by Colleague Bo") for e in page_errors(at))
    at.button(key="inc_conflict_reload").click()
    _run(at)
    assert not any("since you opened it" in e for e in page_errors(at))
    assert store.get(target) == restored
