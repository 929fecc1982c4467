"""Identify results: the attributes of every feature under the click, layer by layer.

Fields show their alias and codes their label in the UI language (``core.aliases``); a
language switch re-renders the results shown.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from hljgis.core.aliases import display_value, field_alias
from hljgis.core.names import label_text
from hljgis.core.text import is_zh
from hljgis.gui.i18n import current_language
from hljgis.gui.models.attribute_table_model import format_value


def feature_title(row: pd.Series, lang: str, fallback: str) -> str:
    """A feature's name in ``lang`` (English or pinyin in English), else ``fallback``."""
    def get(col):
        v = row.get(col) if col in row.index else None
        return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

    en = next((get(c) for c in ("name_en", "name", "site_name") if get(c) is not None), None)
    zh = next((get(c) for c in ("name_zh", "site_name_zh") if get(c) is not None), None)
    text = label_text(zh, en, "zh") if is_zh(lang) else label_text(en, zh, "en")
    if text:
        return text
    return str(get("id")) if get("id") is not None else fallback


class IdentifyPanel(QTreeWidget):
    """Shows ``[(layer, table), ...]`` as layer -> feature -> field: value."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self._results: list = []
        self.retranslate()

    def retranslate(self) -> None:
        self.setHeaderLabels([self.tr("Feature / field"), self.tr("Value")])

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self._results:
                self.show_results(self._results)
        super().changeEvent(event)

    def show_results(self, results) -> None:
        self._results = results
        self.clear()
        lang = current_language()
        for layer, table in results:
            top = QTreeWidgetItem([layer.display_title(lang), f"{len(table)}"])
            self.addTopLevelItem(top)
            specs = getattr(layer, "fields", None)
            for i, (_, row) in enumerate(table.head(50).iterrows()):
                feature = QTreeWidgetItem([feature_title(row, lang, f"#{i + 1}"), ""])
                top.addChild(feature)
                for col, value in row.items():
                    name = str(col)
                    shown = "" if not isinstance(value, str) and pd.isna(value) else \
                        (display_value(name, value, lang, specs) or format_value(value))
                    item = QTreeWidgetItem([field_alias(name, lang, specs), shown])
                    item.setToolTip(0, name)  # the real field name, for expressions
                    if shown != format_value(value) and shown:
                        item.setToolTip(1, format_value(value))
                    feature.addChild(item)
                feature.setExpanded(i == 0)
            top.setExpanded(True)
        self.resizeColumnToContents(0)
