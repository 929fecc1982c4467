"""Geometry edits as pure functions over shapely: build from a sketch, vertices, holes,
move, split and merge.

A vertex is addressed as ``(part, ring, index)``: ``part`` counts the parts of a multi
geometry (0 for a single one), ``ring`` is 0 for a polygon's shell or a line and 1.. for its
holes, ``index`` is the position in that ring without the closing duplicate. Every function
returns a new geometry and raises :class:`~hljgis.core.errors.InputError` when the result
would not be a valid feature (a triangle losing a vertex, a hole outside its polygon), so a
tool can say why the edit was refused and leave the feature as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from hljgis.core.crs import parse_crs
from hljgis.core.errors import InputError

#: Geometry families a layer can be edited as.
KINDS = ("Point", "LineString", "Polygon")
_MIN_POINTS = {"Point": 1, "LineString": 2, "Polygon": 3}


@dataclass(frozen=True)
class Vertex:
    """Where a vertex sits in a geometry, and its coordinates."""

    part: int
    ring: int
    index: int
    x: float
    y: float


def family(geom: BaseGeometry) -> str:
    """"Point", "LineString" or "Polygon" (Multi- folded in)."""
    name = geom.geom_type.removeprefix("Multi")
    return "LineString" if name == "LinearRing" else name


def from_sketch(kind: str, points, holes=()) -> BaseGeometry:
    """The geometry a planner drew: clicked ``points`` (N x 2) as a point, line or polygon.

    Raises
    ------
    InputError
        Too few points, or a polygon whose outline crosses itself.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    pts = _dedupe(np.asarray(points, dtype=float).reshape(-1, 2))
    if kind == "Polygon" and len(pts) > 3 and np.array_equal(pts[0], pts[-1]):
        pts = pts[:-1]
    need = _MIN_POINTS[kind]
    if len(pts) < need:
        raise InputError(f"a {kind.lower()} needs at least {need} distinct points, "
                         f"{len(pts)} were given.", "Click more points before finishing.")
    if kind == "Point":
        return Point(pts[0])
    if kind == "LineString":
        return LineString(pts)
    geom = Polygon(pts, [np.asarray(h, dtype=float) for h in holes])
    return _checked(geom, "the outline crosses itself")


def _dedupe(pts: np.ndarray) -> np.ndarray:
    """Drop consecutive repeated points (a double click adds its point twice)."""
    if len(pts) < 2:
        return pts
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    return pts[keep]


def _checked(geom: BaseGeometry, why: str) -> BaseGeometry:
    if geom.is_empty or not geom.is_valid:
        reason = shapely.is_valid_reason(geom) if not geom.is_empty else "empty"
        raise InputError(f"the edit would make an invalid geometry: {why} ({reason}).",
                         "Undo the last step or place the point elsewhere.")
    return geom


# -- rings as coordinate arrays ----------------------------------------------------------------
def _parts(geom: BaseGeometry) -> list[BaseGeometry]:
    return list(geom.geoms) if geom.geom_type.startswith("Multi") else [geom]


def _rings(part: BaseGeometry) -> list[np.ndarray]:
    """Coordinates of each ring of a part (without the closing duplicate for polygons)."""
    if part.geom_type == "Polygon":
        rings = [part.exterior, *part.interiors]
        return [np.asarray(r.coords, dtype=float)[:-1, :2] for r in rings]
    return [np.asarray(part.coords, dtype=float)[:, :2]]


def _rebuild(geom: BaseGeometry, parts_rings: list[list[np.ndarray]]) -> BaseGeometry:
    fam = family(geom)
    if fam == "Point":
        pts = [Point(r[0][0]) for r in parts_rings]
        return pts[0] if geom.geom_type == "Point" else shapely.MultiPoint(pts)
    if fam == "LineString":
        lines = [LineString(r[0]) for r in parts_rings]
        return lines[0] if geom.geom_type != "MultiLineString" else MultiLineString(lines)
    polys = [Polygon(r[0], r[1:]) for r in parts_rings]
    return polys[0] if geom.geom_type == "Polygon" else MultiPolygon(polys)


def _explode(geom: BaseGeometry) -> list[list[np.ndarray]]:
    return [_rings(p) for p in _parts(geom)]


def vertices(geom: BaseGeometry) -> list[Vertex]:
    """Every vertex of ``geom`` with its address (closing duplicates left out)."""
    out: list[Vertex] = []
    for p, rings in enumerate(_explode(geom)):
        for r, coords in enumerate(rings):
            out.extend(Vertex(p, r, i, float(x), float(y)) for i, (x, y) in enumerate(coords))
    return out


def nearest_vertex(geom: BaseGeometry, x: float, y: float,
                   tolerance: float = np.inf) -> Vertex | None:
    """The vertex closest to (x, y), if it lies within ``tolerance`` (map units)."""
    verts = vertices(geom)
    if not verts:
        return None
    xy = np.array([(v.x, v.y) for v in verts])
    d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    i = int(np.argmin(d))
    return verts[i] if d[i] <= tolerance else None


def nearest_edge(geom: BaseGeometry, x: float, y: float,
                 tolerance: float = np.inf) -> tuple[Vertex, float, float] | None:
    """The edge closest to (x, y) within ``tolerance``: (its first vertex, and the point on
    it nearest to (x, y)). Inserting at ``index + 1`` puts a vertex on that edge."""
    best = None
    for p, rings in enumerate(_explode(geom)):
        closed = family(geom) == "Polygon"
        for r, coords in enumerate(rings):
            a = coords
            b = np.roll(coords, -1, axis=0) if closed else coords[1:]
            a = a if closed else coords[:-1]
            if not len(a):
                continue
            ab = b - a
            denom = np.maximum((ab ** 2).sum(axis=1), 1e-300)
            t = np.clip(((x - a[:, 0]) * ab[:, 0] + (y - a[:, 1]) * ab[:, 1]) / denom, 0, 1)
            px, py = a[:, 0] + t * ab[:, 0], a[:, 1] + t * ab[:, 1]
            d = np.hypot(px - x, py - y)
            i = int(np.argmin(d))
            if d[i] <= tolerance and (best is None or d[i] < best[0]):
                best = (float(d[i]), Vertex(p, r, i, *map(float, a[i])), float(px[i]),
                        float(py[i]))
    return None if best is None else best[1:]


def move_vertex(geom: BaseGeometry, vertex: Vertex, x: float, y: float) -> BaseGeometry:
    """``geom`` with one vertex moved to (x, y)."""
    parts = _explode(geom)
    ring = parts[vertex.part][vertex.ring].copy()
    ring[vertex.index] = (x, y)
    parts[vertex.part][vertex.ring] = ring
    return _checked(_rebuild(geom, parts), "the moved vertex makes the outline cross itself")


def insert_vertex(geom: BaseGeometry, after: Vertex, x: float, y: float) -> BaseGeometry:
    """``geom`` with a new vertex (x, y) after ``after`` (on the edge that starts there)."""
    if family(geom) == "Point":
        raise InputError("a point has no edges to add a vertex to.",
                         "Use the vertex tool on a line or polygon.")
    parts = _explode(geom)
    ring = parts[after.part][after.ring]
    parts[after.part][after.ring] = np.insert(ring, after.index + 1, (x, y), axis=0)
    return _checked(_rebuild(geom, parts), "the new vertex makes the outline cross itself")


def delete_vertex(geom: BaseGeometry, vertex: Vertex) -> BaseGeometry:
    """``geom`` without one vertex; refused when the ring or line would be too short."""
    fam = family(geom)
    parts = _explode(geom)
    ring = parts[vertex.part][vertex.ring]
    need = _MIN_POINTS[fam]
    if fam == "Point" or len(ring) - 1 < need:
        raise InputError(f"a {fam.lower()} keeps at least {need} vertices; this one has "
                         f"{len(ring)}.", "Delete the whole feature instead.")
    parts[vertex.part][vertex.ring] = np.delete(ring, vertex.index, axis=0)
    return _checked(_rebuild(geom, parts), "without that vertex the outline crosses itself")


def move(geom: BaseGeometry, dx: float, dy: float) -> BaseGeometry:
    """``geom`` shifted by (dx, dy)."""
    return shapely.transform(geom, lambda xy: xy + np.array([dx, dy]))


def add_hole(geom: BaseGeometry, ring) -> BaseGeometry:
    """A polygon with the drawn ``ring`` cut out as a hole; the ring must lie inside it."""
    if family(geom) != "Polygon":
        raise InputError("only polygons can have holes.", "Pick a polygon feature.")
    hole = from_sketch("Polygon", ring)
    if not geom.contains(hole):
        raise InputError("the hole is not inside the polygon.",
                         "Draw the hole's outline within the polygon's outline.")
    return _checked(geom.difference(hole), "the hole touches another hole")


def delete_ring(geom: BaseGeometry, vertex: Vertex) -> BaseGeometry:
    """A polygon without the hole ``vertex`` lies on (fills the hole in)."""
    if family(geom) != "Polygon" or vertex.ring == 0:
        raise InputError("that vertex is not on a hole.", "Click a vertex of the hole.")
    parts = _explode(geom)
    del parts[vertex.part][vertex.ring]
    return _rebuild(geom, parts)


def split(geom: BaseGeometry, line) -> list[BaseGeometry]:
    """The pieces of a line or polygon cut by the drawn ``line`` (N x 2 points or a
    LineString); the first piece is the largest, so the original feature keeps most of it.

    Raises
    ------
    InputError
        When the line does not cut the feature in two.
    """
    from shapely.ops import split as _split

    cutter = line if isinstance(line, BaseGeometry) else LineString(np.asarray(line, float))
    pieces = [g for g in _split(geom, cutter).geoms if not g.is_empty]
    if len(pieces) < 2:
        raise InputError("the line does not cut the feature in two.",
                         "Draw the line across the feature, from outside to outside.")
    measure = shapely.area if family(geom) == "Polygon" else shapely.length
    order = np.argsort(-measure(np.asarray(pieces, dtype=object)), kind="stable")
    return [pieces[i] for i in order]


def merge(geoms) -> BaseGeometry:
    """One geometry from several features of one family (dissolved where they touch)."""
    arr = np.asarray(list(geoms), dtype=object)
    if len(arr) < 2:
        raise InputError("merging needs at least two features.", "Select two or more.")
    families = {family(g) for g in arr}
    if len(families) != 1:
        raise InputError("features of different kinds cannot be merged.",
                         "Select only polygons, only lines or only points.")
    merged = shapely.union_all(arr)
    if families == {"LineString"}:
        merged = shapely.line_merge(merged)
    return merged


def reproject(geom: BaseGeometry, src, dst) -> BaseGeometry:
    """``geom`` from CRS ``src`` to ``dst``: a tool draws in the map's CRS, the layer keeps
    its own."""
    src, dst = parse_crs(src), parse_crs(dst)
    if src.equals(dst):
        return geom
    tr = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
