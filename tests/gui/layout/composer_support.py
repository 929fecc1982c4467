"""What the composer tests read and type: page pixels and typed text."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def rgb(image: QImage) -> np.ndarray:
    img = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., 2::-1].copy()


def type_into(edit, text: str) -> None:
    """What typing does: the text changes and textEdited is emitted."""
    edit.setText(text)
    edit.textEdited.emit(text)
