"""Patrol coverage scenarios kept in the incident store, on either backend.

A scenario (:class:`geo.assets.Scenario`) is saved as the GeoJSON of its assets under its
name (saving again under the same name replaces it), with who saved it and when, so a
team shares one set of scenarios; the store keeps them through its own methods
``put_scenario``, ``get_scenario`` and ``list_scenarios``.

Example
-------
>>> scenarios = ScenarioStore(open_store("incidents.gpkg"))  # doctest: +SKIP
>>> scenarios.save(Scenario("Two posts", assets), "ana")  # doctest: +SKIP
>>> scenarios.load("Two posts").assets  # doctest: +SKIP
"""

from __future__ import annotations

from geo.assets import Scenario, assets_from_geojson, assets_to_geojson
from geo.errors import InvalidInputError
from geo.store import IncidentStoreProtocol


class ScenarioStore:
    """Coverage scenarios in ``store`` (any backend :func:`geo.store.open_store` returns)."""

    def __init__(self, store: IncidentStoreProtocol) -> None:
        self.store = store

    @staticmethod
    def document(scenario: Scenario) -> dict:
        """What is stored of ``scenario``: the GeoJSON of its assets with its name (``scenario``)."""
        doc = assets_to_geojson(scenario.assets)
        doc["scenario"] = scenario.name
        return doc

    def save(self, scenario: Scenario, by: str) -> None:
        """Save ``scenario`` under its name (replacing one of the same name)."""
        self.store.put_scenario(scenario.name, self.document(scenario), by)

    def load(self, name: str) -> Scenario:
        """The scenario saved under ``name`` (:class:`InvalidInputError` if there is none)."""
        row = self.store.get_scenario(name)
        try:
            return Scenario(row["name"], tuple(assets_from_geojson(row["data"])))
        except InvalidInputError as exc:
            raise InvalidInputError(f"saved scenario {name!r} is not valid: {exc}") from exc

    def names(self) -> list[str]:
        """Names of the saved scenarios, in name order."""
        return [row["name"] for row in self.store.list_scenarios()]
