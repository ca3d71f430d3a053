"""Tiny DEMs and a loopback HTTP server for the terrain tests (built in code, no network)."""

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


__all__ = ["ARCSEC3", "METRIC_CRS", "LoopbackServer", "metric_transform", "rough_surface",
           "serve_directory", "write_dem"]


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
