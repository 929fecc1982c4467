"""Legend swatches: a symbol dict painted into a small rectangle (layer panel, print legend)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath

from hljgis.render.paths import marker_path
from hljgis.render.symbols import make_brush, make_hatch, make_pen, symbol_layers


def paint_symbol(painter: QPainter, rect: QRectF, symbol: dict, dpi: float | None = None) -> None:
    """Draw ``symbol`` as a legend patch inside ``rect``.

    A fill symbol is a rounded-corner patch, a line symbol a horizontal stroke, a marker
    symbol one marker in the centre; sizes in mm follow ``dpi`` (the painter device's logical
    DPI by default), so the legend matches the map it explains.
    """
    if dpi is None:
        dev = painter.device()
        dpi = float(dev.logicalDpiX()) if dev is not None else 96.0
    px_mm = dpi / 25.4
    rect = QRectF(rect)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    kind = symbol.get("type", "fill")
    for sym in symbol_layers(symbol):
        if kind == "line":
            painter.setPen(make_pen({**sym, "type": "line"}, px_mm))
            y = rect.center().y()
            path = QPainterPath(QPointF(rect.left() + 1, y))
            path.lineTo(rect.right() - 1, y)
            painter.drawPath(path)
        elif kind == "marker":
            size = min(float(sym.get("size_mm", 2.0)) * px_mm, rect.height(), rect.width())
            painter.setPen(make_pen({**sym, "type": "marker"}, px_mm))
            painter.setBrush(make_brush(sym))
            painter.drawPath(marker_path(sym.get("marker", "circle"), size, rect.center().x(),
                                         rect.center().y()))
        else:
            pen = make_pen({**sym, "type": "fill"}, px_mm)
            inset = pen.widthF() / 2.0 + 0.5 if pen.style() != Qt.PenStyle.NoPen else 0.5
            patch = QPainterPath()
            r = rect.adjusted(inset, inset, -inset, -inset)
            patch.addRoundedRect(r, 1.5, 1.5)
            painter.fillPath(patch, make_brush(sym))
            hatch = make_hatch(sym, dpi)
            if hatch is not None:
                painter.fillPath(patch, hatch)
            painter.strokePath(patch, pen)
    painter.restore()
