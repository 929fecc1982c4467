"""Autosave and crash recovery: one recovery copy per running app, in the user's data folder.

Each running hljgis autosaves its open project to ``recovery-<pid>.hljgis.gpkg`` (never over
the planner's own file) and holds ``recovery-<pid>.lock`` for as long as it runs. The
operating system drops the lock when the process ends, however it ends, so a recovery copy
whose lock is free belongs to an app that crashed or was killed: only those are offered at
the next start. Two apps running side by side never see, restore or delete each other's copy.

A recovered copy is adopted: it is renamed to the new app's own recovery name (so a second
crash before the next autosave still finds it) and deleted once the project is saved, when
:func:`hljgis.io.project_file.save_project` has taken its raster layers into the saved file.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_path

from hljgis.core.project import Project
from hljgis.io.atomic import backup_path, clean_stale_temporaries, write_text_atomic
from hljgis.io.project_file import PROJECT_SUFFIX, load_project, save_project
from hljgis.io.project_preview import PreviewMaker

if TYPE_CHECKING:
    from filelock import BaseFileLock

#: This process's lock (held while it runs) and the foreign copies it claimed.
_OWN_LOCK = None
_CLAIMED: dict[Path, BaseFileLock] = {}


def recovery_dir() -> Path:
    base = os.environ.get("HLJGIS_USER_DIR")
    path = Path(base) if base else user_data_path("hljgis", "hljgis")
    path.mkdir(parents=True, exist_ok=True)
    return path


def recovery_path(pid: int | None = None) -> Path:
    """This app's recovery copy (or that of process ``pid``)."""
    return recovery_dir() / f"recovery-{pid or os.getpid()}{PROJECT_SUFFIX}"


def _info_path(copy: Path) -> Path:
    return copy.with_name(copy.name.removesuffix(PROJECT_SUFFIX) + ".json")


def _lock_path(copy: Path) -> Path:
    return copy.with_name(copy.name.removesuffix(PROJECT_SUFFIX) + ".lock")


def start() -> tuple[int, int]:
    """Take this app's lock and remove temporaries of killed saves; (files, bytes) removed.

    Called at start-up and by every autosave (idempotent).
    """
    global _OWN_LOCK
    lock_file = _lock_path(recovery_path())
    if _OWN_LOCK is None or Path(_OWN_LOCK.lock_file) != lock_file:  # (tests move the folder)
        from filelock import FileLock

        lock = FileLock(lock_file, timeout=0)
        lock.acquire()
        _OWN_LOCK = lock
        _drop_orphan_locks()
    return clean_stale_temporaries(recovery_dir())


def _drop_orphan_locks() -> None:
    """Delete lock files (and notes) of apps that are gone and left no copy (a clean exit
    of an older hljgis, or a crash before the first autosave)."""
    from filelock import FileLock, Timeout

    for lock_file in recovery_dir().glob("recovery*.lock"):
        copy = lock_file.with_name(lock_file.name.removesuffix(".lock") + PROJECT_SUFFIX)
        if copy.exists() or lock_file == _lock_path(recovery_path()):
            continue
        lock = FileLock(lock_file, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            continue
        lock.release()
        lock_file.unlink(missing_ok=True)
        _info_path(copy).unlink(missing_ok=True)  # a note whose copy was never written


def autosave(project: Project, preview: PreviewMaker | None = None) -> Path:
    """Save a recovery copy; the project's own path and dirty flag are left as they were
    (safe to call on a background thread). ``preview`` draws the picture a large project
    reopens with (:mod:`hljgis.io.project_preview`), so a recovered project shows at once."""
    start()
    target = recovery_path()
    info = {"original_path": project.path, "pid": os.getpid(), "saved": time.time(),
            "title": project.metadata.get("title", "")}
    # the note first: a kill between the two leaves a copy that still knows its file
    write_text_atomic(_info_path(target), json.dumps(info), backup=False)
    save_project(project, target, remember=False, preview=preview)
    backup_path(target).unlink(missing_ok=True)
    return target


def _claim(copy: Path) -> bool:
    """Lock a foreign copy when its owner is gone (True), so no other app offers it too."""
    if copy in _CLAIMED:
        return True
    from filelock import FileLock, Timeout

    lock = FileLock(_lock_path(copy), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return False  # its app is still running
    _CLAIMED[copy] = lock
    return True


def pending_recovery() -> Path | None:
    """The newest recovery copy left by an app that is no longer running, if any.

    The copy is claimed (locked) by this app until it is recovered or discarded.
    """
    own = recovery_path()
    copies = [p for p in recovery_dir().glob(f"recovery*{PROJECT_SUFFIX}")
              if p != own and ".bak" not in p.name]
    for copy in sorted(copies, key=lambda p: p.stat().st_mtime, reverse=True):
        if _claim(copy):
            return copy
    return None


def recover(copy: Path | None = None) -> Project:
    """Open a claimed recovery copy as this app's own; it keeps pointing at the planner's
    original file and stays unsaved."""
    start()
    copy = copy or pending_recovery()
    if copy is None:
        raise FileNotFoundError("no recovery copy to restore")
    own = recovery_path()
    try:
        info = json.loads(_info_path(copy).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    if copy != own:
        os.replace(copy, own)
        with contextlib.suppress(FileNotFoundError):
            os.replace(_info_path(copy), _info_path(own))
        _release(copy)
    project = load_project(own)
    project.path = info.get("original_path")
    project.dirty = True
    return project


def _release(copy: Path) -> None:
    lock = _CLAIMED.pop(copy, None)
    if lock is not None:
        lock.release()
        _lock_path(copy).unlink(missing_ok=True)


def discard() -> None:
    """Delete this app's recovery copy and any claimed copy the planner declined."""
    for copy in [recovery_path(), *_CLAIMED]:
        for path in (copy, _info_path(copy), backup_path(copy)):
            path.unlink(missing_ok=True)
    for copy in list(_CLAIMED):
        _release(copy)


def finish() -> None:
    """At a clean exit: delete this app's copy and let go of its lock."""
    global _OWN_LOCK
    discard()
    if _OWN_LOCK is not None:
        _OWN_LOCK.release()
        _lock_path(recovery_path()).unlink(missing_ok=True)
        _OWN_LOCK = None
