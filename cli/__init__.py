"""Command-line entry point: ``python -m geo COMMAND …``.

Each command lives in its own module in this package and exposes
``register(subparsers)``; the parser it adds sets ``func`` to a callable taking the
parsed arguments and returning an exit status. Errors of the user's making
(:class:`geo.errors.BorderMapError`) print one sentence to stderr and exit 2.
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

#: Modules (in this package) that add commands, in the order they appear in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "border_cmd",
    "coords_cmd",
    "incidents_cmd",
    "terrain_cmd",
    "coverage_cmd",
    "triggers_cmd",
    "snapshot_cmd",
    "store_cmd",
)

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


def build_parser() -> argparse.ArgumentParser:
    """Return the full ``python -m geo`` parser with every command registered."""
    parser = _Parser(prog="python -m geo", description="Border Map command line")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
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
