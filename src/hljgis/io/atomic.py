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
import threading
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
            _keep_backup(target)
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, *tmp.parent.glob(tmp.name + "-*")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _keep_backup(target: Path) -> None:
    """Keep the current ``target`` as its backup before the new file replaces it.

    A hard link costs nothing however big the file: ``os.replace`` then gives ``target`` a
    new inode and the link keeps the old content. Where links are not possible (FAT, some
    network shares) the file is copied.
    """
    bak = backup_path(target)
    bak_tmp = bak.with_name(bak.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        bak_tmp.unlink()
    try:
        os.link(target, bak_tmp)
    except OSError:
        shutil.copy2(target, bak_tmp)
    os.replace(bak_tmp, bak)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_GDAL_WRITE_LOCK = threading.RLock()

#: SQLite page size for large new GeoPackages: with 64 KiB pages GDAL writes a million
#: ranked cells (and their R-tree) about 0.5 s faster than with the default 4 KiB
#: (bench/rank.py). Small files keep the default so they do not grow by a page per table.
LARGE_PAGE_SIZE = 65536


@contextlib.contextmanager
def fast_sqlite_writes(*, large: bool = False) -> Iterator[None]:
    """Let GDAL skip SQLite's syncs and journal while it writes a temporary file.

    ``large`` also asks for :data:`LARGE_PAGE_SIZE` pages. Safe only inside
    :func:`atomic_target`: the temporary file is fsynced once before it replaces the
    target, so a crash can lose the temporary file but never the planner's.
    """
    import pyogrio

    # No rollback journal either: a failed write discards the whole temporary file.
    fast = {"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_JOURNAL": "OFF"}
    if large:  # only a new database takes a page size; the temporary file is new
        fast["OGR_SQLITE_PRAGMA"] = f"page_size={LARGE_PAGE_SIZE}"
    # GDAL's config options are process-wide: writers take turns, so one thread's options
    # never leak into another's write and the old values always come back.
    with _GDAL_WRITE_LOCK:
        old = {key: pyogrio.get_gdal_config_option(key) for key in fast}
        pyogrio.set_gdal_config_options(fast)
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options(old)


def backup_path(target: str | Path) -> Path:
    """Where the previous version of ``target`` is kept: ``stem.bak.ext``, so the backup keeps
    an extension GDAL, QGIS and hljgis recognise (``x.hljgis.gpkg`` -> ``x.hljgis.bak.gpkg``)."""
    target = Path(target)
    return target.with_name(f"{target.stem}.bak{target.suffix}")
