"""Snapping: the nearest vertex or edge of chosen layers within a tolerance.

A planner digitising a proposed site along a parcel boundary expects the cursor to catch
the corner (vertex) or the side (edge) of the parcel, as in QGIS. A :class:`Snapper` indexes
a layer's features once (one STRtree, in the map CRS); each mouse move then asks the tree
for the few features within the tolerance box and measures only their vertices and
boundaries, with shapely's array functions. No per-segment geometries are built: for
50,000 parcels that would be 200,000 small lines, most of the index's cost
(bench/snapping.py). Vertices win over edges when both are within the tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import shapely

__all__ = ["SnapResult", "Snapper", "pixel_tolerance", "snap"]


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


class _LayerIndex:
    """One layer's features in an STRtree."""

    def __init__(self, name: str, geoms) -> None:
        geoms = np.asarray(geoms, dtype=object)
        self.name = name
        self.geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        self.tree = shapely.STRtree(self.geoms)

    def near(self, x: float, y: float, tolerance: float) -> np.ndarray:
        box = shapely.box(x - tolerance, y - tolerance, x + tolerance, y + tolerance)
        return self.geoms[self.tree.query(box)]

    def vertex(self, x: float, y: float, tolerance: float) -> SnapResult | None:
        near = self.near(x, y, tolerance)
        if not len(near):
            return None
        xy = shapely.get_coordinates(near)
        d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
        i = int(np.argmin(d))
        if d[i] > tolerance:
            return None
        return SnapResult(float(xy[i, 0]), float(xy[i, 1]), "vertex", self.name, float(d[i]))

    def edge(self, x: float, y: float, tolerance: float) -> SnapResult | None:
        near = self.near(x, y, tolerance)
        near = near[shapely.get_dimensions(near) > 0]  # points have no edges
        if not len(near):
            return None
        lines = np.where(shapely.get_dimensions(near) == 2, shapely.boundary(near), near)
        here = shapely.Point(x, y)
        d = shapely.distance(lines, here)
        i = int(np.argmin(d))
        if d[i] > tolerance:
            return None
        on = shapely.get_coordinates(shapely.shortest_line(lines[i], here))[0]
        return SnapResult(float(on[0]), float(on[1]), "edge", self.name, float(d[i]))


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

    def __init__(self, layers: Mapping[str, Iterable], *, vertices: bool = True,
                 edges: bool = True) -> None:
        self._layers = [_LayerIndex(name, geoms) for name, geoms in layers.items()]
        self.vertices = vertices
        self.edges = edges

    @property
    def vertex_count(self) -> int:
        """Vertices there are to snap to (a ring's closing point counted once)."""
        return sum(_counts(ly.geoms)[0] for ly in self._layers)

    @property
    def edge_count(self) -> int:
        return sum(_counts(ly.geoms)[1] for ly in self._layers)

    def snap(self, x: float, y: float, tolerance: float) -> SnapResult | None:
        """The nearest vertex within ``tolerance`` of (x, y), else the nearest point on an
        edge within it, else None."""
        return snap([self], x, y, tolerance)


def snap(snappers: Iterable[Snapper], x: float, y: float,
         tolerance: float) -> SnapResult | None:
    """The best snap over several snappers (one per layer, cached apart so an edit
    re-indexes only its own layer): the nearest vertex, else the nearest edge."""
    snappers = list(snappers)
    for kind in ("vertex", "edge"):
        hits = [getattr(ly, kind)(x, y, tolerance) for s in snappers
                if getattr(s, "vertices" if kind == "vertex" else "edges") for ly in s._layers]
        hits = [h for h in hits if h is not None]
        if hits:
            return min(hits, key=lambda h: h.distance)
    return None


def _counts(geoms: np.ndarray) -> tuple[int, int]:
    parts = shapely.get_parts(geoms)
    kinds = shapely.get_type_id(parts)
    rings = shapely.get_rings(parts[kinds == 3])
    lines = parts[kinds == 1]
    n_rings = shapely.get_num_coordinates(rings)
    n_lines = shapely.get_num_coordinates(lines)
    points = int((kinds == 0).sum())
    return (int((n_rings - 1).sum() + n_lines.sum()) + points,
            int((n_rings - 1).sum() + (n_lines - 1).sum()))
