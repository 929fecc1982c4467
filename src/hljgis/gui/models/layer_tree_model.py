"""Qt item model over the project's layers: theme groups -> layers -> legend entries.

The panel shows the project in draw order, top of the list drawn last, grouped by theme as
planners think of them (analysis, industry, land, transport, boundaries, base). Layers keep
the project order sorted by theme, so the groups and the drawing never disagree: moving a
layer into another group changes its theme.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap

from hljgis.core.layer import THEMES, Layer, VectorLayer
from hljgis.core.project import Project
from hljgis.core.session import Session
from hljgis.core.text import is_zh
from hljgis.gui.i18n import current_language, tr

MIME = "application/x-hljgis-layer"
LAYER_NAME_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2

THEME_TITLES = {"analysis": "Analysis", "industry": "Industry", "land": "Land",
                "transport": "Transport", "boundaries": "Boundaries", "base": "Base map"}

_G, _L = 1_000_000, 1_000  # internal ids: group, layer and legend positions packed in an int


def symbol_icon(symbol: dict, size: int = 16) -> QIcon:
    """A legend swatch for a symbol dict, painted by the renderer's own legend painter."""
    from hljgis.render.legend import paint_symbol

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_symbol(painter, image.rect().adjusted(1, 1, -1, -1), symbol, dpi=96)
    painter.end()
    return QIcon(QPixmap.fromImage(image))


class LayerTreeModel(QAbstractItemModel):
    """Adapter from a :class:`Session`'s project to a tree view (reset on every change)."""

    layer_checked = Signal(str, bool)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self._groups: list[tuple[str, list[Layer]]] = []
        self._legends: dict[str, list[tuple[str, dict]]] = {}
        self._icons: dict[tuple[str, int], QIcon] = {}
        self._project: Project | None = None
        session.events.project_changed.connect(self._on_project_changed)
        self._on_project_changed(session.project)

    # -- model updates -------------------------------------------------------------------------
    def _on_project_changed(self, project: Project) -> None:
        if self._project is not None:
            self._project.events.disconnect(self._on_layers_changed)
        self._project = project
        project.events.connect(self._on_layers_changed)
        self.refresh()

    def _on_layers_changed(self, *args) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        project = self.session.project
        self._groups = []
        for theme in THEMES:
            layers = [lyr for lyr in reversed(project.layers) if lyr.theme == theme]
            if layers:
                self._groups.append((theme, layers))
        self._legends = {}
        self._icons = {}
        from hljgis.core.style import legend_entries

        lang = current_language()
        for _, layers in self._groups:
            for layer in layers:
                entries = legend_entries(layer, lang=lang) \
                    if isinstance(layer, VectorLayer) or layer.kind == "raster" else []
                self._legends[layer.name] = entries
        self.endResetModel()

    # -- structure -----------------------------------------------------------------------------
    def _decode(self, index: QModelIndex) -> tuple[int, int, int]:
        ident = int(index.internalId())
        return ident // _G - 1, (ident % _G) // _L - 1, ident % _L - 1

    def index(self, row, column, parent=QModelIndex()):  # noqa: B008 - Qt's signature
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, (row + 1) * _G)
        g, lyr, _ = self._decode(parent)
        if lyr < 0:
            return self.createIndex(row, column, (g + 1) * _G + (row + 1) * _L)
        return self.createIndex(row, column, (g + 1) * _G + (lyr + 1) * _L + row + 1)

    def parent(self, index):
        if not index.isValid():
            return QModelIndex()
        g, lyr, e = self._decode(index)
        if lyr < 0:
            return QModelIndex()
        if e < 0:
            return self.createIndex(g, 0, (g + 1) * _G)
        return self.createIndex(lyr, 0, (g + 1) * _G + (lyr + 1) * _L)

    def rowCount(self, parent=QModelIndex()):  # noqa: B008, N802
        if parent.column() > 0:
            return 0
        if not parent.isValid():
            return len(self._groups)
        g, lyr, e = self._decode(parent)
        if lyr < 0:
            return len(self._groups[g][1])
        if e < 0:
            entries = self._legends.get(self._groups[g][1][lyr].name, [])
            return len(entries) if len(entries) > 1 else 0
        return 0

    def columnCount(self, parent=QModelIndex()):  # noqa: B008, N802
        return 1

    def layer_at(self, index: QModelIndex) -> Layer | None:
        if not index.isValid():
            return None
        g, lyr, _e = self._decode(index)
        if lyr < 0:
            return None
        return self._groups[g][1][lyr]

    def index_of_layer(self, name: str) -> QModelIndex:
        for g, (_, layers) in enumerate(self._groups):
            for i, layer in enumerate(layers):
                if layer.name == name:
                    return self.index(i, 0, self.index(g, 0))
        return QModelIndex()

    # -- data ----------------------------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        g, lyr, e = self._decode(index)
        theme, layers = self._groups[g]
        if lyr < 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(THEME_TITLES[theme])
            if role == KIND_ROLE:
                return "group"
            return None
        layer = layers[lyr]
        entries = self._legends.get(layer.name, [])
        if e >= 0:
            label, symbol = entries[e]
            if role == Qt.ItemDataRole.DisplayRole:
                return label
            if role == Qt.ItemDataRole.DecorationRole:
                return self._icon(layer.name, e, symbol)
            if role == KIND_ROLE:
                return "legend"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            title = layer.display_title(current_language())
            if layer.is_illustrative:
                title += " " + tr("(illustrative)")
            return title
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole and len(entries) == 1:
            return self._icon(layer.name, 0, entries[0][1])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(layer)
        if role == LAYER_NAME_ROLE:
            return layer.name
        if role == KIND_ROLE:
            return "layer"
        return None

    def _icon(self, name: str, entry: int, symbol: dict) -> QIcon:
        key = (name, entry)
        if key not in self._icons:
            self._icons[key] = symbol_icon(symbol)
        return self._icons[key]

    def _tooltip(self, layer: Layer) -> str:
        p = layer.provenance
        lines = [f"<b>{layer.display_title(current_language())}</b> ({layer.name})"]
        if isinstance(layer, VectorLayer):
            lines.append(tr("Features") + f": {layer.feature_count}")
        if p.get("source"):
            lines.append(tr("Source") + f": {p['source']}")
        if p.get("accuracy_m") is not None:
            lines.append(tr("Accuracy") + f": ±{p['accuracy_m']} m")
        if p.get("as_of"):
            lines.append(tr("As of") + f": {p['as_of']}")
        if layer.is_illustrative:
            lines.append("<i>" + tr("Contains illustrative data, not survey records") + "</i>")
        return "<br>".join(lines)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        _g, lyr, e = self._decode(index)
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if lyr < 0:
            return base | Qt.ItemFlag.ItemIsDropEnabled
        if e < 0:
            return (base | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled
                    | Qt.ItemFlag.ItemIsEditable)
        return Qt.ItemFlag.ItemIsEnabled

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        layer = self.layer_at(index)
        if layer is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self.session.set_layer_property(layer.name, "visible", checked)
            self.layer_checked.emit(layer.name, checked)
            return True
        if role == Qt.ItemDataRole.EditRole and str(value).strip():
            prop = "title_zh" if is_zh(current_language()) else "title"
            self.session.set_layer_property(layer.name, prop, str(value).strip())
            return True
        return False

    # -- drag and drop reordering --------------------------------------------------------------
    def supportedDropActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self):  # noqa: N802
        return [MIME]

    def mimeData(self, indexes):  # noqa: N802
        layer = next((self.layer_at(i) for i in indexes if self.layer_at(i)), None)
        mime = QMimeData()
        if layer is not None:
            mime.setData(MIME, layer.name.encode())
        return mime

    def dropMimeData(self, data, action, row, column, parent):  # noqa: N802
        if not data.hasFormat(MIME):
            return False
        name = bytes(data.data(MIME)).decode()
        if not parent.isValid():
            return False
        g, lyr, _e = self._decode(parent)
        if lyr >= 0:  # dropped onto a layer: take its place
            row, parent = lyr, self.parent(parent)
            g = parent.row()
        theme, layers = self._groups[g]
        row = len(layers) if row < 0 else row
        self.move_layer_to(name, theme, row)
        return True

    def move_layer_to(self, name: str, theme: str, row: int) -> None:
        """Put layer ``name`` at display ``row`` of group ``theme`` (row 0 = drawn last)."""
        project = self.session.project
        layer = project.layer(name)
        if layer.theme != theme:
            self.session.set_layer_property(name, "theme", theme)
        others = [lyr for lyr in reversed(project.layers) if lyr.theme == theme
                  and lyr is not layer]
        row = max(0, min(row, len(others)))
        if others:
            rest = [n for n in project.layer_names() if n != name]
            # top of the group: drawn right after its old top; else right before the layer
            # that will sit just above it in the panel
            target = rest.index(others[0].name) + 1 if row == 0 else \
                rest.index(others[row - 1].name)
            self.session.move_layer(name, target)
        self.refresh()
