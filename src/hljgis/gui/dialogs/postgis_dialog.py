"""Add layers from the bureau's PostGIS database: connection fields, a browser of schemas and
spatial tables, or a SQL query. The password comes from ~/.pgpass or the service file; a
password typed here serves this session only and is never stored in the project."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.errors import InputError
from hljgis.gui.background import Cancelled, run_in_background
from hljgis.gui.widgets.connection_form import ConnectionForm, ConnectionStatus

TABLE_ROLE = Qt.ItemDataRole.UserRole + 1
ROWS_ROLE = Qt.ItemDataRole.UserRole + 2
#: From this many rows (the server's estimate) a table is read only in the map view unless
#: the planner unticks it: a whole province of parcels would take minutes and gigabytes.
LARGE_ROWS = 200_000


class PostgisDialog(QDialog):
    """Connect, browse, and read the chosen tables (or one query) into layers.

    Parameters
    ----------
    extent : (minx, miny, maxx, maxy), optional
        The map view, offered as "only features in the current view" (the server filters).
    extent_crs : CRS-like, optional
        CRS of ``extent``.
    """

    def __init__(self, parent=None, *, extent=None, extent_crs=None) -> None:
        super().__init__(parent)
        self._extent, self._extent_crs = extent, extent_crs
        self._source = None
        self._layers: list = []
        self.resize(720, 560)
        layout = QVBoxLayout(self)

        self.conn_box = ConnectionForm()
        self.conn_box.connect_button.clicked.connect(self.connect_to_database)
        for attr in ("host_edit", "port_box", "db_edit", "user_edit", "service_edit",
                     "password_edit"):
            setattr(self, attr, getattr(self.conn_box, attr))
        layout.addWidget(self.conn_box)

        self.tabs = QTabWidget()
        self.model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.doubleClicked.connect(lambda _i: self.add_selected())
        self.query_page = QWidget()
        q = QFormLayout(self.query_page)
        self.sql_edit = QPlainTextEdit()
        self.sql_edit.setPlaceholderText(
            "SELECT id, name, geom FROM survey.parcels WHERE area_ha > 5")
        self.query_name_edit = QLineEdit("query")
        self.sql_label, self.query_name_label = QLabel(), QLabel()
        q.addRow(self.sql_label, self.sql_edit)
        q.addRow(self.query_name_label, self.query_name_edit)
        self.tabs.addTab(self.tree, "")
        self.tabs.addTab(self.query_page, "")
        layout.addWidget(self.tabs, 1)

        self.view_only = QCheckBox()
        self.view_only.setEnabled(extent is not None)
        layout.addWidget(self.view_only)
        self.status = ConnectionStatus()
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.add_selected)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout.addWidget(self.buttons)
        self._retranslate()

    # -- texts ----------------------------------------------------------------------------------
    def _retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("Add PostGIS layers"))
        self.conn_box.retranslate()
        self.model.setHorizontalHeaderLabels(
            [tr("Schema / table"), tr("Geometry"), tr("SRID"), tr("Rows (estimate)")])
        self.tabs.setTabText(0, tr("Tables"))
        self.tabs.setTabText(1, tr("SQL query"))
        self.sql_label.setText(tr("Query:"))
        self.query_name_label.setText(tr("Layer name:"))
        self.view_only.setText(tr("Only features in the current map view (faster for large "
                                  "tables)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Add layers"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # -- actions --------------------------------------------------------------------------------
    def source(self):
        """The connection the fields describe (no password)."""
        return self.conn_box.source()

    def _password(self) -> str | None:
        return self.conn_box.password()

    def connect_to_database(self) -> bool:
        """List the database's spatial tables in the browser; False (and a message) on error."""
        from hljgis.io.postgis import list_tables

        self.model.removeRows(0, self.model.rowCount())
        try:
            src = self.source()
            tables = run_in_background(self, self.tr("Connecting..."),
                                       lambda: list_tables(src, password=self._password()))
        except Cancelled:
            return False
        except InputError as exc:
            self._show_error(exc)
            self._source = None
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self._source = src
        schemas: dict[str, QStandardItem] = {}
        for t in tables:
            parent = schemas.get(t.schema)
            if parent is None:
                parent = schemas[t.schema] = QStandardItem(t.schema)
                parent.setSelectable(False)
                self.model.appendRow([parent, *(QStandardItem() for _ in range(3))])
            item = QStandardItem(t.table)
            item.setData(t.qualified, TABLE_ROLE)
            item.setData(t.rows, ROWS_ROLE)
            rows = QStandardItem(f"{t.rows:,}" if t.rows >= 0 else self.tr("not counted yet"))
            rows.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            parent.appendRow([item, QStandardItem(t.geometry_type.title()),
                              QStandardItem(str(t.srid)), rows])
        self.tree.expandAll()
        self.tree.selectionModel().selectionChanged.connect(self._on_selection_changed)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        for col in range(1, 4):
            header.setSectionResizeMode(col, header.ResizeMode.ResizeToContents)
        self.status.show_connected(self.tr("Connected: {n} spatial table(s) in {schemas} "
                                           "schema(s).").format(n=len(tables),
                                                                schemas=len(schemas)))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True

    def _on_selection_changed(self, *_args) -> None:
        rows = self.tree.selectionModel().selectedRows(0)
        if self._extent is not None and any((i.data(ROWS_ROLE) or 0) >= LARGE_ROWS
                                            for i in rows):
            self.view_only.setChecked(True)
            self.status.show_note(self.tr("Large table: only the features in the map view will "
                                        "be read (untick to read them all)."))

    def selected_tables(self) -> list[str]:
        rows = self.tree.selectionModel().selectedRows(0)
        return [t for t in (i.data(TABLE_ROLE) for i in rows) if t]

    def add_selected(self) -> list:
        """Read the selected tables (or the query) into layers and accept; the layers are in
        :meth:`layers`. Errors are shown and the dialog stays open."""
        from hljgis.core.layer import VectorLayer
        from hljgis.io.postgis import _read_now, with_table
        from hljgis.io.postgis_sync import open_for_editing

        if self._source is None:
            return []
        on_query = self.tabs.currentIndex() == 1
        if on_query:
            from dataclasses import replace

            text = self.sql_edit.toPlainText().strip()
            if not text:
                self._show_error(InputError(self.tr("Write a query first.")))
                return []
            jobs = [(replace(self._source, sql=text), self.query_name_edit.text() or "query")]
        else:
            jobs = [(with_table(self._source, t), t.rpartition(".")[2])
                    for t in self.selected_tables()]
            if not jobs:
                self._show_error(InputError(self.tr("Select one or more tables first.")))
                return []
        bbox = self._extent if self.view_only.isChecked() else None
        password = self._password()

        def read() -> list:
            layers = []
            for src, name in jobs:
                # a table with a key is read with its row versions: edits can be saved back
                gdf, link = open_for_editing(src, bbox=bbox, bbox_crs=self._extent_crs,
                                             password=password)
                layer = VectorLayer(gdf, name, title=name, source_path=src.text())
                layer.db_link = link
                layer.postgis_read_at = _read_now()
                layer.notes.append(f"read from PostGIS: {src.describe()}"
                                   + (" (only the map view)" if bbox is not None else ""))
                layers.append(layer)
            return layers

        try:
            self._layers = run_in_background(self, self.tr("Reading from the database..."), read)
        except Cancelled:
            return []
        except InputError as exc:
            self._show_error(exc)
            return []
        self.accept()
        return self._layers

    def layers(self) -> list:
        """The layers read when the planner pressed Add layers."""
        return list(self._layers)

    def _show_error(self, exc: InputError) -> None:
        self.status.show_error(exc)
