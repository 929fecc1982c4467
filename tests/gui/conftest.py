"""Fixtures shared by the GUI tests: a user folder of the test's own, and main windows.

``user_dir`` keeps settings and recovery copies out of the tester's home and answers the
"unsaved changes?" question with Discard, so no modal dialog blocks a test; a module that
wants it for every test says ``pytestmark = pytest.mark.usefixtures("user_dir")``.
``make_main_window`` builds shown main windows on a project and closes them cleanly.
"""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    """Settings (QSettings, INI) and recovery copies under ``tmp_path``; Discard is the
    answer to "unsaved changes?"; the interface is English again afterwards."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from hljgis.gui.i18n import set_language

    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))
    yield tmp_path / "user"
    set_language("en")


@pytest.fixture
def make_main_window(qtbot, user_dir, fixtures_dir, tmp_path):
    """``make(project=None, *, lang="en", size=(1200, 800), prepare=None)``: a shown main
    window on ``project``.

    ``project`` is a project file (copied to ``tmp_path/work.hljgis.gpkg`` first, so a save
    never touches the original; default the v1 fixture project) or a ``Project`` taken as
    it is. ``prepare(project)`` runs before the window takes the project (a style set there
    is no undo step). At the end each window's project is marked saved and its renders are
    stopped, so closing asks nothing and leaves no thread behind.
    """
    from hljgis.core.project import Project
    from hljgis.gui.main_window import MainWindow
    from hljgis.io import load_project

    windows = []

    def make(project=None, *, lang="en", size=(1200, 800), prepare=None):
        window = MainWindow(lang=lang)
        qtbot.addWidget(window)
        windows.append(window)
        window.resize(*size)
        window.show()
        if not isinstance(project, Project):
            path = tmp_path / "work.hljgis.gpkg"
            shutil.copy(project or fixtures_dir / "project_v1.hljgis.gpkg", path)
            project = load_project(path)
        if prepare is not None:
            prepare(project)
        window.session.set_project(project)
        qtbot.waitExposed(window)
        return window

    yield make
    for window in windows:
        window.session.project.dirty = False
        window.canvas.shutdown()
