"""The same renderer draws onto PDF and SVG devices (the print layout's targets)."""

from __future__ import annotations

from shapely.geometry import LineString, Point, box

from hljgis.core.style import Labels, make_symbol


def _layers(make_layer):
    lab = Labels(enabled=True, field="name_zh").to_dict()
    poly = make_layer([box(10, 10, 60, 60)], "poly",
                      style={"renderer": {"kind": "single", "symbol": make_symbol(
                          "fill", fill="#ff0000")}, "labels": lab}, name_zh=["鹤岗市"])
    line = make_layer([LineString([(0, 80), (100, 90)])], "line",
                      style={"renderer": {"kind": "single",
                                          "symbol": make_symbol("line", dash="dash")}})
    pts = make_layer([Point(80, 20)], "pts",
                     style={"renderer": {"kind": "single",
                                         "symbol": make_symbol("marker", marker="star")}})
    return [poly, line, pts]


def test_render_to_pdf(app, make_layer, tmp_path):
    from PySide6.QtGui import QPageSize, QPdfWriter

    from hljgis.render import MapRenderer

    path = tmp_path / "map.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(300)
    done = MapRenderer().render(writer, _layers(make_layer), (0, 0, 100, 100), dpi=300)
    del writer
    assert done
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_render_to_svg_has_paths(app, make_layer, tmp_path):
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtSvg import QSvgGenerator

    from hljgis.render import MapRenderer

    path = tmp_path / "map.svg"
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(400, 400))
    gen.setViewBox(QRect(0, 0, 400, 400))
    gen.setResolution(96)
    assert MapRenderer().render(gen, _layers(make_layer), (0, 0, 100, 100), size=(400, 400),
                                dpi=96)
    text = path.read_text(encoding="utf-8")
    assert "<path" in text
    assert "#ff0000" in text.lower()


def test_grid_cells_are_vectors_in_svg(app, make_layer, tmp_path):
    """Pixel fills are for screens only: an SVG keeps every cell as a path."""
    from PySide6.QtCore import QSize
    from PySide6.QtSvg import QSvgGenerator

    from hljgis.render import MapRenderer

    cells = make_layer([box(x, 0, x + 1, 1) for x in range(50)],
                       style={"renderer": {"kind": "single", "symbol": make_symbol(
                           "fill", fill="#00ff00", stroke=None)}})
    path = tmp_path / "cells.svg"
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(100, 100))
    MapRenderer().render(gen, [cells], (0, 0, 50, 50), size=(100, 100), dpi=96)
    text = path.read_text(encoding="utf-8")
    assert "<image" not in text and "<path" in text
