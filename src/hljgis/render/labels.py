"""Labels: text from fields, a halo, and greedy collision avoidance by priority.

Labels of all layers are collected while layers draw and placed at the end, on top of every
layer, highest priority first; a label that would overlap one already placed tries its other
candidate positions and is dropped when none is free (how QGIS and every atlas treat
secondary names). Point markers are obstacles, as in QGIS: a label takes a position that
covers no other feature's marker when it has one (an airport symbol is not hidden under a
border crossing's name), and covers one only rather than be dropped. Text is drawn as a path
so SVG output carries the glyph outlines and needs no font; on PDF (a paged device) the fill
is real text with the font embedded, so a reader can search and copy the names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPagedPaintDevice, QPainter, QPainterPath, QPen

from hljgis.core.names import bilingual_lines, label_columns, label_text
from hljgis.render.fonts import label_font
from hljgis.render.prepare import _LINE, _POINT, PreparedLayer
from hljgis.render.symbols import qcolor
from hljgis.render.transform import MapTransform

#: At most this many label candidates per layer per frame (the densest get dropped anyway).
MAX_CANDIDATES = 3000
#: Point markers of a layer kept as label obstacles, at most (a denser layer's markers
#: cover the map: its labels could not avoid them all).
MAX_OBSTACLES = 1500
_CELL = 64.0


@dataclass
class _Candidate:
    lines: list[str]
    x: float
    y: float
    family: int
    offset_px: float
    priority: float
    rank: float
    settings: dict


def _text(series: pd.Series | None, idx: np.ndarray) -> list[str]:
    if series is None:
        return [""] * len(idx)
    vals = series.iloc[idx]
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
            for v in vals.tolist()]


def top_first(rank: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest values, largest first, ties in input order: the
    first ``k`` of a stable sort of ``-rank``, without sorting all of them (a million
    labelled cells: 10 ms instead of 150 ms on every frame)."""
    neg = -rank
    if len(neg) <= k:
        return np.argsort(neg, kind="stable")
    kth = np.partition(neg, k - 1)[k - 1]
    better = np.flatnonzero(neg < kth)
    ties = np.flatnonzero(neg == kth)[: k - len(better)]
    return np.concatenate([better[np.argsort(neg[better], kind="stable")], ties])


def _texts(gdf, lab: dict, idx: np.ndarray, lang: str | None) -> tuple[list, list]:
    """First and second label lines of the features at ``idx``: the style's fields, or in
    ``lang`` ("en", "zh") the name column of that language with its fallback, in "both"
    the Chinese name over the English one."""
    f2 = lab.get("field2")
    cols = label_columns(list(gdf.columns), lab["field"], f2, lang)
    if cols is None:
        return (_text(gdf[lab["field"]], idx),
                _text(gdf[f2] if f2 and f2 in gdf.columns else None, idx))
    a = _text(gdf[cols.primary], idx)
    b = _text(gdf[cols.fallback] if cols.fallback else None, idx)
    extra = _text(gdf[cols.extra] if cols.extra else None, idx)
    if lang == "both":  # Chinese over English; a second field only where no English line
        pairs = [bilingual_lines(x, y) for x, y in zip(a, b, strict=True)]
        return [p[0] for p in pairs], [p[1] or e for p, e in zip(pairs, extra, strict=True)]
    t1 = [label_text(x, y, lang) for x, y in zip(a, b, strict=True)]
    return t1, extra


def collect(prep: PreparedLayer, style: dict, mt: MapTransform, vis: np.ndarray,
            marker_px: float, lang: str | None = None) -> list[_Candidate]:
    """Label candidates of one layer's visible features (names in ``lang`` when given)."""
    lab = style.get("labels") or {}
    if not lab.get("enabled") or not lab.get("field"):
        return []
    gdf = prep.gdf
    if lab["field"] not in gdf.columns:
        return []
    if lab.get("max_scale") and mt.scale_denominator > float(lab["max_scale"]):
        return []
    anchors = prep.anchors()
    ax, ay = anchors[:, 0], anchors[:, 1]

    def in_frame():
        with np.errstate(invalid="ignore"):
            return (ax >= mt.minx) & (ax <= mt.maxx) & (ay >= mt.miny) & (ay <= mt.maxy)

    inside = vis & prep.for_view("anchors", (mt.minx, mt.miny, mt.maxx, mt.maxy), in_frame)
    idx = np.flatnonzero(inside)
    if not len(idx):
        return []
    pf = lab.get("priority_field")
    if pf and pf in gdf.columns:
        rank = pd.to_numeric(gdf[pf], errors="coerce").to_numpy(dtype=float)[idx]
    else:  # bigger features first
        b = prep.bounds[idx]
        rank = (b[:, 2] - b[:, 0]) / mt.upp_x + (b[:, 3] - b[:, 1]) / mt.upp_y
    rank = np.nan_to_num(rank, nan=-1.0)
    order = top_first(rank, MAX_CANDIDATES)
    idx, rank = idx[order], rank[order]
    t1, t2 = _texts(gdf, lab, idx, lang)
    px, py = mt.to_pixels(ax[idx], ay[idx])
    out = []
    for i in range(len(idx)):
        lines = [t for t in (t1[i], t2[i]) if t]
        if not lines or (len(lines) == 2 and lines[0] == lines[1]):
            lines = lines[:1]
        if not lines:
            continue
        out.append(_Candidate(lines, float(px[i]), float(py[i]), int(prep.family[idx[i]]),
                              marker_px / 2.0, float(lab.get("priority", 5)), float(rank[i]),
                              lab))
    return out


class LabelEngine:
    """Greedy placement with a uniform grid over placed boxes."""

    def __init__(self, mt: MapTransform):
        self.mt = mt
        self.candidates: list[_Candidate] = []
        self._grid: dict[tuple[int, int], list[QRectF]] = {}
        #: point markers (box, centre) labels keep off when they can
        self._markers: dict[tuple[int, int], list[tuple[QRectF, float, float]]] = {}
        self._marker_sources: list[tuple[Callable[[], tuple], float]] = []
        self.placed = 0
        #: the candidates drawn, for checks that count dropped labels per layer
        self.placed_candidates: list[_Candidate] = []

    def add(self, cands: list[_Candidate]) -> None:
        self.candidates.extend(cands)

    def _free(self, r: QRectF) -> bool:
        for gx in range(int(r.left() // _CELL), int(r.right() // _CELL) + 1):
            for gy in range(int(r.top() // _CELL), int(r.bottom() // _CELL) + 1):
                for other in self._grid.get((gx, gy), ()):
                    if other.intersects(r):
                        return False
        return True

    def _take(self, r: QRectF) -> None:
        for gx in range(int(r.left() // _CELL), int(r.right() // _CELL) + 1):
            for gy in range(int(r.top() // _CELL), int(r.bottom() // _CELL) + 1):
                self._grid.setdefault((gx, gy), []).append(r)

    def reserve(self, rect: QRectF) -> None:
        """Keep labels off an area (a legend, a north arrow)."""
        self._take(rect)

    def add_markers(self, px: np.ndarray, py: np.ndarray, size_px: float) -> None:
        """Point markers (pixel centres, largest symbol size) that labels avoid covering."""
        half = size_px / 2.0 + 0.5
        for x, y in zip(px.tolist(), py.tolist(), strict=True):
            r = QRectF(x - half, y - half, 2.0 * half, 2.0 * half)
            for gx in range(int(r.left() // _CELL), int(r.right() // _CELL) + 1):
                for gy in range(int(r.top() // _CELL), int(r.bottom() // _CELL) + 1):
                    self._markers.setdefault((gx, gy), []).append((r, x, y))

    def add_markers_later(self, source: Callable[[], tuple], size_px: float) -> None:
        """Markers to add (:meth:`add_markers`) if the frame has labels: ``source()`` gives
        their pixel centres."""
        self._marker_sources.append((source, size_px))

    def _markers_under(self, r: QRectF, c: _Candidate) -> int:
        """How many markers ``r`` covers, the candidate's own not counted."""
        seen: set[int] = set()
        for gx in range(int(r.left() // _CELL), int(r.right() // _CELL) + 1):
            for gy in range(int(r.top() // _CELL), int(r.bottom() // _CELL) + 1):
                for marker in self._markers.get((gx, gy), ()):
                    box, x, y = marker
                    if abs(x - c.x) < 0.5 and abs(y - c.y) < 0.5:
                        continue  # its own marker
                    if box.intersects(r):
                        seen.add(id(marker))  # a marker in two cells counts once
        return len(seen)

    def _place(self, c: _Candidate, w: float, h: float, pad: float,
               frame: QRectF) -> QRectF | None:
        """The first box clear of labels and markers; else the box clear of labels that
        covers the fewest markers (the first of those); None when every position is
        taken by labels."""
        best, fewest = None, None
        for ox, oy in self._positions(c, w, h, self.mt):
            box = QRectF(ox - pad, oy - pad, w + 2 * pad, h + 2 * pad)
            if not frame.contains(box) or not self._free(box):
                continue
            covered = self._markers_under(box, c) if self._markers else 0
            if covered == 0:
                return box
            if fewest is None or covered < fewest:
                best, fewest = box, covered
        return best

    def draw(self, painter: QPainter, check) -> int:
        """Place and draw all collected labels; returns how many were drawn."""
        mt = self.mt
        frame = QRectF(0, 0, mt.width, mt.height)
        cands = sorted(self.candidates, key=lambda c: (-c.priority, -c.rank))
        for source, size_px in self._marker_sources:
            self.add_markers(*source(), size_px)
        self._marker_sources = []
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fonts: dict = {}
        as_text = isinstance(painter.device(), QPagedPaintDevice)
        for n, c in enumerate(cands):
            if n % 200 == 0:
                check()
            s = c.settings
            size = mt.pt_to_px(float(s.get("size_pt", 9.0)))
            key = (size, bool(s.get("bold")))
            if key not in fonts:
                f1 = label_font(size, key[1])
                f2 = label_font(size * 0.78, False)
                fonts[key] = (f1, f2, QFontMetricsF(f1), QFontMetricsF(f2))
            f1, f2, m1, m2 = fonts[key]
            metrics = [(f1, m1)] + [(f2, m2)] * (len(c.lines) - 1)
            widths = [m.horizontalAdvance(t) for (_, m), t in zip(metrics, c.lines, strict=True)]
            heights = [m.ascent() + m.descent() for _, m in metrics]
            w, h = max(widths), sum(heights)
            pad = mt.mm_to_px(0.4)
            box = self._place(c, w, h, pad, frame)
            if box is not None:
                ox, oy = box.left() + pad, box.top() + pad
                self._take(box)
                if s.get("callout"):
                    self._leader(painter, c, box, mt)
                path = QPainterPath()
                runs = []
                yy = oy
                for (font, m), text, tw in zip(metrics, c.lines, widths, strict=True):
                    at = QPointF(ox + (w - tw) / 2.0, yy + m.ascent())
                    path.addText(at, font, text)
                    runs.append((at, font, text))
                    yy += m.ascent() + m.descent()
                halo = qcolor(s.get("halo_color"))
                hw = mt.mm_to_px(float(s.get("halo_width_mm", 0.0) or 0.0))
                if halo is not None and hw > 0:
                    pen = QPen(halo, 2.0 * hw)
                    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                    painter.strokePath(path, pen)
                if as_text:  # PDF: real text over the halo, so names can be searched
                    painter.setPen(qcolor(s.get("color", "#222222")))
                    for at, font, text in runs:
                        painter.setFont(font)
                        painter.drawText(at, text)
                else:
                    painter.fillPath(path, qcolor(s.get("color", "#222222")))
                self.placed += 1
                self.placed_candidates.append(c)
        painter.restore()
        return self.placed

    @staticmethod
    def _leader(painter: QPainter, c: _Candidate, box: QRectF, mt: MapTransform) -> None:
        """A thin line from the point to a label placed away from it (callout labels)."""
        cx, cy = box.center().x(), box.center().y()
        dx, dy = c.x - cx, c.y - cy
        hw, hh = box.width() / 2.0, box.height() / 2.0
        t = min(hw / abs(dx) if dx else np.inf, hh / abs(dy) if dy else np.inf)
        if t >= 1.0 or np.hypot(dx, dy) * (1.0 - t) <= c.offset_px + mt.mm_to_px(0.8):
            return  # the label sits next to its point: no line needed
        a, b = QPointF(c.x, c.y), QPointF(cx + t * dx, cy + t * dy)
        width = max(1.0, mt.mm_to_px(0.2))
        halo = qcolor(c.settings.get("halo_color"))
        if halo is not None:  # cased, so the line reads on dark fills too
            painter.setPen(QPen(halo, width + 2 * max(1.0, mt.mm_to_px(0.15))))
            painter.drawLine(a, b)
        painter.setPen(QPen(qcolor(c.settings.get("color", "#222222")), width))
        painter.drawLine(a, b)

    @staticmethod
    def _positions(c: _Candidate, w: float, h: float, mt: MapTransform):
        """Top-left corners to try: around a point marker, centred on lines and polygons.

        Callout labels (``labels.callout``, e.g. numbered top sites that cluster) of points
        and polygons also try rings up to 12 mm out, drawn with a leader line, so none has
        to be dropped.
        """
        x, y = c.x, c.y
        d = c.offset_px + 2.0
        if c.family == _POINT:
            near = [(x + d, y - h / 2), (x + d * 0.7, y - h - d * 0.5), (x - d - w, y - h / 2),
                    (x - w / 2, y + d), (x - w / 2, y - h - d), (x + d * 0.7, y + d * 0.5)]
        elif c.family == _LINE:
            return [(x - w / 2, y - h - 2.0), (x - w / 2, y + 2.0), (x - w / 2, y - h / 2)]
        else:
            near = [(x - w / 2, y - h / 2), (x - w / 2, y - h / 2 - h * 0.6),
                    (x - w / 2, y - h / 2 + h * 0.6)]
        if not c.settings.get("callout"):
            return near
        rings = []
        for r_mm in (2.5, 4.0, 5.5, 7.0, 9.0, 12.0):
            r = d + mt.mm_to_px(r_mm)
            for k in range(16):
                a = (k * 22.5 - 45.0) * np.pi / 180.0  # start up-right, go round
                rings.append((x + r * np.cos(a) - w / 2, y - r * np.sin(a) - h / 2))
        return near + rings
