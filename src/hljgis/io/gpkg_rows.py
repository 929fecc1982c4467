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

from hljgis._native import LIBRARIES, compile_library, library_path, open_library

__all__ = ["LIBRARY", "Rows", "RowsError", "build", "insert", "load", "prepare"]

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
    lib = open_library(LIBRARY)
    if lib is None:
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


def _kind(t) -> int:
    """The C writer's code for an Arrow column type (0: one it does not write)."""
    import pyarrow as pa

    checks = (pa.types.is_float64, pa.types.is_int64, pa.types.is_boolean,
              pa.types.is_string, pa.types.is_large_string)
    return next((k for k, check in enumerate(checks, 1) if check(t)), 0)


class Rows:
    """A table's columns as the C writer takes them: kinds and buffer addresses (the
    arrays are kept here while it runs). Made by :func:`prepare`."""

    def __init__(self, geom, names: list[str], cols: list, kinds: np.ndarray):
        self.geom, self.names, self.cols = geom, names, cols
        self.kinds = kinds
        gbuf = geom.buffers()
        self.geom_offsets = gbuf[1].address
        self.geom_data = gbuf[2].address if gbuf[2] is not None else 0
        data, offs, valid = [], [], []
        for a, kind in zip(cols, kinds, strict=True):
            bufs = a.buffers()
            valid.append(bufs[0].address if a.null_count and bufs[0] is not None else 0)
            text = kind in (4, 5)
            offs.append(bufs[1].address if text else 0)
            data.append((bufs[2].address if bufs[2] is not None else 0) if text
                        else bufs[1].address)
        n = max(len(cols), 1)
        self.data = (ctypes.c_void_p * n)(*data)
        self.offsets = (ctypes.c_void_p * n)(*offs)
        self.validity = (ctypes.c_void_p * n)(*valid)


def prepare(table, geometry_name: str) -> Rows | None:
    """``table`` (geometry as WKB in ``geometry_name``) ready for :func:`insert`, or None
    when the C writer is not built here or cannot write it: a column of another kind
    than float, integer, boolean or text (told from the schema, before any copy), or a
    geometry other than a canonical polygon or multipolygon."""
    import pyarrow as pa

    from hljgis.io.source_wkb import type_codes

    if load() is None or not table.num_rows:
        return None
    names = [n for n in table.column_names if n != geometry_name]
    kinds = np.array([_kind(table.schema.field(n).type) for n in names], dtype=np.int32)
    if (kinds == 0).any():
        return None
    geom = table.column(geometry_name).combine_chunks()
    geom = geom.storage if hasattr(geom, "storage") else geom
    codes = type_codes(geom)
    if codes is None or not np.isin(codes, _TYPES).all():
        return None
    if pa.types.is_binary(geom.type):
        geom = geom.cast(pa.large_binary())
    cols = [table.column(n).combine_chunks() for n in names]
    if geom.offset or any(a.offset for a in cols):
        return None
    return Rows(geom, names, cols, kinds)


def insert(path: str | Path, layer: str, keys: tuple[str, str], prepared: Rows,
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
