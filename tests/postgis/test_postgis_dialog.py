"""The PostGIS dialog against the real test server: connect, browse, add tables, run a query,
and a wrong password shown in the dialog; grabs in English and Chinese."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hljgis.gui.i18n import set_language
from tests.gui import pixels
from tests.postgis.conftest import PORT
from tests.postgis.test_postgis import X0, Y0, make_parcels

SHOTS = Path(os.environ.get("HLJGIS_SHOTS", "/tmp/hljgis-postgis-shots"))


@pytest.fixture
def dialog(qtbot, pg_cluster, bureau):
    from PySide6.QtWidgets import QApplication

    from hljgis.gui.app import use_bundled_font
    from hljgis.gui.dialogs.postgis_dialog import PostgisDialog

    use_bundled_font(QApplication.instance())  # as the main window does: Chinese offscreen
    make_parcels(bureau)
    dlg = PostgisDialog(extent=(X0 + 0.045, Y0, X0 + 0.071, Y0 + 0.01), extent_crs="EPSG:4490")
    qtbot.addWidget(dlg)
    dlg.host_edit.setText(str(pg_cluster.socket_dir))
    dlg.port_box.setValue(PORT)
    dlg.db_edit.setText("bureau")
    dlg.user_edit.setText("planner")
    dlg.show()
    yield dlg
    set_language("en")


def _select(dlg, table: str) -> None:
    from PySide6.QtCore import QItemSelectionModel

    model = dlg.model
    for r in range(model.rowCount()):
        schema = model.item(r, 0)
        for c in range(schema.rowCount()):
            if schema.child(c, 0).text() == table:
                dlg.tree.selectionModel().select(
                    schema.child(c, 0).index(),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows)
                return
    raise AssertionError(f"{table} not in the browser")


def test_browse_and_add_a_table(dialog):
    assert dialog.connect_to_database()
    survey = dialog.model.item(0, 0)
    assert survey.text() == "survey" and survey.child(0, 0).text() == "parcels"
    assert survey.child(0, 1).text() == "Polygon" and survey.child(0, 2).text() == "4490"
    assert "1 spatial table(s)" in dialog.status.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = dialog.grab()
    shot.save(str(SHOTS / "postgis_dialog_en.png"))
    arr = pixels.rgb(shot.toImage())
    assert pixels.ink(pixels.crop(arr, dialog, dialog.tree)) > 300  # the schema and table
    status = pixels.crop(arr, dialog, dialog.status)
    r, g, b = status[..., 0], status[..., 1], status[..., 2]
    assert ((g - r > 40) & (g - b > 20)).sum() > 30  # "1 spatial table(s)" in green
    _select(dialog, "parcels")
    dialog.view_only.setChecked(True)  # the server sends only the parcels in view
    [layer] = dialog.add_selected()
    assert sorted(layer.gdf["name"]) == ["地块4", "地块5", "地块6", "地块7"]
    assert layer.source_path.startswith("PG:") and "tables=survey.parcels" in layer.source_path
    assert dialog.result() == dialog.DialogCode.Accepted


def test_query_tab(dialog):
    assert dialog.connect_to_database()
    dialog.tabs.setCurrentIndex(1)
    dialog.sql_edit.setPlainText("SELECT name, geom FROM survey.parcels WHERE area_ha >= 20")
    dialog.query_name_edit.setText("big_parcels")
    [layer] = dialog.add_selected()
    assert layer.name == "big_parcels" and list(layer.gdf["name"]) == ["地块19"]


def test_wrong_password_is_shown_in_chinese(dialog, pgpass):
    set_language("zh")
    pgpass.write_text("*:*:*:planner:wrong\n")
    assert not dialog.connect_to_database()
    assert "wrong password for user planner" in dialog.status.text()
    assert dialog.windowTitle() == "添加 PostGIS 图层"
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = dialog.grab()
    shot.save(str(SHOTS / "postgis_dialog_zh_error.png"))
    status = pixels.crop(pixels.rgb(shot.toImage()), dialog, dialog.status)
    r, g, b = status[..., 0], status[..., 1], status[..., 2]
    assert ((r - g > 60) & (abs(g - b) < 40)).sum() > 50  # the error written in red
    # the password typed in the dialog serves this connection only
    dialog.password_edit.setText("survey-2026")
    assert dialog.connect_to_database()
    assert "password" not in dialog.source().conninfo


def test_main_window_action_adds_the_layer(qtbot, pg_cluster, bureau, tmp_path, monkeypatch):
    """Layer > Add PostGIS layers...: the dialog's layers land in the project (undoable)."""
    from PySide6.QtCore import QSettings

    from hljgis.gui.dialogs.postgis_dialog import PostgisDialog
    from hljgis.gui.main_window import MainWindow

    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "i"))
    make_parcels(bureau)

    def run_dialog(dlg):
        dlg.host_edit.setText(str(pg_cluster.socket_dir))
        dlg.port_box.setValue(PORT)
        dlg.db_edit.setText("bureau")
        dlg.user_edit.setText("planner")
        assert dlg.connect_to_database()
        _select(dlg, "parcels")
        return bool(dlg.add_selected())

    monkeypatch.setattr(PostgisDialog, "exec", run_dialog)
    window = MainWindow(lang="en")
    qtbot.addWidget(window)
    window.actions_by_key["add_postgis"].trigger()
    project = window.session.project
    assert "parcels" in project and len(project.layer("parcels").gdf) == 20
    project.dirty = False
    window.canvas.shutdown()


def test_large_table_is_read_in_the_view_only(dialog, pg_cluster, monkeypatch):
    from hljgis.gui.dialogs import postgis_dialog

    pg_cluster.sql("ANALYZE survey.parcels", db="bureau")  # the estimate: 20 rows
    monkeypatch.setattr(postgis_dialog, "LARGE_ROWS", 10)
    assert dialog.connect_to_database()
    assert dialog.model.item(0, 0).child(0, 3).text() == "20"
    assert not dialog.view_only.isChecked()
    _select(dialog, "parcels")
    assert dialog.view_only.isChecked() and "Large table" in dialog.status.text()
    [layer] = dialog.add_selected()
    assert len(layer.gdf) == 4
