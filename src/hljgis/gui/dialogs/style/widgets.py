"""Small pieces the style dialogs share: colour swatches, ramp icons, a colour button."""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import QColorDialog, QMenu, QToolButton

from hljgis.core.style.ramps import QUALITATIVE_RAMPS, RAMPS, hex_to_rgba, rgba_to_hex
from hljgis.render.legend import paint_symbol


@contextmanager
def blocked(*widgets):
    """Block the widgets' signals while the dialog writes values into them."""
    states = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for w, s in zip(widgets, states, strict=True):
            w.blockSignals(s)


def qcolor(value: str | None) -> QColor:
    """A colour text as a QColor (transparent for no colour)."""
    if not value:
        return QColor(0, 0, 0, 0)
    return QColor(*hex_to_rgba(value))


def color_hex(color: QColor) -> str:
    """A QColor as ``#rrggbb[aa]``."""
    return rgba_to_hex(color.red(), color.green(), color.blue(), color.alpha())


def symbol_pixmap(symbol: dict, size: QSize = QSize(28, 18), dpi: float = 96.0) -> QPixmap:  # noqa: B008
    """A legend swatch of ``symbol`` (the renderer's own legend painter)."""
    pm = QPixmap(size)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    try:
        paint_symbol(painter, QRectF(1, 1, size.width() - 2, size.height() - 2), symbol, dpi)
    finally:
        painter.end()
    return pm


def ramp_icon(name: str, size: QSize = QSize(96, 14)) -> QIcon:  # noqa: B008
    """A colour ramp as a gradient (sequential) or as blocks (qualitative)."""
    pm = QPixmap(size)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    w, h = size.width(), size.height()
    if name in QUALITATIVE_RAMPS:
        colors = RAMPS[name]
        step = w / len(colors)
        for i, c in enumerate(colors):
            painter.fillRect(QRectF(i * step, 0, step + 0.5, h), qcolor(c))
    else:
        grad = QLinearGradient(0, 0, w, 0)
        stops = RAMPS[name]
        for i, c in enumerate(stops):
            grad.setColorAt(i / (len(stops) - 1), qcolor(c))
        painter.fillRect(0, 0, w, h, grad)
    painter.setPen(QColor("#808080"))
    painter.drawRect(0, 0, w - 1, h - 1)
    painter.end()
    return QIcon(pm)


class ColorButton(QToolButton):
    """A colour swatch; click to choose a colour (with alpha), arrow menu for "no colour".

    Signals
    -------
    color_changed(object)
        ``"#rrggbb[aa]"`` or ``None`` when the user picks "no colour".
    """

    color_changed = Signal(object)

    def __init__(self, allow_none: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._color: str | None = "#000000"
        self._allow_none = allow_none
        self.setIconSize(QSize(44, 16))
        self.setMinimumWidth(64)
        if allow_none:
            menu = QMenu(self)
            self._none_action = menu.addAction("")
            self._none_action.triggered.connect(self._on_none_chosen)
            self.setMenu(menu)
            self.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.clicked.connect(self._on_clicked)
        self._retranslate()

    def color(self) -> str | None:
        return self._color

    def set_color(self, color: str | None) -> None:
        """Show ``color`` without emitting (for filling the dialog)."""
        self._color = color
        self._paint()

    def choose(self, color: str | None) -> None:
        """Set ``color`` as if the user picked it (emits :attr:`color_changed`)."""
        self.set_color(color)
        self.color_changed.emit(color)

    def _on_clicked(self) -> None:
        picked = pick_color(self, self._color)
        if picked is not None:
            self.choose(picked)

    def _on_none_chosen(self) -> None:
        self.choose(None)

    def _paint(self) -> None:
        size = self.iconSize()
        pm = QPixmap(size)
        pm.fill(Qt.GlobalColor.white)
        painter = QPainter(pm)
        w, h = size.width(), size.height()
        if self._color is None:
            painter.setPen(QColor("#c00000"))
            painter.drawLine(0, h - 1, w - 1, 0)
        else:
            cell = 4  # checkerboard shows transparency
            for y in range(0, h, cell):
                for x in range(0, w, cell):
                    if (x // cell + y // cell) % 2:
                        painter.fillRect(x, y, cell, cell, QColor("#d0d0d0"))
            painter.fillRect(0, 0, w, h, qcolor(self._color))
        painter.setPen(QColor("#707070"))
        painter.drawRect(0, 0, w - 1, h - 1)
        painter.end()
        self.setIcon(QIcon(pm))
        self.setToolTip(self._color or self.tr("No colour"))

    def _retranslate(self) -> None:
        if self._allow_none:
            self._none_action.setText(self.tr("No colour"))
        self._paint()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


def label_text(text: str) -> str:
    """A form label: the text with a colon (Chinese text keeps its full-width one)."""
    return text if text.endswith((":", "：")) else text + ":"


def pick_color(parent, initial: str | None) -> str | None:
    """Ask for a colour (with alpha); None when the user cancels."""
    picked = QColorDialog.getColor(qcolor(initial) if initial else QColor("#808080"), parent,
                                   parent.tr("Choose colour"),
                                   QColorDialog.ColorDialogOption.ShowAlphaChannel)
    return color_hex(picked) if picked.isValid() else None


__all__ = ["ColorButton", "blocked", "color_hex", "label_text", "pick_color", "qcolor",
           "ramp_icon", "symbol_pixmap"]
