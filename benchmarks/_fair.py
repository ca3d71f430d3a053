"""Shared pieces of the benchmarks: repeated timings with spread, PASS/FAIL rows, the load, GDAL peers.

Every benchmark that uses this prints the machine's load average before and after, the
median of ≥ 3 runs with its min–max, and a PASS/FAIL column against the issue's target;
:func:`fail_if` stops the run with exit status 1 when a peer's values disagree with ours.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Environment variable naming a Python interpreter that can ``import osgeo`` (GDAL's bindings).
GDAL_PYTHON_ENV = "BORDERMAP_GDAL_PYTHON"


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages and the core count, as one line."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


@dataclass(frozen=True)
class Timing:
    """Samples of one measurement, seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def spread(self) -> str:
        return f"{min(self.samples):.3f}–{max(self.samples):.3f}"


def repeat(fn: Callable[[], Any], runs: int, clock: Callable[[], float] = time.perf_counter) -> tuple[Timing, Any]:
    """Call ``fn`` ``runs`` times; return the timings (``clock``: wall by default) and the last result."""
    samples = []
    out = None
    for _ in range(max(1, runs)):
        t0 = clock()
        out = fn()
        samples.append(clock() - t0)
    return Timing(tuple(samples)), out


def verdict(value: float, target: float) -> str:
    """PASS when ``value`` ≤ ``target``."""
    return "PASS" if value <= target else "FAIL"


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """A plain text table; floats with 3 decimals."""
    cells = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    print()
    print(title)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))


def fail_if(condition: bool, message: str) -> None:
    """Stop the benchmark loudly (exit 1) when ``condition`` holds."""
    if condition:
        print(f"\nFAILED CHECK: {message}", file=sys.stderr)
        raise SystemExit(1)


def gdal_python() -> str | None:
    """An interpreter that can import GDAL's Python bindings (``osgeo``), or None.

    This one if it can; else ``$BORDERMAP_GDAL_PYTHON``; else the system ``python3``
    (Debian's python3-gdal installs the bindings for it).
    """
    if importlib.util.find_spec("osgeo") is not None:
        return sys.executable
    candidates = [os.environ.get(GDAL_PYTHON_ENV, ""), "/usr/bin/python3", shutil.which("python3") or ""]
    for exe in candidates:
        if exe and os.path.exists(exe):
            ok = subprocess.run([exe, "-c", "from osgeo import gdal"], capture_output=True, check=False)
            if ok.returncode == 0:
                return exe
    return None
