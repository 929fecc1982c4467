"""Criteria: raw values per candidate site (metres, shares, years, raster statistics).

Each criterion answers one question a planner can put in a report ("how far is the
nearest open HSR station from the centre of the site, in metres?"), and carries its unit
and rationale so the answer can be defended. The raw values are later mapped to 0..1 by a
:class:`~hljgis.analysis.transforms.TransformSpec`.

Kinds (:data:`CRITERION_KINDS`):

``distance``
    Distance to the nearest feature of a layer (optionally filtered). Measured from the
    site's **centroid** by default (``measure="centroid"``): for cells this is the
    representative location and it lets the computation run on points, which is what makes
    a million cells fast. ``measure="edge"`` measures from the site's outline instead (0
    when it touches the feature), for irregular parcels: the exact GEOS distance that
    ``sjoin_nearest`` gives, found by :mod:`hljgis.analysis.distance`.
``overlap``
    Share (0..1) of the site's area covered by a layer, e.g. by industrial parks. The
    overlay is dissolved first when its features overlap each other, so no area counts
    twice.
``attribute``
    A field of the candidate itself, or (with ``layer``) of the features of another layer
    the site intersects, aggregated by ``agg`` (e.g. the latest ``stable_from_year`` of the
    subsidence zones under a cell); ``fill`` is used where no feature is hit.
``raster``
    Zonal mean or max of a raster band: rasterised site ids at raster resolution and
    ``np.bincount`` when sites span several pixels, the value at the centroid when sites
    are smaller than about four pixels.
``years``
    Years since (``mode="since"``) or until (``"until"``) a year field, against the
    scenario's planning year, e.g. years since ``stable_from_year``.

Everything is vectorised over sites: STRtree queries give (site, feature) pairs, numpy
reduces them (``np.bincount``, ``np.maximum.at``). The only Python loops run over criteria,
chunks or target features' parts, never over candidate sites.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from hljgis.analysis.candidates import filter_mask
from hljgis.analysis.transforms import TransformSpec
from hljgis.core.errors import InputError

__all__ = [
    "AGGS",
    "CRITERION_KINDS",
    "MEASURES",
    "STATS",
    "Criterion",
    "LayerStore",
    "SiteContext",
    "compute_criterion",
    "edge_distance",
    "nearest_distance",
    "overlap_share",
    "overlay_values",
    "zonal_stat",
]

CRITERION_KINDS = ("distance", "overlap", "attribute", "raster", "years")
MEASURES = ("centroid", "edge")
STATS = ("mean", "max")
AGGS = ("max", "min", "mean")
YEAR_MODES = ("since", "until")
DIRECTIONS = ("benefit", "cost")

_CHUNK = 250_000  # sites per chunk between cancel checks


@dataclass
class Criterion:
    """One criterion of a scenario, as plain data.

    Attributes
    ----------
    name : str
        Identifier (lowercase letters, digits, ``_``); result columns are
        ``raw_<name>``, ``norm_<name>``, ``contrib_<name>``.
    kind : str
        One of :data:`CRITERION_KINDS`.
    transform : TransformSpec
        Raw value -> 0..1 score.
    weight : float
        Direct weight (ignored when the scenario uses AHP).
    layer : str, optional
        Layer the criterion measures against (distance, overlap, raster, and attribute /
        years taken from another layer).
    where : filter, optional
        Restricts the layer's features, see :func:`~hljgis.analysis.candidates.filter_mask`.
    field : str, optional
        Attribute or year field.
    measure : {"centroid", "edge"}
        Distance measured from the site centroid or outline.
    stat : {"mean", "max"}
        Raster zonal statistic.
    agg : {"max", "min", "mean"}
        How values of several features under a site combine.
    fill : float, optional
        Raw value for sites no feature of ``layer`` touches (NaN when None: missing data).
    mode : {"since", "until"}
        For ``years``.
    unit, title, rationale : str
    title_zh, rationale_zh : str, optional
        Chinese title and rationale shown when the interface is in Chinese ("" = none).
        What the number means and why it matters; shown in score cards.
    direction : {"benefit", "cost"}
        Whether larger raw values are better; informational (the transform encodes it) and
        checked against the transform where that is possible.
    """

    name: str
    kind: str
    transform: TransformSpec
    weight: float = 1.0
    layer: str | None = None
    where: Any = None
    field: str | None = None
    measure: str = "centroid"
    stat: str = "mean"
    agg: str = "max"
    fill: float | None = None
    mode: str = "since"
    unit: str = ""
    title: str = ""
    rationale: str = ""
    direction: str = "benefit"
    title_zh: str = ""
    rationale_zh: str = ""


# ----------------------------------------------------------------------------- layers


class LayerStore:
    """Layers by name, reprojected once into the metric CRS of a run.

    Parameters
    ----------
    layers : mapping
        name -> GeoDataFrame, :class:`~hljgis.core.layer.VectorLayer` or
        :class:`~hljgis.core.layer.RasterLayer` (or a raster file path).
    crs : pyproj.CRS
        Metric CRS of the run.
    strict_crs : bool, default False
        When True (raw frames), refuse vector data in any other CRS instead of reprojecting,
        naming both CRS, so a caller who passed frames in mixed CRS learns of it.
    """

    def __init__(self, layers: Mapping[str, Any], crs: CRS, *, strict_crs: bool = False):
        self._layers = dict(layers)
        self.crs = crs
        self.strict_crs = strict_crs
        self._cache: dict[str, gpd.GeoDataFrame] = {}

    def names(self) -> list[str]:
        return list(self._layers)

    def __contains__(self, name: str) -> bool:
        return name in self._layers

    def raw(self, name: str) -> Any:
        """The layer object as given."""
        try:
            return self._layers[name]
        except KeyError:
            raise InputError(
                f"the scenario uses layer '{name}', which the project does not have.",
                f"Layers: {', '.join(self._layers) or 'none'}. Rename the layer or edit the "
                "scenario.",
            ) from None

    def vector(self, name: str) -> gpd.GeoDataFrame:
        """The layer's features in the metric CRS (reprojected once, then cached)."""
        if name in self._cache:
            return self._cache[name]
        obj = self.raw(name)
        gdf = getattr(obj, "gdf", obj)
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise InputError(f"layer '{name}' is not a vector layer.",
                             "Use a raster criterion for rasters.")
        if gdf.crs is None:
            raise InputError(f"layer '{name}' has no CRS.", "Set the layer's CRS first.")
        if not gdf.crs.equals(self.crs):
            if self.strict_crs:
                raise InputError(
                    f"layer '{name}' is in {_crs_name(gdf.crs)} but the analysis runs in "
                    f"{_crs_name(self.crs)}.",
                    "Reproject the frames to one metric CRS first (gdf.to_crs(...)).",
                )
            gdf = gdf.to_crs(self.crs)
        self._cache[name] = gdf
        return gdf

    def raster_path(self, name: str) -> str:
        obj = self.raw(name)
        path = getattr(obj, "path", obj)
        if not isinstance(path, str):
            raise InputError(f"layer '{name}' is not a raster layer.",
                             "Raster criteria need a GeoTIFF (or other GDAL raster) layer.")
        return path


def _crs_name(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def _features(store: LayerStore, crit: Criterion, year: int | None) -> gpd.GeoDataFrame:
    """The criterion's layer, filtered, refusing an empty result with a clear message."""
    gdf = store.vector(crit.layer)
    if crit.where:
        try:
            gdf = gdf[filter_mask(gdf, crit.where, year=year)]
        except ValueError as exc:
            raise InputError(f"criterion '{crit.name}', layer '{crit.layer}': {exc}") from exc
    geoms = gdf.geometry.values
    gdf = gdf[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    return gdf


# --------------------------------------------------------------------------- site context


class SiteContext:
    """Candidate geometries plus lazily computed, shared helpers (centroids, trees, areas).

    One per run: the centroids and the STRtree of the sites are built once and used by
    every criterion and constraint.
    """

    def __init__(self, sites: pd.DataFrame, store: LayerStore, *, year: int | None = None,
                 check: Callable[[], None] | None = None, geoms: Any = None,
                 xy: np.ndarray | None = None, grid: Any = None):
        """``sites`` holds the attributes (a GeoDataFrame: its geometry too). ``geoms`` may
        be given apart, as an array or as a future resolved when first needed; ``xy`` the
        centroids when they are known without GEOS; ``grid`` the
        :class:`~hljgis.analysis.candidates.GridCells` the sites are, for lattice queries."""
        self.sites = sites
        self.grid = grid
        self._geoms = np.asarray(sites.geometry.values) if geoms is None else geoms
        self.store = store
        self.year = year
        self.check = check or (lambda: None)
        self._xy: np.ndarray | None = xy
        self._tree: shapely.STRtree | None = None
        self._area: np.ndarray | None = None
        self._outlines: Any = None

    @property
    def n(self) -> int:
        return len(self.sites)

    @property
    def geoms(self) -> np.ndarray:
        """The site polygons (waiting for them if they are still being built)."""
        if not isinstance(self._geoms, np.ndarray):
            self._geoms = self._geoms.result()
        return self._geoms

    @property
    def xy(self) -> np.ndarray:
        """(n, 2) centroid coordinates."""
        if self._xy is None:
            parts = []
            for start in range(0, self.n, _CHUNK):
                self.check()
                parts.append(shapely.get_coordinates(
                    shapely.centroid(self.geoms[start:start + _CHUNK])))
            self._xy = np.concatenate(parts) if parts else np.zeros((0, 2))
        return self._xy

    def site_geoms(self, idx: np.ndarray) -> np.ndarray:
        """The polygons of the sites ``idx``; generated cells do not wait for all of theirs
        (the few asked for are built here, bit for bit the same)."""
        pending = not isinstance(self._geoms, np.ndarray) and not self._geoms.done()
        if self.grid is not None and pending:
            return self.grid.polygons(idx)
        return self.geoms[idx]

    def query(self, geoms: np.ndarray, predicate: str = "intersects") -> tuple[np.ndarray,
                                                                              np.ndarray]:
        """(geometry, site) index pairs where ``predicate(geometry, site)`` holds.

        What ``STRtree.query`` returns. Square cells are looked up on their lattice (no
        tree over a million cells) and only the candidates' polygons are built and tested.
        """
        pairs = None if self.grid is None else self.grid.box_pairs(shapely.bounds(geoms))
        if pairs is None:
            return self.tree.query(geoms, predicate=predicate)
        q, site = pairs
        shapely.prepare(geoms)
        hit = getattr(shapely, predicate)(geoms[q], self.site_geoms(site))
        return q[hit], site[hit]

    @property
    def tree(self) -> shapely.STRtree:
        """STRtree over the site polygons (queried with the few overlay features)."""
        if self._tree is None:
            self._tree = shapely.STRtree(self.geoms)
        return self._tree

    @property
    def outlines(self) -> Any:
        """Box centres, radii and outline segments of the sites, for edge distances (built
        once, shared by every distance criterion measured from the outline)."""
        if self._outlines is None:
            from hljgis.analysis.distance import Outlines

            self._outlines = Outlines(self.geoms)
        return self._outlines

    @property
    def area(self) -> np.ndarray:
        if self._area is None:
            self._area = shapely.area(self.geoms)
        return self._area


# ------------------------------------------------------------------------------ distance


def _segments(geoms: np.ndarray,
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


def _point_segment_distance(px, py, a, b) -> np.ndarray:
    """Euclidean distance from points to segments a-b (all arrays of equal length)."""
    return _seg_dist(px, py, a[:, 0], a[:, 1], b[:, 0], b[:, 1])


def _seg_dist(px, py, ax, ay, bx, by) -> np.ndarray:
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


def _kdtree():
    """scipy's cKDTree when available (it is a dependency of mapclassify), else None."""
    return _CKDTREE


#: Points per bucket side (buckets hold about BUCKET_SIDE**2 points) in the bucket search.
_BUCKET_SIDE = 6
#: Point-segment pairs evaluated per block (bounded memory, cache-sized temporaries).
_PAIR_BLOCK = 1 << 19
#: Above this many candidate pairs per point the bucket search gives way to the STRtree.
_MAX_PAIRS_PER_POINT = 64


def _workers() -> int:
    """Threads for the numpy/GEOS blocks (both release the GIL): the machine's cores, max 4."""
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _run_blocks(fn, blocks: list, check: Callable[[], None]) -> None:
    """Run ``fn(block)`` for every block, on a thread pool when there are several."""
    workers = min(_workers(), len(blocks))
    if workers <= 1:
        for blk in blocks:
            check()
            fn(blk)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(fn, blk) for blk in blocks]
        try:
            for fut in futures:
                check()
                fut.result()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise


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
    kd = _kdtree()
    upper = np.full(nb, np.inf)
    if act.size:
        _, im = kd(mids).query(np.column_stack([cx[act], cy[act]]), k=kk)
        im = im.reshape(act.size, kk)
        for j in range(kk):
            s = im[:, j]
            worst = np.zeros(act.size)
            for qx, qy in ((bx0, by0), (bx0, by1), (bx1, by0), (bx1, by1)):
                worst = np.maximum(worst, _seg_dist(qx[act], qy[act], a[s, 0], a[s, 1],
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
    near = _seg_dist(cx[bi], cy[bi], a[si, 0], a[si, 1], b[si, 0], b[si, 1]) \
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
        d = _seg_dist(xs[pt], ys[pt], a[sg, 0], a[sg, 1], b[sg, 0], b[sg, 1])
        out_sorted[pts] = np.minimum.reduceat(d, first)

    _run_blocks(block, list(pairwise(cuts)), check)

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
    """
    check = check or (lambda: None)
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    n = len(xy)
    out = np.empty(n)
    if n == 0:
        return out
    kd = _kdtree()
    types = shapely.get_type_id(targets)
    polygonal = np.isin(types, (3, 6))
    pointlike = np.isin(types, (0, 4))
    simple = bool(np.isin(types, (0, 1, 2, 3, 4, 5, 6)).all())
    if kd is not None and pointlike.all():
        tree_pts = kd(shapely.get_coordinates(targets))
        for start in range(0, n, _CHUNK):
            check()
            out[start:start + _CHUNK] = tree_pts.query(xy[start:start + _CHUNK], workers=-1)[0]
        return out
    if kd is not None and simple and np.isfinite(xy).all():
        a, b = _segments(targets[~pointlike])
        pts = shapely.get_coordinates(shapely.get_parts(targets[pointlike]))
        a, b = np.concatenate([a, pts]), np.concatenate([b, pts])
        if len(a):
            res = _bucket_nearest(xy, a, b, targets[polygonal], k=max(1, int(k)),
                                  check=check)
            if res is not None:
                return res
    # Reference: STRtree of the targets; polygons give 0 to the points they cover.
    tree = shapely.STRtree(targets)
    for start in range(0, n, _CHUNK):
        check()
        query = shapely.points(xy[start:start + _CHUNK])
        idx, dist = tree.query_nearest(query, return_distance=True, all_matches=False)
        res = np.full(len(query), np.inf)
        np.minimum.at(res, idx[0], dist)
        out[start:start + len(query)] = res
    return out


def edge_distance(geoms: np.ndarray, targets: np.ndarray, *, outlines: Any = None,
                  check: Callable[[], None] | None = None) -> np.ndarray:
    """Distance from each site outline to the nearest target (0 when they touch).

    The GEOS distance ``sjoin_nearest`` gives, found by
    :func:`hljgis.analysis.distance.outline_distance` (bounded by the centroid engine, exact
    distances only for the few pieces that can be nearest).
    """
    from hljgis.analysis.distance import outline_distance

    return outline_distance(geoms, targets, outlines=outlines, check=check)


# ------------------------------------------------------------------------------- overlap


def _dissolved(geoms: np.ndarray) -> np.ndarray:
    """The overlay's polygons, unioned into disjoint parts when any two overlap."""
    geoms = geoms[np.isin(shapely.get_type_id(geoms), (3, 6))]
    if len(geoms) < 2:
        return shapely.get_parts(geoms)
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if i.size and (shapely.area(shapely.intersection(geoms[i], geoms[j])) > 0).any():
        return shapely.get_parts(shapely.union_all(geoms))
    return shapely.get_parts(geoms)


def overlap_share(ctx_or_geoms: SiteContext | np.ndarray, overlay: np.ndarray) -> np.ndarray:
    """Share of each site's area covered by the overlay polygons (0..1).

    Pairs come from one STRtree query of the sites with the (few) overlay parts; pairs
    where the overlay contains the site outright take the site's area without computing
    an intersection, the rest get ``shapely.intersection`` areas; ``np.bincount`` sums per
    site.

    Parameters
    ----------
    ctx_or_geoms : SiteContext or array of polygons
    overlay : numpy.ndarray of polygons
        Dissolved here if its features overlap.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    ctx = ctx_or_geoms if isinstance(ctx_or_geoms, SiteContext) else \
        SiteContext(pd.DataFrame(index=range(len(ctx_or_geoms))), None,
                    geoms=np.asarray(ctx_or_geoms))
    n = ctx.n
    parts = _dissolved(np.asarray(overlay))
    if n == 0 or len(parts) == 0:
        return np.zeros(n)
    ov, site = ctx.query(parts, "intersects")
    hit, at = np.unique(site, return_inverse=True)  # sites touched, and each pair's one
    cells = ctx.site_geoms(hit)
    area = shapely.area(cells)
    inner = shapely.contains_properly(parts[ov], cells[at])  # parts are prepared by query
    covered = np.zeros(len(ov))
    covered[inner] = area[at[inner]]
    edge = ~inner
    covered[edge] = shapely.area(shapely.intersection(cells[at[edge]], parts[ov[edge]]))
    total = np.bincount(at, weights=covered, minlength=len(hit))
    share = np.zeros(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        # a point site touching the overlay lies wholly in it
        share[hit] = np.where(area > 0, total / np.where(area > 0, area, 1.0), 1.0)
    return np.clip(share, 0.0, 1.0)


def overlay_values(ctx: SiteContext, features: gpd.GeoDataFrame, field_name: str,
                   agg: str = "max", fill: float | None = None) -> np.ndarray:
    """A numeric field of the features each site intersects, aggregated per site.

    Parameters
    ----------
    ctx : SiteContext
    features : geopandas.GeoDataFrame
        In the run's metric CRS.
    field_name : str
    agg : {"max", "min", "mean"}
        ``max`` is the cautious choice for "year the ground is stable": a cell partly over a
        zone that stabilises late is not ready before then.
    fill : float, optional
        Value for sites no feature touches; NaN when None.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    values = pd.to_numeric(features[field_name], errors="coerce").to_numpy(dtype=float)
    geoms = np.asarray(features.geometry.values)
    ok = ~np.isnan(values)
    values, geoms = values[ok], geoms[ok]
    n = ctx.n
    default = np.nan if fill is None else float(fill)
    if n == 0 or len(geoms) == 0:
        return np.full(n, default)
    feat, site = ctx.query(geoms, "intersects")
    v = values[feat]
    if agg == "mean":
        count = np.bincount(site, minlength=n)
        total = np.bincount(site, weights=v, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = total / count
    else:
        out = np.full(n, -np.inf if agg == "max" else np.inf)
        (np.maximum if agg == "max" else np.minimum).at(out, site, v)
    hit = np.zeros(n, dtype=bool)
    hit[site] = True
    out[~hit] = default
    return out


# -------------------------------------------------------------------------------- raster


def zonal_stat(ctx: SiteContext, path: str, stat: str = "mean", *, band: int = 1,
               method: str = "auto") -> np.ndarray:
    """Zonal mean or max of a raster band per site, vectorised.

    ``method="rasterize"`` burns site ids (``rasterio.features.rasterize``) into a grid
    aligned with the raster over the sites' extent and reduces the pixel values per id with
    ``np.bincount`` (mean) or ``np.maximum.at`` (max): the value of every pixel whose centre
    lies in the site. ``method="centroid"`` samples the pixel under each site's centroid,
    the right measure when sites are about one pixel or smaller. ``"auto"`` picks centroid
    sampling when the median site covers fewer than four pixels. Sites with no pixel centre
    inside fall back to their centroid value; nodata and outside give NaN.

    Parameters
    ----------
    ctx : SiteContext
    path : str
        Raster file.
    stat : {"mean", "max"}
    band : int, default 1
    method : {"auto", "rasterize", "centroid"}

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    import rasterio
    from rasterio import features as rfeatures
    from rasterio.windows import Window, from_bounds

    n = ctx.n
    with rasterio.open(path) as src:
        rcrs = CRS.from_wkt(src.crs.to_wkt()) if src.crs else ctx.store.crs
        same = rcrs.equals(ctx.store.crs)
        to_r = None if same else Transformer.from_crs(ctx.store.crs, rcrs, always_xy=True)
        xy = ctx.xy
        rx, ry = (xy[:, 0], xy[:, 1]) if same else to_r.transform(xy[:, 0], xy[:, 1])
        pix_area = _pixel_area_m2(src, rcrs, np.nanmean(ry) if n else 0.0)
        small = n == 0 or np.median(ctx.area) < 4 * pix_area
        use_centroid = method == "centroid" or (method == "auto" and small)

        def sample(sel: np.ndarray) -> np.ndarray:
            rows, cols = rasterio.transform.rowcol(src.transform, rx[sel], ry[sel])
            rows, cols = np.asarray(rows), np.asarray(cols)
            res = np.full(sel.size, np.nan)
            inside = (rows >= 0) & (rows < src.height) & (cols >= 0) & (cols < src.width)
            if inside.any():
                r0, r1 = rows[inside].min(), rows[inside].max() + 1
                c0, c1 = cols[inside].min(), cols[inside].max() + 1
                block = src.read(band, window=((r0, r1), (c0, c1)), masked=True)
                vals = block[rows[inside] - r0, cols[inside] - c0]
                res[inside] = np.ma.filled(vals.astype(float), np.nan)
            return res

        if n == 0:
            return np.zeros(0)
        if use_centroid:
            return sample(np.arange(n))
        geoms = ctx.geoms if same else shapely.transform(
            ctx.geoms, lambda c: np.column_stack(to_r.transform(c[:, 0], c[:, 1])))
        bounds = shapely.total_bounds(geoms)
        window = from_bounds(*bounds, transform=src.transform).round_offsets(
            op="floor").round_lengths(op="ceil").intersection(Window(0, 0, src.width,
                                                                     src.height))
        data = src.read(band, window=window, masked=True)
        wt = src.window_transform(window)
        ids = rfeatures.rasterize(
            zip(geoms, np.arange(1, n + 1, dtype=np.int32), strict=True),
            out_shape=data.shape, transform=wt, fill=0, dtype="int32",
        )
    valid = (ids > 0) & ~np.ma.getmaskarray(data)
    site = ids[valid] - 1
    vals = np.ma.getdata(data)[valid].astype(float)
    count = np.bincount(site, minlength=n)
    if stat == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.bincount(site, weights=vals, minlength=n) / count
    else:
        out = np.full(n, -np.inf)
        np.maximum.at(out, site, vals)
    empty = count == 0
    if empty.any():
        with rasterio.open(path) as src:
            sel = np.flatnonzero(empty)
            rows, cols = rasterio.transform.rowcol(src.transform, rx[sel], ry[sel])
            rows, cols = np.asarray(rows), np.asarray(cols)
            res = np.full(sel.size, np.nan)
            inside = (rows >= 0) & (rows < src.height) & (cols >= 0) & (cols < src.width)
            if inside.any():
                full = src.read(band, masked=True)
                res[inside] = np.ma.filled(full[rows[inside], cols[inside]].astype(float),
                                           np.nan)
            out[sel] = res
    return out


def _pixel_area_m2(src, crs: CRS, lat: float) -> float:
    """Approximate pixel area in square metres (degrees converted at latitude ``lat``)."""
    rx, ry = abs(src.res[0]), abs(src.res[1])
    if crs.is_geographic:
        m = 111_320.0
        return rx * m * np.cos(np.deg2rad(lat if np.isfinite(lat) else 45.0)) * ry * m
    return rx * ry


# ------------------------------------------------------------------------------ dispatch


def _attribute(ctx: SiteContext, crit: Criterion, fill: float | None) -> np.ndarray:
    """Raw attribute values: the site's own field, or the features' field under the site."""
    if crit.layer:
        feats = _features(ctx.store, crit, ctx.year)
        _need_field(feats, crit)
        return overlay_values(ctx, feats, crit.field, crit.agg, fill)
    if crit.field not in ctx.sites.columns:
        raise InputError(
            f"criterion '{crit.name}': the candidate sites have no field '{crit.field}'.",
            f"Fields: {', '.join(c for c in ctx.sites.columns if c != 'geometry')}.",
        )
    col = ctx.sites[crit.field]
    if crit.transform.kind == "categorical":
        return col.to_numpy()
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    if fill is not None:
        values = np.where(np.isnan(values), float(fill), values)
    return values


def _need_field(feats: gpd.GeoDataFrame, crit: Criterion) -> None:
    if crit.field not in feats.columns:
        raise InputError(
            f"criterion '{crit.name}': layer '{crit.layer}' has no field '{crit.field}'.",
            f"Fields: {', '.join(c for c in feats.columns if c != 'geometry')}.",
        )


def compute_criterion(crit: Criterion, ctx: SiteContext) -> np.ndarray:
    """Raw values of one criterion for every site of ``ctx``.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Float values (object for a categorical attribute); NaN where unknown.

    Raises
    ------
    InputError
        If the layer or field is missing, or a filter leaves no feature to measure against
        (the message names the criterion and the layer).
    """
    if crit.kind == "distance":
        feats = _features(ctx.store, crit, ctx.year)
        if len(feats) == 0:
            raise InputError(
                f"criterion '{crit.name}': no feature of layer '{crit.layer}' passes its "
                "filter, so there is nothing to measure the distance to.",
                "Relax the filter or choose another layer.",
            )
        targets = np.asarray(feats.geometry.values)
        if crit.measure == "edge":
            return edge_distance(ctx.geoms, targets, outlines=ctx.outlines, check=ctx.check)
        return nearest_distance(ctx.xy, targets, k=4, check=ctx.check)
    if crit.kind == "overlap":
        feats = _features(ctx.store, crit, ctx.year)
        return overlap_share(ctx, np.asarray(feats.geometry.values))
    if crit.kind == "attribute":
        return _attribute(ctx, crit, crit.fill)
    if crit.kind == "raster":
        return zonal_stat(ctx, ctx.store.raster_path(crit.layer), crit.stat)
    if crit.kind == "years":
        if ctx.year is None:
            raise InputError(f"criterion '{crit.name}' counts years but the scenario has no "
                             "planning year.", "Set planning_year or pass --year.")
        values = _attribute(ctx, crit, None).astype(float)
        years = ctx.year - values if crit.mode == "since" else values - ctx.year
        if crit.fill is not None:  # e.g. sites on no subsidence zone: "stable long ago"
            years = np.where(np.isnan(years), float(crit.fill), years)
        return years
    raise ValueError(f"criterion '{crit.name}': unknown kind {crit.kind!r}")
