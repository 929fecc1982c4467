"""A print layout's choice of layers: ``show`` draws a layer that is hidden on the map."""

import geopandas as gpd
import numpy as np
from PySide6.QtGui import QImage
from shapely.geometry import box

from hljgis.core.layer import VectorLayer
from hljgis.render.renderer import render_image


def _dark(img: QImage) -> int:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return int((arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., :3]
                .sum(axis=2) < 600).sum())


def test_hidden_layer_drawn_only_when_shown():
    gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10)], crs=4326)
    layer = VectorLayer(gdf, "parcel", visible=False, style={"renderer": {
        "kind": "single", "symbol": {"type": "fill", "fill": "#202020", "stroke": "#000000"}}})
    extent = (-1, -1, 11, 11)
    assert _dark(render_image([layer], extent, (100, 100))) == 0
    assert _dark(render_image([layer], extent, (100, 100), show={"parcel"})) > 5000
    assert layer.visible is False  # the map's own visibility is left alone
