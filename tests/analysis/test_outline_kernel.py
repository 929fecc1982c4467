"""The compiled exact-distance loop: built by the set-up, same distances as numpy and GEOS."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from hljgis.analysis import outline_kernel
from hljgis.analysis.distance import Outlines, outline_distance
from tests.analysis.test_exact_distance import _parcels, _targets


def test_the_set_up_built_the_loop_and_it_loads():
    """`make setup` compiles it (gcc is among the project's system packages): a ranking on
    this machine measures with it, so the benches and these tests exercise it."""
    assert outline_kernel.LIBRARY.exists(), "run make setup (it builds _outline.so)"
    assert outline_kernel.load() is not None


@pytest.mark.parametrize("kind", ["points", "lines", "polygons"])
def test_the_loop_gives_the_numpy_and_geos_distances(kind):
    rng = np.random.default_rng({"points": 21, "lines": 22, "polygons": 23}[kind])
    sites = _parcels(rng, n=2500)
    targets = _targets(rng, kind)
    o = Outlines(sites)
    with_loop = outline_distance(sites, targets, outlines=o)
    numpy_only = outline_distance(sites, targets, outlines=o, use_kernel=False)
    want = shapely.distance(sites[:, None], targets[None, :]).min(axis=1)
    np.testing.assert_allclose(with_loop, numpy_only, rtol=1e-12, atol=1e-9)
    assert np.abs(with_loop - want).max() <= 1e-6
    assert (want == 0).any() and (want > 0).any()  # touching and far sites both occur


def test_the_loop_leaves_near_holed_and_multi_part_sites_to_the_search():
    rng = np.random.default_rng(5)
    sites = _parcels(rng, n=800)
    targets = _targets(rng, "lines")
    o = Outlines(sites)
    from hljgis.analysis.distance import _buckets, _Pieces

    pieces = _Pieces(targets)
    order, bucket, cand, cstart, reps = _buckets(o, pieces.a, pieces.b)
    got, flagged = outline_kernel.measure(o, order, bucket, cand, cstart, reps, pieces.a,
                                          pieces.b, lambda: None)
    assert flagged[o.geos].all()  # holed, two-part, point sites
    touching = shapely.distance(sites, shapely.union_all(targets)) == 0
    assert touching.sum() > 20 and flagged[touching].all()  # GEOS decides those
    done = ~flagged
    want = shapely.distance(sites[done, None], targets[None, :]).min(axis=1)
    assert done.sum() > 500 and np.abs(got[done] - want).max() <= 1e-6


def test_without_a_compiler_nothing_is_built(monkeypatch, capsys):
    from hljgis import _native

    monkeypatch.delenv("CC", raising=False)
    monkeypatch.setattr(_native.shutil, "which", lambda name: None)
    assert outline_kernel.build() is None
    assert "numpy" in capsys.readouterr().err


def test_a_failing_compiler_leaves_the_built_loop_alone(tmp_path, capsys):
    before = outline_kernel.LIBRARY.read_bytes()
    assert outline_kernel.build(compiler="false") is None
    assert "failed" in capsys.readouterr().err
    assert outline_kernel.LIBRARY.read_bytes() == before
    assert outline_kernel.load() is not None


def test_extents_in_c_are_numpy_s_to_the_bit(monkeypatch):
    rng = np.random.default_rng(9)
    sites = _parcels(rng, n=700).astype(object)
    sites[[3, 300]] = None  # sites without vertices keep zero extents
    with_c = Outlines(sites)
    monkeypatch.setattr(outline_kernel, "load", lambda: None)
    numpy_only = Outlines(sites)
    for name in ("cx", "cy", "hw", "hh", "r", "_ext"):
        np.testing.assert_array_equal(getattr(with_c, name), getattr(numpy_only, name))


@pytest.mark.parametrize("kind", ["polygons", "points"])
def test_outlines_from_the_file_s_wkb_are_geos_s(tmp_path, monkeypatch, kind):
    """Sites read from a file keep its WKB: their vertices come from it, the same as
    GEOS gives them (holes, one- and two-part multipolygons, an empty polygon)."""
    import geopandas as gpd

    from hljgis.io.gdal_frame import read_frame

    rng = np.random.default_rng(4)
    if kind == "points":
        geoms = list(shapely.points(rng.uniform(0, 1000, (300, 2))))
    else:
        geoms = list(_parcels(rng, n=300)[:-1])  # the point site: a layer has one family
        geoms += [shapely.MultiPolygon([shapely.box(0, 0, 5, 5)]),
                  shapely.MultiPolygon([shapely.box(0, 0, 5, 5).difference(
                      shapely.box(1, 1, 2, 2))]), shapely.Polygon()]
    path = tmp_path / "sites.gpkg"
    gpd.GeoDataFrame({"n": np.arange(len(geoms))}, geometry=geoms,
                     crs="EPSG:4553").to_file(path)
    sites = read_frame(path, keep_wkb=True).geometry.values
    assert outline_kernel.wkb_rings(np.asarray(sites)) is not None  # the WKB was used
    from_wkb = Outlines(np.asarray(sites))
    monkeypatch.setattr(outline_kernel, "wkb_rings", lambda geoms: None)
    from_geos = Outlines(np.asarray(sites))
    for name in ("nv", "first", "xy", "count", "geos", "blank", "cx", "cy", "r", "_ext"):
        np.testing.assert_array_equal(getattr(from_wkb, name), getattr(from_geos, name))


def test_sites_not_read_from_a_file_are_read_by_geos():
    sites = np.array([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)])
    assert outline_kernel.wkb_rings(sites) is None
    assert Outlines(sites).count.tolist() == [4, 4]


@pytest.mark.parametrize("seed", range(8))
def test_the_loop_agrees_with_geos_on_varied_data(seed):
    """Small and huge extents, zone-prefixed eastings, densified outlines (repeated and
    collinear vertices), a zero-length segment and a point on a site's vertex."""
    rng = np.random.default_rng(100 + seed)
    ext = [100.0, 20_000.0, 400_000.0][seed % 3]
    org = np.array([[0.0, 500_000.0, 39_500_000.0][seed % 3], 5_000_000.0])
    pts = rng.uniform(0, ext, (600, 2)) + org
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts)))
    cells = shapely.intersection(cells, shapely.box(*org, *(org + ext)))
    if seed % 2:
        cells = shapely.segmentize(cells, ext / 50)
    v = shapely.get_coordinates(cells[0])[0]
    kinds = [shapely.points(rng.uniform(-0.2 * ext, 1.2 * ext, (9, 2)) + org),
             shapely.buffer(shapely.points(rng.uniform(0, ext, (4, 2)) + org), ext / 20),
             np.array([shapely.LineString([v + ext / 99, v + ext / 99, v + ext / 3]),
                       shapely.Point(*v)])]
    for targets in kinds:
        got = outline_distance(cells, targets)
        want = shapely.distance(cells[:, None], targets[None, :]).min(axis=1)
        assert np.abs(got - want).max() <= 1e-6


def test_wkb_the_reader_does_not_know_goes_to_geos(tmp_path):
    """MultiPoint sites are kept WKB (canonical) the C reader does not walk: GEOS reads them."""
    import geopandas as gpd

    from hljgis.io.gdal_frame import read_frame

    geoms = [shapely.MultiPoint([(i, 0), (i + 0.5, 1)]) for i in range(50)]
    path = tmp_path / "mp.gpkg"
    gpd.GeoDataFrame({"n": np.arange(50)}, geometry=geoms, crs="EPSG:4553").to_file(path)
    frame = read_frame(path, keep_wkb=True)
    sites = np.asarray(frame.geometry.values)
    from hljgis.io.source_wkb import lookup

    assert lookup(sites) is not None and outline_kernel.wkb_rings(sites) is None
    o = Outlines(sites)
    np.testing.assert_array_equal(o.xy, shapely.get_coordinates(sites))
    assert o.geos.all()  # multi-part sites: GEOS measures them


def _kept(tmp_path, geoms, name="c.gpkg"):
    """``geoms`` written to a GeoPackage and read back with their WKB kept (while the
    returned geometry array lives)."""
    import geopandas as gpd

    from hljgis.io.gdal_frame import read_frame

    path = tmp_path / name
    gpd.GeoDataFrame({"n": np.arange(len(geoms))}, geometry=list(geoms),
                     crs="EPSG:4553").to_file(path)
    return read_frame(path, keep_wkb=True).geometry.values


def test_centroids_from_the_file_s_wkb_are_geos_s_to_the_bit(tmp_path):
    """Centroids in C from the kept WKB equal GEOS's bit for bit: both orientations,
    holes, multi-part, a bow-tie, zero-area polygons (GEOS falls back to the segments'
    midpoints, then to the points), an empty polygon and empty parts, big eastings."""
    from hljgis.analysis.context import centroid_xy

    rng = np.random.default_rng(9)
    parcels = list(_parcels(rng, n=400)[:-1])
    org = np.array([39_500_000.0, 5_000_000.0])

    def at(pts):  # far east: zone-prefixed eastings
        return org + np.asarray(pts, dtype=float)

    ccw = shapely.Polygon(at([(0, 0), (10, 0), (10, 7), (0, 7)]))
    cw = shapely.Polygon(at([(0, 0), (10, 0), (10, 7), (0, 7)])[::-1])
    holed_cw = shapely.Polygon(at([(0, 0), (0, 9), (9, 9), (9, 0)]),
                               [at([(2, 2), (2, 3), (3, 3), (3, 2)])])
    odd = [
        ccw, cw, holed_cw,
        shapely.Polygon([(0, 0), (4, 4), (4, 0), (0, 4)]),  # bow-tie
        shapely.Polygon([(0, 0), (5, 0), (10, 0), (0, 0)]),  # flat: a line
        shapely.Polygon([(3, 3), (3, 3), (3, 3), (3, 3)]),  # a point
        shapely.Polygon(),
        shapely.MultiPolygon([ccw, shapely.box(*(org + 20), *(org + 25))]),
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 5.5, 9)]),
        shapely.Polygon([(0, 0), (1, 0), (1, 1), (0.5, 1), (0.5, 1), (0, 1)]),  # flat top
    ]
    kept = _kept(tmp_path, parcels + odd)
    sites = np.asarray(kept)
    got = outline_kernel.wkb_centroids(sites)
    assert got is not None  # the WKB was used
    want = shapely.get_coordinates(shapely.centroid(sites), include_z=False)
    blank = shapely.is_empty(sites)
    assert np.isnan(got[blank]).all() and blank.sum() == 1
    np.testing.assert_array_equal(got[~blank], want)
    np.testing.assert_array_equal(centroid_xy(sites), got)


def test_centroids_of_points_from_the_wkb(tmp_path):
    pts = shapely.points(np.random.default_rng(1).uniform(0, 1000, (50, 2)))
    kept = _kept(tmp_path, pts)
    sites = np.asarray(kept)
    np.testing.assert_array_equal(outline_kernel.wkb_centroids(sites),
                                  shapely.get_coordinates(sites))


def test_centroids_without_kept_wkb_come_from_geos(tmp_path):
    """Sites built in memory, or a kind the reader does not walk (MultiPoint): GEOS."""
    from hljgis.analysis.context import centroid_xy

    boxes = np.array([shapely.box(0, 0, 2, 2), shapely.box(4, 0, 6, 2)])
    assert outline_kernel.wkb_centroids(boxes) is None
    assert centroid_xy(boxes).tolist() == [[1.0, 1.0], [5.0, 1.0]]
    kept = _kept(tmp_path, [shapely.MultiPoint([(i, 0), (i + 1, 2)]) for i in range(10)])
    multi = np.asarray(kept)
    from hljgis.io.source_wkb import lookup

    assert lookup(multi) is not None and outline_kernel.wkb_centroids(multi) is None
    np.testing.assert_array_equal(centroid_xy(multi),
                                  shapely.get_coordinates(shapely.centroid(multi)))
