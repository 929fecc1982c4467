"""How stable a ranking is when its weights move.

* :class:`SensitivityView`: Monte Carlo rank ranges of the best sites (best / median / worst
  rank under perturbed weights, and the chance of staying in the top k): a shortlist that
  flips when a weight moves by 20 % should not be presented as settled.
* :class:`WeightSweepView`: one weight swept from 0 to 1 (the others keep their proportions)
  and the ranks of the best sites along it.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np
import pandas as pd
from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from hljgis.gui.ranking.texts import criterion_title, space
from hljgis.gui.widgets.ranking_results import _GREY, site_label


class RankRangeChart(QWidget):
    """Rank range bars: one row per site, best..worst rank line, median dot, base rank tick."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows = pd.DataFrame()
        self.top_k = 10
        self.setMinimumHeight(220)

    def set_rows(self, rows: pd.DataFrame, top_k: int) -> None:
        self.rows = rows.reset_index(drop=True)
        self.top_k = top_k
        self.setMinimumHeight(60 + 22 * max(1, len(rows)))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        if self.rows.empty:
            p.end()
            return
        fm = p.fontMetrics()
        left = 12 + max(fm.horizontalAdvance(str(s)) for s in self.rows["label"])
        right = 16 + fm.horizontalAdvance("100 %")
        top, bottom = 10, 30
        w = max(10, self.width() - left - right)
        h = self.height() - top - bottom
        row_h = h / len(self.rows)
        hi = max(float(self.rows["rank_max"].max()), float(self.top_k) + 1, 2.0)

        def x(rank: float) -> float:
            return left + w * (rank - 1) / (hi - 1)

        # top-k band
        p.fillRect(QRectF(x(1), top, x(self.top_k) - x(1), h), QColor("#fff3e0"))
        p.setPen(QPen(QColor("#bdbdbd"), 1))
        p.drawLine(QPointF(left, top + h), QPointF(left + w, top + h))
        for t in _ticks(1, hi):
            p.drawLine(QPointF(x(t), top + h), QPointF(x(t), top + h + 4))
            s = f"{t:,.0f}"
            p.drawText(QPointF(x(t) - fm.horizontalAdvance(s) / 2, top + h + 6 + fm.ascent()), s)
        for i, r in self.rows.iterrows():
            cy = top + row_h * (i + 0.5)
            p.setPen(QColor("#333333"))
            p.drawText(QPointF(6, cy + fm.ascent() / 2 - 1), str(r["label"]))
            stable = r["p_top"] >= 0.9
            color = QColor("#2b6ca3" if stable else "#d9480f")
            p.setPen(QPen(color, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLine(QPointF(x(r["rank_min"]), cy), QPointF(x(r["rank_max"]), cy))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#ffffff"))
            p.drawEllipse(QPointF(x(r["rank_median"]), cy), 4.5, 4.5)
            p.setBrush(color)
            p.drawEllipse(QPointF(x(r["rank_median"]), cy), 3.0, 3.0)
            p.setPen(QPen(QColor("#000000"), 1.5))
            p.drawLine(QPointF(x(r["rank"]), cy - 6), QPointF(x(r["rank"]), cy + 6))
            p.setPen(color)
            s = f"{100 * r['p_top']:.0f} %"
            p.drawText(QPointF(self.width() - right + 8, cy + fm.ascent() / 2 - 1), s)
        p.end()


def _ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    step = 10 ** np.floor(np.log10(max(span, 1) / 4))
    for m in (1, 2, 5, 10):
        if span / (step * m) <= 6:
            step *= m
            break
    first = max(lo, np.ceil(lo / step) * step)
    out = [lo] + [t for t in np.arange(first, hi + 1e-9, step) if t - lo > step / 3]
    return [float(t) for t in out]


class SensitivityView(QWidget):
    """Monte Carlo rank ranges of the best sites, with the chance of staying in the top k."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result = None
        self.count_label = QLabel()
        self.count_box = QSpinBox()
        self.count_box.setRange(3, 50)
        self.count_box.setValue(15)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.chart = RankRangeChart()
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(f"color: {_GREY};")
        row = QHBoxLayout()
        row.addWidget(self.count_label)
        row.addWidget(self.count_box)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.legend)
        self.count_box.valueChanged.connect(self._on_count_changed)
        self.retranslate()
        self.set_result(None)

    @property
    def rows(self) -> pd.DataFrame:
        return self.chart.rows

    def retranslate(self) -> None:
        self.count_label.setText(self.tr("Sites shown"))

    def set_result(self, result) -> None:
        self.result = result
        self._refresh()

    def _on_count_changed(self, _value: int) -> None:
        self._refresh()

    def _refresh(self) -> None:
        r = self.result
        if r is None or "rank_min" not in r.gdf.columns:
            self.chart.set_rows(pd.DataFrame(), 10)
            self.note.setText(self.tr("Tick 'Monte Carlo weight sensitivity' before running "
                                      "to see how stable the ranks are.") if r is not None
                              else self.tr("Run a ranking first."))
            self.legend.setText("")
            return
        g = r.gdf
        ptop = next(c for c in g.columns if c.startswith("p_top_"))
        k = int(ptop.removeprefix("p_top_"))
        top = r.top(self.count_box.value())
        pos = [g.index.get_loc(i) for i in top.index]
        rows = pd.DataFrame({
            "position": pos,
            "site_id": top["site_id"].to_numpy(),
            "label": [f"#{int(rk)}  {site_label(g, p)}" for rk, p in zip(
                top["rank"], pos, strict=True)],
            "rank": top["rank"].to_numpy(dtype=float),
            "rank_min": top["rank_min"].to_numpy(dtype=float),
            "rank_median": top["rank_median"].to_numpy(dtype=float),
            "rank_max": top["rank_max"].to_numpy(dtype=float),
            "p_top": top[ptop].to_numpy(dtype=float),
        })
        self.chart.set_rows(rows, k)
        sens = r.scenario.sensitivity or {}
        runs = sens.get("runs", 200)
        perturb = sens.get("perturb", 0.2)
        stable = int((rows["p_top"] >= 0.9).sum())
        self.note.setText(
            self.tr("Weights varied by ±{p} % in {n} runs.").format(
                p=f"{100 * perturb:.0f}", n=runs) + space() +
            self.tr("{s} of the {m} best sites stay in the top {k} in at least 90 % of runs.")
            .format(s=stable, m=len(rows), k=k))
        self.legend.setText(self.tr(
            "Line: best to worst rank over the runs; dot: median rank; tick: rank with the "
            "scenario's weights; shaded: the top k; right: chance of staying in the top k "
            "(blue ≥ 90 %)."))


# ------------------------------------------------------------------------ weight sweep

#: Weight values tried for the swept criterion (0, 0.05, ..., 1).
SWEEP_VALUES = np.linspace(0.0, 1.0, 21)
_SWEEP_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                 "#17becf", "#bcbd22", "#7f7f7f")


def sweep_inputs(result) -> dict:
    """Arguments of :func:`~hljgis.analysis.sensitivity.one_at_a_time` for a ranking result.

    The normalised criterion scores of the run (``norm_<criterion>``, missing values as 0 as
    the Monte Carlo runs do), its weights, and the sites that were not ranked. The
    aggregation follows the scenario: WLC, or TOPSIS on the 0..1 scores; penalised sites
    keep their penalty (the factor ``score / base_score``, or the amount ``base_score -
    score`` when every penalty of the scenario subtracts), so at the scenario's own weights
    the sweep gives the run's ranks.
    """
    from hljgis.analysis.aggregate import topsis, weighted_sum

    sc = result.scenario
    g = result.gdf
    names = [c.name for c in sc.criteria]
    norm = np.column_stack([g[f"norm_{n}"].to_numpy(dtype=float) for n in names])
    scores = np.where(np.isnan(norm), 0.0, norm)
    weights = np.array([result.weights[n] for n in names], dtype=float)
    score = g["score"].to_numpy(dtype=float)
    excluded = g["excluded"].to_numpy(dtype=bool) | np.isnan(score)
    base = g["base_score"].to_numpy(dtype=float)
    penalty = g["penalty"].fillna("").astype(str).to_numpy() if "penalty" in g else None
    pen = (penalty != "") & ~excluded if penalty is not None else np.zeros(len(g), bool)
    topsis_rule = sc.aggregation == "topsis"
    if not pen.any() and not topsis_rule:
        return {"scores": scores, "weights": weights, "names": names, "excluded": excluded,
                "method": "wlc"}
    kinds = {c.penalty for c in sc.constraints if c.mode == "penalty"}
    subtract = kinds == {"subtract"}
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(pen & (base > 0), score / base, 1.0)
    shift = np.where(pen, base - score, 0.0)

    def method(s, w):
        out = np.asarray(topsis(s, w, True) if topsis_rule else weighted_sum(s, w), float)
        if pen.any():
            out = np.where(pen, np.maximum(out - shift, 0.0), out) if subtract else out * factor
        return out

    return {"scores": scores, "weights": weights, "names": names, "excluded": excluded,
            "method": method}


class WeightSweepView(QWidget):
    """One-at-a-time weight sweep: ranks of the best sites as one criterion's weight goes
    0..1 (the other weights rescaled in proportion), drawn as lines."""

    _computed = Signal(int)  # emitted from the sweep thread; queued to the GUI thread

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result = None
        self.sweep = None  # OneAtATimeResult of the last sweep
        self._token = 0  # the newest sweep request; older answers are dropped
        self._answers: dict[int, object] = {}
        self._busy = False
        self.positions: list[int] = []  # sites drawn (rows of result.gdf), best first
        self.series: list[QLineSeries] = []
        self.criterion_label = QLabel()
        self.criterion_box = QComboBox()
        self.criterion_box.setMinimumContentsLength(14)
        self.criterion_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.count_label = QLabel()
        self.count_box = QSpinBox()
        self.count_box.setRange(2, len(_SWEEP_COLORS))
        self.count_box.setValue(6)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        row = QHBoxLayout()
        row.addWidget(self.criterion_label)
        row.addWidget(self.criterion_box, 1)
        row.addWidget(self.count_label)
        row.addWidget(self.count_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.chart_view, 1)
        self._computed.connect(self._on_computed)
        self.criterion_box.currentIndexChanged.connect(lambda _i: self._refresh())
        self.count_box.valueChanged.connect(lambda _v: self._refresh())
        self.retranslate()
        self.set_result(None)

    def retranslate(self) -> None:
        self.criterion_label.setText(self.tr("Criterion"))
        self.count_label.setText(self.tr("Sites"))
        if self.result is not None:
            self.set_result(self.result)

    def set_result(self, result) -> None:
        self.result = result
        current = self.criterion_box.currentData()
        self.criterion_box.blockSignals(True)
        self.criterion_box.clear()
        if result is not None:
            for c in result.scenario.criteria:
                self.criterion_box.addItem(criterion_title(c), c.name)
            self.criterion_box.setCurrentIndex(max(0, self.criterion_box.findData(current)))
        self.criterion_box.blockSignals(False)
        self._refresh()

    def select_criterion(self, name: str) -> None:
        i = self.criterion_box.findData(name)
        if i < 0:
            raise KeyError(name)
        self.criterion_box.setCurrentIndex(i)
        self._refresh()

    def is_busy(self) -> bool:
        """True while a sweep is being computed for the current result and criterion."""
        return self._busy

    def _refresh(self) -> None:
        """Start the sweep for the current result, criterion and site count.

        A million sites take about a second (21 rankings of all of them), so the sweep runs
        on a Python thread and the chart is drawn when it is done; a newer request makes
        the older one's answer stale (it is dropped).
        """
        r = self.result
        self._token += 1
        token = self._token
        self.sweep, self.positions, self.series = None, [], []
        self._busy = False
        if r is None or len(r.scenario.criteria) < 2 or not r.gdf["rank"].notna().any():
            chart = QChart()
            chart.setMargins(QMargins(2, 2, 2, 2))
            self.note.setText(self.tr("Run a ranking with at least two criteria first.")
                              if r is not None else self.tr("Run a ranking first."))
            self.chart_view.setChart(chart)
            return
        name = self.criterion_box.currentData()
        count = self.count_box.value()
        self._busy = True
        self.note.setText(self.tr("Computing the weight sweep…"))
        threading.Thread(target=self._compute, args=(token, r, name, count),
                         name="hljgis-sweep", daemon=True).start()

    def _compute(self, token: int, r, name, count: int) -> None:
        """Worker thread: the sweep and the positions of the sites to draw."""
        from hljgis.analysis.sensitivity import one_at_a_time

        try:
            args = sweep_inputs(r)
            sweep = one_at_a_time(args["scores"], args["weights"], name or args["names"][0],
                                  SWEEP_VALUES, names=args["names"], excluded=args["excluded"],
                                  method=args["method"])
            g = r.gdf
            positions = [int(g.index.get_loc(i)) for i in r.top(count).index]
            answer = (r, sweep, positions, float(args["weights"][sweep.criterion]))
        except Exception as exc:  # noqa: BLE001 - shown in the note, never lost
            answer = exc
        self._answers[token] = answer
        with contextlib.suppress(RuntimeError):  # the view was deleted meanwhile
            self._computed.emit(token)

    def _on_computed(self, token: int) -> None:
        answer = self._answers.pop(token, None)
        if token != self._token or answer is None:
            return  # a newer request is on its way
        self._busy = False
        if isinstance(answer, Exception):
            self.note.setText(self.tr("The weight sweep failed: {e}").format(e=answer))
            return
        r, self.sweep, self.positions, w0 = answer
        self._draw(r, w0)

    def _draw(self, r, w0: float) -> None:
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 2, 2))
        g = r.gdf
        ranks = self.sweep.ranks
        font = QFont()
        font.setPointSizeF(8)
        hi = 2.0
        for k, p in enumerate(self.positions):
            s = QLineSeries()
            s.setName(f"#{int(g['rank'].iloc[p])} {site_label(g, p)}")
            pen = QPen(QColor(_SWEEP_COLORS[k % len(_SWEEP_COLORS)]), 2)
            s.setPen(pen)
            for v, rk in zip(SWEEP_VALUES, ranks[p], strict=True):
                if np.isfinite(rk):
                    s.append(float(v), float(rk))
                    hi = max(hi, float(rk))
            chart.addSeries(s)
            self.series.append(s)
        now = QLineSeries()
        now.setName(self.tr("current weight"))
        now.setPen(QPen(QColor("#444444"), 1, Qt.PenStyle.DashLine))
        now.append(w0, 1.0)
        now.append(w0, hi)
        chart.addSeries(now)
        ax, ay = QValueAxis(), QValueAxis()
        ax.setRange(0.0, 1.0)
        ax.setTickCount(6)
        ax.setLabelFormat("%.1f")
        ax.setTitleText(self.tr("Weight of") + space() + self.criterion_box.currentText())
        ay.setRange(1.0, hi)
        ay.setReverse(True)  # rank 1 at the top
        ay.setLabelFormat("%d")
        ay.setTickType(QValueAxis.TickType.TicksDynamic)  # whole ranks only
        ay.setTickAnchor(1.0)
        ay.setTickInterval(float(max(1, int(np.ceil((hi - 1) / 8)))))
        for axis, align in ((ax, Qt.AlignmentFlag.AlignBottom),
                            (ay, Qt.AlignmentFlag.AlignLeft)):
            axis.setTitleFont(font)
            axis.setLabelsFont(font)
            chart.addAxis(axis, align)
        for s in (*self.series, now):
            s.attachAxis(ax)
            s.attachAxis(ay)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setFont(font)
        self.chart_view.setChart(chart)
        self.note.setText(self.tr(
            "Rank (1 at the top) of the current best sites as this criterion's weight goes "
            "from 0 to 1; "
            "the other weights keep their proportions. Dashed: the scenario's weight ({w} %)."
        ).format(w=f"{100 * w0:.0f}"))


# ---------------------------------------------------------------------------- comparison
