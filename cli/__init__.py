"""Command-line entry point: ``python -m geo COMMAND …`` (or the ``border-map`` script).

Each command lives in its own module in this package and exposes
``register(subparsers)``; the parser it adds sets ``func`` to a callable taking the
parsed arguments and returning an exit status. Errors of the user's making
(:class:`geo.errors.BorderMapError`) print one sentence to stderr and exit 2.

Start-up stays short: only the module of the command being run is imported (the others
appear in ``--help`` from :data:`COMMANDS`), and command modules import their heavy
libraries (geopandas, rasterio, folium…) inside the functions that need them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from geo.errors import BorderMapError, shown, write_error

logger = logging.getLogger(__name__)

#: Each command → (module in this package that adds it, its line in ``--help``), in --help order.
#: A module may add several commands; tests check these lines against what the modules register.
COMMANDS: dict[str, tuple[str, str]] = {
    "border": ("border_cmd", "the border line and its figures"),
    "coords": ("coords_cmd", "parse and check coordinates"),
    "incidents": ("incidents_cmd", "add, import, list and export incidents"),
    "terrain": ("terrain_cmd", "terrain from a DEM: profile, slope, hillshade, fetch"),
    "coverage": ("coverage_cmd", "patrol coverage of the border and its gaps"),
    "deployment": ("coverage_cmd", "candidate 201st Base deployment zones (analytical hypotheses)"),
    "triggers": ("triggers_cmd", "status of the three escalation triggers over the incident store"),
    "snapshot": ("snapshot_cmd", "the map as standalone HTML, a PNG, or a print map (PNG/PDF)"),
    "store": ("store_cmd", "manage incident stores (GeoPackage or PostGIS)"),
    "users": ("users_cmd", "who may use a team store through the page, and their role"),
}
#: Modules (in this package) that add commands, in the order they appear in --help.
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))

EXIT_BAD_INPUT = 2
#: Exit status of an unexpected error (a bug), reported in one sentence.
EXIT_INTERNAL = 1


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors exit 2 with one line, like bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        if len(message) > 240:  # argparse echoes the whole value: keep the sentence short
            message = message[:239] + "…"
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (top-level options take
    no value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``python -m geo`` parser.

    With ``argv``, only the module of the command it names is imported and registered fully;
    the other commands are listed (for ``--help`` and "invalid choice" messages) but cannot
    be parsed. Without ``argv``, every command is registered.
    """
    parser = _Parser(prog="python -m geo", description="Border Map command line")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    chosen = None if argv is None else _command_in(argv)
    full = set(COMMAND_MODULES) if argv is None else {COMMANDS[chosen][0]} if chosen in COMMANDS else set()
    registered: set[str] = set()
    for command, (module_name, help_text) in COMMANDS.items():
        if module_name not in full:
            subparsers.add_parser(command, help=help_text)
        elif module_name not in registered:
            importlib.import_module(f"cli.{module_name}").register(subparsers)
            registered.add(module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args) or 0)
    except BorderMapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # the OS refused a read or write that no check foresaw
        name = shown(Path(exc.filename).name) if exc.filename else "a file"
        print(f"error: {write_error(exc, name, 'used')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one sentence, the traceback only with --verbose
        if args.verbose:
            logger.error("unexpected error", exc_info=True)
        print(f"error: unexpected {type(exc).__name__} — this is a bug in Border Map; run again with "
              "--verbose and report the output", file=sys.stderr)
        return EXIT_INTERNAL
