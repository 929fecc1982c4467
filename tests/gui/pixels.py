"""Pixel checks for screenshot tests: a grab is only worth saving if something is asserted
about what it shows (text drawn, a colour present, a region changed)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget


def rgb(image: QImage | QWidget) -> np.ndarray:
    """(h, w, 3) int array of a QImage, or of a widget's grab, at device pixels."""
    if isinstance(image, QWidget):
        image = image.grab().toImage()
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return arr.reshape(image.height(), image.width(), 4)[..., 2::-1].astype(int)


def crop(arr: np.ndarray, widget: QWidget, inside: QWidget) -> np.ndarray:
    """The part of ``arr`` (a grab of ``widget``) covered by its descendant ``inside``."""
    top_left = inside.mapTo(widget, inside.rect().topLeft())
    r = QRect(top_left, inside.size())
    scale = arr.shape[1] / max(widget.width(), 1)  # device pixel ratio
    y0, x0 = int(r.top() * scale), int(r.left() * scale)
    return arr[y0:y0 + int(r.height() * scale), x0:x0 + int(r.width() * scale)]


def dark(arr: np.ndarray, level: int = 110) -> int:
    """Pixels darker than ``level`` on every channel: text and outlines."""
    return int((arr.max(axis=2) < level).sum())


def coloured(arr: np.ndarray, spread: int = 40) -> int:
    """Pixels that are neither grey nor white (fills, highlights, swatches)."""
    return int((arr.max(axis=2) - arr.min(axis=2) > spread).sum())


def near(arr: np.ndarray, color: QColor | str, tol: int = 24) -> int:
    """Pixels within ``tol`` (per channel) of ``color``."""
    c = QColor(color)
    want = np.array([c.red(), c.green(), c.blue()])
    return int((np.abs(arr - want).max(axis=2) <= tol).sum())


def changed(a: np.ndarray, b: np.ndarray, level: int = 60) -> int:
    """Pixels that differ clearly between two grabs of the same size."""
    assert a.shape == b.shape, (a.shape, b.shape)
    return int((np.abs(a - b).sum(axis=2) > level).sum())


def text_lines(arr: np.ndarray, level: int = 110) -> int:
    """Separate bands of rows holding dark pixels: about the lines of text shown."""
    rows = (arr.max(axis=2) < level).any(axis=1)
    return int((rows[1:] & ~rows[:-1]).sum() + rows[:1].sum())


def ink(arr: np.ndarray, level: int = 60) -> int:
    """Pixels clearly unlike the region's background (its median colour): text or marks in
    any colour, on any background (a highlighted row's white text included)."""
    if arr.size == 0:
        return 0
    background = np.median(arr.reshape(-1, 3), axis=0)
    return int((np.abs(arr - background).sum(axis=2) > level).sum())


def rows_drawn(view, column: int = 0, level: int = 60) -> list[int]:
    """Ink per row of an item view's rows (the view's viewport grabbed once)."""
    port = view.viewport()
    arr = rgb(port)
    scale = arr.shape[1] / max(port.width(), 1)
    model = view.model()
    out = []
    for r in range(model.rowCount()):
        rect = view.visualRect(model.index(r, column))
        part = arr[int(rect.top() * scale):int((rect.bottom() + 1) * scale),
                   int(rect.left() * scale):int((rect.right() + 1) * scale)]
        out.append(ink(part, level))
    return out


def cell(view, row: int, column: int) -> np.ndarray:
    """The pixels of one cell of an item view (its viewport grabbed)."""
    port = view.viewport()
    arr = rgb(port)
    scale = arr.shape[1] / max(port.width(), 1)
    rect = view.visualRect(view.model().index(row, column))
    return arr[int(rect.top() * scale):int((rect.bottom() + 1) * scale),
               int(rect.left() * scale):int((rect.right() + 1) * scale)]
