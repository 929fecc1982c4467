"""MapRenderer: draws a project's layers onto any QPaintDevice for an extent, size and DPI.

The canvas renders into a QImage in a worker thread, the print layout into a QPdfWriter or
QSvgGenerator page: the same code, so the printed annex shows what the planner saw.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPaintDevice, QPainter

from hljgis.core.crs import parse_crs
from hljgis.core.hugepages import batch_memory
from hljgis.core.names import LABEL_LANGUAGES
from hljgis.core.style import default_style, make_symbol
from hljgis.render.fonts import ensure_fonts
from hljgis.render.labels import MAX_OBSTACLES, LabelEngine, collect
from hljgis.render.prepare import _POINT, LayerCache
from hljgis.render.raster import draw_raster
from hljgis.render.transform import MapTransform
from hljgis.render.vector import Cancelled, _max_symbol_px, draw_vector, visible_mask


class MapRenderer:
    """Draws layers; keeps per-layer caches (reprojection, LOD, classes) between frames.

    One renderer per canvas (or per worker thread): the caches are not locked. A second
    renderer may share a canvas's ``cache`` (the print preview draws the layers the canvas
    has already reprojected); prepared layers are built whole before they are stored, and a
    per-view entry that both rebuild costs time, not correctness.

    Attributes
    ----------
    cache : LayerCache
        Prepared layers (pass it to another renderer to share them).
    keep_views : bool
        Keep per-view pixel fills for the next frame (default); False for one-shot images.
    last_stats : dict
        Per-layer timings and feature counts of the last render (for the bench and logs).
    """

    def __init__(self, cache: LayerCache | None = None, *, keep_views: bool = True):
        self._cache = cache if cache is not None else LayerCache()
        #: Keep which pixels each feature fills, so a re-coloured next frame of the same
        #: view is a lookup (the canvas); a one-shot image does without (render_image).
        self.keep_views = keep_views
        self.last_stats: dict = {}
        #: Language of place-name labels when ``render`` is not told ("en", "zh"; None
        #: draws the fields each style names). The canvas sets the UI language here.
        self.label_lang: str | None = None
        self._label_lang: str | None = None

    def render(self, target: QPainter | QPaintDevice, layers, extent, size=None,
               dpi: float | None = None, cancel: Callable[[], bool] | None = None,
               crs=None, background: str | QColor | None = None,
               labels: bool = True, show=(), label_lang: str | None = None) -> bool:
        """Draw ``layers`` for ``extent`` onto ``target``.

        Parameters
        ----------
        target : QPainter or QPaintDevice
            A painter already set up (translated and clipped to a map frame by a print
            layout), or a device (QImage, QPdfWriter, QSvgGenerator) to paint on.
        layers : Project or iterable of Layer
            A project gives its layers (drawn first to last) and its CRS.
        extent : (minx, miny, maxx, maxy)
            Map area to show, in the map CRS; widened to the frame's aspect ratio.
        size : (width, height), optional
            Frame size in painter units (device pixels); the device's size by default.
        dpi : float, optional
            Resolution for mm/pt sizes and the scale; the device's logical DPI by default.
        cancel : callable, optional
            Called between layers and drawing chunks; when it returns True the render stops.
        crs : CRS-like, optional
            Map CRS for a plain list of layers (default: the first layer's CRS).
        background : colour, optional
            Fill the frame first (e.g. "#ffffff"); transparent by default.
        labels : bool
            Draw labels (on top of all layers).
        show : collection of str
            Names of layers drawn even when hidden on the map (a print layout's choice).
        label_lang : {"en", "zh", "both"}, optional
            Name labels in this language: the counterpart column of the style's name field
            (``name`` for ``name_zh``), pinyin where a feature has no English name; "both"
            draws the Chinese name over the English one. None (default:
            ``self.label_lang``) draws the style's own fields.

        Returns
        -------
        bool
            True when complete, False when ``cancel`` stopped it.
        """
        own_painter = not isinstance(target, QPainter)
        painter = QPainter(target) if own_painter else target
        try:
            device = painter.device()
            if size is None:
                size = (device.width(), device.height())
            if dpi is None:
                dpi = float(device.logicalDpiX()) if device is not None else 96.0
            layer_list, map_crs = _layers_and_crs(layers, crs)
            mt = MapTransform(extent, size[0], size[1], dpi, map_crs)
            self.transform = mt
            lang = label_lang if label_lang is not None else self.label_lang
            self._label_lang = lang if lang in LABEL_LANGUAGES else None
            return self._render(painter, layer_list, mt, cancel, background, labels,
                                frozenset(show))
        finally:
            if own_painter:
                painter.end()

    def _render(self, painter, layer_list, mt, cancel, background, labels,
                show=frozenset()) -> bool:
        ensure_fonts()
        stats = {"layers": {}, "total_s": 0.0}
        self.last_stats = stats
        t_start = time.perf_counter()
        cpu_start = time.thread_time()

        def check():
            if cancel is not None and cancel():
                raise Cancelled

        painter.save()
        painter.setClipRect(QRectF(0, 0, mt.width, mt.height))
        if background is not None:
            painter.fillRect(QRectF(0, 0, mt.width, mt.height), QColor(background))
        raster_ok = _is_raster_device(painter.device())
        engine = LabelEngine(mt)
        try:
            for layer in layer_list:
                check()
                if (not layer.visible and layer.name not in show) or layer.opacity <= 0:
                    continue
                t0 = time.perf_counter()
                style = layer.style or default_style(layer)
                info = self._draw_layer(painter, layer, style, mt, raster_ok, check,
                                        engine if labels else None)
                info["seconds"] = time.perf_counter() - t0
                stats["layers"][layer.name] = info
            if labels and engine.candidates:
                check()
                t0 = time.perf_counter()
                engine.draw(painter, check)
                stats["labels"] = {"placed": engine.placed, "candidates": len(engine.candidates),
                                   "seconds": time.perf_counter() - t0}
        except Cancelled:
            stats["cancelled"] = True
            return False
        finally:
            painter.restore()
            stats["total_s"] = time.perf_counter() - t_start
            stats["cpu_s"] = time.thread_time() - cpu_start  # without waits for other threads
        return True

    def _draw_layer(self, painter, layer, style, mt, raster_ok, check, engine) -> dict:
        opacity = float(layer.opacity)
        offscreen = None
        target = painter
        if opacity < 1.0 and raster_ok:
            # Blend the finished layer once, so its own overlaps do not show through.
            offscreen = QImage(mt.width, mt.height, QImage.Format.Format_ARGB32_Premultiplied)
            offscreen.fill(0)
            target = QPainter(offscreen)
        else:
            painter.save()
            painter.setOpacity(painter.opacity() * opacity)
        try:
            target.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if layer.kind == "raster":
                drawn = draw_raster(target, layer, style, mt)
                info = {"drawn": bool(drawn)}
            else:
                prep = self._cache.get(layer, mt.crs)
                info = draw_vector(target, prep, style, mt, raster_ok, check,
                                   keep_views=self.keep_views)
                selection = np.asarray(getattr(layer, "selection", ()), dtype=np.int64)
                selection = selection[(selection >= 0) & (selection < prep.n)]
                if len(selection):
                    only = np.zeros(prep.n, dtype=bool)
                    only[selection] = True
                    draw_vector(target, prep, selection_style(layer.geometry_type), mt, False,
                                check, only=only)
                if engine is not None:
                    self._label_layer(engine, prep, style, mt)
        finally:
            if offscreen is not None:
                target.end()
                painter.save()
                painter.setOpacity(painter.opacity() * opacity)
                painter.drawImage(QPointF(0, 0), offscreen)
                painter.restore()
            else:
                painter.restore()
        return info

    def _label_layer(self, engine: LabelEngine, prep, style: dict, mt: MapTransform) -> None:
        """Hand the engine the layer's label candidates and its point markers (obstacles
        for every layer's labels, looked up only when a frame has labels to place)."""
        cls, symbols = prep.classes(style.get("renderer") or {"kind": "single"})
        labelled = (style.get("labels") or {}).get("enabled")
        points = (prep.family == _POINT) & (cls >= 0)
        size = _max_symbol_px(symbols, mt.dpi / 25.4)
        if 0 < int(points.sum()) <= 20 * MAX_OBSTACLES:  # not a point cloud

            def markers() -> tuple[np.ndarray, np.ndarray]:
                at = np.flatnonzero(visible_mask(prep, mt, 0.0) & points)
                if len(at) > MAX_OBSTACLES:
                    at = at[:0]
                xy = prep.anchors()[at]
                return mt.to_pixels(xy[:, 0], xy[:, 1])

            engine.add_markers_later(markers, size)
        if labelled:
            vis = visible_mask(prep, mt, 0.0) & (cls >= 0)
            engine.add(collect(prep, style, mt, vis, size, self._label_lang))

    @property
    def cache(self) -> LayerCache:
        return self._cache

    def clear_cache(self) -> None:
        self._cache = LayerCache()


#: How selected features are highlighted (drawn over the layer, as in QGIS).
SELECTION_COLOR = "#ffd400"


def selection_style(geometry_type: str) -> dict:
    """A single-symbol style that highlights selected features of a geometry family."""
    if geometry_type == "Point":
        sym = make_symbol("marker", fill=SELECTION_COLOR, stroke="#7a5c00",
                          stroke_width_mm=0.3, size_mm=3.0)
    elif geometry_type == "LineString":
        sym = make_symbol("line", stroke=SELECTION_COLOR, stroke_width_mm=1.2)
    else:
        sym = make_symbol("fill", fill=SELECTION_COLOR + "59", stroke=SELECTION_COLOR,
                          stroke_width_mm=0.7)
    return {"renderer": {"kind": "single", "symbol": sym}}


def _layers_and_crs(layers, crs):
    if hasattr(layers, "layers") and hasattr(layers, "crs"):
        return list(layers.layers), (parse_crs(crs) if crs is not None else layers.crs)
    layer_list = list(layers) if isinstance(layers, Iterable) else [layers]
    if crs is not None:
        return layer_list, parse_crs(crs)
    for layer in layer_list:
        if layer.crs is not None:
            return layer_list, layer.crs
    return layer_list, None


def _is_raster_device(device) -> bool:
    """Grid cells may be filled as pixels only on pixel devices (not PDF, SVG, printers)."""
    from PySide6.QtGui import QPixmap

    return isinstance(device, QImage | QPixmap)


@batch_memory()
def render_image(layers, extent, size=(800, 600), dpi: float = 96.0, background="#ffffff",
                 **kw) -> QImage:
    """Convenience: render to a new ARGB32 QImage (tests, thumbnails, the CLI)."""
    img = QImage(int(size[0]), int(size[1]), QImage.Format.Format_ARGB32_Premultiplied)
    img.setDotsPerMeterX(round(dpi / 0.0254))
    img.setDotsPerMeterY(round(dpi / 0.0254))
    img.fill(QColor(background) if background else QColor(0, 0, 0, 0))
    MapRenderer(keep_views=False).render(img, layers, extent, size=size, dpi=dpi, **kw)
    return img
