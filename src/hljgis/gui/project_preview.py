"""Opening a large project: its saved picture at once, the layers read off the GUI thread.

At a million parcels, reading the project's table takes about 9 s and the first full frame
3.5 s more (bench/render_window.py). A large project saved by any save path (the window,
its autosave, the CLI) carries a picture of its home view (:mod:`hljgis.io.project_preview`);
opening shows it on the canvas within a
fraction of a second, labelled as a preview, while a worker thread reads the layers (the
map stays live: the planner pans and zooms the picture, and keeps that view; a busy bar
with Cancel waits in the status bar, the menus and panels wait too). The full project
then replaces the picture: the canvas's first rendered frame of it drops the preview, and
the attribute table, selection and rankings work on the complete layers as before.

The picture is made on save by the makers here, which the main window passes to its Save
and autosave: the frame on screen when it shows the home view, else a picture drawn from the
canvas's prepared layers at preview size (:mod:`hljgis.export.project_picture`).
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QImage

from hljgis.core.home_view import home_extent
from hljgis.export.project_picture import draw_preview, visible_names
from hljgis.io.project_preview import PreviewMaker, ProjectPreview, read_preview
from hljgis.render.png import encode_png


def frame_preview(canvas, project) -> ProjectPreview | None:
    """The canvas's frame as the preview, when it shows ``project`` as it is now and its
    view holds the whole home view: no render at all."""
    frame = canvas.current_frame(project)
    home = home_extent(project)
    if frame is None or home is None:
        return None
    image, (x0, y0, x1, y1) = frame
    tol = 1e-6 * max(home[2] - home[0], home[3] - home[1])  # the same view, refitted
    if not (x0 <= home[0] + tol and y0 <= home[1] + tol and x1 >= home[2] - tol
            and y1 >= home[3] - tol):
        return None
    return ProjectPreview(encode_png(image), (x0, y0, x1, y1), visible_names(project))


def _canvas_cache(canvas):
    """The canvas's prepared layers (None without a canvas, or once it is gone)."""
    try:
        return canvas.layer_cache if canvas is not None else None
    except RuntimeError:  # the canvas's C++ side is gone
        return None


def save_preview_maker(window) -> PreviewMaker:
    """The maker for the window's Save (called on the GUI thread): the canvas's frame when
    it shows the home view of the project as saved, else a picture drawn from the canvas's
    prepared layers while the tables are written (0.05-0.3 s at a million parcels where
    drawing the home view at screen size took 3.6 s; :mod:`hljgis.export.project_picture`)."""
    from hljgis.gui.i18n import current_language

    ref = weakref.ref(window)

    def maker(project):
        canvas = getattr(ref(), "canvas", None)
        try:
            shown = frame_preview(canvas, project) if canvas is not None else None
        except RuntimeError:  # the canvas's C++ side is gone
            canvas, shown = None, None
        if shown is not None:
            return lambda: shown
        cache, lang = _canvas_cache(canvas), current_language()
        return lambda: draw_preview(project, cache, label_lang=lang)

    return maker


def autosave_preview_maker(window) -> PreviewMaker:
    """The maker for the window's autosave, called on the autosave thread: it never asks
    the canvas for its frame (a widget belongs to the GUI thread), it draws the picture
    from the canvas's prepared layers (shared across threads, see MapRenderer)."""
    from hljgis.gui.i18n import current_language

    ref = weakref.ref(window)

    def maker(project):
        cache, lang = _canvas_cache(getattr(ref(), "canvas", None)), current_language()
        return lambda: draw_preview(project, cache, label_lang=lang)

    return maker


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProjectOpening", text)


def open_with_preview(window, path) -> bool | None:
    """Open ``path`` into ``window`` showing its saved picture while it loads.

    Returns None when the file holds no valid preview (the caller opens it as before),
    False when the planner cancelled (the previous project stays), True when opened.
    Raises what :meth:`Session.load` raises, after dropping the preview."""
    from hljgis.core.crs import parse_crs
    from hljgis.gui.background import Cancelled
    from hljgis.io.project_file import read_project_settings

    preview = read_preview(path)
    if preview is None:
        return None
    image = QImage.fromData(preview.png, "PNG")
    crs = read_project_settings(path).get("crs")
    if image.isNull() or not crs:
        return None
    note = _tr("Preview: loading {layers}...").format(layers=", ".join(preview.layers[:3]))
    canvas = window.canvas
    canvas.show_preview(image, preview.extent, note, parse_crs(crs))
    shown = canvas.extent
    try:
        project = load_in_status_bar(window, note, lambda: window.session.load(path))
    except Cancelled:
        canvas.clear_preview()
        return False
    except BaseException:
        canvas.clear_preview()
        raise
    view = canvas.extent  # where the planner panned or zoomed the picture meanwhile
    window.session.set_project(project)
    if view != shown:
        canvas.set_extent(view)
    return True


def load_in_status_bar(window, note: str, load):
    """``load()``, run on a worker thread while the map stays live: a busy bar and a
    Cancel button in the status bar (no dialog over the map), the canvas pans and zooms
    the picture, and the menus and panels wait (nothing else starts meanwhile).
    Raises :class:`hljgis.gui.background.Cancelled` or what ``load`` raised."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QDockWidget, QProgressBar, QPushButton, QToolBar

    from hljgis.gui.background import Cancelled, _start_worker

    outcome, done = _start_worker(load, "hljgis-open")
    bar = window.statusBar()
    busy = QProgressBar(maximum=0, maximumWidth=160, textVisible=False)
    cancel = QPushButton(_tr("Cancel"))
    cancel.setObjectName("opening_cancel")
    bar.showMessage(note)
    bar.insertPermanentWidget(0, cancel)
    bar.insertPermanentWidget(0, busy)
    waiting = [w for w in (window.menuBar(), *window.findChildren(QDockWidget),
                           *window.findChildren(QToolBar)) if w.isEnabled()]
    # shortcuts too (Ctrl+O, Ctrl+S); the map tools stay
    waiting += [a for a in getattr(window, "actions_by_key", {}).values()
                if a.isEnabled() and not a.isCheckable()]
    for item in waiting:
        item.setEnabled(False)
    loop = QEventLoop()
    cancelled = []
    cancel.clicked.connect(lambda: (cancelled.append(True), loop.quit()))
    poll = QTimer(interval=30)
    poll.timeout.connect(lambda: done.is_set() and loop.quit())
    poll.start()
    try:
        if not done.is_set():
            loop.exec()
    finally:
        poll.stop()
        for item in waiting:
            item.setEnabled(True)
        for widget in (busy, cancel):
            bar.removeWidget(widget)
            widget.setParent(None)  # out of the window now; freed with the last reference
        bar.clearMessage()
    if cancelled and not done.is_set():
        raise Cancelled
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def open_when_started(window, path) -> bool:
    """Open a project given on the command line once the event loop runs, with its
    picture while it loads; False (nothing scheduled) when the file holds no valid
    preview: the caller then reads it before showing the window, as before."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from hljgis.core.errors import InputError

    if read_preview(path) is None:
        return False

    def open_now() -> None:
        from hljgis.gui.dialogs.store_dialog import open_project_file

        try:
            open_project_file(window, str(path))
        except InputError as exc:
            QMessageBox.warning(window, "hljgis", str(exc))

    QTimer.singleShot(0, open_now)
    return True


def paint_preview(painter, canvas, image: QImage, extent, note: str) -> None:
    """Draw a saved picture of ``extent`` where it lies on ``canvas``, with its ``note``
    (the "loading" label) in the top-left corner."""
    from PySide6.QtCore import QPoint, QRectF, Qt
    from PySide6.QtGui import QPainter

    x0, y0, x1, y1 = extent
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(QRectF(canvas.to_pixel(x0, y1), canvas.to_pixel(x1, y0)), image)
    painter.setPen(QColor("#3a3a3a"))
    box = painter.fontMetrics().boundingRect(note).adjusted(-8, -4, 8, 4)
    box.moveTopLeft(canvas.rect().topLeft() + QPoint(10, 10))
    painter.fillRect(box, QColor(255, 255, 255, 220))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, note)
