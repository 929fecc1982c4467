"""The attribute table of a vector layer: sort, filter by text or expression, field statistics,
row selection that follows (and drives) the selection on the map, export of the rows shown
(CSV/XLSX) and Ctrl+C of the selected rows as tab-separated text.

The widget never touches the canvas. It emits :attr:`AttributeTable.selection_changed` with the
selected GeoDataFrame positions when the user selects rows, and the main window calls
:meth:`AttributeTable.set_selection` when the map selection changes.
"""

from __future__ import annotations

import html
import threading

import numpy as np
import pandas as pd
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.aliases import display_value, field_alias
from hljgis.core.expression import ExpressionError, expression_mask
from hljgis.core.table_search import field_statistics, text_mask
from hljgis.gui.i18n import current_language
from hljgis.gui.models.attribute_table_model import (
    AttributeProxyModel,
    AttributeTableModel,
    format_value,
)

#: ExpressionError parameters that are words of ours (type names), not the user's text
_TRANSLATED_PARAMS = ("left", "right", "kind")


#: Tables from this many rows get their text columns ready for search on a thread.
WARM_TEXT_ROWS = 50_000
def _fmt_number(v: float | None) -> str:
    if v is None:
        return "–"
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{v:,.0f}"
    if abs(v) >= 1000:
        return f"{v:,.2f}"
    return f"{v:.4g}"


class AttributeTable(QWidget):
    """Table of a vector layer's attributes with filters, statistics and linked selection.

    Parameters
    ----------
    layer : VectorLayer, optional
        The layer to show; :meth:`set_layer` changes it.

    Signals
    -------
    selection_changed(object)
        numpy int64 array of GeoDataFrame positions the user selected in the table.
    """

    selection_changed = Signal(object)

    def __init__(self, layer=None, parent=None) -> None:
        super().__init__(parent)
        self._selected = np.zeros(0, dtype=np.int64)
        self._syncing = False
        self._text_cache: dict[str, pd.Series] = {}
        self._stats_column = -1
        self._expression_valid = True

        self.model = AttributeTableModel(parent=self)
        self.proxy = AttributeProxyModel(self)
        self.proxy.setSourceModel(self.model)

        self.text_filter = QLineEdit()
        self.text_filter.setClearButtonEnabled(True)
        self.expression = QLineEdit()
        self.expression.setClearButtonEnabled(True)
        self.selected_only = QCheckBox()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020; padding: 2px 4px;")
        self.error_label.hide()
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555555;")

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vheader = self.view.verticalHeader()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        hheader = self.view.horizontalHeader()
        hheader.setResizeContentsPrecision(200)
        hheader.setHighlightSections(False)

        self.stats_title = QLabel()
        self.stats_title.setStyleSheet("font-weight: bold;")
        self.stats_title.setWordWrap(True)  # long aliases wrap instead of being cut
        self.stats_body = QLabel()
        self.stats_body.setTextFormat(Qt.TextFormat.RichText)
        self.stats_body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stats_body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stats_body.setWordWrap(True)
        stats = QWidget()
        stats_layout = QVBoxLayout(stats)
        stats_layout.setContentsMargins(8, 4, 4, 4)
        stats_layout.addWidget(self.stats_title)
        stats_layout.addWidget(self.stats_body, 1)
        stats.setMinimumWidth(170)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(stats)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        bar = QHBoxLayout()
        bar.addWidget(self.text_filter, 2)
        bar.addWidget(self.expression, 3)
        bar.addWidget(self.selected_only)
        self.export_button = QPushButton()
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.error_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(200)

        self._text_timer.timeout.connect(self._refilter)
        self.text_filter.textChanged.connect(self._on_text_filter_changed)
        self.expression.returnPressed.connect(self._on_expression_changed)
        self.expression.textChanged.connect(self._on_expression_text_changed)
        self.selected_only.toggled.connect(self._on_selected_only_changed)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        hheader.sectionClicked.connect(self._on_stats_column_changed)
        self.proxy.layoutChanged.connect(self._on_proxy_layout_changed)
        self.export_button.clicked.connect(lambda: self.export_table())
        self.copy_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Copy), self.view,
                                       context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_shortcut.activated.connect(self.copy_selected_rows)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_view_menu)

        self._retranslate()
        self.set_layer(layer)

    # -- public API --------------------------------------------------------------------------
    @property
    def layer(self):
        return self.model.layer

    def set_layer(self, layer) -> None:
        """Show ``layer``'s attributes (filters are cleared, its selection is shown)."""
        old = self.model.layer
        if old is not None:
            old.events.data.disconnect(self._on_layer_data_changed)
        self._text_cache = {}  # a new dict: a warm-up thread still filling the old one
        for box in (self.text_filter, self.expression):
            box.blockSignals(True)
            box.clear()
            box.blockSignals(False)
        self._show_error("")
        self.model.set_layer(layer)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._selected = (np.unique(np.asarray(layer.selection, dtype=np.int64))
                          if layer is not None else np.zeros(0, dtype=np.int64))
        if layer is not None:
            layer.events.data.connect(self._on_layer_data_changed)
            self.view.resizeColumnsToContents()
            for c in range(self.model.columnCount()):
                if self.view.columnWidth(c) > 260:
                    self.view.setColumnWidth(c, 260)
        self._stats_column = 0 if self.model.columnCount() else -1
        self._warm_text_cache()
        self._refilter()

    def _warm_text_cache(self) -> None:
        """Turn the text columns of a big table into searchable Arrow text on a thread
        while the planner reads it (Arrow works without the GIL): the first search of a
        million rows then finds them ready. Numeric columns wait for a numeric search."""
        frame = self.model.frame
        if frame is None or len(frame) < WARM_TEXT_ROWS:
            return
        args = (frame, list(self.model.columns), "\x00", self._text_cache,
                current_language(), getattr(self.layer, "fields", None))
        threading.Thread(target=text_mask, args=args, name="hljgis-table-text",
                         daemon=True).start()

    @property
    def selected_positions(self) -> np.ndarray:
        """GeoDataFrame positions currently selected (sorted, unique)."""
        return self._selected.copy()

    @property
    def visible_positions(self) -> np.ndarray:
        """GeoDataFrame positions of the rows shown, in view order."""
        return np.array(self.proxy.rows)

    def set_selection(self, positions) -> None:
        """Select rows by GeoDataFrame position (from the map); does not emit
        :attr:`selection_changed`, so map and table cannot ping-pong."""
        self._selected = np.unique(np.asarray(positions, dtype=np.int64).ravel())
        if self.selected_only.isChecked():
            self._refilter()
        else:
            self._apply_selection_to_view()
            self._update_count()

    def set_text_filter(self, text: str) -> None:
        """Filter now (no typing delay) by text found in any field."""
        self.text_filter.setText(text)
        self._text_timer.stop()
        self._refilter()

    def set_expression(self, expr: str) -> bool:
        """Filter by an expression now; returns False (and shows why) when it is invalid."""
        self.expression.setText(expr)
        self._on_expression_changed()
        return self._expression_valid

    @property
    def error_text(self) -> str:
        """The message shown under the filters (empty when the expression is valid)."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def statistics(self) -> dict:
        """Statistics of the current field over the rows shown (see :func:`field_statistics`)."""
        if self._stats_column < 0 or self.layer is None:
            return {}
        series = self.model.column_series(self._stats_column)
        return field_statistics(series.iloc[self.proxy.rows])

    def set_statistics_column(self, column: int | str) -> None:
        """Show statistics of a field, by index or name."""
        if isinstance(column, str):
            column = self.model.columns.index(column)
        self._on_stats_column_changed(column)

    # -- export and copy -----------------------------------------------------------------------
    def shown_frame(self, positions=None) -> pd.DataFrame:
        """The rows shown (or ``positions``), in view order: attributes plus lon/lat (WGS84)
        of a point inside each feature."""
        from hljgis.io.table_export import with_location

        rows = self.visible_positions if positions is None else np.asarray(positions)
        return with_location(self.layer.gdf.iloc[rows])

    def selected_rows_text(self) -> str:
        """Selected rows shown, in view order, as tab-separated text with a header row; codes
        by their labels in the UI language, as the table shows them."""
        from hljgis.io.table_export import label_codes, table_text

        rows = self.visible_positions
        rows = rows[np.isin(rows, self._selected)]
        frame = label_codes(self.layer.gdf.iloc[rows][self.model.columns], current_language(),
                            getattr(self.layer, "fields", None))
        return table_text(frame, format_value)

    def copy_selected_rows(self) -> int:
        """Put the selected rows on the clipboard (pastes into Excel/WPS); returns the count."""
        if self.layer is None:
            return 0
        text = self.selected_rows_text()
        QGuiApplication.clipboard().setText(text)
        return text.count("\n") - 1

    def export_table(self, path: str | None = None, raw_codes: bool = False):
        """Write the rows shown (filters applied, in view order) to CSV or XLSX, codes as
        their labels in the UI language as the table shows them ("省级", not
        ``provincial``), or as stored with ``raw_codes`` (for another GIS to read back)."""
        from pathlib import Path

        from hljgis.core.errors import InputError
        from hljgis.gui.background import Cancelled, run_with_progress
        from hljgis.gui.table_file_dialog import ask_table_path
        from hljgis.io.table_export import label_codes, write_table

        if self.layer is None:
            return None
        path = path or ask_table_path(self, self.tr("Export table"), f"{self.layer.name}.xlsx")
        if not path:
            return None
        positions = self.visible_positions

        writing = self.tr("Writing") + f" {Path(path).name} ..."  # tr on the GUI thread
        lang = current_language()

        def work(progress):  # rows cancellable, saving the file not
            def report(fraction: float, _message: str, cancellable: bool = True) -> None:
                progress(fraction, writing, cancellable)

            frame = self.shown_frame(positions)
            if not raw_codes:
                frame = label_codes(frame, lang, getattr(self.layer, "fields", None))
            return write_table(frame, path, sheet=self.layer.name, progress=report)

        try:
            return run_with_progress(self, self.tr("Exporting") + f" {Path(path).name} ...",
                                     work)
        except Cancelled:
            return None
        except (InputError, OSError) as exc:
            from hljgis.gui.dialogs.export_dialogs import show_error

            show_error(self, self.tr("Export failed"), exc)
            return None

    def _on_view_menu(self, pos) -> None:
        menu = QMenu(self.view)
        copy = menu.addAction(self.tr("Copy selected rows"), self.copy_selected_rows)
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setEnabled(self._selected.size > 0)
        menu.addAction(self.tr("Export table..."), lambda: self.export_table())
        menu.addAction(self.tr("Export table with raw codes..."),
                       lambda: self.export_table(raw_codes=True))
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # -- filtering ---------------------------------------------------------------------------
    def _on_text_filter_changed(self, _text: str) -> None:
        self._text_timer.start()

    def _on_expression_text_changed(self, text: str) -> None:
        if not text.strip() and self.proxy.rowCount() != self.model.rowCount():
            self._on_expression_changed()

    def _on_expression_changed(self) -> None:
        self._refilter()

    def _on_selected_only_changed(self, _checked: bool) -> None:
        self._refilter()

    def _on_layer_data_changed(self) -> None:
        self._text_cache = {}
        self._warm_text_cache()
        self._selected = np.zeros(0, dtype=np.int64)
        self._refilter()

    def _refilter(self) -> None:
        """One boolean mask from the text, the expression and "selected only" (vectorised)."""
        frame = self.model.frame
        if frame is None:
            self.proxy.set_mask(None)
            self._update_stats()
            self._update_count()
            return
        mask = text_mask(frame, self.model.columns, self.text_filter.text(), self._text_cache,
                         current_language(), getattr(self.layer, "fields", None))
        self._expression_valid = True
        expr = self.expression.text()
        if expr.strip():
            try:
                mask &= expression_mask(frame, expr)
                self._show_error("")
            except ExpressionError as exc:
                self._expression_valid = False
                params = {k: self.tr(v) if k in _TRANSLATED_PARAMS else v
                          for k, v in exc.params.items()}
                message = self.tr(exc.template).format(**params)
                self._show_error(self.tr("Expression not applied: {message}")
                                 .format(message=message))
        else:
            self._show_error("")
        if self.selected_only.isChecked():
            chosen = np.zeros(len(frame), dtype=bool)
            chosen[self._selected[self._selected < len(frame)]] = True
            mask &= chosen
        self.proxy.set_mask(None if mask.all() else mask)
        self._apply_selection_to_view()
        self._update_stats()
        self._update_count()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        self.expression.setStyleSheet("border: 1px solid #b00020;" if text else "")

    # -- selection ---------------------------------------------------------------------------
    def _apply_selection_to_view(self) -> None:
        """Select the view rows of ``self._selected`` as a few contiguous ranges."""
        rows = np.sort(self.proxy.proxy_rows(self._selected))
        selection = QItemSelection()
        last = self.proxy.columnCount() - 1
        if rows.size and last >= 0:
            breaks = np.flatnonzero(np.diff(rows) != 1)
            starts = np.concatenate(([rows[0]], rows[breaks + 1]))
            ends = np.concatenate((rows[breaks], [rows[-1]]))
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                selection.select(self.proxy.index(a, 0), self.proxy.index(b, last))
        self._syncing = True
        try:
            self.view.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._syncing = False

    def _on_view_selection_changed(self, _selected, _deselected) -> None:
        if self._syncing:
            return
        rows = self.proxy.rows
        parts = [np.arange(r.top(), r.bottom() + 1) for r in self.view.selectionModel().selection()]
        picked = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        picked = picked[picked < rows.size]
        self._selected = np.unique(rows[picked]).astype(np.int64)
        self._update_count()
        self.selection_changed.emit(self._selected.copy())

    def _on_proxy_layout_changed(self) -> None:
        self._apply_selection_to_view()

    # -- statistics --------------------------------------------------------------------------
    def _on_current_changed(self, current, _previous) -> None:
        if current.isValid() and current.column() != self._stats_column:
            self._on_stats_column_changed(current.column())

    def _on_stats_column_changed(self, column: int) -> None:
        self._stats_column = column
        self._update_stats()

    def _update_stats(self) -> None:
        if self._stats_column < 0 or self.layer is None:
            self.stats_title.setText(self.tr("Field statistics"))
            self.stats_body.setText(self.tr("Click a column to see its statistics."))
            return
        name = str(self.model.columns[self._stats_column])
        stats = self.statistics()
        lang, specs = current_language(), getattr(self.layer, "fields", None)
        alias = field_alias(name, lang, specs)
        self.stats_title.setText(self.tr("Field statistics: {field}").format(
            field=alias if alias == name else f"{alias} ({name})"))
        rows = [(self.tr("Rows shown"), f"{len(self.proxy.rows):,}"),
                (self.tr("Count"), f"{stats['count']:,}"),
                (self.tr("Missing (NULL)"), f"{stats['nulls']:,}")]
        if stats["kind"] == "number":
            rows += [(self.tr("Minimum"), _fmt_number(stats["min"])),
                     (self.tr("Maximum"), _fmt_number(stats["max"])),
                     (self.tr("Mean"), _fmt_number(stats["mean"])),
                     (self.tr("Median"), _fmt_number(stats["median"])),
                     (self.tr("Sum"), _fmt_number(stats["sum"]))]
            extra = ""
        else:
            rows.append((self.tr("Distinct values"), f"{stats['distinct']:,}"))
            top = "".join(
                f"<tr><td>{html.escape(display_value(name, v, lang, specs) or str(v))}</td>"
                f"<td align='right'>&nbsp;{n:,}</td></tr>" for v, n in stats["top"])
            extra = (f"<p style='margin-top:6px'><b>{html.escape(self.tr('Most frequent'))}"
                     f"</b></p><table cellspacing='0' cellpadding='1'>{top}</table>"
                     if top else "")
        body = "".join(f"<tr><td style='color:#555555'>{html.escape(k)}</td>"
                       f"<td align='right'>&nbsp;&nbsp;{html.escape(v)}</td></tr>"
                       for k, v in rows)
        self.stats_body.setText(f"<table cellspacing='0' cellpadding='1'>{body}</table>{extra}")

    def _update_count(self) -> None:
        total = self.model.rowCount()
        self.count_label.setText(
            self.tr("{shown} of {total} features shown, {selected} selected").format(
                shown=f"{self.proxy.rowCount():,}", total=f"{total:,}",
                selected=f"{self._selected.size:,}"))

    # -- language ----------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.text_filter.setPlaceholderText(self.tr("Search all fields…"))
        self.expression.setPlaceholderText(
            self.tr("Expression, e.g. \"area_km2\" > 5 AND \"status\" = 'cleared' "
                    "(Enter applies)"))
        self.expression.setToolTip(self.tr(
            "QGIS-style expression: field names in \"double quotes\", text in 'single "
            "quotes'; = <> < > <= >=, AND, OR, NOT, IN ('a', 'b'), LIKE / ILIKE '%text%', "
            "IS NULL, IS NOT NULL; functions lower, upper, length, abs, round, substr, "
            "coalesce, to_int, to_real, to_string"))
        self.selected_only.setText(self.tr("Selected only"))
        self.selected_only.setToolTip(self.tr("Show only the features selected on the map"))
        self.export_button.setText(self.tr("Export table..."))
        self.export_button.setToolTip(self.tr("The rows shown (filters applied) as CSV or "
                                              "XLSX; Ctrl+C copies the selected rows"))
        self._update_stats()
        self._update_count()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.model.retranslate()
            if not self._expression_valid:
                self._refilter()
        super().changeEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.set_layer(None)
        super().closeEvent(event)


__all__ = ["AttributeTable", "ExpressionError", "expression_mask", "field_statistics",
           "text_mask"]
