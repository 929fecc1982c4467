"""The print legend: rows built from the layer styles, flowed into columns that fit a box.

Rows come from :func:`hljgis.core.style.legend_entries`, so the legend shows the symbols the
renderer draws. A layer with one symbol is one row titled with the layer; a classified layer
is a heading followed by its classes. Long labels wrap (a bilingual label stacks the English
over the Chinese) rather than being cut. When the rows do not fit, the text shrinks down to
a legible minimum (:data:`MIN_PT`) and the rows flow into balanced columns; a layer of a few
rows stays in one column. What still does not fit, or would be cut, is reported so the
pre-flight check can warn. Context layers (towns, rivers, boundaries) can be summarised in
one "Base map: ..." line under the rows (:func:`base_map_line`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from hljgis.core.crs import transformer
from hljgis.core.raster_style import legend_ramp
from hljgis.core.style import default_style, legend_entries, symbol_classes
from hljgis.core.text import Text
from hljgis.export.i18n import both, tr
from hljgis.export.units import Units
from hljgis.render.legend import paint_symbol

#: Smallest legend text: below this a printed annex is not legible.
MIN_PT = 5.5


@dataclass
class LegendRow:
    text: str
    symbol: dict | None = None  # None: a heading
    layer: str = ""
    #: several swatches side by side (a grouped row: one per layer or status; None: blank)
    symbols: list | None = None


@dataclass
class LegendResult:
    rows: int = 0
    drawn: int = 0
    size_pt: float = 0.0
    columns: int = 1
    dropped: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    elided: list[str] = field(default_factory=list)  # labels cut with "…" (should be none)
    wrapped: int = 0  # rows shown on two or more lines
    footer: str = ""  # the "Base map: ..." line, when context layers are summarised
    height_px: float = 0.0


def _label(en: str, zh_text: str, lang: str) -> str:
    if lang == "both" and zh_text and zh_text != en:
        return f"{en}  {zh_text}"
    return Text(en, zh_text).get(lang)


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
            box = transformer(crs, layer.crs).transform_bounds(*box)
        b = shapely.bounds(gdf.geometry.values)
        inside = ~((b[:, 2] < box[0]) | (b[:, 0] > box[2]) | (b[:, 3] < box[1])
                   | (b[:, 1] > box[3]))
        idx = idx[inside]
    return {int(i) for i in np.unique(idx) if i >= 0}


def base_map_line(layers, lang: str = "both") -> str:
    """"Base map 底图: Towns 城镇, Rivers 河流, ..." for context layers left out of the rows."""
    names = []
    for layer in layers:
        en, zh_t = layer.display_title("en"), layer.title_zh
        names.append(_label(en, zh_t, lang).replace("  ", " "))
    if not names:
        return ""
    head = {"en": "Base map", "zh": "底图"}.get(lang, "Base map 底图")
    return f"{head}: " + ", ".join(names)


#: Class labels of a status (transport layers): grouped rows show one swatch per status.
STATUS = ("Opened", "Under construction", "Planned")


def legend_rows(layers, lang: str = "both", extent=None, crs=None,
                ordered: bool = False) -> list[LegendRow]:
    """Legend rows for ``layers`` (top layer first, as a reader scans a legend).

    With ``ordered``, ``layers`` are already in the planner's legend order (top first) and
    only neighbours in that order are grouped, so the legend reads as it was arranged.

    With ``extent`` (in ``crs``), categorized layers list only the classes drawn there.
    Small layers classed by status (opened, under construction, planned) share one block,
    a row per layer with a swatch per status; two layers with the same classes (pillar
    industries and industrial parks) share one list, a row per class with a swatch per
    layer. That keeps every class explained in half the rows.
    """
    blocks = []  # (layer, title, [(label_en, text, symbol)])
    if ordered:
        sequence = list(layers)
    else:
        sequence = list(reversed(list(layers)))
        sequence.sort(key=lambda layer: layer.theme != "analysis")  # results first
    for layer in sequence:
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
        entries = [(le, _label(le, lz, lang), sym)
                   for (le, sym), (lz, _) in zip(en, zh_entries, strict=False)]
        blocks.append((layer, title, entries))
    grouped = _group_blocks(blocks, lang, adjacent=ordered)
    rows: list[LegendRow] = []
    for item in grouped:
        if isinstance(item, list):
            rows += item
            continue
        layer, title, entries = item
        if layer.kind == "raster":
            rows.append(LegendRow(title, None, layer.name))
            text, ramp = legend_ramp(layer)  # the stretch's values at the ramp's ends
            rows.append(LegendRow(text, ramp, layer.name))
            continue
        if len(entries) == 1:
            rows.append(LegendRow(title, entries[0][2], layer.name))
            continue
        rows.append(LegendRow(title, None, layer.name))
        rows += [LegendRow(text, sym, layer.name) for _, text, sym in entries]
    return rows


def _categorized(block) -> bool:
    layer, _, entries = block
    return layer.kind == "vector" and len(entries) >= 2


def _is_status(block) -> bool:
    return _categorized(block) and {e[0] for e in block[2]} <= set(STATUS)


def _status_run(blocks) -> list:
    """The first run of two or more neighbouring status blocks (a planner's legend order)."""
    run: list = []
    for b in blocks:
        if _is_status(b):
            run.append(b)
        elif len(run) >= 2:
            return run
        else:
            run = []
    return run if len(run) >= 2 else []


def _group_blocks(blocks, lang: str, adjacent: bool = False) -> list:
    """Blocks with status layers and same-class layer pairs replaced by grouped row lists;
    with ``adjacent``, only blocks next to each other are grouped."""
    zh_status = {"Opened": "已开通", "Under construction": "在建", "Planned": "规划"}
    status = _status_run(blocks) if adjacent else [b for b in blocks if _is_status(b)]
    used: set[int] = set()
    out: list = []
    groups: dict[int, list] = {}
    if len(status) >= 2:
        cols = [st for st in STATUS if any(st == e[0] for b in status for e in b[2])]
        theme = {b[0].theme for b in status}
        head = _label("Transport", "交通", lang) if theme == {"transport"} else \
            _label("Status", "状态", lang)
        keys = " | ".join(_label(c, zh_status[c], lang).replace("  ", " ")
                          for c in cols)
        rows = [LegendRow(f"{head}: {keys}", None, "_status")]
        for b in status:
            syms = [next((e[2] for e in b[2] if e[0] == c), None) for c in cols]
            rows.append(LegendRow(b[1], next(x for x in syms if x), "_status", syms))
        groups[id(status[0])] = rows
        used |= {id(b) for b in status}
    # rankings share their score classes but each keeps its own block: a merged list read
    # as one result
    cats = [b for b in blocks if _categorized(b) and id(b) not in used
            and b[0].theme != "analysis"]
    position = {id(b): i for i, b in enumerate(blocks)}
    for a in cats:
        for b in cats:
            if a is b or id(a) in used or id(b) in used:
                continue
            if adjacent and position[id(b)] != position[id(a)] + 1:
                continue
            la, lb = [e[0] for e in a[2]], {e[0] for e in b[2]}
            if len(lb) >= 3 and lb <= set(la) and len(la) >= len(lb):
                name = f"_{a[0].name}+{b[0].name}"
                rows = [LegendRow(f"{a[1]} · {b[1]}".replace("  ", " "), None, name)]
                bsym = {e[0]: e[2] for e in b[2]}
                for le, text, sym in a[2]:
                    rows.append(LegendRow(text, sym, name, [sym, bsym.get(le)]))
                groups[id(a)] = rows
                used |= {id(a), id(b)}
    for b in blocks:
        if id(b) in groups:
            out.append(groups[id(b)])
        elif id(b) not in used:
            out.append(b)
    return out


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _tokens(text: str) -> list[str]:
    """Break points of a label: after spaces and hyphens (Chinese breaks only when a word
    alone is too wide, see :func:`wrap_label`)."""
    out: list[str] = []
    for word in re.findall(r"\S+\s*", text):
        out += re.findall(r"[^-]+-\s*|[^-]+\s*|-\s*", word)
    return out


#: Wrapped labels by (font key, text, width): a legend is laid out at a dozen sizes and
#: column counts on every preview refresh, with the same labels each time.
_WRAPPED: dict[tuple, tuple[list[str], bool]] = {}


def wrap_label(text: str, fm, width: float) -> tuple[list[str], bool]:
    """Lines of ``text`` no wider than ``width`` (pixels) and whether one had to be elided.

    A bilingual label ("Graphite  石墨") that does not fit on one line stacks the English
    over the Chinese before anything else is broken; words break at spaces and hyphens,
    Chinese between characters.
    """
    font_key = getattr(fm, "font_key", None)  # units.Units.metrics: a font known by key
    if font_key is None:
        return _wrap_label(text, fm, width)
    key = (font_key, text, width)
    hit = _WRAPPED.get(key)
    if hit is None:
        if len(_WRAPPED) > 50_000:
            _WRAPPED.clear()
        hit = _WRAPPED[key] = _wrap_label(text, fm, width)
    return list(hit[0]), hit[1]


def _wrap_label(text: str, fm, width: float) -> tuple[list[str], bool]:
    width = width * 0.98  # the PDF engine's advances differ from the screen's by a hair
    if fm.horizontalAdvance(text) <= width:
        return [text], False
    parts = [p for p in text.split("  ")] if "  " in text else [text]
    lines: list[str] = []
    elided = False
    for part in parts:
        part = part.strip()
        if not part:
            continue
        cur = ""
        toks = []
        for tok in _tokens(part):
            if fm.horizontalAdvance(tok.rstrip()) > width and _CJK.search(tok):
                toks += list(tok)  # Chinese may break between any two characters
            else:
                toks.append(tok)
        for tok in toks:
            trial = cur + tok
            if not cur or fm.horizontalAdvance(trial.rstrip()) <= width:
                cur = trial
                continue
            lines.append(cur.rstrip())
            cur = tok
        if cur.strip():
            lines.append(cur.rstrip())
    fixed = []
    for line in lines:
        if fm.horizontalAdvance(line) > width:
            line = fm.elidedText(line, Qt.TextElideMode.ElideRight, width)
            elided = True
        fixed.append(line)
    return fixed, elided


@dataclass
class _Item:
    row: LegendRow
    lines: list[str]
    h: float
    elided: bool


@dataclass
class LegendPlan:
    """Where every legend row goes at one text size and column count (pixels)."""

    size: float
    ncol: int
    col_w: float
    columns: list[list[_Item]]
    dropped: list[str]
    elided: list[str]
    footer_lines: list[str]
    footer_h: float
    height: float

    @property
    def ok(self) -> bool:
        return not self.dropped and not self.elided


def _metrics(u: Units, size: float, base_pt: float):
    """(line pitch, swatch w, swatch h, heading gap, row gap) in pixels at ``size`` pt."""
    pitch = u.pt(size * 1.2)
    return pitch, u.mm(5.2 * size / base_pt), u.mm(2.7 * size / base_pt), u.mm(0.6), u.mm(0.3)


def _items(rows, u: Units, size: float, base_pt: float, col_w: float) -> list[_Item]:
    pitch, sw_w, sw_h, head_gap, row_gap = _metrics(u, size, base_pt)
    normal, bold = u.metrics(size), u.metrics(size, True)
    out = []
    for row in rows:
        if row.symbol is None:
            lines, el = wrap_label(row.text, bold, col_w - u.mm(1))
            out.append(_Item(row, lines, len(lines) * pitch + head_gap, el))
        else:
            lines, el = wrap_label(row.text, normal, col_w - _swatches_w(row, sw_w, u)
                                   - u.mm(2.5))
            out.append(_Item(row, lines, max(len(lines) * pitch, sw_h + u.mm(0.3)) + row_gap,
                             el))
    return out


def _swatches_w(row: LegendRow, sw_w: float, u: Units) -> float:
    n = len(row.symbols) if row.symbols else 1
    return sw_w if n == 1 else n * sw_w * 0.7 + (n - 1) * u.mm(0.8)


def _blocks(items: list[_Item], gap: float = 0.0) -> list[list[_Item]]:
    """Items grouped by layer; a multi-row layer ends with ``gap`` of space below it."""
    blocks: list[list[_Item]] = []
    for it in items:
        if blocks and blocks[-1][0].row.layer == it.row.layer and it.row.layer:
            blocks[-1].append(it)
        else:
            blocks.append([it])
    for block in blocks:
        if len(block) > 1:
            block[-1].h += gap
    return blocks


def _flow(blocks: list[list[_Item]], height: float, keep: int = 6) -> list[list[_Item]]:
    """Columns of at most ``height``: small layers stay together, a heading keeps its first
    entry, a long class list continues in the next column."""
    cols: list[list[_Item]] = [[]]
    used = 0.0
    for block in blocks:
        bh = sum(it.h for it in block)
        if used + bh <= height or not cols[-1]:
            if bh <= height or used + bh <= height:
                cols[-1].extend(block)
                used += bh
                continue
        elif len(block) <= keep and bh <= height:
            cols.append(list(block))
            used = bh
            continue
        for i, it in enumerate(block):
            need = it.h + (block[i + 1].h if it.row.symbol is None and i + 1 < len(block)
                           else 0)
            if used + need > height and cols[-1]:
                cols.append([])
                used = 0.0
            cols[-1].append(it)
            used += it.h
    return cols


def plan_legend(rows: list[LegendRow], u: Units, width: float, height: float,
                base_pt: float = 7.5, max_columns: int = 3, footer: str = "",
                min_col_mm: float = 30.0) -> LegendPlan:
    """The largest text (down to :data:`MIN_PT`) and fewest columns that show every row in
    full in ``width`` x ``height`` pixels, columns balanced; else the closest it gets, with
    the dropped and elided rows listed."""
    sizes = [base_pt - 0.25 * i for i in range(int((base_pt - MIN_PT) / 0.25) + 1)]
    fallback: LegendPlan | None = None
    for size in sizes:
        for ncol in range(1, max_columns + 1):
            col_w = width / ncol
            if ncol > 1 and col_w < u.mm(min_col_mm):
                break
            plan = _try(rows, u, size, base_pt, ncol, col_w, width, height, footer)
            if plan is None:
                continue
            if plan.ok:
                return plan
            if fallback is None:
                fallback = plan
    if fallback is not None:
        return fallback
    size = MIN_PT
    ncol = max(1, min(max_columns, int(width // u.mm(min_col_mm)) or 1))
    col_w = width / ncol
    f_lines, f_h = _footer(footer, u, size, width)
    items = _items(rows, u, size, base_pt, col_w)
    cols = _flow(_blocks(items, u.mm(0.6)), max(1.0, height - f_h))
    kept = cols[:ncol]
    return LegendPlan(size, ncol, col_w, kept, [it.row.text for c in cols[ncol:] for it in c],
                      [it.row.text for c in kept for it in c if it.elided], f_lines, f_h,
                      height)


def _footer(text: str, u: Units, size: float, width: float) -> tuple[list[str], float]:
    if not text:
        return [], 0.0
    lines, _ = wrap_label(text.replace("  ", " "), u.metrics(size), width)
    return lines, len(lines) * u.pt(size * 1.22) + u.mm(1.2)


def _try(rows, u, size, base_pt, ncol, col_w, width, height, footer) -> LegendPlan | None:
    f_lines, f_h = _footer(footer, u, size, width)
    avail = height - f_h
    items = _items(rows, u, size, base_pt, col_w)
    if not items:
        return LegendPlan(size, ncol, col_w, [], [], [], f_lines, f_h, f_h)
    blocks = _blocks(items, u.mm(0.6))
    keep = 6  # a layer of a few rows stays in one column, unless that is what overflows
    if len(_flow(blocks, avail, keep)) > ncol:
        keep = 0
        if len(_flow(blocks, avail, keep)) > ncol:
            return None
    lo, hi = max(it.h for it in items), avail
    for _ in range(18):  # balance the columns: the shortest height that still fits
        mid = (lo + hi) / 2
        if len(_flow(blocks, mid, keep)) <= ncol:
            hi = mid
        else:
            lo = mid
    cols = _flow(blocks, hi, keep)
    used = max(sum(it.h for it in c) for c in cols)
    return LegendPlan(size, ncol, col_w, cols, [], [it.row.text for it in items if it.elided],
                      f_lines, f_h, used + f_h)


def legend_heading(lang: str) -> str:
    return tr("Legend", lang) if lang != "both" else both("Legend")


def heading_height(u: Units, base_pt: float) -> float:
    """Pixels the "Legend" heading takes above the rows."""
    return u.metrics(base_pt + 1.5, True).height() + u.mm(1.2)


def paint_legend(painter: QPainter, rect: QRectF, rows: list[LegendRow], u: Units,
                 base_pt: float = 7.5, lang: str = "both", max_columns: int = 3,
                 footer: str = "", plan: LegendPlan | None = None) -> LegendResult:
    """Paint ``rows`` into ``rect`` (pixels) under a "Legend" heading; see module docstring.

    ``footer`` is a line under the rows (e.g. "Base map: towns, rivers"); ``plan`` a layout
    from :func:`plan_legend` for the body below the heading (computed when not given).
    """
    result = LegendResult(rows=len(rows))
    painter.save()
    painter.setFont(u.font(base_pt + 1.5, bold=True))
    painter.setPen(QColor("#000000"))
    hfm = painter.fontMetrics()
    painter.drawText(QPointF(rect.left(), rect.top() + hfm.ascent()), legend_heading(lang))
    top = rect.top() + heading_height(u, base_pt)
    body = QRectF(rect.left(), top, rect.width(), rect.bottom() - top)
    if plan is None:
        plan = plan_legend(rows, u, body.width(), body.height(), base_pt, max_columns, footer)
    size, col_w = plan.size, plan.col_w
    result.size_pt, result.columns = size, plan.ncol
    result.dropped, result.elided = list(plan.dropped), list(plan.elided)
    pitch, sw_w, sw_h, _gap, row_gap = _metrics(u, size, base_pt)
    normal, bold = u.font(size), u.font(size, bold=True)
    bottom = body.top()
    for ci, col in enumerate(plan.columns):
        x = body.left() + ci * col_w
        y = body.top()
        for it in col:
            row = it.row
            if row.symbol is None:
                painter.setFont(bold)
                fm = painter.fontMetrics()
                painter.setPen(QColor("#000000"))
                for k, line in enumerate(it.lines):
                    painter.drawText(QPointF(x, y + u.mm(0.5) + k * pitch + fm.ascent()), line)
            else:
                block_h = it.h - row_gap
                # a wrapped row: the swatch sits beside its first line
                sy = (y + (block_h - sw_h) / 2 if len(it.lines) == 1
                      else y + max(0.0, (pitch - sw_h) / 2))
                if row.symbols and len(row.symbols) > 1:
                    w1 = sw_w * 0.7
                    for k, sym in enumerate(row.symbols):
                        r1 = QRectF(x + u.mm(0.5) + k * (w1 + u.mm(0.8)), sy, w1, sw_h)
                        if sym:
                            _swatch(painter, r1, sym, u)
                    sw = QRectF(x + u.mm(0.5), sy, _swatches_w(row, sw_w, u), sw_h)
                else:
                    sw = QRectF(x + u.mm(0.5), sy, sw_w, sw_h)
                    _swatch(painter, sw, row.symbol, u)
                painter.setFont(normal)
                fm = painter.fontMetrics()
                painter.setPen(QColor("#1a1a1a"))
                text_h = len(it.lines) * pitch
                ty = y + (block_h - text_h) / 2 if len(it.lines) == 1 else y
                for k, line in enumerate(it.lines):
                    base_y = ty + k * pitch + (pitch + fm.ascent() - fm.descent()) / 2
                    painter.drawText(QPointF(sw.right() + u.mm(1.5), base_y), line)
            if len(it.lines) > 1:
                result.wrapped += 1
            y += it.h
            result.drawn += 1
            result.labels.append(row.text)
        bottom = max(bottom, y)
    if plan.footer_lines:
        painter.setFont(normal)
        painter.setPen(QColor("#333333"))
        fm = painter.fontMetrics()
        y = bottom + u.mm(1.0)
        for line in plan.footer_lines:
            painter.drawText(QPointF(body.left(), y + fm.ascent()), line)
            y += pitch
        result.footer = footer
    result.height_px = (bottom - rect.top()) + plan.footer_h
    painter.restore()
    return result


def _swatch(painter: QPainter, rect: QRectF, symbol: dict, u: Units) -> None:
    if symbol.get("type") == "ramp":
        from PySide6.QtGui import QLinearGradient

        grad = QLinearGradient(rect.topLeft(), rect.topRight())
        colors = [c or "#ffffff" for c in symbol["colors"]] or ["#ffffff", "#000000"]
        for i, c in enumerate(colors):
            grad.setColorAt(i / max(len(colors) - 1, 1), QColor(c))
        painter.save()
        painter.setPen(QColor("#9a9a9a"))
        painter.setBrush(grad)
        painter.drawRect(rect)
        painter.restore()
        return
    paint_symbol(painter, rect, symbol, dpi=u.dpi)
