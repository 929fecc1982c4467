"""Autosave and crash recovery: a recovery copy of the open project in the user's data folder.

While the app runs, the project is saved every few minutes to ``recovery.hljgis.gpkg`` in the
platform's user data folder (never over the planner's own file). A clean exit deletes it; if
it is still there at the next start, the app offers to restore it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from platformdirs import user_data_path

from hljgis.core.project import Project
from hljgis.io.project_file import load_project, save_project


def recovery_dir() -> Path:
    base = os.environ.get("HLJGIS_USER_DIR")
    path = Path(base) if base else user_data_path("hljgis", "hljgis")
    path.mkdir(parents=True, exist_ok=True)
    return path


def recovery_path() -> Path:
    return recovery_dir() / "recovery.hljgis.gpkg"


def _info_path() -> Path:
    return recovery_dir() / "recovery.json"


def autosave(project: Project) -> Path:
    """Save a recovery copy; the project's own path and dirty flag are left as they were
    (safe to call on a background thread)."""
    path = project.path
    save_project(project, recovery_path(), remember=False)
    _info_path().write_text(json.dumps({"original_path": path}), encoding="utf-8")
    from hljgis.io.atomic import backup_path

    backup_path(recovery_path()).unlink(missing_ok=True)
    return recovery_path()


def pending_recovery() -> Path | None:
    """The recovery file left by a session that did not exit cleanly, if any."""
    path = recovery_path()
    return path if path.exists() else None


def recover() -> Project:
    """Open the recovery copy; it keeps pointing at the planner's original file, unsaved."""
    project = load_project(recovery_path())
    try:
        info = json.loads(_info_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    project.path = info.get("original_path")
    project.dirty = True
    return project


def discard() -> None:
    recovery_path().unlink(missing_ok=True)
    _info_path().unlink(missing_ok=True)
