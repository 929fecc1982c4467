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
        return _Metrics(self.font(size_pt, bold))


#: Advance widths by (font key, text): laying a legend out tries a dozen sizes and column
#: counts and measures every word each time; a preview redrawn after each keystroke measured
#: the same 12,000 words again (0.12 s). Plain data, so threads may share it.
_ADVANCES: dict[tuple[str, str], float] = {}
_MAX_ADVANCES = 100_000


class _Metrics(QFontMetricsF):
    """QFontMetricsF whose ``horizontalAdvance(text)`` is remembered across pages."""

    def __init__(self, font) -> None:
        super().__init__(font)
        self._key = font.key()

    @property
    def font_key(self) -> str:
        """The font's identity (family, pixel size, weight...): equal keys measure alike."""
        return self._key

    def horizontalAdvance(self, text, *args):  # noqa: N802 - Qt name
        if args or not isinstance(text, str):
            return super().horizontalAdvance(text, *args)
        key = (self._key, text)
        width = _ADVANCES.get(key)
        if width is None:
            if len(_ADVANCES) > _MAX_ADVANCES:
                _ADVANCES.clear()
            width = _ADVANCES[key] = super().horizontalAdvance(text)
        return width
