"""Polygon fills written into PDFs by the fill sink (render.pdffill): vector, in place, right."""

from __future__ import annotations

import shutil
import subprocess
import zlib

import numpy as np
import pytest
from shapely.geometry import Polygon, box

from tests.render.conftest import single

pypdf = pytest.importorskip("pypdf")

FRAME_MM = (100.0, 100.0)


def _graduated(colors, stroke=None, width=0.5, dash="solid"):
    from hljgis.core.style import make_symbol

    classes = []
    for i, color in enumerate(colors):
        sym = make_symbol("fill", fill=color, stroke=stroke, stroke_width_mm=width, dash=dash)
        classes.append({"lower": i - 0.5, "upper": i + 0.5, "symbol": sym, "label": str(i)})
    return {"renderer": {"kind": "graduated", "field": "v", "classes": classes}}


def _write(layers_per_page, path, extent=(0, 0, 100, 100)):
    """One page per entry: the map drawn over the whole page at 150 dpi, as a print
    layout draws its frame."""
    from hljgis.export.output import PaintedPage, write_pdf
    from hljgis.render import MapRenderer

    def page(layers):
        def paint(painter, dpi):
            w = round(FRAME_MM[0] / 25.4 * dpi)
            h = round(FRAME_MM[1] / 25.4 * dpi)
            MapRenderer().render(painter, layers, extent, size=(w, h), dpi=dpi,
                                 background="#ffffff", labels=False)
        return PaintedPage(FRAME_MM, paint, "test")

    return write_pdf([page(layers) for layers in layers_per_page], path, dpi=150)


def _xobjects(path, page=0):
    reader = pypdf.PdfReader(str(path))
    res = reader.pages[page]["/Resources"]
    return {name: ref.get_object() for name, ref in (res.get("/XObject") or {}).items()}


def _raster(path, tmp_path, dpi=100, page=1):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PySide6.QtGui import QImage

    out = tmp_path / f"page{page}"
    proc = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page),
                           "-png", "-singlefile", str(path), str(out)],
                          capture_output=True, text=True, check=True)
    assert "Error" not in proc.stderr, proc.stderr
    img = QImage(str(out) + ".png")
    assert not img.isNull()
    return img


def _rgb(img, x_mm, y_mm, dpi=100):
    """Colour at a map position given in mm from the page's top-left corner."""
    c = img.pixelColor(round(x_mm / 25.4 * dpi), round(y_mm / 25.4 * dpi))
    return c.red(), c.green(), c.blue()


def _close(a, b, tol=12):
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_fills_and_outlines_go_into_a_form_xobject_and_print_right(app, make_layer,
                                                                   tmp_path):
    big = [box(5, 5, 45, 45), box(55, 5, 95, 45)]
    # 0.5 m cells (3 device pixels at 150 dpi): filled, too small for an outline
    cells = [box(55 + x * 0.5, 55 + y * 0.5, 55.5 + x * 0.5, 55.5 + y * 0.5)
             for x in range(80) for y in range(60)]
    courtyard = Polygon([(5, 55), (45, 55), (45, 95), (5, 95)],
                        [[(15, 65), (35, 65), (35, 85), (15, 85)]])
    layer = make_layer(big + cells + [courtyard], "parcels",
                       style=_graduated(["#d7191c", "#2b83ba", "#1a9641"], stroke="#000000"),
                       v=[0, 1] + [2] * len(cells) + [0])
    path = tmp_path / "fills.pdf"
    _write([[layer]], path)
    forms = [x for x in _xobjects(path).values() if x["/Subtype"] == "/Form"]
    images = [x for x in _xobjects(path).values() if x["/Subtype"] == "/Image"]
    assert forms and not images
    content = b"".join(zlib.decompress(f._data) if f.get("/Filter") else f._data
                       for f in forms)
    assert b" re\nf\n" in content  # the cells: rectangles, filled
    assert b" re\nB\n" in content  # the big squares: rectangles, filled and outlined
    assert b" l\nh B*\n" in content  # the courtyard: rings, filled and outlined
    img = _raster(path, tmp_path)
    # map y grows up: (0, 0) is the page's bottom-left corner
    assert _close(_rgb(img, 25, 75), (0xd7, 0x19, 0x1c))  # big square, class 0
    assert _close(_rgb(img, 75, 75), (0x2b, 0x83, 0xba))  # class 1
    assert _close(_rgb(img, 5, 75), (0, 0, 0), tol=60)  # its 0.5 mm outline
    assert _close(_rgb(img, 75, 30), (0x1a, 0x96, 0x41))  # the cells, no outlines
    assert _close(_rgb(img, 25, 25), (255, 255, 255))  # the courtyard is a hole
    assert _close(_rgb(img, 10, 25), (0xd7, 0x19, 0x1c))  # around it


def test_small_irregular_parcels_are_filled_rings(app, make_layer, tmp_path):
    tri = [Polygon([(x, y), (x + 0.6, y), (x, y + 0.6)]) for x in range(10, 90)
           for y in range(10, 90)]
    tri += [Polygon([(x + 0.6, y), (x + 0.6, y + 0.6), (x, y + 0.6)]) for x in range(10, 90)
            for y in range(10, 90)]
    layer = make_layer(tri, "tri", style=_graduated(["#2b83ba"], stroke="#ffffff", width=0.1),
                       v=[0] * len(tri))
    path = tmp_path / "tri.pdf"
    _write([[layer]], path)
    forms = [x for x in _xobjects(path).values() if x["/Subtype"] == "/Form"]
    content = b"".join(zlib.decompress(f._data) for f in forms)
    assert b" l\nf*\n" in content and b"B" not in content  # no outlines on 0.6 mm
    img = _raster(path, tmp_path)
    # each 1 m square is two triangles of 0.6 m legs: the lattice between them shows white
    blue = np.array([[_close(_rgb(img, x / 4, y / 4), (0x2b, 0x83, 0xba), tol=30)
                      for x in range(80, 320)] for y in range(80, 320)])
    assert 0.2 < blue.mean() < 0.6


def test_scattered_sites_under_a_grid_step_still_print(app, make_layer, tmp_path):
    """Polygons and cells smaller than the 1/4 pt grid print as specks, not nothing."""
    pos = [(x, y) for x in range(10, 90, 8) for y in range(10, 90, 8)]
    tiny = [Polygon([(x, y), (x + 0.02, y), (x, y + 0.02)]) for x, y in pos]
    tiny += [box(x + 4, y + 4, x + 4.02, y + 4.02) for x, y in pos]
    layer = make_layer(tiny, "sites", style=single(fill="#000000", stroke=None))
    path = tmp_path / "sites.pdf"
    _write([[layer]], path)
    img = _raster(path, tmp_path, dpi=300)
    for x, y in pos:
        for cx, cy in ((x, y), (x + 4, y + 4)):
            px, py = round(cx / 25.4 * 300), round((100 - cy) / 25.4 * 300)
            darkest = min(img.pixelColor(px + dx, py + dy).red() for dx in range(-3, 4)
                          for dy in range(-3, 4))
            assert darkest < 200, (cx, cy, darkest)  # white around; a lost site: 234


def test_dashed_or_translucent_classes_stay_with_qt(app, make_layer, tmp_path):
    dashed = make_layer([box(10, 10, 90, 90)], "dashed",
                        style=_graduated(["#2b83ba"], stroke="#000000", dash="dash"), v=[0])
    glass = make_layer([box(10, 10, 90, 90)], "glass", style=single(fill="#ff000080"))
    path = tmp_path / "qt.pdf"
    _write([[dashed], [glass]], path)
    for page in (0, 1):
        assert not [x for x in _xobjects(path, page).values() if x["/Subtype"] == "/Form"]
    assert _close(_rgb(_raster(path, tmp_path, page=1), 50, 50), (0x2b, 0x83, 0xba))
    assert _close(_rgb(_raster(path, tmp_path, page=2), 50, 50), (255, 127, 127), tol=20)


def test_every_page_gets_its_own_fills(app, make_layer, tmp_path):
    red = make_layer([box(10, 10, 90, 90)], "red", style=single(fill="#ff0000", stroke=None))
    blue = make_layer([box(10, 10, 90, 90)], "blue", style=single(fill="#0000ff", stroke=None))
    path = tmp_path / "two.pdf"
    result = _write([[red], [blue]], path)
    assert result.pages == 2
    assert _close(_rgb(_raster(path, tmp_path, page=1), 50, 50), (255, 0, 0))
    assert _close(_rgb(_raster(path, tmp_path, page=2), 50, 50), (0, 0, 255))
    assert len(pypdf.PdfReader(str(path)).pages) == 2


def test_compact_rings_drops_repeats_closing_vertices_and_empty_rings():
    from hljgis.render.paths import compact_rings

    # ring 0: square with a repeated vertex; ring 1: collapsed to a line (its hole 2 goes
    # with it); ring 3: a triangle; ring 4: a triangle whose last corner snapped onto its
    # first (a b a a: no area left)
    x = np.array([0, 4, 4, 4, 0, 0, 7, 8, 7, 7, 7, 7.5, 7, 0, 2, 1, 0, 5, 6, 5, 5],
                 dtype=float)
    y = np.array([0, 0, 0, 4, 4, 0, 7, 7, 7, 7, 7, 7.5, 7, 0, 0, 2, 0, 5, 5, 5, 5],
                 dtype=float)
    start = np.zeros(len(x), dtype=bool)
    start[[0, 6, 9, 13, 17]] = True
    ext = np.zeros(len(x), dtype=bool)
    ext[[0, 6, 13, 17]] = True
    keep = np.flatnonzero(compact_rings(x, y, start, ext, closing=False))
    assert keep.tolist() == [0, 1, 3, 4, 13, 14, 15]
    keep = np.flatnonzero(compact_rings(x, y, start, ext, closing=True))
    assert keep.tolist() == [0, 1, 3, 4, 5, 13, 14, 15, 16]


def test_rows_are_fixed_width_pdf_numbers():
    from hljgis.render.pdffill import _rows

    rows = _rows(np.array([0, 123456, 42]), np.array([7, 5, 99999]),
                 np.array([True, False, False]), 6, close=True)
    text = rows.tobytes().decode()
    assert text == ("h 000000 000007 m\n"
                    "  123456 000005 l\n"
                    "  000042 099999 l\n")


def test_a_missing_placeholder_writes_the_pdf_with_qt_alone(app, make_layer, tmp_path,
                                                            monkeypatch):
    """Should Qt write images in a way splice does not recognise, the export still holds
    the map (drawn by Qt), not blank placeholders."""
    from hljgis.render import pdffill

    monkeypatch.setattr(pdffill, "_MAGIC_WIDTH", 9001)
    real = pdffill.splice

    def lost(path, sink):
        for form in sink.forms:
            form.width += 1  # what the file holds is no longer what the sink looks for
        return real(path, sink)

    monkeypatch.setattr("hljgis.export.output.splice", lost)
    red = make_layer([box(10, 10, 90, 90)], "red", style=single(fill="#ff0000", stroke=None))
    path = tmp_path / "fallback.pdf"
    _write([[red]], path)
    assert not [x for x in _xobjects(path).values() if x["/Subtype"] == "/Form"]
    assert _close(_rgb(_raster(path, tmp_path), 50, 50), (255, 0, 0))
