"""``python -m geo …``: the command line (see README and docs/CLI.md)."""

from __future__ import annotations

import sys

from geo.cli import main

if __name__ == "__main__":
    sys.exit(main())
