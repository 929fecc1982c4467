"""Axis-aligned rectangles (grid cells, tiny features) filled with numpy, not QPainter.

A million grid cells are a million tiny polygons to Qt's rasteriser (seconds), but only four
corner increments each to a summed-area table: the class of every pixel is the 2-D cumulative
sum of +v/-v marks at the corners of each rectangle. Edges snap to whole pixels, so adjacent
cells tile without the hairline seams anti-aliased polygons leave.
"""

from __future__ import annotations

import numpy as np

_SHIFT = 12
_COVER = 1 << _SHIFT
_MAX_CLASSES = _COVER - 2
_QUANT = 1024.0


def rect_class_image(x0, y0, x1, y1, cls, width: int, height: int) -> np.ndarray | None:
    """(height, width) int32 image: class index of the rectangle covering each pixel, -1
    where none does; ``None`` when rectangles overlap (the caller draws them in order).

    Coordinates are pixel edges (floats); rectangles thinner than a pixel still get one.
    Edges are first quantised to 1/1024 px, so two cells sharing an edge that floating point
    put 1e-9 px apart round the same way (no seam, no overlap); the rare pair that straddles a
    quantisation step overlaps by a pixel and sends the layer down the exact path route.
    """
    cls = np.asarray(cls, dtype=np.int64)
    if len(cls) and cls.max() >= _MAX_CLASSES:
        return None

    def snap(v):
        q = np.round(np.asarray(v, dtype=float) * _QUANT) / _QUANT
        return np.floor(q + 0.5).astype(np.int64)

    ix0, ix1 = snap(x0), snap(x1)
    iy0, iy1 = snap(y0), snap(y1)
    # Sub-pixel features keep the pixel they lie in.
    ix1 = np.where(ix1 <= ix0, ix0 + 1, ix1)
    iy1 = np.where(iy1 <= iy0, iy0 + 1, iy1)
    ix0, ix1 = np.clip(ix0, 0, width), np.clip(ix1, 0, width)
    iy0, iy1 = np.clip(iy0, 0, height), np.clip(iy1, 0, height)
    ok = (ix1 > ix0) & (iy1 > iy0)
    ix0, ix1, iy0, iy1 = ix0[ok], ix1[ok], iy0[ok], iy1[ok]
    v = (_COVER + cls[ok] + 1).astype(np.int32)
    w1 = width + 1
    table = np.zeros((height + 1) * w1, dtype=np.int32)
    np.add.at(table, iy0 * w1 + ix0, v)
    np.add.at(table, iy0 * w1 + ix1, -v)
    np.add.at(table, iy1 * w1 + ix0, -v)
    np.add.at(table, iy1 * w1 + ix1, v)
    table = table.reshape(height + 1, w1)
    np.cumsum(table, axis=0, out=table)
    np.cumsum(table, axis=1, out=table)
    vals = table[:height, :width]
    if (vals >> _SHIFT).max(initial=0) > 1:
        return None
    return (vals & (_COVER - 1)) - 1


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
