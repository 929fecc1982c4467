"""Keep numpy from asking for transparent huge pages where the kernel compacts memory to
give them.

numpy ``madvise``\\ s every large array for huge pages. Where the kernel's THP ``defrag``
setting is ``madvise`` (the default of many distributions), ``defer+madvise`` or ``always``,
each page fault on such an array may stall in direct compaction: on the 2-core test machine
building the 6 M outline segments of 1 M parcels took 2.8-3.1 s with the advice and 0.47 s
without (``NUMPY_MADVISE_HUGEPAGE=0``), and the whole 1 M-parcel ranking fell from 24 s to
18 s. A planner's desktop has the same kernel defaults, so hljgis switches the advice off there
for batch work that fills large fresh arrays (:func:`batch_memory`: ranking, reading,
preparing a layer for drawing, exports), unless the user set ``NUMPY_MADVISE_HUGEPAGE``
themself; there it also takes Arrow's buffers from the C library's allocator instead of
mimalloc, whose first large allocations stalled the same way (:func:`_arrow_system_pool`).
Interactive frames keep it: a city-scale pan over 1 M prepared cells allocates
the same arrays frame after frame, and there huge pages won (``bench/render.py`` pan max
82-98 ms with the advice, 151-175 ms without).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["advise_huge_pages", "batch_memory"]

#: The kernel's THP defragmentation policy (Linux only).
DEFRAG = Path("/sys/kernel/mm/transparent_hugepage/defrag")
#: Policies under which a madvised page fault may wait for direct compaction.
_STALLING = {"always", "madvise", "defer+madvise"}


def advise_huge_pages(defrag: str | None) -> bool:
    """Whether numpy should advise huge pages under the THP ``defrag`` setting (the text of
    :data:`DEFRAG`, the chosen policy in brackets; None where there is no such file)."""
    if not defrag or "[" not in defrag:
        return True
    chosen = defrag.split("[", 1)[1].split("]", 1)[0]
    return chosen not in _STALLING


def _setter():
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy < 2
        from numpy.core import multiarray  # type: ignore[no-redef]
    return getattr(multiarray, "_set_madvise_hugepage", None)


def _stalls_here() -> bool:
    """Whether :func:`batch_memory` will switch numpy's advice off on this machine (the
    kernel stalls madvised faults, numpy can be told, and the environment did not choose)."""
    if _setter() is None or "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return False
    try:
        defrag = DEFRAG.read_text()
    except OSError:
        defrag = None
    return not advise_huge_pages(defrag)


#: set once at import: the kernel's policy and the environment do not change under us
_STALLS = _stalls_here()
_SET = _setter()
_LOCK = threading.Lock()
_DEPTH = 0


_POOL_SET = False


def _arrow_system_pool() -> None:
    """Arrow's buffers from the C library's allocator, once per process, where the kernel
    stalls on huge pages (see the module doc) and the user chose no pool
    (``ARROW_DEFAULT_MEMORY_POOL``).

    pyarrow's default, mimalloc, took 4.0 s here to first fill the columns of a
    million ranked parcels (combine_chunks of 28 columns, 0.1 s the second time in the
    same process) against 0.29 s from malloc; a 1M-parcel ranking's first run in a
    process 10.9 s against 5.5 s, later runs alike.
    """
    global _POOL_SET
    if _POOL_SET:
        return
    _POOL_SET = True
    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ:
        return
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow ships with pandas 3
        return
    if pa.default_memory_pool().backend_name == "mimalloc":
        pa.set_memory_pool(pa.system_memory_pool())


@contextmanager
def batch_memory() -> Iterator[None]:
    """No huge-page advice while any thread does batch work (nests; also a decorator).

    The flag is numpy's, process-wide: a frame drawn meanwhile goes without it too, which
    costs that frame time, never correctness.
    """
    global _DEPTH
    if not _STALLS:
        yield
        return
    _arrow_system_pool()
    with _LOCK:
        _DEPTH += 1
        if _DEPTH == 1:
            _SET(False)
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0:
                _SET(True)
