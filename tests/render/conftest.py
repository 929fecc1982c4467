"""Render tests need a Qt application (pytest-qt's ``qapp``, a QApplication, so widget tests
in the same session still work) and the bundled font registered."""

from __future__ import annotations

import geopandas as gpd
import pytest


@pytest.fixture
def app(qapp):
    from hljgis.render import ensure_fonts

    ensure_fonts()
    return qapp


@pytest.fixture
def make_layer():
    """VectorLayer from geometries and columns in a projected metre CRS."""
    from hljgis.core.layer import VectorLayer

    def make(geoms, layer_name="layer", crs="EPSG:4552", style=None, **columns):
        gdf = gpd.GeoDataFrame(columns, geometry=list(geoms), crs=crs)
        layer = VectorLayer(gdf, layer_name)
        if style is not None:
            layer.style = style
        return layer

    return make


def single(type_="fill", **kw):
    from hljgis.core.style import make_symbol

    return {"renderer": {"kind": "single", "symbol": make_symbol(type_, **kw)}}
