"""What a ranking shows after it ran: explain one site, rank stability, compare two scenarios.

* :class:`ExplainView`: why a site got its score, criterion by criterion (raw value in its
  unit, 0..1 score, weight, contribution), so every rank can be defended in a report.
* :class:`SensitivityView`: Monte Carlo rank ranges of the best sites (best / median / worst
  rank under perturbed weights, and the chance of staying in the top k): a shortlist that
  flips when a weight moves by 20 % should not be presented as settled.
* :class:`CompareView`: the same places ranked under two scenarios, with the top-k overlap.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import numpy as np
import pandas as pd
import shapely
from PySide6.QtCharts import QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hljgis.analysis.constraints import localized_reasons
from hljgis.analysis.ranking_vocab import city_title, scenario_title
from hljgis.gui.i18n import current_language
from hljgis.gui.ranking.models import BarDelegate
from hljgis.gui.ranking.results_models import FrameModel
from hljgis.gui.ranking.texts import (
    city_text,
    criterion_rationale,
    criterion_title,
    layer_title_zh,
    punct,
    site_type_text,
    unit_text,
)

_GREY = "#666666"


def _num(v, digits=3, whole: bool = False) -> str:
    """A number for a table cell; ``whole`` drops the decimals of whole values (8 years)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "" if v is None else str(v)
    if not np.isfinite(f):
        return ""
    if abs(f) >= 100 or (whole and f.is_integer()):
        return f"{f:,.0f}"
    return f"{f:.{digits}f}"


def site_label(gdf: pd.DataFrame, position: int) -> str:
    """The site's display name in the interface language ('Parcel 17, Taoshan District' /
    'Parcel 17（桃山区）'); for results made before names existed, the id and a name."""
    rec = gdf.iloc[position]
    col = "site_name_zh" if current_language() == "zh" else "site_name"
    if col in gdf.columns and isinstance(rec[col], str) and rec[col]:
        return rec[col]
    label = str(rec["site_id"])
    for col in ("name_zh", "name"):
        if col in gdf.columns and isinstance(rec[col], str) and rec[col]:
            return f"{label} {rec[col]}"
    return label


def _table(bar_column: int | None = None) -> tuple[QTableView, FrameModel]:
    view = QTableView()
    model = FrameModel(view)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    if bar_column is not None:
        view.setItemDelegateForColumn(bar_column, BarDelegate(view))
    return view, model


# ------------------------------------------------------------------------------- explain


class ExplainView(QWidget):
    """One site's score taken apart: criterion, raw value, score, weight, contribution."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.view, self.model = _table(bar_column=4)
        self.footer = QLabel()
        self.footer.setWordWrap(True)
        self.footer.setStyleSheet(f"color: {_GREY};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.footer)
        self.clear()

    def clear(self) -> None:
        self.frame = pd.DataFrame()
        self.model.set_frame(pd.DataFrame(), [])
        self.header.setText(self.tr("Select a site in the results table to see why it "
                                    "ranks where it does."))
        self.footer.setText("")

    def set_site(self, result, position: int, project=None) -> None:
        """Show ``result.contributions(position)`` (the same numbers, formatted).

        ``project`` gives the Chinese names in the header: the city's bookmark title and the
        title of the layer a site came from.
        """
        g = result.gdf
        rec = g.iloc[position]
        self.frame = result.contributions(position)
        frame = self.frame.copy()
        frame["raw_text"] = [
            (_num(r, whole=True) + (f" {unit_text(u)}" if u and u != "share" else ""))
            if u != "share"
            else f"{100 * float(r):.0f} %" if _finite(r) else ""
            for r, u in zip(frame["raw"], frame["unit"], strict=True)]
        crit = {c.name: c.__dict__ for c in result.scenario.criteria}
        frame["title"] = [criterion_title(crit[n]) for n in frame["criterion"]]
        frame["rationale"] = [criterion_rationale(crit[n]) for n in frame["criterion"]]
        self.model.set_frame(frame, [
            ("title", "Criterion", str),
            ("raw_text", "Raw value", str),
            ("score", "Score (0–1)", lambda v: _num(v, 2)),
            ("weight", "Weight", lambda v: f"{100 * float(v):.1f} %"),
            ("contribution", "Contribution", lambda v: _num(v, 3)),
        ], bar="contribution", tooltips="rationale")
        rank = rec["rank"]
        total = int(g["rank"].notna().sum())
        name = site_label(g, position)
        lang = current_language()
        zh = lang == "zh"
        if pd.isna(rank):
            reason = localized_reasons(str(rec["exclusion_reason"] or ""), result.scenario, lang)
            status = (f"<span style='color:#c62828'>{self.tr('Excluded')}{punct(': ')}"
                      f"{reason}</span>")
        else:
            status = (self.tr("Rank") + f" <b>{int(rank)}</b> / {total:,}{'，' if zh else ', '}"
                      + self.tr("score") + f" <b>{_num(rec['score'])}</b>")
        city, stype = rec["city"], rec["site_type"]
        if zh:
            city = city_title(project, city).zh if isinstance(city, str) and city else ""
            stype = site_type_text(str(stype or ""), lambda n: layer_title_zh(project, n))
            where = "，".join(t for t in (city, stype) if t)
            where = f"（{where}）" if where else ""
        else:
            where = f" ({city}, {stype})"
        self.header.setText(f"<b>{self.tr('Site')} {name}</b>{where}<br>{status}")
        # sentences: "... 0.741. Penalty: ... Hover ..." / "……0.741。扣分：……。将鼠标……"
        space = "" if zh else " "
        foot = (self.tr("Contributions add up to the weighted score") +
                f" {_num(rec['base_score'])}" + punct("."))
        if isinstance(rec.get("penalty"), str) and rec["penalty"]:
            penalty = localized_reasons(rec["penalty"], result.scenario, lang)
            foot += space + self.tr("Penalty") + punct(": ") + penalty + punct(".")
        self.footer.setText(foot + space + self.tr("Hover a criterion for its rationale."))


def _finite(v) -> bool:
    try:
        return bool(np.isfinite(float(v)))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- sensitivity


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
                p=f"{100 * perturb:.0f}", n=runs) + ("" if current_language() == "zh" else " ") +
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
                self.criterion_box.addItem(criterion_title(c.__dict__), c.name)
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
        space = "" if current_language() == "zh" else " "  # 权重：…
        ax.setTitleText(self.tr("Weight of") + space + self.criterion_box.currentText())
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


def compare_results(a, b, top: int = 10) -> tuple[pd.DataFrame, dict]:
    """Ranks of the same places under two scenarios.

    When both results rank the same candidate sites (same ids), sites are matched by id;
    otherwise (different grids, e.g. squares vs hexagons) each site is matched with the
    other scenario's site under its representative point.

    Returns
    -------
    (pandas.DataFrame, dict)
        Rows: the union of both top-``top`` lists (site, city, rank_a, rank_b, change),
        ordered by the better of the two ranks; summary: ``overlap`` (sites in both top
        lists), ``top``, ``matched_by`` ("id" or "location") and ``spearman`` (id match only).
    """
    ga, gb = a.gdf, b.gdf
    same = (len(ga) == len(gb) and
            set(ga["site_id"].astype(str)) == set(gb["site_id"].astype(str)))
    ra = ga["rank"].to_numpy(dtype=float, na_value=np.nan)
    rb = gb["rank"].to_numpy(dtype=float, na_value=np.nan)
    if same:
        where = pd.Series(np.arange(len(gb)), index=gb["site_id"].astype(str))
        a_to_b = where.reindex(ga["site_id"].astype(str)).to_numpy()
        b_to_a = pd.Series(np.arange(len(ga)), index=ga["site_id"].astype(str)).reindex(
            gb["site_id"].astype(str)).to_numpy()
    else:
        a_to_b = _locate(ga, gb)
        b_to_a = _locate(gb, ga)

    def other_rank(m, ranks):
        out = np.full(len(m), np.nan)
        ok = m >= 0
        out[ok] = ranks[m[ok].astype(int)]
        return out

    top_a = np.flatnonzero(ra <= top)
    top_b = np.flatnonzero(rb <= top)
    rows = []
    for p in top_a[np.argsort(ra[top_a], kind="stable")]:
        q = a_to_b[p]
        rows.append((site_label(ga, p), ga["city"].iloc[p], ra[p],
                     rb[int(q)] if q >= 0 else np.nan, p, int(q) if q >= 0 else -1))
    seen_b = {r[5] for r in rows}
    for q in top_b[np.argsort(rb[top_b], kind="stable")]:
        if q in seen_b:
            continue
        p = b_to_a[q]
        rows.append((site_label(gb, q), gb["city"].iloc[q],
                     ra[int(p)] if p >= 0 else np.nan, rb[q], int(p) if p >= 0 else -1, q))
    frame = pd.DataFrame(rows, columns=["site", "city", "rank_a", "rank_b", "position_a",
                                        "position_b"])
    frame["change"] = frame["rank_a"] - frame["rank_b"]
    best = np.fmin(frame["rank_a"].to_numpy(float), frame["rank_b"].to_numpy(float))
    frame = frame.iloc[np.argsort(best, kind="stable")].reset_index(drop=True)
    in_both = other_rank(a_to_b[top_a], rb) <= top
    summary = {"overlap": int(in_both.sum()), "top": int(top),
               "top_a": len(top_a), "matched_by": "id" if same else "location",
               "spearman": None}
    if same:
        rb_aligned = other_rank(a_to_b, rb)
        ok = np.isfinite(ra) & np.isfinite(rb_aligned)
        if ok.sum() > 2:
            summary["spearman"] = float(pd.Series(ra[ok]).corr(pd.Series(rb_aligned[ok]),
                                                                method="spearman"))
    return frame, summary


def _locate(src: pd.DataFrame, dst: pd.DataFrame) -> np.ndarray:
    """Position in ``dst`` of the site under each ``src`` site's representative point (-1)."""
    geoms = src.geometry
    if src.crs is not None and dst.crs is not None and not src.crs.equals(dst.crs):
        geoms = geoms.to_crs(dst.crs)
    pts = shapely.point_on_surface(np.asarray(geoms.values))
    tree = shapely.STRtree(np.asarray(dst.geometry.values))
    hit_src, hit_dst = tree.query(np.asarray(pts), predicate="within")
    out = np.full(len(src), -1, dtype=np.int64)
    out[hit_src[::-1]] = hit_dst[::-1]  # first hit wins
    return out


class CompareView(QWidget):
    """Pick two scenarios, run both for the same city and year, and compare their ranks.

    Signals
    -------
    compare_requested(str, str)
        Scenario keys of A and B (the panel runs them and calls :meth:`set_results`).
    """

    compare_requested = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.summary: dict = {}
        self.names: tuple[str, str] = ("", "")
        self._scenarios = None  # the compared scenarios, for their titles
        #: A city's Chinese name by its English one (see :func:`city_text`).
        self.city_title: Callable[[str], str] | None = None
        self.a_label, self.b_label = QLabel(), QLabel()
        self.a_box, self.b_box = QComboBox(), QComboBox()
        self.top_label = QLabel()
        self.top_box = QSpinBox()
        self.top_box.setRange(3, 100)
        self.top_box.setValue(10)
        self.compare_button = QPushButton()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.view, self.model = _table()
        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(200)
        for box in (self.a_box, self.b_box):
            box.setMinimumContentsLength(14)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        grid = QFormLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addRow(self.a_label, self.a_box)
        grid.addRow(self.b_label, self.b_box)
        row2 = QHBoxLayout()
        row2.addWidget(self.top_label)
        row2.addWidget(self.top_box)
        row2.addStretch(1)
        row2.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(grid)
        layout.addLayout(row2)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.chart_view, 2)
        self.compare_button.clicked.connect(self._on_compare_clicked)
        self.retranslate()

    def retranslate(self) -> None:
        self.a_label.setText(self.tr("Scenario A"))
        self.b_label.setText(self.tr("Scenario B"))
        self.top_label.setText(self.tr("Top"))
        self.compare_button.setText(self.tr("Compare"))
        if not self.summary:
            self.summary_label.setText(self.tr(
                "Ranks the same city and planning year under both scenarios."))
        else:  # the table's cities and the summary in the new language
            self._show()

    def set_scenarios(self, items: list[tuple[str, str]]) -> None:
        """(label, key) pairs for both boxes; keeps the current choices when possible."""
        for k, box in enumerate((self.a_box, self.b_box)):
            old = box.currentData()
            box.blockSignals(True)
            box.clear()
            for label, key in items:
                box.addItem(label, key)
            i = box.findData(old)
            box.setCurrentIndex(i if i >= 0 else min(k, box.count() - 1))
            box.blockSignals(False)

    def _on_compare_clicked(self) -> None:
        self.compare_requested.emit(self.a_box.currentData() or "",
                                    self.b_box.currentData() or "")

    def set_results(self, a, b, names: tuple[str, str]) -> None:
        """Fill the table, the summary and the rank-vs-rank chart."""
        self.frame, self.summary = compare_results(a, b, self.top_box.value())
        self.names = (names[0], names[1])
        self._scenarios = (a.scenario, b.scenario)
        self._show()

    def _display_names(self) -> tuple[str, str]:
        """The two scenarios as headers: their keys, or in Chinese their short Chinese titles
        (中小企业发展空间 rather than sme-space)."""
        if current_language() != "zh" or self._scenarios is None:
            return self.names
        return tuple(scenario_title(sc).zh or name
                     for sc, name in zip(self._scenarios, self.names, strict=True))

    def _show(self) -> None:
        """The table, summary and chart of the comparison in the interface language."""
        s = self.summary
        top = s["top"]
        na, nb = self._display_names()

        def rank(v):
            return "" if not np.isfinite(v) else f"{int(v)}"

        def change(v):
            return "" if not np.isfinite(v) else ("=" if v == 0 else f"{int(v):+d}")

        colon = punct(": ")
        self.model.set_frame(self.frame, [
            ("site", "Site", str),
            ("city", "City", lambda c: city_text(str(c or ""), self.city_title)),
            ("rank_a", f"A{colon}{na}", rank), ("rank_b", f"B{colon}{nb}", rank),
            ("change", "Change", change)])
        text = (f"<b>A</b> = {na}{punct(', ')}<b>B</b> = {nb}{punct('.')}<br>"
                + self.tr("Top {k} overlap").format(k=top)
                + f"{colon}<b>{s['overlap']} / {s['top_a']}</b>")
        if s["spearman"] is not None:
            text += (punct("; ") + self.tr("rank correlation (Spearman)")
                     + f" {s['spearman']:.2f}")
        if s["matched_by"] == "location":
            text += "<br>" + self.tr("The scenarios use different candidate sites; each site "
                                     "is matched with the other scenario's site at the same "
                                     "place.")
        self.summary_label.setText(text)
        self._chart(self._display_names())

    def _chart(self, names: tuple[str, str]) -> None:
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(2, 2, 2, 2))
        both = self.frame.dropna(subset=["rank_a", "rank_b"])
        series = QScatterSeries()
        series.setMarkerSize(8)
        series.setColor(QColor("#d9480f"))
        for ra, rb in zip(both["rank_a"], both["rank_b"], strict=True):
            series.append(float(ra), float(rb))
        chart.addSeries(series)
        hi = float(np.nanmax([both["rank_a"].max(), both["rank_b"].max(), 2])) if len(
            both) else 10.0
        font = QFont()
        font.setPointSizeF(8)
        colon = punct(": ")
        for axis, title, align in ((QValueAxis(), f"A{colon}{names[0]}",
                                    Qt.AlignmentFlag.AlignBottom),
                                   (QValueAxis(), f"B{colon}{names[1]}",
                                    Qt.AlignmentFlag.AlignLeft)):
            axis.setRange(0, hi)
            axis.applyNiceNumbers()
            axis.setLabelFormat("%d")
            axis.setTitleText(title + " " + self.tr("rank"))
            axis.setTitleFont(font)
            axis.setLabelsFont(font)
            chart.addAxis(axis, align)
            series.attachAxis(axis)
        self.chart_view.setChart(chart)
