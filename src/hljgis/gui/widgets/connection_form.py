"""The database connection widgets of the PostGIS and shared-store dialogs: the form that
describes a connection (no password kept), and the status line that says how it went.

Both dialogs connect to the bureau's PostgreSQL; one form and one status line keep the
fields, the colours and the wording of an error the same in each.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from hljgis.core.errors import InputError

#: Text colours of the status line: connected, a note, an error.
OK_COLOUR, NOTE_COLOUR, ERROR_COLOUR = "#1a7f37", "#555", "#b00020"


class ConnectionForm(QGroupBox):
    """Host, port, database, user or service; a password for this session only."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        form = QFormLayout()
        box.addLayout(form)
        self.host_edit = QLineEdit()
        self.port_box = QSpinBox()
        self.port_box.setRange(1, 65535)
        self.port_box.setValue(5432)
        self.db_edit = QLineEdit()
        self.user_edit = QLineEdit()
        self.service_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = [QLabel() for _ in range(6)]
        for label, widget in zip(self.labels, (self.host_edit, self.port_box, self.db_edit,
                                               self.user_edit, self.service_edit,
                                               self.password_edit), strict=True):
            form.addRow(label, widget)
        self.password_note = QLabel()
        self.password_note.setWordWrap(True)
        self.password_note.setStyleSheet(f"color: {NOTE_COLOUR}")
        box.addWidget(self.password_note)
        row = QHBoxLayout()
        self.connect_button = QPushButton()
        self.connect_button.setDefault(True)
        row.addWidget(self.connect_button)
        row.addStretch(1)
        box.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        tr = self.tr
        self.setTitle(tr("Connection"))
        for label, text in zip(self.labels, ("Host:", "Port:", "Database:", "User:", "Service:",
                                             "Password:"), strict=True):
            label.setText(tr(text))
        self.host_edit.setPlaceholderText(tr("e.g. gis.bureau.local (empty: this computer)"))
        self.service_edit.setPlaceholderText(tr("or a service name from pg_service.conf"))
        self.password_edit.setPlaceholderText(tr("only for this session; usually left empty"))
        self.password_note.setText(tr(
            "The password is read from ~/.pgpass or the PostgreSQL service file, as in psql "
            "and QGIS. hljgis never stores it in the project."))
        self.connect_button.setText(tr("Connect"))

    def source(self):
        """The connection the fields describe (no password)."""
        from hljgis.io.postgis import make_source

        return make_source(host=self.host_edit.text(), port=self.port_box.value(),
                           dbname=self.db_edit.text(), user=self.user_edit.text(),
                           service=self.service_edit.text())

    def password(self) -> str | None:
        return self.password_edit.text() or None

    def set_source(self, conninfo: str) -> None:
        """Fill the fields from a connection string (e.g. the project's store link)."""
        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(conninfo)
        self.host_edit.setText(str(params.get("host", "")))
        self.port_box.setValue(int(params.get("port") or 5432))
        self.db_edit.setText(str(params.get("dbname", "")))
        self.user_edit.setText(str(params.get("user", "")))
        self.service_edit.setText(str(params.get("service", "")))


class ConnectionStatus(QLabel):
    """The line under a connection form: green when connected, red with what/todo on an
    error, grey for a note. Three lines high so the dialog does not jump when it fills."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _show(self, colour: str, text: str) -> None:
        self.setStyleSheet(f"color: {colour}")
        self.setText(text)

    def show_connected(self, text: str) -> None:
        self._show(OK_COLOUR, text)

    def show_note(self, text: str) -> None:
        self._show(NOTE_COLOUR, text)

    def show_error(self, exc: InputError) -> None:
        """The error's what and todo, in red (copyable: planners paste it to IT)."""
        self._show(ERROR_COLOUR, f"{exc.what}\n{exc.todo}".strip())
