"""The composer's page preview: a zoomable, pannable view of the page, drawn off the GUI thread.

The page is painted into a QImage at preview resolution (about 60 dpi, sharper when zoomed
in) in a plain Python thread (see docs/DESIGN.md: Qt pool threads lose pyproj's thread-local
context), then handed to the GUI thread. Requests arriving while a page is being drawn are
coalesced: only the newest one is drawn next, and the page being drawn stops between
drawing chunks when a newer one waits, so typing a title never queues a backlog. The
renderer draws from the map canvas's prepared layers when it is given them (a million
ranking cells are reprojected and classed once, for the canvas), else from its own, built
once per dialog, not once per keystroke.
"""

from __future__ import annotations

import contextlib
import threading
import time

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView

from hljgis.gui.layout.frame_cache import CachedFrameRenderer

#: Preview resolution at zoom 1 (an A4 page is about 700 x 500 px): fast and readable.
PREVIEW_DPI = 60.0
#: Pause in the planner's edits before the pre-flight check of the drawn page starts.
FOLLOWUP_DELAY_S = 0.6
#: Sharpest preview when zoomed in; above this the wait grows faster than the detail.
MAX_PREVIEW_DPI = 200.0


def paint_preview(page, dpi: float, renderer=None, cancel=None):
    """(QImage of ``page`` at ``dpi``, PageReport); safe in a worker thread.

    Raises :class:`~hljgis.render.vector.Cancelled` when ``cancel()`` turns True while the
    map frame is drawn.
    """
    from hljgis.export.page import paint_page

    w_mm, h_mm = page.layout.page_size_mm()
    image = QImage(max(1, round(w_mm / 25.4 * dpi)), max(1, round(h_mm / 25.4 * dpi)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        report = paint_page(painter, page, dpi, renderer=renderer, cancel=cancel)
    finally:
        painter.end()
    return image, report


class PreviewWorker(QObject):
    """Runs preview jobs in a Python thread, one at a time, newest request wins.

    A job is a callable taking the worker's :attr:`frames` (a renderer that keeps the map
    frame while nothing it shows changes) and a ``cancel()`` callable
    (True once a newer request waits or the worker stops: the page being drawn is stale and
    stops between drawing chunks); it returns ``(result, followup)``. ``result`` (the drawn
    page) is handed over at once; ``followup`` (the pre-flight check, or None) runs after it
    only if no newer request came within :data:`FOLLOWUP_DELAY_S`, so typing a title draws
    pages without checking each one (the check of a million-cell page takes a second or more
    and cannot be stopped half way).

    Parameters
    ----------
    cache : LayerCache, optional
        Prepared layers to draw from, normally the map canvas's: a million ranking cells
        the canvas has reprojected and classed are not prepared a second time.

    Signals
    -------
    finished(int, object, float) : request id, the job's result, seconds.
    checked(int, object) : request id, the followup's result.
    failed(int, str) : request id and the error message.
    dropped(int) : request id of a page abandoned half drawn (a newer one is on its way).
    """

    finished = Signal(int, object, float)
    checked = Signal(int, object)
    failed = Signal(int, str)
    dropped = Signal(int)

    def __init__(self, parent=None, cache=None) -> None:
        super().__init__(parent)
        from hljgis.render.renderer import MapRenderer

        self.renderer = MapRenderer(cache)
        #: what jobs draw with: the map frame is kept while nothing it shows changes
        self.frames = CachedFrameRenderer(self.renderer)
        self._cond = threading.Condition()
        self._pending = None  # (id, job)
        self._running = False
        self._stopped = False
        #: ids of requests dropped half drawn (tests, the bench)
        self.dropped_ids: list[int] = []
        # one long-lived thread: it keeps the renderer's prepared geometry and its own
        # pyproj transformers (core.crs.transformer) from one refresh to the next
        self._thread = threading.Thread(target=self._loop, name="hljgis-preview",
                                        daemon=True)
        self._thread.start()

    def request(self, request_id: int, job) -> None:
        with self._cond:
            self._pending = (request_id, job)
            self._cond.notify()

    def busy(self) -> bool:
        with self._cond:
            return self._running or self._pending is not None

    def wait(self, timeout: float = 30.0) -> None:
        """Block until no page is being drawn or waiting (tests, closing the dialog)."""
        with self._cond:
            self._cond.wait_for(lambda: not self._running and self._pending is None,
                                timeout)

    def stale(self) -> bool:
        """True when the page being drawn is no longer wanted (read without the lock:
        a reference test, asked between drawing chunks)."""
        return self._pending is not None or self._stopped

    def stop(self) -> None:
        """Drop a waiting request, cancel the page being drawn, end the thread."""
        with self._cond:
            self._pending = None
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(30.0)

    def _loop(self) -> None:
        from hljgis.render.vector import Cancelled

        while True:
            with self._cond:
                self._running = False
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._pending is not None or self._stopped)
                if self._stopped:
                    return
                (request_id, func), self._pending = self._pending, None
                self._running = True
            t0 = time.perf_counter()
            try:
                result, followup = func(self.frames, self.stale)
                self._emit(self.finished, request_id, result, time.perf_counter() - t0)
                if followup is not None:
                    with self._cond:  # typing on: the next page, not a check of this one
                        self._cond.wait_for(self.stale, FOLLOWUP_DELAY_S)
                    if not self.stale():
                        self._emit(self.checked, request_id, followup())
            except Cancelled:
                self.dropped_ids.append(request_id)
                self._emit(self.dropped, request_id)
            except Exception as exc:  # noqa: BLE001 - shown in the dialog, not lost
                self._emit(self.failed, request_id, str(exc))

    @staticmethod
    def _emit(signal, *args) -> None:
        # the dialog closed while the page was drawn: nobody waits for it
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)


class PagePreview(QGraphicsView):
    """The page on a grey desk: wheel zooms about the cursor, dragging pans.

    Signals
    -------
    zoom_changed(float) : the zoom relative to the page fitted in the view.
    """

    zoom_changed = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor("#8a8a8a"))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self._page_mm = (297.0, 210.0)
        self._zoom = 1.0
        self._fitted = True
        self.setMinimumSize(480, 340)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)

    # -- content -------------------------------------------------------------------------------
    def set_image(self, image: QImage, page_mm: tuple[float, float]) -> None:
        """Show ``image`` as a page of ``page_mm``; the scene is in mm, so a sharper image
        after zooming replaces the blurry one in place."""
        self._page_mm = tuple(page_mm)
        pixmap = QPixmap.fromImage(image)
        self.item.setPixmap(pixmap)
        self.item.setScale(page_mm[0] / max(1, pixmap.width()))
        self.scene().setSceneRect(QRectF(-3, -3, page_mm[0] + 6, page_mm[1] + 6))
        if self._fitted:
            self.fit()

    def pixmap(self) -> QPixmap:
        return self.item.pixmap()

    def wanted_dpi(self) -> float:
        """Resolution that shows the page at the current zoom without upscaling blur."""
        px_per_mm = self.transform().m11()
        return max(PREVIEW_DPI, min(MAX_PREVIEW_DPI, px_per_mm * 25.4 * self.devicePixelRatioF()))

    # -- zoom ------------------------------------------------------------------------------------
    def _scroll_bars(self, on: bool) -> None:
        """Fitted, the page fills the view; scroll bars show once zoomed in."""
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded if on else \
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)

    def fit(self) -> None:
        self._scroll_bars(False)
        w, h = self._page_mm
        self.fitInView(QRectF(-3, -3, w + 6, h + 6), Qt.AspectRatioMode.KeepAspectRatio)
        self._zoom = 1.0
        self._fitted = True
        self.zoom_changed.emit(self._zoom)

    def zoom_by(self, factor: float) -> None:
        new = max(0.5, min(16.0, self._zoom * factor))
        if new == self._zoom:
            return
        self._scroll_bars(True)
        self.scale(new / self._zoom, new / self._zoom)
        self._zoom = new
        self._fitted = False
        self.zoom_changed.emit(self._zoom)

    @property
    def zoom(self) -> float:
        return self._zoom

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.25 ** steps)
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._fitted:
            self.fit()
