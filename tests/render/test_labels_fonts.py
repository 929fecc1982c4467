"""Chinese labels with the bundled font, halo, and collision avoidance."""

from __future__ import annotations

import numpy as np
from shapely.geometry import Point

from hljgis.core.style import Labels, make_symbol
from hljgis.render import render_image
from hljgis.render.fonts import FAMILY, font_dir

CITIES = "鹤岗鸡西七台河双鸭山"


def test_bundled_font_has_the_city_names():
    from fontTools.ttLib import TTFont

    for name in ("HLJGISSansSC-Regular.otf", "HLJGISSansSC-Bold.otf"):
        cmap = TTFont(font_dir() / name).getBestCmap()
        assert all(ord(c) in cmap for c in CITIES + "HegangJixi俄罗斯")


def test_ensure_fonts_registers_family(app):
    from PySide6.QtGui import QFont, QFontMetrics

    from hljgis.render import ensure_fonts

    family = ensure_fonts()
    assert family == FAMILY
    metrics = QFontMetrics(QFont(family, 12))
    assert all(metrics.inFontUcs4(ord(c)) for c in CITIES)
    assert (font_dir() / "LICENSE-OFL.txt").is_file()


def _label_layer(make_layer, names, points, **label_kw):
    lab = Labels(enabled=True, field="name_zh", size_pt=14, halo_color="#ffffff",
                 halo_width_mm=0.6).to_dict()
    lab.update(label_kw)
    style = {"renderer": {"kind": "single",
                          "symbol": make_symbol("marker", fill="#ffffff", stroke=None,
                                                size_mm=0.5)},
             "labels": lab}
    return make_layer(points, style=style, name_zh=names)


def _dark_pixels(img):
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGBA8888)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)
    return (a[..., :3].max(axis=2) < 100)


def test_chinese_label_draws_dark_pixels(app, make_layer):
    layer = _label_layer(make_layer, ["鹤岗"], [Point(50, 50)], color="#000000")
    dark = _dark_pixels(render_image([layer], (0, 0, 100, 100), (200, 200)))
    assert dark.sum() > 40
    _, xs = np.nonzero(dark)
    assert xs.min() > 100  # placed to the right of the point first


def test_halo_surrounds_text(app, make_layer):
    layer = _label_layer(make_layer, ["七台河"], [Point(50, 50)], color="#000000",
                         halo_color="#ff0000", halo_width_mm=1.0)
    img = render_image([layer], (0, 0, 100, 100), (200, 200), background="#0000ff")
    from PySide6.QtGui import QImage

    a = np.frombuffer(img.convertToFormat(QImage.Format.Format_RGBA8888).constBits(),
                      np.uint8).reshape(200, 200, 4)
    red = (a[..., 0] > 200) & (a[..., 2] < 60)
    assert red.sum() > 100


def test_colliding_labels_move_or_drop(app, make_layer):
    # Ten labels on one spot: each tries its six positions around the point, then gives up.
    layer = _label_layer(make_layer, ["双鸭山"] * 10, [Point(50, 50)] * 10, color="#000000")
    from PySide6.QtGui import QImage

    from hljgis.render import MapRenderer

    img = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0xFFFFFFFF)
    r = MapRenderer()
    r.render(img, [layer], (0, 0, 100, 100), dpi=96)
    assert r.last_stats["labels"]["candidates"] == 10
    assert 1 <= r.last_stats["labels"]["placed"] <= 6

    far = _label_layer(make_layer, ["双鸭山", "鸡西"], [Point(10, 20), Point(10, 80)],
                       color="#000000")
    r.render(img, [far], (0, 0, 100, 100), dpi=96)
    assert r.last_stats["labels"]["placed"] == 2


def test_two_line_label_uses_second_field(app, make_layer):
    lab = Labels(enabled=True, field="name_zh", field2="name", size_pt=12,
                 color="#000000").to_dict()
    style = {"renderer": {"kind": "single", "symbol": make_symbol("fill", fill=None,
                                                                  stroke=None)},
             "labels": lab}
    from shapely.geometry import box

    layer = make_layer([box(20, 20, 80, 80)], style=style, name_zh=["鸡西市"], name=["Jixi"])
    dark = _dark_pixels(render_image([layer], (0, 0, 100, 100), (200, 200)))
    rows = np.nonzero(dark.any(axis=1))[0]
    assert rows.max() - rows.min() > 25  # two lines of text


def test_labels_hidden_beyond_max_scale(app, make_layer):
    from PySide6.QtGui import QImage

    from hljgis.render import MapRenderer

    layer = _label_layer(make_layer, ["鸡西"], [Point(500050, 5000050)], color="#000000",
                         max_scale=5000)
    img = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    r = MapRenderer()
    r.render(img, [layer], (500000, 5000000, 500100, 5000100), dpi=96)  # about 1:1,900
    assert r.last_stats["labels"]["placed"] == 1
    r.render(img, [layer], (490000, 4990000, 510000, 5010000), dpi=96)  # about 1:378,000
    assert "labels" not in r.last_stats


def test_callout_labels_move_out_with_leader_lines_instead_of_dropping(app, make_layer):
    """Numbered top sites cluster within a few millimetres on an atlas page."""
    from PySide6.QtGui import QImage

    from hljgis.render import MapRenderer

    pts = [Point(50 + 0.3 * (i % 4), 50 + 0.3 * (i // 4)) for i in range(10)]
    names = [str(i + 1) for i in range(10)]
    plain = _label_layer(make_layer, names, pts, color="#b2182b")
    callout = _label_layer(make_layer, names, pts, color="#b2182b", callout=True)

    def render(layer):
        img = QImage(400, 400, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0xFFFFFFFF)
        r = MapRenderer()
        r.render(img, [layer], (0, 0, 100, 100), dpi=150)
        a = np.frombuffer(img.convertToFormat(QImage.Format.Format_RGBA8888).constBits(),
                          np.uint8).reshape(400, 400, 4)
        red = (a[..., 0] > 120) & (a[..., 1] < 90) & (a[..., 2] < 90)
        return r.last_stats["labels"]["placed"], red

    placed, _ = render(plain)
    assert placed < 10
    placed, red = render(callout)
    assert placed == 10
    # leader lines reach out from the cluster (at pixel ~200, 200) to the moved numbers
    ys, xs = np.nonzero(red)
    assert np.hypot(xs - 200, ys - 200).max() > 40


def test_callout_labels_of_clustered_polygons(app, make_layer):
    """Top-ranked cells of a ranking cluster too: their labels move out instead of dropping."""
    from PySide6.QtGui import QImage
    from shapely import box

    from hljgis.render import MapRenderer

    cells = [box(48 + 1.0 * (i % 4), 48 + 1.0 * (i // 4), 49 + 1.0 * (i % 4), 49 + 1.0 * (i // 4))
             for i in range(10)]
    names = [f"#{i + 1}" for i in range(10)]
    placed = []
    for callout in (False, True):
        layer = _label_layer(make_layer, names, cells, color="#b2182b", callout=callout,
                             size_pt=9)
        img = QImage(400, 400, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0xFFFFFFFF)
        r = MapRenderer()
        r.render(img, [layer], (0, 0, 100, 100), dpi=150)
        placed.append(r.last_stats["labels"]["placed"])
    assert placed[0] < 10 and placed[1] == 10


def _pixels(img):
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGBA8888)
    return np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)


def test_a_label_leaves_another_layer_s_marker_visible(app, make_layer):
    """A town's name would go right of its dot, over an airport marker there: it takes
    its next position, and the airport stays visible (QGIS: markers are obstacles)."""
    town = _label_layer(make_layer, ["鹤岗"], [Point(50, 50)], color="#000000")
    airport = make_layer([Point(57, 50)], layer_name="airports", style={
        "renderer": {"kind": "single",
                     "symbol": make_symbol("marker", fill="#0000ff", stroke=None,
                                           size_mm=2.0)}})
    def blue(layers):
        a = _pixels(render_image(layers, (0, 0, 100, 100), (200, 200)))
        return int(((a[..., 2] > 200) & (a[..., 0] < 60) & (a[..., 1] < 60)).sum())

    alone = blue([airport])
    assert alone > 30
    assert blue([airport, town]) >= 0.95 * alone  # not under the name
    assert _dark_pixels(render_image([airport, town], (0, 0, 100, 100), (200, 200))).sum() > 40


def test_a_label_covers_a_marker_rather_than_be_dropped(app, make_layer):
    """Markers all round the point: the label still shows (on its first position)."""
    ring = [Point(50 + 7 * np.cos(a), 50 + 7 * np.sin(a))
            for a in np.linspace(0, 2 * np.pi, 16, endpoint=False)]
    town = _label_layer(make_layer, ["鹤岗"], [Point(50, 50)], color="#000000")
    markers = make_layer(ring, layer_name="m", style={
        "renderer": {"kind": "single",
                     "symbol": make_symbol("marker", fill="#0000ff", stroke=None,
                                           size_mm=2.0)}})
    dark = _dark_pixels(render_image([markers, town], (0, 0, 100, 100), (200, 200)))
    assert dark.sum() > 40
    _, xs = np.nonzero(dark)
    assert xs.min() > 100  # right of the point, as without markers
