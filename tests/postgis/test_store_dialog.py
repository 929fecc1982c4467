"""Two app windows on one project of the shared store: the second save is refused, the
planner merges, nothing is lost; the open dialog lists the store's projects."""

from __future__ import annotations

import pytest

from hljgis.gui.i18n import set_language
from hljgis.io.project_store import LINK_KEY, ProjectStore
from tests.gui import pixels
from tests.postgis.test_postgis_dialog import SHOTS
from tests.postgis.test_project_store import make_project


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from hljgis.gui.app import use_bundled_font

    use_bundled_font(QApplication.instance())
    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "i"))
    yield
    set_language("en")


@pytest.fixture
def windows(qtbot, user_dir, bureau, tmp_path):
    from hljgis.gui.main_window import MainWindow

    ProjectStore(bureau).save(make_project(tmp_path), "qitaihe", base_version=None)
    made = []
    for _ in range(2):
        w = MainWindow(lang="en")
        qtbot.addWidget(w)
        w.session.set_project(ProjectStore(bureau).load("qitaihe"))
        made.append(w)
    yield made
    for w in made:
        w.session.project.dirty = False
        w.canvas.shutdown()


def test_two_windows_save_and_merge(windows, bureau, monkeypatch):
    from hljgis.gui.dialogs import store_dialog

    a, b = windows
    a.session.project.set_scenario("from-a", {"name": "from-a"})
    b.session.project.set_scenario("from-b", {"name": "from-b"})
    assert a.save_project()  # Ctrl+S on a store project saves to the store
    assert "qitaihe v2" in a.windowTitle()
    asked = []
    monkeypatch.setattr(store_dialog, "ask_conflict",
                        lambda parent, exc: asked.append(exc) or "merge")
    assert b.actions_by_key["save_db"].trigger() is None
    assert asked and asked[0].current == 2 and asked[0].saved_by == "planner"
    assert b.session.project.metadata[LINK_KEY]["version"] == 3
    final = ProjectStore(bureau).load("qitaihe")
    assert {"from-a", "from-b", "sme-space"} <= final.scenarios.keys()
    assert len(ProjectStore(bureau).refused("qitaihe")) == 1  # b's first try is kept too


def test_reload_theirs(windows, bureau, monkeypatch):
    from hljgis.gui.dialogs import store_dialog

    a, b = windows
    a.session.project.set_layout("from-a", {"page": "A3"})
    assert a.save_to_database()
    b.session.project.set_layout("from-b", {"page": "A4"})
    monkeypatch.setattr(store_dialog, "ask_conflict", lambda parent, exc: "reload")
    assert not b.save_to_database()
    assert "from-a" in b.session.project.layouts and "from-b" not in b.session.project.layouts
    assert b.session.project.metadata[LINK_KEY]["version"] == 2


def test_conflict_box_and_open_dialog(qtbot, windows, bureau, pg_cluster):
    """The choices a planner sees (grabbed in Chinese), and the store's project list."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from hljgis.gui.dialogs.store_dialog import StoreDialog, ask_conflict
    from hljgis.io.project_store import StaleProjectError

    set_language("zh")
    SHOTS.mkdir(parents=True, exist_ok=True)
    exc = StaleProjectError("qitaihe", 1, 2, "wang", None, 7)
    seen = {}

    def grab_and_pick():
        box = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QMessageBox) and w.isVisible())
        shot = box.grab()
        shot.save(str(SHOTS / "store_conflict_zh.png"))
        arr = pixels.rgb(shot.toImage())
        seen["buttons"] = [btn.text() for btn in box.buttons()]
        seen["drawn"] = [pixels.ink(pixels.crop(arr, box, btn)) for btn in box.buttons()]
        copy_button = next(btn for btn in box.buttons() if btn.text() == "另存为副本")
        copy_button.click()

    QTimer.singleShot(200, grab_and_pick)
    assert ask_conflict(windows[0], exc) == "copy"
    assert "合并并保存" in seen["buttons"] and "重新加载对方版本" in seen["buttons"]
    assert min(seen["drawn"]) > 100, seen["drawn"]  # every choice's label is written

    dialog = StoreDialog(windows[0], mode="open", conninfo=pg_cluster.conninfo())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.connect_to_database()
    assert dialog.model.item(0, 0).text() == "qitaihe" and dialog.model.item(0, 1).text() == "1"
    dialog.view.setCurrentIndex(dialog.model.index(0, 0))
    assert dialog.chosen_name() == "qitaihe"
    dialog.grab().save(str(SHOTS / "store_open_zh.png"))
    drawn = pixels.rows_drawn(dialog.view)
    assert len(drawn) == dialog.model.rowCount() and min(drawn) > 50, drawn
    chosen = pixels.cell(dialog.view, 0, 0)
    assert pixels.coloured(chosen) > 0.5 * chosen.shape[0] * chosen.shape[1]  # highlighted


def test_offline_copy_saved_from_the_app(windows, bureau, tmp_path):
    """A GeoPackage copy opened in the app and saved to the database: the store gets it,
    and the file learns the new version (a later push from it is not refused)."""
    from hljgis.io import load_project, save_project

    a, _b = windows
    path = tmp_path / "field.hljgis.gpkg"
    save_project(ProjectStore(bureau).load("qitaihe"), path)
    a.session.set_project(load_project(path))
    a.session.project.set_scenario("field", {"name": "field"})
    assert a.save_to_database()
    assert "field" in ProjectStore(bureau).load("qitaihe").scenarios
    assert load_project(path).metadata[LINK_KEY]["version"] == 2


def test_store_save_events_come_on_the_gui_thread(windows, tmp_path):
    """Saving to the store emits about_to_save first (so the ranking panel's draft is in the
    save) and saved after the offline copy is written, both on the GUI thread, whose
    handlers touch widgets; the copy itself is written on a worker thread."""
    import threading

    from hljgis.io import save_project

    a, _b = windows
    path = tmp_path / "field.hljgis.gpkg"
    save_project(a.session.project, path)
    a.session.project.path = str(path)
    seen = []
    a.session.events.about_to_save.connect(
        lambda: seen.append(("about", threading.current_thread().name)))
    a.session.events.saved.connect(
        lambda _p: seen.append(("saved", threading.current_thread().name)))
    a.session.project.set_scenario("field", {"name": "field"})
    assert a.save_to_database()
    main = threading.main_thread().name
    assert seen == [("about", main), ("saved", main)]
