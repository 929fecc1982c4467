"""The layer panel: themes, layers with visibility boxes, legends, and the layer menu."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.session import Session
from hljgis.gui.models.layer_tree_model import KIND_ROLE, LayerTreeModel


class LayerPanel(QWidget):
    """Tree of the project's layers. Emits requests; the main window acts on them.

    Signals
    -------
    zoom_to_layer(name), style_requested(name), table_requested(name), replace_requested(name),
    save_as_requested(name),
    current_layer_changed(name) : the layer the planner works on (tools, table, style).
    """

    zoom_to_layer = Signal(str)
    style_requested = Signal(str)
    table_requested = Signal(str)
    replace_requested = Signal(str)
    save_as_requested = Signal(str)
    current_layer_changed = Signal(str)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = LayerTreeModel(session, self)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setIconSize(QSize(18, 18))
        # long names scroll sideways instead of ending in "…", as in QGIS's layer tree
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.model.modelReset.connect(self._on_model_reset)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self._current: str | None = None
        self._on_model_reset()

    def wanted_width(self) -> int:
        """Pixels the panel needs to show every expanded name whole."""
        view = self.view
        return (view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width()
                + 2 * view.frameWidth() + 4)

    def _on_model_reset(self) -> None:
        # groups open, legends open for thematic layers; keep the current layer highlighted
        for g in range(self.model.rowCount()):
            group = self.model.index(g, 0)
            self.view.setExpanded(group, True)
            for r in range(self.model.rowCount(group)):
                self.view.setExpanded(self.model.index(r, 0, group), True)
        if self._current and self._current in self.session.project:
            self.view.setCurrentIndex(self.model.index_of_layer(self._current))

    def _on_current_changed(self, current, previous) -> None:
        layer = self.model.layer_at(current)
        if layer is not None and layer.name != self._current:
            self._current = layer.name
            self.current_layer_changed.emit(layer.name)

    def current_layer(self) -> str | None:
        return self._current

    def select_layer(self, name: str) -> None:
        self.view.setCurrentIndex(self.model.index_of_layer(name))

    def _on_double_clicked(self, index) -> None:
        layer = self.model.layer_at(index)
        if layer is not None and index.data(KIND_ROLE) == "layer":
            self.style_requested.emit(layer.name)

    def _on_context_menu(self, pos) -> None:
        menu = self.layer_menu(self.view.indexAt(pos))
        if menu is not None:
            menu.exec(self.view.viewport().mapToGlobal(pos))

    def layer_menu(self, index) -> QMenu | None:
        """The right-click menu of the layer at ``index`` (None on a group or empty space)."""
        layer = self.model.layer_at(index)
        if layer is None:
            return None
        menu = QMenu(self)
        name = layer.name
        menu.addAction(self.tr("Zoom to layer"), lambda: self.zoom_to_layer.emit(name))
        if layer.kind == "vector":
            menu.addAction(self.tr("Open attribute table"), lambda: self.table_requested.emit(name))
        menu.addAction(self.tr("Style..."), lambda: self.style_requested.emit(name))
        menu.addAction(self.tr("Opacity..."), lambda: self.ask_opacity(name))
        menu.addAction(self.tr("Rename..."), lambda: self.view.edit(index))
        from hljgis.core.schemas import THEMATIC

        if layer.kind == "vector" and layer.schema in THEMATIC:
            menu.addAction(self.tr("Replace layer data..."),
                           lambda: self.replace_requested.emit(name))
        if layer.kind == "vector":
            menu.addAction(self.tr("Save as..."), lambda: self.save_as_requested.emit(name))
        menu.addSeparator()
        menu.addAction(self.tr("Remove layer"), lambda: self.session.remove_layer(name))
        return menu

    def ask_opacity(self, name: str) -> None:
        layer = self.session.project.layer(name)
        value, ok = QInputDialog.getInt(self, self.tr("Opacity"),
                                        self.tr("Opacity of the layer (%):"),
                                        round(layer.opacity * 100), 0, 100, 5)
        if ok:
            self.session.set_layer_property(name, "opacity", value / 100.0)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.model.refresh()
        super().changeEvent(event)
