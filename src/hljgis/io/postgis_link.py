"""A PostGIS layer's table link, kept in the project (file or shared store) and restored.

The project keeps the layer's rows as last read (its own table, like any layer) and, in the
layer's settings, where they came from: the connection string without a password, the table
or query, the key and geometry columns, the extent read, each row's version, and the rows as
read of the features edited but not yet written to the database (so the edits can still be
told apart and saved after reopening, with another planner's edits of the same features
reported as before).

Reopening re-reads each PostGIS layer from the database: the bureau's table is the truth a
planner shares, and the copy in the project may be days old. Two exceptions keep the copy
stored in the project, each said in a note on the layer:

* the layer has edits not yet in the database: re-reading would drop them, so the stored
  rows and versions are kept and "Save edits to database" writes them (conflicts reported);
* the server cannot be reached (offline, wrong port, password not found): the stored copy
  opens, still linked, so it can be refreshed or its edits saved when the server is back.
"""

from __future__ import annotations

import base64
import io

import geopandas as gpd
import pandas as pd

from hljgis.core.errors import InputError

#: Key of the link in a layer's settings (project JSON).
SETTINGS_KEY = "postgis"


def link_settings(layer) -> dict | None:
    """The JSON-able link of a layer read from PostGIS, or None for any other layer."""
    from hljgis.io.postgis import is_pg_source, parse_source
    from hljgis.io.postgis_sync import _keys, link_of, pending_edits

    link = link_of(layer)
    if link is None:
        if not is_pg_source(layer.source_path):  # a file layer
            return None
        src = parse_source(layer.source_path)  # a query or a table without a key
        return {"source": src.text(), "key": None, "read_at": _read_at(layer)}
    entry = {"source": link.source.text(), "key": link.key,
             "geometry": link.baseline.geometry.name, "columns": link.columns,
             "table_geometry": link.table_geometry,
             "crs": link.baseline.crs.to_string() if link.baseline.crs else None,
             "bbox": list(link.bbox) if link.bbox is not None else None,
             "bbox_crs": link.bbox_crs,
             "versions": [[_plain(k), v] for k, v in link.versions.items()],
             "read_at": _read_at(layer), "edited_rows": None}
    try:
        pending = pending_edits(layer)
    except InputError:  # the key column was removed: nothing to match, the file still saves
        return entry
    keys = set(_keys([*pending.changed, *pending.deleted]))
    if keys:  # the rows as read of the features edited since: a few hand edits
        base = link.baseline
        rows = base[[k in keys for k in _keys(base[link.key])]]
        buf = io.BytesIO()
        rows.rename(columns={c: str(c) for c in rows.columns}).to_parquet(buf)
        entry["edited_rows"] = base64.b64encode(buf.getvalue()).decode("ascii")
    return entry


def _plain(key):
    """A key as JSON keeps it (a uuid or a date as its text, which is how it compares with
    the key column of the copy read back from the GeoPackage)."""
    return key if key is None or isinstance(key, (int, float, str)) else str(key)


def _read_at(layer) -> str:
    return getattr(layer, "postgis_read_at", None) or _now()


def _now() -> str:
    from hljgis.io.postgis import _read_now

    return _read_now()


def restore(layer, entry: dict, *, reread: bool = True, unreachable: dict | None = None) -> None:
    """Give a layer opened from a project its table link back and, unless it holds edits
    not yet in the database, its current rows (see the module's docstring).

    ``unreachable`` maps connection strings that failed during this opening to the reason,
    so a project of ten layers on a server that is away waits for one timeout, not ten.
    Never raises for a database problem: the stored copy stays, with a note.
    """
    from hljgis.io.postgis import parse_source
    from hljgis.io.postgis_sync import pending_edits

    try:
        src = parse_source(entry["source"])
    except InputError as exc:  # a hand-edited project: the copy opens, unlinked
        layer.notes.append(f"{layer.title}: not linked to the database ({exc.what})")
        return
    try:
        link = _stored_link(layer, entry, src) if entry.get("key") else None
    except InputError as exc:  # the copy lost what matched it to the table: read it again
        layer.notes.append(f"{layer.title}: {exc.what}")
        link = None
    layer.db_link = link
    when = entry.get("read_at") or "an earlier session"
    layer.postgis_read_at = when
    if link is not None:
        pending = pending_edits(layer)
        if pending:
            _copy_note(layer, (
                f"{layer.title}: {pending.summary()} not yet in the database ({src.describe()}"
                f"); the copy saved in the project is shown so they are kept. Save edits to "
                "database to write them."))
            return
    if not reread:
        return
    unreachable = {} if unreachable is None else unreachable
    failed = unreachable.get(src.conninfo)
    if failed is None:
        try:
            refresh_from_database(layer, src)
            layer.notes.append(f"{layer.title}: read again from PostGIS: {src.describe()}")
            return
        except InputError as exc:
            failed = exc.what
            if _is_connection_problem(exc):
                unreachable[src.conninfo] = f"no answer for an earlier layer: {exc.what}"
    _copy_note(layer, (
        f"{layer.title}: the database could not be read ({failed}); showing the copy "
        f"saved in the project (read {when}). It is still linked to {src.describe()}: "
        "refresh it or save its edits when the server is back."))


def _copy_note(layer, text: str) -> None:
    layer.notes.append(text)
    layer.postgis_copy_note = text


def stored_copy_notes(project) -> list[str]:
    """Why layers of a just-opened project show the copy stored in the project rather than
    the database's rows (a command warns: its output rests on that copy)."""
    return [n for layer in project.layers if (n := getattr(layer, "postgis_copy_note", None))]


def refresh_from_database(layer, src=None) -> None:
    """Read the layer's table (or query) again, in the extent it was read in, and make the
    rows read its new baseline.

    Raises
    ------
    InputError
        The database cannot be read; the layer is unchanged.
    """
    apply_read(layer, *read_again(layer, src))


def read_again(layer, src=None) -> tuple[gpd.GeoDataFrame, object]:
    """The layer's rows and link as the database has them now; touches no layer, so a GUI
    reads on a worker thread and calls :func:`apply_read` on its own."""
    from hljgis.io.postgis import parse_source, read_postgis
    from hljgis.io.postgis_sync import link_of, open_for_editing

    link = link_of(layer)
    if src is None:
        src = link.source if link is not None else parse_source(layer.source_path)
    if link is not None:
        return open_for_editing(src, bbox=link.bbox, bbox_crs=link.bbox_crs,
                                password=link.password)
    if src.table:  # a table: with its key, linked for editing again
        return open_for_editing(src)
    return read_postgis(src), None


def apply_read(layer, gdf: gpd.GeoDataFrame, link) -> None:
    """Put rows read by :func:`read_again` in the layer (views redraw)."""
    layer.set_data(gdf)
    layer.db_link = link
    layer.postgis_read_at = _now()


def _is_connection_problem(exc: InputError) -> bool:
    text = exc.what.lower()
    return "cannot" in text and ("reach" in text or "connect" in text or "log in" in text)


def _stored_link(layer, entry: dict, src):
    """The link as saved: versions, and a baseline that is the stored rows except for the
    edited features, whose rows as read were saved beside the link."""
    from pyproj import CRS

    from hljgis.io.postgis_sync import DbLink, _keys

    key, geom = entry["key"], entry.get("geometry") or "geometry"
    versions = {_keys([k])[0]: v for k, v in entry.get("versions", [])}
    cur = layer.gdf
    if key not in cur.columns:
        raise InputError(f"layer '{layer.name}' lost its key column {key} in the project.",
                         "Add the table again from the database.")
    crs = CRS.from_user_input(entry.get("crs") or cur.crs)
    edited = _edited_rows(entry, geom, crs)
    edited_keys = set(_keys(edited[key])) if edited is not None else set()
    seen: set = set()
    keep = []
    for k in _keys(cur[key]):  # the first feature with a known key is the table's row
        keep.append(k in versions and k not in edited_keys and k not in seen)
        seen.add(k)
    columns = [c for c in entry.get("columns") or cur.columns if c in cur.columns
               and c != cur.geometry.name]
    same = cur.loc[keep, [*columns, cur.geometry.name]]
    if cur.geometry.name != geom:
        same = same.rename_geometry(geom)
    if same.crs is not None and not same.crs.equals(crs):
        same = same.to_crs(crs)
    parts = [same] if edited is None else [same, edited[[*columns, geom]]]
    baseline = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry=geom, crs=crs)
    bbox = tuple(entry["bbox"]) if entry.get("bbox") is not None else None
    return DbLink(src, key, versions, baseline, None, bbox, entry.get("bbox_crs"),
                  entry.get("table_geometry"))


def _edited_rows(entry: dict, geom: str, crs) -> gpd.GeoDataFrame | None:
    data = entry.get("edited_rows")
    if not data:
        return None
    rows = gpd.read_parquet(io.BytesIO(base64.b64decode(data)))
    if rows.geometry.name != geom:
        rows = rows.rename_geometry(geom)
    return rows.to_crs(crs) if rows.crs is not None and not rows.crs.equals(crs) else rows
