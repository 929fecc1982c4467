"""Issue #17's acceptance, entirely through the window: "a planner can draw three proposed
sites, buffer the HSR stations by 2 km, and rank the drawn sites with the buffer as a
constraint, all from the window" -- then undo/redo across the steps, save, reopen."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog

from hljgis.io import load_project
from hljgis.io.bundled import layers_dir
from tests.gui.planner_input import choose, type_into

pytestmark = pytest.mark.usefixtures("user_dir")

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
STATION = (130.9, 45.78)  # Qitaihe West HSR station (bundled hsr_stations)
GK = "EPSG:4553"
#: Site centres as offsets from the station in metres (east, north), and their names.
SITES = {"Station east yard": (900, 0), "Station north yard": (-300, 1100),
         "Far east yard": (4500, 1500)}
HALF = 350  # half the side of each drawn square, metres


def _click(canvas, p: QPointF, button=LEFT) -> None:
    pos = QPoint(round(p.x()), round(p.y()))
    QTest.mouseMove(canvas, pos)
    QTest.mouseClick(canvas, button, Qt.KeyboardModifier.NoModifier, pos)


def _lonlat(dx: float, dy: float) -> tuple[float, float]:
    """The station moved by (dx, dy) metres in the metric CRS, in longitude/latitude."""
    from pyproj import Transformer

    to_gk = Transformer.from_crs("EPSG:4490", GK, always_xy=True)
    x, y = to_gk.transform(*STATION)
    return Transformer.from_crs(GK, "EPSG:4490", always_xy=True).transform(x + dx, y + dy)


def _blueness(canvas, name: str) -> float:
    """Mean blue minus red over the inner part of drawn site ``name`` on the canvas: the
    ranking's score ramp is blue, the drawn layer's fill and an excluded site's are pink."""
    dx, dy = SITES[name]
    a = canvas.to_pixel(*_lonlat(dx - 0.8 * HALF, dy + 0.8 * HALF))
    b = canvas.to_pixel(*_lonlat(dx + 0.8 * HALF, dy - 0.8 * HALF))
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width() * 4]
    bgra = arr.reshape(image.height(), image.width(), 4)[
        round(a.y()):round(b.y()), round(a.x()):round(b.x())].astype(int)
    return float((bgra[..., 0] - bgra[..., 2]).mean())


def test_draw_buffer_rank_undo_save_reopen(qtbot, tmp_path, monkeypatch):
    from hljgis.gui.dialogs.new_layer_dialog import NewLayerDialog
    from hljgis.gui.main_window import MainWindow

    shots = tmp_path / "shots"
    shots.mkdir()
    path = tmp_path / "plan.hljgis.gpkg"
    shutil.copy(layers_dir() / "east-heilongjiang.hljgis.gpkg", path)
    window = MainWindow(lang="en")
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    panel = window.views.ranking
    try:
        window.open_project(str(path))
        session = window.session
        canvas = window.canvas

        # 1. a "proposed sites" layer through the New layer dialog (modal: answered by a timer)
        seen = {}

        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, NewLayerDialog)
            assert dialog.name_edit.text() == "proposed_sites"
            dialog.grab().save(str(shots / "1_new_layer.png"))
            seen["fields"] = [f.name for f in dialog.fields()]
            dialog.findChild(QDialogButtonBox).button(
                QDialogButtonBox.StandardButton.Ok).click()

        QTimer.singleShot(0, answer)
        window.editing.new_layer_action.trigger()
        assert seen["fields"][:3] == ["name", "name_zh", "status"]
        layer = session.project.layer("proposed_sites")
        assert window.editing.controller.layer_name == "proposed_sites"
        assert window.editing.tool_actions["draw"].isChecked()

        # 2. three squares drawn with the mouse around the station, each form filled in
        lo, la = STATION
        extent = (lo - 0.045, la - 0.02, lo + 0.075, la + 0.045)
        canvas.zoom_to(extent, pad=0)
        assert canvas.wait_for_render()
        for name, (dx, dy) in SITES.items():
            corners = [_lonlat(dx + sx * HALF, dy + sy * HALF)
                       for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
            pixels = [canvas.to_pixel(*c) for c in corners]
            for p in pixels:
                _click(canvas, p)
            _click(canvas, pixels[-1], RIGHT)
            form = window.editing.controller.form
            assert form is not None and form.isVisible(), window.statusBar().currentMessage()
            area_ha = float(form.editors["area_ha"].text())  # measured as drawn
            assert abs(area_ha - (2 * HALF) ** 2 / 1e4) < 0.03 * area_ha
            form.set_value("name", name)
            form.set_value("name_zh", "站区" + str(len(layer.gdf) + 1))
            form.set_value("owner", "Qitaihe natural resources bureau")
            form.accept()
            assert not form.isVisible()
        assert list(layer.gdf["name"]) == list(SITES)
        assert canvas.wait_for_render()
        window.grab().save(str(shots / "2_drawn.png"))
        drawn_blue = [_blueness(canvas, name) for name in SITES]
        assert max(drawn_blue) < -20  # pink fills
        metric = layer.gdf.to_crs(GK)
        to_station = session.project.layer("hsr_stations").gdf.to_crs(GK).geometry
        nearest = [to_station.distance(g).min() for g in metric.geometry]
        assert nearest[0] < 1000 and nearest[1] < 1000 and nearest[2] > 3000

        # 3. the processing toolbox: buffer hsr_stations by 2000 m into a new layer
        window.actions_by_key["processing"].trigger()
        dlg = window.processing_dialog
        assert dlg.isVisible()
        dlg.select_tool("buffer")
        dlg.set_value("layer", "hsr_stations")
        dlg.set_value("distance_m", 2000)
        dlg.run_button.click()
        qtbot.waitUntil(lambda: not dlg.is_running() and not dlg._poll.isActive(),
                        timeout=30_000)
        assert "buffer_hsr_stations" in session.project, dlg.status.text()
        dlg.grab().save(str(shots / "3_processing.png"))
        dlg.close()
        buffer = session.project.layer("buffer_hsr_stations")
        lineage = buffer.provenance["lineage"]
        assert lineage["parameters"]["distance_m"] == 2000
        assert np.allclose(buffer.gdf.to_crs(GK).area, np.pi * 2000 ** 2, rtol=0.01)

        # undo the buffer layer's add, then redo it: same layer, same lineage
        window.undo()
        assert "buffer_hsr_stations" not in session.project
        assert len(layer.gdf) == 3  # the drawn sites are untouched
        window.redo()
        assert "buffer_hsr_stations" in session.project
        assert session.project.layer("buffer_hsr_stations").provenance["lineage"] == lineage

        # 4. the ranking dock: duplicate the preset, candidates = drawn sites, constraint
        window.show_ranking()
        assert window.views.ranking_dock.isVisible()
        panel.select_scenario("sme-space")
        monkeypatch.setattr(QInputDialog, "getText",
                            staticmethod(lambda *a, **k: ("near-hsr", True)))
        panel.duplicate_button.click()
        assert panel.scenario_box.currentData() == "near-hsr", panel.status.text()
        ce = panel.candidates_editor
        choose(ce.source, "layer")
        choose(ce.layer, "proposed_sites")
        choose(ce.id_field, "name")
        assert panel.draft.candidates["layer"] == "proposed_sites"
        n = panel.constraints.rowCount()
        panel.add_constraint_button.click()
        assert panel.constraints.rowCount() == n + 1
        ed = panel.constraint_editor
        row = ed.row
        choose(ed.w["kind"], "inside")
        choose(ed.w["layer"], "buffer_hsr_stations")
        type_into(ed.w["name"], "near_hsr")
        type_into(ed.w["title"], "Within 2 km of an HSR station")
        type_into(ed.w["title_zh"], "距高铁站2公里以内")
        type_into(ed.w["reason"], "more than 2 km from an HSR station")
        type_into(ed.w["reason_zh"], "距高铁站超过2公里")
        choose(ed.action, "exclude")
        c = panel.draft.constraints[row]
        assert (c["kind"], c["layer"], c["name"]) == ("inside", "buffer_hsr_stations",
                                                      "near_hsr")
        panel.mc_check.setChecked(False)
        panel.run_button.click()
        qtbot.waitUntil(lambda: not panel.is_running(), timeout=120_000)
        assert panel.result is not None, panel.status.text()
        assert canvas.wait_for_render()
        window.grab().save(str(shots / "4_ranked.png"))
        ranked_blue = [_blueness(canvas, name) for name in SITES]
        # the two ranked sites take the score ramp (#1 also the selection's highlight);
        # the excluded one keeps its pink
        assert ranked_blue[0] > drawn_blue[0] + 8 and ranked_blue[1] > drawn_blue[1] + 30
        assert abs(ranked_blue[2] - drawn_blue[2]) < 3
        g = panel.result.gdf.set_index("site_id")
        near = ["Station east yard", "Station north yard"]
        assert sorted(g.index) == sorted(SITES)
        assert not g.loc[near, "excluded"].any(), g.loc[near].T.to_string()
        assert sorted(g.loc[near, "rank"]) == [1, 2]
        far = g.loc["Far east yard"]
        assert bool(far["excluded"])
        assert "more than 2 km from an HSR station" in str(far["exclusion_reason"])
        assert panel.draft.modified  # kept in the dock; a save stores it in the project

        # 5. save and reopen: the drawn sites, the buffer's lineage and the scenario survive
        drawn = layer.gdf.geometry.copy()
        assert window._save(str(path))
        window.open_project(str(path))
        reopened = session.project
        sites = reopened.layer("proposed_sites").gdf
        assert list(sites["name"]) == list(SITES)
        assert sites.geometry.geom_equals_exact(drawn, 1e-6).all()
        assert np.allclose(sites.geometry.to_crs(GK).area, (2 * HALF) ** 2, rtol=0.03)
        assert reopened.layer("buffer_hsr_stations").provenance["lineage"] == lineage
        sc = reopened.scenarios["near-hsr"]
        assert sc["candidates"]["layer"] == "proposed_sites"
        assert next(k for k in sc["constraints"] if k["name"] == "near_hsr")["reason"] == (
            "more than 2 km from an HSR station")
        again = load_project(path)
        assert "near-hsr" in again.scenarios and len(again.layer("proposed_sites").gdf) == 3
        assert panel.result is None and panel.results_summary.text() == ""
        assert panel.scenario_box.currentData() == "near-hsr"
        canvas.zoom_to(extent, pad=0)
        assert canvas.wait_for_render()
        window.grab().save(str(shots / "5_reopened.png"))
        reopened_blue = [_blueness(canvas, name) for name in SITES]
        # the saved ranking layer came back with the project: ranked sites in the score
        # ramp, the excluded one pink as drawn
        assert reopened_blue[0] > drawn_blue[0] + 30 and reopened_blue[1] > drawn_blue[1] + 30
        assert abs(reopened_blue[2] - drawn_blue[2]) < 3
    finally:
        print("pictures in", shots)
        window.session.project.dirty = False
        window.canvas.shutdown()
        panel.shutdown()
