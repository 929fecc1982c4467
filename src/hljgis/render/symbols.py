"""Symbol dicts (core.style) -> QPen and QBrush at a device resolution."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen, QTransform

from hljgis.core.style import DASH_PATTERNS, hex_to_rgba

_HATCH = {
    "bdiag": Qt.BrushStyle.BDiagPattern, "fdiag": Qt.BrushStyle.FDiagPattern,
    "cross": Qt.BrushStyle.CrossPattern, "diagcross": Qt.BrushStyle.DiagCrossPattern,
    "horizontal": Qt.BrushStyle.HorPattern, "vertical": Qt.BrushStyle.VerPattern,
}
#: Below this width a pen is drawn one device pixel wide (a hairline) rather than vanishing.
MIN_PEN_PX = 0.6


def qcolor(value: str | None) -> QColor | None:
    if value is None:
        return None
    r, g, b, a = hex_to_rgba(value)
    return QColor(r, g, b, a)


def make_pen(sym: dict, px_per_mm: float) -> QPen:
    """The outline or line pen of a symbol; NoPen when it has no stroke."""
    color = qcolor(sym.get("stroke"))
    width_mm = float(sym.get("stroke_width_mm", 0.0) or 0.0)
    if color is None or width_mm <= 0:
        return QPen(Qt.PenStyle.NoPen)
    width = max(MIN_PEN_PX, width_mm * px_per_mm)
    pen = QPen(color, width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap if sym.get("type") == "line"
                    else Qt.PenCapStyle.FlatCap)
    dash = sym.get("dash", "solid")
    if dash != "solid":
        if isinstance(dash, str):
            pattern = DASH_PATTERNS[dash]
        else:  # millimetres -> multiples of the width
            pattern = [max(0.1, v / width_mm) for v in dash]
        if len(pattern) % 2:
            pattern = [*pattern, pattern[-1]]
        if pen.capStyle() == Qt.PenCapStyle.RoundCap:
            # Round caps lengthen every dash by one width; compensate so dots stay dots.
            pattern = [max(0.01, v - 1.0) if i % 2 == 0 else v + 1.0
                       for i, v in enumerate(pattern)]
        pen.setDashPattern(pattern)
    return pen


def make_brush(sym: dict) -> QBrush:
    """The fill brush of a symbol; NoBrush when it has no fill."""
    color = qcolor(sym.get("fill"))
    if color is None:
        return QBrush(Qt.BrushStyle.NoBrush)
    return QBrush(color)


def make_hatch(sym: dict, dpi: float) -> QBrush | None:
    """A hatch brush drawn over the fill, scaled with the DPI so print matches the screen."""
    hatch = sym.get("hatch")
    if not hatch:
        return None
    color = qcolor(sym.get("hatch_color") or sym.get("stroke") or "#000000")
    brush = QBrush(color, _HATCH[hatch])
    s = max(1.0, dpi / 96.0)
    brush.setTransform(QTransform.fromScale(s, s))
    return brush


def symbol_layers(sym: dict) -> list[dict]:
    """The symbol and its extra layers, bottom first."""
    return [sym, *sym.get("layers", [])]
