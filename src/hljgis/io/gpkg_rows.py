"""Rows of a layer inserted into a GeoPackage table by C, not feature by feature by GDAL.

GDAL writes a GeoPackage a feature at a time through OGRFeature objects: 2.2 us a row
for a ranked parcel's 28 columns, two thirds of a million-parcel ranking's write.
``_gpkg_rows.c`` binds each row's values straight from the Arrow buffers into one
prepared INSERT (SQLite's C API) and builds the geometry blob GDAL would (the
GeoPackage header with the envelope, then the WKB), in a transaction. GDAL still makes
the layer (tables, metadata, triggers); :mod:`hljgis.io.gpkg_split` uses this for the
rows where it can (:func:`usable`): float, integer, boolean and text columns, polygons.
Built by ``make setup`` with the exact-distance loop
(:func:`hljgis.analysis.outline_kernel.build`); without it GDAL writes the rows.
"""

from __future__ import annotations

import ctypes
import functools
import os
from pathlib import Path

import numpy as np

from hljgis._native import LIBRARIES, compile_library, library_path

__all__ = ["LIBRARY", "RowsError", "build", "insert", "load", "usable"]

SOURCE = Path(__file__).with_name("_gpkg_rows.c")
LIBRARY = library_path(SOURCE)
#: WKB type codes written here: Polygon, MultiPolygon (GDAL writes a point without an
#: envelope, and an empty geometry otherwise; those go through GDAL).
_TYPES = (3, 6)


class RowsError(Exception):
    """SQLite refused a row (the message says why); the caller writes the usual way."""


@functools.cache
def load():
    """The compiled writer, or None when it was not built here (or does not load)."""
    if os.environ.get("HLJGIS_NO_KERNEL") or not LIBRARY.exists():
        return None
    try:
        lib = ctypes.CDLL(str(LIBRARY))
    except OSError:
        return None
    fn = lib.hljgis_gpkg_insert
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int64,
                   ctypes.c_int64, ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p,
                   ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                   ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    return fn


def build(compiler: str | None = None) -> Path | None:
    """Compile ``_gpkg_rows.c`` (against the system's SQLite) into :data:`LIBRARY`."""
    built = compile_library(SOURCE, LIBRARY, LIBRARIES["io/_gpkg_rows.c"], compiler)
    load.cache_clear()
    return built


def _kind(array) -> int:
    import pyarrow as pa

    t = array.type
    if pa.types.is_float64(t):
        return 1
    if pa.types.is_int64(t):
        return 2
    if pa.types.is_boolean(t):
        return 3
    if pa.types.is_string(t):
        return 4
    if pa.types.is_large_string(t):
        return 5
    return 0


class _Columns:
    """The table's columns as the C writer takes them: kinds and buffer addresses (the
    arrays are kept here while it runs)."""

    def __init__(self, table, geometry_name: str):
        import pyarrow as pa

        self.ok = False
        self.arrays = [table.column(i).combine_chunks() for i in range(table.num_columns)]
        names = table.column_names
        gi = names.index(geometry_name)
        geom = self.arrays[gi]
        geom = geom.storage if hasattr(geom, "storage") else geom
        if pa.types.is_binary(geom.type):
            geom = geom.cast(pa.large_binary())
        self.geom = geom
        self.names = [n for k, n in enumerate(names) if k != gi]
        cols = [a for k, a in enumerate(self.arrays) if k != gi]
        self.kinds = np.array([_kind(a) for a in cols], dtype=np.int32)
        if (self.kinds == 0).any() or geom.null_count or geom.offset or \
                any(a.offset for a in cols):
            return
        gbuf = geom.buffers()
        self.geom_offsets = gbuf[1].address
        self.geom_data = gbuf[2].address if gbuf[2] is not None else 0
        data, offs, valid = [], [], []
        for a, kind in zip(cols, self.kinds, strict=True):
            bufs = a.buffers()
            valid.append(bufs[0].address if a.null_count and bufs[0] is not None else 0)
            if kind in (4, 5):
                offs.append(bufs[1].address)
                data.append(bufs[2].address if bufs[2] is not None else 0)
            else:
                offs.append(0)
                data.append(bufs[1].address)
        n = len(cols)
        self.data = (ctypes.c_void_p * max(n, 1))(*data)
        self.offsets = (ctypes.c_void_p * max(n, 1))(*offs)
        self.validity = (ctypes.c_void_p * max(n, 1))(*valid)
        self.ok = True


def usable(table, geometry_name: str, type_codes: np.ndarray | None) -> bool:
    """Whether the C writer can write ``table``: built here, columns of the kinds it
    knows, and ``type_codes`` (each row's WKB type) polygons only."""
    return (load() is not None and type_codes is not None and len(type_codes) > 0
            and bool(np.isin(type_codes, _TYPES).all())
            and all(_kind(table.column(i).chunk(0) if table.column(i).num_chunks else
                          table.column(i)) for i, name in enumerate(table.column_names)
                    if name != geometry_name))


def insert(path: str | Path, layer: str, keys: tuple[str, str], prepared: _Columns,
           bounds: np.ndarray, srs_id: int, rows: tuple[int, int], fid0: int) -> None:
    """Insert rows ``rows[0]:rows[1]`` of the prepared table into ``layer`` of the
    GeoPackage ``path`` (``keys``: its feature id and geometry columns), with feature ids
    from ``fid0``; ``bounds``: (n, 4) as ``shapely.bounds``. Raises :class:`RowsError`
    with SQLite's message."""
    fn = load()

    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    columns = [*keys, *prepared.names]
    sql = (f"INSERT INTO {q(layer)} ({', '.join(q(c) for c in columns)}) VALUES "
           f"({', '.join('?' * len(columns))})")
    err = ctypes.create_string_buffer(512)
    bounds = np.ascontiguousarray(bounds, dtype=np.float64)
    kinds = np.ascontiguousarray(prepared.kinds)
    rc = fn(os.fsencode(str(path)), sql.encode("utf-8"), rows[0], rows[1] - rows[0], fid0,
            srs_id, prepared.geom_data, prepared.geom_offsets, bounds.ctypes.data,
            len(prepared.names), kinds.ctypes.data, ctypes.addressof(prepared.data),
            ctypes.addressof(prepared.offsets), ctypes.addressof(prepared.validity), err,
            len(err))
    if rc != 0:
        raise RowsError(err.value.decode("utf-8", "replace"))
