"""Render onto QImages and read the pixels back."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from hljgis.core.style import make_symbol
from hljgis.render import MapRenderer, render_image

from .conftest import single

RED, BLUE = "#ff0000", "#0000ff"
EXTENT = (0, 0, 100, 100)
SIZE = (200, 200)  # 2 px per map unit; map (x, y) -> pixel (2x, 200 - 2y)


def px(img, x, y):
    """Colour name at map coordinate (x, y) of a 200x200 frame of EXTENT."""
    return img.pixelColor(int(2 * x), int(200 - 2 * y)).name()


def rgba(img, x, y):
    c = img.pixelColor(int(2 * x), int(200 - 2 * y))
    return c.red(), c.green(), c.blue(), c.alpha()


def test_polygon_fill_and_hole(app, make_layer):
    donut = Polygon([(10, 10), (90, 10), (90, 90), (10, 90)],
                    [[(40, 40), (60, 40), (60, 60), (40, 60)]])
    layer = make_layer([donut], style=single(fill=RED, stroke=None))
    img = render_image([layer], EXTENT, SIZE)
    assert px(img, 20, 20) == RED
    assert px(img, 50, 50) == "#ffffff"  # the hole stays unfilled
    assert px(img, 5, 5) == "#ffffff"


def test_multipolygon_parts_and_triangle(app, make_layer):
    parts = MultiPolygon([Polygon([(5, 5), (30, 5), (5, 30)]), box(60, 60, 90, 90)])
    layer = make_layer([parts], style=single(fill=BLUE, stroke=None))
    img = render_image([layer], EXTENT, SIZE)
    assert px(img, 10, 10) == BLUE and px(img, 75, 75) == BLUE
    assert px(img, 28, 28) == "#ffffff"  # outside the triangle's hypotenuse


def test_line_pixels_present(app, make_layer):
    layer = make_layer([LineString([(0, 50), (100, 50)])],
                       style=single("line", stroke=RED, stroke_width_mm=1.0))
    img = render_image([layer], EXTENT, SIZE)
    assert px(img, 50, 50) == RED
    assert px(img, 50, 60) == "#ffffff"


def test_line_width_follows_dpi(app, make_layer):
    layer = make_layer([LineString([(0, 50), (100, 50)])],
                       style=single("line", stroke="#000000", stroke_width_mm=1.0))
    counts = []
    for dpi in (96, 192):
        img = render_image([layer], EXTENT, SIZE, dpi=dpi)
        col = [img.pixelColor(100, y).red() for y in range(200)]
        counts.append(sum(v < 128 for v in col))
    assert counts[0] == pytest.approx(96 / 25.4, abs=1.5)
    assert counts[1] == pytest.approx(2 * counts[0], abs=2)


def test_point_marker_at_the_right_place(app, make_layer):
    layer = make_layer([Point(25, 75)], style=single("marker", fill=RED, stroke=None,
                                                     marker="square", size_mm=4))
    img = render_image([layer], EXTENT, SIZE)
    assert px(img, 25, 75) == RED
    assert px(img, 75, 25) == "#ffffff"
    arr = _array(img)
    ys, xs = np.nonzero((arr[..., 0] > 200) & (arr[..., 1] < 50))
    assert xs.mean() == pytest.approx(50, abs=1) and ys.mean() == pytest.approx(50, abs=1)


@pytest.mark.parametrize("marker", ["circle", "square", "triangle", "diamond", "star", "cross"])
def test_every_marker_draws(app, make_layer, marker):
    layer = make_layer([Point(50, 50)], style=single("marker", fill=RED, stroke=None,
                                                     marker=marker, size_mm=5))
    img = render_image([layer], EXTENT, SIZE)
    assert px(img, 50, 50) == RED


def test_layer_order_respected(app, make_layer):
    a = make_layer([box(10, 10, 60, 60)], "a", style=single(fill=RED, stroke=None))
    b = make_layer([box(40, 40, 90, 90)], "b", style=single(fill=BLUE, stroke=None))
    assert px(render_image([a, b], EXTENT, SIZE), 50, 50) == BLUE
    assert px(render_image([b, a], EXTENT, SIZE), 50, 50) == RED


def test_opacity_blends(app, make_layer):
    layer = make_layer([box(10, 10, 90, 90)], style=single(fill="#000000", stroke=None))
    layer.opacity = 0.5
    r, g, b, _ = rgba(render_image([layer], EXTENT, SIZE), 50, 50)
    assert 120 <= r <= 135 and r == g == b


def test_invisible_layer_not_drawn(app, make_layer):
    layer = make_layer([box(10, 10, 90, 90)], style=single(fill=RED, stroke=None))
    layer.visible = False
    assert px(render_image([layer], EXTENT, SIZE), 50, 50) == "#ffffff"


def test_only_features_in_view_are_processed(app, make_layer):
    from PySide6.QtGui import QImage

    inside = [box(i, 10, i + 5, 15) for i in range(0, 90, 10)]
    outside = [box(1000 + i, 1000, 1005 + i, 1005) for i in range(0, 1000, 10)]
    layer = make_layer(inside + outside, style=single(fill=RED))
    renderer = MapRenderer()
    img = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    renderer.render(img, [layer], EXTENT, dpi=96)
    assert renderer.last_stats["layers"]["layer"]["visible"] == len(inside)


def test_grid_cells_tile_without_gaps(app, make_layer):
    from hljgis.core.style import graduated_renderer

    cells = [box(x, y, x + 10, y + 10) for x in range(0, 100, 10) for y in range(0, 100, 10)]
    values = np.arange(len(cells), dtype=float)
    style = {"renderer": graduated_renderer(values, "v", "equal_interval", 4, "Blues",
                                            symbol=make_symbol("fill", stroke=None))}
    layer = make_layer(cells, style=style, v=values)
    img = render_image([layer], (0, 0, 100, 100), (173, 173), background="#ff00ff")
    arr = _array(img)
    magenta = (arr[..., 0] == 255) & (arr[..., 1] == 0) & (arr[..., 2] == 255)
    assert not magenta.any()


def test_categorized_colours_and_other(app, make_layer):
    style = {"renderer": {"kind": "categorized", "field": "k", "categories": [
        {"value": "a", "symbol": make_symbol("fill", fill=RED, stroke=None)}],
        "other": {"label": "Other", "symbol": make_symbol("fill", fill=BLUE, stroke=None)}}}
    layer = make_layer([box(0, 0, 40, 40), box(60, 60, 100, 100)], style=style, k=["a", "z"])
    img = render_image([layer], EXTENT, SIZE)
    assert px(img, 20, 20) == RED and px(img, 80, 80) == BLUE


def test_hatched_polygon_has_two_colours(app, make_layer):
    style = single(fill="#ffffff", stroke=None, hatch="bdiag", hatch_color="#000000")
    layer = make_layer([Polygon([(10, 10), (90, 10), (50, 90)])], style=style)
    arr = _array(render_image([layer], EXTENT, SIZE, background="#808080"))
    inner = arr[80:150, 80:120, 0]
    assert (inner > 200).any() and (inner < 60).any()


def test_reprojected_layer_lands_in_place(app, make_layer):
    from pyproj import Transformer

    # A lon/lat square drawn in a Gauss-Kruger map.
    layer = make_layer([box(131.9, 45.9, 132.1, 46.1)], crs="EPSG:4490",
                       style=single(fill=RED, stroke=None))
    x, y = Transformer.from_crs(4490, 4552, always_xy=True).transform(132.0, 46.0)
    ext = (x - 20000, y - 20000, x + 20000, y + 20000)
    img = render_image([layer], ext, SIZE, crs="EPSG:4552")
    assert img.pixelColor(100, 100).name() == RED
    assert img.pixelColor(5, 5).name() == "#ffffff"


def test_cancel_stops_rendering(app, make_layer):
    from PySide6.QtGui import QImage

    layers = [make_layer([box(10, 10, 90, 90)], f"l{i}", style=single(fill=RED, stroke=None))
              for i in range(3)]
    img = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0xFFFFFFFF)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1  # let the first check pass, stop at the next one

    assert MapRenderer().render(img, layers, EXTENT, dpi=96, cancel=cancel) is False
    assert len(calls) == 2
    assert MapRenderer().render(img, layers, EXTENT, dpi=96, cancel=lambda: False) is True


def test_simplified_outline_keeps_shape(app, make_layer):
    import shapely

    circle = shapely.Point(50, 50).buffer(40, quad_segs=256)  # 1025 vertices
    layer = make_layer([circle], style=single(fill=RED, stroke=None))
    img = render_image([layer], EXTENT, (50, 50))  # 0.5 px tolerance is 1 map unit here
    assert img.pixelColor(25, 25).name() == RED
    assert img.pixelColor(1, 1).name() == "#ffffff"


def _array(img):
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGBA8888)
    ptr = img.constBits()
    return np.frombuffer(ptr, dtype=np.uint8).reshape(img.height(), img.bytesPerLine() // 4,
                                                      4)[:, : img.width()].copy()


def test_selection_is_highlighted(app, make_layer):
    layer = make_layer([box(10, 10, 40, 40), box(60, 60, 90, 90)],
                       style=single(fill="#ffffff", stroke=None))
    layer.selection = np.array([1])
    img = render_image([layer], EXTENT, SIZE, background="#000000")
    assert px(img, 25, 25) == "#ffffff"
    r, g, b, _ = rgba(img, 75, 75)
    assert r > 240 and g > 200 and b < 200  # tinted yellow


def test_many_small_polygons_use_scanlines_and_keep_holes(app, make_layer):
    from PySide6.QtGui import QImage

    donuts = [Polygon([(x, y), (x + 8, y), (x + 8, y + 8), (x, y + 8)],
                      [[(x + 2, y + 2), (x + 6, y + 2), (x + 6, y + 6), (x + 2, y + 6)]])
              for x in range(0, 400, 8) for y in range(0, 400, 8)]
    layer = make_layer(donuts, style=single(fill=RED, stroke=None))
    img = QImage(400, 400, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0xFFFFFFFF)
    r = MapRenderer()
    r.render(img, [layer], (0, 0, 400, 400), dpi=96)
    assert r.last_stats["layers"]["layer"]["raster"] == len(donuts)
    assert img.pixelColor(4, 4).name() == "#ffffff"  # a hole
    assert img.pixelColor(1, 1).name() == RED


def test_empty_missing_and_mixed_geometries(app, make_layer):
    from shapely.geometry import GeometryCollection

    empty = make_layer([], "empty", style=single(fill=RED))
    odd = make_layer([None, Polygon(), GeometryCollection([box(10, 10, 30, 30),
                                                           Point(80, 80)]),
                      box(60, 10, 90, 30)], "odd")  # no style: the default one
    img = render_image([empty, odd], EXTENT, SIZE)
    assert px(img, 20, 20) != "#ffffff" and px(img, 75, 20) != "#ffffff"
