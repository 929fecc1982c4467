"""numpy coordinates -> QPainterPath in bulk, without a Python loop over vertices or features.

Qt reads a QPainterPath from a QDataStream as: int32 element count, then per element
(int32 type, float64 x, float64 y), then int32 index of the current subpath start and int32
fill rule (all big-endian). Writing that record array with numpy and letting Qt parse it builds
a path of a million elements in a few hundredths of a second; building QPointF objects one by
one takes seconds. Holes need no special treatment: every ring starts a subpath and paths are
filled with the odd-even rule.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream
from PySide6.QtGui import QPainterPath, QPolygonF, QTransform

MOVE_TO, LINE_TO, CURVE_TO, CURVE_DATA = 0, 1, 2, 3
_ODD_EVEN, _WINDING = 0, 1
_REC = np.dtype([("t", ">i4"), ("x", ">f8"), ("y", ">f8")])

#: Elements per QPainterPath: Qt's rasteriser slows down super-linearly on one huge path, and
#: smaller paths let a stale render be cancelled between them.
CHUNK_ELEMENTS = 60_000


def path_from_arrays(x: np.ndarray, y: np.ndarray, types: np.ndarray,
                     odd_even: bool = True) -> QPainterPath:
    """One QPainterPath from element arrays (pixel x, y and element types)."""
    n = len(x)
    path = QPainterPath()
    if n == 0:
        return path
    rec = np.empty(n, dtype=_REC)
    rec["t"] = types
    rec["x"] = x
    rec["y"] = y
    starts = np.flatnonzero(types == MOVE_TO)
    c_start = int(starts[-1]) if len(starts) else 0
    head = np.array([n], dtype=">i4").tobytes()
    tail = np.array([c_start, _ODD_EVEN if odd_even else _WINDING], dtype=">i4").tobytes()
    data = QByteArray(head + rec.tobytes() + tail)
    stream = QDataStream(data)  # the const-QByteArray overload reads a copy (safe to drop)
    stream >> path
    return path


def paths_from_rings(x: np.ndarray, y: np.ndarray, is_start: np.ndarray,
                     chunk: int = CHUNK_ELEMENTS) -> list[QPainterPath]:
    """Paths for rings or line parts: ``is_start`` marks the first vertex of each one.

    Split into chunks of about ``chunk`` elements at ring boundaries.
    """
    n = len(x)
    if n == 0:
        return []
    types = np.where(is_start, MOVE_TO, LINE_TO).astype(np.int32)
    if n <= chunk:
        return [path_from_arrays(x, y, types)]
    starts = np.flatnonzero(is_start)
    cuts = [0]
    target = chunk
    while target < n:
        k = np.searchsorted(starts, target)
        cut = int(starts[k]) if k < len(starts) else n
        if cut <= cuts[-1]:
            cut = int(starts[k + 1]) if k + 1 < len(starts) else n
        cuts.append(cut)
        target = cut + chunk
    if cuts[-1] != n:
        cuts.append(n)
    return [path_from_arrays(x[a:b], y[a:b], types[a:b])
            for a, b in itertools.pairwise(cuts) if b > a]


# -- markers ---------------------------------------------------------------------------------
def _unit_marker(name: str) -> QPainterPath:
    """A marker shape one unit across, centred on the origin."""
    p = QPainterPath()
    if name == "circle":
        p.addEllipse(-0.5, -0.5, 1.0, 1.0)
        return p
    if name == "square":
        p.addRect(-0.45, -0.45, 0.9, 0.9)
        return p
    pts = {
        "triangle": [(0.0, -0.55), (0.52, 0.4), (-0.52, 0.4)],
        "diamond": [(0.0, -0.6), (0.45, 0.0), (0.0, 0.6), (-0.45, 0.0)],
        "cross": [(-0.15, -0.5), (0.15, -0.5), (0.15, -0.15), (0.5, -0.15), (0.5, 0.15),
                  (0.15, 0.15), (0.15, 0.5), (-0.15, 0.5), (-0.15, 0.15), (-0.5, 0.15),
                  (-0.5, -0.15), (-0.15, -0.15)],
    }.get(name)
    if pts is None:  # star
        ang = np.deg2rad(np.arange(10) * 36.0 - 90.0)
        rad = np.where(np.arange(10) % 2 == 0, 0.58, 0.24)
        pts = list(zip(rad * np.cos(ang), rad * np.sin(ang) + 0.05, strict=True))
    from PySide6.QtCore import QPointF

    poly = QPolygonF([QPointF(a, b) for a, b in pts])
    poly.append(poly.first())
    p.addPolygon(poly)
    p.closeSubpath()
    return p


@lru_cache(maxsize=64)
def marker_template(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(types, dx, dy) of a unit marker's path elements, to tile over many points."""
    p = _unit_marker(name)
    n = p.elementCount()
    types = np.empty(n, dtype=np.int32)
    dx = np.empty(n)
    dy = np.empty(n)
    for i in range(n):
        e = p.elementAt(i)
        types[i] = int(e.type.value) if hasattr(e.type, "value") else int(e.type)
        dx[i], dy[i] = e.x, e.y
    return types, dx, dy


def marker_paths(px: np.ndarray, py: np.ndarray, marker: str, size_px: float,
                 chunk: int = CHUNK_ELEMENTS) -> list[QPainterPath]:
    """One marker of ``size_px`` at every point, as few paths as possible."""
    if len(px) == 0:
        return []
    types, dx, dy = marker_template(marker)
    per = len(types)
    step = max(1, chunk // per)
    out = []
    for a in range(0, len(px), step):
        xs = (px[a:a + step, None] + dx[None, :] * size_px).ravel()
        ys = (py[a:a + step, None] + dy[None, :] * size_px).ravel()
        ts = np.tile(types, len(xs) // per)
        out.append(path_from_arrays(xs, ys, ts, odd_even=False))
    return out


def marker_path(marker: str, size_px: float, cx: float = 0.0, cy: float = 0.0) -> QPainterPath:
    """A single marker (for legends)."""
    t = QTransform()
    t.translate(cx, cy)
    t.scale(size_px, size_px)
    return t.map(_unit_marker(marker))


# -- vertices snapped to a printing grid -------------------------------------------------------
def compact_rings(gx: np.ndarray, gy: np.ndarray, is_start: np.ndarray,
                  is_ext: np.ndarray | None = None, closing: bool = True) -> np.ndarray:
    """Which vertices are worth writing once coordinates are snapped to a grid (a mask).

    ``gx``, ``gy`` are whole grid steps, rings marked by ``is_start``. A vertex that repeats
    the one before it goes; with ``closing=False`` the vertex that closes a ring does too (a
    fill closes it anyway). A ring left with no area (under three distinct vertices) goes,
    and with ``is_ext`` (exterior rings marked at their first vertex) so do the holes of a
    polygon whose exterior went. Snapping every vertex to the same grid keeps shared edges
    shared: both neighbours move a common vertex to the same point.
    """
    n = len(gx)
    if n == 0:
        return np.zeros(0, dtype=bool)
    keep = np.empty(n, dtype=bool)
    keep[0] = True
    np.not_equal(gx[1:], gx[:-1], out=keep[1:])
    keep[1:] |= gy[1:] != gy[:-1]
    keep[1:] |= is_start[1:]
    first = np.flatnonzero(is_start)
    if not closing:
        # the last vertex left in a ring goes when it repeats the first (the closing vertex,
        # or whatever snapped onto the start just before it)
        pos = np.flatnonzero(keep)
        last = pos[np.searchsorted(pos, np.r_[first[1:], n]) - 1]
        keep[last] &= (gx[last] != gx[first]) | (gy[last] != gy[first])
    need = 3 if not closing else 4
    count = np.add.reduceat(keep, first, dtype=np.int32)
    ring_ok = count >= need
    if is_ext is not None:
        ext = is_ext[first]
        poly = np.cumsum(ext) - 1
        ext_ok = np.ones(int(poly[-1]) + 1 if len(poly) else 0, dtype=bool)
        ext_ok[poly[ext]] = ring_ok[ext]
        ring_ok &= ext_ok[poly]
    if not ring_ok.all():
        keep &= np.repeat(ring_ok, np.diff(np.r_[first, n]))
    return keep
