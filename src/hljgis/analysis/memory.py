"""Will a ranking fit in memory? Estimated before any cell is built.

A ranking holds, per cell, its polygon, the criteria values, normalised scores,
contributions and the results frame written to disk: about 1.4 GB per million cells
(``bench/rank.py --n 1000000``: peak 1.4 GB; the fault campaign of issue #12 saw 18.9 m cells
over Qitaihe, 8.6 million cells, run 44 s and then fail with MemoryError). Refusing up
front, with a cell size that fits, beats a crash after minutes of work.
"""

from __future__ import annotations

import math
import os

from hljgis.core.errors import InputError

#: Peak bytes per candidate cell through the whole ranking (see the module docstring).
BYTES_PER_CELL = 1400
#: Share of the available memory a ranking may plan to use (the rest: the OS, the app).
USABLE_SHARE = 0.8


def available_memory() -> int:
    """Bytes of memory available now; ``HLJGIS_MEMORY_LIMIT_MB`` caps it (a shared
    machine, a test)."""
    import psutil

    available = psutil.virtual_memory().available
    limit = os.environ.get("HLJGIS_MEMORY_LIMIT_MB")
    if limit:
        available = min(available, int(float(limit) * 1024 * 1024))
    return available


def check_cells_fit(n_cells: float, size: float) -> None:
    """Raise InputError when about ``n_cells`` cells of ``size`` m will not fit in memory,
    suggesting a cell size that does."""
    need = n_cells * BYTES_PER_CELL
    usable = available_memory() * USABLE_SHARE
    if need <= usable:
        return
    fits = math.ceil(size * math.sqrt(need / usable) / 10) * 10  # cells grow as size squared
    raise InputError(
        f"{size:g} m cells make about {n_cells:,.0f} candidate cells, which need about "
        f"{_size(need)} of memory; {_size(usable)} can be used now.",
        f"Use a larger cell size (at least {fits:g} m), rank fewer cities (--city), or "
        "close other programs.",
    )


def _size(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"
