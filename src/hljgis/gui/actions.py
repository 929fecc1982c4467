"""The main window's actions, declared in one table: id, English text, shortcut, slot name.

The main window builds QActions from this table and re-reads their texts on a language
change, so menus, toolbars and translations never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication


@dataclass(frozen=True)
class ActionSpec:
    key: str
    text: str
    slot: str
    shortcut: str = ""
    checkable: bool = False
    tip: str = ""


PROJECT_ACTIONS = (
    ActionSpec("new", "New project", "new_project", "Ctrl+N"),
    ActionSpec("open", "Open project...", "open_project", "Ctrl+O"),
    ActionSpec("save", "Save project", "save_project", "Ctrl+S"),
    ActionSpec("save_as", "Save project as...", "save_project_as", "Ctrl+Shift+S"),
    ActionSpec("add_data", "Add data...", "add_data", "Ctrl+Shift+A",
               tip="Add a GeoPackage, Shapefile, GeoJSON, KML, CSV or GeoTIFF"),
    ActionSpec("layout", "Print layout and export...", "open_layout", "Ctrl+P"),
    ActionSpec("add_data_options", "Add data with import options...", "add_data_with_options",
               tip="Choose the CRS, the web-map datum (GCJ-02, BD-09) and the text encoding"),
    ActionSpec("add_postgis", "Add PostGIS layers...", "add_postgis_layers",
               tip="Tables or a query from the bureau's PostgreSQL/PostGIS database"),
    ActionSpec("open_db", "Open project from database...", "open_from_database",
               tip="Projects shared by the bureau's planners in PostgreSQL"),
    ActionSpec("save_db", "Save project to database", "save_to_database",
               tip="Save to the shared project store; another planner's save is never "
                   "overwritten"),
    ActionSpec("quit", "Quit", "close", "Ctrl+Q"),
)
#: Project > Export submenu (atlas, score cards and web map, as the CLI makes them).
EXPORT_ACTIONS = (
    ActionSpec("export_atlas", "Atlas (PDF)...", "export_atlas",
               tip="One map page per city (and scenario) and a table of the top sites"),
    ActionSpec("export_cards", "Site score cards (PDF, XLSX)...", "export_score_cards",
               tip="A page per top-ranked site, with the numbers as CSV and XLSX"),
    ActionSpec("export_webmap", "Web map (offline HTML)...", "export_webmap",
               tip="An interactive map that opens in any browser without internet"),
    ActionSpec("export_features", "Save features as...", "save_current_features",
               tip="The current layer as GeoPackage, Shapefile, GeoJSON, CSV or XLSX"),
)
EDIT_ACTIONS = (
    ActionSpec("undo", "Undo", "undo", "Ctrl+Z"),
    ActionSpec("redo", "Redo", "redo", "Ctrl+Shift+Z"),
)
VIEW_ACTIONS = (
    ActionSpec("zoom_full", "Zoom to full extent", "zoom_full", "Ctrl+Shift+F"),
    ActionSpec("zoom_layer", "Zoom to layer", "zoom_to_current_layer"),
    ActionSpec("zoom_selection", "Zoom to selection", "zoom_to_selection", "Ctrl+J"),
    ActionSpec("zoom_in", "Zoom in", "zoom_in", "Ctrl++"),
    ActionSpec("zoom_out", "Zoom out", "zoom_out", "Ctrl+-"),
)
TOOL_ACTIONS = (
    ActionSpec("pan", "Pan", "set_tool", "P", checkable=True),
    ActionSpec("zoom_box", "Zoom to rectangle", "set_tool", "Z", checkable=True),
    ActionSpec("identify", "Identify features", "set_tool", "I", checkable=True),
    ActionSpec("measure_line", "Measure distance", "set_tool", "M", checkable=True),
    ActionSpec("measure_area", "Measure area", "set_tool", "Shift+M", checkable=True),
    ActionSpec("select", "Select features by rectangle", "set_tool", "S", checkable=True),
)
LAYER_ACTIONS = (
    ActionSpec("table", "Open attribute table", "open_current_table", "F6"),
    ActionSpec("style", "Layer style...", "style_current_layer", "F7"),
    ActionSpec("replace", "Replace layer data...", "replace_current_layer",
               tip="Put your own survey (GPKG, SHP, GeoJSON, KML, CSV, XLSX) in place of a "
                   "thematic layer's data"),
)
HELP_ACTIONS = (
    ActionSpec("about", "About hljgis", "about"),
)
PROCESSING_ACTIONS = (
    ActionSpec("processing", "Processing toolbox...", "open_processing", "Ctrl+Alt+T",
               tip="Buffer, clip, intersect, dissolve, spatial join, select by location, ..."),
)
PANEL_ACTIONS = (
    ActionSpec("charts", "City statistics charts", "show_charts"),
    ActionSpec("ranking", "Rank sites...", "show_ranking", "Ctrl+R"),
)

#: Menu title -> actions, in menu-bar order.
MENUS = (
    ("&Project", PROJECT_ACTIONS),
    ("&Edit", EDIT_ACTIONS),
    ("&View", VIEW_ACTIONS),
    ("&Layer", LAYER_ACTIONS + PANEL_ACTIONS),
    ("P&rocessing", PROCESSING_ACTIONS),
    ("&Tools", TOOL_ACTIONS),
    ("&Help", HELP_ACTIONS),
)


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)
