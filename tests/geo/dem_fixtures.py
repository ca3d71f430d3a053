"""Tiny DEMs and a loopback HTTP server for the terrain tests (built in code, no network).

:func:`write_region_dem` writes the synthetic stand-in for a real regional DEM that the
end-to-end tests use: EPSG:4326 over the whole border region, 0.025° cells (≈ 2.2 km),
int16 metres with a no-data value, low plains in the west rising to the Pamirs in the
east, hills and a river valley that follows the border line.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS

from geo.crs import METRIC_CRS

#: 3 arc-seconds in degrees.
ARCSEC3 = 1.0 / 1200.0


def write_dem(path: Path, z: np.ndarray, transform: Affine, crs: CRS | str | None = "EPSG:4326",
              nodata: float | None = None, **extra: object) -> Path:
    """Write ``z`` as a single-band GeoTIFF (float32 unless ``dtype`` is given)."""
    profile: dict[str, object] = {
        "driver": "GTiff", "width": z.shape[1], "height": z.shape[0], "count": 1,
        "dtype": extra.pop("dtype", "float32"), "transform": transform, "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = CRS.from_user_input(crs).to_wkt()
    profile.update(extra)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z.astype(profile["dtype"]), 1)
    return path


def metric_transform(cell_m: float = 30.0, x0: float = -6000.0, y0: float = 6000.0) -> Affine:
    """North-up transform in :data:`METRIC_CRS` (centred on the border region)."""
    return Affine(cell_m, 0, x0, 0, -cell_m, y0)


def rough_surface(rows: int, cols: int, seed: int = 0) -> np.ndarray:
    """Hills, a tilt and noise: metres, float32 (varied slopes and aspects)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(float)
    z = 900 + 250 * np.sin(x / 17.0) * np.cos(y / 23.0) + 1.5 * x - 0.7 * y + rng.normal(0, 3, (rows, cols))
    return z.astype(np.float32)


#: Base elevation (m) of the synthetic region DEM by longitude (° E): Amu Darya plains near
#: Termez (≈ 300 m) rising through Khatlon and Darvaz to the Pamir plateau (≈ 4,000 m+).
REGION_BASE_M = ((66.5, 280.0), (67.5, 300.0), (68.0, 380.0), (68.5, 520.0), (69.0, 750.0),
                 (69.5, 1050.0), (70.0, 1450.0), (70.5, 1900.0), (71.0, 2300.0), (71.5, 2600.0),
                 (72.0, 3100.0), (72.5, 3500.0), (73.0, 3900.0), (74.0, 4300.0), (75.5, 4500.0))
#: Cell size of the synthetic region DEM, degrees.
REGION_RES = 0.025
#: The GeoTIFF ``SOURCE`` tag of the synthetic region DEM (shows in ``Dem.source``).
REGION_SOURCE = "synthetic test relief"


def region_base_m(lon: np.ndarray | float) -> np.ndarray:
    """Base elevation (m) of the synthetic region DEM at ``lon`` (° E), before hills and valley."""
    xs, zs = zip(*REGION_BASE_M, strict=True)
    return np.interp(lon, xs, zs)


def region_relief(res: float = REGION_RES, seed: int = 7) -> tuple[np.ndarray, Affine]:
    """Synthetic elevations (m, float32) over :data:`geo.crs.REGION_BOUNDS` and their transform.

    Base rising eastwards (:func:`region_base_m`), smooth hills whose height grows with the
    base (gentle in the west, rugged in the Pamirs), and a valley ≈ 15 % of the local relief
    deep along the shipped border line (the Amu Darya / Panj). Deterministic for a ``seed``.
    """
    from rasterio.features import rasterize
    from scipy import ndimage

    from geo.border import load_border
    from geo.crs import REGION_BOUNDS

    w, s, e, n = REGION_BOUNDS
    cols, rows = round((e - w) / res), round((n - s) / res)
    transform = Affine(res, 0, w, 0, -res, n)
    lon = w + (np.arange(cols) + 0.5) * res
    base = np.tile(region_base_m(lon), (rows, 1))
    rng = np.random.default_rng(seed)
    hills = np.zeros((rows, cols))
    for sigma, amp in ((6.0, 1.0), (2.5, 0.45), (1.0, 0.12)):
        f = ndimage.gaussian_filter(rng.standard_normal((rows, cols)), sigma)
        hills += amp * f / f.std()
    hills /= hills.std()
    relief = 0.18 * (base - 250.0)  # ±1 σ of the hills, m
    line = rasterize([load_border().line], out_shape=(rows, cols), transform=transform, all_touched=True)
    dist_cells = ndimage.distance_transform_edt(line == 0)
    valley = 0.8 * relief * np.exp(-((dist_cells * res / 0.06) ** 2))
    z = base + relief * hills - valley
    return np.maximum(z, 150.0).astype(np.float32), transform


def write_region_dem(path: Path, res: float = REGION_RES, seed: int = 7) -> Path:
    """Write :func:`region_relief` as a tiled, deflated int16 GeoTIFF (no-data −32768)."""
    z, transform = region_relief(res, seed)
    z = np.round(z)
    z[:2, :2] = -32768  # a corner of no-data, as real mosaics have
    write_dem(path, z, transform, "EPSG:4326", nodata=-32768, dtype="int16", tiled=True,
              blockxsize=128, blockysize=128, compress="deflate")
    with rasterio.open(path, "r+") as dst:
        dst.update_tags(SOURCE=REGION_SOURCE)
    return path


__all__ = ["ARCSEC3", "METRIC_CRS", "REGION_SOURCE", "LoopbackServer", "metric_transform",
           "region_base_m", "region_relief", "rough_surface", "serve_directory", "write_dem",
           "write_region_dem"]


@dataclass
class LoopbackServer:
    """State shared with the request handler: files served, requests seen, faults to inject."""

    root: Path
    url: str = ""
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    #: path → number of bytes to send before dropping the connection (once)
    cut_after: dict[str, int] = field(default_factory=dict)


def _handler(state: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # silence
            return

        def do_HEAD(self) -> None:
            self._serve(head=True)

        def do_GET(self) -> None:
            self._serve(head=False)

        def _serve(self, head: bool) -> None:
            rng = self.headers.get("Range")
            state.requests.append((self.path, rng))
            file = (state.root / self.path.lstrip("/")).resolve()
            if state.root.resolve() not in file.parents or not file.is_file():
                self.send_error(404)
                return
            data = file.read_bytes()
            start, end = 0, len(data) - 1
            if rng and rng.startswith("bytes="):
                a, _, b = rng[6:].partition("-")
                start = int(a) if a else 0
                end = min(int(b), end) if b else end
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            else:
                self.send_response(200)
            body = data[start:end + 1]
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "image/tiff")
            self.end_headers()
            if head:
                return
            cut = state.cut_after.pop(self.path, None)
            if cut is not None:
                self.wfile.write(body[:cut])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_directory(root: Path) -> Iterator[LoopbackServer]:
    """Serve ``root`` over HTTP on 127.0.0.1 (random port) in a thread, with Range support."""
    state = LoopbackServer(root=root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
