"""Criteria raw values against brute-force shapely and a hand-made raster."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import CRS
from rasterio.transform import from_origin
from shapely.geometry import box

from hljgis.analysis.criteria import (
    LayerStore,
    SiteContext,
    edge_distance,
    nearest_distance,
    overlap_share,
    zonal_stat,
)

METRIC = CRS.from_epsg(4553)
X0, Y0 = 500_000.0, 5_150_000.0


def _sites(rng, n=2000, size=80.0):
    x = X0 + rng.uniform(0, 20_000, n)
    y = Y0 + rng.uniform(0, 20_000, n)
    return shapely.box(x, y, x + size, y + size)


def _brute(points, targets):
    return shapely.distance(points[:, None], targets[None, :]).min(axis=1)


@pytest.mark.parametrize("kind", ["points", "lines", "polygons"])
def test_nearest_distance_matches_brute_force(kind):
    rng = np.random.default_rng(1)
    sites = _sites(rng)
    xy = shapely.get_coordinates(shapely.centroid(sites))
    if kind == "points":
        targets = shapely.points(X0 + rng.uniform(0, 20_000, (30, 2)) * [1, 1] + [0, Y0 - X0])
    elif kind == "lines":
        start = rng.uniform(0, 20_000, (25, 1, 2)) + np.array([X0, Y0])
        coords = np.concatenate([start, start + np.cumsum(rng.normal(0, 1500, (25, 6, 2)),
                                                          axis=1)], axis=1)
        targets = shapely.linestrings(coords)
    else:
        centres = shapely.points(rng.uniform(0, 20_000, (12, 2)) + np.array([X0, Y0]))
        targets = shapely.buffer(centres, rng.uniform(300, 2000, 12))
    got = nearest_distance(xy, targets)
    want = _brute(shapely.points(xy), targets)
    np.testing.assert_allclose(got, want, atol=1e-6)
    if kind == "polygons":
        assert (got == 0).sum() > 0  # some centroids lie inside a polygon


def test_edge_distance_matches_brute_force():
    rng = np.random.default_rng(2)
    sites = _sites(rng, 300)
    origin = np.array([X0, Y0])
    targets = shapely.buffer(shapely.points(rng.uniform(0, 20_000, (5, 2)) + origin), 500)
    np.testing.assert_allclose(edge_distance(sites, targets), _brute(sites, targets), atol=1e-9)


def test_overlap_share_matches_per_feature_intersection():
    rng = np.random.default_rng(3)
    sites = _sites(rng, 3000, size=300.0)
    centres = shapely.points(rng.uniform(0, 20_000, (40, 2)) + np.array([X0, Y0]))
    overlay = shapely.buffer(centres, rng.uniform(200, 1500, 40))  # overlapping discs
    got = overlap_share(sites, overlay)
    merged = shapely.union_all(overlay)
    want = shapely.area(shapely.intersection(sites, merged)) / shapely.area(sites)
    np.testing.assert_allclose(got, want, atol=1e-9)
    assert (got == 1).any() and (got == 0).any() and ((got > 0) & (got < 1)).any()


def _ctx(sites):
    gdf = gpd.GeoDataFrame(geometry=list(sites), crs=METRIC)
    return SiteContext(gdf, LayerStore({}, METRIC))


@pytest.fixture
def raster(tmp_path):
    """6 x 6 pixels of 10 m, value = 10 * row + col, nodata at (0, 0)."""
    data = (10 * np.arange(6)[:, None] + np.arange(6)[None, :]).astype("float32")
    data[0, 0] = -9999
    path = tmp_path / "r.tif"
    with rasterio.open(path, "w", driver="GTiff", width=6, height=6, count=1, dtype="float32",
                       crs=METRIC, transform=from_origin(X0, Y0 + 60, 10, 10),
                       nodata=-9999) as dst:
        dst.write(data, 1)
    return str(path)


def test_zonal_mean_and_max_by_hand(raster):
    sites = np.array([
        box(X0, Y0 + 40, X0 + 20, Y0 + 60),  # rows 0-1, cols 0-1: 1, 10, 11 (0,0 nodata)
        box(X0 + 20, Y0, X0 + 60, Y0 + 20),  # rows 4-5, cols 2-5
        box(X0 + 100, Y0, X0 + 120, Y0 + 20),  # outside the raster
    ])
    ctx = _ctx(sites)
    mean = zonal_stat(ctx, raster, "mean", method="rasterize")
    mx = zonal_stat(ctx, raster, "max", method="rasterize")
    block = 10 * np.arange(4, 6)[:, None] + np.arange(2, 6)[None, :]
    np.testing.assert_allclose(mean[:2], [(1 + 10 + 11) / 3, block.mean()])
    np.testing.assert_allclose(mx[:2], [11, block.max()])
    assert np.isnan(mean[2]) and np.isnan(mx[2])


def test_zonal_centroid_sampling_for_small_cells(raster):
    sites = np.array([box(X0 + 31, Y0 + 21, X0 + 39, Y0 + 29)])  # inside pixel row 3, col 3
    ctx = _ctx(sites)
    assert zonal_stat(ctx, raster, "mean")[0] == 33  # auto -> centroid
    assert zonal_stat(ctx, raster, "mean", method="rasterize")[0] == 33  # fallback


def test_every_kind_has_one_measuring_function_and_unknown_kinds_are_refused():
    import pandas as pd

    from hljgis.analysis.criteria import (
        CRITERION_KINDS,
        MEASURE_BY_KIND,
        Criterion,
        compute_criterion,
    )
    from hljgis.analysis.transforms import TransformSpec

    assert tuple(MEASURE_BY_KIND) == CRITERION_KINDS
    sites = pd.DataFrame({"a": [1.0, np.nan, 3.0]})
    ctx = SiteContext(sites, LayerStore({}, METRIC), geoms=np.array([None] * 3))
    crit = Criterion("a", "attribute", TransformSpec("linear", {"lo": 0, "hi": 1}),
                     field="a", fill=2.0)
    np.testing.assert_array_equal(compute_criterion(crit, ctx), [1.0, 2.0, 3.0])
    crit.kind = "slope"
    with pytest.raises(ValueError, match="criterion 'a': unknown kind 'slope'"):
        compute_criterion(crit, ctx)


def test_no_module_imports_a_private_name_from_another_analysis_module():
    import ast
    from pathlib import Path

    import hljgis.analysis as pkg

    allowed: set = set()
    found = []
    for path in Path(pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hljgis"):
                found += [(path.name, a.name) for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")
                          and (path.name, a.name) not in allowed]
    assert found == []
