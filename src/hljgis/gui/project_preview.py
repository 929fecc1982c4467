"""Opening a large project: its saved picture at once, the layers read off the GUI thread.

At a million parcels, reading the project's table takes about 9 s and the first full frame
3.5 s more (bench/render_window.py). A project saved from the window carries a picture of
its home view (:mod:`hljgis.io.project_preview`); opening shows it on the canvas within a
fraction of a second, labelled as a preview, while a worker thread reads the layers (the
window keeps painting; a progress dialog with Cancel appears after 0.4 s). The full project
then replaces the picture: the canvas's first rendered frame of it drops the preview, and
the attribute table, selection and rankings work on the complete layers as before.

The picture is made on save by :func:`render_preview`, registered by the main window as the
io layer's preview maker; it draws from the canvas's prepared layers when they are cached.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QImage

from hljgis.io.project_preview import ProjectPreview, read_preview, set_preview_maker
from hljgis.render.png import encode_png

#: Longest side of the saved picture, in pixels (a full-HD canvas scales it by at most 1.6).
PREVIEW_PX = 1200


def home_extent(project):
    """The extent a canvas shows right after opening ``project`` (its zoom to full view),
    else the union of its visible layers."""
    from hljgis.core.crs import transform_bounds
    from hljgis.gui.widgets.map_canvas import _pad, full_view_extent

    extent = full_view_extent(project)
    if extent is not None:
        return _pad(extent, 0.03)
    boxes = [transform_bounds(layer.bounds, layer.crs, project.crs)
             for layer in project.layers if layer.visible and layer.kind == "vector"
             and layer.feature_count]
    if not boxes:
        return None
    return _pad((min(b[0] for b in boxes), min(b[1] for b in boxes),
                 max(b[2] for b in boxes), max(b[3] for b in boxes)), 0.03)


def render_preview(project, cache=None, max_px: int = PREVIEW_PX) -> ProjectPreview | None:
    """A PNG of ``project``'s visible layers at its home view (transparent background);
    ``cache`` is a canvas's prepared layers, so a layer on screen is not prepared again."""
    from hljgis.gui.i18n import current_language
    from hljgis.render import MapRenderer

    extent = home_extent(project)
    if extent is None:
        return None
    w, h = extent[2] - extent[0], extent[3] - extent[1]
    if not (w > 0 and h > 0):
        return None
    scale = max_px / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    done = MapRenderer(cache).render(image, project, extent, size=size, dpi=96.0,
                                     label_lang=current_language())
    if not done:
        return None
    return ProjectPreview(encode_png(image), tuple(float(v) for v in extent),
                          _visible_names(project))




def _visible_names(project) -> tuple[str, ...]:
    return tuple(layer.name for layer in project.layers
                 if layer.visible and layer.kind == "vector")


def frame_preview(canvas, project) -> ProjectPreview | None:
    """The canvas's frame as the preview, when it shows ``project`` as it is now and its
    view holds the whole home view: no render at all (drawing the home view of 1M parcels
    anew costs 3.6 s, measured, a save should not)."""
    frame = canvas.current_frame(project)
    home = home_extent(project)
    if frame is None or home is None:
        return None
    image, (x0, y0, x1, y1) = frame
    tol = 1e-6 * max(home[2] - home[0], home[3] - home[1])  # the same view, refitted
    if not (x0 <= home[0] + tol and y0 <= home[1] + tol and x1 >= home[2] - tol
            and y1 >= home[3] - tol):
        return None
    return ProjectPreview(encode_png(image), (x0, y0, x1, y1), _visible_names(project))


def install_preview_maker(canvas) -> None:
    """Make saves write a preview: the canvas's frame when it shows the home view of the
    project as saved, else a picture drawn from the canvas's prepared layers (a fresh
    renderer once the canvas is gone)."""
    ref = weakref.ref(canvas)

    def maker(project):
        owner = ref()
        try:
            cache = owner.layer_cache if owner is not None else None
            shown = frame_preview(owner, project) if owner is not None else None
        except RuntimeError:  # the canvas's C++ side is gone
            cache = shown = None
        return shown or render_preview(project, cache)

    set_preview_maker(maker)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProjectOpening", text)


def open_with_preview(window, path) -> bool | None:
    """Open ``path`` into ``window`` showing its saved picture while it loads.

    Returns None when the file holds no valid preview (the caller opens it as before),
    False when the planner cancelled (the previous project stays), True when opened.
    Raises what :meth:`Session.load` raises, after dropping the preview."""
    from hljgis.core.crs import parse_crs
    from hljgis.gui.background import Cancelled, run_in_background
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
    status = getattr(window, "statusBar", None)
    if status is not None:
        status().showMessage(note)
    try:
        project = run_in_background(window, _tr("Opening..."),
                                    lambda: window.session.load(path))
    except Cancelled:
        canvas.clear_preview()
        return False
    except BaseException:
        canvas.clear_preview()
        raise
    finally:
        if status is not None:
            status().clearMessage()
    window.session.set_project(project)
    return True


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
