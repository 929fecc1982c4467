"""City statistics charts for a dock: population trend, GDP and sector shares.

Fed with the project's long table ``city_statistics`` (city, year, indicator, value, unit,
source) and driven by the city selected on the map through :meth:`CityChartsWidget.set_city`.
Blank cells of the source table arrive as NaN and are left out of the lines (and drawn as
empty bar segments), never interpolated.
"""

from __future__ import annotations

import math

import pandas as pd
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

#: The four cities in the order planners list them, with one colour each (ColorBrewer Dark2).
CITY_COLORS = {"Hegang": "#1b9e77", "Jixi": "#d95f02", "Qitaihe": "#7570b3",
               "Shuangyashan": "#e7298a"}
_EXTRA_COLORS = ("#66a61e", "#e6ab02", "#a6761d", "#666666")
SECTOR_COLORS = {"primary": "#74a94f", "secondary": "#7a6a58", "tertiary": "#4a8fc7"}
#: Room one year label needs on an axis (px, 8-pt digits plus spacing); fewer labels or
#: turned labels below it, so QtCharts never elides them to "2…" in a narrow dock.
_YEAR_LABEL_PX = 38
#: Smallest chart: below it the dock scrolls (gui/window_layout.py) instead of squeezing
#: the axes until their labels turn into "…".
MIN_CHART_SIZE = (340, 250)
POPULATION = "population"
GDP = "gdp"
SECTOR_SHARES = ("primary_share", "secondary_share", "tertiary_share")


class _CompactChartView(QChartView):
    """A chart view that asks for its minimum size: in a scrolling dock the content is laid
    out by these hints, and QChartView's own (480 px high) made each chart half a screen."""

    def sizeHint(self):  # noqa: N802 - Qt's name
        return self.minimumSize()


def chart_font_family() -> str | None:
    """The bundled CJK family when the renderer ships it, so 鹤岗 renders everywhere."""
    try:
        from hljgis.render.fonts import ensure_fonts
    except ImportError:  # pragma: no cover - render ships with the app
        return None
    try:
        return ensure_fonts()
    except Exception:  # noqa: BLE001 - a missing font must not break the charts
        return None


def tidy_statistics(df: pd.DataFrame | None) -> pd.DataFrame:
    """The long table with the columns the charts use, numeric years and values.

    Rows with no city, year or indicator are dropped; a blank value stays NaN.
    """
    cols = ["city", "year", "indicator", "value"]
    if df is None or not set(cols) <= set(df.columns):
        return pd.DataFrame({"city": pd.Series(dtype=str), "year": pd.Series(dtype=int),
                             "indicator": pd.Series(dtype=str),
                             "value": pd.Series(dtype=float)})
    out = df[cols].copy()
    out["year"] = pd.to_numeric(out["year"], errors="coerce")
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    out = out.dropna(subset=["city", "year", "indicator"])
    out["year"] = out["year"].astype(int)
    out["city"] = out["city"].astype(str)
    out["indicator"] = out["indicator"].astype(str)
    return out.reset_index(drop=True)


class CityChartsWidget(QWidget):
    """Three charts of the city statistics, with one city highlighted.

    Parameters
    ----------
    statistics : pandas.DataFrame, optional
        The long table (see :meth:`set_statistics`).

    Signals
    -------
    city_changed(object)
        English city name chosen in the widget's own city box (``None`` for all cities), so
        the map can follow.
    """

    city_changed = Signal(object)

    def __init__(self, statistics: pd.DataFrame | None = None, parent=None) -> None:
        super().__init__(parent)
        self._data = tidy_statistics(None)
        self._city: str | None = None
        self._family = chart_font_family()

        self.city_label = QLabel()
        self.city_box = QComboBox()
        self.city_box.setMinimumContentsLength(10)
        self.population_view = self._make_view()
        self.gdp_view = self._make_view()
        self.sector_view = self._make_view()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666666;")

        top = QHBoxLayout()
        top.addWidget(self.city_label)
        top.addWidget(self.city_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.population_view, 1)
        layout.addWidget(self.gdp_view, 1)
        layout.addWidget(self.sector_view, 1)
        layout.addWidget(self.note)

        self.city_box.currentIndexChanged.connect(self._on_city_box_changed)
        self.set_statistics(statistics)

    # -- public API --------------------------------------------------------------------------
    @property
    def city(self) -> str | None:
        """The highlighted city (English name), or None."""
        return self._city

    @property
    def cities(self) -> list[str]:
        """Cities in the table, the four coal cities first."""
        present = list(dict.fromkeys(self._data["city"]))
        known = [c for c in CITY_COLORS if c in present]
        return known + sorted(c for c in present if c not in CITY_COLORS)

    def set_statistics(self, df: pd.DataFrame | None) -> None:
        """Use a new long table (city, year, indicator, value[, unit, source])."""
        self._data = tidy_statistics(df)
        if self._city not in self.cities:
            self._city = None
        self._fill_city_box()
        self._rebuild()

    def set_city(self, name_en: str | None) -> None:
        """Highlight a city (English name as in the table; None or unknown clears it).

        Does not emit :attr:`city_changed` (the map already knows).
        """
        match = {c.lower(): c for c in self.cities}.get(str(name_en).lower()) if name_en else None
        if match == self._city:
            return
        self._city = match
        self.city_box.blockSignals(True)
        self.city_box.setCurrentIndex(max(0, self.city_box.findData(match)))
        self.city_box.blockSignals(False)
        self._rebuild()

    def series_values(self, indicator: str, city: str) -> list[tuple[int, float]]:
        """(year, value) pairs the charts use for one city and indicator (NaN kept)."""
        d = self._data
        d = d[(d["indicator"] == indicator) & (d["city"] == city)].sort_values("year")
        return list(zip(d["year"].tolist(), d["value"].tolist(), strict=True))

    # -- building ----------------------------------------------------------------------------
    def _make_view(self) -> QChartView:
        view = _CompactChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumSize(*MIN_CHART_SIZE)
        chart = QChart()
        view.setChart(chart)
        return view

    def _plot_width(self) -> int:
        """Width left for the plot area (axis labels and margins taken off)."""
        return max(1, self.population_view.width() - 75)

    def _year_step(self, n_years: int) -> int:
        """Label every year, or every 2nd, 3rd... year when they would not fit."""
        return max(1, math.ceil(n_years * _YEAR_LABEL_PX / self._plot_width()))

    def _fits(self, font: QFont, labels: list[str]) -> bool:
        """Whether category labels fit: QtCharts gives each plot width / (n + 1) less 10 px
        of padding, and elides what is wider."""
        room = self._plot_width() / (len(labels) + 1) - 12
        widest = max((QFontMetrics(font).horizontalAdvance(t) for t in labels), default=0)
        return widest + 6 <= room

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        key = (self._year_step(11), self._fits(self._font(8), ["2008"] * 9))
        if key != getattr(self, "_fit_key", None):  # rebuild only when the labels change
            self._fit_key = key
            self._rebuild()

    def _font(self, size: float, bold: bool = False) -> QFont:
        font = QFont(self._family) if self._family else QFont(self.font())
        font.setPointSizeF(size)
        font.setBold(bold)
        return font

    def _city_name(self, city: str) -> str:
        names = {"Hegang": self.tr("Hegang"), "Jixi": self.tr("Jixi"),
                 "Qitaihe": self.tr("Qitaihe"), "Shuangyashan": self.tr("Shuangyashan")}
        return names.get(city, city)

    def _city_color(self, city: str) -> QColor:
        if city in CITY_COLORS:
            return QColor(CITY_COLORS[city])
        others = [c for c in self.cities if c not in CITY_COLORS]
        return QColor(_EXTRA_COLORS[others.index(city) % len(_EXTRA_COLORS)])

    def _fill_city_box(self) -> None:
        self.city_box.blockSignals(True)
        self.city_box.clear()
        self.city_box.addItem(self.tr("All four cities") if len(self.cities) == 4
                              else self.tr("All cities"), None)
        for c in self.cities:
            self.city_box.addItem(self._city_name(c), c)
        self.city_box.setCurrentIndex(max(0, self.city_box.findData(self._city)))
        self.city_box.blockSignals(False)

    def _new_chart(self, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        chart.setTitleFont(self._font(10, bold=True))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 2, 4, 2))
        chart.legend().setFont(self._font(8.5))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def _style_axis(self, axis, title: str = "") -> None:
        axis.setLabelsFont(self._font(8))
        axis.setTitleFont(self._font(8.5))
        axis.setTitleText(title)
        axis.setGridLineColor(QColor("#e4e4e4"))

    def _rebuild(self) -> None:
        """Draw the three charts from the table (cheap: a few dozen points)."""
        self._retranslate_labels()
        self._set_chart(self.population_view, self._trend_chart(
            POPULATION, self.tr("Population, {first}–{last}"),
            self.tr("thousand persons")))
        self._set_chart(self.gdp_view, self._trend_chart(
            GDP, self.tr("Gross regional product (GDP), {first}–{last}"),
            self.tr("RMB billion")))
        self._set_chart(self.sector_view, self._sector_chart())

    @staticmethod
    def _set_chart(view: QChartView, chart: QChart) -> None:
        old = view.chart()
        view.setChart(chart)
        if old is not None:
            old.deleteLater()  # the view releases, but does not delete, the chart it replaces

    def _trend_chart(self, indicator: str, title: str, unit: str) -> QChart:
        d = self._data[self._data["indicator"] == indicator]
        years = sorted(d["year"].unique().tolist())
        chart = self._new_chart(title.format(first=years[0], last=years[-1]) if years
                                else title.format(first="", last="").strip(" ,–"))
        if d.empty:
            chart.setTitle(chart.title() + " — " + self.tr("no data"))
            return chart
        x = QValueAxis()
        x.setRange(years[0] - 0.3, years[-1] + 0.3)
        x.setLabelFormat("%d")
        x.setTickType(QValueAxis.TickType.TicksDynamic)
        x.setTickAnchor(years[0])
        x.setTickInterval(self._year_step(len(years)))
        x.setMinorTickCount(0)
        self._style_axis(x)
        y = QValueAxis()
        self._style_axis(y, unit)
        y.setLabelFormat("%.0f")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        lo, hi = math.inf, -math.inf
        for city in self.cities:  # fixed order, so the legend does not jump when highlighting
            pts = [(yr, v) for yr, v in self.series_values(indicator, city)
                   if v is not None and math.isfinite(v)]
            series = QLineSeries()
            series.setName(self._city_name(city))
            for yr, v in pts:
                series.append(float(yr), float(v))
                lo, hi = min(lo, v), max(hi, v)
            color = self._city_color(city)
            highlight = self._city is not None and city == self._city
            if self._city is not None and not highlight:
                color.setAlpha(110)
            pen = QPen(color, 3.2 if highlight else 1.6)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            series.setPen(pen)
            series.setPointsVisible(highlight)
            series.setMarkerSize(5.0)
            chart.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(y)
        if math.isfinite(lo):
            pad = max((hi - lo) * 0.08, abs(hi) * 0.02, 1.0)
            y.setRange(max(0.0, lo - pad) if lo >= 0 else lo - pad, hi + pad)
            y.applyNiceNumbers()
        return chart

    def _sector_chart(self) -> QChart:
        if self._city is None:
            chart = self._new_chart(self.tr("GDP by sector (% of GDP)"))
            chart.setTitle(chart.title() + "<br><span style='font-weight:normal; "
                           "font-size:small'>" + self.tr("Select a city on the map or above")
                           + "</span>")
            return chart
        chart = self._new_chart(self.tr("GDP by sector, {city} (% of GDP)")
                                .format(city=self._city_name(self._city)))
        d = self._data[(self._data["city"] == self._city)
                       & self._data["indicator"].isin(SECTOR_SHARES)]
        if d.empty:
            chart.setTitle(chart.title() + " — " + self.tr("no data"))
            return chart
        table = d.pivot_table(index="year", columns="indicator", values="value",
                              aggfunc="first", dropna=False).sort_index()
        years = [str(y) for y in table.index]
        series = QStackedBarSeries()
        # short names: the legend does not wrap, and "Secondary industry" was cut at 384 px
        names = {"primary_share": self.tr("Primary"),
                 "secondary_share": self.tr("Secondary"),
                 "tertiary_share": self.tr("Tertiary")}
        for key in SECTOR_SHARES:
            bar = QBarSet(names[key])
            bar.setColor(QColor(SECTOR_COLORS[key.split("_")[0]]))
            bar.setBorderColor(QColor("#ffffff"))
            values = table[key] if key in table.columns else pd.Series(math.nan, table.index)
            for v in values:
                bar.append(float(v) if pd.notna(v) else 0.0)
            bar.setLabelColor(QColor("#ffffff"))
            bar.setLabelFont(self._font(7))
            series.append(bar)
        series.setBarWidth(0.7)
        series.setLabelsVisible(len(years) <= 10)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        x = QBarCategoryAxis()
        self._style_axis(x)
        if not self._fits(x.labelsFont(), years):  # four digits would be cut: '08, or 08
            x.setLabelsFont(self._font(7.5))
            short = ["\u2019" + y[-2:] for y in years]
            years = short if self._fits(x.labelsFont(), short) else [y[-2:] for y in years]
        x.append(years)
        y = QValueAxis()
        y.setRange(0, 100)
        y.setTickCount(6)
        y.setLabelFormat("%d")
        self._style_axis(y)  # "%" is in the title: the plot keeps the width
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        return chart

    # -- handlers ----------------------------------------------------------------------------
    def _on_city_box_changed(self, _i: int) -> None:
        self._city = self.city_box.currentData()
        self._rebuild()
        self.city_changed.emit(self._city)

    def _retranslate_labels(self) -> None:
        self.city_label.setText(self.tr("City:"))
        self.note.setText(self.tr(
            "Source: East Heilongjiang economic diagnostic (CEIC; Heilongjiang Statistical "
            "Yearbook 2015). Sector shares as published; they may not add up to 100."))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._fill_city_box()
            self._rebuild()
        super().changeEvent(event)


__all__ = ["CITY_COLORS", "CityChartsWidget", "tidy_statistics"]
