"""The edit toolbar: start editing the current layer, new layer, drawing and vertex tools,
snapping, merge and delete, and "rank these sites"."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMenu, QSpinBox, QToolBar, QToolButton

from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer
from hljgis.gui.editing.controller import EditController
from hljgis.gui.editing.tools import AttributesTool, MoveTool, SketchTool, VertexTool
from hljgis.gui.i18n import current_language

#: key -> (English text, tool factory); the tools of the edit toolbar.
TOOLS = {
    "draw": ("Draw feature", lambda c: SketchTool(c, "add")),
    "vertices": ("Edit vertices", VertexTool),
    "move": ("Move feature", MoveTool),
    "attributes": ("Feature attributes", AttributesTool),
    "hole": ("Cut hole", lambda c: SketchTool(c, "hole")),
    "split": ("Split feature", lambda c: SketchTool(c, "split")),
}


class EditToolbar(QToolBar):
    """Editing for one main window; builds its own controller and adds itself."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("edit_toolbar")
        self.window_ = window
        self.controller = EditController(window.session, window.canvas, self)
        c = self.controller
        self.edit_action = QAction(self, checkable=True)
        self.edit_action.toggled.connect(self._on_edit_toggled)
        self.addAction(self.edit_action)
        self.new_layer_action = QAction(self)
        self.new_layer_action.triggered.connect(lambda: self.new_layer())  # not `checked`
        self.addAction(self.new_layer_action)
        self.addSeparator()
        self.tool_group = QActionGroup(self)
        self.tool_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.tool_actions: dict[str, QAction] = {}
        for key in TOOLS:
            action = QAction(self, checkable=True)
            action.toggled.connect(lambda on, k=key: self._on_tool_toggled(k, on))
            self.tool_group.addAction(action)
            self.addAction(action)
            self.tool_actions[key] = action
        self.addSeparator()
        self.merge_action = QAction(self)
        self.merge_action.triggered.connect(c.merge_selected)
        self.delete_action = QAction(self)
        self.delete_action.triggered.connect(c.delete_selected)
        self.addAction(self.merge_action)
        self.addAction(self.delete_action)
        self.save_db_action = QAction(self)
        self.save_db_action.triggered.connect(self.save_database_edits)
        self.addAction(self.save_db_action)
        self.refresh_db_action = QAction(self)
        self.refresh_db_action.triggered.connect(self.refresh_from_database)
        self.addAction(self.refresh_db_action)
        self.addSeparator()
        self.snap_action = QAction(self, checkable=True, checked=True)
        self.snap_action.toggled.connect(lambda on: setattr(c, "snap_enabled", on))
        self.snap_menu = QMenu(self)
        self.snap_menu.aboutToShow.connect(self._fill_snap_menu)
        self.snap_action.setMenu(self.snap_menu)
        self.addAction(self.snap_action)
        button = self.widgetForAction(self.snap_action)
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.tolerance_box = QSpinBox()
        self.tolerance_box.setRange(1, 50)
        self.tolerance_box.setValue(c.snap_pixels)
        self.tolerance_box.setSuffix(" px")
        self.tolerance_box.valueChanged.connect(lambda v: setattr(c, "snap_pixels", v))
        self.addWidget(self.tolerance_box)
        self.addSeparator()
        self.rank_action = QAction(self)
        self.rank_action.triggered.connect(self.rank_sites)
        self.addAction(self.rank_action)
        self.layer_label = QLabel()
        self.layer_label.setStyleSheet("color: #b35806; font-weight: bold; padding: 0 6px")
        self.addWidget(self.layer_label)
        c.editing_changed.connect(self._on_editing_changed)
        c.message.connect(self._show_message)
        c.measured.connect(window.measure_label.setText)
        window.canvas.map_tool_changed.connect(self._on_map_tool_changed)
        window.addToolBarBreak()
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)
        self.retranslate()
        self._on_editing_changed("")

    # -- texts ---------------------------------------------------------------------------------
    def _show_message(self, make, timeout: int = 10000) -> None:
        """Show a message in the status bar; ``make`` (a function, or a text) is called again
        after a language switch, so the message follows it."""
        self.window_.status.show(make if callable(make) else (lambda: make), timeout)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Editing"))
        self.edit_action.setText(self.tr("Edit layer"))
        self.edit_action.setToolTip(self.tr("Start or stop editing the layer chosen in the "
                                            "Layers panel"))
        self.new_layer_action.setText(self.tr("New layer..."))
        for key, (text, _) in TOOLS.items():
            self.tool_actions[key].setText(self.tr(text))
        self.tool_actions["draw"].setToolTip(self.tr(
            "Click the points; double click or right click finishes, Backspace takes the "
            "last point back, Esc drops the sketch"))
        self.tool_actions["vertices"].setToolTip(self.tr(
            "Drag a vertex to move it, double click an edge to add one, right click a "
            "vertex to delete it"))
        self.merge_action.setText(self.tr("Merge selected"))
        self.delete_action.setText(self.tr("Delete selected"))
        self.refresh_db_action.setText(self.tr("Refresh from database"))
        self.refresh_db_action.setToolTip(self.tr(
            "Read the layers from PostGIS again (as when the project is opened); a layer "
            "with edits not yet saved to the database is left as it is"))
        self.save_db_action.setText(self.tr("Save edits to database"))
        self.save_db_action.setToolTip(self.tr(
            "Write the edits of the layers read from PostGIS to their tables (also done when "
            "the project is saved); a feature another planner changed meanwhile is reported, "
            "never overwritten"))
        self.snap_action.setText(self.tr("Snapping"))
        self.snap_action.setToolTip(self.tr("Snap to vertices and edges of the edited layer "
                                            "and the layers ticked in this menu"))
        self.tolerance_box.setToolTip(self.tr("Snapping tolerance in screen pixels"))
        self.rank_action.setText(self.tr("Rank these sites..."))
        self.rank_action.setToolTip(self.tr("Rank the features of the edited layer with the "
                                            "scenario chosen in the ranking panel"))
        self._on_editing_changed(self.controller.layer_name or "")

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- editing on / off ----------------------------------------------------------------------
    def _on_edit_toggled(self, on: bool) -> None:
        c = self.controller
        if on and c.layer_name is None:
            name = self.window_.layer_panel.current_layer()
            if not name or not c.start_editing(name):
                self.edit_action.setChecked(False)
        elif not on and c.layer_name is not None:
            c.stop_editing()

    def start_editing(self, name: str) -> bool:
        self.window_.layer_panel.select_layer(name)
        if self.controller.layer_name and self.controller.layer_name != name:
            self.controller.stop_editing()
        return self.controller.start_editing(name)

    def _on_editing_changed(self, name: str) -> None:
        on = bool(name)
        self.edit_action.blockSignals(True)
        self.edit_action.setChecked(on)
        self.edit_action.blockSignals(False)
        for action in (*self.tool_actions.values(), self.merge_action, self.delete_action,
                       self.rank_action):
            action.setEnabled(on)
        if not on:
            for action in self.tool_actions.values():
                action.setChecked(False)
            self.layer_label.setText("")
            return
        kind = self.controller.kind()
        self.tool_actions["hole"].setEnabled(kind == "Polygon")
        self.tool_actions["split"].setEnabled(kind != "Point")
        self.rank_action.setEnabled(kind in ("Polygon", "Point"))
        self.layer_label.setText(self._layer_text())

    def _layer_text(self) -> str:
        """"Editing: Parks" in the UI language, or "" when nothing is edited."""
        layer = self.controller.layer() if self.controller.layer_name else None
        if layer is None:
            return ""
        return self.tr("Editing") + ": " + layer.display_title(current_language())

    # -- tools -------------------------------------------------------------------------------
    def set_tool(self, key: str) -> None:
        self.tool_actions[key].setChecked(True)

    def _on_tool_toggled(self, key: str, on: bool) -> None:
        canvas = self.window_.canvas
        builtin = self.window_.actions_by_key[canvas.tool]
        group = builtin.actionGroup()
        if on:
            canvas.set_map_tool(TOOLS[key][1](self.controller))
            if group is not None:  # no built-in tool looks active while an edit tool is
                group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
            builtin.setChecked(False)
        elif not any(a.isChecked() for a in self.tool_actions.values()):
            canvas.set_map_tool(None)
            builtin.setChecked(True)

    def _on_map_tool_changed(self, tool) -> None:
        if tool is None:  # a built-in tool (pan, identify, ...) took over
            for action in self.tool_actions.values():
                action.blockSignals(True)
                action.setChecked(False)
                action.blockSignals(False)
            self.window_.actions_by_key[self.window_.canvas.tool].setChecked(True)

    def _fill_snap_menu(self) -> None:
        self.snap_menu.clear()
        c = self.controller
        for layer in reversed(self.window_.session.project.layers):
            if not isinstance(layer, VectorLayer) or layer.name == c.layer_name:
                continue
            action = self.snap_menu.addAction(layer.display_title(current_language()))
            action.setCheckable(True)
            action.setChecked(layer.name in c.snap_layers)
            action.toggled.connect(lambda on, n=layer.name: self.set_snap_layer(n, on))

    def set_snap_layer(self, name: str, on: bool) -> None:
        (self.controller.snap_layers.add if on else self.controller.snap_layers.discard)(name)

    # -- dialogs ---------------------------------------------------------------------------------
    def new_layer(self, definition=None) -> str | None:
        """Define a layer in the dialog (or use ``definition``), add it and start editing."""
        if definition is None:
            from hljgis.gui.dialogs.new_layer_dialog import NewLayerDialog

            metric = self.window_.session.project.metric_crs()
            dialog = NewLayerDialog(metric.to_string(), self.window_)
            if dialog.exec() != NewLayerDialog.DialogCode.Accepted:
                return None
            definition = dialog.definition()
        layer = self.window_.session.new_layer(definition)
        self.start_editing(layer.name)
        self.set_tool("draw")
        return layer.name

    def rank_sites(self) -> str | None:
        """Rank the edited layer's features: the ranking panel's scenario with these
        features as its candidates, stored in the project and chosen in the panel."""
        from hljgis.gui.editing.ranking import scenario_for_layer

        c = self.controller
        layer = c.layer()
        if layer is None or not len(layer.gdf):
            c.message.emit(lambda: self.tr("Draw some sites first"))
            return None
        views = self.window_.views
        panel = views.ranking
        base = panel.scenario.to_dict() if panel.scenario is not None else None
        key = scenario_for_layer(self.window_.session, layer.name, base)
        views.show_ranking()
        panel.refresh_scenarios(select=key)
        c.message.emit(lambda: self.tr("Scenario ready; press Run in the ranking panel")
                       + f": {key}")
        return key

    # -- PostGIS layers ------------------------------------------------------------------------
    def save_database_edits(self) -> bool:
        """Write the edits of every layer read from PostGIS to its table (one transaction
        per table). A conflict with another planner's edit is shown, its features are
        selected, and that table and the planner's edits in the layer stay as they were."""
        from hljgis.io.postgis_sync import db_layers, pending_edits

        window = self.window_
        saved, ok = [], True
        for layer in db_layers(window.session.project):
            try:
                pending = pending_edits(layer)
            except InputError as exc:
                self._database_warning(str(exc))
                ok = False
                continue
            if not pending:
                continue
            if self._write_layer(layer, pending):
                saved.append((layer, len(pending.inserts), len(pending.updates),
                              len(pending.deletes)))
            else:
                ok = False
        if saved:
            def text() -> str:
                counts = self.tr("{added} added, {changed} changed, {deleted} deleted")
                return self.tr("Saved to the database") + ": " + "; ".join(
                    layer.display_title(current_language()) + ": "
                    + counts.format(added=a, changed=c, deleted=d) for layer, a, c, d in saved)

            self._show_message(text, 15000)
        elif ok:
            self._show_message(lambda: self.tr("No database edits to save"), 5000)
        return ok

    def _write_layer(self, layer, pending) -> bool:
        from hljgis.gui.background import Cancelled, run_in_background
        from hljgis.io.postgis_sync import (
            EditConflictError,
            conflict_positions,
            refresh,
            write_pending,
        )

        link = layer.db_link
        try:
            result = run_in_background(self.window_, self.tr("Saving edits to the database..."),
                                       lambda: write_pending(link, pending))
        except Cancelled:
            return False
        except EditConflictError as exc:
            self.window_.session.select(layer.name, conflict_positions(layer, exc))
            self._database_warning(str(exc) + "\n\n" + self.tr(
                "Your edits are kept in the layer and the conflicting features are selected."))
            return False
        except InputError as exc:
            self._database_warning(str(exc))
            return False
        refresh(layer, pending, result)
        return True

    def _database_warning(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self.window_, self.tr("Database edits not saved"), text)

    def refresh_from_database(self) -> list[str]:
        """Read every PostGIS layer without pending edits again; returns the titles read.
        A layer holding edits is skipped (re-reading would drop them) and named."""
        from hljgis.gui.background import Cancelled, run_in_background
        from hljgis.io.postgis_link import apply_read, read_again
        from hljgis.io.postgis_sync import pending_edits

        window = self.window_
        done, kept, failed = [], [], []
        for layer in list(window.session.project.layers):
            if not str(layer.source_path or "").startswith(("PG:", "postgresql:", "postgres:")):
                continue
            if getattr(layer, "db_link", None) is not None and pending_edits(layer):
                kept.append(layer)
                continue
            try:
                apply_read(layer, *run_in_background(
                    window, self.tr("Reading from the database..."),
                    lambda lyr=layer: read_again(lyr)))
                done.append(layer)
            except Cancelled:
                break
            except InputError as exc:
                failed.append((layer, exc.what))

        def text() -> str:
            from hljgis.gui.messages import translate_message

            lang = current_language()
            parts = [self.tr("Read again from the database") + ": "
                     + ", ".join(lyr.display_title(lang) for lyr in done)] if done else []
            if kept:
                parts.append(self.tr("kept (edits not saved to the database)") + ": "
                             + ", ".join(lyr.display_title(lang) for lyr in kept))
            parts += [f"{lyr.display_title(lang)}: {translate_message(what)}"
                      for lyr, what in failed]
            return "; ".join(parts) or self.tr("No PostGIS layers")

        self._show_message(text, 20000)
        lang = current_language()
        return [layer.display_title(lang) for layer in done]

    def save_database_edits_on_save(self) -> bool:
        """Project Save (to a file or to the shared store) also writes the database layers'
        pending edits; the project keeps them either way. Called by the window's Save only,
        not on ``about_to_save``: the two-minute autosave emits that too, and must never
        commit to the bureau's shared tables (nor open a conflict box from a timer)."""
        from hljgis.io.postgis_sync import db_layers, pending_edits

        for layer in db_layers(self.window_.session.project):
            try:
                if pending_edits(layer):
                    return self.save_database_edits()
            except InputError:
                return self.save_database_edits()  # reports the broken layer
        return True
