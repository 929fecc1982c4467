"""Drawing maps with QPainter (QtCore/QtGui only, never widgets).

``MapRenderer.render(device_or_painter, project_or_layers, extent, size, dpi, cancel)`` draws
on any QPaintDevice: the canvas's QImage, a QPdfWriter page, a QSvgGenerator.
"""

from hljgis.render.fonts import ensure_fonts, label_font
from hljgis.render.legend import paint_symbol
from hljgis.render.renderer import MapRenderer, render_image
from hljgis.render.transform import MapTransform

__all__ = ["MapRenderer", "MapTransform", "ensure_fonts", "label_font", "paint_symbol",
           "render_image"]
