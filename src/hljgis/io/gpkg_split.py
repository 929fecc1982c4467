"""A large new GeoPackage layer written in two halves on two cores, then joined.

GDAL writes a GeoPackage feature by feature on one core: a million ranked parcels (28
columns) take 3.2 s, of which 0.4 s is the R-tree. Here the first half of the rows goes
into the new file and the second half, with its feature ids, into a side file, each by
GDAL on its own thread (:mod:`hljgis.io.gdal_nogil` releases the GIL); the first thread,
with fewer rows, then stores the spatial index of all rows in the file (packed by
:mod:`hljgis.io.gpkg_rtree`, or the candidate file's own, :mod:`hljgis.io.gpkg_donor`).
SQLite then copies the side file's rows over as stored records (``INSERT INTO ...
SELECT *``, no decoding: 0.2 s for half a million rows). The file is the one GDAL writes
in one go: same tables, triggers, rows, feature ids, extents and index cells
(``tests/io/test_gpkg_split.py``).

Only for a new file (the caller writes into a temporary one, :func:`~hljgis.io.atomic.
atomic_target`); the side file is a temporary beside it and is removed whatever happens.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import threading
from pathlib import Path

import numpy as np

from hljgis.io import gdal_nogil, gpkg_rows
from hljgis.io.atomic import temporary_beside, unlink_later
from hljgis.io.gpkg_donor import Donor, donor_index
from hljgis.io.gpkg_rtree import copy_tables, fill_tables, register_index, rtree_name

__all__ = ["SPLIT_ROWS", "SplitRefused", "usable", "write_split"]

#: Rows from which a layer is written in two halves: below, the thread and the join cost
#: more than the half they save.
SPLIT_ROWS = 50_000
#: Share of the rows written straight into the file, on the calling thread, which then
#: also stores the spatial index there: packing it costs 0.6 us a feature, copying a
#: donor's 0.15 us, against GDAL's 2.8 us for a ranked parcel's 28 columns. The other
#: thread's rows are copied over at the end.
FIRST_SHARE = 0.4
FIRST_SHARE_DONOR = 0.47
#: The same with the rows written by C (:mod:`hljgis.io.gpkg_rows`, about 0.7 us a row):
#: the index is a larger share of the first thread's work.
FIRST_SHARE_NATIVE = 0.35
#: SQLite page size of the side file (ours alone, read once by the join): a sixteenth of
#: the page writes and reads of GDAL's 4 KB pages. 1M ranked parcels, alternating in one
#: process: write 2.09-2.44 s against 2.38-3.09 s, system time 0.48-0.57 s against
#: 0.47-1.08 s. The layer's own file keeps GDAL's page size.
SIDE_PAGE_SIZE = 65536


class SplitRefused(Exception):
    """GDAL made the layer's table otherwise than this writer expects (another GDAL
    version): nothing was written that matters, the caller writes the usual way."""


def usable(table, geometry_name: str) -> bool:
    """Whether :func:`write_split` can write ``table``: big enough, two cores, GDAL's C
    library found, an SQLite here with R-trees, JSON and a writable schema, and no column
    that GDAL would take for the feature id."""
    if table.num_rows < SPLIT_ROWS or (os.cpu_count() or 1) < 2:
        return False
    names = [n.lower() for n in table.column_names]
    if "fid" in names or geometry_name.lower() not in names:
        return False
    return gdal_nogil.available() and _sqlite_can()


@functools.cache
def _sqlite_can() -> bool:
    """Whether Python's SQLite has what the split writer uses (some builds lack the R-tree
    module; a defensive configuration refuses ``writable_schema``)."""
    try:
        with contextlib.closing(sqlite3.connect(":memory:", isolation_level=None)) as con:
            con.execute("CREATE VIRTUAL TABLE r USING rtree(id, a, b)")
            con.execute("SELECT json_array(1)")
            con.execute("CREATE TABLE t (fid INTEGER PRIMARY KEY AUTOINCREMENT, v)")
            _set_table_sql(con, "t", "CREATE TABLE t (fid INTEGER PRIMARY KEY, v)")
            con.execute("INSERT INTO t (v) VALUES (1)")
    except sqlite3.Error:
        return False
    return True


def write_split(table, bounds: np.ndarray, path: str | Path, *, layer: str,
                geometry_name: str, geometry_type: str, crs: str | None,
                origin=None, layer_options: dict[str, str] | None = None) -> None:
    """Write ``table`` (an Arrow table, geometry as WKB in ``geometry_name``) as ``layer``
    into the new GeoPackage ``path``, with a spatial index over ``bounds`` (n, 4 as
    ``shapely.bounds``; one non-empty geometry a row). ``origin``
    (:class:`~hljgis.io.source_wkb.Origin`): the rows' geometries are all a file's, in
    its order; its R-tree is copied if it fits (:mod:`hljgis.io.gpkg_donor`).
``layer_options``: GDAL's for the new layer (e.g. ``GEOMETRY_NAME``).

    Raises :class:`~hljgis.io.gdal_nogil.GdalError`, :class:`SplitRefused` or
    :class:`sqlite3.Error`; ``path`` may then be left half written (it is a temporary
    file), the side file never is.
    """
    import pyarrow as pa

    path = Path(path)
    n = table.num_rows
    donor = donor_index(origin, bounds)
    native = gpkg_rows.prepare(table, geometry_name)
    share = (FIRST_SHARE_NATIVE if native else FIRST_SHARE_DONOR if donor else FIRST_SHARE)
    cut = int(n * share)
    side = temporary_beside(path)
    failed: list[BaseException] = []
    try:
        for target in (path, side):  # GDAL makes the layer: every table, row, trigger
            gdal_nogil.write_table(table.slice(0, 0), target, layer=layer,
                                   geometry_name=geometry_name, geometry_type=geometry_type,
                                   crs=crs, layer_options={**(layer_options or {}),
                                                           "SPATIAL_INDEX": "NO"})
        name, schema_sql, triggers = _bulk_mode(path)
        _bulk_mode(side, page_size=SIDE_PAGE_SIZE)
        if native is not None:
            keys, srs_id = _keys(path, native)

            def write_first() -> None:
                gpkg_rows.insert(path, name, keys, native, bounds, srs_id, (0, cut), 1)

            def write_second() -> None:
                gpkg_rows.insert(side, name, keys, native, bounds, srs_id, (cut, n), cut + 1)
        else:
            first = table.slice(0, cut)
            second = table.slice(cut).add_column(
                0, "fid", pa.array(np.arange(cut + 1, n + 1, dtype=np.int64)))

            def write_first() -> None:
                gdal_nogil.append_table(first, path, layer=name, geometry_name=geometry_name)

            def write_second() -> None:
                gdal_nogil.append_table(second, side, layer=name, geometry_name=geometry_name)

        def second_half() -> None:
            try:
                write_second()
            except BaseException as exc:  # handed to the caller's thread below
                failed.append(exc)

        worker = threading.Thread(target=second_half, name="gpkg-split", daemon=True)
        worker.start()
        try:
            write_first()
            _index_into(path, bounds, donor)  # while the other half is still written
        finally:
            worker.join()
        if failed:
            raise failed[0]
        _join(path, side, n, schema_sql, triggers,
              extent=_extent(bounds) if native is not None else None)
    finally:
        for leftover in (side, *side.parent.glob(side.name + "-*")):
            unlink_later(leftover)  # half the layer: its blocks are freed off this thread


def _keys(path: Path, prepared: gpkg_rows.Rows) -> tuple[tuple[str, str], int]:
    """The layer table's feature id and geometry columns, and its SRS id; refuses a table
    whose other columns are not the prepared ones, in order."""
    with contextlib.closing(_connect(path)) as con:
        table, geom = _geometry_column(con)
        ((srs_id,),) = con.execute("SELECT srs_id FROM gpkg_geometry_columns").fetchall()
        cols = con.execute(f"PRAGMA table_info({_q(table)})").fetchall()
    fid = next(c[1] for c in cols if c[5])
    rest = [c[1] for c in cols if c[1] not in (fid, geom)]
    if [c.lower() for c in rest] != [c.lower() for c in prepared.names]:
        raise SplitRefused(f"unexpected columns of {table}: {rest}")
    return (fid, geom), int(srs_id)


def _extent(bounds: np.ndarray) -> tuple[float, float, float, float]:
    return (float(np.nanmin(bounds[:, 0])), float(np.nanmin(bounds[:, 1])),
            float(np.nanmax(bounds[:, 2])), float(np.nanmax(bounds[:, 3])))


def _connect(path: Path) -> sqlite3.Connection:
    # as a URI, so that a donor file can be attached read-only
    con = sqlite3.connect(path.resolve().as_uri(), isolation_level=None, uri=True)
    con.execute("PRAGMA journal_mode = OFF")  # temporary files: see fast_sqlite_writes
    con.execute("PRAGMA synchronous = OFF")
    return con


def _geometry_column(con: sqlite3.Connection, schema: str = "main") -> tuple[str, str]:
    ((table, column),) = con.execute(
        f"SELECT table_name, column_name FROM {schema}.gpkg_geometry_columns").fetchall()
    return table, column


def _index_into(path: Path, bounds: np.ndarray, donor: Donor | None) -> None:
    """The R-tree of all features (ids 1 ..), packed from ``bounds`` or copied from the
    donor, stored in the file's tables; its triggers come once the rows are in
    (:func:`_join`). SQLite and numpy's sorts let go of the GIL meanwhile."""
    with contextlib.closing(_connect(path)) as con:
        name = rtree_name(*_geometry_column(con))
        if donor is not None:
            con.execute("ATTACH DATABASE ? AS donor", (donor.uri,))
        con.execute("BEGIN")
        if donor is None:
            fill_tables(con, name, bounds)
        else:
            copy_tables(con, name, "donor", donor.rtree)
        con.execute("COMMIT")


def _set_table_sql(con: sqlite3.Connection, table: str, sql: str) -> None:
    """Replace a table's CREATE statement: SQLite's documented way for changes that leave
    the stored records as they are (``writable_schema``, then a new schema version)."""
    ((version,),) = con.execute("PRAGMA schema_version").fetchall()
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                (sql, table))
    con.execute(f"PRAGMA schema_version = {int(version) + 1}")
    con.execute("PRAGMA writable_schema = OFF")


def _bulk_mode(path: Path, page_size: int | None = None
               ) -> tuple[str, str, list[tuple[str, str]]]:
    """Ready GDAL's empty layer in ``path`` for rows in bulk; return its table name,
    CREATE statement and triggers, which :func:`_join` puts back. ``page_size``: rebuild
    the (still small) file with SQLite pages of that size first.

    Each row GDAL inserts is a statement of its own: with ``AUTOINCREMENT`` SQLite reads
    and writes ``sqlite_sequence`` each time (0.57 us a row, a fifth of GDAL's cost) and
    the feature-count trigger updates ``gpkg_ogr_contents``. Both are taken off while the
    rows go in (ids are the same: 1, 2, ... into an empty table, or given).
    """
    with contextlib.closing(_connect(path)) as con:
        if page_size is not None:
            con.execute(f"PRAGMA page_size = {int(page_size)}")
            con.execute("VACUUM")
        table, _ = _geometry_column(con)
        ((sql,),) = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                                "name = ?", (table,)).fetchall()
        if sql.count(" AUTOINCREMENT") != 1:
            raise SplitRefused(f"unexpected layer table: {sql}")
        triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = "
                               "'trigger' AND tbl_name = ?", (table,)).fetchall()
        con.execute("BEGIN")
        for trigger, _ in triggers:
            con.execute(f"DROP TRIGGER {_q(trigger)}")
        _set_table_sql(con, table, sql.replace(" AUTOINCREMENT", "", 1))
        con.execute("COMMIT")
    return table, sql, triggers


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _join(path: Path, side: Path, n: int, schema_sql: str,
          triggers: list[tuple[str, str]], extent: tuple[float, ...] | None = None) -> None:
    """Copy the side file's rows into ``path``, set its count and extent (``extent``
    when given: the rows were not written by GDAL, which keeps it), put back the layer's
    CREATE statement, sequence and triggers, and make the stored R-tree its spatial
    index, in one transaction."""
    con = _connect(path)
    try:
        con.execute("ATTACH DATABASE ? AS side", (str(side),))
        table, column = _geometry_column(con)
        t = _q(table)
        columns = con.execute(f"PRAGMA main.table_info({t})").fetchall()
        if (_geometry_column(con, "side") != (table, column)
                or columns != con.execute(f"PRAGMA side.table_info({t})").fetchall()):
            raise sqlite3.DatabaseError(f"the two halves of {table!r} differ")
        fid = next(c[1] for c in columns if c[5])  # the primary key: GDAL's FID column
        con.execute("BEGIN")
        for (trigger,) in con.execute("SELECT name FROM main.sqlite_master WHERE type = "
                                      "'trigger' AND tbl_name = ?", (table,)).fetchall():
            con.execute(f"DROP TRIGGER main.{_q(trigger)}")  # any GDAL made again
        con.execute(f"INSERT INTO main.{t} SELECT * FROM side.{t}")  # records as stored
        con.execute("UPDATE main.gpkg_ogr_contents SET feature_count = ? "
                    "WHERE lower(table_name) = lower(?)", (n, table))
        if extent is not None:
            con.execute("UPDATE main.gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, "
                        "max_y = ? WHERE table_name = ?", (*extent, table))
        else:
            con.execute(
                "UPDATE main.gpkg_contents SET "
                "min_x = min(min_x, (SELECT min_x FROM side.gpkg_contents "
                "WHERE table_name = ?1)),"
                "min_y = min(min_y, (SELECT min_y FROM side.gpkg_contents "
                "WHERE table_name = ?1)),"
                "max_x = max(max_x, (SELECT max_x FROM side.gpkg_contents "
                "WHERE table_name = ?1)),"
                "max_y = max(max_y, (SELECT max_y FROM side.gpkg_contents "
                "WHERE table_name = ?1)) "
                "WHERE table_name = ?1", (table,))
        for _, sql in triggers:
            con.execute(sql)
        register_index(con, table, column, fid=fid)
        con.execute("DELETE FROM main.sqlite_sequence WHERE name = ?", (table,))
        con.execute("INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)", (table, n))
        _set_table_sql(con, table, schema_sql)  # AUTOINCREMENT again
        con.execute("COMMIT")
        con.execute("DETACH DATABASE side")
    finally:
        con.close()
