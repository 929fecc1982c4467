"""The picture of its home view a project file keeps: drawn at preview size, a dense layer
as specks at the largest size where its features stay under a pixel (issue 15, point 2)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hljgis.core.home_view import home_extent
from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.export import project_picture as pic
from hljgis.render.prepare import LayerCache
from hljgis.render.vector import DUST_PX
from tests.export.picture_support import coloured_share, graduated_project, picture_rgba


def _diamonds(side: int) -> Project:
    """``side`` x ``side`` parcels, diamonds 40 m across every 100 m (not grid cells: the
    renderer cannot fill them from their boxes), graduated on a score growing to the
    north-east."""
    col, row = np.meshgrid(np.arange(side), np.arange(side))
    cx, cy = 500_000.0 + col.ravel() * 100.0, 5_100_000.0 + row.ravel() * 100.0
    ring = np.stack([np.stack([cx - 20, cx, cx + 20, cx, cx - 20], axis=1),
                     np.stack([cy, cy - 20, cy, cy + 20, cy], axis=1)], axis=2)
    gdf = gpd.GeoDataFrame({"score": (col + row).ravel().astype(float)},
                           geometry=shapely.polygons(ring), crs="EPSG:4552")
    return graduated_project(gdf, "picture")


@pytest.fixture(scope="module")
def dense():
    from hljgis.export._qt import ensure_gui_app

    ensure_gui_app()
    return _diamonds(200)  # 40,000 parcels


def _mean_colour(png: bytes) -> np.ndarray:
    arr = picture_rgba(png).astype(float)
    drawn = arr[..., 3] > 128
    return arr[drawn][:, :3].mean(axis=0)


def _green(arr: np.ndarray) -> float:
    """Mean green of the drawn pixels (yellow has much, dark red none)."""
    return float(arr[arr[..., 3] > 128][:, 1].mean())


def test_a_dense_layer_is_drawn_as_specks_at_the_largest_size_it_allows(dense, monkeypatch):
    monkeypatch.setattr(pic, "DENSE_FEATURES", 10_000)
    extent = home_extent(dense)
    span = max(extent[2] - extent[0], extent[3] - extent[1])
    px = pic.picture_px(dense, extent, LayerCache())
    longest = 40.0 * px / span  # each diamond is 40 m across
    assert pic.MIN_PX <= px < pic.PREVIEW_PX
    assert DUST_PX * 0.9 < longest < DUST_PX  # every parcel a speck, the picture no smaller
    picture = pic.draw_preview(dense)
    assert max(picture_rgba(picture.png).shape[:2]) == px
    assert picture.extent == pytest.approx(extent) and picture.layers == ("parcels",)
    assert coloured_share(picture.png) > 0.05  # a speck per parcel
    # the specks show what the full drawing shows: the same colours, in the same places
    monkeypatch.setattr(pic, "DENSE_FEATURES", 10**9)
    full = pic.draw_preview(dense)
    assert max(picture_rgba(full.png).shape[:2]) == pic.PREVIEW_PX
    assert np.abs(_mean_colour(picture.png) - _mean_colour(full.png)).max() < 12
    a, b = picture_rgba(picture.png), picture_rgba(full.png)
    for arr in (a, b):  # the south-west corner is light yellow, the north-east dark red
        h, w = arr.shape[:2]
        sw = _green(arr[h * 3 // 4:h * 7 // 8, w // 8:w // 4])
        ne = _green(arr[h // 8:h // 4, w * 3 // 4:w * 7 // 8])
        assert sw > 200 and ne < 60


def test_grid_cells_keep_the_full_size(dense, monkeypatch):
    """Cells never overlap, so the renderer fills them from their boxes at any size."""
    monkeypatch.setattr(pic, "DENSE_FEATURES", 1000)
    col, row = np.meshgrid(np.arange(100), np.arange(100))
    x, y = 500_000.0 + col.ravel() * 100.0, 5_100_000.0 + row.ravel() * 100.0
    cells = gpd.GeoDataFrame({"score": (col + row).ravel().astype(float)},
                             geometry=shapely.box(x, y, x + 100.0, y + 100.0), crs="EPSG:4552")
    project = Project("cells")
    project.crs = cells.crs
    project.add_layer(VectorLayer(cells, "cells"))
    assert pic.picture_px(project, home_extent(project), LayerCache()) == pic.PREVIEW_PX
    picture = pic.draw_preview(project)
    assert (picture_rgba(picture.png)[..., 3] > 128).mean() > 0.8  # the cells fill the view
    assert pic.picture_px(dense, home_extent(dense), LayerCache()) < pic.PREVIEW_PX


def test_a_project_of_smaller_layers_is_drawn_at_full_size(dense):
    small = _diamonds(50)
    picture = pic.draw_preview(small, max_px=600)
    assert max(picture_rgba(picture.png).shape[:2]) == 600
    assert coloured_share(picture.png) > 0.04


def test_offscreen_preview_for_the_cli_and_nothing_for_an_empty_project(dense):
    picture = pic.offscreen_preview(_diamonds(30))()  # a maker: first step, then draw
    assert picture is not None and coloured_share(picture.png) > 0.04
    assert pic.draw_preview(Project("empty")) is None
