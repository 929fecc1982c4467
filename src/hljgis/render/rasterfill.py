"""Axis-aligned rectangles (grid cells, tiny features) filled with numpy, not QPainter.

A million grid cells are a million tiny polygons to Qt's rasteriser (seconds), but only four
corner increments each to a summed-area table: the class of every pixel is the 2-D cumulative
sum of +v/-v marks at the corners of each rectangle. Edges snap to whole pixels, so adjacent
cells tile without the hairline seams anti-aliased polygons leave.
"""

from __future__ import annotations

import numpy as np

_COVER = float(1 << 16)


def rect_class_image(x0, y0, x1, y1, cls, width: int, height: int) -> np.ndarray | None:
    """(height, width) int32 image: class index of the rectangle covering each pixel, -1
    where none does; ``None`` when rectangles overlap (the caller draws them in order).

    Coordinates are pixel edges (floats); rectangles thinner than a pixel still get one.
    """
    def snap(v, hi):
        return np.clip(np.floor(np.asarray(v, dtype=float) + 0.5), 0, hi).astype(np.int64)

    ix0, ix1 = snap(x0, width), snap(x1, width)
    iy0, iy1 = snap(y0, height), snap(y1, height)
    # Sub-pixel features keep one pixel where they lie.
    thin = ix1 <= ix0
    ix1 = np.where(thin, np.minimum(ix0 + 1, width), ix1)
    ix0 = np.where(thin & (ix0 >= width), width - 1, ix0)
    thin = iy1 <= iy0
    iy1 = np.where(thin, np.minimum(iy0 + 1, height), iy1)
    iy0 = np.where(thin & (iy0 >= height), height - 1, iy0)
    ok = (ix1 > ix0) & (iy1 > iy0)
    ix0, ix1, iy0, iy1 = ix0[ok], ix1[ok], iy0[ok], iy1[ok]
    v = _COVER + np.asarray(cls, dtype=np.float64)[ok] + 1.0
    w1 = width + 1
    ind = np.concatenate([iy0 * w1 + ix0, iy0 * w1 + ix1, iy1 * w1 + ix0, iy1 * w1 + ix1])
    wts = np.concatenate([v, -v, -v, v])
    table = np.bincount(ind, weights=wts, minlength=(height + 1) * w1).reshape(height + 1, w1)
    np.cumsum(table, axis=0, out=table)
    np.cumsum(table, axis=1, out=table)
    vals = table[:height, :width].astype(np.int64)
    cover = vals >> 16
    if cover.max(initial=0) > 1:
        return None
    return ((vals & 0xFFFF) - 1).astype(np.int32)


def premultiplied_lut(colors) -> np.ndarray:
    """uint32 ARGB32-premultiplied values for (r, g, b, a) tuples, index 0 = transparent."""
    lut = np.zeros(len(colors) + 1, dtype=np.uint32)
    for i, c in enumerate(colors, start=1):
        if c is None:
            continue
        r, g, b, a = (int(v) for v in c)
        f = a / 255.0
        lut[i] = (a << 24) | (round(r * f) << 16) | (round(g * f) << 8) | round(b * f)
    return lut
