"""Exact distance from each site's outline to the nearest feature of a layer, vectorised.

What ``geopandas.sjoin_nearest(sites, layer)`` and ``shapely.distance`` give (0 where a
site touches or overlaps a feature), without asking GEOS for the distance of a million
polygons to whole expressways (24.5 s at 1M parcels). No step loops over sites:

0. the sites are put in buckets of about 9 neighbours (once per run, shared by every
   criterion); each site has its box centre ``c``, radius ``R`` (half its box diagonal)
   and extents in 8 directions (box and diagonals: an octagon round it);
1. point targets only (stations, town centres): the two points nearest each bucket's
   centre (k-d tree) settle every site one point is clearly nearest to, with its
   point-segment distances to the site's edges; the rest take the search below
   (:func:`_lone_points`);
2. the targets are cut into pieces: points, and the straight segments of lines and of
   polygon outlines (a long expressway becomes segments with tight boxes);
3. per bucket, the pieces that may be nearest one of its sites: within ``D' + 2 rho`` of
   its centre (``D'`` an upper bound of the centre's distance, ``rho`` the bucket's
   reach; one STRtree query per bucket), thinned to those that face the bucket
   (:func:`_facing`); each site keeps the prefix of that list (sorted by distance from
   the bucket's centre) it can reach (:func:`_buckets`);
4. each site's exact distance to the piece nearest its centre gives an upper bound ``U``;
   the other candidates get an exact distance only when their lower bounds (distance to
   ``c`` minus ``R``, then minus the site's extent towards the piece, from its octagon,
   then from its vertices) are under ``U`` (the near ties);
5. exact site-piece distances: a site farther than ``R`` from the layer cannot touch it,
   so its distance to a segment is that of the end it lies wholly behind (a point,
   measured to the site's edges), or, wholly in the segment's slab, from the site's
   vertices to the segment, or both (:meth:`_Pieces.region`); one point-segment distance
   per site edge, numpy, in cache-sized slices on threads. Two segments meeting at the
   vertex a site is nearest share that term, measured once. Sites within ``R`` (few:
   those along the features) and holed or multi-part sites get GEOS distances, and 0
   where they intersect a polygon target; a site whose disc lies inside a polygon target
   is at 0.

The numpy distances use the point-segment formula GEOS uses, so they agree with
``shapely.distance`` to rounding (1e-9 m at city scale; the tests and
``bench/rank_parcels.py`` check it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import shapely

from hljgis.analysis import outline_kernel
from hljgis.analysis.kernels import (
    nearest_k,
    outline_segments,
    run_blocks,
    segment_distance,
)

__all__ = ["Outlines", "edge_distance", "outline_distance"]

#: Site-piece pairs per block (bounded memory; blocks run on the thread pool).
_BLOCK = 1 << 15
#: (site edge, pair) rows per numpy pass of the exact distances: 64k rows keep the
#: temporaries in cache (six times faster per row than passes of 2M rows on the 2-core
#: test machine) and parcels drawn with thousands of vertices bounded.
_EDGE_ROWS = 1 << 16
#: Sites per bucket side when looking up candidate pieces (about 9 sites a bucket).
_BUCKET_SIDE = 3
#: Buckets per slice of the candidate look-up.
_BUCKET_SLICE = 2048


class _Pieces:
    """The targets cut into pieces for the search, and the table of their vertices.

    Search pieces are the target points (``a == b``), then the straight segments of lines
    and polygon outlines (closed: ends included), with their geometries for GEOS. The
    exact distance of a site to a segment is the least of up to three terms (see
    :meth:`region`): the segment's ends as points (measured to the site's edges) and its
    interior (measured from the site's vertices). ``ea``/``eb`` hold those terms: the
    vertices first (``ea == eb``, ``nv`` of them), then the segments. Polygon interiors are
    handled apart.
    """

    def __init__(self, targets: np.ndarray):
        types = shapely.get_type_id(targets)
        pointlike = np.isin(types, (0, 4))
        pts = np.unique(shapely.get_coordinates(shapely.get_parts(targets[pointlike])), axis=0)
        if (~pointlike).any():
            a, b = outline_segments(targets[~pointlike])
            keep = (a != b).any(axis=1)  # repeated vertices: their neighbours have them
            a, b = a[keep], b[keep]
        else:
            a = b = np.zeros((0, 2))
        self.npts, self.nseg = len(pts), len(a)
        segs = (shapely.linestrings(np.stack([a, b], axis=1)) if len(a)
                else np.empty(0, object))
        self.geoms = np.concatenate([shapely.points(pts), segs])
        self.a = np.concatenate([pts, a])
        self.b = np.concatenate([pts, b])
        verts, inv = np.unique(np.concatenate([pts, a, b]), axis=0, return_inverse=True)
        inv = inv.ravel()
        self.nv = len(verts)
        k, m = self.npts, self.nseg
        self.va = np.concatenate([inv[:k], inv[k:k + m]])  # vertex of each piece's ends
        self.vb = np.concatenate([inv[:k], inv[k + m:]])
        self.ea = np.concatenate([verts, a])
        self.eb = np.concatenate([verts, b])
        length = np.hypot(*(self.b - self.a).T)
        safe = np.where(length > 0, length, 1.0)
        self.ex = (self.b[:, 0] - self.a[:, 0]) / safe  # unit direction (0 for points)
        self.ey = (self.b[:, 1] - self.a[:, 1]) / safe

    def region(self, p, ca, cb, hi, lo) -> np.ndarray:
        """Which term(s) of segment ``p`` a site needs, from the range ``[lo, hi]`` of
        ``<x - c, e>`` over its points ``x`` (``e`` the segment's direction, ``c`` the
        site's centre; ``ca``/``cb``: ``<a - c, e>``, ``<b - c, e>``).

        A site wholly behind ``a`` is nearest ``a`` (every point of it is), wholly past
        ``b`` nearest ``b``; a site wholly in the slab between is nearest the segment's
        interior, whose least distance to a polygon is at one of its vertices. Returns the
        term's index in ``ea``/``eb`` (vertices, then interiors), or ``nv + nseg + s`` for
        a site that straddles a normal at an end (all three terms)."""
        s = p - self.npts
        both = self.nv + self.nseg + s
        out = np.where((lo >= ca) & (hi <= cb), self.nv + s, both)
        out = np.where(lo >= cb, self.vb[p], out)
        return np.where(hi <= ca, self.va[p], out)


class Outlines:
    """What the distance search needs of the sites, computed once per run and shared by
    every distance criterion: box centres, half sizes and radii, and the outline
    vertices by site.

    The vertices come straight from the polygons' coordinates (no GEOS boundary
    geometries, no table of segments: edge ``j`` of a site runs from vertex ``first + j``
    to ``first + j + 1``); sites with holes or several parts, and points, are marked
    ``geos`` and measured by GEOS instead.
    """

    #: the sites' buckets (bucket side, groups), made by :func:`_group` when first needed
    _groups: tuple[int, _Groups] | None = None

    def __init__(self, geoms: np.ndarray):
        self.geoms = geoms = np.asarray(geoms)
        self._lock = threading.Lock()  # criteria on threads make the buckets once
        n = len(geoms)
        rings = outline_kernel.wkb_rings(geoms)  # from the file's WKB, where it was kept
        if rings is not None:
            nv, self.first, xy, simple = rings
        else:
            nv, types, holes = _counts(geoms)
            self.first = np.cumsum(nv) - nv
            # one GEOS pass: get_coordinates holds the GIL, slices on threads gained nothing
            xy = shapely.get_coordinates(geoms)
            simple = (types == 3) & (holes == 0)
            multi = np.flatnonzero(types == 6)
            multi = multi[shapely.get_num_geometries(geoms[multi]) == 1]
            simple[multi] = shapely.get_num_interior_rings(
                shapely.get_geometry(geoms[multi], 0)) == 0
        self.blank = nv == 0
        self.nv = nv
        #: (k, 2) vertices of all sites, rings closed, site after site
        self.xy = xy
        simple &= nv > 1
        #: edges of each site measured here (0: GEOS measures the site)
        self.count = np.where(simple, nv - 1, 0)
        self.geos = ~simple
        # least and largest x, y, x + y, x - y of each site's vertices, in slices of sites
        # (temporaries in cache, slices on the thread pool)
        lo = np.zeros((n, 4))
        hi = np.zeros((n, 4))
        step = max(1, int(n * (_EDGE_ROWS // 4) / max(len(xy), 1)))

        def extents(s0: int) -> None:
            s1 = min(n, s0 + step)
            has = np.flatnonzero(nv[s0:s1] > 0) + s0
            if not has.size:
                return
            r0 = int(self.first[has[0]])
            v = xy[r0:int(self.first[has[-1]] + nv[has[-1]])]
            q = np.empty((len(v), 4))
            q[:, :2] = v
            np.add(v[:, 0], v[:, 1], out=q[:, 2])
            np.subtract(v[:, 0], v[:, 1], out=q[:, 3])
            at = self.first[has] - r0
            lo[has] = np.minimum.reduceat(q, at, axis=0)
            hi[has] = np.maximum.reduceat(q, at, axis=0)

        if outline_kernel.load() is not None:  # one pass in C over the vertices
            outline_kernel.extents(xy, self.first, nv, lo, hi)
        else:
            run_blocks(extents, list(range(0, n, step)), lambda: None)
        self.cx = (lo[:, 0] + hi[:, 0]) / 2.0
        self.cy = (lo[:, 1] + hi[:, 1]) / 2.0
        # half sizes of the box, a little generous: every vertex v has |v - c| <= hw, hh
        slack = 1e-9 * (np.abs(self.cx) + np.abs(self.cy)) + 1e-9
        self.hw = (hi[:, 0] - lo[:, 0]) / 2.0 + slack
        self.hh = (hi[:, 1] - lo[:, 1]) / 2.0 + slack
        r = np.hypot(self.hw, self.hh)
        self.r = r * (1 + 1e-9) + 1e-6  # rounding slack: one candidate too many at worst
        # and the extents along the diagonals (x + y, x - y): the box and these two make an
        # octagon round the site, a tighter bound of its extent in most directions
        ext = np.empty((4, n))
        for k, mid in ((0, self.cx + self.cy), (1, self.cx - self.cy)):
            ext[2 * k] = hi[:, 2 + k] - mid
            ext[2 * k + 1] = mid - lo[:, 2 + k]
        ext *= np.sqrt(0.5)
        ext += (np.sqrt(2.0) * slack)[None, :]
        #: per site: half width, half height, extents along +-(1, 1) and +-(1, -1)
        self._ext = np.column_stack([self.hw, self.hh, *ext])

    def rows(self, site: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges of the sites ``site`` (all with edges here): per site its count and the
        position of its first row, and per row the index of the edge's first vertex."""
        m = self.count[site]
        lead = np.cumsum(m) - m
        rows = np.repeat(self.first[site] - lead, m)
        rows += np.arange(len(rows))
        return m, lead, rows

    def support(self, site: np.ndarray, ux: np.ndarray, uy: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of ``<v - c, u>`` over the site's points ``v`` (``u`` a unit vector): an
        upper bound of its largest and a lower bound of its least value, from the site's
        box and its extents along the diagonals (a support function is sublinear:
        ``h(alpha e1 + beta e2) <= alpha h(e1) + beta h(e2)``)."""
        e = np.take(self._ext, site, axis=0)
        box = np.abs(ux) * e[:, 0]
        box += np.abs(uy) * e[:, 1]
        al = (ux + uy) * np.sqrt(0.5)
        be = (ux - uy) * np.sqrt(0.5)
        ap, am = np.maximum(al, 0.0), np.maximum(-al, 0.0)
        bp, bm = np.maximum(be, 0.0), np.maximum(-be, 0.0)
        hi = np.minimum(box, ap * e[:, 2] + am * e[:, 3] + bp * e[:, 4] + bm * e[:, 5])
        lo = np.minimum(box, am * e[:, 2] + ap * e[:, 3] + bm * e[:, 4] + bp * e[:, 5])
        return hi, np.negative(lo, out=lo)


#: Sites per slice of the GEOS passes that count the sites' parts (on the thread pool).
_SITE_SLICE = 1 << 17


def _slices(n: int) -> list[tuple[int, int]]:
    return [(s0, min(n, s0 + _SITE_SLICE)) for s0 in range(0, n, _SITE_SLICE)]


def _counts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per site: its vertices (0 where missing or empty), its type id and its interior
    rings (polygons), read by GEOS in slices on the thread pool (these let go of the GIL:
    0.14-0.16 s instead of 0.25-0.29 s for a million parcels on two cores)."""
    n = len(geoms)
    nv = np.empty(n, dtype=np.int64)
    types = np.empty(n, dtype=np.int64)
    rings = np.empty(n, dtype=np.int64)

    def part(span: tuple[int, int]) -> None:
        g = geoms[span[0]:span[1]]
        nv[span[0]:span[1]] = shapely.get_num_coordinates(g)
        types[span[0]:span[1]] = shapely.get_type_id(g)
        rings[span[0]:span[1]] = shapely.get_num_interior_rings(g)

    run_blocks(part, _slices(n), lambda: None)
    return nv, types, rings


def _nearest_on(px, py, ax, ay, bx, by) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance from points to segments and the nearest point of each segment."""
    dx, dy = bx - ax, by - ay
    l2 = dx * dx + dy * dy
    t = ((px - ax) * dx + (py - ay) * dy) / np.where(l2 > 0, l2, 1.0)
    np.clip(t, 0.0, 1.0, out=t)
    qx, qy = ax + t * dx, ay + t * dy
    return np.hypot(px - qx, py - qy), qx, qy


def _seg_d2(px, py, ax, ay, bx, by) -> np.ndarray:
    """Squared distance from points to segments, with few temporaries (the hot loop)."""
    dx = bx - ax
    dy = by - ay
    wx = px - ax
    wy = py - ay
    l2 = dx * dx
    l2 += dy * dy
    t = wx * dx
    t += wy * dy
    np.divide(t, l2, out=t, where=l2 > 0)
    t[l2 == 0] = 0.0
    np.clip(t, 0.0, 1.0, out=t)
    dx *= t
    dy *= t
    wx -= dx
    wy -= dy
    wx *= wx
    wy *= wy
    wx += wy
    return wx


def _pair_distance(site, piece, a, b, npts: int, o: Outlines, toward=None):
    """Distance of site ``site[i]`` to piece ``piece[i]``, for sites the piece cannot
    touch (none of the pieces is inside the site): a point piece's distance to the site's
    edges, a segment piece's least distance to the site's vertices (see :func:`_pieces`).

    ``toward``: directions ``(ux, uy)``, one per pair; then also returns the site's extent
    in its direction, the largest ``<v - c, u>`` over its vertices (as
    :func:`_projections`), from the vertices already at hand."""
    m, lead, rows = o.rows(site)
    p = np.repeat(piece, m)
    v = np.take(o.xy, rows, axis=0)  # take: 2-D fancy indexing is ten times slower
    vx, vy = v[:, 0], v[:, 1]
    d = np.empty(len(rows))
    pt = p < npts
    if pt.all():
        w = np.take(o.xy, rows + 1, axis=0)
        q = np.take(a, p, axis=0)
        d = _seg_d2(q[:, 0], q[:, 1], vx, vy, w[:, 0], w[:, 1])
    elif not pt.any():
        q, e = np.take(a, p, axis=0), np.take(b, p, axis=0)
        d = _seg_d2(vx, vy, q[:, 0], q[:, 1], e[:, 0], e[:, 1])
    else:
        i = np.flatnonzero(pt)
        w = np.take(o.xy, rows[i] + 1, axis=0)
        q = np.take(a, p[i], axis=0)
        d[i] = _seg_d2(q[:, 0], q[:, 1], vx[i], vy[i], w[:, 0], w[:, 1])
        i = np.flatnonzero(~pt)
        q, e = np.take(a, p[i], axis=0), np.take(b, p[i], axis=0)
        d[i] = _seg_d2(vx[i], vy[i], q[:, 0], q[:, 1], e[:, 0], e[:, 1])
    dist = np.sqrt(np.minimum.reduceat(d, lead)) if len(d) else np.zeros(0)
    if toward is None:
        return dist
    ux, uy = toward
    if not len(d):
        return dist, np.zeros(0)
    val = vx * np.repeat(ux, m)
    val += vy * np.repeat(uy, m)
    return dist, np.maximum.reduceat(val, lead) - (o.cx[site] * ux + o.cy[site] * uy)


def _projections(site, vecs: list[tuple[np.ndarray, np.ndarray]], o: Outlines,
                 ) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each direction ``(ux, uy)`` in ``vecs``, the largest and least ``<v - c, u>``
    over the vertices ``v`` of site ``site[i]`` (all with edges here).

    ``<v, u>`` is reduced first and ``<c, u>`` taken off per site (rounding of the order
    of 1e-9 m at city coordinates, well inside the callers' slack)."""
    m, lead, rows = o.rows(site)
    v = np.take(o.xy, rows, axis=0)
    out = []
    for ux, uy in vecs:
        val = v[:, 0] * np.repeat(ux, m)
        val += v[:, 1] * np.repeat(uy, m)
        mid = o.cx[site] * ux + o.cy[site] * uy
        out.append((np.maximum.reduceat(val, lead) - mid, np.minimum.reduceat(val, lead) - mid))
    return out


class _Groups(NamedTuple):
    """Sites in buckets of about ``_BUCKET_SIDE**2`` neighbours (see :func:`_group`)."""

    order: np.ndarray  # the sites, bucket after bucket
    bucket: np.ndarray  # the bucket of each site, in that order
    start: np.ndarray  # where each bucket's sites start in that order
    mx: np.ndarray  # bucket centres
    my: np.ndarray
    off: np.ndarray  # each site's centre's distance from its bucket's centre, in order
    rho: np.ndarray  # per bucket: every point of its sites lies within rho of its centre


def _group(o: Outlines) -> _Groups:
    """The sites' buckets: the same for every criterion of a run (kept on ``o``)."""
    with o._lock:
        cached = getattr(o, "_groups", None)
        if cached is None or cached[0] != _BUCKET_SIDE:
            cached = o._groups = (_BUCKET_SIDE, _make_groups(o))
        return cached[1]


def _make_groups(o: Outlines) -> _Groups:
    """Bucket the sites by their box centres on a square lattice."""
    cx, cy, r = o.cx, o.cy, o.r
    n = len(cx)
    x0, y0 = cx.min(), cy.min()
    spacing = np.sqrt(max((cx.max() - x0) * (cy.max() - y0), 1.0) / n)
    size = max(_BUCKET_SIDE * spacing, 1e-3)
    ix = ((cx - x0) // size).astype(np.int64)
    iy = ((cy - y0) // size).astype(np.int64)
    key = iy * (int(ix.max()) + 1) + ix
    order = np.argsort(key, kind="stable")
    key = key[order]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    xs, ys = cx[order], cy[order]
    mx = (np.minimum.reduceat(xs, start) + np.maximum.reduceat(xs, start)) / 2.0
    my = (np.minimum.reduceat(ys, start) + np.maximum.reduceat(ys, start)) / 2.0
    bucket = np.repeat(np.arange(len(start)), np.diff(np.r_[start, n]))
    off = np.hypot(xs - mx[bucket], ys - my[bucket])  # each site's centre from the bucket's
    rho = np.maximum.reduceat(off + r[order], start)
    return _Groups(order, bucket, start, mx, my, off, rho)


def _buckets(o: Outlines, a, b):
    """Sites in buckets of neighbours and, per bucket, the pieces that may be nearest to
    one of its sites.

    Every point of every site of a bucket lies within ``rho`` of the bucket's centre
    ``m``, and the layer within ``D'`` of ``m`` (exact distances to the pieces whose
    midpoints are nearest ``m``, k-d tree): no point of the bucket's sites is farther than
    ``D' + rho`` from the layer, so only pieces within ``D' + 2 rho`` of ``m`` can be
    nearest; :func:`_facing` drops those beside the bucket.

    Returns the site order (by bucket), each site's bucket, and per bucket the start and
    count of its candidate pieces in the returned piece index array.
    """
    order, bucket, start, mx, my, off, rho = _group(o)
    r = o.r
    k = min(4, len(a))
    _, near = nearest_k((a + b) / 2.0, np.column_stack([mx, my]), k)
    dhat = np.full(len(start), np.inf)
    for j in range(k):
        p = near[:, j]
        dhat = np.minimum(dhat, segment_distance(mx, my, a[p, 0], a[p, 1], b[p, 0], b[p, 1]))
    reach = (dhat + 2.0 * rho) * (1 + 1e-9) + 1e-6
    tree = shapely.STRtree(shapely.box(np.minimum(a[:, 0], b[:, 0]), np.minimum(a[:, 1], b[:, 1]),
                                       np.maximum(a[:, 0], b[:, 0]), np.maximum(a[:, 1], b[:, 1])))
    boxes = shapely.box(mx - reach, my - reach, mx + reach, my + reach)
    found: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def part(b0: int) -> None:  # a slice of buckets: temporaries in cache, on threads
        b1 = min(len(boxes), b0 + _BUCKET_SLICE)
        bi, pi = tree.query(boxes[b0:b1])
        bi += b0
        pa, pb = np.take(a, pi, axis=0), np.take(b, pi, axis=0)
        dm, qx, qy = _nearest_on(mx[bi], my[bi], pa[:, 0], pa[:, 1], pb[:, 0], pb[:, 1])
        keep = dm <= reach[bi]
        bi, pi, dm = bi[keep], pi[keep], dm[keep]
        keep = _facing(bi - b0, dm, qx[keep] - mx[bi], qy[keep] - my[bi], rho[b0:b1])
        found[b0] = bi[keep], pi[keep], dm[keep]

    run_blocks(part, list(range(0, len(boxes), _BUCKET_SLICE)), lambda: None)
    bi, pi, dm = (np.concatenate([found[k][j] for k in sorted(found)]) for j in range(3))
    srt = np.lexsort((dm, bi))  # by bucket, nearest the bucket's centre first
    bi, pi, dm = bi[srt], pi[srt], dm[srt]
    ncand = np.bincount(bi, minlength=len(start))
    cstart = np.cumsum(ncand) - ncand
    # a site needs only the pieces within dm* + 2 |c - m| + R of the bucket's centre m
    # (its distance is at most dm* + |c - m|; a piece at dm from m is at least dm - |c - m|
    # from c and dm - |c - m| - R from the site): a prefix of its bucket's list, found by
    # one search over the lists laid end to end (bucket k's distances shifted by k * width)
    width = 4.0 * (float(dm.max()) + float(rho.max())) + 1.0
    key = dm + bi * width
    limit = ((dm[cstart][bucket] + 2.0 * off + r[order]) * (1 + 1e-9) + 1e-3
             + 4e-16 * width * len(start))  # the keys' rounding
    ends = np.searchsorted(key, np.minimum(limit, width / 2) + bucket * width, side="right")
    reps = np.maximum(ends - cstart[bucket], 1)
    return order, bucket, pi, cstart, reps


def _facing(bi, d, vx, vy, rho) -> np.ndarray:
    """Which (bucket, piece) pairs may hold the nearest piece of one of the bucket's sites.

    ``d`` is the distance from the bucket centre ``m`` to the piece, ``(vx, vy)`` the vector
    to its nearest point ``q``; every point of the bucket's sites lies within ``rho`` of
    ``m``. Take ``p*``, the piece nearest ``m`` (at ``d*``, direction ``u*``). A piece
    (convex) lies beyond the line through ``q`` normal to ``u = (q - m) / d``, so no point
    ``x`` is nearer to it than ``d - <x - m, u>``; and ``dist(x, p*) <= d* - <x - m, u*> +
    k`` with ``k = rho**2 / (2 (d* - rho))`` (``q*`` is at most that much farther than its
    projection). A site ``S`` reaches the piece before ``p*`` only if ``d - <x - m, u> <=
    d* - <y - m, u*> + k`` for points ``x, y`` of ``S`` at its extreme in ``u`` and
    ``u*``: ``d - d* <= <c - m, u - u*> + h_S(u) - h_S(u*) + k <= rho |u - u*| + k``
    (``h_S``, the site's support function about its centre ``c``, varies by at most
    ``R |u - u*|``). With the disc bound ``d - d* <= 2 rho`` this drops the pieces of a
    far park's or road's side that lie beside the bucket, not facing it.
    """
    nb = len(rho)
    dstar = np.full(nb, np.inf)
    np.minimum.at(dstar, bi, d)
    first = np.flatnonzero(d == dstar[bi])  # p*: any piece at d* (the last one written)
    ux = np.zeros(nb)
    uy = np.zeros(nb)
    ok = d[first] > 0
    ux[bi[first[ok]]] = vx[first[ok]] / d[first[ok]]
    uy[bi[first[ok]]] = vy[first[ok]] / d[first[ok]]
    rr = rho[bi]
    ds = dstar[bi]
    lim = 2.0 * rr
    far = (ds > 2.0 * rr) & (d > 0)
    dd = np.where(far, d, 1.0)
    turn = np.hypot(vx / dd - ux[bi], vy / dd - uy[bi])
    kappa = rr * rr / (2.0 * np.where(far, ds - rr, 1.0))
    lim = np.where(far, np.minimum(lim, rr * turn + kappa), lim)
    return d - ds <= lim * (1 + 1e-9) + 1e-6 + 1e-12 * np.abs(d)


def _lone_points(pts: np.ndarray, o: Outlines, out: np.ndarray) -> np.ndarray:
    """Distances to point targets for the sites one point is clearly nearest to.

    The two points nearest each bucket's centre ``m`` (:func:`~hljgis.analysis.kernels.
    nearest_k` over the few buckets,
    :func:`_group`), at ``d1 <= d2``: for a site whose centre lies ``off`` from ``m``, the
    first is at most ``d1 + off`` from the centre and every other point at least ``d2 -
    off``; when ``d2 - d1 > 2 off + 2 R`` no other point can be nearer the site than the
    first, and when the first lies farther than ``R`` from the site's centre it lies
    outside the site, so the distance is the least point-segment distance to the site's
    edges (numpy, over every edge at once). Fills ``out`` for those sites and returns
    which they are; the rest (near ties, points within reach, holed or multi-part sites)
    go through the general search.
    """
    n = len(o.cx)
    g = _group(o)
    k = min(2, len(pts))
    dist, idx = nearest_k(pts, np.column_stack([g.mx, g.my]), k)
    best = np.empty(n, dtype=np.int64)
    best[g.order] = first = idx[g.bucket, 0]
    d1 = np.hypot(o.cx[g.order] - pts[first, 0], o.cy[g.order] - pts[first, 1])
    rr = o.r[g.order]
    slack = 1e-9 * (dist[g.bucket, 0] + g.off + rr) + 1e-6
    ok = d1 > rr + slack
    if k > 1:
        ok &= dist[g.bucket, 1] - dist[g.bucket, 0] > 2.0 * (g.off + rr) + slack
    done = np.zeros(n, dtype=bool)
    done[g.order] = ok
    done &= o.count > 0
    if not done.any():
        return done
    site = np.flatnonzero(done)
    if len(site) > n // 2:  # most sites: every vertex row, in slices, no gather of edges
        xy, first, nv = o.xy, o.first, o.nv
        res = np.empty(n)
        step = max(1, int(n * _EDGE_ROWS / max(len(xy), 1)))

        def part(s0: int) -> None:
            s1 = min(n, s0 + step)
            r0 = int(first[s0])
            r1 = int(first[s1 - 1] + nv[s1 - 1])
            if r1 - r0 < 2:
                return
            p = np.repeat(best[s0:s1], nv[s0:s1])[:-1]  # the point of each edge's site
            v = xy[r0:r1]
            d2 = np.empty(r1 - r0)
            q = np.take(pts, p, axis=0)
            d2[:-1] = _seg_d2(q[:, 0], q[:, 1], v[:-1, 0], v[:-1, 1], v[1:, 0], v[1:, 1])
            has = np.flatnonzero(nv[s0:s1] > 0) + s0
            d2[first[has] + nv[has] - 1 - r0] = np.inf  # a site's last vertex starts no edge
            res[has] = np.minimum.reduceat(d2, first[has] - r0)

        run_blocks(part, list(range(0, n, step)), lambda: None)
        out[site] = np.sqrt(res[site])
    else:
        out[site] = _pair_distance(site, best[site], pts, pts, len(pts), o)
    return done


def outline_distance(geoms: np.ndarray, targets: np.ndarray, *,
                     outlines: Outlines | None = None,
                     check: Callable[[], None] | None = None,
                     points_first: bool = True, use_kernel: bool = True) -> np.ndarray:
    """Distance from each site (polygon or point) to the nearest target, as GEOS measures it.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        The sites, in a metric CRS (none missing or empty).
    targets : numpy.ndarray of shapely geometries
        Points, lines, polygons (and their multi- forms); same CRS.
    outlines : Outlines, optional
        ``Outlines(geoms)``, when several layers are measured from the same sites.
    check : callable, optional
        Called between blocks; raises to cancel.
    points_first : bool
        With point targets only, settle the sites one point is clearly nearest to first
        (:func:`_lone_points`) and search for the rest.
    use_kernel : bool
        Measure the sites no piece comes near with the compiled loop
        (:mod:`~hljgis.analysis.outline_kernel`) where it was built; False: numpy only.

    Returns
    -------
    numpy.ndarray, shape (n,)
        ``min(shapely.distance(site, t) for t in targets)`` to rounding; 0 where a site
        touches or overlaps a target; inf when there is no target or the site has no
        geometry.

    Examples
    --------
    >>> sites = shapely.box([0, 10], [0, 0], [1, 11], [1, 1])
    >>> outline_distance(sites, np.array([shapely.Point(3, 0.5)])).round(6).tolist()
    [2.0, 7.0]
    """
    check = check or (lambda: None)
    geoms = np.asarray(geoms)
    targets = np.asarray(targets)
    targets = targets[~(shapely.is_missing(targets) | shapely.is_empty(targets))]
    n = len(geoms)
    out = np.full(n, np.inf)
    if n == 0 or len(targets) == 0:
        return out
    blank = outlines.blank if outlines is not None else \
        shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if blank.any():  # sites without geometry: inf
        keep = np.flatnonzero(~blank)
        out[keep] = outline_distance(geoms[keep], targets, check=check)
        return out
    o = outlines if outlines is not None else Outlines(geoms)
    if points_first and np.isin(shapely.get_type_id(targets), (0, 4)).all():  # stations
        pts = shapely.get_coordinates(shapely.get_parts(targets))
        done = _lone_points(pts, o, out)
        rest = np.flatnonzero(~done)
        if rest.size:
            out[rest] = outline_distance(geoms[rest], targets, check=check,
                                         points_first=False)
        return out
    pc_ = _Pieces(targets)
    a, b, npts = pc_.a, pc_.b, pc_.npts
    polys = targets[np.isin(shapely.get_type_id(targets), (3, 6))]
    cx, cy, r = o.cx, o.cy, o.r
    check()
    order, bucket, cand, cstart, reps = _buckets(o, a, b)
    if use_kernel and outline_kernel.load() is not None:
        got, flagged = outline_kernel.measure(o, order, bucket, cand, cstart, reps, a, b,
                                              check)
        done = np.flatnonzero(~flagged)
        out[done] = got[done]
        if len(polys):  # no piece within reach and the centre inside: the site is inside
            out[done[shapely.contains_xy(shapely.union_all(polys), cx[done], cy[done])]] = 0.0
        rest = np.flatnonzero(flagged)  # holed, multi-part, or near a piece: numpy and GEOS
        if rest.size:
            out[rest] = outline_distance(geoms[rest], targets, check=check,
                                         points_first=False, use_kernel=False)
        return out
    cum = np.cumsum(reps)
    cuts = [0]
    while cuts[-1] < n:  # site ranges of about _BLOCK candidate pairs each
        base = int(cum[cuts[-1] - 1]) if cuts[-1] else 0
        nxt = int(np.searchsorted(cum, base + _BLOCK, side="right"))
        cuts.append(min(n, max(nxt, cuts[-1] + 1)))
    inside = np.zeros(n, dtype=bool)  # centres inside a polygon target
    if len(polys):
        inside = shapely.contains_xy(shapely.union_all(polys), cx, cy)
    touching: list[np.ndarray] = []
    full0 = pc_.nv + pc_.nseg  # terms from here on: a whole segment (three terms)

    def terms(s: np.ndarray, p: np.ndarray, ca, cb, hi, lo) -> np.ndarray:
        """The term (index in ``ea``/``eb``) of each numeric pair; see _Pieces.region."""
        t = pc_.va[p]
        seg = np.flatnonzero(p >= npts)
        if seg.size:
            t[seg] = pc_.region(p[seg], ca[seg], cb[seg], hi[seg], lo[seg])
        return t

    def ends(s: np.ndarray, p: np.ndarray):
        """``<a - c, e>`` and ``<b - c, e>`` of each pair."""
        ex, ey = pc_.ex[p], pc_.ey[p]
        pa, pb = np.take(a, p, axis=0), np.take(b, p, axis=0)
        ca = (pa[:, 0] - cx[s]) * ex + (pa[:, 1] - cy[s]) * ey
        cb = (pb[:, 0] - cx[s]) * ex + (pb[:, 1] - cy[s]) * ey
        return ca, cb, ex, ey

    def measure(s: np.ndarray, t: np.ndarray, toward=None):
        """Exact distances of numeric pairs (site, term); whole segments as three terms.
        With ``toward`` (one direction per pair), also the sites' extents in them."""
        n0 = len(s)
        whole = np.flatnonzero(t >= full0)
        if whole.size:
            seg = t[whole] - full0
            own = np.r_[np.arange(len(s)), np.tile(whole, 2)]
            s = np.r_[s, s[whole], s[whole]]
            t = np.r_[np.where(t >= full0, t - pc_.nseg, t), pc_.va[npts + seg],
                      pc_.vb[npts + seg]]
        res = np.empty(len(s))
        ext = np.empty(n0) if toward is not None else None
        cum = np.cumsum(o.count[s])  # in slices of about _EDGE_ROWS rows: bounded memory
        cuts = np.searchsorted(cum, np.arange(_EDGE_ROWS, int(cum[-1]), _EDGE_ROWS))
        for part in np.split(np.arange(len(s)), np.unique(np.maximum(cuts, 1))):
            mine = part if ext is None else part[part >= n0]  # rows without a direction
            if mine.size:
                res[mine] = _pair_distance(s[mine], t[mine], pc_.ea, pc_.eb, pc_.nv, o)
            if ext is not None and part.size and part[0] < n0:
                part = part[part < n0]
                res[part], ext[part] = _pair_distance(
                    s[part], t[part], pc_.ea, pc_.eb, pc_.nv, o,
                    (toward[0][part], toward[1][part]))
        if whole.size:
            out_ = res[:len(own) - 2 * whole.size].copy()
            np.minimum.at(out_, own[len(out_):], res[len(out_):])
            return out_ if ext is None else (out_, ext)
        return res if ext is None else (res, ext)

    def block(span: tuple[int, int]) -> None:
        p0, p1 = span
        rep = reps[p0:p1]
        sites = order[p0:p1]
        lead = np.cumsum(rep) - rep
        grp = np.repeat(np.arange(p1 - p0), rep)
        pc = cand[np.repeat(cstart[bucket[p0:p1]] - lead, rep) + np.arange(int(rep.sum()))]
        st = sites[grp]
        pa, pb = np.take(a, pc, axis=0), np.take(b, pc, axis=0)
        d, qx, qy = _nearest_on(cx[st], cy[st], pa[:, 0], pa[:, 1], pb[:, 0], pb[:, 1])
        dmin = np.minimum.reduceat(d, lead)  # each centre's distance to the pieces
        rr = r[sites]
        # a site within R of a piece may touch it; points and holed sites: GEOS for those
        geos = (dmin <= rr) | o.geos[sites]
        touching.append(sites[dmin <= rr])
        # round 1: the piece nearest the centre gives the upper bound U
        best = np.flatnonzero(d == dmin[grp])
        best = best[np.r_[True, grp[best][1:] != grp[best][:-1]]]
        u = np.empty(len(sites))
        g = geos[grp[best]]
        if g.any():
            u[g] = shapely.distance(geoms[st[best[g]]], pc_.geoms[pc[best[g]]])
        nb = best[~g]
        tbest = np.full(len(sites), -1)  # the numeric sites' first term
        # per site: the direction u* from its centre to that piece, and its extent h(u*)
        # (from its vertices; inf: unknown), for the bound of the ties
        ux, uy = np.zeros(len(sites)), np.zeros(len(sites))
        hstar = np.full(len(sites), np.inf)
        if nb.size:
            s, p = st[nb], pc[nb]
            dn = d[nb]
            far = dn > 0
            dd = np.where(far, dn, 1.0)
            ux[grp[nb]] = np.where(far, (qx[nb] - cx[s]) / dd, 0.0)
            uy[grp[nb]] = np.where(far, (qy[nb] - cy[s]) / dd, 0.0)
            ca, cb, ex, ey = ends(s, p)
            t = terms(s, p, ca, cb, *o.support(s, ex, ey))
            mixed = np.flatnonzero(t >= full0)
            if mixed.size:  # the box straddles a normal: the site's own vertices may not
                (hi, lo), = _projections(s[mixed], [(ex[mixed], ey[mixed])], o)
                t[mixed] = terms(s[mixed], p[mixed], ca[mixed], cb[mixed], hi, lo)
            tbest[grp[nb]] = t
            # h(u*) only where there may be ties: a site with one candidate has none
            many = np.flatnonzero(rep[grp[nb]] > 1)
            one = np.flatnonzero(rep[grp[nb]] == 1)
            if one.size:
                u[grp[nb[one]]] = measure(s[one], t[one])
            if many.size:
                gm = grp[nb[many]]
                u[gm], ext = measure(s[many], t[many], (ux[gm], uy[gm]))
                hstar[gm[far[many]]] = ext[far[many]]
        # round 2: the near ties, pieces whose lower bound d - R is under U
        tie = d - rr[grp] < u[grp]
        tie[best] = False
        tg = np.flatnonzero(tie)
        if tg.size:
            tg, tt = _ties(tg, st, pc, d, qx, qy, u[grp], geos[grp], tbest[grp],
                           (grp, ux, uy, hstar))
        if tg.size:
            g = tt < 0
            if g.any():
                np.minimum.at(u, grp[tg[g]], shapely.distance(geoms[st[tg[g]]],
                                                              pc_.geoms[pc[tg[g]]]))
            if (~g).any():
                np.minimum.at(u, grp[tg[~g]], measure(st[tg[~g]], tt[~g]))
        # a site whose disc lies inside a polygon target is inside it
        u[inside[sites] & (dmin > rr)] = 0.0
        out[sites] = u

    def _ties(tie, st, pc, d, qx, qy, u, geos, tbest, nearest):
        """The tied pairs that may still be nearer than ``u``, with their terms (-1: GEOS).

        The site reaches the piece's nearest point to its centre (at ``d``, direction
        ``w``) no nearer than ``d - h(w)``, ``h`` its extent: bounded first by ``h(u*) +
        R |w - u*|`` (``u*`` the direction to the piece nearest its centre, ``h(u*)``
        measured with it: a support function is R-Lipschitz, and for a far site the
        pieces that face it lie in nearly that direction; at 1M parcels and 13 parks this
        leaves 1.2M of 3.3M pairs, the box bound tried after it 2% fewer), then from its
        vertices; numeric pairs whose term is the site's first term (two segments meeting
        at the vertex it is nearest) or repeats another pair's are dropped. ``nearest``:
        each pair's site in the block, and per site ``u*`` and ``h(u*)``."""
        grp, ux, uy, hstar = nearest
        s, dt = st[tie], d[tie]
        gi = grp[tie]
        pos = dt > 0
        dd = np.where(pos, dt, 1.0)
        wx, wy = (qx[tie] - cx[s]) / dd, (qy[tie] - cy[s]) / dd
        lb = dt - hstar[gi] - r[s] * np.hypot(wx - ux[gi], wy - uy[gi])
        lb[~pos] = -1.0
        sel = np.flatnonzero(lb - 1e-9 * np.abs(lb) - 1e-6 < u[tie])  # -inf: unknown h(u*)
        tie, s, dt, pos, wx, wy = tie[sel], s[sel], dt[sel], pos[sel], wx[sel], wy[sel]
        p = pc[tie]
        ca, cb, ex, ey = ends(s, p)
        t = terms(s, p, ca, cb, *o.support(s, ex, ey))
        num = ~geos[tie]
        t[~num] = -1
        keep = ~num | (t != tbest[tie])
        chk = np.flatnonzero(keep & num)
        if chk.size:  # the site's own extents, from its vertices
            (hw, _), = _projections(s[chk], [(wx[chk], wy[chk])], o)
            lb2 = np.where(pos[chk], dt[chk] - hw, -1.0)
            keep[chk] = lb2 - 1e-9 * np.abs(lb2) - 1e-6 < u[tie[chk]]
            mixed = chk[keep[chk] & (t[chk] >= full0)]
            if mixed.size:
                (hi, lo), = _projections(s[mixed], [(ex[mixed], ey[mixed])], o)
                t[mixed] = terms(s[mixed], p[mixed], ca[mixed], cb[mixed], hi, lo)
                keep[mixed] = t[mixed] != tbest[tie[mixed]]
        sel = np.flatnonzero(keep)
        tie, t = tie[sel], t[sel]
        if tie.size:  # one pair per (site, term): neighbours share their end vertices
            key = np.where(t < 0, -1 - tie, t)
            o_ = np.lexsort((key, st[tie]))
            first = np.r_[True, (st[tie][o_][1:] != st[tie][o_][:-1])
                          | (key[o_][1:] != key[o_][:-1])]
            sel = o_[first]
            tie, t = tie[sel], t[sel]
        return tie, t

    run_blocks(block, list(pairwise(cuts)), check)
    near = np.concatenate(touching)
    if len(polys) and len(near):  # touching, overlapping or holding a polygon target: 0
        hit = shapely.STRtree(polys).query(geoms[near], predicate="intersects")[0]
        out[near[hit]] = 0.0
    return out


#: The name :mod:`hljgis.analysis.criteria` exports for :func:`outline_distance`
#: (``measure="edge"``: the distance from the site's outline, 0 when it touches).
edge_distance = outline_distance
