"""The map canvas: shows the project, renders in a worker, and hosts the map tools.

Rendering never blocks the GUI: each view change queues a render job on one worker thread; the
canvas keeps painting the last finished image (shifted and scaled to the new view) until the
new one arrives, and a job made stale by a newer view is cancelled through its flag.
"""

from __future__ import annotations

import itertools
import math
import queue
import threading

import numpy as np
from pyproj import Transformer
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from hljgis.core.crs import CGCS2000
from hljgis.core.home_view import full_view_extent
from hljgis.core.project import Project
from hljgis.gui.i18n import current_language

Extent = tuple[float, float, float, float]


class _RenderSignals(QObject):
    # only Qt types cross the thread boundary: queued Python tuples trip a PySide6
    # refcount bug ("deallocating None"); the job's extent stays with the canvas
    finished = Signal(int, QImage)


class _RenderWorker:
    """One long-lived Python thread that renders jobs, newest first.

    A Python thread (not a QThreadPool thread) on purpose: PySide gives a Qt pool thread a
    fresh Python thread state for every job, which drops thread-local data, and pyproj keeps
    its PROJ context there; the renderer's cached transformers then point into a freed
    context and the next frame crashes. Here the thread state lives as long as the thread.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="hljgis-render", daemon=True)
        self._thread.start()

    def submit(self, job) -> None:
        self._queue.put(job)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            while not self._queue.empty():  # a newer view makes queued ones stale
                newer = self._queue.get()
                if job is not None:
                    job.cancelled.set()
                    job.done.set()
                job = newer
            if job is None:
                return
            job.run()

    def wait_idle(self, timeout_s: float) -> None:
        """Block until the queue is empty and no job runs (or ``timeout_s`` passes)."""
        import time

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and (not self._queue.empty() or self._busy()):
            time.sleep(0.005)

    def _busy(self) -> bool:
        return bool(getattr(self, "current", None)) and not self.current.done.is_set()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout_s)


class _RenderJob:
    """Render one frame into a QImage off the GUI thread."""

    def __init__(self, job_id: int, renderer, project: Project, extent: Extent,
                 size: tuple[int, int], dpi: float, signals: _RenderSignals,
                 label_lang: str | None = None) -> None:
        self.renderer = renderer
        self.label_lang = label_lang
        self.job_id = job_id
        self.project = project
        self.extent = extent
        self.size = size
        self.dpi = dpi
        self.signals = signals
        self.cancelled = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self._render()
        finally:
            self.done.set()

    def _render(self) -> None:
        width, height = self.size
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("#f4f1ea"))
        image.setDotsPerMeterX(round(self.dpi / 0.0254))
        image.setDotsPerMeterY(round(self.dpi / 0.0254))
        painter = QPainter(image)
        try:
            self.renderer.render(painter, self.project, self.extent, (width, height),
                                 dpi=self.dpi, cancel=self.cancelled.is_set,
                                 label_lang=self.label_lang)
        except Exception:  # a failed frame must not take the app down; keep the old image
            painter.end()
            return
        painter.end()
        if not self.cancelled.is_set():
            self.signals.finished.emit(self.job_id, image)


class MapCanvas(QWidget):
    """Pan/zoom map view of a project with identify, measure and select tools.

    Signals
    -------
    cursor_moved(x, y, lon, lat) : map and geographic coordinates under the cursor.
    scale_changed(denominator) : the map scale 1:denominator at the centre.
    extent_changed(extent) : the visible extent in the project CRS.
    identify_requested(x, y, tolerance) : a click with the identify tool (map units).
    rectangle_selected(extent) : a rectangle drawn with the select tool (map units).
    measured(text) : the running result of the measure tool.
    render_finished() : a frame for the current extent is on screen.
    preview_shown() : a saved preview of a project being opened is on screen.
    map_tool_changed(tool) : a plug-in map tool was set, or None when a built-in one was.

    Plug-in tools (the editing tools) are objects with ``press``, ``move``, ``release``,
    ``double_click`` and ``key`` methods taking the Qt event and returning True when they
    used it, and ``paint(painter)`` for their overlay; see :meth:`set_map_tool`.
    """

    cursor_moved = Signal(float, float, float, float)
    scale_changed = Signal(float)
    extent_changed = Signal(object)
    identify_requested = Signal(float, float, float)
    rectangle_selected = Signal(object)
    measured = Signal(str)
    render_finished = Signal()
    preview_shown = Signal()
    map_tool_changed = Signal(object)

    TOOLS = ("pan", "zoom_box", "identify", "measure_line", "measure_area", "select")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumSize(200, 150)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.project: Project | None = None
        self.extent: Extent = (129.0, 44.0, 135.0, 49.0)
        #: the extent last asked for, before widening to the widget's shape: a resize fits
        #: this one again (widening the widened extent at every resize drifted the view
        #: past the data, a blank strip east of 136 E in the 1280x720 screenshot)
        self._asked: Extent = self.extent
        self.tool = "pan"
        self._image: QImage | None = None
        self._image_extent: Extent | None = None
        #: a project file's saved picture (image, extent, note) shown while it loads; no
        #: frame is rendered until its project is set ("holding"), and the first rendered
        #: frame of that project replaces it
        self._preview: tuple[QImage, Extent, str] | None = None
        self._preview_crs = None
        self._holding = False
        self._ids = itertools.count(1)
        self._current_job: _RenderJob | None = None
        self._signals = _RenderSignals()
        self._signals.finished.connect(self._on_render_finished)
        # one worker thread, so the renderer's per-layer caches are never shared
        self._worker = _RenderWorker()
        from hljgis.render import MapRenderer

        self._renderer = MapRenderer()
        self._debounce = QTimer(self, singleShot=True, interval=40)
        self._debounce.timeout.connect(self._start_render)
        self._drag_start: QPointF | None = None
        self._drag_extent: Extent | None = None
        self._rubber: QRectF | None = None
        self._measure_points: list[tuple[float, float]] = []
        self._to_lonlat: Transformer | None = None
        self.map_tool = None

    # -- project and view ----------------------------------------------------------------------
    def set_project(self, project: Project) -> None:
        if self.project is not None:
            self.project.events.disconnect(self._on_project_changed)
        self.project = project
        project.events.connect(self._on_project_changed)
        self._lonlat_from(project.crs)
        self._image = None
        self._holding = False  # a shown preview stays until this project's first frame
        self.zoom_full()

    def show_preview(self, image: QImage, extent: Extent, note: str, crs=None) -> None:
        """Show a project file's saved picture of ``extent`` (in that project's ``crs``,
        labelled with ``note``) while that project loads; :meth:`set_project` then renders
        it, :meth:`clear_preview` drops the picture (the opening was cancelled)."""
        if self._current_job is not None:
            self._current_job.cancelled.set()
            self._current_job = None
        self._debounce.stop()
        self._preview = (image, tuple(float(v) for v in extent), note)
        self._preview_crs = crs
        if crs is not None:  # the cursor's lon/lat over the picture, in its own CRS
            self._lonlat_from(crs)
        self._holding = True
        self._image = None
        self._asked = self._preview[1]
        self.extent = self.transform(self._asked).extent
        self.extent_changed.emit(self.extent)
        self.update()
        self.preview_shown.emit()

    def clear_preview(self) -> None:
        """Drop the preview and draw the current project again."""
        self._preview = None
        if self.project is not None:
            self._lonlat_from(self.project.crs)
        if self._holding:
            self._holding = False
            self.zoom_full()
        self.update()

    def showing_preview(self) -> bool:
        return self._preview is not None

    def current_frame(self, project: Project) -> tuple[QImage, Extent] | None:
        """The frame on screen and its extent, when it shows ``project`` as it is now: a
        finished render of the current view, none pending (a change queues one), no
        preview, no selection highlighted. None otherwise."""
        if (project is not self.project or self._image is None or self._preview is not None
                or self.is_rendering() or self._image_extent != self.extent
                or any(len(getattr(layer, "selection", ())) for layer in project.layers)):
            return None
        return self._image.copy(), self._image_extent

    def _on_project_changed(self, *args) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Re-render the current view (after a style, visibility or data change)."""
        self._debounce.start()

    def render_now(self) -> None:
        """Re-render the current view without the debounce wait (a re-scored layer: one
        change, and the planner is watching the colours)."""
        self._debounce.stop()
        self._start_render()

    def set_extent(self, extent: Extent) -> None:
        """Show ``extent`` (map units), widened to the widget's aspect ratio."""
        if not all(math.isfinite(float(v)) for v in extent):
            return
        self._asked = tuple(float(v) for v in extent)
        self._fit_asked()

    def _fit_asked(self) -> None:
        """Show the extent last asked for, widened to the widget's current shape."""
        self.extent = self.transform(self._asked).extent
        self.extent_changed.emit(self.extent)
        self.scale_changed.emit(self.scale_denominator())
        self.update()
        self.refresh()

    def transform(self, extent: Extent | None = None):
        """The renderer's MapTransform for ``extent`` (default: the current one) and this
        widget's size, so clicks, drawing and the scale agree with the rendered image."""
        from hljgis.render.transform import MapTransform

        crs = self.project.crs if self.project is not None else None
        if self._holding and self._preview_crs is not None:
            crs = self._preview_crs  # the view is the opening project's, not the old one's
        return MapTransform(extent or self.extent, max(self.width(), 1), max(self.height(), 1),
                            dpi=self.logicalDpiX() or 96, crs=crs)

    def zoom_full(self) -> None:
        """Zoom to the cities the project is about, not the union of every layer: context
        layers (the province, Russia) made the bundled project's full view 1:6.4M."""
        extent = full_view_extent(self.project) if self.project is not None else None
        if extent is not None:
            self.set_extent(_pad(extent, 0.03))

    def zoom_to(self, extent: Extent, pad: float = 0.08) -> None:
        self.set_extent(_pad(extent, pad))

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom in (factor < 1) or out around ``anchor`` (widget pixels, default centre)."""
        minx, miny, maxx, maxy = self.extent
        if anchor is None:
            ax, ay = (minx + maxx) / 2, (miny + maxy) / 2
        else:
            ax, ay = self.to_map(anchor)
        self.set_extent((ax - (ax - minx) * factor, ay - (ay - miny) * factor,
                         ax + (maxx - ax) * factor, ay + (maxy - ay) * factor))

    def pan_by_pixels(self, dx: float, dy: float) -> None:
        minx, miny, maxx, maxy = self.extent
        ux = (maxx - minx) / max(self.width(), 1)
        uy = (maxy - miny) / max(self.height(), 1)
        self.set_extent((minx - dx * ux, miny + dy * uy, maxx - dx * ux, maxy + dy * uy))

    def to_map(self, point: QPointF) -> tuple[float, float]:
        x, y = self.transform().to_map(point.x(), point.y())
        return float(x), float(y)

    def to_pixel(self, x: float, y: float) -> QPointF:
        px, py = self.transform().to_pixels(x, y)
        return QPointF(float(px), float(py))

    def units_per_pixel(self) -> float:
        return self.transform().units_per_pixel

    def scale_denominator(self) -> float:
        """Map scale 1:n at the centre of the view."""
        return self.transform().scale_denominator

    def _lonlat_from(self, crs) -> None:
        """Map coordinates in ``crs`` are what the cursor reports as lon/lat from now on."""
        self._to_lonlat = Transformer.from_crs(crs, CGCS2000, always_xy=True)

    def _lonlat(self, x: float, y: float) -> tuple[float, float]:
        if self._to_lonlat is None:
            return x, y
        return self._to_lonlat.transform(x, y)

    # -- rendering -----------------------------------------------------------------------------
    def _start_render(self) -> None:
        if self.project is None or self._holding or self.width() < 2 or self.height() < 2:
            return
        if self._current_job is not None:
            self._current_job.cancelled.set()
        ratio = self.devicePixelRatioF()
        size = (round(self.width() * ratio), round(self.height() * ratio))
        # place names in the UI language (English, pinyin where the data has no English)
        job = _RenderJob(next(self._ids), self._renderer, self.project, self.extent, size,
                         96.0 * ratio, self._signals, label_lang=current_language())
        self._current_job = job
        self._worker.current = job
        self._worker.submit(job)

    def _on_render_finished(self, job_id: int, image: QImage) -> None:
        if self._current_job is None or job_id != self._current_job.job_id:
            return
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self._image = image
        self._image_extent = self._current_job.extent
        self._preview = None
        self._current_job = None
        self.update()
        self.render_finished.emit()

    @property
    def layer_cache(self):
        """The renderer's prepared layers (reprojected, classed): the print preview draws
        from them instead of preparing a million cells again."""
        return self._renderer.cache

    def is_rendering(self) -> bool:
        return self._current_job is not None or self._debounce.isActive()

    def wait_for_render(self, timeout_ms: int = 30000) -> bool:
        """Process events until the current view is drawn (for screenshots and tests)."""
        from PySide6.QtCore import QCoreApplication, QElapsedTimer

        timer = QElapsedTimer()
        timer.start()
        while self.is_rendering() and timer.elapsed() < timeout_ms:
            QCoreApplication.processEvents()
            if self._current_job is not None:
                self._current_job.done.wait(0.02)
        QCoreApplication.processEvents()
        return not self.is_rendering()

    def shutdown(self) -> None:
        """Cancel and wait for the render worker (before the window goes away)."""
        self._debounce.stop()
        if self._current_job is not None:
            self._current_job.cancelled.set()
        self._worker.wait_idle(10.0)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#f4f1ea"))
        if self._preview is not None:
            from hljgis.gui.project_preview import paint_preview

            paint_preview(painter, self, *self._preview)
        elif self._image is not None and self._image_extent is not None:
            # the last frame, moved to where its extent is in the current view
            ix0, iy0, ix1, iy1 = self._image_extent
            top_left = self.to_pixel(ix0, iy1)
            bottom_right = self.to_pixel(ix1, iy0)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(top_left, bottom_right), self._image)
        self._paint_overlays(painter)
        if self.map_tool is not None:
            self.map_tool.paint(painter)
        painter.end()

    def _paint_overlays(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._rubber is not None:
            painter.setPen(QPen(QColor("#1f78b4"), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(31, 120, 180, 40))
            painter.drawRect(self._rubber)
        if self._measure_points:
            pts = [self.to_pixel(x, y) for x, y in self._measure_points]
            painter.setPen(QPen(QColor("#d7301f"), 2))
            painter.setBrush(QColor(215, 48, 31, 40) if self.tool == "measure_area"
                             else Qt.BrushStyle.NoBrush)
            if self.tool == "measure_area" and len(pts) > 2:
                painter.drawPolygon(pts)
            else:
                painter.drawPolyline(pts)
            for p in pts:
                painter.drawEllipse(p, 3, 3)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()  # labels follow the UI language
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_asked()

    # -- interaction ---------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        if tool not in self.TOOLS:
            raise ValueError(f"unknown map tool {tool!r}")
        self.tool = tool
        if self.map_tool is not None:
            self.map_tool = None
            self.map_tool_changed.emit(None)
        self._measure_points = []
        self._rubber = None
        cursors = {"pan": Qt.CursorShape.OpenHandCursor, "identify": Qt.CursorShape.WhatsThisCursor}
        self.setCursor(cursors.get(tool, Qt.CursorShape.CrossCursor))
        self.update()

    def set_map_tool(self, tool) -> None:
        """Hand the mouse and keys to a plug-in tool (None: back to the built-in tool)."""
        self.map_tool = tool
        self._measure_points = []
        self._rubber = None
        self.setCursor(Qt.CursorShape.CrossCursor if tool is not None
                       else Qt.CursorShape.OpenHandCursor)
        self.map_tool_changed.emit(tool)
        self.update()

    def wheelEvent(self, event) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(0.8 ** steps, event.position())

    def keyPressEvent(self, event) -> None:  # noqa: N802
        step = 0.25
        moves = {Qt.Key.Key_Left: (step, 0), Qt.Key.Key_Right: (-step, 0),
                 Qt.Key.Key_Up: (0, step), Qt.Key.Key_Down: (0, -step)}
        key = Qt.Key(event.key())
        if self.map_tool is not None and self.map_tool.key(event):
            return
        if key in moves:
            fx, fy = moves[key]
            self.pan_by_pixels(fx * self.width(), fy * self.height())
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(0.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(2.0)
        elif key == Qt.Key.Key_Escape:
            self._measure_points = []
            self.measured.emit("")
            self.update()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self.map_tool is not None:
            if self.map_tool.press(event) or event.button() != Qt.MouseButton.MiddleButton:
                return
            self._drag_start, self._drag_extent = pos, self.extent  # middle button pans
            return
        if event.button() == Qt.MouseButton.RightButton and self.tool.startswith("measure"):
            self._measure_points = []
            self.measured.emit("")
            self.update()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.tool == "pan":
            self._drag_start, self._drag_extent = pos, self.extent
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif self.tool in ("zoom_box", "select"):
            self._drag_start = pos
            self._rubber = QRectF(pos, pos)
        elif self.tool == "identify":
            x, y = self.to_map(pos)
            self.identify_requested.emit(x, y, 4 * self.units_per_pixel())
        elif self.tool.startswith("measure"):
            self._measure_points.append(self.to_map(pos))
            self._emit_measure()
            self.update()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        x, y = self.to_map(pos)
        lon, lat = self._lonlat(x, y)
        self.cursor_moved.emit(x, y, lon, lat)
        if self.map_tool is not None and self._drag_start is None:
            self.map_tool.move(event)
            return
        if self._drag_start is None:
            return
        if (self.tool == "pan" or self.map_tool is not None) and self._drag_extent is not None:
            dx = pos.x() - self._drag_start.x()
            dy = pos.y() - self._drag_start.y()
            minx, miny, maxx, maxy = self._drag_extent
            ux = (maxx - minx) / max(self.width(), 1)
            uy = (maxy - miny) / max(self.height(), 1)
            self.extent = (minx - dx * ux, miny + dy * uy, maxx - dx * ux, maxy + dy * uy)
            self.update()
            self.refresh()
        elif self._rubber is not None:
            self._rubber = QRectF(self._drag_start, pos).normalized()
            self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self.map_tool is not None and self._drag_start is None:
            self.map_tool.release(event)
            return
        if self.map_tool is not None:  # the end of a middle-button pan
            self._drag_start = self._drag_extent = None
            self.set_extent(self.extent)
            return
        if self._drag_start is None:
            return
        if self.tool == "pan":
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            self.set_extent(self.extent)
        elif self._rubber is not None:
            rect = self._rubber
            x0, y1 = self.to_map(rect.topLeft())
            x1, y0 = self.to_map(rect.bottomRight())
            self._rubber = None
            if self.tool == "zoom_box" and rect.width() > 4 and rect.height() > 4:
                self.set_extent((x0, y0, x1, y1))
            elif self.tool == "select":
                if rect.width() <= 4 and rect.height() <= 4:  # a click: a small box
                    tol = 4 * self.units_per_pixel()
                    x, y = self.to_map(event.position())
                    x0, y0, x1, y1 = x - tol, y - tol, x + tol, y + tol
                self.rectangle_selected.emit((x0, y0, x1, y1))
            self.update()
        self._drag_start = None
        self._drag_extent = None

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if self.map_tool is not None:
            self.map_tool.double_click(event)
            return
        if self.tool.startswith("measure"):
            self._emit_measure(final=True)

    def _emit_measure(self, final: bool = False) -> None:
        from hljgis.core.measure import measure_text

        pts = np.asarray(self._measure_points, dtype=float)
        if self.project is None or len(pts) == 0:
            return
        self.measured.emit(measure_text(pts, self.project.crs, area=self.tool == "measure_area"))


def _pad(extent: Extent, fraction: float) -> Extent:
    minx, miny, maxx, maxy = extent
    dx = (maxx - minx) * fraction or 0.01
    dy = (maxy - miny) * fraction or 0.01
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)
