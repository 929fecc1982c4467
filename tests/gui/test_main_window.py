"""The main window driven like a planner would: load, toggle, reorder, tools, language, save."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu

from hljgis.core.layer import VectorLayer
from hljgis.core.style import make_symbol
from hljgis.io import load_project

CJK = re.compile(r"[\u4e00-\u9fff]")


pytestmark = pytest.mark.usefixtures("user_dir")


def plain_cities(project) -> None:
    """Cities in one pale yellow the pixel counts look for, over no DEM."""
    if "cities" in project:
        project.layer("cities").style = {"version": 1, "renderer": {
            "kind": "single", "symbol": make_symbol("fill", fill="#ffeeaa", stroke="#333333")}}
        project.layer("cities").opacity = 1.0
        project.layer("dem").visible = False
        project.dirty = False


@pytest.fixture
def make_main_window(make_main_window):
    """The shared window (tests/gui/conftest.py) on plain cities, drawn once."""

    def make(project_path=None, lang="en"):
        window = make_main_window(project_path, lang=lang, prepare=plain_cities)
        assert window.canvas.wait_for_render()
        return window

    return make


def _pixel_count(window, color_test) -> int:
    image = window.canvas.grab().toImage()
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    ptr = image.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    arr = arr[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    return int(color_test(arr[..., 2].astype(int), arr[..., 1].astype(int),
                          arr[..., 0].astype(int)).sum())


def test_loads_project_and_renders_the_map(make_main_window):
    window = make_main_window()
    model = window.layer_panel.model
    assert model.rowCount() >= 2  # theme groups
    cities = model.index_of_layer("cities")
    assert cities.isValid() and "Cities" in cities.data()
    # the fill of the 'cities' style (#ffeeaa) is on screen
    assert _pixel_count(window, lambda r, g, b: (r > 240) & (g > 225) & (b > 150) & (b < 190)) > 500


def test_toggle_visibility_from_the_panel_redraws_and_can_be_undone(make_main_window):
    window = make_main_window()
    model = window.layer_panel.model
    index = model.index_of_layer("cities")
    model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert window.session.project.layer("cities").visible is False
    assert window.canvas.wait_for_render()
    fill = lambda r, g, b: (r > 240) & (g > 225) & (b > 150) & (b < 190)  # noqa: E731
    assert _pixel_count(window, fill) < 50
    window.undo()
    assert window.session.project.layer("cities").visible is True
    assert window.windowTitle().startswith("*")


def test_reorder_by_moving_within_a_group(make_main_window, qtbot):
    window = make_main_window()
    project = window.session.project
    extra = VectorLayer(project.layer("cities").gdf.copy(), "cities_copy", theme="boundaries")
    window.session.add_layers([extra])
    assert project.layer_names()[-1] == "cities_copy"
    window.layer_panel.model.move_layer_to("cities_copy", "boundaries", 1)  # below 'cities'
    names = project.layer_names()
    assert names.index("cities_copy") < names.index("cities")
    window.undo()
    assert project.layer_names()[-1] == "cities_copy"


def test_identify_tool_lists_attributes(make_main_window, qtbot):
    window = make_main_window()
    window.set_tool("identify")
    target = window.canvas.to_pixel(130.4, 47.5)  # inside Hegang's test box
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=target.toPoint())
    tree = window.identify_panel
    titles = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert "Cities" in titles
    item = tree.topLevelItem(titles.index("Cities")).child(0)
    # keyed by the real field name (the tooltip); the row shows its alias
    values = {item.child(i).toolTip(0): item.child(i).text(1) for i in range(item.childCount())}
    assert values["name_zh"] == "鹤岗" and values["pop_2015"] == "1056"


def test_measure_distance_in_kilometres(make_main_window, qtbot):
    window = make_main_window()
    window.set_tool("measure_line")
    # zoomed in, so a click's rounding to whole pixels moves it by metres, not kilometres
    window.canvas.zoom_to((129.9, 45.6, 131.1, 46.4), pad=0)
    a, b = window.canvas.to_pixel(130.0, 46.0), window.canvas.to_pixel(131.0, 46.0)
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=a.toPoint())
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=b.toPoint())
    km = float(window.measure_label.text().split()[0])
    assert km == pytest.approx(77.4, abs=1.0)  # one degree of longitude at 46 N


def test_select_by_rectangle_selects_features_of_the_current_layer(make_main_window, qtbot):
    window = make_main_window()
    window.layer_panel.select_layer("cities")
    window.set_tool("select")
    a, b = window.canvas.to_pixel(130.3, 45.2), window.canvas.to_pixel(131.5, 45.6)
    qtbot.mousePress(window.canvas, Qt.MouseButton.LeftButton, pos=a.toPoint())
    qtbot.mouseMove(window.canvas, pos=b.toPoint())
    qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=b.toPoint())
    assert window.session.project.layer("cities").selection.tolist() == [1]  # Jixi


def test_wheel_zoom_and_keyboard_pan_change_the_extent(make_main_window, qtbot):
    window = make_main_window()
    before = window.canvas.extent
    window.canvas.zoom_by(0.5, QPointF(100, 100))
    after = window.canvas.extent
    # half the span (the lon/lat aspect follows the new centre latitude, hence rel=5%)
    assert (after[3] - after[1]) == pytest.approx((before[3] - before[1]) / 2, rel=0.05)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Left)
    assert window.canvas.extent[0] < after[0]


def _visible_texts(window) -> list[str]:
    texts = [a.text() for a in window.actions_by_key.values()]
    texts += [m.title() for m in window.menuBar().findChildren(QMenu)]
    texts += [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.text()]
    texts += [w.text() for w in window.findChildren(QAbstractButton) if w.isVisible()
              and w.text()]
    texts += [d.windowTitle() for d in window.docks.values()]
    model = window.layer_panel.model
    texts += [model.index(r, 0).data() for r in range(model.rowCount())]
    return texts


def test_every_visible_string_is_translated_and_switches_back(make_main_window):
    window = make_main_window(lang="zh")
    untranslated = [t for t in _visible_texts(window)
                    if re.search("[A-Za-z]{3,}", t) and not CJK.search(t)
                    and not re.fullmatch(r"[\d:,. ]+|English|hljgis|EPSG.*", t)]
    assert untranslated == []
    assert window.actions_by_key["open"].text() == "打开项目…"
    window.switch_language("en")
    assert window.actions_by_key["open"].text() == "Open project..."
    assert window.layer_panel.model.index(0, 0).data() in ("Boundaries", "Transport", "Base map")


def test_save_and_reopen_keeps_changes(make_main_window, tmp_path):
    window = make_main_window()
    window.session.set_layer_property("cities", "opacity", 0.4)
    assert window.save_project()
    reopened = load_project(window.session.project.path)
    assert reopened.layer("cities").opacity == pytest.approx(0.4)
    assert not window.windowTitle().startswith("*")


def test_autosave_and_recovery(make_main_window):
    from hljgis.io import recovery

    window = make_main_window()
    window.session.set_layer_property("expressways", "visible", True)
    window._on_autosave()
    window.wait_for_autosave()
    own = recovery.recovery_path()
    assert own.exists()
    assert recovery.pending_recovery() is None  # its app (this one) is still running
    # the copy of an app that is gone (no process holds its lock) is offered
    dead = recovery.recovery_path(pid=4_194_999)  # above Linux's largest pid
    own.rename(dead)
    recovery._info_path(own).rename(recovery._info_path(dead))
    assert recovery.pending_recovery() == dead
    restored = recovery.recover()
    assert own.exists() and not dead.exists()  # adopted: a second crash still finds it
    assert restored.layer("expressways").visible is True
    assert restored.path == window.session.project.path and restored.dirty
    window.session.project.dirty = False
    window.close()
    assert recovery.pending_recovery() is None and not own.exists()


def test_adding_a_broken_file_warns_and_keeps_the_app_usable(make_main_window, tmp_path,
                                                             monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = make_main_window()
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    bad = tmp_path / "broken.gpkg"
    bad.write_bytes(b"garbage" * 100)
    before = window.session.project.layer_names()
    window.add_data([str(bad)])
    assert shown and "not a readable GeoPackage" in shown[0]
    assert window.session.project.layer_names() == before


def test_attribute_table_and_map_selection_stay_in_step(make_main_window, qtbot):
    window = make_main_window()
    window.open_table("cities")
    table = window.views.table
    assert window.docks["table"].isVisible() and table.layer.name == "cities"
    window.layer_panel.select_layer("cities")
    window.set_tool("select")
    a, b = window.canvas.to_pixel(130.3, 45.2), window.canvas.to_pixel(131.5, 45.6)
    qtbot.mousePress(window.canvas, Qt.MouseButton.LeftButton, pos=a.toPoint())
    qtbot.mouseMove(window.canvas, pos=b.toPoint())
    qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=b.toPoint())
    assert table.selected_positions.tolist() == [1]
    table.set_selection([0])
    table.selection_changed.emit(np.array([0]))
    assert window.session.project.layer("cities").selection.tolist() == [0]


def test_style_change_from_the_dialog_is_undoable(make_main_window, monkeypatch):
    from hljgis.gui.dialogs.style import StyleDialog

    window = make_main_window()
    layer = window.session.project.layer("cities")
    before = dict(layer.style)
    new_style = {"version": 1, "renderer": {"kind": "single", "symbol": make_symbol(
        "fill", fill="#3366cc", stroke="#000000")}}

    def fake_exec(dialog):
        dialog.applied.emit(new_style, 1.0)  # what Apply hands on; the layer is not touched
        return 1

    monkeypatch.setattr(StyleDialog, "exec", fake_exec)
    window.style_layer("cities")
    assert layer.style["renderer"]["symbol"]["fill"] == "#3366cc"
    window.undo()
    assert layer.style == before
    window.redo()
    assert layer.style["renderer"]["symbol"]["fill"] == "#3366cc"


def test_opacity_set_in_the_style_dialog_is_undone_with_its_style(make_main_window,
                                                                  monkeypatch):
    """Issue #14's reproduced case: opacity 0.3 from the dialog, then Undo -> 1.0 again
    (it stayed 0.3 when only the style was recorded); Redo brings both back."""
    from hljgis.gui.dialogs.style import StyleDialog

    window = make_main_window()
    layer = window.session.project.layer("cities")
    assert layer.opacity == 1.0
    before = dict(layer.style)

    def press_apply(dialog):
        dialog.opacity.setValue(30)
        dialog.apply()  # Apply, as the planner presses it
        return 1

    monkeypatch.setattr(StyleDialog, "exec", press_apply)
    window.style_layer("cities")
    assert layer.opacity == pytest.approx(0.3)
    assert window.session.undo_stack.undo_text == "Change style of Cities"
    window.undo()
    assert layer.opacity == 1.0 and layer.style == before
    window.redo()
    assert layer.opacity == pytest.approx(0.3)


def test_one_selection_the_map_and_table_follow(make_main_window):
    """The session holds the selection: a box on the map selects in the table, a row
    picked in the table is what the map draws, and neither is kept in step by hand."""
    window = make_main_window()
    layer = window.session.project.layer("cities")
    window.open_table("cities")
    seen = []
    window.session.events.selection_changed.connect(lambda name, pos: seen.append(
        (name, pos.tolist())))
    window.session.select("cities", [1])
    assert window.views.table.selected_positions.tolist() == [1]
    window.views.table.selection_changed.emit(np.array([0]))
    assert layer.selection.tolist() == [0]
    assert seen == [("cities", [1]), ("cities", [0])]
    window.layer_panel.select_layer("cities")
    window._on_rectangle_selected(tuple(layer.gdf.to_crs(window.session.project.crs)
                                        .total_bounds))
    assert window.views.table.selected_positions.tolist() == [0, 1]
    assert "2 features selected" in window.statusBar().currentMessage()


def test_clicking_a_city_points_the_charts_at_it(make_main_window, qtbot):
    import pandas as pd

    window = make_main_window()
    project = window.session.project
    layer = project.layer("cities")
    layer.schema = "cities"
    gdf = layer.gdf.copy()
    gdf["name"] = ["Hegang", "Jixi"]
    layer.set_data(gdf)
    project.set_table("city_statistics", pd.DataFrame({
        "city": ["Hegang", "Hegang", "Jixi", "Jixi"], "year": [2005, 2015, 2005, 2015],
        "indicator": ["population"] * 4, "value": [1099.0, 1056.0, 1914.0, 1812.0],
        "unit": ["thousand persons"] * 4, "source": ["seed"] * 4}))
    window.views.set_project(project)
    window.set_tool("identify")
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton,
                     pos=window.canvas.to_pixel(131.8, 45.5).toPoint())
    assert window.views.charts.city == "Jixi"


def test_file_without_crs_asks_for_one_and_gcj02_is_offered(make_main_window, monkeypatch,
                                                            tmp_path, fixtures_dir):
    from hljgis.gui.dialogs.import_dialog import ImportDialog

    window = make_main_window()
    for f in (fixtures_dir / "gbk_shapefile").iterdir():
        if f.suffix != ".prj":
            shutil.copy(f, tmp_path / f.name)
    asked = []

    def accept_with_cgcs2000(dialog):
        asked.append(dialog.crs_box.isEnabled())
        dialog.crs_box.setCurrentIndex(0)  # EPSG:4490
        dialog.datum_box.setCurrentIndex(1)  # GCJ-02
        return ImportDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportDialog, "exec", accept_with_cgcs2000)
    window.add_data([str(tmp_path / "city_seats_gbk.shp")])
    assert asked == [True]
    layer = window.session.project.layer("city_seats_gbk")
    assert layer.crs.to_epsg() == 4326  # GCJ-02 removed -> WGS84
    assert any("GCJ02" in n for n in layer.notes)
    assert layer.gdf["名称"].iloc[0] == "鹤岗市"


def test_cancelled_import_adds_nothing(make_main_window, monkeypatch, tmp_path, fixtures_dir):
    from hljgis.gui.dialogs.import_dialog import ImportDialog

    window = make_main_window()
    for f in (fixtures_dir / "gbk_shapefile").iterdir():
        if f.suffix != ".prj":
            shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(ImportDialog, "exec", lambda d: ImportDialog.DialogCode.Rejected)
    before = window.session.project.layer_names()
    window.add_data([str(tmp_path / "city_seats_gbk.shp")])
    assert window.session.project.layer_names() == before


def test_qt_standard_texts_are_chinese_not_blank(make_main_window):
    from PySide6.QtWidgets import QDialogButtonBox

    make_main_window(lang="zh")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    texts = [box.button(b).text() for b in (QDialogButtonBox.StandardButton.Ok,
                                           QDialogButtonBox.StandardButton.Cancel)]
    assert all(CJK.search(t) for t in texts), texts


def test_recent_projects_menu_lists_saved_projects(make_main_window):
    window = make_main_window()
    assert window.save_project()
    window._fill_recent()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert window.session.project.path in texts


def test_about_shows_version_build_info_and_licences(make_main_window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = make_main_window()
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about()
    assert "hljgis 0.1.0" in shown[0]
    assert "GDAL" in shown[0] and "PROJ" in shown[0] and "OFL" in shown[0]


def test_status_bar_shows_lonlat_and_gauss_kruger_coordinates(make_main_window, qtbot):
    window = make_main_window()
    qtbot.mouseMove(window.canvas, pos=window.canvas.to_pixel(131.0, 46.0).toPoint())
    text = window.coords_label.text()
    assert "°E" in text and "°N" in text and "EPSG:4553" in text
    easting = float(text.split("EPSG:4553")[1].split()[0].replace(",", ""))
    assert 420_000 < easting < 430_000  # 131E is about 77 km west of CM 132E at 46N


def test_autosave_runs_off_the_gui_thread_and_reports_failures(make_main_window, qtbot,
                                                               monkeypatch):
    """A project with a million ranked cells takes seconds to write: the window must not
    freeze every two minutes, and the planner's path and unsaved state stay as they are."""
    import threading
    import time

    from hljgis.io import recovery

    window = make_main_window()
    window.session.set_layer_property("expressways", "visible", True)
    path, started, release = window.session.project.path, threading.Event(), threading.Event()
    real = recovery.autosave

    def slow(project, **kw):
        started.set()
        assert threading.current_thread() is not threading.main_thread()
        release.wait(10)
        return real(project, **kw)

    monkeypatch.setattr(recovery, "autosave", slow)
    t0 = time.perf_counter()
    window._on_autosave()
    assert started.wait(5) and time.perf_counter() - t0 < 1.0
    window._on_autosave()  # one at a time: a second tick while busy does nothing
    release.set()
    window.wait_for_autosave()
    assert recovery.recovery_path().exists()
    assert window.session.project.path == path and window.session.project.dirty

    def broken(project, **kw):
        raise OSError("disk full")

    monkeypatch.setattr(recovery, "autosave", broken)
    window._on_autosave()  # nothing changed since the copy: not written again
    window.wait_for_autosave()
    assert "disk full" not in window.statusBar().currentMessage()
    window.session.set_layer_property("expressways", "visible", False)
    window._on_autosave()
    window.wait_for_autosave()
    qtbot.waitUntil(lambda: "disk full" in window.statusBar().currentMessage(), timeout=5000)
    window.session.project.dirty = False
    window.close()
    assert not recovery.recovery_path().exists()


@pytest.mark.parametrize("choice", ["cancel", "overwrite", "reload"])
def test_save_asks_when_the_file_changed_on_disk(make_main_window, monkeypatch, choice):
    """Another program saved the project after it was opened: Save must not overwrite it
    silently; the planner chooses (here answered by a stub of the question)."""
    from hljgis.io import load_project, save_project

    window = make_main_window()
    path = window.session.project.path
    other = load_project(path)
    other.metadata["title"] = "saved by the other window"
    save_project(other, path)
    window.session.project.metadata["title"] = "mine"
    window.session.project.dirty = True
    asked = []
    monkeypatch.setattr(window, "ask_changed_on_disk",
                        lambda p: asked.append(p) or choice)
    saved = window.save_project()
    assert asked == [path]
    on_disk = load_project(path).metadata["title"]
    if choice == "overwrite":
        assert saved and on_disk == "mine" and not window.session.project.dirty
    else:
        assert not saved and on_disk == "saved by the other window"
    if choice == "reload":
        assert window.session.project.metadata["title"] == "saved by the other window"


def test_opening_a_project_without_its_statistics_table_warns(make_main_window, tmp_path,
                                                              monkeypatch):
    """The file names a table it does not hold: a message, and the open project stays."""
    import json
    import sqlite3

    from PySide6.QtWidgets import QMessageBox

    window = make_main_window()
    bad = tmp_path / "bad.hljgis.gpkg"
    shutil.copy(window.session.project.path, bad)
    con = sqlite3.connect(bad)
    with con:
        settings = json.loads(con.execute("SELECT json FROM hljgis_project").fetchone()[0])
        settings["tables"] = [*settings.get("tables", []), "city_statistics_gone"]
        con.execute("UPDATE hljgis_project SET json = ?", (json.dumps(settings),))
    con.close()
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    before = window.session.project
    window.open_project(str(bad))
    assert len(warnings) == 1 and "city_statistics_gone" in warnings[0]
    assert window.session.project is before
