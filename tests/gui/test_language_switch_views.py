"""Texts set by the editing toolbar, the layer views and the store dialog follow a runtime
language switch: the status-bar message and labels shown re-render in the new language."""

from __future__ import annotations

from hljgis.core.errors import InputError
from hljgis.gui.i18n import set_language
from tests.gui.test_main_window import make_main_window  # noqa: F401 - fixture


def test_editing_toolbar_label_and_messages_follow_a_switch(make_main_window, qtbot):  # noqa: F811
    window = make_main_window()
    bar, toolbar = window.statusBar(), window.editing
    assert window.editing.controller.start_editing("cities")
    assert toolbar.layer_label.text() == "Editing: Cities"
    assert not toolbar.controller.delete_selected()  # nothing selected: it says so
    assert bar.currentMessage() == "Select features of the edited layer first"
    window.switch_language("zh")
    qtbot.waitUntil(lambda: bar.currentMessage() == "请先选择正在编辑图层的要素", timeout=3000)
    qtbot.waitUntil(lambda: toolbar.layer_label.text() == "编辑: 城市", timeout=3000)
    # a refused edit: the core's sentence, filled into its catalogue template
    toolbar.controller.refuse(InputError("the layer is empty (no features)"))
    assert bar.currentMessage() == "图层为空（没有要素）"
    window.switch_language("en")
    qtbot.waitUntil(lambda: bar.currentMessage() == "the layer is empty (no features)",
                    timeout=3000)
    window.editing.controller.stop_editing()


def test_layer_views_dock_title_and_status_follow_a_switch(make_main_window, qtbot):  # noqa: F811
    window = make_main_window()
    views, bar = window.views, window.statusBar()
    views.open_table(window.session.project.layer("cities"))
    assert views.table_dock.windowTitle() == "Attribute table - Cities"
    views.replace_data(window.session.project.layer("cities"))  # not a thematic layer
    assert bar.currentMessage().startswith("Only thematic layers")
    window.switch_language("zh")
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("只有专题图层"), timeout=3000)
    qtbot.waitUntil(lambda: views.table_dock.windowTitle() == "属性表 - 城市", timeout=3000)


class _Store:
    def __init__(self, source, password=None):
        self.source = source

    def list(self):
        return []


class _Unreachable(_Store):
    def list(self):
        raise InputError("cannot reach database bureau on gis.local: timeout expired.",
                         "Check that the server is running and reachable, then try again.")


def test_store_dialog_status_follows_a_switch(qtbot, monkeypatch, user_dir):  # noqa: F811
    from hljgis.gui.dialogs.store_dialog import StoreDialog
    from hljgis.io import project_store

    dialog = StoreDialog(mode="open", conninfo="host=gis.local dbname=bureau")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(project_store, "ProjectStore", _Store)
    assert dialog.connect_to_database()
    assert dialog.status.text() == "Connected: 0 project(s) in the store."
    set_language("zh")
    qtbot.waitUntil(lambda: dialog.status.text() == "已连接：项目库中有 0 个项目。", timeout=3000)
    monkeypatch.setattr(project_store, "ProjectStore", _Unreachable)
    assert not dialog.connect_to_database()
    assert dialog.status.text().startswith("无法连接")  # the error in Chinese
    set_language("en")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("cannot reach database bureau"),
                    timeout=3000)
