"""The same places ranked under two scenarios: rank shifts and the top-k overlap."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import shapely
from PySide6.QtCharts import QChart, QChartView, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hljgis.analysis.ranking_vocab import scenario_title
from hljgis.gui.ranking.texts import city_text, interface_zh, punct
from hljgis.gui.widgets.ranking_results import _table, site_label


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
        if not interface_zh() or self._scenarios is None:
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
