"""Vectorised building blocks shared by the distance engines.

The straight segments of outlines, the point-segment distance GEOS uses, scipy's k-d tree
(when installed) and a small thread pool over blocks of numpy/GEOS work (both release the
GIL). :mod:`hljgis.analysis.nearest` (from site centroids) and
:mod:`hljgis.analysis.distance` (from site outlines) are built from these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import shapely

__all__ = [
    "SITE_CHUNK",
    "kdtree",
    "outline_segments",
    "run_blocks",
    "segment_distance",
    "workers",
]

#: Sites per chunk between cancel checks.
SITE_CHUNK = 250_000


def outline_segments(geoms: np.ndarray,
                     max_len: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split line/polygon outlines into straight segments no longer than ``max_len``.

    Returns start and end coordinates, (k, 2) each. Splitting long segments keeps their
    bounding boxes tight, which is what makes nearest-segment search fast; None keeps the
    segments as drawn.
    """
    outlines = np.where(
        np.isin(shapely.get_type_id(geoms), (3, 6)), shapely.boundary(geoms), geoms
    )
    if max_len is not None:
        outlines = shapely.segmentize(outlines, max_len)
    lines = shapely.get_parts(outlines)
    coords, idx = shapely.get_coordinates(lines, return_index=True)
    same = idx[1:] == idx[:-1]
    return coords[:-1][same], coords[1:][same]


def segment_distance(px, py, ax, ay, bx, by) -> np.ndarray:
    """Distance from points (px, py) to segments (ax, ay)-(bx, by), element-wise.

    Zero-length segments (a == b) give the distance to the point a.
    """
    dx, dy = bx - ax, by - ay
    l2 = dx * dx + dy * dy
    t = ((px - ax) * dx + (py - ay) * dy) / np.where(l2 > 0, l2, 1.0)
    np.clip(t, 0.0, 1.0, out=t)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


try:  # imported with the module, not inside the first ranking (0.15 s warm, more cold)
    from scipy.spatial import cKDTree as _CKDTREE
except ImportError:  # pragma: no cover - scipy ships with mapclassify
    _CKDTREE = None


def kdtree() -> Any:
    """scipy's cKDTree when available (it is a dependency of mapclassify), else None."""
    return _CKDTREE


def workers() -> int:
    """Threads for the numpy/GEOS blocks (both release the GIL): the machine's cores, max 4."""
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def run_blocks(fn: Callable[[Any], None], blocks: list,
               check: Callable[[], None]) -> None:
    """Run ``fn(block)`` for every block, on a thread pool when there are several."""
    n_workers = min(workers(), len(blocks))
    if n_workers <= 1:
        for blk in blocks:
            check()
            fn(blk)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(n_workers) as pool:
        futures = [pool.submit(fn, blk) for blk in blocks]
        try:
            for fut in futures:
                check()
                fut.result()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
