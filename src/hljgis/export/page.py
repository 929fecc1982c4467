"""One map page: what goes on it (:class:`MapPage`) and painting it (:func:`paint_page`).

The page is painted in device pixels of the output (PDF, SVG or PNG) from a layout in mm, so
the three formats come from one function. The title and footer are measured first and the
map frame takes the room that is left.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from hljgis.core.composition import choice_city, resolve_extent
from hljgis.core.crs import transform_bounds
from hljgis.core.errors import InputError
from hljgis.core.text import is_zh, lang_code
from hljgis.export.decorations import draw_graticule, draw_north_arrow, draw_scale_bar
from hljgis.export.i18n import both, tr
from hljgis.export.inset import paint_inset
from hljgis.export.layout import Layout
from hljgis.export.legend import (
    LegendResult,
    base_map_line,
    heading_height,
    legend_rows,
    paint_legend,
    plan_legend,
)
from hljgis.export.sources import crs_note, illustrative_note, source_lines
from hljgis.export.units import Units
from hljgis.render.renderer import MapRenderer
from hljgis.render.vector import Cancelled


@dataclass
class MapPage:
    """Everything one page shows.

    Attributes
    ----------
    layout : Layout
    project : Project
        Gives the CRS, bookmarks and the inset's outlines.
    layers : list of Layer
        What the map frame draws, bottom first (hidden layers are skipped).
    extent : (minx, miny, maxx, maxy)
        In the project CRS.
    city : str, optional
        Highlighted in the inset.
    notes : list of str
        Extra lines for the footer (e.g. the scenario and its weights).
    page_label : str
        "Page 3 of 6" or "".
    """

    layout: Layout
    project: object
    layers: list
    extent: tuple
    city: str | None = None
    notes: list[str] = field(default_factory=list)
    page_label: str = ""

    @property
    def shown(self) -> frozenset:
        """Layers the layout names to print: drawn even when hidden on the map."""
        return frozenset(self.layout.layers or ())

    @property
    def drawn_layers(self) -> list:
        shown = self.shown
        return [layer for layer in self.layers
                if (layer.visible or layer.name in shown) and layer.opacity > 0]


@dataclass
class PageReport:
    """What was painted: texts (for pre-flight glyph checks and tests) and the legend fit."""

    texts: list[str] = field(default_factory=list)
    legend: LegendResult | None = None
    scale_denominator: float = 0.0
    warnings: list[str] = field(default_factory=list)


def page_for(project, layout: Layout, *, city: str | None = None, layers=None,
             extent=None, notes=None) -> MapPage:
    """A :class:`MapPage` for a project: the layout's extent (or the city's bookmark).

    Layers the layout names print in the project's draw order; names no longer in the
    project are skipped (a template outlives a removed layer).
    """
    if extent is None:
        extent = layout_extent(project, layout, city)
    if city is None and layout.extent_choice:
        city = choice_city(project, layout.extent_choice)
    if layers is None:
        if layout.layers:
            wanted = set(layout.layers)
            layers = [layer for layer in project.layers if layer.name in wanted]
        else:
            layers = list(project.layers)
    return MapPage(layout, project, list(layers), tuple(extent), city, list(notes or []))


def layout_extent(project, layout: Layout, city: str | None = None) -> tuple:
    """The map extent in the project CRS: the composer's choice (city, district, ranking
    sites, view), else an explicit box, else the city's or the layout's bookmark."""
    if layout.extent_choice and not city:
        box = resolve_extent(project, layout.extent_choice)
        if box is not None:
            return box
    if layout.extent and not city:
        return tuple(float(v) for v in layout.extent)
    name = city.lower() if city else layout.bookmark
    bm = project.bookmarks.get(name)
    if bm is None:
        raise InputError(f"no bookmark '{name}' in the project.",
                         f"Bookmarks: {', '.join(sorted(project.bookmarks)) or 'none'}.")
    bounds = transform_bounds(bm["bounds"], bm.get("crs"), project.crs)
    pad_x, pad_y = (bounds[2] - bounds[0]) * 0.03, (bounds[3] - bounds[1]) * 0.03
    return (bounds[0] - pad_x, bounds[1] - pad_y, bounds[2] + pad_x, bounds[3] + pad_y)


def _in_extent(layer, extent, crs) -> bool:
    try:
        b = transform_bounds(layer.bounds, layer.crs, crs)
    except Exception:  # noqa: BLE001 - an odd layer still gets a legend row
        return True
    return not (b[2] < extent[0] or b[0] > extent[2] or b[3] < extent[1] or b[1] > extent[3])


def legend_layers(page: MapPage) -> list:
    """Visible layers the legend lists: the layout's choice, minus exclusions, in the frame."""
    spec = page.layout.legend
    layers = page.drawn_layers
    if spec.get("layers"):
        wanted = set(spec["layers"])
        layers = [layer for layer in layers if layer.name in wanted]
    excluded = set(spec.get("exclude") or [])
    layers = [layer for layer in layers if layer.name not in excluded]
    if spec.get("in_extent_only", True):
        layers = [layer for layer in layers if _in_extent(layer, page.extent, page.project.crs)]
    order = spec.get("order")
    if order:
        # the planner's order, top first; layers it does not name follow in the default one
        rank = {name: i for i, name in enumerate(order)}
        default = list(reversed(layers))
        default.sort(key=lambda layer: layer.theme != "analysis")
        layers = sorted(default, key=lambda layer: rank.get(layer.name, len(rank)))
    return layers


def legend_content(page: MapPage, extent=None) -> tuple[list, str]:
    """(legend rows, "Base map: ..." line) of a page.

    Layers named in the legend's ``base_map`` list (context such as towns, rivers and
    district lines, set on atlas pages) get no rows of their own but are named in the line
    under the legend, so nothing drawn is unexplained.
    """
    layers = legend_layers(page)
    context = set(page.layout.legend.get("base_map") or [])
    ctx = [layer for layer in layers if layer.name in context]
    main = [layer for layer in layers if layer.name not in context]
    rows = legend_rows(main, page.layout.lang, page.extent if extent is None else extent,
                       page.project.crs, ordered=bool(page.layout.legend.get("order")))
    return rows, base_map_line(list(reversed(ctx)), page.layout.lang)


def title_lines(layout: Layout) -> list[tuple[str, float, bool, str]]:
    """(text, size_pt, bold, colour) lines of the title block, in the layout's language."""
    base = float(layout.base_size_pt) * layout.scale_factor()
    lang = layout.lang
    lines = []
    en_title, zh_title = layout.title, layout.title_zh
    fig = layout.figure
    fig_zh = fig.replace("Map", "图") if fig else ""
    if lang in ("en", "both") and en_title:
        lines.append(((f"{fig}  " if fig else "") + en_title, base * 2.0, True, "#111111"))
    if lang in ("zh", "both") and zh_title:
        prefix = f"{fig_zh}  " if fig and (is_zh(lang) or not en_title) else ""
        lines.append((prefix + zh_title, base * (1.7 if lang == "both" else 2.0), True,
                      "#111111"))
    sub = [s for s in ((layout.subtitle if lang != "zh" else ""),
                       (layout.subtitle_zh if lang != "en" else "")) if s]
    if sub:
        lines.append(("  ·  ".join(sub), base * 1.15, False, "#444444"))
    review = review_number_line(layout)
    if review:
        lines.append((review, base * 1.0, False, "#444444"))
    return lines


def review_number_line(layout: Layout) -> str:
    """"审图号：GS(2024)0650号" in the layout's language; "" when the layout has no number.

    A published map of China that shows the national border needs the review number
    (审图号) issued for its base map; the pre-flight check warns when it is missing.
    """
    number = str(layout.values.get("map_review_number") or "").strip()
    if not number:
        return ""
    if is_zh(layout.lang):
        return f"审图号：{number}"
    if layout.lang == "en":
        return f"Map review number: {number}"
    return f"审图号 Map review number: {number}"


def footer_blocks(page: MapPage) -> list[tuple[str, bool, str]]:
    """(text, bold, colour) paragraphs of the footer: sources, illustrative note, CRS, date."""
    layout = page.layout
    lang = layout.lang
    drawn = page.drawn_layers
    blocks = []
    head = both("Sources:") if lang == "both" else tr("Sources:", lang)
    blocks.append((head + " " + "; ".join(source_lines(drawn, lang_code(lang))),
                   False, "#222222"))
    if layout.illustrative_note:
        note = illustrative_note(drawn, lang)
        if note:
            blocks.append((note, True, "#9b1c1c"))
    for extra in page.notes:
        blocks.append((extra, False, "#222222"))
    if layout.notes and lang != "zh":
        blocks.append((layout.notes, False, "#222222"))
    if layout.notes_zh and lang != "en":
        blocks.append((layout.notes_zh, False, "#222222"))
    metric = page.project.metric_crs() if hasattr(page.project, "metric_crs") else None
    date = layout.date or _dt.date.today().isoformat()
    tail = (crs_note(page.project.crs, metric, lang) + "  " +
            f"{tr('Date', lang) if lang != 'both' else both('Date')}: {date}")
    if page.page_label:
        tail += f"  ·  {page.page_label}"
    blocks.append((tail + "  ·  hljgis", False, "#444444"))
    return blocks


def _text_height(u: Units, text: str, size_pt: float, bold: bool, width_px: float) -> float:
    fm = u.metrics(size_pt, bold)
    r = fm.boundingRect(QRectF(0, 0, width_px, 1e7), int(Qt.TextFlag.TextWordWrap), text)
    return r.height()


def paint_page(painter: QPainter, page: MapPage, dpi: float,
               renderer: MapRenderer | None = None, cancel=None) -> PageReport:
    """Paint a whole map page on ``painter`` (device pixels at ``dpi``).

    ``cancel`` (a callable, e.g. "a newer preview is waiting") is asked while the map frame
    is drawn; when it returns True the page stops with :class:`~hljgis.render.vector.Cancelled`.

    Returns
    -------
    PageReport
    """
    layout = page.layout
    u = Units(dpi)
    report = PageReport()
    scale = layout.scale_factor()
    base = float(layout.base_size_pt) * scale
    pw, _ = layout.page_size_mm()
    inner_w = pw - 2 * float(layout.margins_mm)

    tlines = title_lines(layout)
    title_h = sum(u.metrics(s, b).height() for _, s, b, _ in tlines) / u.mm(1) + 2.5
    fblocks = footer_blocks(page)
    fsize = base * 0.74
    foot_h = sum(_text_height(u, t, fsize, b, u.mm(inner_w)) for t, b, _ in fblocks) \
        / u.mm(1) + 1.5 * len(fblocks) * 0.4 + 2.0
    frames = layout.frames(title_h, foot_h)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)

    # title block
    tr_ = u.rect(frames["title"])
    y = tr_.top()
    for text, size, bold, colour in tlines:
        painter.setFont(u.font(size, bold))
        painter.setPen(QColor(colour))
        fm = painter.fontMetrics()
        painter.drawText(QPointF(tr_.left(), y + fm.ascent()), text)
        report.texts.append(text)
        y += fm.height()
    if layout.logo:
        _paint_logo(painter, layout.logo, QRectF(tr_.right() - u.mm(40), tr_.top(), u.mm(40),
                                                 tr_.height() - u.mm(2)), report)
    painter.setPen(QPen(QColor("#333333"), max(1.0, u.mm(0.35))))
    painter.drawLine(QPointF(tr_.left(), tr_.bottom() - u.mm(0.5)),
                     QPointF(tr_.right(), tr_.bottom() - u.mm(0.5)))

    # map frame
    mr = u.rect(frames["map"])
    mr = QRectF(round(mr.left()), round(mr.top()), round(mr.width()), round(mr.height()))
    renderer = renderer or MapRenderer()
    painter.save()
    painter.translate(mr.topLeft())
    painter.setClipRect(QRectF(0, 0, mr.width(), mr.height()))
    size = (int(mr.width()), int(mr.height()))
    extent = page.extent
    if layout.scale:
        extent = fixed_scale_extent(extent, size, dpi, page.project.crs, float(layout.scale))
    if not renderer.render(painter, page.layers, extent, size=size, dpi=dpi,
                           crs=page.project.crs, background="#eef3f6", show=page.shown,
                           label_lang=layout.lang, cancel=cancel):
        painter.restore()
        painter.restore()
        raise Cancelled
    mt = renderer.transform
    report.scale_denominator = mt.scale_denominator
    if layout.graticule:
        draw_graticule(painter, mt, u, size_pt=base * 0.75)
    if layout.north_arrow:
        draw_north_arrow(painter, u, QPointF(mr.width() - u.mm(9), u.mm(12)),
                         height_mm=11 * scale, size_pt=base, lang=layout.lang)
    if layout.scale_bar:
        fm = u.metrics(base * 0.85)
        sb_h = u.mm(1.6) + 2 * fm.height() + u.mm(3)
        draw_scale_bar(painter, mt, u, QPointF(u.mm(3), mr.height() - sb_h - u.mm(3)),
                       max_width_px=mr.width() * 0.22, size_pt=base * 0.85)
    painter.restore()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor("#222222"), max(1.0, u.mm(0.3))))
    painter.drawRect(mr)

    # sidebar: inset and legend
    sr = u.rect(frames["side"])
    legend_on = layout.legend.get("enabled", True)
    rows, base_line = legend_content(page, mt.extent) if legend_on else ([], "")
    legend_rect, plan, label, ir = sr, None, "", None
    if layout.inset:
        label = both("Location") if layout.lang == "both" else tr("Location", layout.lang)
        lfm = u.metrics(base + 1.5, True)
        if layout.orientation == "portrait":
            ir = QRectF(sr.left(), sr.top() + lfm.height() + u.mm(1), sr.width() * 0.32,
                        sr.height() - lfm.height() - u.mm(1))
            legend_rect = QRectF(ir.right() + u.mm(4), sr.top(), sr.right() - ir.right()
                                 - u.mm(4), sr.height())
        else:
            # the locator shrinks when the legend needs the room to stay legible and whole
            full = min(sr.width() * 0.6, sr.height() * 0.3)
            for k, ih in enumerate((full, full * 0.75, full * 0.55, full * 0.4)):
                ir = QRectF(sr.left(), sr.top() + lfm.height() + u.mm(1), sr.width(), ih)
                legend_rect = QRectF(sr.left(), ir.bottom() + u.mm(4), sr.width(),
                                     sr.bottom() - ir.bottom() - u.mm(4))
                if not legend_on:
                    break
                cand = _plan(rows, u, legend_rect, base, base_line)
                if plan is None or _rank(cand) > _rank(plan[1]):
                    plan = (k, cand, ir, legend_rect)
                if cand.ok and cand.size >= base - 1.0:
                    break
            if plan is not None:
                _, _, ir, legend_rect = plan
    if layout.inset:
        painter.setFont(u.font(base + 1.5, bold=True))
        painter.setPen(QColor("#000000"))
        fm = painter.fontMetrics()
        painter.drawText(QPointF(sr.left(), sr.top() + fm.ascent()), label)
        report.texts.append(label)
        paint_inset(painter, ir, page.project, u, mt.extent, page.city)
    if legend_on:
        res = paint_legend(painter, legend_rect, rows, u, base_pt=base, lang=layout.lang,
                           footer=base_line, plan=plan[1] if plan else None)
        report.legend = res
        report.texts.extend(res.labels)
        if base_line:
            report.texts.append(base_line)
        if res.dropped:
            report.warnings.append(f"legend: {len(res.dropped)} rows do not fit "
                                   f"({', '.join(res.dropped[:4])}); exclude layers or use A3")
        if res.elided:
            report.warnings.append(f"legend: {len(res.elided)} labels are cut short "
                                   f"({', '.join(res.elided[:4])}); shorten the titles or "
                                   "use A3")

    # footer
    fr = u.rect(frames["footer"])
    y = fr.top() + u.mm(1)
    painter.setPen(QPen(QColor("#999999"), max(1.0, u.mm(0.15))))
    painter.drawLine(QPointF(fr.left(), fr.top()), QPointF(fr.right(), fr.top()))
    for text, bold, colour in fblocks:
        painter.setFont(u.font(fsize, bold))
        painter.setPen(QColor(colour))
        h = _text_height(u, text, fsize, bold, fr.width())
        painter.drawText(QRectF(fr.left(), y, fr.width(), h + 2),
                         int(Qt.TextFlag.TextWordWrap), text)
        report.texts.append(text)
        y += h + u.mm(0.6)
    painter.restore()
    return report


def fixed_scale_extent(extent, size, dpi: float, crs, denominator: float) -> tuple:
    """``extent`` re-centred so that a ``size`` frame at ``dpi`` shows it at 1:``denominator``.

    The scale is measured across the frame's centre (geodesic in a lon/lat CRS), so the box
    is scaled and measured again until it holds to 0.01 %.
    """
    from hljgis.render.transform import MapTransform

    box = tuple(float(v) for v in extent)
    for _ in range(4):
        mt = MapTransform(box, size[0], size[1], dpi, crs)
        factor = denominator / mt.scale_denominator
        if abs(factor - 1.0) < 1e-4:
            break
        x0, y0, x1, y1 = mt.extent
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        hw, hh = (x1 - x0) / 2 * factor, (y1 - y0) / 2 * factor
        box = (cx - hw, cy - hh, cx + hw, cy + hh)
    return box


def _rank(plan) -> tuple:
    """Better legend fits sort higher: whole, fewer rows dropped or cut, larger text."""
    return (plan.ok, -len(plan.dropped), -len(plan.elided), plan.size)


def _plan(rows, u: Units, rect: QRectF, base: float, footer: str):
    top = heading_height(u, base)
    return plan_legend(rows, u, rect.width(), rect.height() - top, base, footer=footer)


def _paint_logo(painter: QPainter, path: str, rect: QRectF, report: PageReport) -> None:
    """A logo fitted into ``rect`` keeping its aspect ratio (SVG stays vector)."""
    if str(path).lower().endswith(".svg"):
        from PySide6.QtSvg import QSvgRenderer

        svg = QSvgRenderer(str(path))
        if not svg.isValid():
            report.warnings.append(f"logo {path} could not be read")
            return
        size = svg.defaultSize()
        target = _fit(rect, size.width(), size.height())
        svg.render(painter, target)
        return
    img = QImage(str(path))
    if img.isNull():
        report.warnings.append(f"logo {path} could not be read")
        return
    painter.drawImage(_fit(rect, img.width(), img.height()), img)


def _fit(rect: QRectF, w: float, h: float) -> QRectF:
    if w <= 0 or h <= 0:
        return rect
    s = min(rect.width() / w, rect.height() / h)
    return QRectF(rect.right() - w * s, rect.top(), w * s, h * s)
