"""Drawing vector layers: sub-pixel features (a million ranking cells seen whole)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from PySide6.QtGui import QImage

from hljgis.core.layer import VectorLayer
from hljgis.render import MapRenderer


def _argb(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_ARGB32)
    arr = np.frombuffer(img.constBits(), np.uint32, img.width() * img.height())
    return arr.reshape(img.height(), img.width()).copy()


def test_reprojected_sub_pixel_cells_fill_every_pixel_without_the_scanline(monkeypatch):
    from hljgis.render import vector

    def no_scanline(*args):
        raise AssertionError("sub-pixel cells went down the scanline path")

    monkeypatch.setattr(vector, "polygon_class_image", no_scanline)
    # 200 x 200 cells of 250 m in a Gauss-Kruger zone, drawn in CGCS2000 degrees: their
    # boxes overlap a little, each is a fifth of a pixel across
    k, cell = 200, 250.0
    ii, jj = np.divmod(np.arange(k * k), k)
    x0, y0 = 500_000.0 + jj * cell, 5_100_000.0 + ii * cell
    gdf = gpd.GeoDataFrame({"v": np.ones(k * k)}, geometry=shapely.box(x0, y0, x0 + cell,
                                                                       y0 + cell),
                           crs="EPSG:4552")
    layer = VectorLayer(gdf, "cells")
    layer.style = {"renderer": {"kind": "single", "symbol": {
        "type": "fill", "fill": "#ff0000", "stroke": None}}}
    lon0, lat0, lon1, lat1 = gdf.to_crs("EPSG:4490").total_bounds
    renderer = MapRenderer()
    img = QImage(60, 60, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0xFFFFFFFF)
    renderer.render(img, [layer], (lon0, lat0, lon1, lat1), size=(60, 60), dpi=96,
                    crs="EPSG:4490", labels=False)
    info = renderer.last_stats["layers"]["cells"]
    assert info["raster"] == k * k and info["paths"] == 0
    inner = _argb(img)[3:-3, 3:-3]  # the mosaic's edge is slanted: look inside it
    assert (inner == 0xFFFF0000).all()
