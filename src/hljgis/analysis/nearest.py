"""Exact distance from points (site centroids) to the nearest feature of a layer.

The engine of ``distance`` criteria measured from the site's centroid (the default): a
k-d tree for point targets, a bucket search over straight segments for lines and polygons
(:func:`nearest_distance`), and the STRtree reference where neither applies. Distances
from the site's outline are :mod:`hljgis.analysis.distance`.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
import shapely

from hljgis.analysis.kernels import (
    SITE_CHUNK,
    kdtree,
    outline_segments,
    run_blocks,
    segment_distance,
)

__all__ = ["nearest_distance"]

#: Points per bucket side (buckets hold about BUCKET_SIDE**2 points) in the bucket search.
_BUCKET_SIDE = 6
#: Point-segment pairs evaluated per block (bounded memory, cache-sized temporaries).
_PAIR_BLOCK = 1 << 19
#: Above this many candidate pairs per point the bucket search gives way to the STRtree.
_MAX_PAIRS_PER_POINT = 64


def _bucket_nearest(xy: np.ndarray, a: np.ndarray, b: np.ndarray, polys: np.ndarray,
                    *, k: int, check: Callable[[], None]) -> np.ndarray | None:
    """Exact distance from points to the nearest of segments a-b, by buckets of points.

    The points are grouped into square buckets of about ``_BUCKET_SIDE**2`` points. For each
    bucket (its tight box ``Q``):

    1. an upper bound ``U`` on the distance of every point of ``Q`` to the segments: the
       distance function to one segment is convex, so its maximum over ``Q`` is at a corner;
       ``U`` is the smallest such corner maximum over the ``k`` segments whose midpoints are
       nearest the bucket centre (k-d tree);
    2. the candidate segments: those whose bounding box meets ``Q`` grown by ``U`` (STRtree)
       and whose distance to the centre minus the bucket's half-diagonal is at most ``U``;
       every other segment is farther than ``U`` from every point of ``Q``, so the nearest
       segment of each point is among the candidates;
    3. the exact point-segment distances of each point to its bucket's candidates, reduced
       to the minimum (numpy, in blocks on a thread pool).

    Polygon targets (``polys``) give 0 to points they cover: buckets inside a polygon skip
    step 3, the points of buckets crossing one are tested with a prepared
    ``shapely.intersects_xy``.

    Returns None when the candidate pairs would be too many (dense targets, clustered
    points); the caller then uses the STRtree reference.
    """
    n = len(xy)
    x, y = xy[:, 0], xy[:, 1]
    x0, y0, x1, y1 = x.min(), y.min(), x.max(), y.max()
    spacing = np.sqrt(max((x1 - x0) * (y1 - y0), 1.0) / n)
    size = max(_BUCKET_SIDE * spacing, 1e-3)
    ix = ((x - x0) // size).astype(np.int64)
    iy = ((y - y0) // size).astype(np.int64)
    order = np.argsort(iy * (int(ix.max()) + 1) + ix, kind="stable")
    key = (iy * (int(ix.max()) + 1) + ix)[order]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    count = np.diff(np.r_[start, n])
    xs, ys = x[order], y[order]
    bx0, bx1 = np.minimum.reduceat(xs, start), np.maximum.reduceat(xs, start)
    by0, by1 = np.minimum.reduceat(ys, start), np.maximum.reduceat(ys, start)
    nb = len(start)
    out_sorted = np.full(n, np.inf)

    # Buckets wholly inside a polygon: all their points are at 0.
    active = np.ones(nb, dtype=bool)
    eps = 1e-6
    if len(polys):
        shapely.prepare(polys)
        ptree = shapely.STRtree(polys)
        boxes = shapely.box(bx0 - eps, by0 - eps, bx1 + eps, by1 + eps)
        inner = np.unique(ptree.query(boxes, predicate="within")[0])
        active[inner] = False
        pb = np.repeat(np.arange(nb), count)
        out_sorted[~active[pb]] = 0.0
    act = np.flatnonzero(active)

    # 1. upper bound per bucket from the k segments with the nearest midpoints
    cx, cy = (bx0 + bx1) / 2.0, (by0 + by1) / 2.0
    half_diag = np.hypot(bx1 - bx0, by1 - by0) / 2.0
    mids = (a + b) / 2.0
    kk = min(k, len(mids))
    kd = kdtree()
    upper = np.full(nb, np.inf)
    if act.size:
        _, im = kd(mids).query(np.column_stack([cx[act], cy[act]]), k=kk)
        im = im.reshape(act.size, kk)
        for j in range(kk):
            s = im[:, j]
            worst = np.zeros(act.size)
            for qx, qy in ((bx0, by0), (bx0, by1), (bx1, by0), (bx1, by1)):
                worst = np.maximum(worst, segment_distance(qx[act], qy[act], a[s, 0], a[s, 1],
                                                    b[s, 0], b[s, 1]))
            upper[act] = np.minimum(upper[act], worst)
        # rounding slack: a candidate too many costs a pair, one too few a wrong answer
        upper[act] = upper[act] * (1.0 + 1e-9) + 1e-6

    # 2. candidate segments per bucket
    seg_tree = shapely.STRtree(shapely.box(np.minimum(a[:, 0], b[:, 0]),
                                           np.minimum(a[:, 1], b[:, 1]),
                                           np.maximum(a[:, 0], b[:, 0]),
                                           np.maximum(a[:, 1], b[:, 1])))
    u = upper[act]
    qi, si = seg_tree.query(shapely.box(bx0[act] - u, by0[act] - u, bx1[act] + u,
                                        by1[act] + u))
    bi = act[qi]
    near = segment_distance(cx[bi], cy[bi], a[si, 0], a[si, 1], b[si, 0], b[si, 1]) \
        - half_diag[bi] <= upper[bi]
    bi, si = bi[near], si[near]
    srt = np.argsort(bi, kind="stable")
    bi, si = bi[srt], si[srt]
    ncand = np.bincount(bi, minlength=nb)
    cstart = np.r_[0, np.cumsum(ncand)[:-1]]
    pbucket = np.repeat(np.arange(nb), count)
    reps = np.where(active[pbucket], ncand[pbucket], 0)
    cum = np.cumsum(reps)
    total = int(cum[-1]) if n else 0
    if total > _MAX_PAIRS_PER_POINT * n + 1_000_000:
        return None

    # 3. exact distances, point by point against its bucket's candidates, in blocks
    cuts = [0]
    while cuts[-1] < n:
        base = int(cum[cuts[-1] - 1]) if cuts[-1] else 0
        nxt = int(np.searchsorted(cum, base + _PAIR_BLOCK, side="right"))
        cuts.append(min(n, max(nxt, cuts[-1] + 1)))

    def block(span: tuple[int, int]) -> None:
        p0, p1 = span
        r = reps[p0:p1]
        sel = np.flatnonzero(r)
        if not sel.size:
            return
        r = r[sel]
        pts = p0 + sel
        first = np.r_[0, np.cumsum(r)[:-1]]
        pt = np.repeat(pts, r)
        j = np.arange(int(r.sum())) - np.repeat(first, r)
        sg = si[np.repeat(cstart[pbucket[pts]], r) + j]
        d = segment_distance(xs[pt], ys[pt], a[sg, 0], a[sg, 1], b[sg, 0], b[sg, 1])
        out_sorted[pts] = np.minimum.reduceat(d, first)

    run_blocks(block, list(pairwise(cuts)), check)

    # points inside a polygon, in buckets that cross a polygon's outline
    if len(polys) and act.size:
        qi, pi = ptree.query(boxes[act], predicate="intersects")
        if qi.size:
            qb = act[qi]
            npts = count[qb]
            pt = np.repeat(start[qb], npts) + (np.arange(int(npts.sum()))
                                               - np.repeat(np.r_[0, np.cumsum(npts)[:-1]],
                                                           npts))
            inside = shapely.intersects_xy(polys[np.repeat(pi, npts)], xs[pt], ys[pt])
            out_sorted[pt[inside]] = 0.0
    out = np.empty(n)
    out[order] = out_sorted
    return out


def nearest_distance(xy: np.ndarray, targets: np.ndarray, *, k: int = 8,
                     check: Callable[[], None] | None = None) -> np.ndarray:
    """Distance from each point to the nearest target geometry (exact, vectorised).

    The reference method is ``shapely.STRtree(targets).query_nearest(points,
    return_distance=True)``; it is used when scipy is missing, for target types other than
    points, lines and polygons, and when the bucket search would need too many pairs. Fast
    paths, both exact:

    * point targets: a k-d tree of the target points;
    * line and polygon targets (and points mixed with them): the outlines are cut into
      straight segments and searched by buckets of query points (:func:`_bucket_nearest`):
      each bucket gets the few segments that can be nearest to any of its points, then exact
      point-segment distances are taken; points covered by a polygon get 0.

    Parameters
    ----------
    xy : numpy.ndarray, shape (n, 2)
        Query points (site centroids), metric CRS.
    targets : numpy.ndarray of shapely geometries
        Non-empty.
    k : int, default 8
        Segments tried per bucket for its upper bound (more: fewer candidates, more work).
    check : callable, optional
        Called between chunks; raises to cancel.

    Returns
    -------
    numpy.ndarray, shape (n,)
        NaN for a point with a NaN coordinate (a site without geometry).
    """
    check = check or (lambda: None)
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    n = len(xy)
    out = np.empty(n)
    if n == 0:
        return out
    finite = np.isfinite(xy).all(axis=1)
    if not finite.all():  # a site without geometry has no centroid: NaN, no distance
        out[:] = np.nan
        out[finite] = nearest_distance(xy[finite], targets, k=k, check=check)
        return out
    kd = kdtree()
    types = shapely.get_type_id(targets)
    polygonal = np.isin(types, (3, 6))
    pointlike = np.isin(types, (0, 4))
    simple = bool(np.isin(types, (0, 1, 2, 3, 4, 5, 6)).all())
    if kd is not None and pointlike.all():
        tree_pts = kd(shapely.get_coordinates(targets))
        for start in range(0, n, SITE_CHUNK):
            check()
            stop = start + SITE_CHUNK
            out[start:stop] = tree_pts.query(xy[start:stop], workers=-1)[0]
        return out
    if kd is not None and simple and np.isfinite(xy).all():
        a, b = outline_segments(targets[~pointlike])
        pts = shapely.get_coordinates(shapely.get_parts(targets[pointlike]))
        a, b = np.concatenate([a, pts]), np.concatenate([b, pts])
        if len(a):
            res = _bucket_nearest(xy, a, b, targets[polygonal], k=max(1, int(k)),
                                  check=check)
            if res is not None:
                return res
    # Reference: STRtree of the targets; polygons give 0 to the points they cover.
    tree = shapely.STRtree(targets)
    for start in range(0, n, SITE_CHUNK):
        check()
        query = shapely.points(xy[start:start + SITE_CHUNK])
        idx, dist = tree.query_nearest(query, return_distance=True, all_matches=False)
        res = np.full(len(query), np.inf)
        np.minimum.at(res, idx[0], dist)
        out[start:start + len(query)] = res
    return out
