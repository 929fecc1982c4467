"""Vectorised building blocks shared by the distance engines.

The straight segments of outlines, the point-segment distance GEOS uses, the k nearest
points (numpy or scipy's k-d tree) and a small thread pool over blocks of numpy/GEOS work
(both release the GIL). :mod:`hljgis.analysis.nearest` (from site centroids) and
:mod:`hljgis.analysis.distance` (from site outlines) are built from these.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely

__all__ = [
    "SITE_CHUNK",
    "kdtree",
    "nearest_k",
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


#: Point pairs (queries x points) up to which :func:`nearest_k` compares every pair in
#: numpy: a ranking's few stations, parks and road segments against its buckets of sites
#: (100k parcels: 5.5k buckets x 832 park segments, 4 ms). Past it, scipy's k-d tree, whose
#: import (scipy.spatial pulls in scipy.sparse, linalg and special) costs 0.15-0.2 s.
BRUTE_PAIRS = 1 << 23
#: Query rows per numpy pass of :func:`nearest_k` (temporaries of a few MB).
_BRUTE_ROWS = 1 << 18


@functools.cache
def kdtree() -> Any:
    """scipy's cKDTree when available (it is a dependency of mapclassify), else None.
    Imported on first use: a ranking of a few thousand sites never needs it."""
    try:
        from scipy.spatial import cKDTree
    except ImportError:  # pragma: no cover - scipy ships with mapclassify
        return None
    return cKDTree


def nearest_k(points: np.ndarray, queries: np.ndarray,
              k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distances and indices of the ``k`` points nearest each query, nearest first, as
    ``cKDTree(points).query(queries, k=k)`` gives them (shapes (m, k); ``k`` at most the
    number of points; ties in any order).

    Few pairs (:data:`BRUTE_PAIRS`): every pair in numpy, in slices of queries; else
    scipy's k-d tree (numpy's way also when scipy is missing).
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    queries = np.asarray(queries, dtype=float).reshape(-1, 2)
    m = len(queries)
    kd = None if len(points) * m <= BRUTE_PAIRS else kdtree()
    if kd is not None:
        dist, idx = kd(points).query(queries, k=k)
        return dist.reshape(m, k), idx.reshape(m, k)
    dist = np.empty((m, k))
    idx = np.empty((m, k), dtype=np.int64)
    step = max(1, _BRUTE_ROWS // max(len(points), 1))
    for q0 in range(0, m, step):
        q = queries[q0:q0 + step]
        d2 = (q[:, 0, None] - points[None, :, 0]) ** 2
        d2 += (q[:, 1, None] - points[None, :, 1]) ** 2
        part = (np.argpartition(d2, k - 1, axis=1)[:, :k] if k < len(points)
                else np.broadcast_to(np.arange(k), (len(q), k)))
        near = np.take_along_axis(d2, part, axis=1)
        srt = np.argsort(near, axis=1, kind="stable")
        idx[q0:q0 + step] = np.take_along_axis(part, srt, axis=1)
        dist[q0:q0 + step] = np.sqrt(np.take_along_axis(near, srt, axis=1))
    return dist, idx


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
