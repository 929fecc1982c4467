"""A saved picture of the project's home view, drawn at once while a large project loads.

Reading a million parcels takes seconds (the GeoPackage read and the WKB decode: 5.6 s and
1.2 s of the 9 s measured at 1M), so a project file may carry, beside its tables, one PNG of
its visible layers at the home view, rendered when it was saved. Opening draws that picture
first, labelled as a preview, and the full layers replace it when they are read.

Honest by construction: the picture is written into the same atomic file as the tables, in
the same save, from the same in-memory data. It records a fingerprint of what it shows (the
settings JSON, and each layer table's feature count and last change, which GDAL, QGIS and
hljgis stamp on every write), and :func:`read_preview` refuses a picture whose fingerprint no
longer matches the file (a table edited by another program, settings changed).

This module is Qt-free: the picture comes from a *preview maker* that the caller of
:func:`hljgis.io.project_file.save_project` passes in (the layer that owns a renderer): the
window's Save and autosave (:mod:`hljgis.gui.project_preview`) and the CLI commands that
write a project (:func:`hljgis.export.project_picture.offscreen_preview`). A save given no
maker writes no picture, and opening that file reads the layers first.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREVIEW_TABLE = "hljgis_preview"
#: A project needs a preview only when some visible vector layer is this large (smaller ones
#: are read in well under a second).
MIN_FEATURES = 50_000


@dataclass(frozen=True)
class ProjectPreview:
    """A rendered picture of the project at ``extent`` (project CRS).

    Attributes
    ----------
    png : bytes
        The picture (PNG, transparent where no layer draws).
    extent : (minx, miny, maxx, maxy)
        What the picture covers, in the project CRS.
    layers : tuple of str
        Names of the layers drawn in it (for the "loading ..." label).
    """

    png: bytes
    extent: tuple[float, float, float, float]
    layers: tuple[str, ...] = ()


#: ``maker(project)``, called on the saving thread, returns ``draw() -> ProjectPreview |
#: None`` (or None: no picture), which the save runs on a thread of its own while it writes
#: the tables. The first step does what must happen on the caller's thread (take a
#: widget's frame, start the Qt application); the second draws.
PreviewMaker = Callable[[Any], "Callable[[], ProjectPreview | None] | None"]


def wants_preview(project) -> bool:
    """True when the project has a visible vector layer of at least :data:`MIN_FEATURES`."""
    return any(layer.kind == "vector" and layer.visible
               and len(getattr(layer, "gdf", ())) >= MIN_FEATURES for layer in project.layers)


def start_preview(project, maker: PreviewMaker | None) -> Callable[[], ProjectPreview | None]:
    """Start drawing ``maker``'s picture of ``project``; returns the function that waits
    for it and gives it (None without a maker, for a small project, or when the maker
    fails: a preview is a convenience, it never stops a save).

    A save draws the picture while it writes the tables: both run mostly outside the GIL
    (GEOS, numpy and Qt fills; GDAL writes), so on two cores the picture costs little wall
    time (a cold picture of 1M parcels: 1.3-2.6 s alone). The project does not change
    meanwhile (the save holds the caller), so the picture shows what the tables get."""
    if maker is None or not wants_preview(project):
        return lambda: None
    try:
        draw = maker(project)
    except Exception:  # noqa: BLE001 - the save goes on; opening then reads first
        draw = None
    if draw is None:
        return lambda: None
    box: list = [None]

    def work() -> None:
        try:
            box[0] = draw()
        except Exception:  # noqa: BLE001 - as above
            box[0] = None

    thread = threading.Thread(target=work, name="hljgis-project-picture", daemon=True)
    thread.start()

    def result() -> ProjectPreview | None:
        thread.join()
        return box[0]

    return result


def _fingerprint(con: sqlite3.Connection) -> dict:
    """Settings hash and every table's (last change, feature count), read from the file."""
    text = con.execute("SELECT json FROM hljgis_project WHERE id = 1").fetchone()
    rows = con.execute(
        "SELECT c.table_name, c.last_change, o.feature_count FROM gpkg_contents c "
        "LEFT JOIN gpkg_ogr_contents o ON lower(o.table_name) = lower(c.table_name) "
        "WHERE c.table_name != 'hljgis_project' ORDER BY c.table_name").fetchall()
    digest = hashlib.sha256((text[0] if text else "").encode("utf-8")).hexdigest()
    return {"settings_sha256": digest, "tables": {name: [last, count]
                                                  for name, last, count in rows}}


def write_preview(path: str | Path, preview: ProjectPreview) -> bool:
    """Store ``preview`` in the project file at ``path``, after its tables and settings
    were written (the fingerprint is read from them); False (nothing written) when the
    file cannot take it. The table is not registered in ``gpkg_contents``: QGIS and
    ``hljgis info`` list no extra layer."""
    con = sqlite3.connect(path)
    try:
        with con:
            meta = {"extent": list(preview.extent), "layers": list(preview.layers),
                    "fingerprint": _fingerprint(con)}
            con.execute(f"CREATE TABLE IF NOT EXISTS {PREVIEW_TABLE} (id INTEGER PRIMARY KEY, "
                        "meta TEXT NOT NULL, png BLOB NOT NULL)")
            con.execute(f"INSERT OR REPLACE INTO {PREVIEW_TABLE} (id, meta, png) "
                        "VALUES (1, ?, ?)", (json.dumps(meta), sqlite3.Binary(preview.png)))
        return True
    except sqlite3.Error:  # e.g. no gpkg_ogr_contents: the save goes on without a picture
        return False
    finally:
        con.close()


def read_preview(path: str | Path) -> ProjectPreview | None:
    """The project's saved preview, or None when there is none or it no longer shows the
    file's data (its fingerprint differs: a table or the settings changed since)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = con.execute(f"SELECT meta, png FROM {PREVIEW_TABLE} WHERE id = 1").fetchone()
        if row is None:
            return None
        meta = json.loads(row[0])
        if _fingerprint(con) != meta["fingerprint"]:
            return None
        x0, y0, x1, y1 = (float(v) for v in meta["extent"])
        extent = (x0, y0, x1, y1)
        return ProjectPreview(bytes(row[1]), extent, tuple(meta.get("layers", ())))
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    finally:
        con.close()
