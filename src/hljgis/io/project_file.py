"""The project file: one GeoPackage (``*.hljgis.gpkg``) that QGIS can open too.

Layout of the file
------------------
- one feature table per vector layer (table name = layer name);
- one raster table per raster layer (GeoPackage tiles / gridded coverage, so the DEM travels
  inside the file);
- one attribute table per non-spatial project table (e.g. city statistics);
- ``hljgis_project``: a single row holding the format version and the project's JSON (layer
  order and settings, styles, bookmarks, scenarios, layouts).

A project with a large layer may also hold a picture of its home view, shown while that
layer loads (see :mod:`hljgis.io.project_preview`).

Saving is atomic (see :mod:`hljgis.io.atomic`) and keeps the previous file as ``<name>.bak.gpkg``.
A file written by a newer format version is refused instead of being half read.

Two programs saving one file: the file's identity (inode, size, mtime) is recorded when a
project is opened or saved, and a save over the project's own file checks it under a lock
file (in the user's data folder): if another program wrote the file since, the save stops with
:class:`ProjectChangedOnDisk` instead of silently discarding that program's work.
"""

from __future__ import annotations

import json
import os
import sqlite3
import weakref
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyogrio

from hljgis import __version__
from hljgis.core.errors import InputError, ProjectFormatError
from hljgis.core.hugepages import batch_memory
from hljgis.core.layer import Layer, RasterLayer, VectorLayer
from hljgis.core.project import Project
from hljgis.core.subsidence import apply_planning_year
from hljgis.io.atomic import atomic_target, clean_stale_temporaries, fast_sqlite_writes
from hljgis.io.project_preview import PreviewMaker

#: Bump when the JSON or table layout changes; add a fixture file to tests/io/fixtures.
# 2: rankings of generated cells or of a candidate layer may be stored compactly
#    (a layer's "storage" setting; io.compact_layers)
FORMAT_VERSION = 2
PROJECT_TABLE = "hljgis_project"
PROJECT_SUFFIX = ".hljgis.gpkg"


def project_to_dict(project: Project) -> dict:
    """The project's settings (everything but the data) as JSON-able plain data."""
    return {
        "format_version": FORMAT_VERSION,
        "written_by": f"hljgis {__version__}",
        "metadata": project.metadata,
        "crs": project.crs.to_string() if project.crs.to_epsg() else project.crs.to_wkt(),
        "layers": [_layer_settings(layer) for layer in project.layers],
        "bookmarks": project.bookmarks,
        "scenarios": project.scenarios,
        "layouts": project.layouts,
        "tables": sorted(project.tables),
    }


class ProjectChangedOnDisk(InputError):
    """The project's file was changed by another program since it was opened or saved."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} was changed by another program (or another hljgis window) since "
            "you opened or saved it.",
            "Save your version under another name, reload the file to see the other "
            "changes, or overwrite it knowingly.",
        )
        self.path = path


#: Identity of the file each open project was read from or last written to.
_STAMPS: weakref.WeakKeyDictionary[Project, tuple[str, tuple | None]] = \
    weakref.WeakKeyDictionary()
#: Seconds a save waits for another program's save of the same file.
LOCK_TIMEOUT_S = 120


def disk_stamp(path: str | Path) -> tuple | None:
    """(inode, size, mtime ns) of ``path``; None when it does not exist. An atomic save
    always gives the file a new inode, so another program's save always changes it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _remember_stamp(project: Project, path: Path, stamp: tuple | None = None) -> None:
    _STAMPS[project] = (str(path.resolve()), stamp or disk_stamp(path))


def changed_on_disk(project: Project) -> bool:
    """True when the project's own file differs from what this project read or wrote
    (a file deleted meanwhile holds nothing to lose: False)."""
    known = _STAMPS.get(project)
    if not project.path or known is None or known[0] != str(Path(project.path).resolve()):
        return False
    now = disk_stamp(project.path)
    return now is not None and now != known[1]


def _save_lock(path: Path):
    """A lock per project file, kept in the user's data folder (not beside the project,
    which stays as clean as the planner left it)."""
    import hashlib

    from filelock import FileLock

    from hljgis.io.recovery import recovery_dir

    folder = recovery_dir() / "locks"
    folder.mkdir(exist_ok=True)
    key = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:16]
    return FileLock(folder / f"{key}.lock", timeout=LOCK_TIMEOUT_S)


@batch_memory()
def save_project(project: Project, path: str | Path, *, remember: bool = True,
                 overwrite_changes: bool = False, preview: PreviewMaker | None = None) -> Path:
    """Write the project to ``path`` atomically, keeping the previous file as ``.bak``.

    ``remember=False`` writes a copy (the autosave): the project's path and unsaved state
    are left alone, so a copy written on another thread never races the planner's Save.
    A save over the project's own file that another program changed meanwhile stops with
    :class:`ProjectChangedOnDisk`, unless ``overwrite_changes``. ``preview(project)``
    draws the picture of the home view that a project with a large layer keeps (see
    :mod:`hljgis.io.project_preview`; the caller owns the renderer): without it, none.

    Raises
    ------
    ProjectChangedOnDisk
        The file was changed by another program; nothing was written.
    InputError
        When a layer cannot be written (the message names it); the old file is untouched.
    """
    path = Path(path)
    if not remember:
        return _write_project(project, path, preview)
    from filelock import Timeout

    try:
        with _save_lock(path):
            if not overwrite_changes and changed_on_disk(project) and \
                    project.path is not None and Path(project.path).resolve() == path.resolve():
                raise ProjectChangedOnDisk(path)
            _write_project(project, path, preview)
            _remember_stamp(project, path)
    except Timeout as exc:
        raise InputError(f"another program has been saving {path.name} for "
                         f"{LOCK_TIMEOUT_S} s.", "Wait for it to finish, then save again.") \
            from exc
    _take_rasters_in(project, path)
    project.path = str(path)
    project.dirty = False
    return path


def _layer_settings(layer) -> dict:
    """A layer's settings; a PostGIS layer's also keep its table link (no password)."""
    entry = layer.settings()
    if isinstance(layer, VectorLayer) and (
            getattr(layer, "db_link", None) is not None
            or str(layer.source_path or "").startswith(("PG:", "postgresql:", "postgres:"))):
        from hljgis.io.postgis_link import SETTINGS_KEY, link_settings

        entry[SETTINGS_KEY] = link_settings(layer)
    return entry


def restore_postgis_layer(layer, entry: dict, unreachable: dict) -> None:
    """Re-link a PostGIS layer opened from a project (see :mod:`hljgis.io.postgis_link`)."""
    from hljgis.io.postgis_link import SETTINGS_KEY, restore

    if isinstance(layer, VectorLayer) and entry.get(SETTINGS_KEY):
        restore(layer, entry[SETTINGS_KEY], unreachable=unreachable)


#: GDAL's Arrow stream halves the read of a large table (1M parcels: 4.6 s against 9.3 s)
_ARROW = {"use_arrow": True}


def _read_vector_table(path: Path, name: str, settings: dict):
    """A layer's table; a PostGIS table's own ``fid`` column (often the key of tables that
    GDAL or hljgis wrote) comes back as it was saved: an attribute (the writer names the
    FID column ``fid_1`` then), or, in older files, the GeoPackage's FID."""
    from hljgis.io.postgis_link import SETTINGS_KEY

    columns = (settings.get(SETTINGS_KEY) or {}).get("columns") or []
    if "fid" not in columns:
        from hljgis.io.gdal_frame import read_frame

        # the layer keeps the file's WKB while it lives (as much memory again as the
        # geometries take in the file): saving it unchanged hands GDAL those bytes instead
        # of encoding every geometry again (0.85 s of a 1M-parcel save)
        return read_frame(path, layer=name, keep_wkb=True)
    gdf = pyogrio.read_dataframe(path, layer=name, fid_as_index=True, **_ARROW)
    # files saved since the writer keeps a "fid" field an attribute (FID column "fid_1")
    # hold it as a column already; older ones hold it as GDAL's FID
    gdf = gdf.reset_index(drop=True) if "fid" in gdf.columns else gdf.reset_index(names="fid")
    order = [c for c in columns if c in gdf.columns]
    return gdf[[*order, *(c for c in gdf.columns if c not in order)]]


def _take_rasters_in(project: Project, path: Path) -> None:
    """Point raster layers at their copy in the saved file: the file they were read from
    (a recovery copy, a temporary) may be deleted once the project is saved."""
    for layer in project.layers:
        if isinstance(layer, RasterLayer):
            layer.path = f"GPKG:{path}:{raster_table_name(layer.name)}"


def _write_project(project: Project, path: Path, preview: PreviewMaker | None = None) -> Path:
    from hljgis.io import writers
    from hljgis.io.compact_layers import compact_plan, write_compact
    from hljgis.io.project_preview import start_preview, write_preview

    settings = project_to_dict(project)  # fail on un-serialisable settings before writing
    # the picture opening shows while a large layer loads, drawn from the data saved here
    # while the tables are written
    picture = start_preview(project, preview)
    by_name = {layer.name: layer for layer in project.layers}
    compact = {}
    for layer, entry in zip(project.layers, settings["layers"], strict=True):
        plan = compact_plan(layer, by_name) if isinstance(layer, VectorLayer) else None
        if plan is not None:
            compact[layer.name] = plan
            entry["storage"] = plan.storage
    payload = json.dumps(settings, ensure_ascii=False, sort_keys=True, default=_json_default)

    large = any(isinstance(layer, VectorLayer) and len(layer.gdf) >= writers.LARGE_LAYER
                for layer in project.layers)
    with atomic_target(path) as tmp, fast_sqlite_writes(large=large):
        for layer in project.layers:
            try:
                if layer.name in compact:
                    continue
                if isinstance(layer, VectorLayer):
                    _write_vector_table(layer, tmp)
                elif isinstance(layer, RasterLayer):
                    _write_raster_table(layer, tmp)
            except InputError:
                raise
            except Exception as exc:
                raise InputError(
                    f"layer '{layer.name}' could not be saved ({exc}).",
                    "Nothing was changed on disk. Remove or repair that layer and save again.",
                ) from exc
        try:
            write_compact(tmp, compact)
        except Exception as exc:
            raise InputError(f"the rankings {', '.join(compact)} could not be saved ({exc}).",
                             "Nothing was changed on disk.") from exc
        for name, table in sorted(project.tables.items()):
            pyogrio.write_dataframe(table, tmp, layer=name, driver="GPKG")
        _write_project_table(tmp, payload)
        drawn = picture()
        if drawn is not None:
            write_preview(tmp, drawn)
    return path


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"project setting of type {type(value).__name__} cannot be saved as JSON")


def _write_vector_table(layer: VectorLayer, path: Path) -> None:
    from hljgis.io.writers import write_gpkg_table

    write_gpkg_table(layer.gdf, path, layer.name)


def _write_raster_table(layer: RasterLayer, path: Path) -> None:
    import rasterio
    import rasterio.shutil

    with rasterio.open(layer.path) as src:
        dtype = src.dtypes[0]
        options = {"RASTER_TABLE": raster_table_name(layer.name), "APPEND_SUBDATASET": "YES"}
        if dtype not in ("uint8",):
            # Non-byte data goes into the gridded-coverage extension, losslessly.
            options["TILE_FORMAT"] = "TIFF" if dtype.startswith("float") else "PNG"
        rasterio.shutil.copy(src, str(path), driver="GPKG", **options)


def raster_table_name(layer_name: str) -> str:
    """Table name of a raster layer: rasterio upper-cases creation-option values, so the
    table is named in capitals on purpose, and found by that name on load."""
    return layer_name.upper()


def _write_project_table(path: Path, payload: str) -> None:
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(
                f"CREATE TABLE {PROJECT_TABLE} (id INTEGER PRIMARY KEY, format_version INTEGER "
                "NOT NULL, written_by TEXT, json TEXT NOT NULL)"
            )
            con.execute(
                f"INSERT INTO {PROJECT_TABLE} (id, format_version, written_by, json) "
                "VALUES (1, ?, ?, ?)",
                (FORMAT_VERSION, f"hljgis {__version__}", payload),
            )
            # GDAL stamps its tables with OGR_CURRENT_DATE when set (reproducible builds);
            # the settings table follows the same rule
            stamp = os.environ.get("OGR_CURRENT_DATE") or \
                datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            con.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                "last_change) VALUES (?, 'attributes', ?, ?, ?)",
                (PROJECT_TABLE, PROJECT_TABLE, "hljgis project settings (JSON)", stamp),
            )
    finally:
        con.close()


def is_project_file(path: str | Path) -> bool:
    """True for an hljgis project (a GeoPackage with the settings table), False for any
    other file or data source (a plain GeoPackage, a Shapefile, ``PG:...``)."""
    path = Path(path)
    if path.name.endswith(PROJECT_SUFFIX):
        return True
    if path.suffix.lower() != ".gpkg" or not path.is_file():
        return False
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (PROJECT_TABLE,)).fetchone() is not None
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False


def read_project_settings(path: str | Path) -> dict:
    """The JSON settings of a project file, checked for its format version."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist.", "Check the path, or create a new project.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a project file.",
                         "Give the path of a .hljgis.gpkg file.")
    if path.stat().st_size == 0:
        raise _corrupt(path, "the file is empty, 0 bytes")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute(
                f"SELECT format_version, json FROM {PROJECT_TABLE} WHERE id = 1").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise InputError(
                f"{path.name} is a GeoPackage but not an hljgis project.",
                "Add its layers to a project with 'Add data' (CLI: hljgis info lists them).",
            ) from exc
        raise _corrupt(path, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise _corrupt(path, exc) from exc
    if row is None:
        raise _corrupt(path, "the project settings row is missing")
    version, text = row
    if version > FORMAT_VERSION:
        raise ProjectFormatError(
            f"{path.name} was written by a newer hljgis (project format {version}; this "
            f"hljgis {__version__} reads up to format {FORMAT_VERSION}).",
            "Update hljgis to open it. The file was not changed.",
        )
    try:
        settings = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _corrupt(path, f"the settings JSON is damaged ({exc})") from exc
    _check_settings(path, settings)
    return settings


#: Top-level settings and the JSON type each must have.
_SETTING_TYPES = {"metadata": dict, "layers": list, "bookmarks": dict, "scenarios": dict,
                  "layouts": dict, "tables": list, "crs": str}


def _check_settings(path: Path, settings) -> None:
    """Refuse settings of the wrong shape with the field path, before anything is built."""
    if not isinstance(settings, dict):
        raise _corrupt(path, f"the settings JSON is a {type(settings).__name__}, not an object")
    for key, kind in _SETTING_TYPES.items():
        if key in settings and not isinstance(settings[key], kind):
            raise _corrupt(path, f"settings.{key} is a {type(settings[key]).__name__}, "
                                 f"not a{'n' if kind is dict else ''} {kind.__name__}")
    for i, layer in enumerate(settings.get("layers", [])):
        if not isinstance(layer, dict) or not isinstance(layer.get("name"), str) \
                or not layer["name"]:
            raise _corrupt(path, f"settings.layers[{i}] has no name")
    for i, name in enumerate(settings.get("tables", [])):
        if not isinstance(name, str):
            raise _corrupt(path, f"settings.tables[{i}] is not a table name")


def _corrupt(path: Path, why) -> InputError:
    from hljgis.io.atomic import backup_path

    backup = backup_path(path)
    hint = f" hljgis kept the previous version as {backup.name}: open that." if backup.exists() \
        else ""
    return InputError(f"{path.name} is damaged and cannot be opened ({why}).",
                      "Copy the file again from where it came from." + hint)


def _read_order(settings: dict) -> int:
    storage = settings.get("storage")
    return 0 if not isinstance(storage, dict) else 2 if storage.get("kind") == "reference" else 1


def _read_layer(path: Path, settings: dict, built: dict[str, Layer]) -> Layer:
    name = settings["name"]
    if settings.get("kind") == "raster":
        return RasterLayer.from_settings(f"GPKG:{path}:{raster_table_name(name)}", settings)
    if "storage" in settings:
        from hljgis.io.compact_layers import read_compact

        gdf, source = read_compact(path, name, settings["storage"], built)
        layer = VectorLayer.from_settings(gdf, settings)
        layer.geometry_source = source  # saved compactly again while it is unchanged
        layer.column_recipes = settings["storage"].get("column_recipes")
        return layer
    return VectorLayer.from_settings(_read_vector_table(path, name, settings), settings)


@batch_memory()
def load_project(path: str | Path) -> Project:
    """Open a project file: every layer in order, with all its settings.

    Raises
    ------
    ProjectFormatError
        The file is from a newer hljgis.
    InputError
        The file is missing, damaged or not a project; a layer table is missing.
    """
    path = Path(path)
    stamp = disk_stamp(path)  # before reading: a change while reading is then noticed too
    settings = read_project_settings(path)
    meta = dict(settings.get("metadata", {}))
    project = Project(crs=settings.get("crs", "EPSG:4490"))
    project.metadata = meta
    unreachable: dict = {}  # database servers that did not answer during this opening
    entries = settings.get("layers", [])
    built: dict[str, Layer] = {}
    # compact layers last, references after grids: a ranking may take its polygons from
    # its candidate layer (even a ranking of cells used as candidates)
    for layer_settings in sorted(entries, key=_read_order):
        name = layer_settings["name"]
        layer: Layer
        try:
            layer = _read_layer(path, layer_settings, built)
            built[name] = layer
            if layer.kind == "vector":
                restore_postgis_layer(layer, layer_settings, unreachable)
        except InputError:
            raise
        except Exception as exc:
            raise _corrupt(path, f"layer '{name}' cannot be read: {exc}") from exc
    for layer_settings in entries:
        project.add_layer(built[layer_settings["name"]])
    project.bookmarks = dict(settings.get("bookmarks", {}))
    project.scenarios = dict(settings.get("scenarios", {}))
    project.layouts = dict(settings.get("layouts", {}))
    for name in settings.get("tables", []):
        try:
            table = pyogrio.read_dataframe(path, layer=name, read_geometry=False)
        except Exception as exc:
            raise _corrupt(path, f"its table '{name}' is missing or unreadable ({exc})") \
                from exc
        project.tables[name] = pd.DataFrame(table)
    # subsidence status and classes follow the project's planning year (one rule, no
    # status frozen at the year the data were compiled)
    apply_planning_year(project)
    project.path = str(path)
    project.dirty = False
    _remember_stamp(project, path, stamp)
    clean_stale_temporaries(path.parent)
    return project
