"""Qt adapters for a vector layer's attributes: a table model that reads the GeoDataFrame in
place and a proxy that sorts and filters it with numpy.

Why not ``QSortFilterProxyModel``: its ``lessThan``/``filterAcceptsRow`` call back into Python
once per comparison or row, which takes seconds on 100k features. Here sorting is one
``argsort`` and filtering one boolean mask; the proxy only keeps an index array.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from hljgis.core.aliases import display_value, field_alias, is_coded
from hljgis.core.table_search import is_numeric  # noqa: F401 (shared with the table)
from hljgis.gui.i18n import current_language

#: Role that returns the raw cell value (a Python/numpy scalar), not its text.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role that returns the row's position in the layer's GeoDataFrame.
POSITION_ROLE = Qt.ItemDataRole.UserRole + 2

_NULL_BRUSH = QBrush(QColor("#9a9a9a"))


def format_value(value: Any) -> str:
    """Cell text: floats without trailing zeros or float noise, NULL for missing values."""
    if value is None:
        return "NULL"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return "NULL"
        return f"{float(value):.10g}"
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if value is pd.NA or value is pd.NaT:
        return "NULL"
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    return str(value)


def _is_null(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


class AttributeTableModel(QAbstractTableModel):
    """Rows are the layer's features in GeoDataFrame order; columns its attribute fields.

    Cells are read lazily from per-column numpy views (``Series.to_numpy()``, no copy for
    numeric columns), so opening a 100k-feature table builds no per-row objects.

    Parameters
    ----------
    layer : hljgis.core.layer.VectorLayer, optional
        The layer to show; its ``events.data`` resets the model when the features change.
    """

    def __init__(self, layer=None, parent=None) -> None:
        super().__init__(parent)
        self._layer = None
        self._columns: list[str] = []
        self._arrays: dict[int, np.ndarray] = {}
        self._numeric: list[bool] = []
        self._coded: list[bool] = []
        self.set_layer(layer)

    # -- layer -------------------------------------------------------------------------------
    @property
    def layer(self):
        return self._layer

    @property
    def frame(self) -> pd.DataFrame | None:
        """The layer's GeoDataFrame (the live object, not a copy)."""
        return self._layer.gdf if self._layer is not None else None

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def set_layer(self, layer) -> None:
        """Show another layer (or none); listens to its data event until replaced."""
        if self._layer is not None:
            self._layer.events.data.disconnect(self._on_layer_data_changed)
        self.beginResetModel()
        self._layer = layer
        self._read_columns()
        self.endResetModel()
        if layer is not None:
            layer.events.data.connect(self._on_layer_data_changed)

    def _read_columns(self) -> None:
        self._arrays.clear()
        gdf = self.frame
        if gdf is None:
            self._columns, self._numeric, self._coded = [], [], []
            return
        geom = gdf.geometry.name if hasattr(gdf, "geometry") else None
        self._columns = [c for c in gdf.columns if c != geom]
        self._numeric = [is_numeric(gdf[c]) for c in self._columns]
        specs = self._specs()
        self._coded = [not n and (is_coded(str(c), specs)
                                  or pd.api.types.is_bool_dtype(gdf[c]))
                       for c, n in zip(self._columns, self._numeric, strict=True)]

    def _specs(self):
        """The layer's own field specs (labels and code lists made in hljgis), if any."""
        return getattr(self._layer, "fields", None) or ()

    def display_text(self, row: int, column: int) -> str:
        """A cell as the UI shows it: a code by its label in the UI language."""
        value = self.value(row, column)
        if self._coded[column]:
            label = display_value(str(self._columns[column]), value, current_language(),
                                  self._specs())
            if label is not None:
                return label
        return format_value(value)

    def retranslate(self) -> None:
        """Headers and code labels in the new UI language (filters and sort are kept)."""
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)

    def _on_layer_data_changed(self) -> None:
        self.beginResetModel()
        self._read_columns()
        self.endResetModel()

    def column_series(self, column: int) -> pd.Series:
        """The pandas column behind ``column`` (live, not a copy)."""
        return self.frame[self._columns[column]]

    def column_is_numeric(self, column: int) -> bool:
        return self._numeric[column]

    def _array(self, column: int) -> np.ndarray:
        arr = self._arrays.get(column)
        if arr is None:
            arr = self.column_series(column).to_numpy()
            self._arrays[column] = arr
        return arr

    def value(self, row: int, column: int) -> Any:
        """Raw value at a GeoDataFrame position and column."""
        return self._array(column)[row]

    # -- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() or self.frame is None:
            return 0
        return len(self.frame)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self.data_at(index.row(), index.column(), role)

    def data_at(self, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
        """``data()`` by position, so the proxy skips building a source index."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            text, raw = self.display_text(row, column), format_value(self.value(row, column))
            return text if text == raw else f"{text} ({raw})"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._numeric[column]:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _NULL_BRUSH if _is_null(self.value(row, column)) else None
        if role == Qt.ItemDataRole.FontRole:
            if _is_null(self.value(row, column)):
                font = QFont()
                font.setItalic(True)
                return font
            return None
        if role == VALUE_ROLE:
            return self.value(row, column)
        if role == POSITION_ROLE:
            return row
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(self._columns):
                return None
            name = str(self._columns[section])
            if role == Qt.ItemDataRole.DisplayRole:  # the field's alias in the UI language
                return field_alias(name, current_language(), self._specs())
            if role == Qt.ItemDataRole.ToolTipRole:  # the real name, for expressions
                return f"{name} ({self.column_series(section).dtype})"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def sort_positions(series: pd.Series, positions: np.ndarray, ascending: bool = True) -> np.ndarray:
    """``positions`` reordered by the values of ``series`` at them; missing values last.

    Numbers sort as numbers (2 < 10), text case-insensitively; mixed object columns fall back
    to their text. The sort is stable, so equal values keep their feature order.
    """
    values = series.iloc[positions].reset_index(drop=True)
    if is_numeric(values):
        values = pd.to_numeric(values, errors="coerce").astype(float)
    elif pd.api.types.is_bool_dtype(values):
        values = values.astype("Int8")
    else:
        values = values.astype("string").str.lower()
    order = values.sort_values(ascending=ascending, na_position="last", kind="stable").index
    return positions[order.to_numpy()]


class AttributeProxyModel(QAbstractProxyModel):
    """Sorted and filtered view of an :class:`AttributeTableModel`, held as an index array.

    ``rows[i]`` is the GeoDataFrame position shown at view row ``i``. Sorting (a click on a
    header) is one stable ``argsort`` of the underlying values, so numbers sort numerically;
    :meth:`set_mask` shows only the rows where a boolean array is true.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows = np.zeros(0, dtype=np.int64)
        self._inverse = np.zeros(0, dtype=np.int64)
        self._mask: np.ndarray | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # -- source ------------------------------------------------------------------------------
    def setSourceModel(self, model: AttributeTableModel) -> None:  # noqa: N802
        old = self.sourceModel()
        if old is not None:
            old.modelAboutToBeReset.disconnect(self.beginResetModel)
            old.modelReset.disconnect(self._on_source_reset)
            old.headerDataChanged.disconnect(self._on_source_texts_changed)
        self.beginResetModel()
        super().setSourceModel(model)
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._on_source_reset)
        model.headerDataChanged.connect(self._on_source_texts_changed)
        self._mask = None
        self._sort_column = -1
        self._recompute()
        self.endResetModel()

    def _on_source_texts_changed(self, orientation, first: int, last: int) -> None:
        """New language: headers and every shown cell re-read their text."""
        self.headerDataChanged.emit(orientation, first, last)
        if self._rows.size and self.columnCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(int(self._rows.size) - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.DisplayRole])

    def _on_source_reset(self) -> None:
        self._mask = None
        if self._sort_column >= self.sourceModel().columnCount():
            self._sort_column = -1
        self._recompute()
        self.endResetModel()

    @property
    def rows(self) -> np.ndarray:
        """GeoDataFrame positions in view order (read-only view)."""
        view = self._rows.view()
        view.flags.writeable = False
        return view

    def set_mask(self, mask: np.ndarray | None) -> None:
        """Show only the positions where ``mask`` is true (``None`` shows every row)."""
        self.beginResetModel()
        self._mask = None if mask is None else np.asarray(mask, dtype=bool)
        self._recompute()
        self.endResetModel()

    def _recompute(self) -> None:
        src = self.sourceModel()
        n = src.rowCount() if src is not None else 0
        if self._mask is not None and len(self._mask) == n:
            rows = np.flatnonzero(self._mask).astype(np.int64)
        else:
            rows = np.arange(n, dtype=np.int64)
        if self._sort_column >= 0 and rows.size:
            rows = sort_positions(src.column_series(self._sort_column), rows,
                                  self._sort_order == Qt.SortOrder.AscendingOrder)
        self._rows = rows
        self._inverse = np.full(n, -1, dtype=np.int64)
        self._inverse[rows] = np.arange(rows.size, dtype=np.int64)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort_column = column
        self._sort_order = order
        self._recompute()
        self.layoutChanged.emit()

    def proxy_rows(self, positions) -> np.ndarray:
        """View rows of GeoDataFrame positions (positions filtered out are dropped)."""
        positions = np.asarray(positions, dtype=np.int64)
        positions = positions[(positions >= 0) & (positions < self._inverse.size)]
        rows = self._inverse[positions]
        return rows[rows >= 0]

    # -- Qt proxy API ------------------------------------------------------------------------
    def mapToSource(self, proxy_index):  # noqa: N802
        if not proxy_index.isValid() or self.sourceModel() is None:
            return QModelIndex()
        row = proxy_index.row()
        if row >= self._rows.size:
            return QModelIndex()
        return self.sourceModel().index(int(self._rows[row]), proxy_index.column())

    def mapFromSource(self, source_index):  # noqa: N802
        if not source_index.isValid() or source_index.row() >= self._inverse.size:
            return QModelIndex()
        row = int(self._inverse[source_index.row()])
        return QModelIndex() if row < 0 else self.createIndex(row, source_index.column())

    def index(self, row, column, parent=QModelIndex()):  # noqa: B008
        if parent.isValid() or row < 0 or column < 0 or row >= self._rows.size:
            return QModelIndex()
        if column >= self.columnCount():
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child=None):
        if child is None:
            return super().parent()
        return QModelIndex()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else int(self._rows.size)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        src = self.sourceModel()
        return 0 if parent.isValid() or src is None else src.columnCount()

    def hasChildren(self, parent=QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._rows.size > 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= self._rows.size:
            return None
        return self.sourceModel().data_at(int(self._rows[index.row()]), index.column(), role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        src = self.sourceModel()
        if src is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self._rows.size:
                return str(int(self._rows[section]) + 1)
            return None
        return src.headerData(section, orientation, role)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


__all__ = [
    "POSITION_ROLE", "VALUE_ROLE", "AttributeProxyModel", "AttributeTableModel",
    "format_value", "is_numeric", "sort_positions",
]
