"""Atomic file replacement: write beside the target, then rename, keeping a backup.

A crash or a full disk while saving must never destroy the planner's last good file. The new
content is written to a temporary file in the target's folder (same file system, so the final
``os.replace`` is atomic), and the previous version is kept as ``<stem>.bak<ext>``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_target(target: str | Path, *, backup: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` atomically.

    On any exception the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        from hljgis.core.errors import InputError

        raise InputError(f"the folder {folder} does not exist.", "Create it or choose another.")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}",
                                    dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # GDAL drivers want to create the file themselves
    try:
        yield tmp
        if not tmp.exists():
            raise RuntimeError(f"nothing was written to {tmp}")
        _fsync(tmp)  # on disk before it replaces anything (writers may skip SQLite syncs)
        if backup and target.exists():
            bak = backup_path(target)
            bak_tmp = bak.with_name(bak.name + ".tmp")
            shutil.copy2(target, bak_tmp)
            os.replace(bak_tmp, bak)
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, *tmp.parent.glob(tmp.name + "-*")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def fast_sqlite_writes() -> Iterator[None]:
    """Let GDAL skip SQLite's per-transaction fsyncs while it writes a temporary file.

    Safe only inside :func:`atomic_target`: the temporary file is fsynced once before it
    replaces the target, so a crash can lose the temporary file but never the planner's.
    """
    import pyogrio

    key = "OGR_SQLITE_SYNCHRONOUS"
    old = pyogrio.get_gdal_config_option(key)
    pyogrio.set_gdal_config_options({key: "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({key: old})


def backup_path(target: str | Path) -> Path:
    """Where the previous version of ``target`` is kept: ``stem.bak.ext``, so the backup keeps
    an extension GDAL, QGIS and hljgis recognise (``x.hljgis.gpkg`` -> ``x.hljgis.bak.gpkg``)."""
    target = Path(target)
    return target.with_name(f"{target.stem}.bak{target.suffix}")
