"""Field aliases, code labels, Identify and map labels follow the UI language, switched at
run time (issue 16, point 5)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QCoreApplication, Qt

from hljgis.core.layer import VectorLayer
from hljgis.gui.i18n import current_language, set_language


@pytest.fixture
def english():
    set_language("en")
    QCoreApplication.processEvents()
    yield
    set_language("en")
    QCoreApplication.processEvents()


@pytest.fixture
def parks():
    gdf = gpd.GeoDataFrame(
        {"name": ["Hegang Economic Development Zone", None],
         "name_zh": ["鹤岗经济开发区", "双鸭山经济开发区"],
         "level": ["provincial", "national"],
         "lead_industries": ["coal_electricity_chemistry;green_food", "graphite"],
         "area_km2": [8.97, 5.0]},
        geometry=shapely.buffer(shapely.points(np.array([130.3, 131.1]),
                                               np.array([47.3, 46.6])), 0.05),
        crs="EPSG:4490")
    return VectorLayer(gdf, "industrial_parks", title="Industrial parks", title_zh="产业园区")


def _headers(table):
    m = table.proxy
    return [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]


def _cells(table, column):
    col = table.model.columns.index(column)
    return [table.proxy.index(r, col).data() for r in range(table.proxy.rowCount())]


def test_attribute_table_headers_and_codes_follow_a_language_switch(qtbot, english, parks):
    from hljgis.gui.widgets.attribute_table import AttributeTable

    table = AttributeTable(parks)
    qtbot.addWidget(table)
    table.show()
    assert _headers(table) == ["Name", "Chinese name", "Level", "Lead industries",
                               "Area (km²)"]
    assert _cells(table, "level") == ["Provincial", "National"]
    assert _cells(table, "lead_industries")[0] == \
        "Coal-electricity-chemistry; Green food processing"
    # the real field name stays in the tooltip (expressions use it)
    assert table.proxy.headerData(4, Qt.Orientation.Horizontal,
                                  Qt.ItemDataRole.ToolTipRole).startswith("area_km2")
    table.expression.setText('"level" = \'provincial\'')  # filters read raw codes
    table.expression.returnPressed.emit()
    qtbot.waitUntil(lambda: table.proxy.rowCount() == 1)

    set_language("zh")
    qtbot.waitUntil(lambda: _headers(table)[2] == "级别")
    assert _headers(table) == ["名称", "中文名称", "级别", "主导产业", "面积（平方千米）"]
    assert _cells(table, "level") == ["省级"]  # the filter survived the switch
    assert _cells(table, "lead_industries") == ["煤电化；绿色食品"]
    # the search box finds a code by the label the table shows
    table.expression.setText("")
    table.expression.returnPressed.emit()
    table.text_filter.setText("国家级")
    qtbot.waitUntil(lambda: _cells(table, "level") == ["国家级"])


def test_identify_text_in_the_ui_language_and_after_a_switch(qtbot, english, parks):
    from hljgis.gui.widgets.identify_panel import IdentifyPanel

    panel = IdentifyPanel()
    qtbot.addWidget(panel)
    panel.show_results([(parks, parks.gdf.drop(columns="geometry"))])

    def texts():
        top = panel.topLevelItem(0)
        feats = [top.child(i) for i in range(top.childCount())]
        f = feats[0]
        rows = {f.child(i).text(0): f.child(i).text(1) for i in range(f.childCount())}
        return top.text(0), [f.text(0) for f in feats], rows

    title, features, rows = texts()
    assert title == "Industrial parks"
    # the second park has no English name: its pinyin, never Chinese in the English UI
    assert features == ["Hegang Economic Development Zone",
                        "Shuangyashan Economic Development Zone"]
    assert rows["Level"] == "Provincial" and rows["Area (km²)"] == "8.97"
    assert "provincial" not in rows.values()

    set_language("zh")
    qtbot.waitUntil(lambda: texts()[0] == "产业园区")
    title, features, rows = texts()
    assert features == ["鹤岗经济开发区", "双鸭山经济开发区"]
    assert rows["级别"] == "省级" and rows["主导产业"] == "煤电化；绿色食品"
    assert current_language() == "zh"


def test_identify_names_a_feature_in_the_ui_language():
    import pandas as pd

    from hljgis.gui.widgets.identify_panel import feature_title

    site = pd.Series({"site_name": "Parcel 17, Taoshan District", "site_name_zh": "桃山17号地块"})
    assert feature_title(site, "en", "#1") == "Parcel 17, Taoshan District"
    assert feature_title(site, "zh", "#1") == "桃山17号地块"
    town = pd.Series({"name": None, "name_zh": "鹤立镇"})
    assert feature_title(town, "en", "#1") == "Heli Town"
    assert feature_title(pd.Series({"id": 7}), "en", "#1") == "7"
    assert feature_title(pd.Series({"x": 1.0}), "zh", "#3") == "#3"
