"""Attribute table on a plain layer: sort, filters, Chinese fields, linked selection, stats."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QItemSelectionModel, Qt

from hljgis.core.layer import VectorLayer
from hljgis.gui.models.attribute_table_model import AttributeTableModel
from hljgis.gui.widgets.attribute_table import AttributeTable, expression_mask


@pytest.fixture
def layer():
    gdf = gpd.GeoDataFrame(
        {
            "name": ["b-site", "A-site", "c-site", "d-site", "e-site"],
            "人口": [2, 10, 1, None, 1500],
            "status": ["cleared", "planned", "cleared", "under_redevelopment", None],
            "code": ["2", "10", "1", "3", "1500"],
            "area ha": [1.5, 2.5, 3.5, 4.5, 5.5],
        },
        geometry=shapely.points(np.arange(5.0), np.arange(5.0)),
        crs="EPSG:4490",
    )
    return VectorLayer(gdf, "sites")


@pytest.fixture
def table(qtbot, layer):
    widget = AttributeTable(layer)
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    return widget


def shown(widget, column):
    col = widget.model.columns.index(column)
    return [widget.proxy.index(r, col).data() for r in range(widget.proxy.rowCount())]


def test_model_reads_the_frame_in_place(layer):
    model = AttributeTableModel(layer)
    assert model.frame is layer.gdf
    assert model.rowCount() == 5
    assert model.columns == ["name", "人口", "status", "code", "area ha"]
    assert model.index(3, 1).data() == "NULL"
    assert model.index(1, 1).data() == "10"
    assert model.index(0, 4).data() == "1.5"


def test_numeric_column_sorts_by_value_and_text_column_by_text(table):
    table.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert shown(table, "人口") == ["1", "2", "10", "1500", "NULL"]
    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert shown(table, "人口") == ["1500", "10", "2", "1", "NULL"]
    table.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # digits stored as text
    assert shown(table, "code") == ["1", "10", "1500", "2", "3"]
    table.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # case-insensitive text
    assert shown(table, "name") == ["A-site", "b-site", "c-site", "d-site", "e-site"]


def test_text_filter_matches_any_column_case_insensitively(table):
    table.set_text_filter("CLEARED")
    assert sorted(shown(table, "name")) == ["b-site", "c-site"]
    table.set_text_filter("a-SITE")
    assert shown(table, "name") == ["A-site"]
    table.set_text_filter("1500")
    assert shown(table, "name") == ["e-site"]
    table.set_text_filter("")
    assert table.proxy.rowCount() == 5


def test_expression_filter_with_chinese_field_names(table):
    assert table.set_expression('"人口" > 1 AND "status" = \'cleared\'')
    assert shown(table, "name") == ["b-site"]
    assert table.error_text == ""
    assert table.set_expression('"人口" >= 10')
    assert sorted(shown(table, "name")) == ["A-site", "e-site"]
    assert table.set_expression('"area ha" < 3')
    assert sorted(shown(table, "name")) == ["A-site", "b-site"]
    assert table.set_expression("\"status\" = 'planned' OR \"status\" IS NULL")
    assert sorted(shown(table, "name")) == ["A-site", "e-site"]


@pytest.mark.parametrize(("expr", "words"), [
    ('"population" > 3', "unknown field"),
    ('"人口" >', "syntax error"),
    ('"status" > 3', "cannot be compared"),
    ('"人口" + 1', "true or false"),
    ("nosuchfn('os')", "unknown function"),
])
def test_invalid_expression_shows_a_message_and_keeps_the_table(table, expr, words):
    table.set_text_filter("site")
    assert not table.set_expression(expr)
    assert words in table.error_text
    assert table.error_label.isVisible()
    assert table.proxy.rowCount() == 5  # the broken expression is not applied
    assert table.set_expression("")
    assert table.error_text == ""


def test_expression_mask_directly(layer):
    mask = expression_mask(layer.gdf, '"人口" > 5')
    assert mask.tolist() == [False, True, False, False, True]


def test_selecting_rows_emits_positions(table, qtbot):
    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # rows: e, A, b, c, d
    sm = table.view.selectionModel()
    with qtbot.waitSignal(table.selection_changed) as blocker:
        sm.select(table.proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                  | QItemSelectionModel.SelectionFlag.Rows)
    assert blocker.args[0].tolist() == [4]
    with qtbot.waitSignal(table.selection_changed) as blocker:
        sm.select(table.proxy.index(1, 0), QItemSelectionModel.SelectionFlag.Select
                  | QItemSelectionModel.SelectionFlag.Rows)
    assert blocker.args[0].tolist() == [1, 4]


def test_set_selection_selects_rows_without_echo(table, qtbot):
    table.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # rows: c, b, A, e, d
    with qtbot.assertNotEmitted(table.selection_changed):
        table.set_selection(np.array([0, 3]))
    rows = sorted(i.row() for i in table.view.selectionModel().selectedRows())
    assert rows == [1, 4]
    assert table.selected_positions.tolist() == [0, 3]
    table.selected_only.setChecked(True)
    assert sorted(shown(table, "name")) == ["b-site", "d-site"]
    assert len(table.view.selectionModel().selectedRows()) == 2
    table.set_selection([1])
    assert shown(table, "name") == ["A-site"]
    table.selected_only.setChecked(False)
    assert table.proxy.rowCount() == 5
    assert "1 selected" in table.count_label.text()


def test_selection_survives_filtering(table):
    table.set_selection([0, 2])
    table.set_text_filter("c-site")
    assert len(table.view.selectionModel().selectedRows()) == 1
    table.set_text_filter("")
    assert len(table.view.selectionModel().selectedRows()) == 2


def test_numeric_field_statistics(table):
    table.set_statistics_column("人口")
    s = table.statistics()
    assert s["kind"] == "number"
    assert (s["count"], s["nulls"]) == (4, 1)
    assert (s["min"], s["max"], s["sum"]) == (1.0, 1500.0, 1513.0)
    assert s["mean"] == pytest.approx(1513 / 4)
    assert s["median"] == pytest.approx(6.0)
    assert "1,513" in table.stats_body.text()
    table.set_expression("人口 < 100")  # statistics follow the rows shown
    assert table.statistics()["sum"] == 13.0


def test_text_field_statistics(table):
    table.set_statistics_column("status")
    s = table.statistics()
    assert s["kind"] == "text"
    assert (s["count"], s["nulls"], s["distinct"]) == (4, 1, 3)
    assert s["top"][0] == ("cleared", 2)
    assert "Cleared" in table.stats_body.text()  # the code by its label


def test_clicking_a_cell_shows_that_columns_statistics(table):
    table.view.setCurrentIndex(table.proxy.index(0, 4))
    assert "area ha" in table.stats_title.text()
    assert table.statistics()["sum"] == pytest.approx(17.5)


def test_a_long_statistics_title_wraps_instead_of_being_cut(table, qtbot):
    """At 1280x720 'Field statistics: Name (name)' was cut off (issue 16)."""
    from PySide6.QtCore import QRect, Qt

    table.set_statistics_column("status")
    label = table.stats_title
    label.setText(label.text() + " with a very long alias that cannot fit on one line")
    label.setFixedWidth(160)
    qtbot.wait(10)
    needed = label.fontMetrics().boundingRect(
        QRect(0, 0, label.contentsRect().width(), 10_000),
        int(Qt.TextFlag.TextWordWrap), label.text()).height()
    assert needed > 2 * label.fontMetrics().height()  # really more than one line of text
    assert label.heightForWidth(160) >= needed  # the label asks for all of it


def test_layer_data_replaced_resets_the_table(table, layer):
    table.set_selection([1])
    gdf = layer.gdf.iloc[:2].copy()
    layer.set_data(gdf)
    assert table.proxy.rowCount() == 2
    assert table.selected_positions.size == 0


def test_large_table_is_fast(qtbot):
    import time

    n = 100_000
    rng = np.random.default_rng(1)
    gdf = gpd.GeoDataFrame({"v": rng.random(n), "s": rng.choice(["x", "y", "z"], n)},
                           geometry=shapely.points(rng.random(n), rng.random(n)), crs=4326)
    widget = AttributeTable(VectorLayer(gdf, "big"))
    qtbot.addWidget(widget)
    t0 = time.perf_counter()
    widget.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    widget.set_text_filter("y")
    widget.set_expression("v > 0.5")
    assert time.perf_counter() - t0 < 3.0  # generous: seconds would mean per-row Python
    vals = [float(widget.proxy.index(r, 0).data()) for r in range(50)]
    assert vals == sorted(vals) and vals[0] > 0.5


def test_a_big_table_readies_its_text_columns_on_a_thread(qtbot, monkeypatch):
    from hljgis.gui.widgets import attribute_table as at
    from hljgis.gui.widgets.attribute_table import AttributeTable

    monkeypatch.setattr(at, "WARM_TEXT_ROWS", 1000)
    n = 1200
    gdf = gpd.GeoDataFrame({"name": [f"Site {i}" for i in range(n)], "score": np.arange(n) / 7},
                           geometry=shapely.points(np.arange(n), np.zeros(n)), crs="EPSG:4553")
    layer = VectorLayer(gdf, "big")
    widget = AttributeTable(layer)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: "name" in widget._text_cache, timeout=10_000)
    assert "score" not in widget._text_cache  # numbers wait for a numeric search
    widget.set_text_filter("SITE 11")
    assert widget.proxy.rowCount() == 1 + 10 + 100  # Site 11, 110-119, 1100-1199
    # new data: a fresh cache, readied again, so the old rows are never searched
    old = widget._text_cache
    layer.set_data(gdf.assign(name=[f"Park {i}" for i in range(n)]))
    assert widget._text_cache is not old
    qtbot.waitUntil(lambda: "name" in widget._text_cache, timeout=10_000)
    widget.set_text_filter("park 5")
    assert widget.proxy.rowCount() == 1 + 10 + 100
