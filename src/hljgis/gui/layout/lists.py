"""The composer's two lists: which layers print, and the legend's items in their order.

Both list layer names only (the layers themselves stay in the project); each reports a
change through one signal and the composer writes it into its
:class:`~hljgis.core.composition.Composition`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.text import is_zh

NAME = Qt.ItemDataRole.UserRole


def layer_label(layer, lang: str) -> str:
    zh = layer.title_zh or ""
    en = layer.display_title("en")
    return f"{zh}  {en}" if is_zh(lang) and zh else (f"{en}  {zh}" if zh else en)


def default_legend_order(layers) -> list[str]:
    """Results first, then the draw order top first: how an exported legend reads."""
    ordered = list(reversed(list(layers)))
    ordered.sort(key=lambda layer: layer.theme != "analysis")
    return [layer.name for layer in ordered]


class LayerChecklist(QListWidget):
    """Project layers, top first, checked when they print.

    Signals
    -------
    changed() : a check box was toggled.
    """

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.itemChanged.connect(self._on_item_changed)
        self._order: list[str] = []

    def set_layers(self, layers, printed: set[str], lang: str = "en") -> None:
        blocked = self.blockSignals(True)
        self.clear()
        self._order = [layer.name for layer in layers]
        for layer in reversed(list(layers)):
            text = layer_label(layer, lang)
            if not layer.visible:
                text += "  " + self.tr("(hidden on the map)")
            item = QListWidgetItem(text)
            item.setData(NAME, layer.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if layer.name in printed
                               else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(blocked)

    def printed(self) -> list[str]:
        """Checked layer names in the project's draw order (bottom first)."""
        checked = {self.item(i).data(NAME) for i in range(self.count())
                   if self.item(i).checkState() == Qt.CheckState.Checked}
        return [name for name in self._order if name in checked]

    def set_checked(self, name: str, on: bool) -> None:
        for i in range(self.count()):
            if self.item(i).data(NAME) == name:
                self.item(i).setCheckState(Qt.CheckState.Checked if on
                                           else Qt.CheckState.Unchecked)

    def _on_item_changed(self, _item) -> None:
        self.changed.emit()


class LegendList(QWidget):
    """Legend items (printed layers) top first: check to list, drag or Up/Down to reorder.

    Signals
    -------
    changed() : the order or a check box changed.
    """

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.list.model().rowsMoved.connect(lambda *_: self.changed.emit())
        up, down = QPushButton(self.tr("Up")), QPushButton(self.tr("Down"))
        up.clicked.connect(lambda: self.move_current(-1))
        down.clicked.connect(lambda: self.move_current(1))
        buttons = QHBoxLayout()
        buttons.addWidget(up)
        buttons.addWidget(down)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.list, 1)
        box.addLayout(buttons)

    def set_items(self, layers, order: list[str] | None, excluded: set[str],
                  lang: str = "en") -> None:
        """Show ``layers`` in ``order`` (names not in it follow in the default order)."""
        by_name = {layer.name: layer for layer in layers}
        names = [n for n in (order or []) if n in by_name]
        names += [n for n in default_legend_order(layers) if n not in names]
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for name in names:
            item = QListWidgetItem(layer_label(by_name[name], lang))
            item.setData(NAME, name)
            item.setFlags((item.flags() | Qt.ItemFlag.ItemIsUserCheckable
                           | Qt.ItemFlag.ItemIsDragEnabled) & ~Qt.ItemFlag.ItemIsDropEnabled)
            item.setCheckState(Qt.CheckState.Unchecked if name in excluded
                               else Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.blockSignals(blocked)

    def order(self) -> list[str]:
        return [self.list.item(i).data(NAME) for i in range(self.list.count())]

    def excluded(self) -> list[str]:
        return [self.list.item(i).data(NAME) for i in range(self.list.count())
                if self.list.item(i).checkState() != Qt.CheckState.Checked]

    def move(self, name: str, to_row: int) -> None:
        """Move the item ``name`` to ``to_row`` (what a drag does)."""
        row = self.order().index(name)
        to_row = max(0, min(to_row, self.list.count() - 1))
        if row == to_row:
            return
        blocked = self.list.blockSignals(True)
        item = self.list.takeItem(row)
        self.list.insertItem(to_row, item)
        self.list.setCurrentItem(item)
        self.list.blockSignals(blocked)
        self.changed.emit()

    def move_current(self, step: int) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.move(item.data(NAME), self.list.row(item) + step)

    def set_checked(self, name: str, on: bool) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(NAME) == name:
                self.list.item(i).setCheckState(Qt.CheckState.Checked if on
                                                else Qt.CheckState.Unchecked)
