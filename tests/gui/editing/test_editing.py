"""Editing from the window, as a planner does it: draw a proposed site snapping to a city
corner, fill its form, edit its vertices, undo and redo, save and reopen; and draw three
sites and rank them."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from hljgis.core.editing import geometry as G
from hljgis.core.editing.fields import EDIT_SOURCE, LayerDefinition, proposed_sites
from hljgis.io import load_project
from tests.gui import pixels
from tests.gui.test_main_window import make_main_window  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("user_dir")

GK = "EPSG:4553"
LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton


def _click(canvas, p: QPointF, button=LEFT) -> None:
    pos = QPoint(round(p.x()), round(p.y()))
    QTest.mouseMove(canvas, pos)
    QTest.mouseClick(canvas, button, Qt.KeyboardModifier.NoModifier, pos)


def _rgb(canvas) -> np.ndarray:
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return arr.reshape(image.height(), image.width(), 4)[..., 2::-1].astype(int)  # RGB


def _sites(window) -> str:
    return window.editing.new_layer(LayerDefinition(
        "proposed_sites", "Proposed sites", "拟选地块", "Polygon", GK, proposed_sites()))


def _draw(window, points, qtbot) -> object:
    """Click ``points`` (pixels) with the draw tool, finish with a right click; the form."""
    canvas = window.canvas
    for p in points:
        _click(canvas, p)
    _click(canvas, points[-1], RIGHT)
    form = window.editing.controller.form
    assert form is not None and form.isVisible()
    return form


def test_draw_snap_form_vertices_undo_redo_save_reopen(make_main_window, qtbot,  # noqa: F811
                                                       tmp_path):
    window = make_main_window()
    canvas, session = window.canvas, window.session
    layer_name = _sites(window)
    layer = session.project.layer(layer_name)
    window.editing.set_snap_layer("cities", True)
    assert window.editing.tool_actions["draw"].isChecked()
    # Jixi's outline has its north-east corner at (132.5, 46)
    canvas.zoom_to((132.2, 45.8, 132.6, 46.1), pad=0)
    assert canvas.wait_for_render()
    corner = canvas.to_pixel(132.5, 46.0)
    before = _rgb(canvas)
    clicks = [corner + QPointF(-5, 4),  # 6 px off the corner: snaps onto it
              corner + QPointF(-250, 40), corner + QPointF(-230, 220),
              corner + QPointF(-40, 200)]
    clicks = [QPointF(QPoint(round(p.x()), round(p.y()))) for p in clicks]  # whole pixels
    expected = [(132.5, 46.0), *(canvas.to_map(p) for p in clicks[1:])]
    for x, y in expected[1:]:  # no snap target near the free points
        assert window.editing.controller.snap(x, y)[2] is None
    # while drawing: the rubber band and its live area
    for p in clicks[:3]:
        _click(canvas, p)
    QTest.mouseMove(canvas, clicks[3].toPoint())
    assert "ha" in window.measure_label.text() and "perimeter" in window.measure_label.text()
    window.grab().save(str(tmp_path / "drawing.png"))
    _click(canvas, clicks[3])
    _click(canvas, clicks[3], RIGHT)
    form = window.editing.controller.form
    assert form is not None and form.isVisible()
    # the form: measured area filled in, status defaulted, the name required
    area_text = form.editors["area_ha"].text()
    form.accept()
    assert form.isVisible() and form.problem_labels["name"].isVisible()
    assert len(layer.gdf) == 0
    form.set_value("name", "Jixi east yard")
    form.set_value("name_zh", "鸡西东厂区")
    form.set_value("status", "under_review")
    form.set_value("owner", "Jixi land bureau")
    form.accept()
    assert not form.isVisible() and len(layer.gdf) == 1
    row = layer.gdf.iloc[0]
    assert (row["name"], row["status"], row["source"]) == ("Jixi east yard", "under_review",
                                                           EDIT_SOURCE)
    # stored in the layer's own CRS, and exactly on the snapped corner
    assert layer.crs.to_epsg() == 4553
    drawn = G.reproject(row.geometry, GK, "EPSG:4490")
    ring = np.asarray(drawn.exterior.coords)[:-1]
    start = int(np.argmin(np.hypot(ring[:, 0] - 132.5, ring[:, 1] - 46.0)))
    ring = np.roll(ring, -start, axis=0)
    if not np.allclose(ring[1], expected[1], atol=1e-7):  # orientation normalised
        ring = np.vstack([ring[:1], ring[1:][::-1]])
    np.testing.assert_allclose(ring, expected, atol=1e-7)
    area_ha = G.reproject(row.geometry, GK, session.project.metric_crs()).area / 1e4
    assert float(area_text) == pytest.approx(area_ha, rel=1e-3)
    # the canvas shows it: pink fill where the city was pale yellow
    assert canvas.wait_for_render()
    after = _rgb(canvas)
    canvas.grab().save(str(tmp_path / "drawn.png"))
    inside = canvas.to_pixel(*np.mean(expected, axis=0))

    def pink(rgb):  # the new layer's fill (#fb9a99, 60 %) over the city's pale yellow
        return (np.abs(rgb - (252, 188, 160)).sum(axis=2) < 30).sum()

    assert pink(before) == 0 and pink(after) > 0.8 * 240 * 190
    red_edge = (np.abs(after - (178, 24, 43)).sum(axis=2) < 60).sum()
    assert red_edge > 300
    assert session.project.dirty and window.windowTitle().startswith("*")

    # vertices: drag the south-west corner, add a vertex on an edge, delete it again
    window.editing.set_tool("vertices")
    _click(canvas, inside)  # picks the feature
    sw = canvas.to_pixel(*expected[2])
    target = sw + QPointF(-60, 30)
    QTest.mousePress(canvas, LEFT, Qt.KeyboardModifier.NoModifier, sw.toPoint())
    QTest.mouseMove(canvas, target.toPoint())
    QTest.mouseRelease(canvas, LEFT, Qt.KeyboardModifier.NoModifier, target.toPoint())
    moved = G.reproject(layer.gdf.geometry.iloc[0], GK, "EPSG:4490")
    assert len(G.vertices(moved)) == 4
    new_sw = canvas.to_map(target.toPoint())
    assert moved.exterior.distance(shapely.Point(new_sw)) < 1e-7
    assert moved.exterior.distance(shapely.Point(expected[2])) > 1e-3
    mid = (canvas.to_pixel(*expected[3]) + target) / 2
    QTest.mouseDClick(canvas, LEFT, Qt.KeyboardModifier.NoModifier, mid.toPoint())
    assert len(G.vertices(layer.gdf.geometry.iloc[0])) == 5
    _click(canvas, mid, RIGHT)
    assert len(G.vertices(layer.gdf.geometry.iloc[0])) == 4

    # undo and redo from the Edit menu, back to the drawn corner and forward again
    undo, redo = window.actions_by_key["undo"], window.actions_by_key["redo"]
    undo.trigger()
    undo.trigger()  # the inserted vertex back, then gone
    assert len(G.vertices(layer.gdf.geometry.iloc[0])) == 4
    undo.trigger()  # the drag
    back = G.reproject(layer.gdf.geometry.iloc[0], GK, "EPSG:4490")
    assert back.exterior.distance(shapely.Point(expected[2])) < 1e-7
    undo.trigger()  # the feature itself
    assert len(layer.gdf) == 0
    for _ in range(4):
        redo.trigger()
    again = G.reproject(layer.gdf.geometry.iloc[0], GK, "EPSG:4490")
    assert again.equals_exact(moved, 1e-9) and layer.gdf["owner"].iloc[0] == "Jixi land bureau"

    # save, reopen: the feature, its fields and their code lists come back
    path = tmp_path / "edited.hljgis.gpkg"
    assert window._save(str(path))
    assert not session.project.dirty
    window.open_project(str(path))
    reopened = session.project.layer("proposed_sites")
    assert reopened is not layer and len(reopened.gdf) == 1
    geom = G.reproject(reopened.gdf.geometry.iloc[0], GK, "EPSG:4490")
    assert geom.equals_exact(moved, 1e-9)
    assert reopened.gdf["name_zh"].iloc[0] == "鸡西东厂区"
    assert window.editing.start_editing("proposed_sites")
    window.editing.set_tool("attributes")
    canvas.zoom_to((132.2, 45.8, 132.6, 46.1), pad=0)
    assert canvas.wait_for_render()
    _click(canvas, canvas.to_pixel(*np.mean(expected, axis=0)))
    form = window.editing.controller.form
    assert form.editors["status"].currentData() == "under_review"
    assert "审查中" not in form.editors["status"].currentText()  # English interface
    form.set_value("status", "approved")
    form.accept()
    assert reopened.gdf["status"].iloc[0] == "approved"
    assert load_project(path).layer("proposed_sites").gdf["status"].iloc[0] == "under_review"


def test_three_drawn_sites_ranked_from_the_window(qtbot, tmp_path):
    from hljgis.gui.main_window import MainWindow
    from hljgis.io.bundled import layers_dir

    path = tmp_path / "bundled.hljgis.gpkg"
    shutil.copy(layers_dir() / "east-heilongjiang.hljgis.gpkg", path)
    window = MainWindow(lang="zh")
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    try:
        window.session.open_project(path)
        canvas = window.canvas
        districts = window.session.project.layer("districts").gdf
        taoshan = districts[districts["name"] == "Taoshan"].geometry.iloc[0]
        c = taoshan.representative_point()
        canvas.zoom_to((c.x - 0.05, c.y - 0.035, c.x + 0.05, c.y + 0.035), pad=0)
        assert canvas.wait_for_render()
        _sites(window)
        centre = canvas.to_pixel(c.x, c.y)
        names = ["West yard", "Middle yard", "East yard"]
        for i, name in enumerate(names):
            o = centre + QPointF(-200 + 150 * i, -40)
            form = _draw(window, [o, o + QPointF(90, 0), o + QPointF(90, 70),
                                  o + QPointF(0, 70)], qtbot)
            form.set_value("name", name)
            form.accept()
            assert not form.isVisible()
        layer = window.session.project.layer("proposed_sites")
        assert list(layer.gdf["name"]) == names
        assert canvas.wait_for_render()
        drawn = pixels.rgb(canvas)
        key = window.editing.rank_sites()
        panel = window.views.ranking
        assert window.views.ranking_dock.isVisible()
        assert panel.scenario_box.currentData() == key
        assert panel.scenario.candidates.layer == "proposed_sites"
        with qtbot.waitSignal(panel.ranking_finished, timeout=60_000):
            assert panel.run() is not None
        g = panel.result.gdf
        assert len(g) == 3 and list(g["name"]) == names
        assert set(g["city"]) == {"Qitaihe"} and set(g["district_zh"]) == {"桃山区"}
        assert g.loc[~g["excluded"], "rank"].notna().all()
        assert panel.result_layer.name in window.session.project
        # the ranked sites are painted over the drawn ones, inside each square
        assert canvas.wait_for_render()
        window.grab().save(str(tmp_path / "ranked.png"))
        ranked = pixels.rgb(canvas)
        scale = ranked.shape[1] / canvas.width()
        for i, excluded in enumerate(g["excluded"]):
            o = centre + QPointF(-200 + 150 * i, -40)
            x0, y0 = int((o.x() + 10) * scale), int((o.y() + 10) * scale)
            x1, y1 = int((o.x() + 80) * scale), int((o.y() + 60) * scale)
            inside = pixels.changed(drawn[y0:y1, x0:x1], ranked[y0:y1, x0:x1], level=30)
            if not excluded:
                assert inside > 0.3 * (x1 - x0) * (y1 - y0), (names[i], inside)
    finally:
        window.session.project.dirty = False
        canvas.shutdown()
        panel.shutdown()


def test_hole_split_move_merge_delete_from_the_toolbar(make_main_window, qtbot):  # noqa: F811
    window = make_main_window()
    canvas, session = window.canvas, window.session
    layer = session.project.layer(_sites(window))
    canvas.zoom_to((131.0, 45.2, 131.4, 45.5), pad=0)  # inside Jixi, away from its edges
    assert canvas.wait_for_render()
    o = canvas.to_pixel(131.2, 45.35)
    square = [o + QPointF(-150, -150), o + QPointF(150, -150), o + QPointF(150, 150),
              o + QPointF(-150, 150)]
    form = _draw(window, square, qtbot)
    form.set_value("name", "Yard")
    form.accept()
    whole = layer.gdf.geometry.iloc[0].area
    # a hole in the middle
    window.editing.set_tool("hole")
    for p in (o + QPointF(-30, -30), o + QPointF(30, -30), o + QPointF(30, 30)):
        _click(canvas, p)
    _click(canvas, o, RIGHT)
    geom = layer.gdf.geometry.iloc[0]
    assert len(geom.interiors) == 1 and geom.area < whole
    # split along a line across the square, west of the hole
    window.editing.set_tool("split")
    _click(canvas, o + QPointF(-100, -200))
    _click(canvas, o + QPointF(-100, 200))
    _click(canvas, o + QPointF(-100, 200), RIGHT)
    assert len(layer.gdf) == 2, window.statusBar().currentMessage()
    assert list(layer.gdf["name"]) == ["Yard", "Yard"]
    assert layer.gdf.area.sum() == pytest.approx(geom.area)
    assert len(layer.gdf.geometry.iloc[0].interiors) == 1  # the big piece keeps its row
    # move the small piece west by 40 pixels
    window.editing.set_tool("move")
    start = (o + QPointF(-130, 0)).toPoint()
    end = (o + QPointF(-170, 0)).toPoint()
    before = layer.gdf.geometry.iloc[1].bounds
    QTest.mousePress(canvas, LEFT, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(canvas, end)
    QTest.mouseRelease(canvas, LEFT, Qt.KeyboardModifier.NoModifier, end)
    after = layer.gdf.geometry.iloc[1].bounds
    assert after[0] < before[0] - 1000 and after[1] == pytest.approx(before[1], abs=50)
    window.undo()
    assert layer.gdf.geometry.iloc[1].bounds == pytest.approx(before)
    # select both with the select tool, merge them, delete the result
    window.set_tool("select")
    assert canvas.map_tool is None and not window.editing.tool_actions["move"].isChecked()
    window.layer_panel.select_layer(layer.name)
    QTest.mousePress(canvas, LEFT, Qt.KeyboardModifier.NoModifier,
                     (o + QPointF(-200, -200)).toPoint())
    QTest.mouseMove(canvas, (o + QPointF(200, 200)).toPoint())
    QTest.mouseRelease(canvas, LEFT, Qt.KeyboardModifier.NoModifier,
                       (o + QPointF(200, 200)).toPoint())
    assert layer.selection.tolist() == [0, 1]
    window.editing.merge_action.trigger()
    assert len(layer.gdf) == 1 and layer.gdf.area.iloc[0] == pytest.approx(geom.area)
    layer.selection = np.array([0])
    window.editing.delete_action.trigger()
    assert len(layer.gdf) == 0
    for _ in range(3):
        window.undo()  # delete, merge, split
    assert len(layer.gdf) == 1 and layer.gdf.geometry.iloc[0].equals(geom)


def test_new_layer_dialog_defines_fields_with_code_lists(qtbot):
    from hljgis.gui.dialogs.new_layer_dialog import NewLayerDialog

    dialog = NewLayerDialog("EPSG:4553")
    qtbot.addWidget(dialog)
    dialog.show()
    assert [f.name for f in dialog.fields()] == [f.name for f in proposed_sites()]
    dialog.template_box.setCurrentIndex(1)  # empty
    assert dialog.table.rowCount() == 0
    dialog.name_edit.setText("clinics")
    dialog.geometry_box.setCurrentIndex(2)  # points
    dialog.add_field(proposed_sites()[0])
    dialog.add_field(proposed_sites()[0].__class__("beds", "int", "Beds", "床位", min=0))
    dialog.table.item(1, 7).setText("500")
    dialog.add_field(proposed_sites()[0].__class__("level", "str", "Level", "等级"))
    dialog.table.item(2, 5).setText("a=Grade A=甲级; b=Grade B=乙级")
    d = dialog.definition()
    assert (d.name, d.geometry, d.crs) == ("clinics", "Point", "EPSG:4553")
    beds, level = d.fields[1], d.fields[2]
    assert (beds.type, beds.min, beds.max) == ("int", 0, 500)
    assert level.codes == (("a", "Grade A", "甲级"), ("b", "Grade B", "乙级"))
    dialog.table.item(1, 6).setText("few")
    dialog.accept()
    assert "min and max must be numbers" in dialog.problem.text() and dialog.isVisible()


def test_one_undo_stack_for_edits_styles_and_layers(make_main_window, qtbot):  # noqa: F811
    window = make_main_window()
    session = window.session
    name = _sites(window)
    assert not window.actions_by_key["pan"].isChecked()  # the draw tool is the active one
    layer = session.project.layer(name)
    session.add_feature(name, G.reproject(shapely.box(131, 45.5, 131.1, 45.6), "EPSG:4490",
                                          GK), {"name": "A"})
    session.set_layer_property(name, "opacity", 0.5)
    session.add_feature(name, G.reproject(shapely.box(131.2, 45.5, 131.3, 45.6),
                                          "EPSG:4490", GK), {"name": "B"})
    window.undo()
    assert list(layer.gdf["name"]) == ["A"] and layer.opacity == 0.5
    window.undo()
    assert layer.opacity == 1.0 and len(layer.gdf) == 1
    window.undo()
    window.undo()  # the new layer itself: editing stops with it
    assert name not in session.project and window.editing.controller.layer_name is None
    assert not window.editing.edit_action.isChecked()
    assert window.actions_by_key["pan"].isChecked()
    for _ in range(4):
        window.redo()
    assert list(layer.gdf["name"]) == ["A", "B"] and layer.opacity == 0.5


def test_a_refused_edit_says_why_in_chinese(make_main_window, qtbot):  # noqa: F811
    window = make_main_window(lang="zh")
    canvas = window.canvas
    layer = window.session.project.layer(_sites(window))
    canvas.zoom_to((131.0, 45.2, 131.4, 45.5), pad=0)
    assert canvas.wait_for_render()
    o = canvas.to_pixel(131.2, 45.35)
    form = _draw(window, [o, o + QPointF(80, 0), o + QPointF(80, 80)], qtbot)
    assert form.windowTitle().startswith("要素属性")
    form.accept()  # no name: refused, in Chinese
    assert form.problem_labels["name"].text() == "请填写名称。"
    form.set_value("name", "三角地")
    form.accept()
    window.editing.set_tool("split")
    _click(canvas, o + QPointF(200, -50))  # a line that misses the triangle
    _click(canvas, o + QPointF(200, 150))
    _click(canvas, o + QPointF(200, 150), RIGHT)
    assert len(layer.gdf) == 1
    assert window.statusBar().currentMessage().startswith("这条线没有穿过正在编辑图层的要素")


def test_a_dragged_vertex_snaps_and_snapping_can_be_turned_off(make_main_window,  # noqa: F811
                                                               qtbot):
    window = make_main_window()
    canvas = window.canvas
    layer = window.session.project.layer(_sites(window))
    window.editing.set_snap_layer("cities", True)
    canvas.zoom_to((132.2, 45.8, 132.6, 46.1), pad=0)
    assert canvas.wait_for_render()
    corner = canvas.to_pixel(132.5, 46.0)
    pts = [corner + QPointF(-200, 60), corner + QPointF(-60, 60), corner + QPointF(-60, 180)]
    form = _draw(window, pts, qtbot)
    form.set_value("name", "Drag")
    form.accept()
    window.editing.set_tool("vertices")
    _click(canvas, corner + QPointF(-100, 100))  # picks the triangle

    def drag(a: QPointF, b: QPointF) -> None:
        QTest.mousePress(canvas, LEFT, Qt.KeyboardModifier.NoModifier, a.toPoint())
        QTest.mouseMove(canvas, b.toPoint())
        QTest.mouseRelease(canvas, LEFT, Qt.KeyboardModifier.NoModifier, b.toPoint())

    drag(pts[1], corner + QPointF(4, -5))  # dropped 6 px off the corner: lands on it
    geom = G.reproject(layer.gdf.geometry.iloc[0], GK, "EPSG:4490")
    assert min(shapely.Point(xy).distance(shapely.Point(132.5, 46.0))
               for xy in geom.exterior.coords) < 1e-9
    window.editing.snap_action.setChecked(False)
    drag(corner, corner + QPointF(-4, 5))
    geom = G.reproject(layer.gdf.geometry.iloc[0], GK, "EPSG:4490")
    free = canvas.to_map((corner + QPointF(-4, 5)).toPoint())
    assert min(shapely.Point(xy).distance(shapely.Point(free))
               for xy in geom.exterior.coords) < 1e-9


def test_new_layer_from_the_toolbar_uses_the_dialog(make_main_window, qtbot,  # noqa: F811
                                                    monkeypatch):
    from hljgis.gui.dialogs.new_layer_dialog import NewLayerDialog

    def answer(dialog):
        dialog.name_edit.setText("bus_depots")
        dialog.title_edit.setText("Bus depots")
        dialog.geometry_box.setCurrentIndex(2)  # points
        return NewLayerDialog.DialogCode.Accepted

    monkeypatch.setattr(NewLayerDialog, "exec", answer)
    window = make_main_window()
    name = window.editing.new_layer()
    layer = window.session.project.layer(name)
    assert (name, layer.title, layer.provenance["geometry"]) == ("bus_depots", "Bus depots",
                                                                 "Point")
    assert layer.crs.equals(window.session.project.metric_crs())
    assert window.editing.controller.layer_name == name
    assert window.editing.tool_actions["draw"].isChecked()
    assert not window.editing.tool_actions["hole"].isEnabled()
    assert window.editing.rank_action.isEnabled()  # points can be ranked
    canvas = window.canvas
    _click(canvas, QPointF(canvas.width() / 2, canvas.height() / 2))  # one click: a point
    form = window.editing.controller.form
    form.set_value("name", "North depot")
    form.accept()
    assert layer.gdf.geometry.iloc[0].geom_type == "Point"


def test_the_scenario_for_drawn_sites_is_one_undoable_step():
    """Ranking drawn sites stores a scenario through the session (it went straight into
    the project before, so Undo could not take it back)."""
    from hljgis.gui.editing.ranking import scenario_for_layer
    from tests.analysis.test_run import tiny_scenario
    from tests.core.test_session import _session

    s = _session()
    s.store_scenario("tiny", tiny_scenario())
    key = scenario_for_layer(s, "parks")
    assert key == "tiny--parks"
    assert s.project.scenarios[key]["candidates"] == {"kind": "layer", "layer": "parks"}
    assert s.project.scenarios[key]["title"].endswith(": Parks")
    assert s.undo() == f"Save scenario {key}"
    assert key not in s.project.scenarios and "tiny" in s.project.scenarios
    s.redo()
    assert key in s.project.scenarios
