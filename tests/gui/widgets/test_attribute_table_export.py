"""Attribute table: Ctrl+C of selected rows, and export of the filtered rows to CSV/XLSX."""

from __future__ import annotations

import csv

import geopandas as gpd
import numpy as np
import openpyxl
import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from hljgis.core.layer import VectorLayer
from hljgis.gui.widgets.attribute_table import AttributeTable


@pytest.fixture
def table(qtbot):
    gdf = gpd.GeoDataFrame(
        {"name": ["鸡西站", "Hegang\tyard", "七台河", "d-site"],
         "人口": [2, 10, None, 1500], "area ha": [1.5, 2.5, 3.5, 4.5]},
        geometry=shapely.points(130 + np.arange(4.0), 45 + np.arange(4.0)), crs="EPSG:4490")
    widget = AttributeTable(VectorLayer(gdf, "sites"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_ctrl_c_copies_two_selected_rows_with_a_header(qtbot, table):
    table.view.sortByColumn(table.model.columns.index("area ha"), Qt.SortOrder.DescendingOrder)
    table.set_selection([0, 2])
    QGuiApplication.clipboard().clear()
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == (
        "name\t人口\tarea ha\n"
        "七台河\tNULL\t3.5\n"  # view order: area descending
        "鸡西站\t2\t1.5\n")


def test_copy_keeps_tabs_out_of_cells(table):
    table.set_selection([1])
    assert table.copy_selected_rows() == 1
    assert QGuiApplication.clipboard().text().splitlines()[1] == "Hegang yard\t10\t2.5"


def test_export_writes_only_the_filtered_rows(table, tmp_path):
    assert table.set_expression('"area ha" > 2')
    table.export_table(str(tmp_path / "t.csv"))
    with open(tmp_path / "t.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["name 名称", "人口", "area ha", "lon 经度", "lat 纬度"]
    assert [r[0] for r in rows[1:]] == ["Hegang\tyard", "七台河", "d-site"]
    assert float(rows[2][3]) == pytest.approx(132.0)
    table.export_table(str(tmp_path / "t.xlsx"))
    values = list(openpyxl.load_workbook(tmp_path / "t.xlsx").active.values)
    assert values[0] == ("name", "人口", "area ha", "lon", "lat")
    assert values[1] == ("名称", None, None, "经度", "纬度")
    assert [v[0] for v in values[2:]] == ["Hegang\tyard", "七台河", "d-site"]


def test_export_writes_codes_as_the_table_shows_them_in_the_ui_language(qtbot, tmp_path):
    from hljgis.gui.i18n import set_language

    gdf = gpd.GeoDataFrame(
        {"name": ["a", "b"], "level": ["provincial", "national"], "illustrative": [True, False]},
        geometry=shapely.points([130.0, 131.0], [45.0, 46.0]), crs="EPSG:4490")
    widget = AttributeTable(VectorLayer(gdf, "parks"))
    qtbot.addWidget(widget)
    set_language("zh")
    try:
        shown = widget.model.display_text(0, widget.model.columns.index("level"))
        widget.export_table(str(tmp_path / "zh.csv"))
        widget.export_table(str(tmp_path / "raw.xlsx"), raw_codes=True)
        widget.set_selection([1])
        copied = widget.selected_rows_text()
    finally:
        set_language("en")
    widget.export_table(str(tmp_path / "en.xlsx"))
    with open(tmp_path / "zh.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert shown == "省级" and rows[1][1:3] == ["省级", "是"] and rows[2][1] == "国家级"
    assert copied.splitlines()[1].split("\t")[1:3] == ["国家级", "否"]  # Ctrl+C too
    en = list(openpyxl.load_workbook(tmp_path / "en.xlsx").active.values)
    assert en[2][1:3] == ("Provincial", "Yes")
    raw = list(openpyxl.load_workbook(tmp_path / "raw.xlsx").active.values)
    assert raw[2][1:3] == ("provincial", True)
