"""City charts never elide their axis labels, legends or titles in a narrow dock."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import shiboken6
from PySide6.QtWidgets import QGraphicsTextItem

from hljgis.gui.i18n import set_language
from hljgis.gui.widgets.charts import MIN_CHART_SIZE, CityChartsWidget

STATS = Path(__file__).resolve().parents[3] / "layers" / "city_statistics.csv"
pytestmark = pytest.mark.skipif(not STATS.exists(), reason="bundled statistics not built")


def chart_texts(view) -> list[str]:
    """Every visible text QtCharts drew (axis labels, titles, legend entries)."""
    out = []
    for item in view.scene().items():
        obj = item.toGraphicsObject() if item.type() == 8 else None  # QGraphicsTextItem::Type
        if obj is None:
            continue
        text = shiboken6.wrapInstance(shiboken6.getCppPointer(obj)[0], QGraphicsTextItem)
        if text.isVisible():
            out.append(text.toPlainText())
    return out


@pytest.fixture
def charts(qtbot):
    widget = CityChartsWidget(pd.read_csv(STATS))
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    set_language("en")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [MIN_CHART_SIZE[0] + 8, 384, 560])
def test_no_label_is_cut(charts, qtbot, lang, width):
    set_language(lang)
    charts.set_city("Jixi")
    charts.resize(width, 3 * MIN_CHART_SIZE[1] + 160)
    qtbot.wait(20)
    for view in (charts.population_view, charts.gdp_view, charts.sector_view):
        texts = chart_texts(view)
        assert len(texts) > 10  # labels were found at all
        cut = [t for t in texts if "..." in t or "\u2026" in t]
        assert not cut, (view.chart().title(), cut)


def test_year_labels_shorten_in_a_narrow_dock_and_not_in_a_wide_one(charts, qtbot):
    charts.set_city("Jixi")
    charts.resize(700, 900)
    qtbot.wait(20)
    assert "2008" in chart_texts(charts.sector_view)
    charts.resize(MIN_CHART_SIZE[0] + 8, 900)
    qtbot.wait(20)
    texts = chart_texts(charts.sector_view)
    assert "2008" not in texts and "08" in texts
