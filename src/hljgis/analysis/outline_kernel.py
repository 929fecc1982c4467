"""The exact-distance loop of :mod:`hljgis.analysis.distance` in C, where it was built.

numpy measures a site's distance to its candidate pieces in passes over arrays of every
(site, piece) pair, with bounds that thin the pairs between passes; most of a ranking's
time went there (a million parcels: 2.2-2.7 s for stations, expressways and parks on two
cores). ``_outline.c`` does the same per site in one loop, skipping a piece as soon as
its bound cannot beat the best so far. It is compiled by ``make setup`` (:func:`build`:
the system's C compiler, no Python headers) and loaded with ctypes, which lets go of the
GIL during the call, so slices of sites run on the thread pool side by side; it also
finds each site's extents (:func:`extents`) for :class:`~hljgis.analysis.distance.
Outlines`. Without the library (no compiler, another platform) numpy does everything: the
results are the same (tests compare them).
"""

from __future__ import annotations

import ctypes
import functools
import sys
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from hljgis._native import LIBRARIES, compile_library, library_path, open_library
from hljgis.analysis.kernels import run_blocks

__all__ = ["LIBRARY", "build", "extents", "load", "measure", "wkb_centroids"]

SOURCE = Path(__file__).with_name("_outline.c")
#: The compiled loop, beside its source (in the frozen app: beside the module too).
LIBRARY = library_path(SOURCE)
#: Sites per call: slices on the thread pool, a cancel check between them.
SLICE = 1 << 15

_I64 = np.ctypeslib.ndpointer(np.int64, flags="C_CONTIGUOUS")
_F64 = np.ctypeslib.ndpointer(np.float64, flags="C_CONTIGUOUS")
_U8 = np.ctypeslib.ndpointer(np.uint8, flags="C_CONTIGUOUS")


@functools.cache
def load():
    """The compiled loop, or None when it was not built here (or does not load)."""
    lib = open_library(LIBRARY)
    if lib is None:
        return None
    fn = lib.hljgis_outline_min
    fn.restype = ctypes.c_int64
    fn.argtypes = [ctypes.c_int64, ctypes.c_int64, _I64, _I64, _I64, _I64,
                   _F64, _I64, _I64, _F64, _F64, _F64, _F64, _F64, _F64, _U8]
    ext = lib.hljgis_ring_extents
    ext.restype = None
    ext.argtypes = [ctypes.c_int64, ctypes.c_int64, _F64, _I64, _I64, _F64, _F64]
    rings = lib.hljgis_wkb_rings
    rings.restype = None
    rings.argtypes = [ctypes.c_int64, ctypes.c_int64, _U8, ctypes.c_void_p, ctypes.c_int,
                      _I64, _I64, _I64, _I64, _I64, ctypes.POINTER(ctypes.c_double)]
    centroids = lib.hljgis_wkb_centroids
    centroids.restype = None
    centroids.argtypes = [ctypes.c_int64, ctypes.c_int64, _U8, ctypes.c_void_p, ctypes.c_int,
                          _F64, _U8]
    return _Library(fn, ext, rings, centroids)


class _Library(NamedTuple):
    outline_min: Any
    ring_extents: Any
    wkb_rings: Any
    wkb_centroids: Any


def wkb_rings(geoms: np.ndarray):
    """The sites' vertices read from the WKB their file gave (kept by
    :mod:`hljgis.io.source_wkb` while these very objects live), instead of asking GEOS for
    them (a million parcels: 0.4 s of GEOS calls holding the GIL, against 0.03 s).

    Returns ``(nv, first, xy, simple)`` as :class:`~hljgis.analysis.distance.Outlines`
    keeps them (``simple``: one ring, one part), or None: no kept WKB, no library, or a
    record this reader does not know.
    """
    lib = load()
    kept = _kept_wkb(geoms) if lib is not None else None
    if kept is None:
        return None
    data, offsets, wide, n = kept
    kind = np.empty(n, np.int64)
    nv = np.empty(n, np.int64)
    holes = np.empty(n, np.int64)
    parts = np.empty(n, np.int64)
    none_i = np.zeros(1, np.int64)

    def count(i0: int) -> None:
        lib.wkb_rings(i0, min(n, i0 + 4 * SLICE), data, offsets.ctypes.data, int(wide), kind,
                      nv, holes, parts, none_i, None)

    run_blocks(count, list(range(0, n, 4 * SLICE)), lambda: None)
    if (kind < 0).any():
        return None
    first = np.cumsum(nv) - nv
    xy = np.empty((int(nv.sum()), 2))

    def copy(i0: int) -> None:
        lib.wkb_rings(i0, min(n, i0 + 4 * SLICE), data, offsets.ctypes.data, int(wide), kind,
                      nv, holes, parts, first, xy.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))

    run_blocks(copy, list(range(0, n, 4 * SLICE)), lambda: None)
    simple = ((kind == 3) | ((kind == 6) & (parts == 1))) & (holes == 0)
    return nv, first, xy, simple


def wkb_centroids(geoms: np.ndarray) -> np.ndarray | None:
    """(n, 2) centroids of the sites computed from the WKB their file gave, as GEOS's
    centroid computes them (NaN for an empty site; a million parcels: 0.05 s on two
    cores against GEOS's 0.86 s), or None: no kept WKB, no library, or a record this
    reader does not know."""
    lib = load()
    kept = _kept_wkb(geoms) if lib is not None else None
    if kept is None:
        return None
    data, offsets, wide, n = kept
    xy = np.empty((n, 2))
    ok = np.empty(n, np.uint8)

    def part(i0: int) -> None:
        lib.wkb_centroids(i0, min(n, i0 + 4 * SLICE), data, offsets.ctypes.data, int(wide),
                          xy, ok)

    run_blocks(part, list(range(0, n, 4 * SLICE)), lambda: None)
    return xy if ok.all() else None


def _kept_wkb(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, int] | None:
    """(data bytes, offsets, 64-bit offsets?, records) of the WKB kept for ``geoms``
    (:mod:`hljgis.io.source_wkb`), one record a geometry in their order; None if not
    kept."""
    if not len(geoms):
        return None
    from hljgis.io.source_wkb import lookup

    found = lookup(geoms)
    if found is None:
        return None
    import pyarrow as pa

    wkb: Any = found.wkb
    if isinstance(wkb, pa.ChunkedArray):
        wkb = wkb.combine_chunks()
    wide = pa.types.is_large_binary(wkb.type)
    n = len(wkb)
    _, off_buf, data_buf = wkb.buffers()
    offsets = np.frombuffer(off_buf, np.int64 if wide else np.int32)[wkb.offset:][:n + 1]
    offsets = np.ascontiguousarray(offsets)
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(1, np.uint8)
    return data, offsets, wide, n


def extents(xy: np.ndarray, first: np.ndarray, nv: np.ndarray, lo: np.ndarray,
            hi: np.ndarray) -> None:
    """Fill ``lo``/``hi`` (n, 4) with the least and largest x, y, x + y, x - y of each
    site's vertices (``nv[i]`` from row ``first[i]`` of ``xy``), in slices on the thread
    pool; rows of sites without vertices are left alone."""
    fn = load().ring_extents
    n = len(nv)
    args = [_c(xy, np.float64), _c(first, np.int64), _c(nv, np.int64), lo, hi]

    def part(i0: int) -> None:
        fn(i0, min(n, i0 + 4 * SLICE), *args)

    run_blocks(part, list(range(0, n, 4 * SLICE)), lambda: None)


def measure(o, order: np.ndarray, bucket: np.ndarray, cand: np.ndarray,
            cstart: np.ndarray, reps: np.ndarray, a: np.ndarray, b: np.ndarray,
            check) -> tuple[np.ndarray, np.ndarray]:
    """Distances of the sites of ``o`` (:class:`~hljgis.analysis.distance.Outlines`) to
    their pieces (``a``/``b``: ends, (k, 2)), from the candidate lists of
    :func:`~hljgis.analysis.distance._buckets`; and which sites the caller must measure
    itself (holed or multi-part sites, and those a piece comes within reach of: they may
    touch it). Raises whatever ``check()`` raises between slices."""
    fn = load().outline_min
    n = len(o.cx)
    site_bucket = np.empty(n, dtype=np.int64)
    site_bucket[order] = bucket
    site_reps = np.empty(n, dtype=np.int64)
    site_reps[order] = reps
    out = np.full(n, np.inf)
    flag = np.ones(n, dtype=np.uint8)
    args = [site_bucket, site_reps, _c(cstart, np.int64), _c(cand, np.int64),
            _c(o.xy, np.float64), _c(o.first, np.int64), _c(o.count, np.int64),
            _c(o.cx, np.float64), _c(o.cy, np.float64), _c(o.r, np.float64),
            _c(a, np.float64), _c(b, np.float64), out, flag]

    def part(i0: int) -> None:
        fn(i0, min(n, i0 + SLICE), *args)

    run_blocks(part, list(range(0, n, SLICE)), check)
    return out, flag.astype(bool)


def _c(array: np.ndarray, dtype) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=dtype)


def build(compiler: str | None = None) -> Path | None:
    """Compile ``_outline.c`` into :data:`LIBRARY`; None (and a note on stderr) when no C
    compiler is found or it fails: hljgis then measures with numpy."""
    built = compile_library(SOURCE, LIBRARY, LIBRARIES["analysis/_outline.c"], compiler)
    load.cache_clear()
    return built


if __name__ == "__main__":
    if sys.argv[1:] != ["--build"]:
        raise SystemExit("usage: python -m hljgis.analysis.outline_kernel --build")
    print(build() or "not built")
