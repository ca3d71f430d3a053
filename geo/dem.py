"""The in-memory elevation value every terrain and coverage function takes.

Readers (``geo.terrain``) return a :class:`Dem`; compute functions take a ``Dem``
and parameters, never paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from affine import Affine
from pyproj import CRS

from geo.errors import CRSError, InvalidInputError


@dataclass(frozen=True)
class Dem:
    """A single-band elevation grid.

    Attributes
    ----------
    elevation : numpy.ndarray
        2-D float32 array of metres above sea level; cells without data are NaN.
    transform : affine.Affine
        Pixel → CRS coordinates (of the cell's upper-left corner), as in rasterio.
    crs : pyproj.CRS
        The grid's CRS (geographic or projected). Never None.
    source : str
        Where the grid comes from (file name or URL, product), for attribution.
    """

    elevation: np.ndarray
    transform: Affine
    crs: CRS
    source: str = ""

    def __post_init__(self) -> None:
        if self.crs is None:
            raise CRSError("a DEM needs a CRS; assign one (e.g. with gdal_edit.py -a_srs) and retry")
        if self.elevation.ndim != 2 or min(self.elevation.shape) < 2:
            raise InvalidInputError(
                f"a DEM must be a 2-D grid of at least 2×2 cells, got shape {self.elevation.shape}"
            )

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols)."""
        return (int(self.elevation.shape[0]), int(self.elevation.shape[1]))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in the DEM's CRS."""
        rows, cols = self.shape
        x0, y0 = self.transform @ (0, 0)
        x1, y1 = self.transform @ (cols, rows)
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
