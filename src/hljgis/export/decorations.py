"""Map furniture drawn over the map frame: metric scale bar, north arrow, lon/lat graticule.

All three read the renderer's :class:`~hljgis.render.transform.MapTransform`, so the bar's
length, the arrow and the grid agree with the map exactly as drawn.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import CRS
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from hljgis.core.crs import transformer
from hljgis.export.units import Units

_NICE = (1, 2, 5)


def nice_length(max_metres: float) -> float:
    """The largest round length (1, 2 or 5 x 10^n m) not longer than ``max_metres``."""
    if not max_metres > 0:
        return 0.0
    exp = math.floor(math.log10(max_metres))
    best = 10.0 ** exp
    for f in _NICE:
        if f * 10.0 ** exp <= max_metres:
            best = f * 10.0 ** exp
    return best


def _fmt_len(metres: float) -> tuple[str, str]:
    """(number, unit) for a scale-bar tick: km from 1 km up, m below."""
    if metres >= 1000:
        km = metres / 1000.0
        return (f"{km:g}", "km")
    return (f"{metres:g}", "m")


def draw_scale_bar(painter: QPainter, mt, u: Units, origin: QPointF, max_width_px: float,
                   size_pt: float = 7.0) -> QRectF:
    """A four-segment black/white bar with round numbers, and the nominal scale below.

    Returns the rectangle painted (for tests and layout).
    """
    mpp = mt.metres_per_pixel()
    total_m = nice_length(max_width_px * mpp)
    if total_m <= 0:
        return QRectF()
    bar_px = total_m / mpp
    seg = 4
    h = u.mm(1.6)
    painter.save()
    painter.setFont(u.font(size_pt))
    fm = painter.fontMetrics()
    pad = u.mm(1.5)
    num, unit = _fmt_len(total_m)
    unit_w = fm.horizontalAdvance(" " + unit)
    scale_txt = f"1:{_round_scale(mt.scale_denominator):,}"
    box = QRectF(origin.x(), origin.y(),
                 bar_px + fm.horizontalAdvance(num) / 2 + unit_w + 2 * pad + u.mm(2),
                 h + 2 * fm.height() + 2 * pad)
    box.setWidth(max(box.width(), fm.horizontalAdvance(scale_txt) + 2 * pad + u.mm(1)))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255))
    painter.drawRect(box)
    x0, y0 = origin.x() + pad + u.mm(1), origin.y() + pad + fm.height()
    painter.setPen(QPen(QColor("#000000"), max(1.0, u.mm(0.15))))
    for i in range(seg):
        painter.setBrush(QColor("#000000") if i % 2 == 0 else QColor("#ffffff"))
        painter.drawRect(QRectF(x0 + i * bar_px / seg, y0, bar_px / seg, h))
    painter.setPen(QColor("#000000"))
    text_y = y0 - fm.descent() - u.mm(0.4)
    for frac in (0.0, 0.5, 1.0):
        metres = total_m * frac
        text = f"{(metres / 1000 if unit == 'km' else metres):g}"
        painter.drawText(QPointF(x0 + bar_px * frac - fm.horizontalAdvance(text) / 2, text_y),
                         text)
    painter.drawText(QPointF(x0 + bar_px + fm.horizontalAdvance(num) / 2, text_y), " " + unit)
    painter.drawText(QPointF(x0, y0 + h + fm.ascent() + u.mm(0.6)), scale_txt)
    painter.restore()
    return box


def _round_scale(denominator: float) -> int:
    """The nominal scale rounded to 2 significant figures (1:243,871 -> 1:240,000)."""
    if not denominator > 0:
        return 0
    exp = max(0, math.floor(math.log10(denominator)) - 1)
    return int(round(denominator / 10 ** exp) * 10 ** exp)


def draw_north_arrow(painter: QPainter, u: Units, centre: QPointF, height_mm: float = 12.0,
                     size_pt: float = 8.0, lang: str = "both") -> QRectF:
    """A two-tone arrow with "N" (北 in Chinese, both on a bilingual page) above; north is
    up in every hljgis map CRS view."""
    h = u.mm(height_mm)
    w = h * 0.42
    top = centre.y() - h / 2
    font = u.font(size_pt, bold=True)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setFont(font)
    fm = painter.fontMetrics()
    text_h = fm.height()
    box = QRectF(centre.x() - w / 2 - u.mm(1.5), top - text_h - u.mm(1.0), w + u.mm(3),
                 h + text_h + u.mm(2.5))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255))
    painter.drawRect(box)
    tip = QPointF(centre.x(), top + u.mm(0.5))
    base_y = top + h
    notch = QPointF(centre.x(), base_y - h * 0.28)
    left = QPainterPath(tip)
    left.lineTo(centre.x() - w / 2, base_y)
    left.lineTo(notch)
    left.closeSubpath()
    right = QPainterPath(tip)
    right.lineTo(centre.x() + w / 2, base_y)
    right.lineTo(notch)
    right.closeSubpath()
    pen = QPen(QColor("#000000"), max(1.0, u.mm(0.2)))
    painter.setPen(pen)
    painter.setBrush(QColor("#000000"))
    painter.drawPath(left)
    painter.setBrush(QColor("#ffffff"))
    painter.drawPath(right)
    painter.setPen(QColor("#000000"))
    label = {"en": "N", "zh": "北"}.get(lang, "N 北")
    painter.drawText(QPointF(centre.x() - fm.horizontalAdvance(label) / 2, top - u.mm(0.4)),
                     label)
    painter.restore()
    return box


def graticule_step(span_deg: float) -> float:
    """A lon/lat spacing giving about 3 to 8 lines across ``span_deg``."""
    for step in (5.0, 2.0, 1.0, 0.5, 0.25, 0.2, 0.1, 0.05):
        if span_deg / step >= 3:
            return step
    return 0.05


def draw_graticule(painter: QPainter, mt, u: Units, size_pt: float = 6.0) -> int:
    """Thin lon/lat lines across the frame with degree labels at the frame edges.

    Lines are densified and projected, so they bend correctly in a projected map CRS.
    Returns the number of lines drawn.
    """
    crs = mt.crs or CRS.from_epsg(4326)
    # degrees of the map's own datum (CGCS2000 for a CGCS2000 map): an inverse projection
    # that PROJ sets up in a millisecond, where a datum change to WGS84 took 0.14 s a page
    to_ll = transformer(crs, crs.geodetic_crs or "EPSG:4326")
    lon0, lat0, lon1, lat1 = to_ll.transform_bounds(*mt.extent, densify_pts=21)
    step = graticule_step(min(lon1 - lon0, lat1 - lat0))
    pen = QPen(QColor(90, 90, 90, 150), max(1.0, u.mm(0.12)))
    pen.setStyle(Qt.PenStyle.DashLine)
    painter.save()
    painter.setClipRect(QRectF(0, 0, mt.width, mt.height))
    painter.setFont(u.font(size_pt))
    fm = painter.fontMetrics()
    n = 0
    t = np.linspace(0.0, 1.0, 64)
    for kind, start, stop, a, b in (("lon", lon0, lon1, lat0, lat1),
                                    ("lat", lat0, lat1, lon0, lon1)):
        v = math.ceil(start / step) * step
        while v <= stop + 1e-9:
            along = a + (b - a) * t
            lon, lat = (np.full_like(along, v), along) if kind == "lon" else \
                (along, np.full_like(along, v))
            x, y = to_ll.transform(lon, lat, direction="INVERSE")
            px, py = mt.to_pixels(x, y)
            path = QPainterPath(QPointF(px[0], py[0]))
            for xx, yy in zip(px[1:], py[1:], strict=True):
                path.lineTo(xx, yy)
            painter.setPen(pen)
            painter.drawPath(path)
            label = _deg_label(v, kind)
            painter.setPen(QColor("#444444"))
            if kind == "lon":
                painter.drawText(QPointF(px[-1] + u.mm(0.6), fm.ascent() + u.mm(0.6)), label)
            else:
                painter.drawText(QPointF(u.mm(0.8), py[0] - u.mm(0.6)), label)
            n += 1
            v += step
    painter.restore()
    return n


def _deg_label(v: float, kind: str) -> str:
    hemi = ("E" if v >= 0 else "W") if kind == "lon" else ("N" if v >= 0 else "S")
    text = f"{abs(v):.2f}".rstrip("0").rstrip(".")
    return f"{text}°{hemi}"
