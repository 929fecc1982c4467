"""The numpy fills (grid cells, small polygons) against exact geometry."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Polygon

from hljgis.render.rasterfill import polygon_class_image, rect_class_image

from .parcels import courtyard_parcels


def _arrays(geoms):
    rings, ring_part = shapely.get_rings(geoms, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    start = np.r_[True, ring[1:] != ring[:-1]]
    first = np.r_[True, ring_part[1:] != ring_part[:-1]]
    return xy[:, 0], xy[:, 1], start, first[ring], ring_part[ring]


def test_scanline_fill_equals_pixel_centre_containment():
    rng = np.random.default_rng(3)
    geoms = []
    for i in range(40):  # random star-shaped polygons, some with holes, both orientations
        cx, cy = rng.uniform(5, 95, 2)
        ang = np.sort(rng.uniform(0, 2 * np.pi, 9))
        rad = rng.uniform(2, 6, 9)
        shell = np.c_[cx + rad * np.cos(ang), cy + rad * np.sin(ang)]
        if i % 2:
            shell = shell[::-1]
        hole = [np.c_[cx + 0.8 * np.cos(ang[::3]), cy + 0.8 * np.sin(ang[::3])]] if i % 3 \
            else []
        geoms.append(Polygon(shell, hole))
    geoms = [g for j, g in enumerate(geoms)
             if g.is_valid and not any(g.intersects(h) for h in geoms[:j])]
    x, y, start, ext, feat = _arrays(np.array(geoms, dtype=object))
    img = polygon_class_image(x, y, start, ext, feat, 100, 100)
    assert img is not None
    cols, rows = np.meshgrid(np.arange(100) + 0.5, np.arange(100) + 0.5)
    expected = np.full((100, 100), -1)
    for k, g in enumerate(geoms):
        expected[shapely.contains_xy(g, cols, rows)] = k
    agree = (img == expected).mean()
    assert agree > 0.999  # only pixel centres exactly on an edge may differ


def test_neighbouring_hexagons_share_edges_without_gaps():
    r = 3.3
    hexes = []
    for i in range(12):
        for j in range(12):
            cx, cy = 4 + i * 1.5 * r, 4 + j * r * np.sqrt(3) + (i % 2) * r * np.sqrt(3) / 2
            a = np.deg2rad(np.arange(7) * 60)
            hexes.append(Polygon(np.c_[cx + r * np.cos(a), cy + r * np.sin(a)]))
    x, y, start, ext, feat = _arrays(np.array(hexes, dtype=object))
    img = polygon_class_image(x, y, start, ext, feat, 60, 60)
    assert img is not None  # no overlaps
    inner = img[10:50, 10:50]
    assert (inner >= 0).all()  # no seams


def test_overlapping_shapes_are_refused():
    a = Polygon([(1, 1), (9, 1), (9, 9), (1, 9)])
    b = Polygon([(5, 5), (15, 5), (15, 15), (5, 15)])
    x, y, start, ext, feat = _arrays(np.array([a, b], dtype=object))
    assert polygon_class_image(x, y, start, ext, feat, 20, 20) is None
    assert rect_class_image([1, 5], [1, 5], [9, 15], [9, 15], [0, 1], 20, 20) is None


def test_tiny_rectangles_keep_a_pixel():
    img = rect_class_image([3.2], [4.1], [3.3], [4.2], [0], 10, 10)
    assert (img == 0).sum() == 1 and img[4, 3] == 0


def test_point_fill_keeps_the_last_feature_per_pixel_and_covers_a_sub_pixel_mosaic():
    from hljgis.render.rasterfill import point_class_image

    # two features in pixel (1, 2): the later one (index 7) shows; one outside is dropped
    img = point_class_image([2.2, 2.9, 0.5, 9.0], [1.1, 1.8, 0.5, 0.5], [3, 7, 1, 5], 4, 3)
    expected = np.full((3, 4), -1)
    expected[1, 2], expected[0, 0] = 7, 1
    assert (img == expected).all()
    # cells 0.3 px across tiling 10 x 10 pixels: every pixel gets one, none stays empty
    k = 34
    xs = (np.arange(k) + 0.5) * 0.3
    cx, cy = np.meshgrid(xs, xs)
    ids = np.arange(k * k)
    img = point_class_image(cx.ravel(), cy.ravel(), ids, 10, 10)
    assert (img >= 0).all()
    # each pixel holds a cell whose centre lies in it
    col, row = np.floor(cx.ravel()[img.ravel()]), np.floor(cy.ravel()[img.ravel()])
    assert (col == np.tile(np.arange(10), 10)).all() and (row == np.repeat(np.arange(10), 10)).all()


def _holed_parcels(k: int = 60, seed: int = 5):
    """k x k irregular parcels (clipped Voronoi cells), every 5th with a courtyard."""
    vor, holed, _ = courtyard_parcels(k, every=5, seed=seed, jitter=0.15, courtyard=0.45,
                                      origin="centroid")
    return vor, holed


def test_holed_parcels_by_scanline_keep_holes_fills_and_outlines(app, make_layer):
    """A parcel layer large enough for the scanline fill: courtyards stay empty, each parcel
    shows its class colour, its outline and its courtyard's outline are drawn, and the frame
    matches Qt's own painting of the same parcels except along the anti-aliased edges."""
    from PySide6.QtGui import QColor

    from hljgis.core.style import graduated_renderer
    from hljgis.render import MapRenderer, render_image
    from hljgis.render import vector as V

    from ..gui.pixels import changed, rgb

    vor, holed = _holed_parcels()
    n = len(vor)
    assert n > V.MIN_SCAN_FEATURES
    score = np.random.default_rng(1).normal(size=n)
    style = {"renderer": graduated_renderer(score, "score", "quantiles", 5, "YlOrRd")}
    for c in style["renderer"]["classes"]:
        c["symbol"].update(stroke="#202020", stroke_width_mm=0.5)  # ~2 px
    layer = make_layer(vor, "parcels", style=style, score=score)
    b = shapely.total_bounds(vor)
    extent = (b[0] + 600, b[1] + 600, b[2] - 600, b[3] - 600)  # parcels cut by the frame too
    size = (1500, 1000)
    renderer = MapRenderer()
    image = render_image([], extent, size=size)
    renderer.render(image, [layer], extent, size=size)
    stats = renderer.last_stats["layers"]["parcels"]
    assert stats["raster"] == stats["visible"] > V.MIN_SCAN_FEATURES  # the scanline path
    px = rgb(image)
    mt = renderer.transform
    upp = mt.upp_x
    cls, symbols = renderer.cache.get(layer, mt.crs).classes(style["renderer"])
    fills = [np.array(QColor(s["fill"]).getRgb()[:3]) for s in symbols]

    def pixel(pt):
        col, row = mt.to_pixels(pt.x, pt.y)
        return px[int(row), int(col)]

    def dark_near(line, step_px=3.0):
        """Share of points along ``line`` with a dark pixel within a pixel of them."""
        pts = shapely.line_interpolate_point(line, np.arange(0, line.length, step_px * upp))
        cols, rows = mt.to_pixels(shapely.get_x(pts), shapely.get_y(pts))
        hits = [px[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2].max(axis=2).min() < 110
                for c, r in zip(cols.astype(int), rows.astype(int), strict=True)]
        return np.mean(hits)

    frame = shapely.box(*mt.extent).buffer(-5 * upp)
    checked = 0
    for i in holed:
        parcel = vor[i]
        if not frame.contains(parcel):
            continue
        inside_hole = Polygon(parcel.interiors[0]).buffer(-2 * upp)
        land = parcel.buffer(-2.5 * upp)  # the courtyard grows by as much
        if inside_hole.is_empty or land.is_empty:
            continue
        assert (pixel(inside_hole.representative_point()) == 255).all()
        assert (pixel(land.representative_point()) == fills[cls[i]]).all()
        assert dark_near(parcel.exterior) > 0.95
        assert dark_near(parcel.interiors[0]) > 0.95
        checked += 1
    assert checked > 50

    # Qt's paths for the same parcels (the scanline path switched off)
    old = V.MIN_SCAN_FEATURES
    V.MIN_SCAN_FEATURES = 10 * n
    try:
        qt = MapRenderer()
        reference = render_image([], extent, size=size)
        qt.render(reference, [layer], extent, size=size)
    finally:
        V.MIN_SCAN_FEATURES = old
    assert qt.last_stats["layers"]["parcels"]["raster"] == 0
    assert changed(px, rgb(reference), level=90) < 0.03 * size[0] * size[1]


def test_one_shot_frames_fill_by_class_and_equal_a_canvas_frame(app, make_layer, monkeypatch):
    """render_image keeps no view for a next frame, so the scanline table codes classes
    (32 bits) instead of features (64 bits); the frame is the canvas renderer's, pixel for
    pixel."""
    from hljgis.core.style import graduated_renderer
    from hljgis.render import MapRenderer, render_image
    from hljgis.render import rasterfill as RF
    from hljgis.render import vector as V

    from ..gui.pixels import rgb

    vor, _ = _holed_parcels(55)
    score = np.random.default_rng(2).normal(size=len(vor))
    layer = make_layer(vor, "parcels", score=score, style={
        "renderer": graduated_renderer(score, "score", "quantiles", 5, "YlOrRd")})
    coded = []
    real = RF.polygon_class_image

    def spying(x, y, start, ext, values, width, height):
        coded.append(int(np.max(values)))
        return real(x, y, start, ext, values, width, height)

    monkeypatch.setattr(V, "polygon_class_image", spying)
    size = (1200, 800)
    one_shot = rgb(render_image([layer], layer.bounds, size=size))
    canvas = MapRenderer()
    image = render_image([], layer.bounds, size=size)
    canvas.render(image, [layer], layer.bounds, size=size, dpi=96.0)
    assert canvas.last_stats["layers"]["parcels"]["raster"] > V.MIN_SCAN_FEATURES
    assert coded[0] == 4 and coded[1] == len(vor) - 1  # five classes, then features
    assert RF._coding(np.array(coded[:1]))[0] is np.int32
    assert (one_shot == rgb(image)).all()
