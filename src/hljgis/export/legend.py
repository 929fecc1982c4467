"""The print legend: rows built from the layer styles, flowed into columns that fit a box.

Rows come from :func:`hljgis.core.style.legend_entries`, so the legend shows the symbols the
renderer draws. A layer with one symbol is one row titled with the layer; a classified layer
is a heading followed by its classes. When the rows do not fit, the text shrinks down to a
legible minimum and the rows flow into more columns; what still does not fit is reported so
the pre-flight check can warn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from hljgis.core.style import default_style, legend_entries, symbol_classes
from hljgis.export.i18n import both, tr
from hljgis.export.units import Units
from hljgis.render.legend import paint_symbol

MIN_PT = 5.0


@dataclass
class LegendRow:
    text: str
    symbol: dict | None = None  # None: a heading
    layer: str = ""


@dataclass
class LegendResult:
    rows: int = 0
    drawn: int = 0
    size_pt: float = 0.0
    columns: int = 1
    dropped: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def _label(en: str, zh_text: str, lang: str) -> str:
    if lang == "both" and zh_text and zh_text != en:
        return f"{en}  {zh_text}"
    return zh_text if lang == "zh" and zh_text else en


def present_classes(layer, extent=None, crs=None) -> set[int] | None:
    """Indices of the categories that features in ``extent`` use (None: show every class).

    A categorized style lists every value the schema allows ("Closed", "Ice road", ...); the
    legend of a printed map only explains what the map shows.
    """
    style = layer.style or default_style(layer)
    renderer = style.get("renderer") or {}
    if layer.kind != "vector" or renderer.get("kind") != "categorized":
        return None
    gdf = layer.gdf
    idx, _ = symbol_classes(renderer, gdf)
    if extent is not None and len(gdf):
        box = tuple(extent)
        if crs is not None and layer.crs is not None and not layer.crs.equals(crs):
            box = Transformer.from_crs(crs, layer.crs, always_xy=True).transform_bounds(*box)
        b = shapely.bounds(gdf.geometry.values)
        inside = ~((b[:, 2] < box[0]) | (b[:, 0] > box[2]) | (b[:, 3] < box[1])
                   | (b[:, 1] > box[3]))
        idx = idx[inside]
    return {int(i) for i in np.unique(idx) if i >= 0}


def legend_rows(layers, lang: str = "both", extent=None, crs=None) -> list[LegendRow]:
    """Legend rows for ``layers`` (top layer first, as a reader scans a legend).

    With ``extent`` (in ``crs``), categorized layers list only the classes drawn there.
    """
    rows: list[LegendRow] = []
    ordered = list(reversed(list(layers)))
    ordered.sort(key=lambda layer: layer.theme != "analysis")  # results first
    for layer in ordered:
        en = legend_entries(layer, "en")
        zh_entries = legend_entries(layer, "zh")
        present = present_classes(layer, extent, crs)
        if present is not None:
            keep = [i for i in range(len(en)) if i in present]
            if not keep:
                continue
            en = [en[i] for i in keep]
            zh_entries = [zh_entries[i] for i in keep]
        title = _label(layer.display_title("en"), layer.title_zh, lang)
        if layer.kind == "raster":
            rows.append(LegendRow(title, None, layer.name))
            rows.append(LegendRow(_label("low", "低", lang) + " → " + _label("high", "高", lang),
                                  {"type": "ramp", "colors": [en[0][1].get("fill"),
                                                              en[-1][1].get("fill")]},
                                  layer.name))
            continue
        if len(en) == 1:
            rows.append(LegendRow(title, en[0][1], layer.name))
            continue
        rows.append(LegendRow(title, None, layer.name))
        for (label_en, sym), (label_zh, _) in zip(en, zh_entries, strict=False):
            rows.append(LegendRow(_label(label_en, label_zh, lang), sym, layer.name))
    return rows


def _columns_needed(rows, row_h, head_h, height) -> list[list[LegendRow]] | None:
    cols: list[list[LegendRow]] = [[]]
    used = 0.0
    for i, row in enumerate(rows):
        h = head_h if row.symbol is None else row_h
        # keep a heading with its first entry
        need = h + (row_h if row.symbol is None and i + 1 < len(rows) else 0)
        if used + need > height and cols[-1]:
            cols.append([])
            used = 0.0
        cols[-1].append(row)
        used += h
    return cols


def paint_legend(painter: QPainter, rect: QRectF, rows: list[LegendRow], u: Units,
                 base_pt: float = 7.5, lang: str = "both", max_columns: int = 3) -> LegendResult:
    """Paint ``rows`` into ``rect`` (pixels) under a "Legend" heading; see module docstring."""
    result = LegendResult(rows=len(rows))
    painter.save()
    heading_font = u.font(base_pt + 1.5, bold=True)
    painter.setFont(heading_font)
    painter.setPen(QColor("#000000"))
    hfm = painter.fontMetrics()
    painter.drawText(QPointF(rect.left(), rect.top() + hfm.ascent()), tr("Legend", lang)
                     if lang != "both" else both("Legend"))
    body = QRectF(rect.left(), rect.top() + hfm.height() + u.mm(1.2), rect.width(),
                  rect.height() - hfm.height() - u.mm(1.2))
    chosen = None
    sizes = [base_pt - 0.5 * i for i in range(int((base_pt - MIN_PT) / 0.5) + 1)]
    for ncol in range(1, max_columns + 1):
        if body.width() / ncol < u.mm(22):
            break
        for size in sizes:
            if size < 6.0 and ncol < max_columns:
                break
            fm = u.metrics(size)
            row_h = max(fm.height(), u.mm(3.2 * size / base_pt)) + u.mm(0.6)
            head_h = u.metrics(size, True).height() + u.mm(0.8)
            cols = _columns_needed(rows, row_h, head_h, body.height())
            if len(cols) <= ncol:
                chosen = (size, ncol, cols, row_h, head_h)
                break
        if chosen is not None:
            break
    if chosen is None:
        size = MIN_PT
        fm = u.metrics(size)
        row_h = max(fm.height(), u.mm(3.2 * size / base_pt)) + u.mm(0.6)
        head_h = u.metrics(size, True).height() + u.mm(0.8)
        ncol = max_columns
        cols = _columns_needed(rows, row_h, head_h, body.height())
        chosen = (size, ncol, cols[:ncol], row_h, head_h)
        result.dropped = [r.text for c in cols[ncol:] for r in c]
    size, ncol, cols, row_h, head_h = chosen
    result.size_pt, result.columns = size, ncol
    col_w = body.width() / ncol
    sw_w, sw_h = u.mm(5.5 * size / base_pt), u.mm(3.0 * size / base_pt)
    normal, bold = u.font(size), u.font(size, bold=True)
    for ci, col in enumerate(cols):
        x = body.left() + ci * col_w
        y = body.top()
        for row in col:
            if row.symbol is None:
                painter.setFont(bold)
                fm = painter.fontMetrics()
                text = fm.elidedText(row.text, Qt.TextElideMode.ElideRight, int(col_w - u.mm(1)))
                painter.setPen(QColor("#000000"))
                painter.drawText(QPointF(x, y + u.mm(0.5) + fm.ascent()), text)
                y += head_h
            else:
                sw = QRectF(x + u.mm(0.5), y + (row_h - sw_h) / 2, sw_w, sw_h)
                _swatch(painter, sw, row.symbol, u)
                painter.setFont(normal)
                fm = painter.fontMetrics()
                avail = col_w - sw_w - u.mm(2.5)
                text = fm.elidedText(row.text, Qt.TextElideMode.ElideRight, int(avail))
                painter.setPen(QColor("#1a1a1a"))
                painter.drawText(QPointF(sw.right() + u.mm(1.5),
                                         y + (row_h + fm.ascent() - fm.descent()) / 2), text)
                y += row_h
            result.drawn += 1
            result.labels.append(row.text)
    painter.restore()
    return result


def _swatch(painter: QPainter, rect: QRectF, symbol: dict, u: Units) -> None:
    if symbol.get("type") == "ramp":
        from PySide6.QtGui import QLinearGradient

        grad = QLinearGradient(rect.topLeft(), rect.topRight())
        grad.setColorAt(0.0, QColor(symbol["colors"][0] or "#ffffff"))
        grad.setColorAt(1.0, QColor(symbol["colors"][1] or "#000000"))
        painter.save()
        painter.setPen(QColor("#9a9a9a"))
        painter.setBrush(grad)
        painter.drawRect(rect)
        painter.restore()
        return
    paint_symbol(painter, rect, symbol, dpi=u.dpi)
