"""The project's small C libraries, compiled by ``make setup`` and loaded with ctypes.

``analysis/_outline.c`` (exact outline distances, :mod:`hljgis.analysis.outline_kernel`),
``io/_gpkg_rows.c`` (GeoPackage rows from Arrow buffers, :mod:`hljgis.io.gpkg_rows`) and
``io/_wkb_arrays.c`` (polygons read from Arrow WKB, :mod:`hljgis.io.wkb_arrays`) are plain
C against the C library, libm and SQLite: no Python headers, so the system's
compiler builds them beside their sources (``python -c "from hljgis._native import
build_all; build_all()"``). Without a compiler, or where a library does not load, the
modules fall back to numpy and GDAL, and the results are the same.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["LIBRARIES", "build_all", "compile_library", "library_path", "open_library"]


def compile_library(source: Path, library: Path, flags: list[str],
                    compiler: str | None = None) -> Path | None:
    """Compile ``source`` into ``library`` (replaced only when the compiler succeeds);
    None, with a note on stderr, when there is no compiler or it fails."""
    cc = compiler or os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        print(f"no C compiler: {library.name} not built, numpy/GDAL do its work",
              file=sys.stderr)
        return None
    tmp = library.with_name(library.name + ".tmp")
    cmd = [cc, "-O2", "-fPIC", "-shared", "-o", str(tmp), str(source), *flags]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"{' '.join(cmd)} failed: numpy/GDAL do its work\n{done.stderr}",
              file=sys.stderr)
        tmp.unlink(missing_ok=True)
        return None
    os.replace(tmp, library)
    return library


#: Each library: its C source (beside it goes the library, ``.so``) and its link flags.
LIBRARIES = {"analysis/_outline.c": ["-lm"], "io/_gpkg_rows.c": ["-lsqlite3"],
             "io/_wkb_arrays.c": []}


def library_path(source: Path) -> Path:
    """Where the library of ``source`` is built and looked for."""
    return source.with_suffix(".so" if os.name != "nt" else ".dll")


def open_library(library: Path) -> ctypes.CDLL | None:
    """The library loaded, or None: not built here, refused by the loader, or switched off
    (``HLJGIS_NO_KERNEL``, to measure or test the numpy and GDAL ways)."""
    if os.environ.get("HLJGIS_NO_KERNEL") or not library.exists():
        return None
    try:
        return ctypes.CDLL(str(library))
    except OSError:
        return None


def build_all(compiler: str | None = None) -> list[Path]:
    """Build every library of :data:`LIBRARIES`; the ones built."""
    here = Path(__file__).parent
    built = [compile_library(here / rel, library_path(here / rel), flags, compiler)
             for rel, flags in LIBRARIES.items()]
    return [lib for lib in built if lib is not None]
