"""Keep numpy from asking for transparent huge pages where the kernel compacts memory to
give them.

numpy ``madvise``\\ s every large array for huge pages. Where the kernel's THP ``defrag``
setting is ``madvise`` (the default of many distributions), ``defer+madvise`` or ``always``,
each page fault on such an array may stall in direct compaction: on the 2-core test machine
building the 6 M outline segments of 1 M parcels took 2.8-3.1 s with the advice and 0.47 s
without (``NUMPY_MADVISE_HUGEPAGE=0``), and the whole 1 M-parcel ranking fell from 24 s to
18 s. A planner's desktop has the same kernel defaults, so hljgis switches the advice off
there, unless the user set ``NUMPY_MADVISE_HUGEPAGE`` themself.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["advise_huge_pages", "tame_numpy_huge_pages"]

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


def tame_numpy_huge_pages() -> bool:
    """Apply :func:`advise_huge_pages` to this process's numpy; returns numpy's setting.

    An explicit ``NUMPY_MADVISE_HUGEPAGE`` in the environment is left as numpy read it.
    """
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy < 2
        from numpy.core import multiarray  # type: ignore[no-redef]
    setter = getattr(multiarray, "_set_madvise_hugepage", None)
    if setter is None or "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return bool(getattr(multiarray, "_get_madvise_hugepage", lambda: True)())
    try:
        defrag = DEFRAG.read_text()
    except OSError:
        defrag = None
    wanted = advise_huge_pages(defrag)
    setter(wanted)
    return wanted
