"""Right-click menus and file drops of the main window.

The layer panel builds its own menu (zoom to, attribute table, style, opacity, rename,
replace, remove); this module adds what needs the main window: saving a layer to a file, the
map's menu (identify here, copy the coordinates in lon/lat or CGCS2000 Gauss-Krüger) and data
or project files dropped onto the window. Kept out of ``main_window.py``, which only
assembles.
"""

from __future__ import annotations

from pathlib import Path

from pyproj import Transformer
from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from hljgis.core.crs import CGCS2000, gauss_kruger_3deg
from hljgis.gui.i18n import tr

#: Files a drop adds as layers (the same as the "Add data" dialog).
DATA_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".kml", ".kmz", ".csv", ".txt",
                 ".xlsx", ".tif", ".tiff")
PROJECT_SUFFIX = ".hljgis.gpkg"


# -- recent projects --------------------------------------------------------------------------
def recent_projects(settings: QSettings | None = None) -> list[str]:
    """The recent-projects list as a list of paths.

    QSettings hands back a one-entry list as a plain string (INI files store no list type),
    and iterating that string filled the menu with single letters after a restart.
    """
    value = (settings or QSettings()).value("recent_projects", [])
    if isinstance(value, str):
        return [value] if value else []
    return [str(p) for p in (value or []) if p]


# -- coordinates ------------------------------------------------------------------------------
def gauss_kruger(lon: float, lat: float):
    """(easting, northing, CRS) in the CGCS2000 3-degree Gauss-Krüger zone of the point
    (central meridian nearest to it), as a survey drawing would give them."""
    crs = gauss_kruger_3deg(int(round(lon / 3.0) * 3))
    e, n = Transformer.from_crs(CGCS2000, crs, always_xy=True).transform(lon, lat)
    return float(e), float(n), crs


def coordinate_texts(lon: float, lat: float) -> dict[str, str]:
    """Texts to paste: ``lonlat`` "130.975310, 45.295120" and ``gk`` "x, y" in metres, with
    ``gk_crs`` naming the zone ("EPSG:4553")."""
    e, n, crs = gauss_kruger(lon, lat)
    epsg = crs.to_epsg()
    return {"lonlat": f"{lon:.6f}, {lat:.6f}", "gk": f"{e:.2f}, {n:.2f}",
            "gk_crs": f"EPSG:{epsg}" if epsg else crs.name}


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def map_menu(window, pos: QPoint) -> QMenu | None:
    """The map's right-click menu at widget position ``pos`` (None while measuring: there a
    right click clears the measurement)."""
    canvas = window.canvas
    if canvas.project is None or canvas.tool.startswith("measure"):
        return None
    x, y = canvas.to_map(pos)
    lon, lat = canvas._lonlat(x, y)
    texts = coordinate_texts(lon, lat)
    tolerance = 4 * canvas.units_per_pixel()
    menu = QMenu(canvas)
    menu.addAction(tr("Identify features here"), lambda: window._on_identify(x, y, tolerance))
    menu.addSeparator()
    menu.addAction(tr("Copy coordinates, lon/lat (CGCS2000)") + f": {texts['lonlat']}",
                   lambda: _copied(window, texts["lonlat"]))
    menu.addAction(tr("Copy coordinates, CGCS2000 Gauss-Krüger ({crs})")
                   .format(crs=texts["gk_crs"]) + f": {texts['gk']}",
                   lambda: _copied(window, texts["gk"]))
    menu.addSeparator()
    menu.addAction(tr("Zoom to full extent"), window.zoom_full)
    return menu


def _copied(window, text: str) -> None:
    copy_text(text)
    window.statusBar().showMessage(tr("Copied") + f": {text}", 5000)


def _on_map_menu(window, pos: QPoint) -> None:
    menu = map_menu(window, pos)
    if menu is not None:
        menu.exec(window.canvas.mapToGlobal(pos))


# -- layer "Save as..." -----------------------------------------------------------------------
def save_layer_as(window, name: str, path: str | None = None, *, encoding: str | None = None,
                  selected_only: bool = False) -> Path | None:
    """Write a vector layer (or its selected features) to GeoPackage, Shapefile (UTF-8, GBK
    or GB18030), GeoJSON, CSV or XLSX, atomically (a file it replaces is kept as .bak).
    Without ``path`` the planner chooses in :class:`SaveFeaturesDialog`. Returns the file
    written, or None."""
    from hljgis.core.errors import InputError
    from hljgis.gui.background import Cancelled, run_with_progress
    from hljgis.io.writers import write_layer

    layer = window.session.project.layer(name)
    if layer.kind != "vector":
        window.statusBar().showMessage(tr("Only vector layers can be saved as a file"), 5000)
        return None
    if not path:
        from hljgis.gui.dialogs.save_features_dialog import SaveFeaturesDialog

        dialog = SaveFeaturesDialog(layer, window)
        if not dialog.exec():
            return None
        opts = dialog.options()
        path, encoding, selected_only = opts["path"], opts["encoding"], opts["selected_only"]
    data = layer.gdf.iloc[sorted(layer.selection)] if selected_only else layer
    label = tr("Saving") + f" {Path(path).name} ..."

    def work(progress):
        # a write cannot stop half-way: no Cancel that would leave the file appearing later
        progress(0.1, label, cancellable=False)
        return write_layer(data, path, layer_name=name, encoding=encoding)

    try:
        out = run_with_progress(window, label, work)
    except Cancelled:
        return None
    except (InputError, OSError) as exc:
        from hljgis.gui.dialogs.export_dialogs import show_error

        show_error(window, tr("Save failed"), exc)
        return None
    count = len(data.gdf if data is layer else data)
    window.statusBar().showMessage(tr("Saved") + f" {out} ({count:,})", 5000)
    return Path(out)


# -- drag and drop ----------------------------------------------------------------------------
def dropped_files(mime) -> tuple[list[str], list[str]]:
    """(project files, data files) among the local files of a drag's mime data."""
    projects, data = [], []
    for url in mime.urls() if mime.hasUrls() else []:
        if not url.isLocalFile():
            continue
        path = url.toLocalFile()
        low = path.lower()
        if low.endswith(PROJECT_SUFFIX):
            projects.append(path)
        elif low.endswith(DATA_SUFFIXES):
            data.append(path)
    return projects, data


class FileDropFilter(QObject):
    """Accepts data and project files dropped anywhere on the main window: a project opens
    (one at a time), data files are added as layers."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            projects, data = dropped_files(event.mimeData())
            if projects or data:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
                return True
        elif kind == QEvent.Type.Drop:
            projects, data = dropped_files(event.mimeData())
            if projects or data:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
                self.open(projects, data)
                return True
        return False

    def open(self, projects: list[str], data: list[str]) -> None:
        if projects:
            self.window.open_project(projects[0])
        if data:
            self.window.add_data(data)


def install(window) -> None:
    """Wire the map menu, the layer panel's "Save as..." and file drops into ``window``."""
    canvas = window.canvas
    canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    canvas.customContextMenuRequested.connect(lambda pos: _on_map_menu(window, pos))
    window.layer_panel.save_as_requested.connect(lambda name: save_layer_as(window, name))
    window.setAcceptDrops(True)
    window.drop_filter = FileDropFilter(window)
    window.installEventFilter(window.drop_filter)


__all__ = ["coordinate_texts", "dropped_files", "gauss_kruger", "install", "map_menu",
           "recent_projects", "save_layer_as"]
