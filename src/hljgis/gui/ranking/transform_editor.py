"""The transform editor: kind and parameters of a criterion's value function, drawn as its
curve over the histogram of the criterion's raw values at the current candidate sites.

Seeing where the sites actually fall is what tells a planner whether "0 to 15 km" is a
sensible range or leaves every site on the flat part of the curve. The values come from
the last run, or from a one-criterion run the planner starts here ("Compute values").
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.scenario import ScenarioError
from hljgis.analysis.transforms import TRANSFORMS, TransformSpec
from hljgis.gui.i18n import tr
from hljgis.gui.ranking.texts import (
    TRANSFORM_NAMES,
    punct,
    text_to_params,
    transform_params_text,
    unit_text,
)

BAR = QColor("#b0bec5")
CURVE = QColor("#e65100")


def _tick(x: float, span: float) -> str:
    """A scale label with as many decimals as the span needs (12,000 m; 0.35)."""
    digits = int(np.clip(2 - np.floor(np.log10(span)) if span > 0 else 2, 0, 4))
    return f"{x:,.{digits}f}"


def _flat(spec: dict) -> tuple[str, dict]:
    return spec.get("kind", ""), {k: v for k, v in spec.items() if k != "kind"}


def curve_points(spec: dict, values: np.ndarray | None, x0: float, x1: float,
                 n: int = 241) -> tuple[np.ndarray, np.ndarray] | None:
    """x and score of a transform's curve over [x0, x1] (None for categories); a min-max
    curve is the one the values give (their min and max are its anchors)."""
    kind, params = _flat(spec)
    if kind not in TRANSFORMS or kind == "categorical":
        return None
    xs = np.linspace(x0, x1, n)
    if kind == "minmax":
        known = values[np.isfinite(values)] if values is not None else np.zeros(0)
        if known.size == 0:
            return None
        lo, hi = float(known.min()), float(known.max())
        # the anchors are the values' own extremes, so evaluate over them with the points
        ys = np.asarray(TransformSpec("minmax", params).apply(np.r_[lo, hi, xs]))[2:]
        return xs, ys
    try:
        return xs, np.asarray(TransformSpec(kind, params).apply(xs), dtype=float)
    except ValueError:
        return None


def anchors(spec: dict) -> list[float]:
    """The numbers that shape a transform (lo/hi, a..d, breaks), to widen the x range."""
    _kind, params = _flat(spec)
    out = [float(params[k]) for k in ("lo", "hi", "a", "b", "c", "d")
           if isinstance(params.get(k), int | float) and not isinstance(params.get(k), bool)]
    out += [float(b) for b in params.get("breaks", []) if isinstance(b, int | float)]
    return out


class TransformPlot(QWidget):
    """Grey bars: how many sites have each raw value; orange line: the score (0..1) the
    transform gives that value (right-hand scale)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.values: np.ndarray | None = None
        self.spec: dict = {}
        self.unit = ""
        self.setMinimumHeight(150)
        self.setMaximumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_data(self, values, spec: dict, unit: str = "") -> None:
        self.values = None if values is None else np.asarray(values, dtype=float)
        self.spec = dict(spec or {})
        self.unit = unit or ""
        self.update()

    def x_range(self) -> tuple[float, float]:
        """The raw values' range widened to the transform's anchors."""
        pts = anchors(self.spec)
        if self.values is not None:
            known = self.values[np.isfinite(self.values)]
            if known.size:
                pts += [float(known.min()), float(known.max())]
        if not pts:
            return 0.0, 1.0
        x0, x1 = min(pts), max(pts)
        if x1 <= x0:
            x0, x1 = x0 - 0.5, x1 + 0.5
        pad = 0.03 * (x1 - x0)
        return x0 - pad, x1 + pad

    def plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        return QRectF(fm.horizontalAdvance("0.5") + 10, 8,
                      self.width() - 2 * (fm.horizontalAdvance("0.5") + 10),
                      self.height() - 2 * fm.height() - 14)

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        r = self.plot_rect()
        fm = self.fontMetrics()
        x0, x1 = self.x_range()

        def sx(x):
            return r.left() + (np.asarray(x) - x0) / (x1 - x0) * r.width()

        def sy(score):
            return r.bottom() - np.asarray(score) * r.height()

        # histogram of the values (bars scaled to the tallest)
        known = (self.values[np.isfinite(self.values)] if self.values is not None
                 else np.zeros(0))
        if known.size:
            bins = int(np.clip(np.sqrt(known.size), 5, 40))
            counts, edges = np.histogram(known, bins=bins, range=(x0, x1))
            top = counts.max() or 1
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(BAR)
            for c, a, b in zip(counts, edges[:-1], edges[1:], strict=True):
                if c:
                    h = 0.92 * r.height() * c / top
                    p.drawRect(QRectF(sx(a) + 0.5, r.bottom() - h, max(1.0, sx(b) - sx(a) - 1),
                                      h))
        # frame, score scale and value scale
        p.setPen(QPen(QColor("#9e9e9e"), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r)
        p.setPen(QColor("#555555"))
        for s in (0.0, 0.5, 1.0):
            y = float(sy(s))
            p.drawText(QRectF(r.right() + 3, y - fm.height() / 2, 40, fm.height()),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{s:g}")
        unit = unit_text(self.unit)
        for frac, align in ((0.0, Qt.AlignmentFlag.AlignLeft),
                            (0.5, Qt.AlignmentFlag.AlignHCenter),
                            (1.0, Qt.AlignmentFlag.AlignRight)):
            x = x0 + frac * (x1 - x0)
            text = _tick(x, x1 - x0) + (f" {unit}" if unit and frac == 1.0 else "")
            w = fm.horizontalAdvance(text) + 4
            left = float(sx(x)) - (0 if frac == 0 else w if frac == 1 else w / 2)
            p.drawText(QRectF(left, r.bottom() + 2, w, fm.height()),
                       align | Qt.AlignmentFlag.AlignTop, text)
        # the curve
        pts = curve_points(self.spec, self.values, x0, x1)
        if pts is not None:
            xs, ys = pts
            ok = np.isfinite(ys)
            path = QPainterPath()
            first = True
            for x, y in zip(sx(xs[ok]), sy(ys[ok]), strict=True):
                if first:
                    path.moveTo(QPointF(float(x), float(y)))
                    first = False
                else:
                    path.lineTo(QPointF(float(x), float(y)))
            p.setPen(QPen(CURVE, 2.2))
            p.drawPath(path)
        # what the picture shows, in words
        note = QFont(self.font())
        note.setPointSizeF(max(7.0, note.pointSizeF() - 1))
        p.setFont(note)
        p.setPen(QColor("#555555"))
        if known.size:
            missing = int(self.values.size - known.size)
            text = tr("{n} sites").format(n=f"{known.size:,}")
            if missing:
                text += punct(", ") + tr("{m} without a value").format(m=f"{missing:,}")
        elif self.values is not None:
            text = tr("No site has a value") + punct(": ") + tr("check the layer and field")
        else:
            text = tr("No values yet: run the ranking or compute the values")
        p.drawText(QRectF(r.left() + 4, r.top() + 2, r.width() - 8, fm.height() + 2),
                   Qt.AlignmentFlag.AlignLeft, text)
        if pts is None and self.spec.get("kind") == "categorical":
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, tr("A score per category"))
        p.end()


class TransformEditor(QWidget):
    """Kind and parameters of criterion ``row``'s transform, with the plot; bound to the
    draft. ``values`` is a callable giving the raw values of a criterion (or None).

    Signals
    -------
    rejected(str) : an edit was refused (the draft's message).
    compute_requested(int) : the planner asked to compute criterion ``row``'s values.
    """

    rejected = Signal(str)
    compute_requested = Signal(int)

    def __init__(self, draft: ScenarioDraft, values=None, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.values = values or (lambda row: None)
        self.row = -1
        self.kind_box = QComboBox()
        for kind in TRANSFORMS:
            self.kind_box.addItem(kind, kind)
        self.params = QLineEdit()
        self.compute_button = QPushButton()
        self.plot = TransformPlot()
        self.kind_label, self.params_label = QLabel(), QLabel()
        top = QHBoxLayout()
        top.addWidget(self.kind_label)
        top.addWidget(self.kind_box)
        top.addWidget(self.params_label)
        top.addWidget(self.params, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.compute_button)
        layout.addLayout(bottom)
        self.kind_box.activated.connect(self._on_kind)
        self.params.editingFinished.connect(self._on_params)
        self.compute_button.clicked.connect(lambda: self.compute_requested.emit(self.row))
        draft.events.changed.connect(self._on_draft_changed)
        self.retranslate()

    def set_row(self, row: int) -> None:
        self.row = row
        self.refresh()

    def _on_draft_changed(self, what: str) -> None:
        if what in ("all", "criteria"):
            self.refresh()

    def refresh(self) -> None:
        """Show criterion ``row``'s transform and values."""
        ok = 0 <= self.row < len(self.draft.criteria)
        self.setEnabled(ok)
        if not ok:
            self.plot.set_data(None, {})
            return
        c = self.draft.criteria[self.row]
        spec = c.get("transform", {})
        self.kind_box.blockSignals(True)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(spec.get("kind"))))
        self.kind_box.blockSignals(False)
        if not self.params.hasFocus():
            self.params.setText(transform_params_text(spec))
        self.plot.set_data(self.values(self.row), spec, c.get("unit", ""))

    def _edit(self, edit) -> None:
        try:
            edit()
        except ScenarioError as exc:
            self.rejected.emit(str(exc))
            self.refresh()

    def _on_kind(self, _index: int) -> None:
        kind = self.kind_box.currentData()
        self._edit(lambda: self.draft.set_transform_kind(self.row, kind))

    def _on_params(self) -> None:
        if not 0 <= self.row < len(self.draft.criteria):
            return
        kind = self.draft.criteria[self.row]["transform"]["kind"]
        try:
            params = text_to_params(self.params.text())
        except ValueError as exc:
            self.rejected.emit(str(exc))
            return
        self._edit(lambda: self.draft.set_transform(self.row, {"kind": kind, **params}))

    def retranslate(self) -> None:
        self.kind_label.setText(tr("Transform"))
        self.params_label.setText(tr("Parameters"))
        self.params.setToolTip(tr("Edit as name=value, separated by commas, e.g. lo=0, "
                                  "hi=15000, benefit=false"))
        for i in range(self.kind_box.count()):
            kind = self.kind_box.itemData(i)
            self.kind_box.setItemText(i, tr(TRANSFORM_NAMES.get(kind, kind)))
        self.compute_button.setText(tr("Compute values"))
        self.compute_button.setToolTip(tr("Measure this criterion at the current candidate "
                                          "sites, to see where they fall on the curve"))
        self.plot.update()
