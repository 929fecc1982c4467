"""Fast paths of the ranking engine against brute force (shapely, GEOS)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from hljgis.analysis import kernels, nearest
from hljgis.analysis.candidates import _box_centroids, cell_polygons, grid_cells, square_cells
from hljgis.analysis.criteria import nearest_distance

X0, Y0 = 500_000.0, 5_150_000.0


def _brute(xy, targets):
    return shapely.distance(shapely.points(xy)[:, None], targets[None, :]).min(axis=1)


def _grid_xy(n_side=90, spacing=100.0):
    return square_cells((X0, Y0, X0 + n_side * spacing, Y0 + n_side * spacing), spacing)


def _targets(kind, rng, extent=9_000.0):
    origin = np.array([X0, Y0])
    if kind == "lines":
        start = rng.uniform(0, extent, (20, 1, 2)) + origin
        walk = np.cumsum(rng.normal(0, 900, (20, 6, 2)), axis=1)
        return shapely.linestrings(np.concatenate([start, start + walk], axis=1))
    if kind == "circles":  # round outlines of many short segments: the hard case
        return shapely.buffer(shapely.points(rng.uniform(0, extent, (15, 2)) + origin),
                              rng.uniform(100, 1500, 15))
    if kind == "holes":
        outer = shapely.box(X0 + 1000, Y0 + 1000, X0 + 7000, Y0 + 7000)
        inner = shapely.box(X0 + 3000, Y0 + 3000, X0 + 5000, Y0 + 5000)
        return np.array([shapely.difference(outer, inner),
                         shapely.buffer(shapely.Point(X0 + 8000, Y0 + 500), 300)])
    if kind == "multi":
        a = shapely.buffer(shapely.points(rng.uniform(0, extent, (6, 2)) + origin), 400)
        return np.array([shapely.multipolygons(a[:3]), shapely.multipolygons(a[3:]),
                         shapely.multilinestrings(_targets("lines", rng)[:4])])
    if kind == "mixed":  # points with lines
        pts = shapely.points(rng.uniform(0, extent, (10, 2)) + origin)
        return np.concatenate([pts, _targets("lines", rng)[:5]])
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["lines", "circles", "holes", "multi", "mixed"])
def test_bucket_search_matches_brute_force_on_a_grid(kind):
    rng = np.random.default_rng(7)
    xy = _grid_xy()
    targets = _targets(kind, rng)
    got = nearest_distance(xy, targets)
    np.testing.assert_allclose(got, _brute(xy, targets), rtol=0, atol=1e-6)
    if kind in ("circles", "holes", "multi"):
        inside = shapely.intersects_xy(shapely.union_all(targets), xy[:, 0], xy[:, 1])
        assert inside.any() and (got[inside] == 0).all()


@pytest.mark.parametrize("kind", ["lines", "circles"])
def test_bucket_search_matches_brute_force_on_clustered_points(kind):
    rng = np.random.default_rng(8)
    origin = np.array([X0, Y0])
    clusters = rng.uniform(0, 9_000, (5, 2)) + origin
    xy = np.concatenate([*(c + rng.normal(0, 150, (400, 2)) for c in clusters),
                         rng.uniform(0, 9_000, (200, 2)) + origin])
    xy = np.concatenate([xy, xy[:3]])  # duplicate points
    targets = _targets(kind, rng)
    np.testing.assert_allclose(nearest_distance(xy, targets, k=1), _brute(xy, targets),
                               rtol=0, atol=1e-6)


def test_bucket_search_single_point_and_point_on_outline():
    square = np.array([shapely.box(X0, Y0, X0 + 100, Y0 + 100)])
    xy = np.array([[X0 + 50, Y0 + 100], [X0 + 50, Y0 + 50], [X0 + 250, Y0 + 50]])
    np.testing.assert_allclose(nearest_distance(xy, square), [0, 0, 150], atol=1e-9)
    np.testing.assert_allclose(nearest_distance(xy[2:], square), [150], atol=1e-9)


def test_bucket_search_threads_match_one_thread(monkeypatch):
    rng = np.random.default_rng(9)
    xy = _grid_xy()
    targets = _targets("circles", rng)
    monkeypatch.setattr(nearest, "_PAIR_BLOCK", 997)  # many blocks
    many = nearest_distance(xy, targets)
    monkeypatch.setattr(kernels, "workers", lambda: 1)
    one = nearest_distance(xy, targets)
    np.testing.assert_array_equal(many, one)


def test_too_many_pairs_falls_back_to_the_reference(monkeypatch):
    rng = np.random.default_rng(10)
    xy = _grid_xy(30)
    targets = _targets("circles", rng)
    monkeypatch.setattr(nearest, "_MAX_PAIRS_PER_POINT", -10_000)  # always too many
    assert nearest._bucket_nearest(xy, *kernels.outline_segments(targets), targets, k=4,
                                   check=lambda: None) is None
    np.testing.assert_allclose(nearest_distance(xy, targets), _brute(xy, targets), atol=1e-9)


def test_cancel_inside_the_bucket_search(monkeypatch):
    monkeypatch.setattr(nearest, "_PAIR_BLOCK", 50)

    def stop():
        raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError, match="cancelled"):
        nearest_distance(_grid_xy(30), _targets("lines", np.random.default_rng(1)),
                         check=stop)


@pytest.mark.parametrize("size", [100.0, 250.0, 333.3, 37.7, 1000.0, 0.5, 12345.6])
def test_box_centroids_are_geos_centroids_bit_for_bit(size):
    rng = np.random.default_rng(int(size * 10))
    x0, y0 = rng.uniform(-9e5, 9e5), rng.uniform(4e6, 6e6)
    centres = square_cells((x0, y0, x0 + 200 * size, y0 + 150 * size), size)
    want = shapely.get_coordinates(shapely.centroid(cell_polygons(centres, size)))
    np.testing.assert_array_equal(_box_centroids(centres, size), want)


@pytest.mark.parametrize("size", [100.0, 37.7, 12345.6])
def test_square_cells_are_the_boxes_shapely_makes(size):
    rng = np.random.default_rng(7)
    centres = np.column_stack([rng.uniform(-9e5, 9e5, 500), rng.uniform(4e6, 6e6, 500)])
    h = size / 2
    want = shapely.box(centres[:, 0] - h, centres[:, 1] - h, centres[:, 0] + h,
                       centres[:, 1] + h)
    got = cell_polygons(centres, size)
    assert (shapely.to_wkb(got) == shapely.to_wkb(want)).all()
    assert shapely.is_valid(got).all()


def test_grid_cells_centres_follow_the_cells():
    import geopandas as gpd

    bnd = gpd.GeoDataFrame({"city": ["A", "B"]}, geometry=[
        shapely.Polygon([(X0, Y0), (X0 + 5000, Y0), (X0 + 2500, Y0 + 4000)]),
        shapely.box(X0 + 5000, Y0, X0 + 9000, Y0 + 3000)], crs="EPSG:4553")
    cells = grid_cells(bnd, 250, crs=bnd.crs)
    want = shapely.get_coordinates(shapely.centroid(cells.polygons()))
    np.testing.assert_array_equal(cells.centroids(), want)
    # a subset keeps centres, attributes (ids too) and polygons in step
    keep = cells.attrs["city"].to_numpy() == "B"
    part = cells.subset(keep)
    assert part.attrs["site_id"].tolist() == np.flatnonzero(keep).tolist()
    assert shapely.equals_exact(part.polygons(), cells.polygons()[keep], tolerance=0).all()
    frame = part.frame()
    assert frame.crs == bnd.crs and (frame["city"] == "B").all()
    hexes = grid_cells(bnd, 250, crs=bnd.crs, shape="hex")
    assert hexes.centroids() is None and len(hexes)


@pytest.mark.parametrize("predicate", ["intersects", "contains_properly", "within"])
def test_lattice_query_finds_what_the_strtree_finds(predicate):
    import geopandas as gpd

    from hljgis.analysis.criteria import SiteContext

    rng = np.random.default_rng(11)
    bnd = gpd.GeoDataFrame({"city": ["A", "B"]}, geometry=[
        shapely.Polygon([(X0, Y0), (X0 + 6000, Y0 + 500), (X0 + 2500, Y0 + 5000)]),
        shapely.box(X0 + 6000, Y0, X0 + 9000, Y0 + 3000)], crs="EPSG:4553")
    cells = grid_cells(bnd, 250.0, crs=bnd.crs)
    cells = cells.subset(np.arange(len(cells)) % 7 != 3)  # holes in the lattice
    # polygons of all sizes, some on cell edges exactly, some beyond the grid
    pts = shapely.points(rng.uniform(X0 - 800, X0 + 9800, 60), rng.uniform(Y0 - 800, Y0 + 5800, 60))
    feats = np.concatenate([shapely.buffer(pts, rng.uniform(10, 1500, 60)),
                            [shapely.box(X0 + 500, Y0 + 500, X0 + 1000, Y0 + 750),
                             shapely.box(X0 + 6000, Y0, X0 + 6250, Y0 + 250)]])
    lattice = SiteContext(cells.attrs, None, geoms=cells.polygons(), grid=cells)
    tree = SiteContext(cells.attrs, None, geoms=cells.polygons())
    assert cells.box_pairs(shapely.bounds(feats)) is not None
    got = sorted(zip(*lattice.query(feats, predicate), strict=True))
    want = sorted(zip(*tree.query(feats, predicate), strict=True))
    assert got == want and len(want) >= (50 if predicate == "intersects" else 1)


def test_lattice_steps_aside_for_hexagons_and_huge_boxes():
    import geopandas as gpd

    bnd = gpd.GeoDataFrame({"city": ["A"]}, geometry=[shapely.box(X0, Y0, X0 + 5000, Y0 + 5000)],
                           crs="EPSG:4553")
    big = np.array([[X0 - 1e6, Y0 - 1e6, X0 + 1e6, Y0 + 1e6]])
    assert grid_cells(bnd, 250.0, crs=bnd.crs, shape="hex").box_pairs(big) is None
    squares = grid_cells(bnd, 250.0, crs=bnd.crs)
    assert squares.box_pairs(big, limit=100) is None
    q, cell = squares.box_pairs(big)
    assert len(cell) == len(squares) and set(q) == {0}
