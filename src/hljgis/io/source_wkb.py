"""The WKB a file gave for its geometries, kept to write those same geometries back.

Reading a million parcels, GDAL hands over each geometry as WKB and shapely parses it
(:func:`hljgis.analysis.candidates.read_candidates`). Writing the ranked parcels, GDAL
wants WKB again: rebuilding it costs about 1 s at a million parcels (``shapely.to_wkb``
twice that). When a frame's geometries are the very objects parsed from a file, the file's
WKB is handed to GDAL unchanged instead (:func:`hljgis.io.arrow_layer.arrow_layer`).

"The very objects" is checked exactly, per row, by address: a source keeps strong
references to its geometries, so no other object can take one of their addresses while
it is kept, and shapely geometries are immutable, so an object still is what its WKB
says. Rows may be a subset or a reordering of the source (a filter, a city); a row holding
any other object (an edited geometry) makes the lookup fail and the caller builds the WKB.
Only canonical WKB is kept: little-endian, 2-D point, line, polygon or their multi types,
no nulls; for those ``shapely.to_wkb(shapely.from_wkb(w)) == w`` byte for byte
(``tests/io/test_source_wkb.py``), so the file written is the one the geometries give.

A source lives as long as the object it is tied to (the candidate frame's geometry
array), and holds the WKB buffer (about the size of the file's geometries) meanwhile.
"""

from __future__ import annotations

import ctypes
import itertools
import threading
import weakref
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Origin", "SourceWkb", "addresses", "forget_all", "lookup", "remember",
           "type_codes"]

#: WKB type codes kept: Point .. MultiPolygon, 2-D (ISO Z/M codes are 1001 and up).
_SIMPLE_TYPES = frozenset(range(1, 7))


@dataclass(frozen=True)
class Origin:
    """Where a source's geometries were read: every feature of ``layer`` (None: the only
    one) of the file ``path``, in the file's order, while its size, time and inode were
    ``stamp``. A writer may then reuse the file's spatial index for the very same rows
    (:mod:`hljgis.io.gpkg_split` checks the file before it does)."""

    path: str
    layer: str | None
    stamp: tuple[int, int, int]

    @staticmethod
    def stamp_of(path: str) -> tuple[int, int, int] | None:
        import os

        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class _Source:
    geoms: np.ndarray  # object array: keeps every geometry (and so its address) alive
    keys: np.ndarray  # int64 addresses of geoms
    wkb: object  # pyarrow binary or large_binary Array, one record per geometry
    kind: int  # the WKB type code of every record (0 when they differ)
    origin: Origin | None = None
    _sorted: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def positions(self, keys: np.ndarray) -> np.ndarray | None:
        """Where each address is among the source's, or None if any is not."""
        if self._sorted is None:
            order = np.argsort(self.keys, kind="stable")
            self._sorted = (self.keys[order], order)
        skeys, order = self._sorted
        at = np.searchsorted(skeys, keys)
        at[at == len(skeys)] = 0
        if len(skeys) == 0 or not np.array_equal(skeys[at], keys):
            return None
        return order[at]


@dataclass(frozen=True)
class SourceWkb:
    """A lookup's answer: WKB for each row, and the WKB type code shared by all (0: mixed)."""

    wkb: object  # pyarrow binary or large_binary Array
    kind: int
    #: set when the rows are all the source's, in its order, and it came from a file
    origin: Origin | None = None


_SOURCES: dict[int, _Source] = {}
_LOCK = threading.Lock()
_IDS = itertools.count()


def addresses(geoms: np.ndarray) -> np.ndarray:
    """The addresses (``id``) of the objects of an object array, read in one copy."""
    geoms = np.ascontiguousarray(geoms, dtype=object)
    if not len(geoms):
        return np.zeros(0, np.int64)
    ptr = ctypes.cast(geoms.ctypes.data, ctypes.POINTER(ctypes.c_ssize_t))
    return np.ctypeslib.as_array(ptr, shape=(len(geoms),)).astype(np.int64)


def type_codes(wkb) -> np.ndarray | None:
    """Each record's WKB type code, or None unless all are canonical (see module doc)."""
    import pyarrow as pa

    if wkb.null_count:
        return None
    large = pa.types.is_large_binary(wkb.type)
    if not (large or pa.types.is_binary(wkb.type)):
        return None
    n = len(wkb)
    _, off_buf, data_buf = wkb.buffers()
    offsets = np.frombuffer(off_buf, np.int64 if large else np.int32)[
        wkb.offset:wkb.offset + n + 1].astype(np.int64)
    if not n:
        return np.zeros(0, np.int64)
    if (np.diff(offsets) < 5).any():
        return None
    data = np.frombuffer(data_buf, np.uint8)
    start = offsets[:-1]
    if (data[start] != 1).any():  # little-endian only
        return None
    code = np.zeros(n, np.int64)
    for k in range(4):
        code |= data[start + 1 + k].astype(np.int64) << (8 * k)
    if not np.isin(code, list(_SIMPLE_TYPES)).all():
        return None
    return code


def remember(owner: object, geoms: np.ndarray, wkb, origin: Origin | None = None) -> bool:
    """Keep ``wkb`` (an Arrow binary array) as the WKB of ``geoms`` while ``owner`` lives.

    ``geoms`` must be what shapely parsed from ``wkb``, row for row; ``origin`` says they
    are all the features of a file, in its order. Returns False (and keeps nothing) when
    the WKB is not canonical or the lengths differ.
    """
    geoms = np.array(geoms, dtype=object, copy=True)
    if len(geoms) != len(wkb) or not len(geoms):
        return False
    codes = type_codes(wkb)
    if codes is None:
        return False
    kinds = np.unique(codes)
    source = _Source(geoms, addresses(geoms), wkb, int(kinds[0]) if len(kinds) == 1 else 0,
                     origin)
    key = next(_IDS)
    with _LOCK:
        _SOURCES[key] = source
    weakref.finalize(owner, _forget, key)
    return True


def _forget(key: int) -> None:
    with _LOCK:
        _SOURCES.pop(key, None)


def forget_all() -> None:
    """Drop every kept source (tests; memory pressure)."""
    with _LOCK:
        _SOURCES.clear()


def lookup(geoms: np.ndarray) -> SourceWkb | None:
    """The kept WKB of exactly these geometry objects, row for row, or None."""
    with _LOCK:
        sources = list(_SOURCES.values())
    if not sources or not len(geoms):
        return None
    keys = addresses(geoms)
    for src in sources:
        if len(keys) == len(src.keys) and np.array_equal(keys, src.keys):
            return SourceWkb(src.wkb, src.kind, src.origin)
    for src in sources:
        at = src.positions(keys)
        if at is None:
            continue
        import pyarrow as pa
        import pyarrow.compute as pc

        kind = src.kind
        if kind == 0:
            all_codes = type_codes(src.wkb)
            if all_codes is None:  # kept only when canonical: cannot happen
                return None
            codes = np.unique(all_codes[at])
            kind = int(codes[0]) if len(codes) == 1 else 0
        return SourceWkb(pc.take(src.wkb, pa.array(at)), kind)
    return None
