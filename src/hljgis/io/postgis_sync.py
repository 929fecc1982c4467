"""Edits of a layer read from PostGIS, written back to its table (issue #18, point 4).

A table read for editing remembers where it came from (:class:`DbLink`: source, key
column, each feature's row version and the rows as read). The session edits the layer's
frame as for any layer; what is to be written is the difference between the frame now and
the rows as read, by key (:func:`pending_edits`), so an edit undone is no edit and a feature
split in two is one update plus one insert. :func:`save_edits` writes that difference with
:func:`~hljgis.io.postgis_edit.apply_edits` in one transaction: if another planner changed
or deleted one of the features since it was read, nothing is written and the
:class:`~hljgis.io.postgis_edit.EditConflictError` names them; after a successful write
the versions and the rows-as-read refresh, and new features get the keys the database gave.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hljgis.core.errors import InputError
from hljgis.io.postgis import ROW_VERSION, PgSource, connect, parse_source, read_postgis
from hljgis.io.postgis_edit import EditConflictError, EditResult, apply_edits

__all__ = ["DbLink", "EditConflictError", "PendingEdits", "conflict_positions", "db_layers",
           "link_of", "open_for_editing", "pending_edits", "primary_key", "refresh",
           "save_edits", "write_pending"]


@dataclass
class DbLink:
    """Where a layer's features live in PostGIS and the state they were read in.

    ``password`` (typed in a dialog) serves this session only: it is never written to a
    project, which keeps only ``source.text()``.
    """

    source: PgSource
    key: str
    #: key -> row version (PostgreSQL's xmin as text) of the rows as read or last written.
    versions: dict
    #: The rows as read or last written (the table's columns only), for the difference.
    baseline: gpd.GeoDataFrame
    password: str | None = field(default=None, repr=False)
    #: The extent the rows were read in (only the map view of a large table), or None.
    bbox: tuple | None = None
    bbox_crs: str | None = None
    #: The table's geometry column (the frame's is ``geometry``).
    table_geometry: str | None = None

    @property
    def columns(self) -> list[str]:
        """The table's attribute columns (key included), as read."""
        return [c for c in self.baseline.columns if c != self.baseline.geometry.name]


@dataclass
class PendingEdits:
    """What a save would write: ``updates``/``deletes`` carry key and row version."""

    updates: gpd.GeoDataFrame
    deletes: pd.DataFrame
    inserts: gpd.GeoDataFrame
    #: Row positions (in the layer's frame) of the features to insert.
    insert_positions: np.ndarray

    @property
    def changed(self) -> list:
        return list(self.updates.iloc[:, 0]) if len(self.updates) else []

    @property
    def deleted(self) -> list:
        return list(self.deletes.iloc[:, 0]) if len(self.deletes) else []

    def __bool__(self) -> bool:
        return bool(len(self.updates) or len(self.deletes) or len(self.inserts))

    def summary(self) -> str:
        return (f"{len(self.inserts)} added, {len(self.updates)} changed, "
                f"{len(self.deletes)} deleted")


def primary_key(source: PgSource | str, *, password: str | None = None) -> str | None:
    """The table's single-column primary key, or None (a view, no key, a composite key)."""
    return _key_and_geometry(source, password)[0]


def _key_and_geometry(source: PgSource | str, password: str | None) -> tuple[str | None,
                                                                               str | None]:
    from hljgis.io.postgis_edit import _describe

    src = parse_source(source) if isinstance(source, str) else source
    if not src.table:
        return None, None
    with connect(src, password=password, autocommit=True) as conn:
        try:
            _schema, _table, key, geom, _srid = _describe(conn, src)
        except InputError:
            return None, None
    return key, geom


def open_for_editing(source: PgSource | str, *, bbox=None, bbox_crs=None,
                     password: str | None = None) -> tuple[gpd.GeoDataFrame, DbLink | None]:
    """Read a table with its row versions; the frame (without the version column) and its
    link, or no link when the source cannot be edited (a query, a table without a key)."""
    src = parse_source(source) if isinstance(source, str) else source
    key, geom = _key_and_geometry(src, password)
    if key is None:
        return read_postgis(src, bbox=bbox, bbox_crs=bbox_crs, password=password), None
    gdf = read_postgis(src, bbox=bbox, bbox_crs=bbox_crs, password=password,
                       row_versions=True)
    versions = dict(zip(_keys(gdf[key]), gdf.pop(ROW_VERSION), strict=True))
    crs = None if bbox is None or bbox_crs is None else _crs_text(bbox_crs)
    box = None if bbox is None else tuple(float(v) for v in bbox)
    return gdf, DbLink(src, key, versions, gdf, password, box, crs, geom)


def _crs_text(crs) -> str:
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def link_of(layer) -> DbLink | None:
    """The layer's database link, if it was read from PostGIS for editing."""
    link = getattr(layer, "db_link", None)
    return link if isinstance(link, DbLink) else None


def _linked(layer) -> DbLink:
    """The layer's database link; refused for a layer not read from PostGIS for editing."""
    link = link_of(layer)
    if link is None:
        raise ValueError(f"layer '{getattr(layer, 'name', layer)}' is not linked to a "
                         "PostGIS table")
    return link


def db_layers(project) -> list:
    """The project's layers linked to a PostGIS table."""
    return [layer for layer in project.layers if link_of(layer) is not None]


def _keys(values) -> list:
    """Keys as plain Python values: a NaN is None, 3.0 (an integer column widened by a new
    row without key) is 3."""
    out: list = []
    for v in pd.Series(values, dtype=object).tolist():
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
        elif isinstance(v, float) and v.is_integer():
            out.append(int(v))
        else:
            out.append(v.item() if hasattr(v, "item") else v)
    return out


def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise "not the same value" for two object arrays (two nulls are the same)."""
    na, nb = pd.isna(a), pd.isna(b)
    eq = np.asarray(a == b, dtype=bool) if len(a) else np.zeros(0, dtype=bool)
    return ~(eq | (na & nb))


def pending_edits(layer) -> PendingEdits:
    """The layer's features against the rows as read: updates, deletes and inserts."""
    link = link_of(layer)
    if link is None:
        raise InputError(f"layer '{layer.title}' was not read from a PostGIS table for "
                         "editing.", "Add the table with Layer > Add PostGIS layers.")
    base, cur, key = link.baseline, layer.gdf, link.key
    geom_b, geom_c = base.geometry.name, cur.geometry.name
    if key not in cur.columns:
        raise InputError(f"layer '{layer.title}' has lost its key column {key}, so its "
                         "features cannot be matched with the table's.",
                         "Undo the change that removed it.")
    base_keys = _keys(base[key])
    cur_keys = _keys(cur[key])
    known = set(base_keys)
    seen: set = set()
    new = np.zeros(len(cur), dtype=bool)
    for i, k in enumerate(cur_keys):  # a key met twice (a split piece) is a new feature
        new[i] = k is None or k not in known or k in seen
        seen.add(k)
    kept_keys = [k for k, n in zip(cur_keys, new, strict=True) if not n]
    pos_of = {k: i for i, k in enumerate(base_keys)}
    b_rows = np.array([pos_of[k] for k in kept_keys], dtype=np.int64)
    c_rows = np.flatnonzero(~new)
    changed = np.zeros(len(c_rows), dtype=bool)
    cols = [c for c in link.columns if c in cur.columns and c != key]
    for c in cols:
        changed |= _differs(cur[c].to_numpy(dtype=object)[c_rows],
                            base[c].to_numpy(dtype=object)[b_rows])
    gb = base.geometry.values[b_rows]
    gc = cur.geometry.to_crs(base.crs).values[c_rows] if not cur.crs.equals(base.crs) \
        else cur.geometry.values[c_rows]
    missing_b, missing_c = shapely.is_missing(gb), shapely.is_missing(gc)
    same_geom = (missing_b & missing_c) | (~missing_b & ~missing_c & shapely.equals_exact(
        np.asarray(gc, dtype=object), np.asarray(gb, dtype=object), tolerance=0.0))
    changed |= ~same_geom
    upd_keys = [kept_keys[i] for i in np.flatnonzero(changed)]
    updates = gpd.GeoDataFrame(
        {key: base[key].to_numpy()[b_rows[changed]],
         ROW_VERSION: [link.versions[k] for k in upd_keys],
         **{c: cur[c].to_numpy(dtype=object)[c_rows[changed]] for c in cols}},
        geometry=gpd.GeoSeries(gc[changed], crs=base.crs).values, crs=base.crs)
    updates = updates.rename_geometry(geom_b) if geom_b != "geometry" else updates
    gone = [k for k in base_keys if k not in set(kept_keys)]
    deletes = pd.DataFrame({key: [base[key].iloc[pos_of[k]] for k in gone],
                            ROW_VERSION: [link.versions[k] for k in gone]})
    ins_pos = np.flatnonzero(new)
    own_keys = [cur_keys[i] for i in ins_pos]
    with_key = all(k is not None for k in own_keys) and len(set(own_keys)) == len(own_keys) \
        and not (set(own_keys) & known)
    ins_cols = [c for c in link.columns if c in cur.columns and (c != key or with_key)]
    ins = cur.iloc[ins_pos]
    inserts = gpd.GeoDataFrame(
        {c: ins[c].to_numpy(dtype=object) for c in ins_cols},
        geometry=gpd.GeoSeries(ins[geom_c].values, crs=cur.crs).to_crs(base.crs).values,
        crs=base.crs)
    return PendingEdits(updates, deletes, inserts, ins_pos)


def save_edits(layer) -> EditResult:
    """Write the layer's edits to its table in one transaction and refresh its versions.

    Raises
    ------
    EditConflictError
        Another planner changed or deleted some of the edited features since they were
        read; nothing was written and the layer is as it was.
    InputError
        The database cannot be reached or refuses the values (nothing written).
    """
    pending = pending_edits(layer)
    if not pending:
        return EditResult()
    result = write_pending(_linked(layer), pending)
    refresh(layer, pending, result)
    return result


def write_pending(link: DbLink, pending: PendingEdits) -> EditResult:
    """The database part of :func:`save_edits`: touches no layer, so a GUI runs it on a
    worker thread and calls :func:`refresh` back on its own."""
    return apply_edits(link.source, updates=pending.updates, deletes=pending.deletes,
                       inserts=pending.inserts, password=link.password)


def conflict_positions(layer, error: EditConflictError) -> np.ndarray:
    """Row positions of the layer's features named by a conflict (to select them)."""
    link = _linked(layer)
    keys = set(_keys(list(error.conflicts)))
    return np.flatnonzero([k in keys for k in _keys(layer.gdf[link.key])])


def refresh(layer, pending: PendingEdits, result: EditResult) -> None:
    """After a write: new features get their keys, and the rows as written become the
    baseline with the versions the database returned."""
    link = _linked(layer)
    key = link.key
    gdf = layer.gdf
    if len(pending.insert_positions) and key not in pending.inserts.columns:
        gdf = gdf.copy()
        values = np.array(gdf[key].astype(object).to_numpy(), dtype=object)
        values[pending.insert_positions] = result.inserted_keys
        column = pd.Series(values, index=gdf.index, dtype=object)
        with contextlib.suppress(TypeError, ValueError):  # back to integers if all set
            column = column.astype(link.baseline[key].dtype)
        gdf[key] = column
        layer.set_data(gdf)
    for k in _keys(pending.deletes[key]) if len(pending.deletes) else []:
        link.versions.pop(k, None)
    for k, version in result.versions.items():
        link.versions[_keys([k])[0]] = version
    base = gdf[[*link.columns, gdf.geometry.name]]
    if not base.crs.equals(link.baseline.crs):
        base = base.to_crs(link.baseline.crs)
    link.baseline = base.copy()
