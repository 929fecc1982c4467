"""Coordinate reference systems: parsing, the metric CRS for analysis, and China's offset datums.

Every distance and area in hljgis is computed in a projected metric CRS chosen by
:func:`metric_crs_for`, never in degrees. Data digitised from Chinese web maps (Amap/Gaode,
Tencent, Google China) is in GCJ-02; Baidu maps use BD-09. Both are deliberate, non-linear
offsets of WGS84 of several hundred metres; the converters here undo them, vectorised over
numpy arrays. They are offered explicitly on import and never applied by guessing.
"""

from __future__ import annotations

import math
import threading

import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from hljgis.core.errors import InputError

#: CGCS2000 geographic, the national datum of China (practically equal to WGS84 at metre level).
CGCS2000 = "EPSG:4490"
WGS84 = "EPSG:4326"

# CGCS2000 / 3-degree Gauss-Kruger CM 75E .. CM 135E are EPSG:4534 .. EPSG:4554.
_GK3_FIRST_EPSG = 4534
_GK3_FIRST_CM = 75
_GK3_LAST_CM = 135
# CGCS2000 / Gauss-Kruger (6-degree) zone 13 .. 23 are EPSG:4491 .. EPSG:4501 (zone n, CM 6n-3).
_GK6_FIRST_EPSG = 4491
_GK6_FIRST_ZONE = 13
_GK6_LAST_ZONE = 23


def parse_crs(value: object) -> CRS:
    """Return a pyproj CRS from an EPSG code, "EPSG:n", WKT, PROJ string or CRS object.

    Raises
    ------
    InputError
        When the text is not a CRS pyproj knows, with a hint of accepted forms.
    """
    if isinstance(value, CRS):
        return value
    if isinstance(value, int | np.integer):
        value = f"EPSG:{int(value)}"
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise InputError(
            f"'{value}' is not a coordinate reference system hljgis knows ({exc}).",
            "Give an EPSG code such as EPSG:4490 (CGCS2000), EPSG:4326 (WGS84) or "
            "EPSG:4553 (CGCS2000 / 3-degree Gauss-Kruger CM 132E), or paste the WKT of a .prj.",
        ) from exc


_LOCAL = threading.local()


def transformer(src, dst):
    """A ``Transformer`` from ``src`` to ``dst`` (x = lon/easting), kept per thread.

    Building one costs 0.15-0.3 s between CGCS2000 and WGS84 on this machine (PROJ weighs
    every candidate operation), and a print page needs several (graticule, inset, legend,
    extent checks). Each thread keeps its own: a PROJ context belongs to the thread that made
    it, and a cache keyed by thread id could hand a dead thread's transformer to a new one.
    """
    from pyproj import Transformer

    src, dst = parse_crs(src), parse_crs(dst)
    cache = _LOCAL.__dict__.setdefault("transformers", {})
    key = (src, dst)
    found = cache.get(key)
    if found is None:
        if len(cache) > 64:
            cache.clear()
        found = cache[key] = Transformer.from_crs(src, dst, always_xy=True)
    return found


def transform_bounds(bounds, src, dst) -> tuple[float, float, float, float]:
    """``bounds`` (minx, miny, maxx, maxy) from CRS ``src`` to ``dst`` (densified edges);
    returned unchanged when either CRS is missing or both are the same."""
    x0, y0, x1, y1 = (float(v) for v in bounds)
    if src is None or dst is None:
        return x0, y0, x1, y1
    src, dst = parse_crs(src), parse_crs(dst)
    if src.equals(dst):
        return x0, y0, x1, y1
    x0, y0, x1, y1 = transformer(src, dst).transform_bounds(x0, y0, x1, y1)
    return x0, y0, x1, y1


def gauss_kruger_3deg(central_meridian: int) -> CRS:
    """CGCS2000 3-degree Gauss-Kruger zone (no zone prefix on easting) for a central meridian."""
    if central_meridian % 3 or not _GK3_FIRST_CM <= central_meridian <= _GK3_LAST_CM:
        raise ValueError(f"no CGCS2000 3-degree zone has central meridian {central_meridian}E")
    return CRS.from_epsg(_GK3_FIRST_EPSG + (central_meridian - _GK3_FIRST_CM) // 3)


def gauss_kruger_6deg(zone: int) -> CRS:
    """CGCS2000 6-degree Gauss-Kruger zone n (13..23), easting prefixed with the zone number."""
    if not _GK6_FIRST_ZONE <= zone <= _GK6_LAST_ZONE:
        raise ValueError(f"CGCS2000 6-degree zones run from 13 to 23, not {zone}")
    return CRS.from_epsg(_GK6_FIRST_EPSG + zone - _GK6_FIRST_ZONE)


def metric_crs_for(bounds, crs: object = CGCS2000) -> CRS:
    """Pick the projected metric CRS in which distances and areas over ``bounds`` are computed.

    The nearest CGCS2000 3-degree Gauss-Kruger zone is used when the whole extent lies
    within 3.5 degrees of its central meridian (scale error under about 0.1 % at these
    latitudes), because planners and QGIS know these EPSG codes. Wider extents, or extents
    outside China's zones, get a Lambert azimuthal equal-area projection centred on the
    extent, which keeps areas exact and distances good to well under 1 %.

    Parameters
    ----------
    bounds : sequence of 4 floats
        (minx, miny, maxx, maxy) in ``crs``.
    crs : CRS-like
        CRS of ``bounds``; projected bounds are first brought to geographic coordinates.

    Returns
    -------
    pyproj.CRS
        A projected CRS with metre units.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)) or minx > maxx or miny > maxy:
        raise InputError(
            f"cannot choose a metric CRS for empty or invalid bounds {bounds}.",
            "Check that the layer has features with valid coordinates.",
        )
    source = parse_crs(crs)
    if not source.is_geographic:
        from pyproj import Transformer

        tr = Transformer.from_crs(source, CGCS2000, always_xy=True)
        minx, miny, maxx, maxy = tr.transform_bounds(minx, miny, maxx, maxy)
    lon0 = (minx + maxx) / 2.0
    lat0 = (miny + maxy) / 2.0
    cm = int(round(lon0 / 3.0) * 3)
    if (
        _GK3_FIRST_CM <= cm <= _GK3_LAST_CM
        and max(abs(minx - cm), abs(maxx - cm)) <= 3.5
        and 15.0 <= lat0 <= 56.0
    ):
        return gauss_kruger_3deg(cm)
    from pyproj.crs import GeographicCRS, ProjectedCRS
    from pyproj.crs.coordinate_operation import LambertAzimuthalEqualAreaConversion

    return ProjectedCRS(
        conversion=LambertAzimuthalEqualAreaConversion(round(lat0, 4), round(lon0, 4)),
        geodetic_crs=GeographicCRS.from_epsg(4490),
        name=f"CGCS2000 / equal-area (LAEA) centred {lon0:.2f}E {lat0:.2f}N",
    )


# --- GCJ-02 and BD-09 -------------------------------------------------------------------------
# The GCJ-02 forward formula is the widely published reverse-engineered one (Krasovsky 1940
# ellipsoid constants). The inverse has no closed form; it is solved by fixed-point iteration.

_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def out_of_china(lon, lat) -> np.ndarray:
    """True where a point lies outside the rough box in which GCJ-02 applies any offset."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _gcj_delta(lon, lat):
    """Offset (dlon, dlat) in degrees that GCJ-02 adds to a WGS84 position."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _GCJ_EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def _as_arrays(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in shape: {lon.shape} vs {lat.shape}")
    return lon, lat


def _same_kind(value, like):
    """Return a Python float for scalar input, an array otherwise."""
    return float(value) if np.ndim(like) == 0 else value


def wgs84_to_gcj02(lon, lat):
    """Shift WGS84 lon/lat to GCJ-02 (what a Chinese web map would show). Returns (lon, lat)."""
    lon, lat = _as_arrays(lon, lat)
    dlon, dlat = _gcj_delta(lon, lat)
    return _same_kind(lon + dlon, lon), _same_kind(lat + dlat, lat)


def _invert(forward, lon, lat, guess_lon, guess_lat, tol_deg: float, max_iter: int):
    """Solve ``forward(x, y) == (lon, lat)`` by fixed-point iteration from the guess: each
    step subtracts the forward image's error, until it is below ``tol_deg`` everywhere."""
    for _ in range(max_iter):
        flon, flat = forward(guess_lon, guess_lat)
        elon, elat = np.asarray(flon) - lon, np.asarray(flat) - lat
        guess_lon, guess_lat = guess_lon - elon, guess_lat - elat
        if (np.nanmax(np.abs(elon), initial=0.0) < tol_deg
                and np.nanmax(np.abs(elat), initial=0.0) < tol_deg):
            break
    return _same_kind(guess_lon, lon), _same_kind(guess_lat, lat)


def gcj02_to_wgs84(lon, lat, *, tol_deg: float = 1e-10, max_iter: int = 30):
    """Undo the GCJ-02 offset: returns WGS84 (lon, lat).

    Solved by fixed-point iteration on the forward offset, which converges to far below a
    millimetre in a handful of steps; the simple one-step "subtract the offset" inverse used
    by many scripts leaves errors of up to a few metres.
    """
    lon, lat = _as_arrays(lon, lat)
    return _invert(wgs84_to_gcj02, lon, lat, lon.copy(), lat.copy(), tol_deg, max_iter)


def gcj02_to_bd09(lon, lat):
    """Shift GCJ-02 lon/lat to Baidu's BD-09. Returns (lon, lat)."""
    lon, lat = _as_arrays(lon, lat)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return _same_kind(z * np.cos(theta) + 0.0065, lon), _same_kind(z * np.sin(theta) + 0.006, lat)


def bd09_to_gcj02(lon, lat, *, tol_deg: float = 1e-10, max_iter: int = 30):
    """Undo Baidu's BD-09 shift to GCJ-02 by iterating the exact forward formula.

    Returns (lon, lat)."""
    lon, lat = _as_arrays(lon, lat)
    # Baidu's published closed-form approximation as the first guess.
    x, y = lon - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, lon, lat, z * np.cos(theta), z * np.sin(theta), tol_deg,
                   max_iter)


def wgs84_to_bd09(lon, lat):
    """WGS84 to BD-09 via GCJ-02. Returns (lon, lat)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    """BD-09 to WGS84 via GCJ-02. Returns (lon, lat)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


#: Datum shifts offered on import, by the name a planner sees.
OFFSET_DATUMS = {
    "gcj02": ("GCJ-02 (Amap/Gaode, Tencent, Google China)", gcj02_to_wgs84),
    "bd09": ("BD-09 (Baidu maps)", bd09_to_wgs84),
}


def to_wgs84_from_offset(geoms, datum: str):
    """Return geometries (shapely array) with every vertex moved from ``datum`` to WGS84.

    Vectorised with :func:`shapely.transform`, one call over all coordinates.
    """
    import shapely

    try:
        _, func = OFFSET_DATUMS[datum]
    except KeyError:
        raise InputError(
            f"unknown offset datum '{datum}'.",
            f"Choose one of: {', '.join(OFFSET_DATUMS)}.",
        ) from None

    def _shift(coords: np.ndarray) -> np.ndarray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, _shift)
