"""A table view of classes or categories, with the class colour picked by double-click."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from hljgis.core.style.draft import primary_key
from hljgis.gui.dialogs.style.widgets import pick_color


class ClassTableView(QTableView):
    """Shows a class model; double-clicking a swatch asks for that class's colour."""

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setIconSize(QSize(28, 16))
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.doubleClicked.connect(self._on_double_clicked)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedIndexes()})

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.column() != 0:
            return
        model = self.model()
        symbol = model.rows()[index.row()].symbol
        color = pick_color(self, symbol.get(primary_key(symbol)))
        if color is not None:
            model.draft.set_class_color(index.row(), color)


__all__ = ["ClassTableView"]
