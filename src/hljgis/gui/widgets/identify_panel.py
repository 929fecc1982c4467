"""Identify results: the attributes of every feature under the click, layer by layer."""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from hljgis.gui.i18n import current_language


class IdentifyPanel(QTreeWidget):
    """Shows ``[(layer, table), ...]`` as layer -> feature -> field: value."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self._results: list = []
        self.retranslate()

    def retranslate(self) -> None:
        self.setHeaderLabels([self.tr("Feature / field"), self.tr("Value")])

    def show_results(self, results) -> None:
        self._results = results
        self.clear()
        lang = current_language()
        for layer, table in results:
            top = QTreeWidgetItem([layer.display_title(lang), f"{len(table)}"])
            self.addTopLevelItem(top)
            for i, (_, row) in enumerate(table.head(50).iterrows()):
                label = next((str(row[c]) for c in ("name_zh", "name", "name_en", "id")
                              if c in row.index and pd.notna(row[c])), f"#{i + 1}")
                feature = QTreeWidgetItem([label, ""])
                top.addChild(feature)
                for col, value in row.items():
                    feature.addChild(QTreeWidgetItem([str(col), "" if pd.isna(value)
                                                      else str(value)]))
                feature.setExpanded(i == 0)
            top.setExpanded(True)
        self.resizeColumnToContents(0)
