"""Adding, choosing and removing one incident's claims in a store (either backend).

Each change is an ordinary record update (a new version, a history entry, undo restores the
claims and the figures they set), made as read, change, write with the version read: when
another writer changed the record in between, the store refuses and the change is made again
on the newer record, so two analysts adding claims at once never lose each other's.
See :mod:`geo.claims` for the claims and the derivation rules.

Example
-------
>>> claim, version = add_claim(store, incident_id, {"field": "fatalities", "value": 3,  # doctest: +SKIP
...     "source": "Asia-Plus", "source_date": "2025-12-25", "claimant": "official"}, by="ana")
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from geo.claims import (
    Claim,
    claims_text,
    find_claim,
    parse_claims,
    validate_claim,
    with_claim_added,
    with_claim_chosen,
    without_claim,
)
from geo.errors import EditConflictError, StoreError
from geo.store import IncidentStoreProtocol, _who

#: Times a change is tried on a record other writers keep changing, and the longest pause
#: between two tries (seconds; a random part of it, growing with each try).
RETRIES = 20
RETRY_PAUSE_S = 0.05

_Change = Callable[[tuple[Claim, ...]], tuple[Claim, ...]]


def record_claims(store: IncidentStoreProtocol, incident_id: str) -> tuple[Claim, ...]:
    """The claims of one record (deleted or not)."""
    return parse_claims(store.get(incident_id).get("claims"))


def _change(store: IncidentStoreProtocol, incident_id: str, by: str, change: _Change) -> int:
    for attempt in range(RETRIES):
        if attempt:
            time.sleep(random.uniform(0, RETRY_PAUSE_S * min(attempt, 5)))
        rec = store.get(incident_id)
        if rec.get("deleted"):
            raise StoreError(f"incident {incident_id!r} is deleted; undo the deletion before changing its claims")
        new = claims_text(change(parse_claims(rec.get("claims"))))
        try:
            return store.update(incident_id, {"claims": new}, by, expected_version=int(rec["version"]))
        except EditConflictError:
            continue  # changed meanwhile: the change is made again on what is stored now
    raise StoreError(f"incident {incident_id!r} kept changing while its claims were written; try again")


def add_claim(store: IncidentStoreProtocol, incident_id: str, fields: Mapping[str, Any], by: str, *,
              today: dt.date | None = None) -> tuple[Claim, int]:
    """Validate ``fields`` as a claim (:func:`geo.claims.validate_claim`), signed ``by`` now,
    and add it to the record. Returns the claim as stored and the record's new version."""
    by = _who(by)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    claim = validate_claim({**fields, "added_by": by, "added_at": now}, today=today)
    added: list[Claim] = []

    def change(claims: tuple[Claim, ...]) -> tuple[Claim, ...]:
        out = with_claim_added(claims, claim)
        added[:] = [out[-1]]
        return out

    version = _change(store, incident_id, by, change)
    return added[0], version


def choose_claim(store: IncidentStoreProtocol, incident_id: str, claim_id: str | None, by: str, *,
                 field: str | None = None) -> int:
    """Make ``claim_id`` (an id or unique prefix) its field's chosen claim — best takes its
    value — or with ``claim_id=None`` un-choose ``field``'s claims. Returns the new version."""
    return _change(store, incident_id, _who(by), lambda cs: with_claim_chosen(cs, claim_id, field))


def remove_claim(store: IncidentStoreProtocol, incident_id: str, claim_id: str, by: str) -> tuple[Claim, int]:
    """Take one claim off the record (undo brings it back). Returns it and the new version."""
    found: list[Claim] = []

    def change(claims: tuple[Claim, ...]) -> tuple[Claim, ...]:
        found[:] = [find_claim(claims, claim_id)]
        return without_claim(claims, claim_id)

    version = _change(store, incident_id, _who(by), change)
    return found[0], version
