"""Legend swatches and raster layers."""

from __future__ import annotations

import numpy as np
import pytest

from hljgis.core.style import default_style, legend_entries, make_symbol


def _image(w=40, h=20):
    from PySide6.QtGui import QImage

    img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0xFFFFFFFF)
    return img


@pytest.mark.parametrize("symbol,probe,colour", [
    (make_symbol("fill", fill="#ff0000", stroke="#000000"), (20, 10), "#ff0000"),
    (make_symbol("line", stroke="#0000ff", stroke_width_mm=1.0), (20, 10), "#0000ff"),
    (make_symbol("marker", fill="#00ff00", stroke=None, size_mm=3), (20, 10), "#00ff00"),
])
def test_paint_symbol(app, symbol, probe, colour):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    from hljgis.render import paint_symbol

    img = _image()
    p = QPainter(img)
    paint_symbol(p, QRectF(0, 0, 40, 20), symbol, dpi=96)
    p.end()
    assert img.pixelColor(*probe).name() == colour


def test_legend_of_every_default_style_paints(app):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    from hljgis.render import paint_symbol

    for schema in ("hsr_lines", "subsidence_zones", "border_crossings", "towns", "cities"):
        for _label, sym in legend_entries(default_style(schema)):
            img = _image()
            p = QPainter(img)
            paint_symbol(p, QRectF(0, 0, 40, 20), sym, dpi=96)
            p.end()
            assert img.pixelColor(20, 10).name() != "#ffffff" or sym.get("fill") is None


@pytest.fixture
def dem(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    from hljgis.core.layer import RasterLayer

    z = np.add.outer(np.arange(50.0), np.arange(50.0)) * 10.0  # a ramp rising to the SE
    z[:5, :5] = -9999
    path = tmp_path / "dem.tif"
    with rasterio.open(path, "w", driver="GTiff", width=50, height=50, count=1,
                       dtype="float32", crs="EPSG:4552", nodata=-9999,
                       transform=from_origin(500000, 5000500, 10, 10)) as dst:
        dst.write(z.astype("float32"), 1)
    return RasterLayer(path, "dem")


def test_raster_with_ramp_hillshade_and_nodata(app, dem):
    from hljgis.render import render_image

    dem.style = default_style(dem)
    img = render_image([dem], (500000, 5000000, 500500, 5000500), (100, 100),
                       background="#ff00ff")
    assert img.pixelColor(2, 2).name() == "#ff00ff"  # nodata stays transparent
    low, high = img.pixelColor(20, 20), img.pixelColor(95, 95)
    assert low.name() != high.name()


def test_raster_opacity(app, dem):
    from hljgis.render import render_image

    dem.style = {"renderer": {"kind": "raster", "ramp": "Greys", "min": 0, "max": 1,
                              "hillshade": False}}
    dem.opacity = 0.5
    img = render_image([dem], (500000, 5000000, 500500, 5000500), (100, 100),
                       background="#ffffff")
    c = img.pixelColor(60, 60)  # value > max -> black, half transparent over white
    assert 120 <= c.red() <= 135


def test_raster_in_another_crs_is_warped(app, dem):
    from pyproj import Transformer

    from hljgis.render import render_image

    dem.style = {"renderer": {"kind": "raster", "ramp": "Greys", "hillshade": False}}
    tr = Transformer.from_crs(4552, 4490, always_xy=True)
    x0, y0 = tr.transform(500000, 5000000)
    x1, y1 = tr.transform(500500, 5000500)
    img = render_image([dem], (x0, y0, x1, y1), (100, 100), crs="EPSG:4490",
                       background="#ff00ff")
    assert img.pixelColor(60, 60).name() != "#ff00ff"
