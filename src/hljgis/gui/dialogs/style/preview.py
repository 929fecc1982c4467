"""The dialog's preview: a small legend of the edited style, drawn by the renderer's own
legend painter, so the swatches are the symbols the map will show."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap

from hljgis.render.legend import paint_symbol

#: Rows the preview shows before "... and n more".
MAX_ROWS = 14


def preview_pixmap(entries: list[tuple[str, dict]], geom_type: str, opacity: float,
                   more_text: str = "") -> QPixmap:
    """A legend of ``entries`` ((label, symbol) pairs) at the layer ``opacity``.

    A single entry also gets a 2.5x close-up, so thin outlines and dashes can be judged.
    ``more_text`` is written under the rows when there are more than :data:`MAX_ROWS`.
    """
    shown = entries[:MAX_ROWS]
    row_h, sw, width = 24, 34, 200
    top = 8 + (96 if len(entries) == 1 and shown else 0)
    height = max(60, top + 4 + row_h * (len(shown) + (len(entries) > len(shown))))
    pm = QPixmap(width, height)
    pm.fill(QColor("#ffffff"))
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setOpacity(opacity)
    if top > 8:
        big = dict(shown[0][1])
        big.setdefault("type", geom_type)
        paint_symbol(painter, QRectF(16, 12, width - 32, 76), big, 240.0)
    for i, (_label, sym) in enumerate(shown):
        sym = dict(sym)
        sym.setdefault("type", geom_type)
        paint_symbol(painter, QRectF(8, top + i * row_h, sw, row_h - 6), sym, 96.0)
    painter.setOpacity(1.0)
    painter.setPen(QColor("#222222"))
    metrics = painter.fontMetrics()
    for i, (label, _sym) in enumerate(shown):
        text = metrics.elidedText(label or "", Qt.TextElideMode.ElideRight, width - sw - 20)
        painter.drawText(QRectF(sw + 16, top + i * row_h, width - sw - 20, row_h - 6),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
    if len(entries) > len(shown):
        painter.setPen(QColor("#777777"))
        painter.drawText(QRectF(8, top + len(shown) * row_h, width - 16, row_h - 6),
                         Qt.AlignmentFlag.AlignVCenter, more_text)
    painter.end()
    return pm


__all__ = ["MAX_ROWS", "preview_pixmap"]
