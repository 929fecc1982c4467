"""The picture of its home view that a project file keeps (:mod:`hljgis.io.project_preview`).

Every save path that writes a project with a large layer passes one of these makers to
:func:`hljgis.io.project_file.save_project`: the window's Save and autosave (with the canvas's
prepared layers, :mod:`hljgis.gui.project_preview`) and the CLI commands
(:func:`offscreen_preview`, on an offscreen Qt application as the exports use).

Cheap by choice of size: at the home view a dense layer's features are specks, and the
renderer fills a layer whose features are all under a pixel straight from their bounding
boxes, one pixel each (0.1 s at a million parcels); a pixel more and it reads every vertex
and scans every polygon (2.6 s at 1200 px, measured on 1M parcels). So a picture of a dense
layer is drawn at the largest size where its features stay specks (about 540 px at a
million parcels, shown scaled on the canvas for the seconds the layers take to read); other
projects at :data:`PREVIEW_PX`. Qt is imported only when a picture is drawn.
"""

from __future__ import annotations

import numpy as np

from hljgis.core.home_view import home_extent
from hljgis.io.project_preview import ProjectPreview

#: Longest side of the picture, in pixels (a full-HD canvas scales it by at most 1.6).
PREVIEW_PX = 1200
#: ... and the shortest a dense layer may shrink it to.
MIN_PX = 320
#: Layers with at least this many features are drawn as specks (the full scan of 150k
#: parcels takes about 0.4 s; below that the picture keeps its full size).
DENSE_FEATURES = 150_000


def _visible_vectors(project) -> list:
    return [layer for layer in project.layers if layer.visible and layer.kind == "vector"]


def visible_names(project) -> tuple[str, ...]:
    """The layers a picture of ``project`` shows (:attr:`ProjectPreview.layers`)."""
    return tuple(layer.name for layer in _visible_vectors(project))


def picture_px(project, extent, cache, max_px: int = PREVIEW_PX) -> int:
    """The longest side of the picture of ``extent``: ``max_px``, or less, down to
    :data:`MIN_PX`, so that every feature of each dense layer is under a pixel (a layer of
    grid cells keeps the full size)."""
    from hljgis.render.vector import DUST_PX

    span = max(extent[2] - extent[0], extent[3] - extent[1])
    px = float(max_px)
    for layer in _visible_vectors(project):
        if len(layer.gdf) < DENSE_FEATURES:
            continue
        prep = cache.get(layer, project.crs)  # shared with the render that follows
        if prep.is_rect.all():
            continue  # grid cells fill from their boxes at any size: they never overlap
        b = prep.bounds
        with np.errstate(invalid="ignore"):
            longest = np.nanmax(np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]),
                                initial=0.0)
        if longest > 0:
            px = min(px, 0.98 * DUST_PX * span / longest)
    return int(max(MIN_PX, min(max_px, px)))


def draw_preview(project, cache=None, *, max_px: int = PREVIEW_PX,
                 label_lang: str | None = None) -> ProjectPreview | None:
    """A PNG of ``project``'s visible layers at its home view (transparent background).

    Parameters
    ----------
    project : Project
        What to draw (its visible layers, in its CRS).
    cache : hljgis.render.prepare.LayerCache, optional
        Prepared layers (a canvas's), so a layer on screen is not prepared again.
    max_px : int
        Longest side of the picture; a dense layer makes it smaller (see :func:`picture_px`).
    label_lang : {"en", "zh", "both"}, optional
        Language of place-name labels (the window's; the style's own fields by default).

    Returns
    -------
    ProjectPreview or None
        None when the project shows nothing to draw.
    """
    from PySide6.QtGui import QColor, QImage

    from hljgis.render import MapRenderer
    from hljgis.render.png import encode_png
    from hljgis.render.prepare import LayerCache

    extent = home_extent(project)
    if extent is None:
        return None
    w, h = extent[2] - extent[0], extent[3] - extent[1]
    if not (w > 0 and h > 0):
        return None
    cache = cache if cache is not None else LayerCache()
    scale = picture_px(project, extent, cache, max_px) / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    if not MapRenderer(cache).render(image, project, extent, size=size, dpi=96.0,
                                     label_lang=label_lang):
        return None
    return ProjectPreview(encode_png(image), tuple(float(v) for v in extent),
                          visible_names(project))


def offscreen_preview(project):
    """The preview maker of a headless save (the CLI): starts an offscreen Qt application
    on this thread when none runs, and returns the :func:`draw_preview` step the save runs
    on its picture thread. Pass it as ``save_project(..., preview=offscreen_preview)``."""
    from hljgis.export._qt import ensure_gui_app

    ensure_gui_app()
    return lambda: draw_preview(project)
