"""The locator inset: Heilongjiang with the four coal cities, the mapped city highlighted and
the main map's extent outlined, drawn by the same renderer from the bundled layers."""

from __future__ import annotations

import threading

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from hljgis.core.crs import transformer
from hljgis.core.layer import VectorLayer
from hljgis.core.style import make_symbol
from hljgis.export.units import Units
from hljgis.render.renderer import MapRenderer


def _single(sym: dict) -> dict:
    return {"renderer": {"kind": "single", "symbol": sym}}


#: Lakes at least this large (km2) show on the locator map (Khanka, Jingpo, the Amur).
INSET_LAKE_KM2 = 100.0


def inset_layers(project, city: str | None) -> list[VectorLayer]:
    """Province, cities, the highlighted city and the large lakes as throwaway styled
    layers."""
    out = []
    if "province" in project:
        prov = project.layer("province")
        out.append(VectorLayer(prov.gdf, "inset_province", style=_single(make_symbol(
            "fill", fill="#f3f0e8", stroke="#6e6a60", stroke_width_mm=0.25))))
    if "cities" in project:
        cities = project.layer("cities").gdf
        out.append(VectorLayer(cities, "inset_cities", style=_single(make_symbol(
            "fill", fill="#d8d2c2", stroke="#8a8272", stroke_width_mm=0.15))))
        col = "city" if "city" in cities.columns else "name"
        hl = cities[cities[col].astype(str).str.lower() == city.lower()] if city else cities
        if len(hl):
            out.append(VectorLayer(hl, "inset_highlight", style=_single(make_symbol(
                "fill", fill="#c0392b", stroke="#7b241c", stroke_width_mm=0.2))))
    if "lakes" in project and "province" in project:
        lakes = project.layer("lakes").gdf
        big = lakes[lakes["area_km2"] >= INSET_LAKE_KM2] if "area_km2" in lakes else lakes
        if len(big):
            out.append(VectorLayer(big, "inset_lakes", style=_single(make_symbol(
                "fill", fill="#c6dff2", stroke="#6fa8dc", stroke_width_mm=0.1))))
    return out


_LOCAL = threading.local()


def _cached_inset(project, city: str | None):
    """(inset layers, renderer) kept per thread while the outlines stay the same: a preview
    refresh then reuses the renderer's prepared province outline (0.15 s a page)."""
    sources = tuple(project.layer(n).gdf if n in project else None
                    for n in ("province", "cities", "lakes"))
    cache = _LOCAL.__dict__.setdefault("insets", {})
    hit = cache.get((id(project), city))
    if hit is None or any(a is not b for a, b in zip(hit[0], sources, strict=True)):
        if len(cache) > 8:
            cache.clear()
        hit = cache[(id(project), city)] = (sources, inset_layers(project, city),
                                            MapRenderer())
    return hit[1], hit[2]


def paint_inset(painter: QPainter, rect: QRectF, project, u: Units, map_extent,
                city: str | None = None) -> bool:
    """Draw the locator map into ``rect`` (pixels). False when the project has no outline."""
    layers, renderer = _cached_inset(project, city)
    if not layers:
        return False
    extent = layers[0].gdf.total_bounds
    if layers[0].crs is not None and not layers[0].crs.equals(project.crs):
        tr = transformer(layers[0].crs, project.crs)
        extent = tr.transform_bounds(*extent)
    pad_x = (extent[2] - extent[0]) * 0.04
    pad_y = (extent[3] - extent[1]) * 0.04
    extent = (extent[0] - pad_x, extent[1] - pad_y, extent[2] + pad_x, extent[3] + pad_y)
    painter.save()
    painter.translate(rect.topLeft())
    renderer.render(painter, layers, extent, size=(int(rect.width()), int(rect.height())),
                    dpi=u.dpi, crs=project.crs, background="#eaf1f6", labels=False)
    mt = renderer.transform
    x0, y0 = mt.to_pixels(map_extent[0], map_extent[3])
    x1, y1 = mt.to_pixels(map_extent[2], map_extent[1])
    box = QRectF(float(x0), float(y0), float(x1 - x0), float(y1 - y0))
    min_side = u.mm(1.5)
    if box.width() < min_side or box.height() < min_side:
        box = QRectF(box.center().x() - min_side / 2, box.center().y() - min_side / 2,
                     min_side, min_side)
    painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor("#d62728"), max(1.0, u.mm(0.35))))
    painter.drawRect(box)
    painter.setClipping(False)
    painter.setPen(QPen(QColor("#555555"), max(1.0, u.mm(0.2))))
    painter.drawRect(QRectF(0, 0, rect.width(), rect.height()))
    painter.restore()
    return True
