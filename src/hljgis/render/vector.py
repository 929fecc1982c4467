"""Drawing one vector layer: visible features by class, as few QPainter calls as possible."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QImage, QPainter, QPen, QTransform

from hljgis.core.style import hex_to_rgba
from hljgis.render.paths import compact_rings, marker_paths, paths_from_rings
from hljgis.render.pdffill import SNAP_PT, FillGroup, sink_for
from hljgis.render.prepare import _LINE, _POINT, _POLY, PreparedLayer
from hljgis.render.rasterfill import (
    point_class_image,
    polygon_class_image,
    premultiplied_lut,
    rect_class_image,
)
from hljgis.render.symbols import make_brush, make_hatch, make_pen, symbol_layers
from hljgis.render.transform import MapTransform

#: Features smaller than this many pixels across are drawn as their pixel box (rasters only).
TINY_PX = 1.5
#: ... and those smaller than this take only the pixel their centre falls in.
DUST_PX = 1.0
#: Outlines of rectangles narrower than this are left out: they would hide the fill.
MIN_OUTLINE_PX = 4.0
#: Plain polygons smaller than this many pixels are filled by numpy scanlines (rasters only):
#: anti-aliasing matters little at that size and Qt needs ~10 us per polygon.
SMALL_PX = 16.0
#: ... when there are at least this many of them (below it Qt is as fast and anti-aliased).
MIN_SCAN_FEATURES = 2000
#: On vector devices (PDF, SVG) vertices are written as whole numbers of 1/8 device pixel
#: (the painter scaled by 1/8): "10191 4487" instead of "1273.92337 560.914235", half the
#: bytes for the PDF writer to format and compress, and 1/2400 inch at 300 dpi.
VECTOR_GRID = 8.0
#: Grid coordinates are int32; vertices beyond this many steps off the frame are clamped.
_INT_LIMIT = 2 ** 30


class Cancelled(Exception):
    """Raised inside a layer when the cancel callback says the render is stale."""


def _max_symbol_px(symbols: list[dict], px_per_mm: float) -> float:
    size = 0.0
    for sym in symbols:
        for s in symbol_layers(sym):
            size = max(size, float(s.get("size_mm", 0.0)), float(s.get("stroke_width_mm", 0.0)))
    return size * px_per_mm


def view_key(mt: MapTransform) -> tuple:
    """What a view's masks depend on: the map-to-pixel transform and the frame size."""
    return (*mt.affine(), mt.width, mt.height)


def visible_mask(prep: PreparedLayer, mt: MapTransform, margin_px: float) -> np.ndarray:
    """Features whose bounding box meets the frame (grown by ``margin_px``); read-only,
    kept for the view."""

    def build():
        b = prep.bounds
        mx, my = margin_px * mt.upp_x, margin_px * mt.upp_y
        with np.errstate(invalid="ignore"):
            return prep.valid & (b[:, 2] >= mt.minx - mx) & (b[:, 0] <= mt.maxx + mx) & \
                (b[:, 3] >= mt.miny - my) & (b[:, 1] <= mt.maxy + my)

    return prep.for_view(f"visible:{margin_px}", view_key(mt), build)


def draw_vector(painter: QPainter, prep: PreparedLayer, style: dict, mt: MapTransform,
                raster_ok: bool, check, only: np.ndarray | None = None,
                keep_views: bool = True) -> dict:
    """Draw the visible features of ``prep`` with ``style``; returns counts for stats.

    ``check()`` raises :class:`Cancelled` when the render went stale; ``only`` (a boolean
    mask) restricts drawing to some features, e.g. the selection. ``keep_views=False``
    (a one-shot image) fills small polygons by class instead of keeping which pixels each
    feature fills for a re-coloured next frame.
    """
    cls, symbols = prep.classes(style.get("renderer") or {"kind": "single"})
    px_mm = mt.dpi / 25.4
    margin = _max_symbol_px(symbols, px_mm) + 2.0
    in_view = visible_mask(prep, mt, margin)
    vis = in_view & (cls >= 0)
    if only is not None:
        vis &= only
    stats = {"visible": int(vis.sum()), "raster": 0, "paths": 0}
    if not stats["visible"]:
        return stats
    ax, bx, ay, by = mt.affine()
    bucket = mt.zoom_bucket()
    fam = prep.family
    grid = 1.0 if raster_ok else VECTOR_GRID

    poly = vis & (fam == _POLY)
    if poly.any():
        rest = poly
        outline_only = np.zeros_like(poly)
        if raster_ok:

            def pixel_sizes():
                b = prep.bounds
                w, h = (b[:, 2] - b[:, 0]) * ax, (b[:, 3] - b[:, 1]) * -ay
                return np.maximum(w, h), np.minimum(w, h)

            longest, shortest = prep.for_view("sizes", view_key(mt), pixel_sizes)
            # Pixel fills suit plain symbols only (no hatch, no extra symbol layers).
            plain_sym = np.array([not s.get("hatch") and not s.get("layers")
                                  for s in symbols] + [False])
            # Outlined polygons of any size: the anti-aliased outline drawn on top hides the
            # stair-steps of the pixel fill along the edges.
            outlined_sym = np.array([make_pen({**sym, "type": "fill"}, px_mm).style()
                                     != Qt.PenStyle.NoPen for sym in symbols] + [False])
            key = None
            if keep_views and only is None and plain_sym[:-1].all() and \
                    len(set(outlined_sym[:-1])) == 1:
                # Every class fills alike, so which pixels a feature fills depends on the
                # geometry and the view alone: all features in view are filled by index,
                # kept for the view, and new values only re-colour the indices (a million
                # re-scored cells: a 30 ms lookup instead of a 0.6 s scan). Unclassed ones
                # get no colour.
                key = (*view_key(mt), margin)
                base, plain, outlined = in_view & (fam == _POLY), True, outlined_sym[0]
            else:
                base, plain, outlined = poly, plain_sym[cls], outlined_sym[cls]
            tiny = base & plain & (longest < TINY_PX)
            rect = base & plain & prep.is_rect
            fast = tiny | rect
            if fast.any() and _raster_rects(painter, prep, cls, symbols, fast, mt, key):
                stats["raster"] = int((fast & poly).sum())
                rest = rest & ~fast
                outline = rect & poly & ~tiny & (shortest >= MIN_OUTLINE_PX)
                if outline.any():
                    _outline_rects(painter, prep, cls, symbols, outline, mt, check)
                base = base & ~fast
            check()
            small = base & plain & ((longest < SMALL_PX) | outlined)
            if small.sum() > MIN_SCAN_FEATURES and _raster_polygons(
                    painter, prep, cls, symbols, small, mt, bucket,
                    None if key is None else (*key, bucket), by_class=not keep_views):
                stats["raster"] += int((small & poly).sum())
                rest = rest & ~small
                outline_only = small & poly & (shortest >= MIN_OUTLINE_PX)
        check()
        draw = rest | outline_only
        if draw.any() and not raster_ok:
            stats["paths"] += _vector_polygons(painter, prep, cls, symbols, draw, mt, bucket,
                                               check)
        elif draw.any():
            data = prep.coordinates(draw, _POLY, bucket)
            px, py = _device_xy(data["xy"], mt, grid)
            fcls = cls[data["feat"]]
            stroke_only = outline_only[data["feat"]]
            for c, sym in enumerate(symbols):
                for only_stroke in (False, True):
                    m = (fcls == c) & (stroke_only == only_stroke)
                    if not m.any():
                        continue
                    paths = paths_from_rings(px[m], py[m], data["start"][m])
                    stats["paths"] += len(paths)
                    for layer_sym in symbol_layers(sym):
                        if only_stroke:
                            layer_sym = {**layer_sym, "fill": None, "hatch": None}
                        _fill_paths(painter, paths, layer_sym, mt, grid)
                        check()

    lines = vis & (fam == _LINE)
    if lines.any():
        data = prep.coordinates(lines, _LINE, bucket)
        px, py = _device_xy(data["xy"], mt, grid)
        fcls = cls[data["feat"]]
        painter.save()
        painter.scale(1.0 / grid, 1.0 / grid)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        per_class = {}
        for c in range(len(symbols)):
            m = fcls == c
            if m.any():
                per_class[c] = paths_from_rings(px[m], py[m], data["start"][m])
        # Symbol levels: every casing below every centre line, first class on top.
        depth = max(len(symbol_layers(s)) for s in symbols)
        for level in range(depth):
            for c in sorted(per_class, reverse=True):
                layers = symbol_layers(symbols[c])
                if level < len(layers):
                    painter.setPen(_scaled(make_pen({**layers[level], "type": "line"}, px_mm),
                                           grid))
                    for p in per_class[c]:
                        painter.drawPath(p)
                    check()
        painter.restore()
        stats["paths"] += sum(len(v) for v in per_class.values())

    points = vis & (fam == _POINT)
    if points.any():
        data = prep.coordinates(points, _POINT, bucket)
        px = data["xy"][:, 0] * ax + bx
        py = data["xy"][:, 1] * ay + by
        fcls = cls[data["feat"]]
        for c in range(len(symbols) - 1, -1, -1):
            m = fcls == c
            if not m.any():
                continue
            for s in symbol_layers(symbols[c]):
                size = float(s.get("size_mm", 2.0)) * px_mm
                paths = marker_paths(px[m], py[m], s.get("marker", "circle"), size)
                painter.setPen(make_pen({**s, "type": "marker"}, px_mm))
                painter.setBrush(make_brush(s))
                for p in paths:
                    painter.drawPath(p)
                stats["paths"] += len(paths)
                check()
    return stats


def _vector_polygons(painter, prep, cls, symbols, mask, mt, bucket, check) -> int:
    """Polygons on a vector device (PDF, SVG); returns the number of paths drawn.

    As on screens, outlines of filled features narrower than MIN_OUTLINE_PX device pixels
    are left out (they would hide the fill). Those plain fills are snapped to
    :data:`~hljgis.render.pdffill.SNAP_PT` steps, outlined features to 1/VECTOR_GRID pixel.
    On a PDF page with a fill sink, classes of plain colours and solid outlines are written
    by the sink; other classes (hatches, dashes, symbol layers, translucent colours) and
    every class on SVG pages are drawn as QPainterPaths.
    """
    px_mm = mt.dpi / 25.4
    ax, _, ay, _ = mt.affine()
    b = prep.bounds
    with np.errstate(invalid="ignore"):
        shortest = np.minimum((b[:, 2] - b[:, 0]) * abs(ax), (b[:, 3] - b[:, 1]) * abs(ay))
    pens = [make_pen({**sym, "type": "fill"}, px_mm) for sym in symbols]
    rgba = [hex_to_rgba(sym["fill"]) if sym.get("fill") else None for sym in symbols]
    plain = np.array([c is not None and not sym.get("hatch") and not sym.get("layers")
                      for sym, c in zip(symbols, rgba, strict=True)] + [False])
    pen_on = np.array([p.style() != Qt.PenStyle.NoPen for p in pens] + [False])
    outlined = pen_on[cls] & ~(plain[cls] & (shortest < MIN_OUTLINE_PX))
    sink = sink_for(painter)
    sinkable = [sink is not None and not sym.get("hatch") and not sym.get("layers")
                and (c is None or c[3] == 255) and _simple_pen(p)
                for sym, c, p in zip(symbols, rgba, pens, strict=True)]
    coarse = mask & plain[cls] & ~outlined
    step = SNAP_PT * mt.dpi / 72.0
    paths = 0
    to_sink = np.array([*sinkable, False])
    for part, grid, with_pen in ((coarse, 1.0 / step, False), (mask & ~coarse, VECTOR_GRID,
                                                                True)):
        if not part.any():
            continue
        groups: dict[int, list[FillGroup]] = {}

        def add(c, gx, gy, start, wh=None, grid=grid, with_pen=with_pen, groups=groups):
            pen = pens[c] if with_pen and pens[c].style() != Qt.PenStyle.NoPen else None
            stroke = None if pen is None else (pen.color().getRgb()[:3], pen.widthF() * grid)
            groups.setdefault(c, []).append(FillGroup(
                gx, gy, start, rgba[c][:3] if rgba[c] else None, stroke, wh))

        rects = part & prep.is_rect & to_sink[cls]
        if rects.any():  # grid cells: one "re" each, straight from their bounds
            for c, x, y, wh in _rect_groups(prep, cls, rects, mt, grid):
                add(c, x, y, None, wh)
            part = part & ~rects
        qt, specks = [], []
        if part.any():
            data = prep.coordinates(part, _POLY, bucket)
            gx, gy = _grid_xy(data["xy"], mt, grid)
            kept = compact_rings(gx, gy, data["start"], data["ext"], closing=False)
            # a polygon that snapped to nothing prints as a speck of one grid step, as on
            # screens it takes a pixel: scattered small sites must not vanish from the page
            lost = np.flatnonzero(data["start"] & data["ext"])
            lost = lost[~kept[lost]]
            if len(lost):
                for c, x, y, wh in _specks(gx[lost], gy[lost], cls[data["feat"][lost]]):
                    if sinkable[c]:
                        add(c, x, y, None, wh)
                    else:
                        specks.append((c, x, y))
            keep = np.flatnonzero(kept)
            # vertices by class (a ring's vertices share it; a stable sort keeps their order)
            kc = cls[data["feat"][keep]].astype(np.int8)
            order = keep[np.argsort(kc, kind="stable")]
            ends = np.cumsum(np.bincount(kc, minlength=len(symbols)))
            gx, gy, start = gx[order], gy[order], data["start"][order]
            for c in range(len(symbols)):
                m = slice(int(ends[c - 1]) if c else 0, int(ends[c]))
                if m.start == m.stop:
                    continue
                if sinkable[c]:
                    add(c, gx[m], gy[m], start[m])
                else:
                    qt.append((c, m))
        if groups:
            sink.draw(painter, (mt.width, mt.height),
                      [g for c in sorted(groups) for g in groups[c]], 1.0 / grid)
            paths += sum(len(v) for v in groups.values())
        rings = [(c, *_closed(gx[m], gy[m], start[m])) for c, m in qt]
        rings += [(c, *_speck_rings(x, y)) for c, x, y in specks]
        for c, x, y, st in rings:
            sym = symbols[c] if with_pen else {**symbols[c], "stroke": None}
            # Qt closes a subpath whose last vertex repeats its first (for the outline)
            chunk = paths_from_rings(x, y, st)
            paths += len(chunk)
            for layer_sym in symbol_layers(sym):
                _fill_paths(painter, chunk, layer_sym, mt, grid)
                check()
        check()
    return paths


def _specks(x: np.ndarray, y: np.ndarray, c: np.ndarray) -> list[tuple]:
    """One-step squares at ``x``, ``y`` by class: (class, x, y, (w, h))."""
    out = []
    for k in np.unique(c).tolist():
        m = c == k
        one = np.ones(int(m.sum()), dtype=np.int32)
        out.append((k, x[m], y[m], (one, one)))
    return out


def _speck_rings(x: np.ndarray, y: np.ndarray):
    """Closed one-step squares at ``x``, ``y`` as rings (x, y, is_start)."""
    xs = (x[:, None] + np.array([0, 1, 1, 0, 0])).ravel()
    ys = (y[:, None] + np.array([0, 0, 1, 1, 0])).ravel()
    start = np.zeros(len(xs), dtype=bool)
    start[::5] = True
    return xs, ys, start


def _rect_groups(prep, cls, mask, mt, grid) -> list[tuple]:
    """Rectangles ``mask`` snapped to the grid, by class: (class, x, y, (w, h))."""
    idx = np.flatnonzero(mask)
    b = prep.bounds[idx]
    ax, bx, ay, by = mt.affine()
    lim = float(_INT_LIMIT)
    x0, x1, y0, y1 = (np.clip(np.rint((v * a + o) * grid), -lim, lim).astype(np.int32)
                      for v, a, o in ((b[:, 0], ax, bx), (b[:, 2], ax, bx),
                                      (b[:, 3], ay, by), (b[:, 1], ay, by)))
    # a cell under a grid step still prints, as a speck of one step (as on screens)
    w, h = np.maximum(x1 - x0, 1), np.maximum(y1 - y0, 1)
    c_of = cls[idx]
    out = []
    for c in np.unique(c_of).tolist():
        m = c_of == c
        out.append((c, x0[m], y0[m], (w[m], h[m])))
    return out


def _simple_pen(pen: QPen) -> bool:
    """A pen the fill sink writes: none, or solid and opaque (no dashes)."""
    return pen.style() == Qt.PenStyle.NoPen or (
        pen.style() == Qt.PenStyle.SolidLine and pen.color().alpha() == 255)


def _closed(x: np.ndarray, y: np.ndarray, start: np.ndarray):
    """Rings with their first vertex repeated at the end."""
    first = np.flatnonzero(start)
    idx = np.insert(np.arange(len(x)), np.r_[first[1:], len(x)], first)
    st = np.zeros(len(idx), dtype=bool)
    st[np.flatnonzero(start) + np.arange(len(first))] = True
    return x[idx], y[idx], st


def _grid_xy(xy: np.ndarray, mt: MapTransform, grid: float) -> tuple[np.ndarray, np.ndarray]:
    """Device pixel coordinates of map ``xy`` in whole 1/``grid`` pixels, as int32."""
    ax, bx, ay, by = mt.affine()
    out = []
    for col, a, b in ((0, ax, bx), (1, ay, by)):
        v = xy[:, col] * (a * grid)
        v += b * grid
        np.rint(v, out=v)
        np.clip(v, -_INT_LIMIT, _INT_LIMIT, out=v)  # far outside any frame: edges keep
        out.append(v.astype(np.int32))
    return out[0], out[1]


def _device_xy(xy: np.ndarray, mt: MapTransform, grid: float) -> tuple[np.ndarray, np.ndarray]:
    """Device pixel coordinates of map ``xy``, in whole 1/``grid`` pixels when grid > 1."""
    ax, bx, ay, by = mt.affine()
    if grid == 1.0:
        return xy[:, 0] * ax + bx, xy[:, 1] * ay + by
    return np.round(xy[:, 0] * (ax * grid) + bx * grid), np.round(xy[:, 1] * (ay * grid)
                                                                   + by * grid)


def _scaled(pen: QPen, grid: float) -> QPen:
    """``pen`` for a painter scaled by 1/``grid``: as wide on the page as before."""
    if grid != 1.0 and pen.style() != Qt.PenStyle.NoPen:
        pen.setWidthF(pen.widthF() * grid)
    return pen


def _fill_paths(painter: QPainter, paths, sym: dict, mt: MapTransform,
                grid: float = 1.0) -> None:
    """Fill and outline ``paths`` (in 1/``grid`` device pixels) with one symbol layer."""
    painter.save()
    painter.scale(1.0 / grid, 1.0 / grid)
    try:
        pen = _scaled(make_pen({**sym, "type": "fill"}, mt.dpi / 25.4), grid)
        painter.setBrush(make_brush(sym))
        painter.setPen(pen)
        hatch = make_hatch(sym, mt.dpi)
        if hatch is None:
            for p in paths:
                painter.drawPath(p)
            return
        if grid != 1.0:  # a brush's transform is merged with the painter's
            hatch.setTransform(hatch.transform() * QTransform.fromScale(grid, grid))
        for p in paths:
            painter.fillPath(p, make_brush(sym))
            painter.fillPath(p, hatch)
            painter.strokePath(p, pen)
    finally:
        painter.restore()


def _draw_indexed(painter, fid: np.ndarray, cls, symbols, mt) -> None:
    """Colour a feature-index image by each feature's class in one lookup and draw it."""
    colors = []
    for sym in symbols:
        color = sym.get("fill") or sym.get("stroke")
        colors.append(hex_to_rgba(color) if color else None)
    lut = premultiplied_lut(colors)
    # lut[0] (transparent) moved last, so class -1 and feature -1 both index it
    by_class = np.roll(lut, -1)
    per_feature = np.empty(len(cls) + 1, dtype=np.uint32)
    np.take(by_class, cls, out=per_feature[:-1])
    per_feature[-1] = by_class[-1]
    argb = per_feature[fid]
    qimg = QImage(argb.data, mt.width, mt.height, mt.width * 4,
                  QImage.Format.Format_ARGB32_Premultiplied)
    painter.drawImage(QPointF(0, 0), qimg)


def _raster_rects(painter, prep, cls, symbols, mask, mt, key=None) -> bool:
    """Fill ``mask`` features as pixel boxes; False when they overlap (use paths instead).

    With a ``key`` the feature index image is kept for the view (see draw_vector)."""

    def build():
        idx = np.flatnonzero(mask)
        b = prep.bounds[idx]
        px0, py1 = mt.to_pixels(b[:, 0], b[:, 1])
        px1, py0 = mt.to_pixels(b[:, 2], b[:, 3])
        # Dust (under a pixel across) takes the pixel of its centre: the boxes of reprojected
        # cells overlap, and a pixel per box corner would send them all to the scanline path.
        dust = np.maximum(px1 - px0, py1 - py0) < DUST_PX
        if not dust.any():
            return rect_class_image(px0, py0, px1, py1, idx, mt.width, mt.height)
        box = ~dust
        image = rect_class_image(px0[box], py0[box], px1[box], py1[box], idx[box],
                                 mt.width, mt.height)
        if image is not None:
            specks = point_class_image((px0[dust] + px1[dust]) / 2,
                                       (py0[dust] + py1[dust]) / 2, idx[dust],
                                       mt.width, mt.height)
            np.maximum(image, specks, out=image)  # the feature drawn last shows
        return image

    fid = build() if key is None else prep.pixel_index("rect", key, build)
    if fid is None:
        return False
    _draw_indexed(painter, fid, cls, symbols, mt)
    return True


def _raster_polygons(painter, prep, cls, symbols, mask, mt, bucket, key=None,
                     by_class: bool = False) -> bool:
    """Fill small polygons by scanline into one image; False when they overlap.

    The image holds each pixel's feature (kept for the view under ``key``), or with
    ``by_class`` its class: a one-shot frame needs no more, and class numbers code in
    32-bit tables where feature numbers take 64 (100k parcels: 0.10 s instead of 0.14 s).
    """

    def build():
        data = prep.coordinates(mask, _POLY, bucket)
        ax, bx, ay, by = mt.affine()
        px = data["xy"][:, 0] * ax + bx
        py = data["xy"][:, 1] * ay + by
        values = cls[data["feat"]] if by_class else data["feat"]
        return polygon_class_image(px, py, data["start"], data["ext"], values,
                                   mt.width, mt.height)

    fid = build() if key is None else prep.pixel_index("poly", key, build)
    if fid is None:
        return False
    if by_class:  # the image holds classes: each class is its own "feature"
        _draw_indexed(painter, fid, np.arange(len(symbols)), symbols, mt)
    else:
        _draw_indexed(painter, fid, cls, symbols, mt)
    return True


def _outline_rects(painter, prep, cls, symbols, mask, mt, check) -> None:
    """Outlines of rectangles, one path per class built from their bounds."""
    px_mm = mt.dpi / 25.4
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for c, sym in enumerate(symbols):
        pen = make_pen({**sym, "type": "fill"}, px_mm)
        if pen.style() == Qt.PenStyle.NoPen:
            continue
        idx = np.flatnonzero(mask & (cls == c))
        if not len(idx):
            continue
        b = prep.bounds[idx]
        x0, y1 = mt.to_pixels(b[:, 0], b[:, 1])
        x1, y0 = mt.to_pixels(b[:, 2], b[:, 3])
        x0, x1, y0, y1 = (np.floor(v + 0.5) for v in (x0, x1, y0, y1))
        xs = np.stack([x0, x1, x1, x0, x0], axis=1).ravel()
        ys = np.stack([y0, y0, y1, y1, y0], axis=1).ravel()
        start = np.zeros(len(xs), dtype=bool)
        start[::5] = True
        painter.setPen(QPen(pen))
        for p in paths_from_rings(xs, ys, start):
            painter.drawPath(p)
        check()
    painter.setBrush(QBrush())
