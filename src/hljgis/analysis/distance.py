"""Exact distance from each site's outline to the nearest feature of a layer, vectorised.

What ``geopandas.sjoin_nearest(sites, layer)`` and ``shapely.distance`` give (0 where a
site touches or overlaps a feature), without asking GEOS for the distance of a million
polygons to whole expressways (24.5 s at 1M parcels). No step loops over sites:

1. the targets are cut into pieces: points, and the straight segments of lines and of
   polygon outlines (a long expressway becomes segments with tight boxes);
2. each site gets its box centre ``c`` and radius ``R`` (half its box diagonal: every
   point of the site lies within ``R`` of ``c``) and ``D``, the exact distance from ``c`` to
   the layer (:func:`~hljgis.analysis.criteria.nearest_distance`, the centroid engine).
   Then ``D - R <= distance(site) <= D + R``: only pieces within ``D + 2R`` of ``c`` can
   be nearest. They are found by buckets of nearby sites (one STRtree query per bucket)
   and filtered by their exact distance to ``c``;
3. each site's exact distance to the piece nearest its centre gives an upper bound ``U``;
   the other candidates get an exact distance only when their lower bound (distance to
   ``c`` minus ``R``) is under ``U`` (the near ties);
4. exact site-piece distances: a site farther than ``R`` from the layer cannot touch it,
   so its distance to a piece is attained at a vertex of one of the two (min of
   point-segment distances, numpy, in blocks on threads); sites within ``R`` (few: those
   along the features) get GEOS distances, and 0 where they intersect a polygon target.

The numpy distances use the point-segment formula GEOS uses, so they agree with
``shapely.distance`` to rounding (1e-9 m at city scale; the tests and
``bench/rank_parcels.py`` check it).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely

__all__ = ["Outlines", "outline_distance"]

#: Site-piece pairs per block (bounded memory; blocks run on the thread pool).
_BLOCK = 1 << 17
#: Sites per bucket side when looking up candidate pieces (about 36 sites a bucket).
_BUCKET_SIDE = 6


def _pieces(targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points and straight segments of the targets: geometries, start and end coordinates.

    A point piece has start == end. Polygon outlines give their segments (their interior is
    handled apart).
    """
    from hljgis.analysis.criteria import _segments

    types = shapely.get_type_id(targets)
    pointlike = np.isin(types, (0, 4))
    pts = shapely.get_coordinates(shapely.get_parts(targets[pointlike]))
    if (~pointlike).any():
        a, b = _segments(targets[~pointlike])
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
        same = site[1:] == site[:-1]
        self.seg = np.column_stack([coords[:-1][same], coords[1:][same]])
        owner = site[:-1][same]
        self.count = np.bincount(owner, minlength=len(geoms))
        self.first = np.r_[0, np.cumsum(self.count)[:-1]]
        self.count[~simple] = 0
        self.geos = ~simple


def _run(fn: Callable[[slice], None], n: int, check: Callable[[], None]) -> None:
    """``fn(slice)`` over ``range(n)`` in blocks, on the criteria engine's thread pool."""
    from hljgis.analysis.criteria import _run_blocks

    _run_blocks(fn, [slice(s, min(n, s + _BLOCK)) for s in range(0, n, _BLOCK)], check)


def _candidates(cx, cy, reach, a, b, check) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(site, piece, distance from the site's centre to the piece) for every piece within
    ``reach`` of a site's centre; sites are looked up in buckets of neighbours."""
    from hljgis.analysis.criteria import _seg_dist

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
    srt = np.argsort(bi, kind="stable")
    bi, pi = bi[srt], pi[srt]
    ncand = np.bincount(bi, minlength=len(start))
    cstart = np.r_[0, np.cumsum(ncand)[:-1]]
    bucket = np.repeat(np.arange(len(start)), np.diff(np.r_[start, n]))
    reps = ncand[bucket]
    cum = np.cumsum(reps)
    cuts = [0]
    while cuts[-1] < n:  # site ranges of about _BLOCK pairs each
        base = int(cum[cuts[-1] - 1]) if cuts[-1] else 0
        nxt = int(np.searchsorted(cum, base + _BLOCK, side="right"))
        cuts.append(min(n, max(nxt, cuts[-1] + 1)))
    found: list = [None] * (len(cuts) - 1)

    def block(k: int) -> None:
        p0, p1 = cuts[k], cuts[k + 1]
        r = reps[p0:p1]
        first = np.r_[0, np.cumsum(r)[:-1]]
        pos = np.repeat(np.arange(p0, p1), r)
        j = np.arange(int(r.sum())) - np.repeat(first, r)
        pc = pi[np.repeat(cstart[bucket[p0:p1]], r) + j]
        d = _seg_dist(xs[pos], ys[pos], a[pc, 0], a[pc, 1], b[pc, 0], b[pc, 1])
        keep = d <= rs[pos]
        found[k] = (order[pos[keep]], pc[keep], d[keep])

    from hljgis.analysis.criteria import _run_blocks

    _run_blocks(block, list(range(len(found))), check)
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return tuple(np.concatenate(x) for x in zip(*found, strict=True))


def _vertex_distance(site, piece, a, b, seg, first, count, check) -> np.ndarray:
    """Exact distance of site ``site[i]`` to piece ``piece[i]``, for sites the piece cannot
    touch: the least of its vertices' distances to the piece and the piece's ends' to its
    edges."""
    from hljgis.analysis.criteria import _seg_dist

    out = np.empty(len(site))
    m = count[site]
    cum = np.cumsum(m)
    cuts = [0]
    while cuts[-1] < len(site):
        base = int(cum[cuts[-1] - 1]) if cuts[-1] else 0
        nxt = int(np.searchsorted(cum, base + _BLOCK, side="right"))
        cuts.append(min(len(site), max(nxt, cuts[-1] + 1)))

    def block(k: int) -> None:
        p0, p1 = cuts[k], cuts[k + 1]
        r = m[p0:p1]
        lead = np.r_[0, np.cumsum(r)[:-1]]
        pair = np.repeat(np.arange(p0, p1), r)
        e = seg[np.repeat(first[site[p0:p1]], r) + np.arange(int(r.sum()))
                - np.repeat(lead, r)]
        p = piece[pair]
        ax, ay, bx, by = a[p, 0], a[p, 1], b[p, 0], b[p, 1]
        d = np.minimum(_seg_dist(e[:, 0], e[:, 1], ax, ay, bx, by),
                       _seg_dist(ax, ay, e[:, 0], e[:, 1], e[:, 2], e[:, 3]))
        line = (ax != bx) | (ay != by)
        if line.any():
            d[line] = np.minimum(d[line], _seg_dist(bx[line], by[line], e[line, 0],
                                                    e[line, 1], e[line, 2], e[line, 3]))
        out[p0:p1] = np.minimum.reduceat(d, lead)

    from hljgis.analysis.criteria import _run_blocks

    _run_blocks(block, list(range(len(cuts) - 1)), check)
    return out


def outline_distance(geoms: np.ndarray, targets: np.ndarray, *,
                     outlines: Outlines | None = None,
                     check: Callable[[], None] | None = None) -> np.ndarray:
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

    Returns
    -------
    numpy.ndarray, shape (n,)
        ``min(shapely.distance(site, t) for t in targets)`` to rounding; 0 where a site
        touches or overlaps a target; inf when there is no target.

    Examples
    --------
    >>> sites = shapely.box([0, 10], [0, 0], [1, 11], [1, 1])
    >>> outline_distance(sites, np.array([shapely.Point(3, 0.5)])).round(6).tolist()
    [2.0, 7.0]
    """
    from hljgis.analysis.criteria import nearest_distance

    check = check or (lambda: None)
    geoms = np.asarray(geoms)
    targets = np.asarray(targets)
    targets = targets[~(shapely.is_missing(targets) | shapely.is_empty(targets))]
    n = len(geoms)
    out = np.full(n, np.inf)
    if n == 0 or len(targets) == 0:
        return out
    pieces, a, b = _pieces(targets)
    polys = targets[np.isin(shapely.get_type_id(targets), (3, 6))]

    o = outlines if outlines is not None else Outlines(geoms)
    cx, cy, r = o.cx, o.cy, o.r
    d_c = nearest_distance(np.column_stack([cx, cy]), targets, k=4, check=check)
    check()
    site, piece, dist_c = _candidates(cx, cy, d_c + 2.0 * r, a, b, check)
    lower = dist_c - r[site]
    order = np.lexsort((lower, site))
    site, piece, lower = site[order], piece[order], lower[order]
    lead = np.r_[True, site[1:] != site[:-1]] if len(site) else np.zeros(0, bool)

    # sites within R of the layer may touch it; points and holed sites: GEOS for those
    geos = (d_c <= r) | o.geos

    def exact(s: np.ndarray, p: np.ndarray) -> np.ndarray:
        res = np.empty(len(s))
        g = geos[s]
        if g.any():
            res[g] = shapely.distance(geoms[s[g]], pieces[p[g]])
        if (~g).any():
            res[~g] = _vertex_distance(s[~g], p[~g], a, b, o.seg, o.first, o.count,
                                              check)
        return res

    out[site[lead]] = exact(site[lead], piece[lead])
    rest = ~lead & (lower < out[site])  # round 2: the near ties
    if rest.any():
        np.minimum.at(out, site[rest], exact(site[rest], piece[rest]))
    near = np.flatnonzero(d_c <= r)
    if len(polys) and len(near):  # inside (or holding) a polygon target: 0
        hit = shapely.STRtree(polys).query(geoms[near], predicate="intersects")[0]
        out[near[hit]] = 0.0
    return out
