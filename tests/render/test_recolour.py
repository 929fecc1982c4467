"""New values on the same geometry re-colour from the cached pixels, exactly as a fresh
render of the new values draws them."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PySide6.QtGui import QColor, QImage

from hljgis.core.crs import transform_bounds
from hljgis.core.layer import VectorLayer
from hljgis.core.style import graduated_renderer
from hljgis.render import MapRenderer

SIZE = (320, 200)


def cells(n_side: int = 60, seed: int = 0) -> gpd.GeoDataFrame:
    """A square grid of 250 m cells with a score, some cells without one."""
    jj, ii = np.meshgrid(np.arange(n_side), np.arange(n_side))
    x0 = 500_000.0 + jj.ravel() * 250.0
    y0 = 5_100_000.0 + ii.ravel() * 250.0
    score = np.random.default_rng(seed).random(n_side * n_side)
    score[::17] = np.nan
    return gpd.GeoDataFrame({"score": score}, geometry=shapely.box(x0, y0, x0 + 250, y0 + 250),
                            crs="EPSG:4552")


def same_geometry_new_scores(gdf: gpd.GeoDataFrame, seed: int) -> gpd.GeoDataFrame:
    """What a re-score makes: a new frame over the old frame's geometry array."""
    score = np.random.default_rng(seed).random(len(gdf))
    score[::5] = np.nan  # other sites excluded now: not drawn
    return gpd.GeoDataFrame(pd.DataFrame({"score": score, "geometry": gdf.geometry.array},
                                         copy=False), geometry="geometry", copy=False)


def frame(renderer, layer, crs) -> np.ndarray:
    img = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("#ffffff"))
    extent = transform_bounds(layer.bounds, layer.crs, crs)
    renderer.render(img, [layer], extent, size=SIZE, dpi=96, crs=crs)
    ptr = img.constBits()
    return np.frombuffer(ptr, np.uint32, SIZE[0] * SIZE[1]).reshape(SIZE[1], SIZE[0]).copy()


@pytest.mark.parametrize("crs", ["EPSG:4552", "EPSG:4490"])  # cells as boxes / as polygons
def test_new_values_recolour_like_a_fresh_render(app, crs):
    gdf = cells()
    layer = VectorLayer(gdf, "ranked")
    style = {"renderer": graduated_renderer(pd.Series(np.linspace(0, 1, 11)), "score",
                                            "equal_interval", 5, "YlGnBu")}
    layer.style = style
    renderer = MapRenderer()
    before = frame(renderer, layer, crs)
    map_crs = renderer.transform.crs
    prep = renderer._cache.get(layer, map_crs)
    assert prep._pixels, "the fill should have gone through the cached pixel path"

    layer.set_data(same_geometry_new_scores(gdf, 1))
    again = frame(renderer, layer, crs)
    fresh = frame(MapRenderer(), layer, crs)
    np.testing.assert_array_equal(again, fresh)
    assert (again != before).mean() > 0.2  # the colours did change
    white = np.uint32(0xFFFFFFFF)
    assert (again == white).sum() > (before == white).sum()  # more cells left out
    # the prepared layer (reprojection, pixel index) was kept, the classes were not
    assert renderer._cache.get(layer, map_crs) is prep
    assert prep.gdf is layer.gdf


def test_a_copied_geometry_is_prepared_again(app):
    gdf = cells(20)
    layer = VectorLayer(gdf, "ranked")
    renderer = MapRenderer()
    frame(renderer, layer, "EPSG:4552")
    old = renderer._cache.get(layer, layer.crs)
    layer.set_data(gdf.copy())  # deep copy: other geometry objects, same shapes
    assert renderer._cache.get(layer, layer.crs) is not old
    shifted = gdf.copy()
    shifted["geometry"] = gdf.geometry.translate(1000, 0)
    layer.set_data(shifted)
    assert not renderer._cache.get(layer, layer.crs).same_geometry(gdf)
