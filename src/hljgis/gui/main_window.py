"""The main window: assembles the canvas, docks, menus and status bar around a Session.

Assembly only: every change to the project goes through :class:`hljgis.core.session.Session`;
the widgets live in ``gui/widgets`` and the actions are declared in ``gui/actions.py``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox

from hljgis import __version__
from hljgis.core.crs import CGCS2000, transform_bounds
from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.query import features_in_box, identify
from hljgis.core.session import Session
from hljgis.core.text import Text
from hljgis.gui import actions as A
from hljgis.gui import context_menus, data_import, window_layout
from hljgis.gui.context_menus import recent_projects
from hljgis.gui.i18n import LANGUAGES, current_language, set_language
from hljgis.gui.messages import StatusMessages, error_text
from hljgis.gui.widgets.identify_panel import IdentifyPanel
from hljgis.gui.widgets.layer_panel import LayerPanel
from hljgis.gui.widgets.map_canvas import MapCanvas

PROJECT_FILTER = "hljgis project (*.hljgis.gpkg)"


class MainWindow(QMainWindow):
    """The hljgis desktop window."""

    def __init__(self, lang: str = "en", session: Session | None = None) -> None:
        super().__init__()
        from PySide6.QtWidgets import QApplication

        from hljgis.gui.app import use_bundled_font
        from hljgis.io.project_file import load_project, save_project

        use_bundled_font(QApplication.instance())

        from hljgis.gui.project_preview import save_preview_maker

        # a saved large project keeps a picture of its home view, shown while it reopens
        self.preview_maker = save_preview_maker(self)
        self.session = session or Session(loader=load_project, saver=partial(
            save_project, preview=self.preview_maker))
        self.canvas = MapCanvas(self)
        self.setCentralWidget(self.canvas)
        self.layer_panel = LayerPanel(self.session, self)
        self.identify_panel = IdentifyPanel(self)
        self.docks = {
            "layers": self._dock(self.layer_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            "identify": self._dock(self.identify_panel, Qt.DockWidgetArea.RightDockWidgetArea),
        }
        self.docks["identify"].hide()
        from hljgis.gui.layer_views import LayerViews

        self.views = LayerViews(self)
        window_layout.arrange_docks(self)  # docks scroll and tab instead of growing the window
        context_menus.install(self)  # map menu, layer "Save as...", file drops
        self.actions_by_key: dict[str, QAction] = {}
        self._to_metric = None  # (Transformer, label) for the status-bar coordinates
        self._menus: list[tuple[QMenu, str]] = []
        self._build_menus()
        self._build_status_bar()
        self._connect()
        from hljgis.gui.editing.toolbar import EditToolbar

        self.editing = EditToolbar(self)
        from hljgis.gui.widgets.planning_year import PlanningYearBox

        self.planning_year = PlanningYearBox.install(self)  # issue #13: the user's year
        from hljgis.gui.autosave_timer import AutosaveTimer

        self.autosave = AutosaveTimer(self)  # the recovery copy, written off-thread
        set_language(lang)
        self.retranslate()
        self.set_project(self.session.project)

    # -- assembly ------------------------------------------------------------------------------
    def _dock(self, widget, area) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(type(widget).__name__)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        tools = QActionGroup(self)
        for title, specs in A.MENUS:
            menu = self.menuBar().addMenu(title)
            self._menus.append((menu, title))
            for spec in specs:
                action = QAction(self)
                action.setCheckable(spec.checkable)
                if spec.shortcut:
                    action.setShortcut(QKeySequence(spec.shortcut))
                if spec.slot == "set_tool":
                    action.triggered.connect(lambda _=False, k=spec.key: self.set_tool(k))
                else:
                    action.triggered.connect(getattr(self, spec.slot))
                if spec.checkable:
                    tools.addAction(action)
                menu.addAction(action)
                self.actions_by_key[spec.key] = action
            if title == "&Project":
                self.export_menu = QMenu(self)  # Project > Export
                menu.insertMenu(self.actions_by_key["quit"], self.export_menu)
                for spec in A.EXPORT_ACTIONS:
                    action = self.export_menu.addAction("")
                    action.triggered.connect(getattr(self, spec.slot))
                    self.actions_by_key[spec.key] = action
                self.recent_menu = QMenu(self)
                menu.insertMenu(self.actions_by_key["save"], self.recent_menu)
                self.recent_menu.aboutToShow.connect(self._fill_recent)
            if title == "&View":
                self.bookmark_menu = menu.addMenu("")
                self.docks_menu = menu.addMenu("")
                for dock in self.docks.values():
                    self.docks_menu.addAction(dock.toggleViewAction())
        self.language_menu = self.menuBar().addMenu("")
        for code, name in LANGUAGES.items():
            self.language_menu.addAction(name, lambda c=code: self.switch_language(c))
        self.actions_by_key["pan"].setChecked(True)
        toolbar = self.addToolBar("main")
        toolbar.setObjectName("main_toolbar")
        for key in ("open", "save", "add_data", "zoom_full", "pan", "zoom_box", "identify",
                    "measure_line", "measure_area", "select", "table", "style"):
            toolbar.addAction(self.actions_by_key[key])
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        self.coords_label = QLabel()
        self.scale_label = QLabel()
        self.measure_label = QLabel()
        self.illustrative_label = QLabel()
        self.illustrative_label.setStyleSheet("color: #b35806; font-weight: bold")
        for label in (self.illustrative_label, self.measure_label, self.coords_label,
                      self.scale_label):
            self.statusBar().addPermanentWidget(label)
        self.status = StatusMessages(self.statusBar())  # re-rendered on a language switch

    def _connect(self) -> None:
        self.session.events.project_changed.connect(self.set_project)
        self.session.events.undo_changed.connect(self._on_undo_changed)
        self.canvas.cursor_moved.connect(self._on_cursor_moved)
        self.canvas.scale_changed.connect(self._on_scale_changed)
        self.canvas.identify_requested.connect(self._on_identify)
        self.canvas.rectangle_selected.connect(self._on_rectangle_selected)
        self.canvas.measured.connect(self.measure_label.setText)
        self.layer_panel.zoom_to_layer.connect(self.zoom_to_layer)
        self.layer_panel.style_requested.connect(self.style_layer)
        self.layer_panel.table_requested.connect(self.open_table)
        self.layer_panel.replace_requested.connect(self.replace_layer_data)

    def retranslate(self) -> None:
        """Re-read every visible text (called on start and on a language switch)."""
        for specs in (s for _, s in A.MENUS):
            for spec in specs:
                action = self.actions_by_key[spec.key]
                action.setText(A.tr(spec.text))
                action.setToolTip(A.tr(spec.tip or spec.text))
        for spec in A.EXPORT_ACTIONS:
            self.actions_by_key[spec.key].setText(A.tr(spec.text))
            self.actions_by_key[spec.key].setToolTip(A.tr(spec.tip or spec.text))
        self.export_menu.setTitle(A.tr("Export"))
        for menu, title in self._menus:
            menu.setTitle(A.tr(title))
        self.bookmark_menu.setTitle(A.tr("Bookmarks"))
        self.recent_menu.setTitle(A.tr("Recent projects"))
        self.docks_menu.setTitle(A.tr("Panels"))
        self.language_menu.setTitle(A.tr("Language / 语言"))
        self.docks["layers"].setWindowTitle(A.tr("Layers"))
        self.docks["identify"].setWindowTitle(A.tr("Identify results"))
        self.toolbar.setWindowTitle(A.tr("Main toolbar"))
        self.identify_panel.retranslate()
        self.views.retranslate()
        self.status.retranslate()
        self._update_title()
        self._fill_bookmarks()
        self._on_undo_changed()
        self._update_illustrative()
        if self.canvas.project is not None:
            self._on_scale_changed(self.canvas.scale_denominator())

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and self.actions_by_key:
            self.retranslate()
        super().changeEvent(event)

    def switch_language(self, lang: str) -> None:
        set_language(lang)  # Qt also posts LanguageChange to every widget
        QSettings().setValue("language", lang)
        self.retranslate()
        self.layer_panel.model.refresh()

    def fit_layer_panel(self) -> None:
        """Widen the layer tree to its longest name, within about a fifth of the window."""
        width = window_layout.left_dock_width(self, self.layer_panel.wanted_width())
        self.resizeDocks([self.docks["layers"]], [width], Qt.Orientation.Horizontal)

    # -- project -------------------------------------------------------------------------------
    def set_project(self, project: Project) -> None:
        if self.session.project is not project:
            self.session.set_project(project)  # re-enters through project_changed
            return
        self._to_metric = None
        self.canvas.set_project(project)
        self.views.set_project(project)
        self.fit_layer_panel()
        home = project.bookmarks.get(project.metadata.get("home_bookmark", "region"))
        if home:
            self.go_to_bookmark(home)
        project.events.changed.connect(self._on_project_changed)
        project.events.layer_added.connect(self._on_project_changed)
        project.events.layer_removed.connect(self._on_project_changed)
        self._update_title()
        self._fill_bookmarks()
        self._update_illustrative()

    def _on_project_changed(self, *args) -> None:
        self._update_title()
        self._update_illustrative()

    def _update_title(self) -> None:
        p = self.session.project
        title = Text.of(p.metadata, "title").get(current_language())
        link = p.metadata.get("db_store")  # a project of the shared store: name and version
        name = Path(p.path).name if p.path else \
            (f"{link['name']} v{link['version']}" if link else A.tr("unsaved"))
        self.setWindowTitle(f"{'*' if p.dirty else ''}{title} ({name}) - hljgis {__version__}")

    def _update_illustrative(self) -> None:
        shown = bool(self.session.project.illustrative_layers)
        self.illustrative_label.setText(
            A.tr("Map contains illustrative data (not survey records)") if shown else "")

    def _fill_bookmarks(self) -> None:
        self.bookmark_menu.clear()
        lang = current_language()
        for key, mark in self.session.project.bookmarks.items():
            text = Text.of(mark, "title").get(lang) or key
            self.bookmark_menu.addAction(text, lambda m=mark: self.go_to_bookmark(m))

    def go_to_bookmark(self, mark: dict) -> None:
        bounds = transform_bounds(mark["bounds"], mark.get("crs"), self.session.project.crs)
        self.canvas.zoom_to(bounds, pad=0.03)

    def new_project(self) -> None:
        if self.maybe_save():
            self.session.new_project()

    def open_project(self, path: str | None = None) -> None:
        if not self.maybe_save():
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, A.tr("Open project"), "",
                                                  PROJECT_FILTER)
        if path:
            try:
                from hljgis.gui.dialogs.store_dialog import open_project_file

                if open_project_file(self, path):
                    self._remember_recent(path)
                    self._show_layer_notes()
            except InputError as exc:
                QMessageBox.warning(self, A.tr("Cannot open project"), error_text(exc))

    def save_project(self) -> bool:
        if not self.session.project.path:
            if self.session.project.metadata.get("db_store"):
                return self.save_to_database()
            return self.save_project_as()
        return self._save(self.session.project.path)

    def save_project_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self, A.tr("Save project as"), "", PROJECT_FILTER)
        if not path:
            return False
        if not path.endswith(".hljgis.gpkg"):
            path = path.removesuffix(".gpkg") + ".hljgis.gpkg"
        return self._save(path)

    def _save(self, path: str, overwrite: bool = False) -> bool:
        from hljgis.io.project_file import ProjectChangedOnDisk, save_project

        self.editing.save_database_edits_on_save()
        try:
            if overwrite:
                save_project(self.session.project, path, overwrite_changes=True,
                             preview=self.preview_maker)
            else:
                self.session.save_project(path)
        except ProjectChangedOnDisk:
            return self._on_changed_on_disk(path)
        except (InputError, OSError) as exc:
            QMessageBox.critical(self, A.tr("Save failed"), error_text(exc) + "\n\n" +
                                 A.tr("Your previous file was not changed."))
            return False
        self._remember_recent(path)
        self.autosave.autosaver.discard()  # waits for a running write, then deletes the copy
        self._update_title()
        self.status.show(lambda: A.tr("Saved") + f" {path}", 5000)
        return True

    def _on_changed_on_disk(self, path: str) -> bool:
        """Another program wrote the project file since it was opened: the planner chooses."""
        choice = self.ask_changed_on_disk(path)
        if choice == "save_as":
            return self.save_project_as()
        if choice == "reload":
            try:
                self.session.open_project(path)
            except InputError as exc:
                QMessageBox.warning(self, A.tr("Cannot open project"), error_text(exc))
            return False
        return choice == "overwrite" and self._save(path, overwrite=True)

    def ask_changed_on_disk(self, path: str) -> str:
        """"save_as", "reload", "overwrite" or "cancel"."""
        box, buttons = self.changed_on_disk_box(path)
        box.exec()
        return buttons.get(box.clickedButton(), "cancel")

    def changed_on_disk_box(self, path: str) -> tuple[QMessageBox, dict]:
        box = QMessageBox(QMessageBox.Icon.Warning, A.tr("Project changed on disk"),
                          Path(path).name + "\n\n" + A.tr(
                              "Another program or hljgis window saved this file after you "
                              "opened it. Saving now would discard its changes."), parent=self)
        role = QMessageBox.ButtonRole
        buttons = {box.addButton(A.tr("Save as..."), role.AcceptRole): "save_as",
                   box.addButton(A.tr("Reload (discard my changes)"), role.DestructiveRole):
                       "reload",
                   box.addButton(A.tr("Overwrite"), role.DestructiveRole): "overwrite"}
        box.addButton(QMessageBox.StandardButton.Cancel)
        return box, buttons

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_projects():
            self.recent_menu.addAction(path, lambda p=path: self.open_project(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(A.tr("(none)")).setEnabled(False)

    def _remember_recent(self, path: str) -> None:
        settings = QSettings()
        recent = [p for p in recent_projects(settings) if p != path]
        settings.setValue("recent_projects", [path, *recent][:8])

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the planner cancelled."""
        if not self.session.project.dirty:
            return True
        answer = QMessageBox.question(
            self, A.tr("Unsaved changes"),
            A.tr("The project has unsaved changes. Save them first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_project()
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.maybe_save():
            self.autosave.autosaver.discard()
            window_layout.save_layout(self)
            self.canvas.shutdown()
            event.accept()
        else:
            event.ignore()

    def _on_autosave(self) -> None:
        self.autosave.autosaver.tick()

    def wait_for_autosave(self) -> None:
        self.autosave.autosaver.wait()

    def add_data(self, paths: list[str] | None = None, options: dict | None = None) -> None:
        data_import.add_data(self, paths, options)

    def add_data_with_options(self) -> None:
        data_import.add_data_with_options(self)

    def add_postgis_layers(self) -> None:
        data_import.add_postgis_layers(self)

    def open_from_database(self) -> None:
        """Open a project of the bureau's shared store (see store_dialog)."""
        from hljgis.gui.dialogs.store_dialog import open_from_store

        if self.maybe_save() and (project := open_from_store(self)) is not None:
            self.session.set_project(project)
            self._show_layer_notes()

    def _show_layer_notes(self) -> None:
        """What opening said about its layers (a PostGIS layer read again, or its stored
        copy shown because the server is away)."""
        from hljgis.io.postgis_link import stored_copy_notes

        project = self.session.project
        notes = stored_copy_notes(project) or [  # a stored copy shown matters most
            n for layer in project.layers for n in getattr(layer, "notes", [])]
        if notes:
            self.statusBar().showMessage("; ".join(notes), 30000)

    def save_to_database(self) -> bool:
        """Save to the shared store; a refused save offers merge, copy or reload."""
        from hljgis.gui.dialogs.store_dialog import save_to_store

        self.editing.save_database_edits_on_save()
        saved = save_to_store(self, self.session)
        self._update_title()
        return saved

    # -- edit / view ---------------------------------------------------------------------------
    def undo(self) -> None:
        self.session.undo()

    def redo(self) -> None:
        self.session.redo()

    def _on_undo_changed(self) -> None:
        stack = self.session.undo_stack
        self.actions_by_key["undo"].setEnabled(stack.undo_text is not None)
        self.actions_by_key["redo"].setEnabled(stack.redo_text is not None)

    def zoom_full(self) -> None:
        self.canvas.zoom_full()

    def zoom_in(self) -> None:
        self.canvas.zoom_by(0.5)

    def zoom_out(self) -> None:
        self.canvas.zoom_by(2.0)

    def zoom_to_layer(self, name: str) -> None:
        layer = self.session.project.layer(name)
        self.canvas.zoom_to(transform_bounds(layer.bounds, layer.crs, self.session.project.crs))

    def zoom_to_current_layer(self) -> None:
        if self.layer_panel.current_layer():
            self.zoom_to_layer(self.layer_panel.current_layer())

    def zoom_to_selection(self) -> None:
        layer = self._current_vector_layer()
        if layer is not None and len(layer.selection):
            sel = layer.gdf.iloc[layer.selection].to_crs(self.session.project.crs)
            self.canvas.zoom_to(tuple(sel.total_bounds))

    def set_tool(self, tool: str) -> None:
        self.canvas.set_tool(tool)
        self.actions_by_key[tool].setChecked(True)
        self.measure_label.setText("")

    def _on_cursor_moved(self, x: float, y: float, lon: float, lat: float) -> None:
        if self._to_metric is None:  # built once per project, not on every mouse move
            from pyproj import Transformer

            metric = self.session.project.metric_crs()
            self._to_metric = (Transformer.from_crs(CGCS2000, metric, always_xy=True),
                               f"EPSG:{metric.to_epsg()}" if metric.to_epsg() else metric.name)
        to_metric, label = self._to_metric
        e, n = to_metric.transform(lon, lat)
        self.coords_label.setText(f"{lon:.5f}°E {lat:.5f}°N | {label} {e:,.0f} {n:,.0f}")

    def _on_scale_changed(self, denominator: float) -> None:
        self.scale_label.setText(A.tr("Scale") + f" 1:{denominator:,.0f}")

    def _on_identify(self, x: float, y: float, tolerance: float) -> None:
        results = identify(self.session.project, x, y, tolerance)
        self.identify_panel.show_results(results)
        self.views.follow_identify(results)
        self.docks["identify"].show()
        self.docks["identify"].raise_()  # it shares a tab group with charts and ranking
        n_layers = len(results)
        self.status.show(lambda: A.tr("Identified features in") + f" {n_layers} " +
                         A.tr("layers"), 5000)

    def _current_vector_layer(self) -> VectorLayer | None:
        name = self.layer_panel.current_layer()
        if name and name in self.session.project:
            layer = self.session.project.layer(name)
            if isinstance(layer, VectorLayer):
                return layer
        return None

    def _on_rectangle_selected(self, box: tuple) -> None:
        layer = self._current_vector_layer()
        if layer is None:
            self.status.show(lambda: A.tr("Pick a vector layer in the Layers panel first"), 5000)
            return
        chosen = self.session.select(layer.name,
                                     features_in_box(layer, box, self.session.project.crs))
        n_selected = len(chosen)
        self.status.show(lambda: f"{n_selected} " + A.tr("features selected"), 5000)

    # -- layer dialogs (widgets built on demand) -----------------------------------------------
    def open_current_table(self) -> None:
        if self.layer_panel.current_layer():
            self.open_table(self.layer_panel.current_layer())

    def style_current_layer(self) -> None:
        if self.layer_panel.current_layer():
            self.style_layer(self.layer_panel.current_layer())

    def replace_current_layer(self) -> None:
        if self.layer_panel.current_layer():
            self.replace_layer_data(self.layer_panel.current_layer())

    def replace_layer_data(self, name: str) -> None:
        self.views.replace_data(self.session.project.layer(name))

    def open_table(self, name: str) -> None:
        layer = self.session.project.layer(name)
        if isinstance(layer, VectorLayer):
            self.views.open_table(layer)

    def style_layer(self, name: str) -> None:
        self.views.edit_style(self.session.project.layer(name))

    def open_layout(self) -> None:
        from hljgis.gui.layout.composer import LayoutComposer

        LayoutComposer(self.session, self, view_extent=self.canvas.extent,
                       layer_cache=self.canvas.layer_cache).exec()

    def export_atlas(self):
        from hljgis.gui.dialogs.export_dialogs import open_export_dialog

        return open_export_dialog(self, "atlas")

    def export_score_cards(self):
        from hljgis.gui.dialogs.export_dialogs import open_export_dialog

        return open_export_dialog(self, "cards")

    def export_webmap(self):
        from hljgis.gui.dialogs.export_dialogs import open_export_dialog

        return open_export_dialog(self, "webmap")

    def save_current_features(self) -> None:
        if self.layer_panel.current_layer():
            context_menus.save_layer_as(self, self.layer_panel.current_layer())

    def open_processing(self):
        """The processing toolbox: one non-modal dialog, so the map stays usable beside it."""
        from hljgis.gui.dialogs.processing_dialog import ProcessingDialog

        dialog = getattr(self, "processing_dialog", None)
        if dialog is None or not dialog.isVisible():
            dialog = self.processing_dialog = ProcessingDialog(self.session, self)
        dialog.show()
        dialog.raise_()
        return dialog

    def show_charts(self) -> None:
        self.views.show_charts()

    def show_ranking(self) -> None:
        self.views.show_ranking()

    def about(self) -> None:
        from hljgis.buildinfo import about_text

        QMessageBox.about(self, A.tr("About hljgis"),
                          f"hljgis {__version__}\n" +
                          A.tr("Offline GIS and site ranking for Hegang, Jixi, Qitaihe and "
                               "Shuangyashan.") + "\n\n" +
                          A.tr("Bundled data: see layers/README.md for sources and licences. "
                               "Font: HLJGIS Sans SC, a subset of Noto Sans CJK (SIL OFL 1.1).")
                          + "\n\n" + about_text())

    # -- screenshots ---------------------------------------------------------------------------
    def grab_screenshot(self, path: str) -> None:
        """Show, wait for the map to finish rendering, and save the window as PNG."""
        from PySide6.QtCore import QCoreApplication

        self.show()
        QCoreApplication.processEvents()
        self.canvas.set_extent(self.canvas.extent)
        self.canvas.wait_for_render()
        self.grab().save(path, "PNG")
        self.canvas.shutdown()
