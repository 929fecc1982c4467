"""Exact distance from each site's outline to the nearest feature of a layer, vectorised.

What ``geopandas.sjoin_nearest(sites, layer)`` and ``shapely.distance`` give (0 where a
site touches or overlaps a feature), without asking GEOS for the distance of a million
polygons to whole expressways (24.5 s at 1M parcels). No step loops over sites:

0. point targets only (stations, town centres): the two points nearest each site's
   centre (k-d tree) settle every site one point is clearly nearest to, with its
   point-segment distances to the site's edges; the rest take the search below
   (:func:`_lone_points`);
1. the targets are cut into pieces: points, and the straight segments of lines and of
   polygon outlines (a long expressway becomes segments with tight boxes);
2. each site gets its box centre ``c`` and radius ``R`` (its farthest vertex from ``c``,
   at most half its box diagonal) and an upper bound ``D'`` of the distance
   from ``c`` to the pieces (exact distances to the four pieces with the nearest midpoints,
   k-d tree). The site's distance is at most ``D' + R``, so only pieces within ``D' + 2R``
   of ``c`` can be nearest. They are found by buckets of nearby sites (one STRtree query per
   bucket), thinned to the pieces that face the bucket (:func:`_facing`: the side of a far
   park beside the bucket cannot be nearest to any of its sites), and filtered by their
   exact distance to ``c``; the nearest of them gives ``D``;
3. each site's exact distance to the piece nearest its centre gives an upper bound ``U``;
   the other candidates get an exact distance only when their lower bounds (distance to
   ``c`` minus ``R``, then minus the site's extent towards the piece: its support
   function, bounded in 8 directions, then exact from its vertices) are under ``U`` (the
   near ties);
4. exact site-piece distances: a site farther than ``R`` from the layer cannot touch it,
   so its distance to a piece is attained at a vertex of one of the two (min of
   point-segment distances, numpy, in blocks on threads); sites within ``R`` (few: those
   along the features) get GEOS distances, and 0 where they intersect a polygon target;
   a site whose disc lies inside a polygon target is at 0.

The numpy distances use the point-segment formula GEOS uses, so they agree with
``shapely.distance`` to rounding (1e-9 m at city scale; the tests and
``bench/rank_parcels.py`` check it).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
import shapely

from hljgis.analysis.kernels import kdtree, outline_segments, run_blocks, segment_distance

__all__ = ["Outlines", "edge_distance", "outline_distance"]

#: Site-piece pairs per block (bounded memory; blocks run on the thread pool).
_BLOCK = 1 << 17
#: (site edge, pair) rows per numpy pass of the exact distances (parcels drawn with
#: thousands of vertices would otherwise blow up a block's temporaries).
_EDGE_ROWS = 1 << 21
#: Directions in which each site's extent (support function) is kept, for tie bounds.
_DIRECTIONS = 8
#: Sites per bucket side when looking up candidate pieces (about 16 sites a bucket).
_BUCKET_SIDE = 4


def _pieces(targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points and straight segments of the targets: geometries, start and end coordinates.

    A point piece has start == end. Polygon outlines give their segments (their interior is
    handled apart).
    """
    types = shapely.get_type_id(targets)
    pointlike = np.isin(types, (0, 4))
    pts = shapely.get_coordinates(shapely.get_parts(targets[pointlike]))
    if (~pointlike).any():
        a, b = outline_segments(targets[~pointlike])
    else:
        a = b = np.zeros((0, 2))
    segs = shapely.linestrings(np.stack([a, b], axis=1)) if len(a) else np.empty(0, object)
    return (np.concatenate([shapely.points(pts), segs]), np.concatenate([pts, a]),
            np.concatenate([pts, b]))


class Outlines:
    """What the distance search needs of the sites, computed once per run and shared by
    every distance criterion: box centres, radii and the outline segments by site.

    Outline segments come straight from the polygons' coordinates (no GEOS boundary
    geometries); sites with holes or several parts, and points, are marked ``geos`` and
    measured by GEOS instead.
    """

    def __init__(self, geoms: np.ndarray):
        self.geoms = geoms = np.asarray(geoms)
        self.blank = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        bounds = shapely.bounds(geoms)
        self.cx = (bounds[:, 0] + bounds[:, 2]) / 2.0
        self.cy = (bounds[:, 1] + bounds[:, 3]) / 2.0
        r = np.hypot(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]) / 2.0
        self.r = r * (1 + 1e-9) + 1e-6  # rounding slack: one candidate too many at worst
        types = shapely.get_type_id(geoms)
        simple = (types == 3) & (shapely.get_num_interior_rings(geoms) == 0)
        multi = np.flatnonzero((types == 6) & (shapely.get_num_geometries(geoms) == 1))
        simple[multi] = shapely.get_num_interior_rings(
            shapely.get_geometry(geoms[multi], 0)) == 0
        coords, site = shapely.get_coordinates(geoms, return_index=True)
        at = np.flatnonzero(site[1:] == site[:-1])
        self.seg = seg = np.empty((len(at), 4))
        seg[:, :2] = coords[at]
        seg[:, 2:] = coords[at + 1]
        owner = site[at]
        full = np.bincount(owner, minlength=len(geoms))
        self.first = np.r_[0, np.cumsum(full)[:-1]]
        self.count = np.where(simple, full, 0)
        self.owner = owner  # the site of each segment
        self.full = full  # segments of each site (all rings and parts)
        self.geos = ~simple
        # the site's extent from its centre in _DIRECTIONS directions, max <v - c, e_k> over
        # its vertices (all rings and parts); R for points. Opposite directions share one
        # projection (its max and its min).
        self.support = np.repeat(self.r[:, None], _DIRECTIONS, axis=1)
        has = full > 0
        if has.any():
            vx = seg[:, 0] - np.repeat(self.cx, full)
            vy = seg[:, 1] - np.repeat(self.cy, full)
            at = self.first[has]
            # the farthest vertex bounds the site more tightly than its box
            far = np.sqrt(np.maximum.reduceat(vx * vx + vy * vy, at))
            self.r[has] = np.minimum(self.r[has], far * (1 + 1e-9) + 1e-6)
            half = _DIRECTIONS // 2
            sup = np.empty((len(at), _DIRECTIONS))
            proj = np.empty_like(vx)
            for j in range(half):
                ang = j * 2 * np.pi / _DIRECTIONS
                np.multiply(vx, np.cos(ang), out=proj)
                proj += vy * np.sin(ang)
                sup[:, j] = np.maximum.reduceat(proj, at)
                sup[:, j + half] = -np.minimum.reduceat(proj, at)
            self.support[has] = sup


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


def _pair_distance(site, piece, a, b, o: Outlines) -> np.ndarray:
    """Exact distance of site ``site[i]`` to piece ``piece[i]``, for sites the piece cannot
    touch: the least of the site's vertices' distances to the piece and of the piece's ends'
    distances to the site's edges (for a point piece, its distance to the edges)."""
    m = o.count[site]
    lead = np.r_[0, np.cumsum(m)[:-1]]
    pair = np.repeat(np.arange(len(site)), m)
    e = o.seg[np.repeat(o.first[site] - lead, m) + np.arange(int(m.sum()))]
    ex0, ey0, ex1, ey1 = e[:, 0], e[:, 1], e[:, 2], e[:, 3]
    p = piece[pair]
    ax, ay, bx, by = a[p, 0], a[p, 1], b[p, 0], b[p, 1]
    d = _seg_d2(ax, ay, ex0, ey0, ex1, ey1)
    line = np.flatnonzero((ax != bx) | (ay != by))
    if line.size:
        sub = (ex0[line], ey0[line])
        d[line] = np.minimum(d[line], _seg_d2(*sub, ax[line], ay[line], bx[line], by[line]))
        d[line] = np.minimum(d[line], _seg_d2(bx[line], by[line], *sub, ex1[line],
                                              ey1[line]))
    return np.sqrt(np.minimum.reduceat(d, lead)) if len(d) else np.zeros(0)


def _support_bound(site, d, ux, uy, o: Outlines) -> np.ndarray:
    """A lower bound of the distance of site ``site[i]`` to a piece whose nearest point to
    the site's centre lies at ``d[i]`` in direction ``(ux, uy)[i]``.

    The piece (convex) lies beyond the line through that point normal to ``u``, so no point
    ``s`` of the site is nearer than ``d - <s - c, u>``: the bound is ``d - h(u)``, ``h``
    the site's support function. ``h`` is known in :data:`_DIRECTIONS` directions
    (:attr:`Outlines.support`); between two of them, ``u = alpha e_k + beta e_k+1`` with
    ``alpha, beta >= 0`` and ``h(u) <= alpha h_k + beta h_k+1`` (a support function is
    sublinear). Far from the site this is almost the exact distance, where the disc bound
    ``d - R`` leaves a whole side of a far park as near ties.
    """
    step = 2 * np.pi / _DIRECTIONS
    theta = np.arctan2(uy, ux) % (2 * np.pi)
    k = np.minimum((theta // step).astype(np.int64), _DIRECTIONS - 1)
    rest = theta - k * step
    alpha = np.sin(step - rest) / np.sin(step)
    beta = np.sin(rest) / np.sin(step)
    sup = o.support[site]
    rows = np.arange(len(site))
    h = alpha * sup[rows, k] + beta * sup[rows, (k + 1) % _DIRECTIONS]
    return d - h


def _extent(site, ux, uy, o: Outlines) -> np.ndarray:
    """``h_S(u)``: how far site ``site[i]`` reaches from its centre in direction ``u[i]``,
    the largest ``<v - c, u>`` over its vertices (the support function the
    :data:`_DIRECTIONS` values of :attr:`Outlines.support` bound from above). Sites measured
    by GEOS (no segments here) keep the bound."""
    m = o.count[site]
    out = np.full(len(site), np.inf)
    has = np.flatnonzero(m > 0)
    if not has.size:
        return np.maximum(out, o.r[site])
    s, mm = site[has], m[has]
    lead = np.r_[0, np.cumsum(mm)[:-1]]
    rows = np.repeat(o.first[s] - lead, mm) + np.arange(int(mm.sum()))
    pair = np.repeat(np.arange(len(s)), mm)
    val = (o.seg[rows, 0] - o.cx[s][pair]) * ux[has][pair]
    val += (o.seg[rows, 1] - o.cy[s][pair]) * uy[has][pair]
    out[has] = np.maximum.reduceat(val, lead)
    return np.minimum(out, o.r[site])


def _buckets(cx, cy, r, reach, a, b):
    """Sites in buckets of neighbours and, per bucket, the pieces within its sites' reach.

    Returns the site order (by bucket), each site's bucket, and per bucket the start and
    count of its candidate pieces in the returned piece index array.
    """
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
    xs, ys, rs = cx[order], cy[order], reach[order]
    rb = np.maximum.reduceat(rs, start)
    bx0, bx1 = np.minimum.reduceat(xs, start) - rb, np.maximum.reduceat(xs, start) + rb
    by0, by1 = np.minimum.reduceat(ys, start) - rb, np.maximum.reduceat(ys, start) + rb
    tree = shapely.STRtree(shapely.box(np.minimum(a[:, 0], b[:, 0]), np.minimum(a[:, 1], b[:, 1]),
                                       np.maximum(a[:, 0], b[:, 0]), np.maximum(a[:, 1], b[:, 1])))
    bi, pi = tree.query(shapely.box(bx0, by0, bx1, by1))
    # the box query reaches sqrt(2) times too far along the diagonals: keep the pieces
    # within reach of a disc round the bucket's centres
    hx, hy = (bx1 - bx0) / 2.0 - rb, (by1 - by0) / 2.0 - rb
    mx, my = bx0 + rb + hx, by0 + rb + hy
    dm, qx, qy = _nearest_on(mx[bi], my[bi], a[pi, 0], a[pi, 1], b[pi, 0], b[pi, 1])
    keep = dm <= rb[bi] + np.hypot(hx, hy)[bi]
    bucket = np.repeat(np.arange(len(start)), np.diff(np.r_[start, n]))
    # every point of every site of the bucket lies within rho of its centre
    rho = np.maximum.reduceat(np.hypot(xs - mx[bucket], ys - my[bucket]) + r[order], start)
    bi, pi, dm = bi[keep], pi[keep], dm[keep]
    keep = _facing(bi, dm, qx[keep] - mx[bi], qy[keep] - my[bi], rho)
    bi, pi = bi[keep], pi[keep]
    srt = np.argsort(bi, kind="stable")
    ncand = np.bincount(bi, minlength=len(start))
    return order, bucket, pi[srt], np.r_[0, np.cumsum(ncand)[:-1]], ncand


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
    order = np.lexsort((d, bi))
    first = order[np.r_[True, bi[order][1:] != bi[order][:-1]]]
    nb = len(rho)
    dstar = np.full(nb, np.inf)
    ux = np.zeros(nb)
    uy = np.zeros(nb)
    dstar[bi[first]] = d[first]
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

    The two points nearest each site's centre (k-d tree), at ``d1 <= d2``: when ``d2 - R >
    d1 + R`` no other point can be nearer the site than the first, and when ``d1 > R`` the
    point lies outside the site, so the distance is the least point-segment distance to the
    site's edges (numpy, over every edge at once). Fills ``out`` for those sites and returns
    which they are; the rest (near ties, points within reach, holed or multi-part sites)
    go through the general search.
    """
    n = len(o.cx)
    k = min(2, len(pts))
    dist, idx = kdtree()(pts).query(np.column_stack([o.cx, o.cy]), k=k, workers=-1)
    dist, idx = dist.reshape(n, k), idx.reshape(n, k)
    slack = 1e-9 * (dist[:, 0] + o.r) + 1e-6
    done = (o.count > 0) & (dist[:, 0] > o.r + slack)
    if k > 1:
        done &= dist[:, 1] - dist[:, 0] > 2.0 * o.r + slack
    if not done.any():
        return done
    site = np.flatnonzero(done)
    if len(site) > len(o.cx) // 2:  # most sites: every edge, no copy of the edge table
        seg, owner = o.seg, o.owner
        with_edges = np.flatnonzero(o.full > 0)
        at: np.ndarray | slice = np.searchsorted(with_edges, site)
        lead = o.first[with_edges]
    else:
        on = done[o.owner]  # the edges of those sites
        seg, owner = o.seg[on], o.owner[on]
        at = slice(None)
        lead = np.r_[0, np.cumsum(o.count[site])[:-1]]
    p = idx[owner, 0]
    d2 = _seg_d2(pts[p, 0], pts[p, 1], seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3])
    out[site] = np.sqrt(np.minimum.reduceat(d2, lead)[at])
    return done


def outline_distance(geoms: np.ndarray, targets: np.ndarray, *,
                     outlines: Outlines | None = None,
                     check: Callable[[], None] | None = None,
                     points_first: bool = True) -> np.ndarray:
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
    if kdtree() is None or blank.any():  # no scipy, or sites without geometry (inf)
        keep = np.flatnonzero(~blank)
        if kdtree() is None:
            idx, dist = shapely.STRtree(targets).query_nearest(
                geoms[keep], return_distance=True, all_matches=False)
            np.minimum.at(out, keep[idx[0]], dist)
        else:
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
    pieces, a, b = _pieces(targets)
    polys = targets[np.isin(shapely.get_type_id(targets), (3, 6))]
    cx, cy, r = o.cx, o.cy, o.r
    # an upper bound of the centre's distance: exact distances to the 4 pieces whose
    # midpoints are nearest (k-d tree); the candidates then hold the nearest piece itself
    k = min(4, len(a))
    _, near_mid = kdtree()((a + b) / 2.0).query(np.column_stack([cx, cy]), k=k, workers=-1)
    near_mid = near_mid.reshape(n, k)
    d_hat = np.full(n, np.inf)
    for j in range(k):
        p = near_mid[:, j]
        d_hat = np.minimum(d_hat, segment_distance(cx, cy, a[p, 0], a[p, 1], b[p, 0], b[p, 1]))
    check()
    order, bucket, cand, cstart, ncand = _buckets(cx, cy, r, d_hat * (1 + 1e-9) + 2.0 * r,
                                                   a, b)
    reps = ncand[bucket]
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

    def exact(s: np.ndarray, p: np.ndarray, geos: np.ndarray) -> np.ndarray:
        res = np.empty(len(s))
        if geos.any():
            res[geos] = shapely.distance(geoms[s[geos]], pieces[p[geos]])
        num = np.flatnonzero(~geos)
        if num.size:  # in slices of about _EDGE_ROWS (site edge, pair) rows: bounded memory
            cum = np.cumsum(o.count[s[num]])
            cuts = np.searchsorted(cum, np.arange(_EDGE_ROWS, int(cum[-1]), _EDGE_ROWS))
            for part in np.split(num, np.unique(np.maximum(cuts, 1))):
                if part.size:
                    res[part] = _pair_distance(s[part], p[part], a, b, o)
        return res

    def block(span: tuple[int, int]) -> None:
        p0, p1 = span
        rep = reps[p0:p1]
        sites = order[p0:p1]
        lead = np.r_[0, np.cumsum(rep)[:-1]]
        grp = np.repeat(np.arange(p1 - p0), rep)
        pc = cand[np.repeat(cstart[bucket[p0:p1]] - lead, rep) + np.arange(int(rep.sum()))]
        st = sites[grp]
        d, qx, qy = _nearest_on(cx[st], cy[st], a[pc, 0], a[pc, 1], b[pc, 0], b[pc, 1])
        dmin = np.minimum.reduceat(d, lead)  # each centre's distance to the pieces
        rr = r[sites]
        # a site within R of a piece may touch it; points and holed sites: GEOS for those
        geos = (dmin <= rr) | o.geos[sites]
        touching.append(sites[dmin <= rr])
        # round 1: the piece nearest the centre gives the upper bound U
        best = np.flatnonzero(d == dmin[grp])
        best = best[np.r_[True, grp[best][1:] != grp[best][:-1]]]
        u = exact(st[best], pc[best], geos[grp[best]])
        # round 2: the near ties, pieces whose lower bound d - R is under U
        tie = d - rr[grp] < u[grp]
        tie[best] = False
        tie = np.flatnonzero(tie)
        if tie.size:  # the tighter bound from the site's extent towards the piece
            dt = np.where(d[tie] > 0, d[tie], 1.0)
            ux, uy = (qx[tie] - cx[st[tie]]) / dt, (qy[tie] - cy[st[tie]]) / dt
            lb = np.where(d[tie] > 0, _support_bound(st[tie], d[tie], ux, uy, o), -1.0)
            ok = lb - 1e-9 * np.abs(lb) - 1e-6 < u[grp[tie]]
            tie, ux, uy = tie[ok], ux[ok], uy[ok]
        if tie.size:  # the site's own extent towards the piece, from its vertices
            lb = np.where(d[tie] > 0, d[tie] - _extent(st[tie], ux, uy, o), -1.0)
            tie = tie[lb - 1e-9 * np.abs(lb) - 1e-6 < u[grp[tie]]]
        if tie.size:
            np.minimum.at(u, grp[tie], exact(st[tie], pc[tie], geos[grp[tie]]))
        # a site whose disc lies inside a polygon target is inside it
        u[inside[sites] & (dmin > rr)] = 0.0
        out[sites] = u

    run_blocks(block, list(pairwise(cuts)), check)
    near = np.concatenate(touching)
    if len(polys) and len(near):  # touching, overlapping or holding a polygon target: 0
        hit = shapely.STRtree(polys).query(geoms[near], predicate="intersects")[0]
        out[near[hit]] = 0.0
    return out


#: The name :mod:`hljgis.analysis.criteria` exports for :func:`outline_distance`
#: (``measure="edge"``: the distance from the site's outline, 0 when it touches).
edge_distance = outline_distance
