"""Polygons of an Arrow WKB column built from coordinate arrays instead of parsed one by one.

``shapely.from_wkb`` takes a Python bytes object a record, so reading a layer copied every
geometry's WKB into one (0.12 s for a million parcels) before GEOS parsed each (0.85 s).
``_wkb_arrays.c`` walks the Arrow buffers in place and lays the coordinates, ring lengths
and rings per part out as :func:`shapely.from_ragged_array` takes them, which builds the
same geometries natively (0.5 s). Only for plain records (little-endian 2-D Polygon or
MultiPolygon, closed rings of four points or more; a batch with both builds each kind
apart); anything else returns None and the caller uses ``shapely.from_wkb`` as before, which reads
or refuses it as it always did. Built by ``make setup`` with the other C libraries.
"""

from __future__ import annotations

import ctypes
import functools
from pathlib import Path
from typing import Any

import numpy as np

from hljgis._native import LIBRARIES, compile_library, library_path, open_library

__all__ = ["LIBRARY", "build", "geometries", "load"]

SOURCE = Path(__file__).with_name("_wkb_arrays.c")
LIBRARY = library_path(SOURCE)

_I64 = np.ctypeslib.ndpointer(np.int64, flags="C_CONTIGUOUS")
_I8 = np.ctypeslib.ndpointer(np.int8, flags="C_CONTIGUOUS")
_F64 = np.ctypeslib.ndpointer(np.float64, flags="C_CONTIGUOUS")


@functools.cache
def load():
    """(count, fill) of the compiled walker, or None when it was not built here."""
    lib = open_library(LIBRARY)
    if lib is None:
        return None
    count, fill = lib.hljgis_wkb_count, lib.hljgis_wkb_fill
    count.restype = fill.restype = None
    count.argtypes = [ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
                      ctypes.c_void_p, ctypes.c_int64, _I8, _I64, _I64, _I64]
    fill.argtypes = [ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, _I8,
                     ctypes.c_int8, _I64, _I64, _I64, _F64, _I64, _I64]
    return count, fill


def build(compiler: str | None = None) -> Path | None:
    """Compile ``_wkb_arrays.c`` into :data:`LIBRARY`."""
    built = compile_library(SOURCE, LIBRARY, LIBRARIES["io/_wkb_arrays.c"], compiler)
    load.cache_clear()
    return built


def _starts(counts: np.ndarray) -> np.ndarray:
    return np.cumsum(counts) - counts


def _build(fill, code: int, mine: np.ndarray, kind: np.ndarray, parts: np.ndarray,
           rings: np.ndarray, coords: np.ndarray, source: tuple) -> np.ndarray:
    """All ``n`` records built as polygons (``code`` 3) or multipolygons (6) from the
    records of that kind (``mine``); the others come out empty."""
    import shapely

    parts, rings, coords = (np.where(mine, c, 0) for c in (parts, rings, coords))
    xy = np.empty((int(coords.sum()), 2))
    ring_len = np.empty(int(rings.sum()), np.int64)
    part_rings = np.empty(int(parts.sum()), np.int64)
    fill(*source, kind, code, _starts(coords), _starts(rings), _starts(parts), xy, ring_len,
         part_rings)
    ring_offsets = np.concatenate([[0], np.cumsum(ring_len)])
    if code == 6:
        return shapely.from_ragged_array(
            shapely.GeometryType.MULTIPOLYGON, xy,
            (ring_offsets, np.concatenate([[0], np.cumsum(part_rings)]),
             np.concatenate([[0], np.cumsum(parts)])))
    return shapely.from_ragged_array(shapely.GeometryType.POLYGON, xy,
                                     (ring_offsets, np.concatenate([[0], np.cumsum(rings)])))


def geometries(column: Any) -> np.ndarray | None:
    """The geometries ``shapely.from_wkb`` gives for ``column`` (a pyarrow binary or
    large_binary Array of WKB; None for a null record), or None: the library is not built,
    or a record is not a plain polygon or multipolygon."""
    import pyarrow as pa

    fns = load()
    if fns is None or not (pa.types.is_binary(column.type)
                           or pa.types.is_large_binary(column.type)):
        return None
    count, fill = fns
    n = len(column)
    validity, off_buf, data_buf = column.buffers()
    if n == 0 or data_buf is None:
        return None
    wide = pa.types.is_large_binary(column.type)
    width = 8 if wide else 4
    offsets = off_buf.address + column.offset * width
    bits = validity.address if validity is not None and column.null_count else None
    kind = np.empty(n, np.int8)
    parts, rings, coords = (np.empty(n, np.int64) for _ in range(3))
    count(n, data_buf.address, offsets, int(wide), bits, column.offset, kind, parts, rings,
          coords)
    if (kind < 0).any():
        return None
    out = None
    for code in (3, 6):  # polygons, then multipolygons (a Shapefile's layer has both)
        mine = kind == code
        if not mine.any():
            continue
        built = _build(fill, code, mine, kind, parts, rings, coords,
                       (n, data_buf.address, offsets, int(wide)))
        out = built if out is None else np.where(mine, built, out)
    if out is None:  # every record null
        out = np.full(n, None, dtype=object)
    if (kind == 0).any():
        out[kind == 0] = None
    return out
