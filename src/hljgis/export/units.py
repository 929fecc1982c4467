"""Millimetres and points to device pixels, and the page fonts.

Every page item is laid out in mm and sized in pt, then painted in device pixels of the
output's resolution, so a PDF, an SVG and a PNG of one layout look the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from hljgis.render.fonts import label_font


@dataclass(frozen=True)
class Units:
    """Conversions at one output resolution."""

    dpi: float

    def mm(self, v: float) -> float:
        return float(v) * self.dpi / 25.4

    def pt(self, v: float) -> float:
        return float(v) * self.dpi / 72.0

    def rect(self, r) -> QRectF:
        """A layout :class:`~hljgis.export.layout.Rect` (mm) as a QRectF in pixels."""
        return QRectF(self.mm(r.x), self.mm(r.y), self.mm(r.w), self.mm(r.h))

    def font(self, size_pt: float, bold: bool = False) -> QFont:
        """The bundled CJK font at a point size (pixel-sized, so it scales with the dpi)."""
        return label_font(self.pt(size_pt), bold=bold)

    def metrics(self, size_pt: float, bold: bool = False) -> QFontMetricsF:
        return QFontMetricsF(self.font(size_pt, bold))
