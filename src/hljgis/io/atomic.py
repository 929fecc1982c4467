"""Atomic file replacement: write beside the target, then rename, keeping a backup.

A crash or a full disk while saving must never destroy the planner's last good file. The new
content is written to a temporary file in the target's folder (same file system, so the final
``os.replace`` is atomic), and the previous version is kept as ``<stem>.bak<ext>``.

Temporary files carry the writer's process id and computer
(``.<stem>.<pid>-<host>.<random>.tmp<ext>``): a save killed mid-write leaves one behind, and
:func:`clean_stale_temporaries` removes those whose process is gone (each save does it in
its folder; the app does it at start).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

#: ``.<stem>.<pid>-<host>.<random>.tmp<ext>`` plus SQLite's side files (``-journal``).
_TEMP_NAME = re.compile(
    r"^\..*\.(?P<pid>\d+)-(?P<host>[0-9a-f]{6})\.[A-Za-z0-9_]+\.tmp(\.[^.]*)?(-[a-z]+)?$")
#: Temporaries of another computer (a shared folder), whose process ids mean nothing here,
#: and those named before they carried a process id: removed when older than this.
_OLD_TEMP_NAME = re.compile(r"^\..*\.[A-Za-z0-9_]{8}\.tmp(\.[^.]*)?(-[a-z]+)?$")
OLD_TEMP_AGE_S = 3600


def _host_tag() -> str:
    """Six hex digits naming this computer (platform.node(): no socket involved)."""
    import hashlib
    import platform

    return hashlib.sha1(platform.node().encode("utf-8")).hexdigest()[:6]


def _temp_path(target: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}-{_host_tag()}.",
                                suffix=f".tmp{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # GDAL drivers want to create the file themselves
    return tmp


def temporary_beside(target: str | Path) -> Path:
    """A fresh, not yet existing temporary path in ``target``'s folder, named as
    :func:`clean_stale_temporaries` recognises (a side file of a save)."""
    return _temp_path(Path(target))


def _check_folder(target: Path) -> None:
    from hljgis.core.errors import InputError

    folder = target.parent
    if not folder.exists():
        raise InputError(f"the folder {folder} does not exist.", "Create it or choose another.")
    if target.is_dir():
        raise InputError(f"{target} is a folder, not a file.",
                         "Give a file name inside it, with its extension.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"the folder {folder} is not writable.",
                         "Choose a folder you can write to (e.g. in your home folder).")


@contextlib.contextmanager
def atomic_target(target: str | Path, *, backup: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` atomically.

    The temporary file is fsynced before the rename; the previous ``target`` is kept as its
    backup (:func:`backup_path`). On any exception the temporary file is removed and
    ``target`` is untouched.

    Raises
    ------
    InputError
        The folder is missing or not writable, or ``target`` is a folder.
    """
    target = Path(target)
    _check_folder(target)
    clean_stale_temporaries(target.parent)
    try:
        tmp = _temp_path(target)
    except PermissionError as exc:
        from hljgis.core.errors import InputError

        raise InputError(f"cannot write in {target.parent} ({exc.strerror}).",
                         "Choose a folder you can write to.") from exc
    try:
        yield tmp
        if not tmp.exists():
            raise RuntimeError(f"nothing was written to {tmp}")
        _fsync(tmp)  # on disk before it replaces anything (writers may skip SQLite syncs)
        if backup and target.exists():
            _keep_backup(target)
        replace_freeing_later(tmp, target)
        _fsync_dir(target.parent)
    finally:
        for leftover in (tmp, *tmp.parent.glob(tmp.name + "-*")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def write_atomic(target: str | Path, write: Callable[[Path], object], *,
                 backup: bool = True) -> Path:
    """``write(tmp)`` then move the result over ``target`` (see :func:`atomic_target`)."""
    with atomic_target(target, backup=backup) as tmp:
        write(tmp)
    return Path(target)


def write_text_atomic(target: str | Path, text: str, *, encoding: str = "utf-8",
                      backup: bool = True) -> Path:
    """Text written atomically (HTML, CSV): a reader never sees half a file."""
    return write_atomic(target, lambda tmp: tmp.write_text(text, encoding=encoding),
                        backup=backup)


def clean_stale_temporaries(folder: str | Path) -> tuple[int, int]:
    """Delete temporary files of saves whose process is gone; return (files, bytes).

    A file whose name carries a live process id of this computer is another save in
    progress and is left alone (a recycled id only delays the clean-up); one written by
    another computer in a shared folder is removed only when an hour old.
    """
    folder = Path(folder)
    count = size = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0, 0
    now, host = time.time(), _host_tag()
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or ".tmp" not in name:
            continue
        match = _TEMP_NAME.match(name)
        here = match is not None and match["host"] == host
        if here and match is not None:  # (here implies a match; said again for mypy)
            pid = int(match["pid"])
            if pid == os.getpid():
                continue
            import psutil  # only when there is a file to judge: 10-60 ms to import

            if psutil.pid_exists(pid):
                continue
        elif not (match or _OLD_TEMP_NAME.match(name)):
            continue
        try:
            stat = entry.stat()
            if not here and now - stat.st_mtime < OLD_TEMP_AGE_S:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        count += 1
        size += stat.st_size
    return count, size


def _keep_backup(target: Path) -> None:
    """Keep the current ``target`` as its backup before the new file replaces it.

    A hard link costs nothing however big the file: ``os.replace`` then gives ``target`` a
    new inode and the link keeps the old content. Where links are not possible (FAT, some
    network shares) the file is copied. The backup it replaces is freed off this thread
    (:func:`replace_freeing_later`).
    """
    bak = backup_path(target)
    bak_tmp = _temp_path(bak)
    try:
        try:
            os.link(target, bak_tmp)
        except OSError:
            shutil.copy2(target, bak_tmp)
        replace_freeing_later(bak_tmp, bak)
    finally:
        with contextlib.suppress(FileNotFoundError):
            bak_tmp.unlink()


#: Files from this size are freed on a background thread (:func:`unlink_later`).
LATER_BYTES = 8 << 20
_REAPER_LOCK = threading.Lock()
_reaper: Any = None


def unlink_later(path: str | Path) -> None:
    """Delete a file of ours (a temporary, a replaced backup) without waiting for it.

    Freeing a big file's blocks is the file system's slow part (ext4 with discard, this
    machine: 0.09-0.1 s for the 380 MB result of a 1M-parcel ranking), so from
    :data:`LATER_BYTES` one worker thread does it while the caller goes on. Python waits
    for that thread at exit; a process killed first leaves the file under its temporary
    name, which :func:`clean_stale_temporaries` removes later. Smaller files, and a file
    that is gone already, are dealt with here and now.
    """
    global _reaper
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size < LATER_BYTES:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    with _REAPER_LOCK:
        if _reaper is None:
            from concurrent.futures import ThreadPoolExecutor

            _reaper = ThreadPoolExecutor(1, thread_name_prefix="hljgis-unlink")
        _reaper.submit(_unlink_quietly, path)


def _forget_reaper() -> None:
    global _reaper
    _reaper = None  # a forked child has the object but not its thread: it starts its own


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_reaper)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):  # gone, or a share that refuses: cleaned up later
        path.unlink()


def settle() -> None:
    """Wait until the files given to :func:`unlink_later` are deleted."""
    with _REAPER_LOCK:
        reaper = _reaper
    if reaper is not None:
        reaper.submit(lambda: None).result()


def replace_freeing_later(src: str | Path, dst: str | Path) -> None:
    """``os.replace(src, dst)``, leaving the freeing of the old ``dst`` to
    :func:`unlink_later`: a second link to it (a temporary name) keeps its blocks through
    the replace, which then only drops a name, and that link goes away behind it. Still
    atomic: ``dst`` is the old file, then the new one."""
    dst = Path(dst)
    keep = None
    try:
        if dst.stat().st_size >= LATER_BYTES:
            keep = _temp_path(dst)
            os.link(dst, keep)
    except OSError:  # no old file, or no links here: a plain replace
        keep = None
    os.replace(src, dst)
    if keep is not None:
        unlink_later(keep)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder and needs not)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
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
