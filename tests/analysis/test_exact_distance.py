"""Outline distances equal GEOS distances; a parcel ranking equals the geopandas pipeline's."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hljgis.analysis import run_scenario
from hljgis.analysis.distance import Outlines, outline_distance

CRS = "EPSG:4553"
ORIGIN = np.array([500_000.0, 5_150_000.0])


def _parcels(rng, n=1500, extent=20_000.0):
    """Clipped Voronoi parcels, plus a holed parcel, a two-part parcel and a point site."""
    pts = shapely.multipoints(rng.uniform(0, extent, (n, 2)) + ORIGIN)
    frame = shapely.box(*ORIGIN, *(ORIGIN + extent))
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(pts)), frame)
    x, y = ORIGIN + 3000
    holed = shapely.Polygon([(x, y), (x + 900, y), (x + 900, y + 900), (x, y + 900)],
                            [[(x + 300, y + 300), (x + 600, y + 300), (x + 600, y + 600),
                              (x + 300, y + 600)]])
    two = shapely.MultiPolygon([shapely.box(x + 2000, y, x + 2100, y + 100),
                                shapely.box(x + 2500, y + 400, x + 2600, y + 500)])
    return np.concatenate([cells, [holed, two, shapely.Point(x + 5000, y + 5000)]])


def _targets(rng, kind, extent=20_000.0):
    if kind == "points":
        return shapely.points(rng.uniform(0, extent, (25, 2)) + ORIGIN)
    if kind == "lines":
        start = rng.uniform(0, extent, (6, 1, 2)) + ORIGIN
        walk = start + np.cumsum(rng.normal(0, 3000, (6, 8, 2)), axis=1)
        lines = shapely.linestrings(np.concatenate([start, walk], axis=1))
        return np.concatenate([lines, [shapely.MultiLineString(
            [[(ORIGIN[0] + 100, ORIGIN[1] + 100), (ORIGIN[0] + 9000, ORIGIN[1] + 150)],
             [(ORIGIN[0] + 9000, ORIGIN[1] + 9000), (ORIGIN[0] + 9500, ORIGIN[1] + 15000)]])]])
    centres = shapely.points(rng.uniform(0, extent, (8, 2)) + ORIGIN)
    parks = shapely.buffer(centres, rng.uniform(200, 1500, 8))
    x, y = ORIGIN + 3000  # a park inside the holed parcel's hole: not touching it
    return np.concatenate([parks, [shapely.box(x + 350, y + 350, x + 550, y + 550)]])


@pytest.mark.parametrize("kind", ["points", "lines", "polygons"])
def test_outline_distance_equals_geos(kind):
    rng = np.random.default_rng({"points": 1, "lines": 2, "polygons": 3}[kind])
    sites = _parcels(rng)
    targets = _targets(rng, kind)
    got = outline_distance(sites, targets)
    want = shapely.distance(sites[:, None], targets[None, :]).min(axis=1)
    assert np.abs(got - want).max() <= 1e-6
    assert (want == 0).any() and (want > 0).any()  # touching and far sites both occur


def test_outline_distance_shared_outlines_and_touching_edge():
    sites = np.array([shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)])
    line = np.array([shapely.LineString([(10, -50), (10, 50)])])  # along the first's edge
    outlines = Outlines(sites)
    np.testing.assert_allclose(outline_distance(sites, line, outlines=outlines), [0.0, 10.0])
    assert outline_distance(sites[:0], line).shape == (0,)
    assert np.isinf(outline_distance(sites, line[:0])).all()


def test_parcel_ranking_equals_geopandas_pipeline():
    rng = np.random.default_rng(4)
    polys = _parcels(rng)[:-1]  # polygons only: the point site has no outline to rank
    sites = gpd.GeoDataFrame({"pid": np.arange(len(polys)).astype(str)}, geometry=polys,
                             crs=CRS)
    layers = {k: gpd.GeoDataFrame(geometry=_targets(rng, k), crs=CRS)
              for k in ("points", "lines", "polygons")}
    zones = gpd.GeoDataFrame(geometry=shapely.buffer(
        shapely.points(rng.uniform(0, 20_000, (6, 2)) + ORIGIN), 800), crs=CRS)
    fd = {"kind": "fuzzy_decreasing", "a": 0, "b": 8000}
    sc = {"name": "p", "candidates": {"kind": "layer", "layer": "sites", "id_field": "pid"},
          "criteria": [{"name": k, "kind": "distance", "layer": k, "measure": "edge",
                        "weight": w, "transform": fd}
                       for k, w in (("points", 3), ("lines", 2), ("polygons", 1))],
          "constraints": [{"name": "z", "kind": "outside", "layer": "zones",
                           "reason": "subsidence"}]}
    result = run_scenario({"sites": sites, "zones": zones, **layers}, sc)
    res = result.gdf
    assert result.layer().provenance["note"].endswith(
        "distances from outlines: points, lines, polygons")

    base = sites.assign(sid=np.arange(len(sites)))
    total = np.zeros(len(base))
    for k, w in (("points", 3), ("lines", 2), ("polygons", 1)):
        j = gpd.sjoin_nearest(base[["sid", "geometry"]], layers[k], distance_col="d")
        d = j.groupby("sid")["d"].min().reindex(base["sid"]).to_numpy()
        assert np.abs(res[f"raw_{k}"].to_numpy() - d).max() <= 1e-6
        total += w * np.clip(1 - d / 8000, 0, 1)
    hit = gpd.sjoin(base, zones, predicate="intersects")["sid"].unique()
    excluded = base["sid"].isin(hit).to_numpy()
    score = np.where(excluded, np.nan, total / 6)
    rank = gpd.pd.Series(score).rank(ascending=False, method="min").to_numpy()
    assert excluded.any()
    np.testing.assert_array_equal(res["excluded"].to_numpy(bool), excluded)
    np.testing.assert_array_equal(res["rank"].to_numpy(float, na_value=np.nan), rank)


def test_blank_sites_and_no_scipy(monkeypatch):
    from hljgis.analysis import kernels

    sites = np.array([shapely.box(0, 0, 10, 10), None, shapely.Polygon(),
                      shapely.box(30, 0, 40, 10)], dtype=object)
    line = np.array([shapely.LineString([(15, -50), (15, 50)])])
    want = [5.0, np.inf, np.inf, 15.0]
    np.testing.assert_allclose(outline_distance(sites, line), want)
    monkeypatch.setattr(kernels, "kdtree", lambda: None)  # scipy missing: numpy's search
    monkeypatch.setattr(kernels, "BRUTE_PAIRS", 0)
    np.testing.assert_allclose(outline_distance(sites, line), want)


@pytest.mark.parametrize("kind", ["points", "lines", "polygons"])
def test_k_d_tree_and_numpy_nearest_give_the_same_distances(monkeypatch, kind):
    from hljgis.analysis import kernels

    rng = np.random.default_rng(11)
    sites = _parcels(rng, n=900)
    targets = _targets(rng, kind)
    monkeypatch.setattr(kernels, "BRUTE_PAIRS", 0)  # every look-up by the k-d tree
    with_tree = outline_distance(sites, targets)
    monkeypatch.setattr(kernels, "BRUTE_PAIRS", 1 << 40)  # every one in numpy
    np.testing.assert_array_equal(outline_distance(sites, targets), with_tree)
    want = shapely.distance(sites[:, None], targets[None, :]).min(axis=1)
    np.testing.assert_allclose(with_tree, want, rtol=0, atol=1e-6)


def test_nearest_k_in_numpy_is_the_k_d_tree_s_answer(monkeypatch):
    from hljgis.analysis import kernels

    rng = np.random.default_rng(2)
    pts = rng.uniform(0, 1000, (300, 2))
    qs = rng.uniform(-100, 1100, (5000, 2))
    tree = kernels.kdtree()(pts)

    def no_tree():
        raise AssertionError("the k-d tree was asked for")

    monkeypatch.setattr(kernels, "kdtree", no_tree)  # 1.5M pairs: numpy's way
    monkeypatch.setattr(kernels, "_BRUTE_ROWS", 1000)  # several slices of queries
    for k in (1, 2, 4, 300):
        d, i = kernels.nearest_k(pts, qs, k)
        dt, it = tree.query(qs, k=k)
        np.testing.assert_allclose(d, dt.reshape(-1, k), rtol=1e-12)
        np.testing.assert_array_equal(i, it.reshape(-1, k))  # no ties in random data


def test_small_slices_give_the_same_distances(monkeypatch):
    from hljgis.analysis import distance

    rng = np.random.default_rng(5)
    sites = _parcels(rng, n=400)
    targets = _targets(rng, "lines")
    whole = outline_distance(sites, targets)
    monkeypatch.setattr(distance, "_EDGE_ROWS", 37)  # many slices of the exact pass
    monkeypatch.setattr(distance, "_BLOCK", 500)  # many blocks of candidate pairs
    monkeypatch.setattr(distance, "_SITE_SLICE", 29)  # many slices of the GEOS reads
    np.testing.assert_array_equal(outline_distance(sites, targets), whole)


def test_outlines_counted_in_slices_are_the_sites_own(monkeypatch):
    from hljgis.analysis import distance

    rng = np.random.default_rng(8)
    sites = _parcels(rng, n=300).astype(object)
    sites[[0, 7, 8, 150, -1]] = [None, shapely.Polygon(), None,
                                 shapely.box(0, 0, 5, 5).difference(shapely.box(1, 1, 2, 2)),
                                 None]
    monkeypatch.setattr(distance, "_SITE_SLICE", 8)  # slices begin and end on blanks
    o = Outlines(sites)
    np.testing.assert_array_equal(o.xy, shapely.get_coordinates(sites))
    np.testing.assert_array_equal(o.nv, shapely.get_num_coordinates(sites))
    assert o.blank[[0, 7, 8, -1]].all() and not o.blank[1:7].any()
    assert o.geos[150] and o.count[150] == 0  # a holed site: GEOS measures it


def test_the_result_says_where_distances_are_measured_from():
    from hljgis.analysis.run import distance_note, resolve_scenario

    fd = {"kind": "fuzzy_decreasing", "a": 0, "b": 8000}
    crit = [{"name": "a", "kind": "distance", "layer": "x", "measure": "edge", "transform": fd},
            {"name": "b", "kind": "distance", "layer": "x", "transform": fd}]
    sc = resolve_scenario({"name": "m", "candidates": {"kind": "layer", "layer": "s"},
                           "criteria": crit})
    assert distance_note(sc) == "; distances from outlines: a; from centroids: b"


def test_far_finely_drawn_targets_equal_geos():
    """Far parks and roads of many short segments: the pieces beside a bucket of sites are
    dropped (distance.py ``_facing``) and the near ties kept; the result is still GEOS's."""
    rng = np.random.default_rng(6)
    sites = _parcels(rng, n=3000)
    far = ORIGIN + np.array([[45_000.0, 10_000.0], [-30_000.0, 35_000.0]])
    parks = shapely.buffer(shapely.points(far), [3000.0, 1200.0], quad_segs=64)
    t = np.linspace(0, 1, 400)
    road = shapely.linestrings(np.column_stack([ORIGIN[0] - 25_000 + 60_000 * t,
                                                ORIGIN[1] - 20_000 + 800 * np.sin(40 * t)]))
    for targets in (parks, np.array([road]), np.concatenate([parks, [road]])):
        want = shapely.distance(sites[:, None], targets[None, :]).min(axis=1)
        assert np.abs(outline_distance(sites, targets) - want).max() <= 1e-6


def test_a_far_near_tie_keeps_the_nearer_piece():
    """Two far pieces 1e-5 m apart in distance: the one nearer the site's centre is not the
    nearer to the site (its corner reaches towards the other). Rounding slack must keep
    the other (at 55 km a relative 1e-9 is 5.5e-5 m)."""
    site = np.array([shapely.box(0, 0, 100, 100)])  # centre (50, 50), corner 70.71 m away
    side = shapely.LineString([(55_050, 40), (55_050, 60)])  # 54,950 m from the site
    u = np.array([1.0, 1.0]) / np.sqrt(2.0)
    at = 50 + (54_950 - 1e-5 + 50 * np.sqrt(2.0)) * u
    corner = shapely.LineString([at - 10 * u[::-1] * [1, -1], at + 10 * u[::-1] * [1, -1]])
    targets = np.array([side, corner])
    want = shapely.distance(site[0], targets).min()
    assert abs(want - (54_950 - 1e-5)) < 1e-6
    assert abs(outline_distance(site, targets)[0] - want) <= 1e-7


def _geos(sites, targets):
    return shapely.distance(sites[:, None], targets[None, :]).min(axis=1)


def test_sites_touching_inside_and_around_parks_equal_geos():
    """A park (polygon target) with sites along it: sharing an edge, meeting it at a
    corner, straddling its outline, inside it, holding it in a hole, holed and two-part
    sites beside it, and a site facing its pointed vertex (the distance then runs from
    the park's vertex to the middle of the site's edge)."""
    park = shapely.Polygon([(0, 0), (400, 0), (400, 300), (200, 600), (0, 300)])
    sites = np.array([
        shapely.box(400, 0, 500, 100),  # shares an edge
        shapely.box(400, -100, 500, 0),  # meets a corner
        shapely.box(350, 100, 450, 200),  # straddles the outline
        shapely.box(100, 100, 150, 150),  # inside
        shapely.Polygon(shapely.box(-500, -500, 900, 1100).exterior.coords,  # park in its hole
                        [shapely.box(-100, -100, 500, 700).exterior.coords]),
        shapely.Polygon(shapely.box(600, 0, 800, 200).exterior.coords,  # holed, beside
                        [shapely.box(650, 50, 700, 100).exterior.coords]),
        shapely.MultiPolygon([shapely.box(-300, 0, -200, 50), shapely.box(-400, 400, -350, 450)]),
        shapely.box(100, 700, 300, 760),  # faces the pointed vertex at (200, 600)
        shapely.Polygon([(150, 650), (250, 650), (250, 650), (260, 700), (150, 700)]),  # repeat
    ])
    targets = np.array([park])
    got = outline_distance(sites, targets)
    np.testing.assert_allclose(got, _geos(sites, targets), atol=1e-9)
    assert (got[:4] == 0).all() and (got[4:] > 0).all()
    np.testing.assert_allclose(got[7], 100.0)  # vertex to the middle of an edge


def test_sites_straddling_the_normal_at_a_segment_end_equal_geos():
    """Sites whose nearest point of a segment is its interior for some vertices and an end
    for others (all three terms needed), beside a line's end and a polyline's bend."""
    line = shapely.LineString([(0, 0), (1000, 0), (1500, 700)])
    xs = np.linspace(-300, 1800, 43)
    sites = np.concatenate([
        shapely.box(xs - 40, 200, xs + 40, 260),
        shapely.box(xs - 120, -400, xs + 90, -330),
        shapely.buffer(shapely.points(xs, np.full_like(xs, 300.0)), 60, quad_segs=3),
    ])
    got = outline_distance(sites, np.array([line]))
    assert np.abs(got - _geos(sites, np.array([line]))).max() <= 1e-9


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_random_sites_and_targets_equal_geos_under_any_slicing(seed, monkeypatch):
    """Random parcels of mixed sizes against parks, roads and points together, with the
    bucket, block and row slices shrunk and grown: the distances stay GEOS's."""
    from hljgis.analysis import distance

    rng = np.random.default_rng(seed)
    sites = _parcels(rng, n=800)
    squares = shapely.box(*(ORIGIN + rng.uniform(0, 20_000, 2)), *(ORIGIN + 20_500))
    sites = np.concatenate([sites, [squares]])
    targets = np.concatenate([_targets(rng, "polygons"), _targets(rng, "lines"),
                              _targets(rng, "points")[:5]])
    want = _geos(sites, targets)
    for side, block, rows in ((4, 1 << 15, 1 << 16), (1, 300, 50), (9, 7, 1 << 20)):
        monkeypatch.setattr(distance, "_BUCKET_SIDE", side)
        monkeypatch.setattr(distance, "_BLOCK", block)
        monkeypatch.setattr(distance, "_EDGE_ROWS", rows)
        monkeypatch.setattr(distance, "_BUCKET_SLICE", 5)
        assert np.abs(outline_distance(sites, targets) - want).max() <= 1e-6


def test_outline_bounds_hold_every_vertex():
    """Outlines.support bounds <v - c, u> from above and below in every direction."""
    rng = np.random.default_rng(10)
    sites = _parcels(rng, n=300)
    o = Outlines(sites)
    site = np.repeat(np.arange(len(sites)), 16)
    ang = rng.uniform(0, 2 * np.pi, len(site))
    ux, uy = np.cos(ang), np.sin(ang)
    hi, lo = o.support(site, ux, uy)
    for i in range(len(site)):
        v = shapely.get_coordinates(sites[site[i]])
        proj = (v[:, 0] - o.cx[site[i]]) * ux[i] + (v[:, 1] - o.cy[site[i]]) * uy[i]
        assert proj.max() <= hi[i] and proj.min() >= lo[i]
        assert np.hypot(*(v - [o.cx[site[i]], o.cy[site[i]]]).T).max() <= o.r[site[i]]


def test_ranking_a_town_of_parcels_does_not_import_scipy():
    """scipy.spatial costs 0.15-0.2 s to import: measuring a few thousand parcels to a few
    hundred target pieces compares every pair in numpy instead."""
    import subprocess
    import sys

    code = ("import sys, numpy as np, shapely\n"
            "from hljgis.analysis.distance import outline_distance\n"
            "x, y = np.meshgrid(np.arange(60) * 100.0, np.arange(50) * 100.0)\n"
            "sites = shapely.box(x.ravel(), y.ravel(), x.ravel() + 90, y.ravel() + 90)\n"
            "road = np.array([shapely.LineString([(-500, 0), (3000, 7000), (9000, 100)])])\n"
            "park = np.array([shapely.Point(2000, 2500).buffer(700)])\n"
            "stations = shapely.points([[1000, 1000], [5000, 4000]])\n"
            "for t in (road, park, stations):\n"
            "    d = outline_distance(sites, t)\n"
            "    want = shapely.distance(sites[:, None], t[None, :]).min(axis=1)\n"
            "    assert np.abs(d - want).max() < 1e-6\n"
            "print('scipy.spatial' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
