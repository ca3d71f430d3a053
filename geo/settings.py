"""Every ``BORDERMAP_*`` environment variable, read in one place into one frozen value.

The page and the command line both call :func:`read_settings`, so they agree on the
shipped-data folder, the incident store, the DEM, the scenarios folder, the analyst's
name and the browser used for PNG snapshots. Nothing here is cached or mutated: a call
reads the environment it is given (``os.environ`` by default) and returns a new value.
Reading is cheap (no third-party imports), so the CLI can call it at start-up.

Variables
---------
``BORDERMAP_DATA_DIR``   shipped layers (default: the repository's ``data/``)
``BORDERMAP_DB``         incident store: a GeoPackage path or a ``postgresql://`` URL
                         (default: ``<user data dir>/incidents.gpkg``)
``BORDERMAP_DEM``        DEM GeoTIFF/COG path or URL (default: ``<user data dir>/dem.tif``)
``BORDERMAP_SCENARIOS``  folder of saved coverage scenarios (default ``<user data dir>/scenarios``)
``BORDERMAP_USER``       the analyst's name recorded in the history (no default: the page asks,
                         the CLI takes ``--by`` and otherwise records :data:`CLI_USER`)
``BORDERMAP_CHROMIUM``   Chromium/Chrome executable for PNG snapshots (default: searched)
``BORDERMAP_ALLOW_OPEN`` ``1`` lets the page be served beyond this machine without a login
                         (``[auth]``); it then warns on every page (default: refused)

The user data dir is ``$XDG_DATA_HOME/border-map`` (see :func:`geo.paths.user_data_dir`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from geo.paths import user_data_dir

DATA_DIR_ENV = "BORDERMAP_DATA_DIR"
DB_ENV = "BORDERMAP_DB"
DEM_ENV = "BORDERMAP_DEM"
SCENARIOS_ENV = "BORDERMAP_SCENARIOS"
USER_ENV = "BORDERMAP_USER"
CHROMIUM_ENV = "BORDERMAP_CHROMIUM"
DEM_TILES_URL_ENV = "BORDERMAP_DEM_TILES_URL"
ALLOW_OPEN_ENV = "BORDERMAP_ALLOW_OPEN"
#: Every variable :func:`read_settings` reads.
ENV_VARS = (DATA_DIR_ENV, DB_ENV, DEM_ENV, SCENARIOS_ENV, USER_ENV, CHROMIUM_ENV, ALLOW_OPEN_ENV)

#: The repository's ``data/`` folder (shipped, read-only at run time).
SHIPPED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: Name the command line records when neither ``--by`` nor ``BORDERMAP_USER`` names anyone.
CLI_USER = "cli"
#: Longest analyst name kept (characters), as the store keeps it.
MAX_USER_CHARS = 100
_URL_PREFIXES = ("postgresql://", "postgres://", "http://", "https://", "/vsi")


@dataclass(frozen=True)
class Settings:
    """Where the app's files are and who is working, as the environment says.

    Attributes
    ----------
    data_dir : Path
        Folder of the shipped layers.
    user_data_dir : Path
        The user's own folder (store, DEM, scenarios by default).
    db : str
        Incident store: a GeoPackage path (``~`` expanded) or a database URL.
    dem : str or None
        DEM named by the environment (path or URL), None when none is named.
    default_dem : Path
        Where the app keeps its own DEM (used when ``dem`` is None and the file exists).
    scenarios_dir : Path
        Folder of saved coverage scenarios.
    user : str or None
        The analyst's name (spaces collapsed), None when none is set.
    chromium : str or None
        Browser executable named by the environment, None to search for one.
    dem_tiles_url : str or None
        A mirror of the Copernicus GLO-90 tile bucket for ``terrain fetch``; None for the public one.
    allow_open : bool
        Serve the page beyond this machine without a login (``BORDERMAP_ALLOW_OPEN=1``).
    """

    data_dir: Path
    user_data_dir: Path
    db: str
    dem: str | None
    default_dem: Path
    scenarios_dir: Path
    user: str | None
    chromium: str | None
    dem_tiles_url: str | None = None
    allow_open: bool = False

    def store(self, cli_value: str | os.PathLike[str] | None = None) -> str:
        """The store to open: a ``--db`` value when given, else :attr:`db`."""
        return _location(cli_value) or self.db


def _location(value: str | os.PathLike[str] | None) -> str | None:
    """A path with ``~`` expanded, a URL as given, None for an empty value."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    return text if text.startswith(_URL_PREFIXES) else str(Path(text).expanduser())


def _user(value: str | None) -> str | None:
    text = " ".join((value or "").split())[:MAX_USER_CHARS]
    return text or None


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read every ``BORDERMAP_*`` variable (and ``XDG_DATA_HOME``) into :class:`Settings`.

    >>> s = read_settings({"BORDERMAP_DB": "~/x.gpkg", "BORDERMAP_USER": "  Ana  B ",
    ...                    "XDG_DATA_HOME": "/tmp/xdg"})
    >>> s.user, s.db.endswith("x.gpkg"), str(s.scenarios_dir)
    ('Ana B', True, '/tmp/xdg/border-map/scenarios')
    """
    env = os.environ if environ is None else environ
    home = user_data_dir(env)
    return Settings(
        data_dir=Path(_location(env.get(DATA_DIR_ENV)) or SHIPPED_DATA_DIR),
        user_data_dir=home,
        db=_location(env.get(DB_ENV)) or str(home / "incidents.gpkg"),
        dem=_location(env.get(DEM_ENV)),
        default_dem=home / "dem.tif",
        scenarios_dir=Path(_location(env.get(SCENARIOS_ENV)) or home / "scenarios"),
        user=_user(env.get(USER_ENV)),
        chromium=_location(env.get(CHROMIUM_ENV)),
        dem_tiles_url=(env.get(DEM_TILES_URL_ENV) or "").strip() or None,
        allow_open=(env.get(ALLOW_OPEN_ENV) or "").strip().lower() in ("1", "true", "yes"),
    )
