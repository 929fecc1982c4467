"""The preview's map frame, kept while nothing it shows changes.

Typing a title moves no layer: the frame's extent, size, resolution and every drawn layer's
data, style and visibility stay as they were, so the map (a million ranking cells, labels
placed around them) is drawn once and pasted into each new page. Only the title, legend,
inset and footer are laid out again.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter


def frame_key(layers, extent, size, dpi, crs, background, show, label_lang) -> tuple:
    """What a map frame's pixels depend on. Layer data is compared by identity (edits
    replace a layer's frame, never change it in place); styles by their JSON."""
    parts = []
    for layer in layers:
        data = getattr(layer, "gdf", None) if layer.kind == "vector" else None
        selection = getattr(layer, "selection", None)
        parts.append((id(layer), layer.name, id(data), bool(layer.visible),
                      float(layer.opacity),
                      json.dumps(layer.style, sort_keys=True, default=str),
                      id(selection), 0 if selection is None else len(selection)))
    return (tuple(parts), tuple(float(v) for v in extent), tuple(size), float(dpi),
            str(crs), str(background), tuple(sorted(show)), label_lang)


class CachedFrameRenderer:
    """A :class:`~hljgis.render.renderer.MapRenderer` stand-in for ``paint_page`` that
    draws the map frame into an image once and pastes it while its :func:`frame_key` holds.

    Used by one worker thread (the preview's); ``hits`` counts pasted frames (tests).
    """

    def __init__(self, renderer) -> None:
        self.renderer = renderer
        self.transform = None
        self.hits = 0
        self._key = None
        self._image: QImage | None = None
        self._transform = None
        self._keep = ()  # the layers' frames and selections: their ids stay theirs

    @property
    def last_stats(self) -> dict:
        return self.renderer.last_stats

    def render(self, painter: QPainter, layers, extent, size, dpi, crs=None,
               background=None, show=(), label_lang=None, cancel=None, **kw) -> bool:
        layers = list(layers)
        key = frame_key(layers, extent, size, dpi, crs, background, show, label_lang)
        if key != self._key or self._image is None:
            image = QImage(max(1, int(size[0])), max(1, int(size[1])),
                           QImage.Format.Format_ARGB32_Premultiplied)
            image.setDotsPerMeterX(round(dpi / 0.0254))
            image.setDotsPerMeterY(round(dpi / 0.0254))
            image.fill(QColor(0, 0, 0, 0))
            done = self.renderer.render(image, layers, extent, size=size, dpi=dpi, crs=crs,
                                        background=background, show=show,
                                        label_lang=label_lang, cancel=cancel, **kw)
            if not done:
                return False
            self._key, self._image = key, image
            self._transform = self.renderer.transform
            self._keep = [(layer.gdf if layer.kind == "vector" else None,
                           getattr(layer, "selection", None)) for layer in layers]
        else:
            self.hits += 1
        self.transform = self._transform
        painter.drawImage(QPointF(0, 0), self._image)
        return True
