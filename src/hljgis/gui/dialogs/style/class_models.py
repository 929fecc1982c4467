"""Item models over a :class:`~hljgis.core.style.draft.StyleDraft`'s classes: one row per
category (value, count, legend texts) or per graduated class (bounds, count, legend).

The models hold no copy: they read the draft's typed renderer on every call, reset when the
draft announces a change, and hand legend edits back to the draft.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from hljgis.core.text import is_zh
from hljgis.gui.dialogs.style.widgets import symbol_pixmap

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def format_cat(value) -> str:
    """A category value as the table shows it (NULL for a missing value)."""
    return "NULL" if value is None else str(value)


def format_break(value: float) -> str:
    """Class bound as text; thousands separators only from 10,000, so years read as years."""
    v = float(value)
    sep = "," if abs(v) >= 10000 else ""
    if v.is_integer():
        return f"{v:{sep}.0f}"
    return f"{v:.4g}" if abs(v) < 1000 else f"{v:{sep}.2f}"


class _ClassTableModel(QAbstractTableModel):
    """Shared part: the symbol swatch column, resets on draft events, editable legend cells."""

    SYMBOL = 0
    #: columns whose text the user edits -> whether that column is the Chinese legend
    EDITABLE: ClassVar[dict[int, bool]] = {}
    RIGHT: tuple[int, ...] = ()

    def __init__(self, draft, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self._counts: list[int] = []
        self._icons: dict[int, QIcon] = {}
        self._refresh_counts()
        draft.events.changed.connect(self._on_draft_changed)

    # -- to override -------------------------------------------------------------------------
    def rows(self) -> list:
        raise NotImplementedError

    def _headers(self) -> list[str]:
        raise NotImplementedError

    def _text(self, row: int, column: int) -> str:
        raise NotImplementedError

    def _count_list(self) -> list[int]:
        raise NotImplementedError

    def _edits_zh(self, row: int, column: int) -> bool:
        return self.EDITABLE[column]

    # -- Qt ----------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers())

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            headers = self._headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def data(self, index: _Index, role: int = _DISPLAY):
        if not index.isValid() or index.row() >= len(self.rows()):
            return None
        row, col = index.row(), index.column()
        if col == self.SYMBOL:
            if role == Qt.ItemDataRole.DecorationRole:
                if row not in self._icons:
                    self._icons[row] = QIcon(symbol_pixmap(self.rows()[row].symbol))
                return self._icons[row]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("Double-click to change the colour")
            return None
        if role in (_DISPLAY, _EDIT):
            return self._text(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.RIGHT:
            return int(_RIGHT.value)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self.EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value, role: int = _EDIT) -> bool:  # noqa: N802
        if role != _EDIT or index.column() not in self.EDITABLE:
            return False
        self.draft.set_class_label(index.row(), str(value),
                                   zh=self._edits_zh(index.row(), index.column()))
        return True

    # -- helpers -----------------------------------------------------------------------------
    def count(self, row: int) -> int:
        return self._counts[row] if row < len(self._counts) else 0

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def _refresh_counts(self) -> None:
        self._counts = self._count_list()
        self._icons.clear()

    def _on_draft_changed(self, part: str) -> None:
        if part in ("renderer", "classes", "symbol"):
            self.beginResetModel()
            self._refresh_counts()
            self.endResetModel()


class CategoryTableModel(_ClassTableModel):
    """The categories: symbol, value, feature count, legend, Chinese legend."""

    VALUE, COUNT, LEGEND, LEGEND_ZH = 1, 2, 3, 4
    EDITABLE: ClassVar[dict[int, bool]] = {3: False, 4: True}
    RIGHT = (2,)

    def rows(self) -> list:
        return self.draft.renderer.categories

    def _headers(self) -> list[str]:
        return [self.tr("Symbol"), self.tr("Value"), self.tr("Count"), self.tr("Legend"),
                self.tr("Legend (Chinese)")]

    def _count_list(self) -> list[int]:
        counts = self.draft.category_counts()
        return [counts.get(str(c.value), 0) for c in self.rows()]

    def _text(self, row: int, column: int) -> str:
        c = self.rows()[row]
        return {self.VALUE: format_cat(c.value), self.COUNT: f"{self.count(row):,}",
                self.LEGEND: c.label, self.LEGEND_ZH: c.label_zh}.get(column, "")

    def unlisted(self) -> int:
        """Features whose value no category lists."""
        return sum(self.draft.category_counts().values()) - sum(self._counts)


class ClassTableModel(_ClassTableModel):
    """The graduated classes: symbol, lower bound (>), upper bound (<=), count, legend.

    The legend column shows (and edits) the Chinese text when ``lang`` is "zh" and the class
    has one.
    """

    LOWER, UPPER, COUNT, LEGEND = 1, 2, 3, 4
    EDITABLE: ClassVar[dict[int, bool]] = {4: False}
    RIGHT = (1, 2, 3)

    def __init__(self, draft, lang: str = "en", parent=None) -> None:
        self.lang = lang
        super().__init__(draft, parent)

    def rows(self) -> list:
        return self.draft.renderer.classes

    def _headers(self) -> list[str]:
        return [self.tr("Symbol"), self.tr("From (>)"), self.tr("To (≤)"), self.tr("Count"),
                self.tr("Legend")]

    def _count_list(self) -> list[int]:
        return self.draft.class_counts()

    def _edits_zh(self, row: int, column: int) -> bool:
        return is_zh(self.lang) and bool(self.rows()[row].label_zh)

    def _text(self, row: int, column: int) -> str:
        c = self.rows()[row]
        if column == self.LEGEND:
            return c.label_zh if self._edits_zh(row, column) else c.label
        return {self.LOWER: format_break(c.lower), self.UPPER: format_break(c.upper),
                self.COUNT: f"{self.count(row):,}"}.get(column, "")

    def counts(self) -> list[int]:
        return list(self._counts)


__all__ = ["CategoryTableModel", "ClassTableModel", "format_break", "format_cat"]
