"""``python -m geo …``: hands over to the command line in the top-level ``cli`` package.

This is the one place where ``geo`` refers upward (to ``cli``); the analysis core itself never
imports the command line, the map layers or the page.
"""

from __future__ import annotations

import sys

from cli import main

if __name__ == "__main__":
    sys.exit(main())
