"""The layer tree never cuts a name short: long titles scroll sideways, as in QGIS."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hljgis.core.session import Session
from hljgis.gui.widgets.layer_panel import LayerPanel
from hljgis.io.bundled import bundled_project_path
from hljgis.io.project_file import load_project


def _indexes(model, parent=None):
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from _indexes(model, index)


def test_long_layer_names_are_not_elided_in_a_narrow_panel(qtbot):
    panel = LayerPanel(Session(load_project(bundled_project_path())))
    qtbot.addWidget(panel)
    panel.resize(200, 600)
    panel.show()
    view = panel.view
    view.expandAll()
    qtbot.waitExposed(panel)
    assert view.textElideMode() == Qt.TextElideMode.ElideNone
    fm = view.fontMetrics()
    column = view.header().sectionSize(0)
    texts = []
    for index in _indexes(view.model()):
        text = str(index.data() or "")
        if not text:
            continue
        texts.append(text)
        rect = view.visualRect(index)
        needed = rect.x() + view.horizontalOffset() + fm.horizontalAdvance(text)
        assert needed <= column + 1, (text, needed, column)
    assert any(len(t) > 30 for t in texts)  # the bundled tree has long titles to test
    assert column > view.viewport().width()  # they are wider than the panel: it scrolls
    assert view.horizontalScrollBar().maximum() > 0


def test_the_window_widens_the_layer_tree_to_its_longest_name(make_main_window, qtbot):
    window = make_main_window(bundled_project_path(), size=(1600, 1000))
    window.layer_panel.view.expandAll()
    window.fit_layer_panel()
    dock = window.docks["layers"]
    wanted = window.layer_panel.wanted_width()
    qtbot.waitUntil(lambda: dock.width() >= min(wanted, int(window.width() * 0.23)) - 4,
                    timeout=3000)
    assert dock.width() > 220  # wider than the old fixed tree: long names need it
    assert dock.width() <= int(window.width() * 0.23) + 4  # the map keeps the rest
