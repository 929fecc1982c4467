"""Snapping: the nearest vertex or edge of chosen layers within a tolerance.

A planner digitising a proposed site along a parcel boundary expects the cursor to catch
the corner (vertex) or the side (edge) of the parcel, as in QGIS. The :class:`Snapper`
indexes every vertex and every segment of the chosen layers once (two STRtrees, built with
shapely's array functions: no loop over features) in the map CRS; each mouse move is then
two nearest-neighbour queries. Vertices win over edges when both are within tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

__all__ = ["SnapResult", "Snapper", "pixel_tolerance"]


@dataclass(frozen=True)
class SnapResult:
    """Where the cursor snapped: ``kind`` is "vertex" or "edge"; ``source`` the layer."""

    x: float
    y: float
    kind: str
    source: str
    distance: float


def pixel_tolerance(pixels: float, units_per_pixel: float) -> float:
    """A tolerance given in screen pixels, in map units at the current zoom."""
    return float(pixels) * float(units_per_pixel)


def _segments(geoms: np.ndarray) -> np.ndarray:
    """Every straight segment of the lines and polygon rings in ``geoms`` (vectorised)."""
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    parts = shapely.get_parts(geoms)
    polys = shapely.get_type_id(parts) == 3
    lines = np.concatenate([parts[shapely.get_type_id(parts) == 1],
                            shapely.get_rings(parts[polys])])
    if not len(lines):
        return np.empty(0, dtype=object)
    coords, index = shapely.get_coordinates(lines, return_index=True)
    same = index[1:] == index[:-1]
    starts = coords[:-1][same]
    ends = coords[1:][same]
    pairs = np.stack([starts, ends], axis=1)
    return shapely.linestrings(pairs)


class Snapper:
    """Vertices and edges of some layers, indexed for snapping.

    Parameters
    ----------
    layers : mapping of name -> array of shapely geometries
        The geometries to snap to, already in the map CRS.
    vertices, edges : bool
        What to snap to.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> s = Snapper({"parcels": np.array([box(0, 0, 10, 10)])})
    >>> s.snap(9.6, 10.3, 1.0).kind, s.snap(5, 10.4, 1.0).kind
    ('vertex', 'edge')
    """

    def __init__(self, layers, *, vertices: bool = True, edges: bool = True) -> None:
        pts, pt_src, segs, seg_src = [], [], [], []
        names = list(layers)
        for k, name in enumerate(names):
            geoms = np.asarray(layers[name], dtype=object)
            if not len(geoms):
                continue
            if vertices:
                xy = shapely.get_coordinates(geoms)
                xy = np.unique(xy, axis=0)
                pts.append(xy)
                pt_src.append(np.full(len(xy), k))
            if edges:
                s = _segments(geoms)
                segs.append(s)
                seg_src.append(np.full(len(s), k))
        self._names = names
        self._xy = np.concatenate(pts) if pts else np.empty((0, 2))
        self._xy_src = np.concatenate(pt_src) if pt_src else np.empty(0, dtype=int)
        self._points = shapely.points(self._xy)
        self._point_tree = shapely.STRtree(self._points)
        self._segs = np.concatenate(segs) if segs else np.empty(0, dtype=object)
        self._seg_src = np.concatenate(seg_src) if seg_src else np.empty(0, dtype=int)
        self._seg_tree = shapely.STRtree(self._segs)

    @property
    def vertex_count(self) -> int:
        return len(self._xy)

    @property
    def edge_count(self) -> int:
        return len(self._segs)

    def snap(self, x: float, y: float, tolerance: float) -> SnapResult | None:
        """The nearest vertex within ``tolerance`` of (x, y), else the nearest point on an
        edge within it, else None."""
        here = shapely.Point(x, y)
        if len(self._points):
            idx, dist = self._point_tree.query_nearest(here, max_distance=tolerance,
                                                       return_distance=True)
            if len(idx):
                i = int(idx[np.argmin(dist)])
                return SnapResult(float(self._xy[i, 0]), float(self._xy[i, 1]), "vertex",
                                  self._names[self._xy_src[i]], float(dist.min()))
        if len(self._segs):
            idx, dist = self._seg_tree.query_nearest(here, max_distance=tolerance,
                                                     return_distance=True)
            if len(idx):
                i = int(idx[np.argmin(dist)])
                seg = self._segs[i]
                on = shapely.line_interpolate_point(seg, shapely.line_locate_point(seg, here))
                return SnapResult(float(on.x), float(on.y), "edge",
                                  self._names[self._seg_src[i]], float(dist.min()))
        return None
