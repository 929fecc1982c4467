"""Measuring on the map: lengths and areas on the ellipsoid, whatever the display CRS.

Planners read these numbers into reports, so they are geodesic (GRS80/CGCS2000 ellipsoid)
rather than taken from a projection, and formatted in the units they use: m / km, m² / ha / km².
"""

from __future__ import annotations

import numpy as np
from pyproj import Geod, Transformer

from hljgis.core.crs import CGCS2000, parse_crs

_GEOD = Geod(ellps="GRS80")


def _lonlat(points: np.ndarray, crs) -> tuple[np.ndarray, np.ndarray]:
    crs = parse_crs(crs)
    if crs.is_geographic:
        return points[:, 0], points[:, 1]
    tr = Transformer.from_crs(crs, CGCS2000, always_xy=True)
    lon, lat = tr.transform(points[:, 0], points[:, 1])
    return np.asarray(lon), np.asarray(lat)


def path_length_m(points, crs) -> float:
    """Geodesic length in metres of the polyline through ``points`` (N x 2, in ``crs``)."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(pts) < 2:
        return 0.0
    lon, lat = _lonlat(pts, crs)
    return float(_GEOD.line_length(lon, lat))


def polygon_area_m2(points, crs) -> float:
    """Geodesic area in square metres of the polygon with vertices ``points`` (N x 2)."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(pts) < 3:
        return 0.0
    lon, lat = _lonlat(pts, crs)
    area, _ = _GEOD.polygon_area_perimeter(lon, lat)
    return abs(float(area))


def format_length(metres: float) -> str:
    return f"{metres / 1000:,.2f} km" if metres >= 1000 else f"{metres:,.0f} m"


def format_area(m2: float) -> str:
    """Area in km² and hectares (1 ha = 10,000 m²), or m² for small areas."""
    if round(m2 / 1e4) >= 100:  # 100 ha and more read better in km²
        return f"{m2 / 1e6:,.2f} km² ({m2 / 1e4:,.0f} ha)"
    if m2 >= 1e4:
        return f"{m2 / 1e4:,.2f} ha ({m2:,.0f} m²)"
    return f"{m2:,.0f} m²"


def measure_text(points, crs, *, area: bool = False) -> str:
    """What the measure tool shows: total length, or area and perimeter."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if area:
        ring = np.vstack([pts, pts[:1]]) if len(pts) >= 3 else pts
        return (f"{format_area(polygon_area_m2(pts, crs))}; "
                f"perimeter {format_length(path_length_m(ring, crs))}")
    return format_length(path_length_m(pts, crs))
