"""Adding data to the open project from the main window: files (asking for a CRS, a web-map
datum or an encoding when needed) and PostGIS tables. The layers read go to the project
through one undoable session command."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from hljgis.core.errors import InputError
from hljgis.gui import actions as A
from hljgis.gui.messages import error_text, translate_message

DATA_FILTER = ("Data (*.gpkg *.shp *.geojson *.json *.kml *.kmz *.csv *.txt *.xlsx *.tif "
               "*.tiff)")


def add_data(window, paths: list[str] | None = None, options: dict | None = None) -> None:
    """Add files as layers. A file without a CRS gets the import dialog (CRS choice);
    any file can be opened with explicit options (offset datum, encoding)."""
    from hljgis.core.errors import MissingCRSError
    from hljgis.gui.background import Cancelled, run_in_background
    from hljgis.io.readers import read_file

    if not paths:
        paths, _ = QFileDialog.getOpenFileNames(window, A.tr("Add data"), "", DATA_FILTER)
    for path in paths or []:
        opts: dict | None = dict(options or {})
        while opts is not None:
            try:
                layers, notes = run_in_background(
                    window, A.tr("Reading") + f" {Path(path).name} ...",
                    lambda p=path, o=dict(opts): _read_with_notes(read_file(p, **o)))
                break
            except Cancelled:
                opts = None
            except MissingCRSError as exc:
                opts = ask_import_options(window, path, exc.what, opts)
            except InputError as exc:
                QMessageBox.warning(window, A.tr("Cannot add data"), error_text(exc))
                opts = None
        if opts is None or not layers:
            continue
        window.session.add_layers(layers)
        if notes:
            window.status.show(lambda n=notes: "; ".join(map(translate_message, n)), 15000)


def _read_with_notes(layers: list) -> tuple[list, list[str]]:
    """The layers and their read notes, worked out in the reading thread (a reader defers
    checks such as the validity of a million polygons until the notes are read)."""
    return layers, [n for layer in layers for n in layer.notes]


def add_data_with_options(window) -> None:
    """Add data choosing the CRS, the web-map datum (GCJ-02/BD-09) and the encoding."""
    paths, _ = QFileDialog.getOpenFileNames(window, A.tr("Add data"), "", DATA_FILTER)
    for path in paths:
        opts = ask_import_options(window, path, "", {}, need_crs=False)
        if opts is not None:
            add_data(window, [path], opts)


def add_postgis_layers(window) -> None:
    """Add tables or a query from a PostGIS database (see PostgisDialog)."""
    from hljgis.gui.dialogs.postgis_dialog import PostgisDialog

    project = window.canvas.project
    dialog = PostgisDialog(window, extent=window.canvas.extent if project else None,
                           extent_crs=project.crs if project else None)
    if dialog.exec() and dialog.layers():
        window.session.add_layers(dialog.layers())


def ask_import_options(window, path: str, problem: str, opts: dict,
                       need_crs: bool = True) -> dict | None:
    """The import dialog's choices merged over ``opts``; None when the planner cancels."""
    from hljgis.gui.dialogs.import_dialog import ImportDialog

    dialog = ImportDialog(path, need_crs=need_crs, problem=problem, parent=window)
    if dialog.exec() != ImportDialog.DialogCode.Accepted:
        return None
    return {**opts, **dialog.options()}
