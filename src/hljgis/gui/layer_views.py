"""Per-layer views the main window opens on demand: attribute table, style dialog, charts.

Keeps the main window an assembly: this object owns the docks. The selection is the
session's (``Session.select``): the table, the map, the charts and the ranking results each
pass the planner's choice to it and follow its ``selection_changed`` event.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.gui.i18n import current_language
from hljgis.gui.window_layout import right_dock_width

#: Schemas whose features are cities with statistics (their ``name`` is the English name).
CITY_SCHEMAS = ("cities",)
STATISTICS_TABLE = "city_statistics"


class LayerViews:
    """Attribute-table dock, charts dock and style dialogs of one main window."""

    def __init__(self, window) -> None:
        from hljgis.gui.widgets.attribute_table import AttributeTable
        from hljgis.gui.widgets.charts import CityChartsWidget

        self.window = window
        self.table = AttributeTable(parent=window)
        self.charts = CityChartsWidget(parent=window)
        self.table_dock = self._dock(self.table, "AttributeTable",
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.charts_dock = self._dock(self.charts, "CityCharts",
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.table_dock.hide()
        self.charts_dock.hide()
        window.docks["table"] = self.table_dock
        window.docks["charts"] = self.charts_dock
        self.table.selection_changed.connect(self._on_table_selection_changed)
        window.session.events.selection_changed.connect(self._on_selection_changed)
        from hljgis.gui.ranking.panel import RankingPanel

        self.ranking = RankingPanel(window.session, window)
        self.ranking.live.canvas = window.canvas  # re-scored rankings drawn without delay
        self.ranking_dock = self._dock(self.ranking, "RankingPanel",
                                       Qt.DockWidgetArea.RightDockWidgetArea)
        self.ranking_dock.hide()
        window.docks["ranking"] = self.ranking_dock
        self.ranking.site_selected.connect(self._on_ranking_site_selected)
        self.ranking.candidates_editor.set_map_extent(
            lambda: (window.canvas.extent, window.session.project.crs))

    def _dock(self, widget, name: str, area) -> QDockWidget:
        dock = QDockWidget(self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        return dock

    def retranslate(self) -> None:
        tr = self.window.tr
        self._title_table()
        self.charts_dock.setWindowTitle(tr("City statistics"))
        self.ranking_dock.setWindowTitle(tr("Site ranking"))

    def set_project(self, project: Project) -> None:
        self.table.set_layer(None)
        self.table_dock.hide()
        self.charts.set_statistics(project.tables.get(STATISTICS_TABLE))
        if STATISTICS_TABLE in project.tables:
            self.charts_dock.show()
            self.window.resizeDocks([self.charts_dock], [right_dock_width(self.window, 360)],
                                    Qt.Orientation.Horizontal)

    def open_table(self, layer: VectorLayer) -> None:
        self.table.set_layer(layer)
        self._title_table()
        self.table_dock.show()
        self.table_dock.raise_()

    def _title_table(self) -> None:
        """"Attribute table - Parks" in the UI language (the layer's title too)."""
        title = self.window.tr("Attribute table")
        if self.table.layer is not None:
            title += " - " + self.table.layer.display_title(current_language())
        self.table_dock.setWindowTitle(title)

    def show_charts(self) -> None:
        self.charts_dock.show()
        self.charts_dock.raise_()

    def show_ranking(self) -> None:
        if self.charts_dock.isVisible():  # share the right side rather than halve its height
            self.window.tabifyDockWidget(self.charts_dock, self.ranking_dock)
        self.ranking_dock.show()
        self.ranking_dock.raise_()
        self.window.resizeDocks([self.ranking_dock], [right_dock_width(self.window, 540)],
                                Qt.Orientation.Horizontal)

    def _on_ranking_site_selected(self, name: str, position: int) -> None:
        """A site picked in the ranking results is selected on the map (and its table)."""
        if name in self.window.session.project:
            self.window.session.select(name, [position])

    def _on_table_selection_changed(self, positions) -> None:
        layer = self.table.layer
        if layer is not None and layer.name in self.window.session.project:
            self.window.session.select(layer.name, positions)

    def _on_selection_changed(self, name: str, positions: np.ndarray) -> None:
        """The session's selection changed: the table (if it shows the layer), the charts
        (one city) and the ranking results (one site) follow, and the map redraws it."""
        layer = self.window.session.project.layer(name)
        if self.table.layer is layer and not np.array_equal(self.table.selected_positions,
                                                            positions):
            self.table.set_selection(positions)
        if layer.schema in CITY_SCHEMAS and len(positions) == 1:
            self.charts.set_city(str(layer.gdf["name"].iloc[positions[0]]))
        if layer is self.ranking.result_layer and len(positions) == 1:
            self.ranking.select_site(int(positions[0]))  # a site clicked on the map
        self.window.canvas.refresh()

    def follow_identify(self, results) -> None:
        """Clicking on a city with the identify tool shows that city's statistics."""
        for layer, table in results:
            if layer.schema in CITY_SCHEMAS and "name" in table.columns and len(table):
                self.charts.set_city(str(table["name"].iloc[0]))
                return

    def edit_style(self, layer) -> None:
        """Open the style dialog; each Apply hands style and opacity to the session as one
        undoable step (the dialogs never change the layer themselves)."""
        session = self.window.session
        if isinstance(layer, VectorLayer):
            from hljgis.gui.dialogs.style import StyleDialog

            dialog = StyleDialog(layer, self.window, lang=current_language())
        else:
            from hljgis.gui.dialogs.raster_style_dialog import RasterStyleDialog

            dialog = RasterStyleDialog(layer, self.window, lang=current_language())
        dialog.applied.connect(
            lambda style, opacity: session.set_layer_style(layer.name, style, opacity))
        dialog.exec()

    def replace_data(self, layer) -> None:
        """Open the replace dialog for a thematic layer; the swap is one undoable step."""
        from hljgis.core.schemas import THEMATIC

        window = self.window
        if layer.kind != "vector" or layer.schema not in THEMATIC:
            window.status.show(lambda: window.tr(
                "Only thematic layers (subsidence zones, shanty-town sites, parks, pillar "
                "industries, transport) can take replacement data"), 8000)
            return
        from hljgis.gui.dialogs.replace_dialog import ReplaceDialog

        dialog = ReplaceDialog(window.session, layer.name, parent=window)
        if dialog.exec() == ReplaceDialog.DialogCode.Accepted and dialog.outcome is not None:
            out = dialog.outcome
            window.status.show(lambda: layer.display_title(current_language()) + ": " + window.tr(
                "{a} of {n} rows accepted, {r} rejected").format(
                a=out.accepted, n=out.total, r=out.rejected), 10000)
