"""Per-layer geometry caches: reprojection, bounds, LOD-simplified coordinates, classes.

Everything here is computed once per (layer data, map CRS) and reused frame after frame, so
panning only filters cached arrays. Caches are dropped when the layer's GeoDataFrame object
changes (``VectorLayer.set_data`` replaces it), except when the new frame keeps the old
one's geometry array (a re-scored ranking: same cells, new scores): then only the classes
are recomputed and the geometry caches, down to which pixels each feature fills in the
last view, serve the re-coloured frame.
"""

from __future__ import annotations

import json
import math
import threading
import weakref

import numpy as np
import shapely
from pyproj import CRS

from hljgis.core.hugepages import batch_memory
from hljgis.core.style import symbol_classes

#: Features with more vertices than this are simplified when zoomed out.
SIMPLIFY_MIN_VERTICES = 64
#: Simplification tolerance in pixels of the finest zoom of a bucket.
SIMPLIFY_PX = 0.5
#: Build a whole-layer coordinate cache for a zoom bucket when this share is visible.
FULL_CACHE_SHARE = 0.3

_POINT, _LINE, _POLY = 0, 1, 2
_FAMILY_OF_TYPE = np.array([_POINT, _LINE, _LINE, _POLY, _POINT, _LINE, _POLY, -1], dtype=np.int8)


class LayerGeometry:
    """What depends on a layer's geometry and the map CRS alone: reprojected geometries,
    bounds, families, and the coordinate and simplification caches filled on demand.

    Shared by every renderer that draws the same geometry array in the same CRS (the
    canvas, the print preview, a PNG then a PDF export), so a PDF is written without
    preparing the geometry again. Built once and then only read; the caches are dicts
    whose single get / set / clear steps are atomic, so renderers in other threads at
    worst build the same entry twice.
    """

    def __init__(self, gdf, crs: CRS | None):
        series = gdf.geometry
        if crs is not None and gdf.crs is not None and not CRS(gdf.crs).equals(crs):
            series = series.to_crs(crs)
        geoms = np.asarray(series.values, dtype=object)
        self.n = len(geoms)
        self.geoms = geoms
        b = shapely.bounds(geoms)
        self.bounds = b
        self.valid = np.isfinite(b).all(axis=1)
        types = shapely.get_type_id(geoms)
        #: GEOS type id per feature (3 polygon, 6 multipolygon, ...; -1 missing).
        self.types = types
        self.family = _FAMILY_OF_TYPE[types]  # type -1 (missing) maps to -1 as well
        gc = np.flatnonzero(types == 7)
        if len(gc):  # a collection draws as the family of its first member
            parts, idx = shapely.get_parts(geoms[gc], return_index=True)
            first = np.unique(idx, return_index=True)[1]
            self.family[gc[idx[first]]] = _FAMILY_OF_TYPE[shapely.get_type_id(parts[first])]
        ncoords = shapely.get_num_coordinates(geoms)
        self.ncoords = ncoords
        is_poly = types == 3
        rect = is_poly & (ncoords == 5)
        if rect.any():
            idx = np.flatnonzero(rect)
            area = shapely.area(geoms[idx])
            bb = b[idx]
            bbox_area = (bb[:, 2] - bb[:, 0]) * (bb[:, 3] - bb[:, 1])
            rect[idx] = (shapely.get_num_interior_rings(geoms[idx]) == 0) & np.isclose(
                area, bbox_area, rtol=1e-9, atol=0.0)
        #: Axis-aligned rectangles (grid cells): drawn straight from their bounds.
        self.is_rect = rect
        for a in (self.bounds, self.valid, self.types, self.family, self.ncoords, self.is_rect):
            a.flags.writeable = False
        self.simplified: dict[int, dict] = {}
        self.coords: dict[tuple, dict] = {}
        self._heavy: dict[int, bool] = {}

    def has_heavy(self, family: int) -> bool:
        """Whether any feature of ``family`` is simplified when zoomed out."""
        hit = self._heavy.get(family)
        if hit is None:
            hit = self._heavy[family] = family != _POINT and bool(
                ((self.family == family) & (self.ncoords > SIMPLIFY_MIN_VERTICES)).any())
        return hit


#: LayerGeometry per (geometry array, map CRS), while the geometry array lives.
_SHARED: dict[tuple, tuple[weakref.ref, LayerGeometry]] = {}
_SHARED_LOCK = threading.Lock()


@batch_memory()
def layer_geometry(gdf, crs: CRS | None) -> LayerGeometry:
    """The shared :class:`LayerGeometry` of ``gdf``'s geometry array in ``crs`` (built on
    first use; dropped when the geometry array is freed)."""
    arr = gdf.geometry.array
    key = (_geometry_buffer(gdf), crs.to_wkt() if crs is not None else None,
           gdf.crs.to_wkt() if gdf.crs is not None else None)
    with _SHARED_LOCK:
        hit = _SHARED.get(key)
    if hit is not None and hit[0]() is arr:
        return hit[1]
    geo = LayerGeometry(gdf, crs)
    try:
        ref = weakref.ref(arr)
    except TypeError:  # pragma: no cover - a geometry array without weak references
        return geo
    with _SHARED_LOCK:
        _SHARED[key] = (ref, geo)
    weakref.finalize(arr, _forget, key, ref)
    return geo


def _forget(key: tuple, ref: weakref.ref) -> None:
    with _SHARED_LOCK:
        hit = _SHARED.get(key)
        if hit is not None and hit[0] is ref:
            del _SHARED[key]


class PreparedLayer:
    """Cached arrays of one vector layer in one map CRS for one renderer: the shared
    :class:`LayerGeometry` plus this renderer's classes and per-view masks."""

    def __init__(self, layer, crs: CRS | None):
        gdf = layer.gdf
        self.gdf = gdf
        self._source = _geometry_buffer(gdf)
        geo = layer_geometry(gdf, crs)
        self.geometry = geo
        self.n = geo.n
        self.geoms = geo.geoms
        self.bounds = geo.bounds
        self.valid = geo.valid
        self.family = geo.family
        self.ncoords = geo.ncoords
        self.is_rect = geo.is_rect
        self._simplified = geo.simplified
        self._coords = geo.coords
        self._classes: dict[str, tuple[np.ndarray, list[dict]]] = {}
        self._anchors: np.ndarray | None = None
        self._pixels: dict[str, tuple[tuple, object]] = {}

    # -- new values on the same geometry -------------------------------------------------------
    def same_geometry(self, gdf) -> bool:
        """True when ``gdf`` holds this layer's geometry array itself (not a copy)."""
        return _geometry_buffer(gdf) == self._source and (
            gdf.crs is self.gdf.crs or gdf.crs == self.gdf.crs)

    def rebind(self, gdf) -> None:
        """Take ``gdf`` (same geometry, new attribute values): only the classes go."""
        self.gdf = gdf
        self._classes.clear()

    # -- per view --------------------------------------------------------------------------------
    def for_view(self, name: str, key: tuple, build):
        """What ``build()`` gives for the last view (``key``) under ``name``: masks and sizes
        that depend on the geometry and the view only, so a re-coloured frame of the same
        view skips them (a million cells: ~40 ms). Arrays come back read-only."""
        hit = self._pixels.get(name)
        if hit is None or hit[0] != key:
            value = build()
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            hit = (key, value)
            self._pixels[name] = hit
        return hit[1]

    def pixel_index(self, kind: str, key: tuple, build) -> np.ndarray | None:
        """Feature index per pixel of the last view drawn by pixel fill ``kind`` (cached
        under ``key``; ``build()`` makes it, None when the features overlap)."""
        return self.for_view(f"pixels:{kind}", key, build)

    # -- classes -------------------------------------------------------------------------------
    def classes(self, renderer: dict) -> tuple[np.ndarray, list[dict]]:
        key = json.dumps(renderer, sort_keys=True, default=str)
        hit = self._classes.get(key)
        if hit is None:
            if len(self._classes) > 8:
                self._classes.clear()
            hit = symbol_classes(renderer, self.gdf)
            self._classes[key] = hit
        return hit

    # -- LOD coordinates -----------------------------------------------------------------------
    def _lod_geoms(self, idx: np.ndarray, bucket: int) -> np.ndarray:
        """Geometries ``idx`` with heavy ones simplified for zoom bucket ``bucket`` (cached)."""
        geoms = self.geoms[idx]
        heavy = self.ncoords[idx] > SIMPLIFY_MIN_VERTICES
        if not heavy.any():
            return geoms
        cache = self._simplified.get(bucket)
        if cache is None:
            if len(self._simplified) > 6:
                self._simplified.clear()
            cache = self._simplified[bucket] = {}
        tol = math.ldexp(1.0, bucket) * SIMPLIFY_PX
        hidx = idx[heavy]
        missing = np.array([i for i in hidx.tolist() if i not in cache], dtype=np.int64)
        if len(missing):
            simp = shapely.simplify(self.geoms[missing], tol, preserve_topology=True)
            cache.update(zip(missing.tolist(), simp, strict=True))
        geoms = geoms.copy()
        geoms[heavy] = [cache[i] for i in hidx.tolist()]
        return geoms

    def coordinates(self, feature_mask: np.ndarray, family: int, bucket: int) -> dict:
        """xy (M, 2), is_start (M,) and feature index (M,) of the vertices of the visible
        features of one family, rings / parts in feature order."""
        family_mask = self.family == family
        mask = feature_mask & family_mask
        # nothing in the family to simplify: every zoom (a PNG, then a PDF) shares one cache
        key = (bucket if self.geometry.has_heavy(family) else "any", family)
        full = self._coords.get(key)
        if full is None and mask.sum() > FULL_CACHE_SHARE * max(1, self.n):
            full = self._extract(family_mask, family, bucket)
            for v in full.values():
                v.flags.writeable = False
            if len(self._coords) > 8:
                self._coords.clear()
            self._coords[key] = full
        if full is not None:
            sel = feature_mask[full["feat"]]
            if sel.all():
                return dict(full)
            return {k: v[sel] for k, v in full.items()}
        return self._extract(mask, family, bucket)

    def _extract(self, mask: np.ndarray, family: int, bucket: int) -> dict:
        idx = np.flatnonzero(mask)
        # feature index per vertex in 32 bits: half the bytes to copy when a view selects
        feat_dtype = np.int32 if self.n < 2**31 else np.int64
        # Simplified geometries have their own vertex counts; the others those cached.
        same = family == _POINT or not self.geometry.has_heavy(family)
        geoms = self.geoms[idx] if same else self._lod_geoms(idx, bucket)
        gtype = self.geometry.types[idx] if same else shapely.get_type_id(geoms)
        counts = None
        if family == _POLY and (gtype == 3).all():  # plain polygons (cells): parts = geoms
            parts, feat_of_part = geoms, idx
            if same:
                counts = self.ncoords[idx]
        else:
            parts, part_i = shapely.get_parts(geoms, return_index=True)
            ptype = shapely.get_type_id(parts)
            keep = _FAMILY_OF_TYPE[np.clip(ptype, -1, 7)] == family
            parts, feat_of_part = parts[keep], idx[part_i[keep]]
        if family == _POLY:
            xy, start, ext, counts = _polygon_rings(parts, counts)
            return {"xy": xy, "start": start,
                    "feat": np.repeat(feat_of_part.astype(feat_dtype), counts), "ext": ext}
        xy, ring = shapely.get_coordinates(parts, return_index=True)
        feat = feat_of_part.astype(feat_dtype)[ring]
        is_start = np.ones(len(ring), dtype=bool)
        if len(ring) > 1:
            is_start[1:] = ring[1:] != ring[:-1]
        return {"xy": xy, "start": is_start, "feat": feat}

    # -- labels --------------------------------------------------------------------------------
    def anchors(self) -> np.ndarray:
        """(N, 2) label anchor per feature: the point, the middle of a line, a point inside
        a polygon (its centroid when that lies inside, as planners expect)."""
        if self._anchors is None:
            out = np.full((self.n, 2), np.nan)
            fam = self.family
            g = self.geoms
            m = fam == _POINT
            if m.any():
                out[m] = shapely.get_coordinates(shapely.centroid(g[m]))
            m = fam == _LINE
            if m.any():
                merged = shapely.line_merge(g[m])
                out[m] = shapely.get_coordinates(
                    shapely.line_interpolate_point(merged, 0.5, normalized=True))
            m = fam == _POLY
            if m.any():
                polys = g[m]
                cen = shapely.centroid(polys)
                inside = shapely.contains_properly(polys, cen)
                pos = np.where(inside, cen, shapely.point_on_surface(polys))
                out[m] = shapely.get_coordinates(pos)
            self._anchors = out
        return self._anchors


def _polygon_rings(parts: np.ndarray, counts: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of polygons ``parts``: xy (M, 2), True at the first vertex of each ring,
    True on the vertices of exterior rings, and the number of vertices of each part
    (``counts``, when the caller knows them already).

    ``get_coordinates`` gives each polygon's rings one after another, the exterior first,
    so one call yields every vertex; only polygons with holes are split into ring objects,
    to find where their rings begin (building a ring object per polygon cost 2.4 s of a
    million parcels' 3.4 s, and copying the vertices ring by ring another 0.7 s). A polygon
    has holes where its last vertex differs from its first: without holes its one ring is
    closed there (0.01 s for a million, where asking GEOS for hole counts took 0.07-0.27 s).
    A hole that begins on the exterior's first vertex passes for part of the exterior ring:
    joined at that point, the two rings still fill (winding or odd-even) and stroke alike.
    """
    xy = shapely.get_coordinates(parts)
    if counts is None:
        counts = shapely.get_num_coordinates(parts)
    m = len(xy)
    part_first = np.cumsum(counts) - counts
    start = np.zeros(m, dtype=bool)
    filled = np.flatnonzero(counts > 0)
    start[part_first[filled]] = True
    ext = np.ones(m, dtype=bool)
    last = part_first[filled] + counts[filled] - 1
    holed = filled[(xy[last] != xy[part_first[filled]]).any(axis=1)]
    if len(holed):
        rings, of = shapely.get_rings(parts[holed], return_index=True)
        size = shapely.get_num_coordinates(rings)
        before = np.cumsum(size) - size  # vertices of the holed parts' rings before each
        first_ring = np.flatnonzero(np.r_[True, of[1:] != of[:-1]])
        ring_first = part_first[holed][of] + before - before[first_ring][of]
        start[ring_first] = True
        # interior rings run from the end of the exterior to the end of the part
        inner = np.zeros(m + 1, dtype=np.int8)
        inner[ring_first[first_ring] + size[first_ring]] += 1
        inner[part_first[holed] + counts[holed]] -= 1
        ext = np.cumsum(inner[:-1], dtype=np.int8) == 0
    return xy, start, ext, counts


def _geometry_buffer(gdf) -> tuple:
    """Where the frame's geometry array lives (address, shape, strides): frames built over
    the same GeometryArray share it, a copy or a reprojection does not."""
    a = np.asarray(gdf.geometry.array)
    return a.__array_interface__["data"][0], a.shape, a.strides


class LayerCache:
    """PreparedLayer per (layer, map CRS), dropped when the layer or its data goes away.

    New data over the same geometry array (see the module docstring) keeps it.
    """

    def __init__(self):
        self._cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self, layer, crs: CRS | None) -> PreparedLayer:
        per_layer = self._cache.setdefault(layer, {})
        key = crs.to_wkt() if crs is not None else None
        hit = per_layer.get(key)
        if hit is not None and hit.gdf is not layer.gdf:
            if hit.same_geometry(layer.gdf):
                hit.rebind(layer.gdf)
            else:
                hit = None
        if hit is None:
            per_layer.clear()
            hit = PreparedLayer(layer, crs)
            per_layer[key] = hit
        return hit
