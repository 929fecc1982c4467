"""Open and save projects in the bureau's shared store (PostgreSQL), from the app.

A save against a version another planner has saved over is refused by the store (and kept
there); the planner then chooses: merge the other planner's scenarios and layouts into
this project and save, save this project as a copy, or reload theirs. A broken connection
leaves the last saved version whole; the message says to keep working from a GeoPackage
copy and push it later.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTreeView,
    QVBoxLayout,
)

from hljgis.core.errors import InputError
from hljgis.gui.background import Cancelled, run_in_background
from hljgis.gui.messages import translate_message
from hljgis.gui.widgets.connection_form import ConnectionForm, ConnectionStatus

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class StoreDialog(QDialog):
    """Pick a project of the store to open (``mode="open"``) or a name to save under."""

    def __init__(self, parent=None, *, mode: str = "open", name: str = "",
                 conninfo: str = "") -> None:
        super().__init__(parent)
        self.mode = mode
        self.store = None
        self.resize(680, 520)
        layout = QVBoxLayout(self)
        self.conn_box = ConnectionForm()
        if conninfo:
            self.conn_box.set_source(conninfo)
        self.conn_box.connect_button.clicked.connect(self.connect_to_database)
        layout.addWidget(self.conn_box)
        self.model = QStandardItemModel(self)
        self.view = QTreeView()
        self.view.setRootIsDecorated(False)
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.clicked.connect(self._on_project_clicked)
        self.view.doubleClicked.connect(lambda _i: self.accept_choice())
        layout.addWidget(self.view, 1)
        form = QFormLayout()
        self.name_label = QLabel()
        self.name_edit = QLineEdit(name)
        form.addRow(self.name_label, self.name_edit)
        self.name_label.setVisible(mode == "save")
        self.name_edit.setVisible(mode == "save")
        layout.addLayout(form)
        self.status = ConnectionStatus()
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept_choice)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout.addWidget(self.buttons)
        self._status_text = None
        self._retranslate()

    def _retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("Open project from the database") if self.mode == "open"
                            else tr("Save project to the database"))
        self.conn_box.retranslate()
        self.model.setHorizontalHeaderLabels(
            [tr("Project"), tr("Version"), tr("Saved by"), tr("Saved at"), tr("Title")])
        self.name_label.setText(tr("Save as:"))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("Open") if self.mode == "open" else tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        if self._status_text is not None:
            self.status.setText(self._status_text())

    def _set_status(self, make, ok: bool) -> None:
        """Show ``make()`` under the list (green when connected, red on an error); made again
        after a language switch."""
        self._status_text = make
        self.status.setStyleSheet("color: #1a7f37" if ok else "color: #b00020")
        self.status.setText(make())

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def connect_to_database(self) -> bool:
        """List the store's projects; False (and the message) when that fails."""
        from hljgis.io.project_store import ProjectStore

        self.model.removeRows(0, self.model.rowCount())
        try:
            store = ProjectStore(self.conn_box.source(), password=self.conn_box.password())
            projects = run_in_background(self, self.tr("Connecting..."), store.list)
        except Cancelled:
            return False
        except InputError as exc:
            self.store = None
            self._set_status(lambda e=exc: "\n".join(
                translate_message(t) for t in (e.what, e.todo) if t), ok=False)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self.store = store
        for p in projects:
            name = QStandardItem(p.name)
            name.setData(p.name, NAME_ROLE)
            self.model.appendRow([name, QStandardItem(str(p.version)), QStandardItem(p.saved_by),
                                  QStandardItem(f"{p.saved_at:%Y-%m-%d %H:%M}"),
                                  QStandardItem(p.title)])
        for col in range(5):
            self.view.resizeColumnToContents(col)
        n = len(projects)
        self._set_status(lambda: self.tr("Connected: {n} project(s) in the store.").format(n=n),
                         ok=True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True

    def _on_project_clicked(self, index) -> None:
        if self.mode == "save":
            self.name_edit.setText(index.siblingAtColumn(0).data(NAME_ROLE))

    def chosen_name(self) -> str:
        if self.mode == "save":
            return self.name_edit.text().strip()
        rows = self.view.selectionModel().selectedRows(0)
        return rows[0].data(NAME_ROLE) if rows else ""

    def accept_choice(self) -> None:
        if self.store is not None and self.chosen_name():
            self.accept()


def ask_conflict(parent, exc) -> str | None:
    """"merge", "copy", "reload" or None (cancel) after a refused save."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(parent.tr("Another planner saved first") if parent else "hljgis")
    tr = box.tr
    box.setText(tr("{who} saved '{name}' (version {current}) after you opened version {base}. "
                   "Your save was not written over theirs; it is kept in the database.")
                .format(who=exc.saved_by, name=exc.name, current=exc.current,
                        base=exc.base or "-"))
    box.setInformativeText(tr("Merge: add their scenarios, layouts and new layers to yours "
                              "and save. Copy: save yours under a new name. Reload: open "
                              "their version (yours stays in the database's refused saves)."))
    choices = {
        box.addButton(tr("Merge and save"), QMessageBox.ButtonRole.AcceptRole): "merge",
        box.addButton(tr("Save as a copy"), QMessageBox.ButtonRole.ActionRole): "copy",
        box.addButton(tr("Reload theirs"), QMessageBox.ButtonRole.DestructiveRole): "reload",
    }
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return choices.get(box.clickedButton())


def open_from_store(parent):
    """Ask for a connection and a project; return the project (linked to the store) or None."""
    dialog = StoreDialog(parent, mode="open")
    if not dialog.exec():
        return None
    store, name = dialog.store, dialog.chosen_name()
    try:
        return run_in_background(parent, parent.tr("Opening..."), lambda: store.load(name))
    except Cancelled:
        return None
    except InputError as exc:
        QMessageBox.warning(parent, parent.tr("Cannot open project"), str(exc))
        return None


def save_to_store(parent, session, *, choose=None) -> bool:
    """Save the session's project to the store it came from (or one the planner picks).

    On a refused save the planner chooses (``choose``): merge, copy or reload."""
    from hljgis.io.project_store import LINK_KEY, ProjectStore, StaleProjectError, merge_into

    choose = choose or ask_conflict
    # on this (the GUI) thread: the ranking panel stores its draft scenario in the project,
    # which the store save must include as a file save does
    session.events.about_to_save.emit()
    project = session.project
    link = project.metadata.get(LINK_KEY) or {}
    if link:
        store, name = ProjectStore(f"PG:{link['conninfo']}", schema=link.get("schema",
                                                                            "public")), None
    else:
        dialog = StoreDialog(parent, mode="save",
                             name=str(project.metadata.get("title") or "project"))
        if not dialog.exec():
            return False
        store, name = dialog.store, dialog.chosen_name()
    mode, base = "fail", (True if link else None)
    while True:
        try:
            version = run_in_background(
                parent, parent.tr("Saving to the database..."),
                lambda m=mode, b=base, n=name: store.save(project, n, base_version=b,
                                                          on_conflict=m))
        except Cancelled:
            return False
        except StaleProjectError as exc:
            choice = choose(parent, exc)
            if choice is None:
                return False
            if choice == "reload":
                session.set_project(run_in_background(
                    parent, parent.tr("Opening..."), lambda n=exc.name: store.load(n)))
                return False
            if choice == "merge":
                # fetched on a worker thread, merged here: the project's events reach views
                current, *parts = run_in_background(
                    parent, parent.tr("Saving to the database..."),
                    lambda n=exc.name, b=exc.base: store.merge_parts(n, b))
                merge_into(project, *parts)
                name, base = exc.name, current
            else:
                mode = "copy"
            continue
        except InputError as exc:
            QMessageBox.critical(parent, parent.tr("Save failed"), f"{exc.what}\n\n{exc.todo}")
            return False
        link = project.metadata[LINK_KEY]
        if project.path:  # a GeoPackage copy (pulled, or saved offline) keeps up with the store
            try:
                written = run_in_background(parent, parent.tr("Saving to the database..."),
                                            lambda: session.write_project(project.path))
                session.events.saved.emit(written)
            except (Cancelled, InputError, OSError) as exc:
                QMessageBox.warning(parent, parent.tr("Save failed"), str(exc))
        if parent is not None and hasattr(parent, "statusBar"):
            parent.statusBar().showMessage(
                parent.tr("Saved to the database:") + f" {link['name']} v{version}", 8000)
        return True


def open_project_file(parent, path) -> bool:
    """Open a project file into the window's session; False if the planner cancelled.

    A project with PostGIS layers reads them again from the database (see
    :mod:`hljgis.io.postgis_link`), so it is opened on a worker thread with a progress
    dialog: a slow or absent server (up to the connection timeout) never freezes the window.
    A file saved with a picture of its home view shows that picture while the layers are
    read on a worker thread (:mod:`hljgis.gui.project_preview`).
    Raises InputError as :meth:`Session.open_project` does."""
    from hljgis.gui.project_preview import open_with_preview
    from hljgis.io.project_file import read_project_settings

    session = parent.session
    layers = read_project_settings(path).get("layers", [])
    opened = open_with_preview(parent, path)  # a large project: its picture while it loads
    if opened is not None:
        return opened
    if not any(e.get("postgis") for e in layers):
        session.open_project(path)
        return True
    try:
        project = run_in_background(parent, parent.tr("Opening..."), lambda: session.load(path))
    except Cancelled:
        return False
    session.set_project(project)
    return True

