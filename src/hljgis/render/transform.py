"""Map extent <-> device pixels (pure maths, no Qt).

The renderer, the canvas tools and the print layout share one transform so a click, a
measured distance and a printed scale bar agree.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import CRS, Geod

_GEOD = Geod(ellps="GRS80")


class MapTransform:
    """A map extent shown in a ``width`` x ``height`` pixel frame at ``dpi``.

    The extent is widened (never cropped) around its centre so the map keeps its aspect
    ratio. In a geographic CRS, degrees of longitude are drawn ``cos(latitude)`` narrower
    than degrees of latitude at the centre (an equirectangular view with its standard
    parallel there), so East Heilongjiang at 46 N is not stretched 1.4 times sideways.

    Parameters
    ----------
    extent : (minx, miny, maxx, maxy)
        The area that must be visible, in the map CRS.
    width, height : int
        Frame size in device pixels.
    dpi : float
        Device resolution, to turn mm and pt sizes into pixels and compute the scale.
    crs : CRS-like, optional
        The map CRS; needed for the scale denominator and the geographic aspect.
    """

    def __init__(self, extent, width: int, height: int, dpi: float = 96.0, crs=None):
        minx, miny, maxx, maxy = (float(v) for v in extent)
        if not (maxx > minx and maxy > miny):
            cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
            half = max(maxx - minx, maxy - miny, 1e-9) / 2 or 1.0
            minx, maxx, miny, maxy = cx - half, cx + half, cy - half, cy + half
        self.width, self.height = max(1, int(width)), max(1, int(height))
        self.dpi = float(dpi)
        self.crs = CRS.from_user_input(crs) if crs is not None else None
        self.cx, self.cy = (minx + maxx) / 2.0, (miny + maxy) / 2.0
        geographic = bool(self.crs is not None and self.crs.is_geographic)
        #: Map units of x per map unit of y on screen (cos(lat) for a geographic CRS).
        self.x_stretch = math.cos(math.radians(max(-85.0, min(85.0, self.cy)))) if geographic \
            else 1.0
        # y units per pixel; x units per pixel = upp_y / x_stretch.
        self.upp_y = max((maxx - minx) * self.x_stretch / self.width,
                         (maxy - miny) / self.height)
        self.upp_x = self.upp_y / self.x_stretch
        self.minx = self.cx - self.upp_x * self.width / 2.0
        self.maxx = self.cx + self.upp_x * self.width / 2.0
        self.miny = self.cy - self.upp_y * self.height / 2.0
        self.maxy = self.cy + self.upp_y * self.height / 2.0

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """The extent actually shown (the requested one widened to the frame's aspect)."""
        return (self.minx, self.miny, self.maxx, self.maxy)

    @property
    def units_per_pixel(self) -> float:
        """Map units per pixel (the larger of x and y)."""
        return max(self.upp_x, self.upp_y)

    def to_pixels(self, x, y):
        """Map coordinates -> pixel coordinates (arrays or scalars); y grows downwards."""
        return (np.asarray(x, dtype=float) - self.minx) / self.upp_x, \
            (self.maxy - np.asarray(y, dtype=float)) / self.upp_y

    def to_map(self, px, py):
        """Pixel coordinates -> map coordinates."""
        return self.minx + np.asarray(px, dtype=float) * self.upp_x, \
            self.maxy - np.asarray(py, dtype=float) * self.upp_y

    def affine(self) -> tuple[float, float, float, float]:
        """(ax, bx, ay, by) with px = ax * x + bx and py = ay * y + by."""
        return 1.0 / self.upp_x, -self.minx / self.upp_x, -1.0 / self.upp_y, \
            self.maxy / self.upp_y

    def mm_to_px(self, mm: float) -> float:
        return float(mm) * self.dpi / 25.4

    def pt_to_px(self, pt: float) -> float:
        return float(pt) * self.dpi / 72.0

    def metres_per_pixel(self) -> float:
        """Ground metres covered by one pixel across the centre of the frame."""
        if self.crs is not None and self.crs.is_geographic:
            half = self.upp_x / 2.0
            _, _, dist = _GEOD.inv(self.cx - half, self.cy, self.cx + half, self.cy)
            return float(dist)
        factor = 1.0
        if self.crs is not None and self.crs.axis_info:
            factor = self.crs.axis_info[0].unit_conversion_factor or 1.0
        return self.upp_x * factor

    @property
    def scale_denominator(self) -> float:
        """The n of 1:n, from ground metres per device pixel at the centre."""
        return self.metres_per_pixel() / (0.0254 / self.dpi)

    def zoom_bucket(self) -> int:
        """An integer that changes every halving of the zoom (to key LOD caches)."""
        return math.floor(math.log2(self.units_per_pixel))

    def __repr__(self) -> str:
        return (f"MapTransform({self.extent}, {self.width}x{self.height} px, "
                f"1:{self.scale_denominator:,.0f})")
