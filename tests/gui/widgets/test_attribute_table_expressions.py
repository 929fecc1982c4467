"""The attribute table's QGIS-style filter in both languages (messages from the catalogue)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.gui.i18n import catalogue, set_language
from hljgis.gui.widgets.attribute_table import AttributeTable


@pytest.fixture
def table(qtbot):
    gdf = gpd.GeoDataFrame(
        {"area_km2": [1.0, 6.5, 12.0], "status": ["cleared", "planned", None]},
        geometry=shapely.points(np.arange(3.0), np.arange(3.0)), crs="EPSG:4490")
    widget = AttributeTable(VectorLayer(gdf, "zones"))
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    set_language("en")


def test_issue_example_filters_numerically(table):
    assert table.set_expression('"area_km2" > 5')
    assert table.visible_positions.tolist() == [1, 2]
    assert table.count_label.text().startswith("2 of 3")


@pytest.mark.parametrize(("expr", "zh_words"), [
    ('"area" > 5', "未知字段\u201carea\u201d"),
    ('"status" > 5', "文字值不能与数值比较"),
    ('"area_km2" >', "语法错误"),
    ('"area_km2" * 2', "数值"),
    ("\"status\" = 1", "字段\u201cstatus\u201d是文字"),
])
def test_bad_expression_message_in_chinese(table, expr, zh_words):
    set_language("zh")
    assert not table.set_expression(expr)
    assert table.error_text.startswith("表达式未执行：")
    assert zh_words in table.error_text
    assert table.visible_positions.tolist() == [0, 1, 2]


def test_language_switch_retranslates_the_message(table, qtbot):
    assert not table.set_expression('"status" > 5')
    assert "cannot be compared" in table.error_text
    set_language("zh")
    qtbot.waitUntil(lambda: "不能与" in table.error_text)
    assert "QGIS" in table.expression.toolTip() and "字段名" in table.expression.toolTip()


def test_placeholder_and_tooltip_have_translations():
    entries = catalogue()
    widget_texts = [k for k in entries if k.startswith(("Expression, e.g. \"area_km2\"",
                                                        "QGIS-style expression"))]
    assert len(widget_texts) == 2
