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
