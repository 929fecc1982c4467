"""A plain table painter for the atlas table page and the score cards (no widgets)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from hljgis.export.units import Units


def paint_table(painter: QPainter, rect: QRectF, u: Units, header: list[str],
                rows: list[list[str]], weights: list[float] | None = None,
                size_pt: float = 7.0, align_right: set[int] | None = None,
                bold_rows: set[int] | None = None) -> float:
    """Draw a ruled table from the top of ``rect``; returns the y below the last row.

    Rows that do not fit in ``rect`` are not drawn (callers size the table to the page).
    Numbers (columns in ``align_right``) are right-aligned so decimals line up.
    """
    n = len(header)
    weights = weights or [1.0] * n
    total = sum(weights)
    widths = [rect.width() * w / total for w in weights]
    align_right = align_right or set()
    bold_rows = bold_rows or set()
    painter.save()
    head_font, body_font, bold_font = u.font(size_pt, True), u.font(size_pt), \
        u.font(size_pt, True)
    painter.setFont(head_font)
    fm = painter.fontMetrics()
    pad = u.mm(1.0)
    head_lines = max(h.count("\n") + 1 for h in header)
    head_h = fm.height() * head_lines + 2 * pad if any(header) else 0.0
    row_h = fm.height() + 2 * pad
    y = rect.top()
    painter.fillRect(QRectF(rect.left(), y, rect.width(), head_h), QColor("#e8edf2"))
    x = rect.left()
    painter.setPen(QColor("#111111"))
    for i, text in enumerate(header):
        flags = int(Qt.AlignmentFlag.AlignVCenter) | int(
            Qt.AlignmentFlag.AlignRight if i in align_right else Qt.AlignmentFlag.AlignLeft)
        painter.drawText(QRectF(x + pad, y, widths[i] - 2 * pad, head_h), flags, text)
        x += widths[i]
    y += head_h
    painter.setPen(QPen(QColor("#333333"), max(1.0, u.mm(0.25))))
    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
    for r, row in enumerate(rows):
        if y + row_h > rect.bottom():
            break
        if r % 2 == 1:
            painter.fillRect(QRectF(rect.left(), y, rect.width(), row_h), QColor("#f5f7f9"))
        painter.setFont(bold_font if r in bold_rows else body_font)
        fm = painter.fontMetrics()
        painter.setPen(QColor("#1a1a1a"))
        x = rect.left()
        for i, text in enumerate(row):
            cell = QRectF(x + pad, y, widths[i] - 2 * pad, row_h)
            text = fm.elidedText(str(text), Qt.TextElideMode.ElideRight, int(cell.width()))
            flags = int(Qt.AlignmentFlag.AlignVCenter) | int(
                Qt.AlignmentFlag.AlignRight if i in align_right else Qt.AlignmentFlag.AlignLeft)
            painter.drawText(cell, flags, text)
            x += widths[i]
        y += row_h
    painter.setPen(QPen(QColor("#333333"), max(1.0, u.mm(0.25))))
    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
    painter.restore()
    return y
