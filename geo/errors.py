"""The project's exceptions.

One root (:class:`BorderMapError`) that the page and the CLI catch to show a clear
message; each subclass also inherits the built-in a caller would expect, so
``except ValueError`` keeps working for library users.
"""

from __future__ import annotations


class BorderMapError(Exception):
    """Root of every error Border Map raises on purpose."""


class InvalidCoordinateError(BorderMapError, ValueError):
    """A coordinate text or value that is not one valid point."""


class InvalidInputError(BorderMapError, ValueError):
    """A parameter or field value that is out of range or malformed."""


class DataFileError(BorderMapError, OSError):
    """A shipped or user-supplied data file is missing, unreadable or malformed."""


class CRSError(BorderMapError, ValueError):
    """A layer or raster without a CRS, or in a CRS that cannot be handled."""


class StoreError(BorderMapError, RuntimeError):
    """The incident store could not complete an operation."""


class TerrainUnavailableError(BorderMapError, LookupError):
    """A terrain feature was asked for but no DEM is loaded or it does not cover the area."""


class NetworkError(BorderMapError, ConnectionError):
    """A download could not reach its server or was cut off (offline, refused, timed out)."""


class IncidentNotFoundError(StoreError, LookupError):
    """No incident with the given id in the store."""


class BrowserNotFoundError(BorderMapError, FileNotFoundError):
    """No Chromium/Chrome could be found to render a snapshot as the browser shows it."""


class RenderError(BorderMapError, RuntimeError):
    """A snapshot could not be rendered (the browser failed or the map never drew)."""


class EditConflictError(StoreError):
    """A record changed since the version the editor saw (someone else edited it meanwhile).

    Attributes: ``incident_id``, ``expected_version`` (what the editor saw),
    ``current_version``, ``changed_by`` and ``changed_at`` (who made the newer version and
    when, ISO UTC), ``yours`` (the values this edit wanted) and ``theirs`` (the stored values
    of the same fields now).
    """

    def __init__(self, incident_id: str, expected_version: int, current_version: int, changed_by: str,
                 changed_at: str, yours: dict[str, object], theirs: dict[str, object]) -> None:
        self.incident_id = incident_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.yours = dict(yours)
        self.theirs = dict(theirs)
        differ = [k for k in self.yours if self.yours[k] != self.theirs.get(k)]
        detail = "; ".join(f"{k} is now {self.theirs.get(k)!r}, yours {self.yours[k]!r}" for k in differ[:3])
        super().__init__(
            f"incident {incident_id!r} was changed by {changed_by} at {changed_at} since you opened it "
            f"(version {current_version}, you had {expected_version})" + (f": {detail}" if detail else "")
            + "; reload it, or overwrite deliberately")
