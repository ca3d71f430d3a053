"""The project's exceptions.

One root (:class:`BorderMapError`) that the page and the CLI catch to show a clear
message; each subclass also inherits the built-in a caller would expect, so
``except ValueError`` keeps working for library users.

Helpers keep messages one short sentence: :func:`shown` echoes at most
:data:`ECHO_LIMIT` characters of an input; :func:`write_error` turns an OS error met
while writing into a sentence that says read-only, disk full, or a file in the way;
:func:`check_writable_folder` finds that out before any work is done.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


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


class ReadOnlyError(DataFileError):
    """A file or folder that had to be written is read-only (permissions, read-only disk)."""


class DiskFullError(DataFileError):
    """A write failed because the disk (or the user's quota) is full."""


#: Characters of a user's input echoed back in a message.
ECHO_LIMIT = 80

#: Bytes :func:`folder_problem` writes: room for a small file or an SQLite journal (-shm is 32 KiB).
PROBE_BYTES = 64 * 1024

_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """``repr`` of ``value``'s text, cut to ``limit`` characters (length stated when cut).

    >>> shown("2025-01-01")
    "'2025-01-01'"
    >>> shown("9" * 1000, 8)
    "'9999999…' (1,000 characters)"
    """
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit - 1] + '…'!r} ({len(text):,} characters)"


def folder_problem(folder: str | os.PathLike[str]) -> OSError | None:
    """Why nothing can be created in ``folder`` (the OS's own error), or None if a file can be.

    Probes by writing and removing a temporary file of :data:`PROBE_BYTES`, so
    permissions, read-only mounts, immutable folders and a (nearly) full disk are all
    seen as the OS sees them.
    """
    path = Path(folder)
    for parent in (path, *path.parents):
        if parent.exists():
            if not parent.is_dir():
                return NotADirectoryError(errno.ENOTDIR, "a part of the path is a file, not a folder",
                                          str(parent))
            break
    if not path.is_dir():
        return FileNotFoundError(errno.ENOENT, "the folder does not exist", str(path))
    try:
        with tempfile.TemporaryFile(dir=path) as fh:
            fh.write(b"\0" * PROBE_BYTES)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        return exc
    return None


def write_error(exc: OSError, what: str, action: str = "written") -> DataFileError:
    """One-sentence error for ``exc`` met while writing ``what`` (e.g. ``"output file 'x.csv'"``).

    Read-only and disk-full get their own class and message; ``action`` completes
    "``what`` cannot be …".
    """
    if exc.errno in _READ_ONLY_ERRNOS:
        return ReadOnlyError(f"{what} cannot be {action}: the folder is read-only or you lack permission "
                             "there; choose a folder you can write to")
    if exc.errno in _FULL_ERRNOS:
        return DiskFullError(f"{what} cannot be {action}: the disk is full; free some space and try again")
    if exc.errno == errno.ENOTDIR or isinstance(exc, (NotADirectoryError, FileExistsError)):
        where = f" ({shown(exc.filename)})" if exc.filename else ""
        return DataFileError(f"{what} cannot be {action}: a part of its path{where} is a file, not a folder")
    if exc.errno == errno.ENOENT:
        return DataFileError(f"{what} cannot be {action}: its folder does not exist")
    return DataFileError(f"{what} cannot be {action} ({exc.strerror or type(exc).__name__})")


def check_writable_folder(folder: str | os.PathLike[str], what: str) -> None:
    """Raise the :func:`write_error` of :func:`folder_problem` if ``folder`` cannot take a new file."""
    problem = folder_problem(folder)
    if problem is not None:
        raise write_error(problem, what)
