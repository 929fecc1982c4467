"""Painting a layer of a frame in a worker thread, composited once it is done.

A frame of 100k parcels spends its time in two independent jobs: numpy fills the parcels by
scanline (~0.16 s) and Qt strokes their outlines (~0.25 s with building the paths). Qt's
rasteriser and most of numpy's array work run without the GIL, so on a second core the
outlines are stroked onto a transparent image while the fills are computed, and the image
is then drawn over the fills in one pass. Source-over compositing is associative, so the
result is the direct drawing's up to rounding of the 8-bit premultiplied intermediate (at
most a level or two where strokes are translucent).

Only for painters where one pass equals the direct drawing: opaque painter, source-over,
a translation by whole pixels (the print layout's map frame on a PNG page), one device
pixel per pixel, and an image of bounded size.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainter, QTransform

#: Largest overlay (pixels): 16 M pixels are 64 MB; larger frames draw directly.
MAX_OVERLAY_PIXELS = 1 << 24


def overlay_fits(painter: QPainter, width: int, height: int) -> bool:
    """Whether ``painter`` can take a worker-painted layer of ``width`` x ``height`` pixels
    composited at its origin in place of drawing on it directly."""
    if width * height > MAX_OVERLAY_PIXELS or width <= 0 or height <= 0:
        return False
    device = painter.device()
    if not isinstance(device, QImage) or device.devicePixelRatio() != 1.0:
        return False
    if painter.opacity() != 1.0 or (
            painter.compositionMode() != QPainter.CompositionMode.CompositionMode_SourceOver):
        return False
    t = painter.worldTransform()
    if t.type().value > QTransform.TransformationType.TxTranslate.value:
        return False
    return float(t.dx()).is_integer() and float(t.dy()).is_integer()


class Overlay:
    """``paint(painter, stopped)`` run in a worker thread on a transparent ``width`` x
    ``height`` image (antialiased); :meth:`composite` waits for it and draws the image at
    the origin.

    ``paint`` returns a count for the caller's statistics and should return early once
    ``stopped()`` is true. It must not touch the caller's painter or anything the caller
    changes meanwhile.
    """

    def __init__(self, width: int, height: int,
                 paint: Callable[[QPainter, Callable[[], bool]], int]):
        self._image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        self._image.fill(0)
        self._paint = paint
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self.count = 0
        self._thread = threading.Thread(target=self._run, name="hljgis-overlay", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        painter = QPainter(self._image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self.count = self._paint(painter, self._stop.is_set)
        except BaseException as exc:  # raised again in the caller's thread
            self._error = exc
        finally:
            painter.end()

    def composite(self, painter: QPainter) -> int:
        """Wait for the worker, draw its image on ``painter``; the count ``paint`` gave."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        painter.drawImage(QPointF(0, 0), self._image)
        return self.count

    def discard(self) -> None:
        """Stop the worker, wait for it and drop its image (the caller draws another way
        or gave up)."""
        self._stop.set()
        self._thread.join()
        self._image = QImage()
