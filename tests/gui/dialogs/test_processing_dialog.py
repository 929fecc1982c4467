"""The processing dialog: form from the specs, a run on a thread with progress, cancel,
errors shown, results added undoably, the menu entry, and issue #17's path "buffer the HSR
stations by 2 km and rank the drawn sites with the buffer as a constraint" from the window."""

from __future__ import annotations

import threading
import time
import types

import numpy as np
import pytest
import shapely
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from hljgis.core.session import Session
from hljgis.gui.i18n import set_language
from hljgis.processing import TOOLS
from tests.processing._common import SITE_OFFSETS, stations_with_drawn_sites

GK = "EPSG:4553"


@pytest.fixture
def dialog(qtbot):
    from hljgis.gui.dialogs.processing_dialog import ProcessingDialog

    dlg = ProcessingDialog(Session(stations_with_drawn_sites()))
    qtbot.addWidget(dlg)
    dlg.show()
    yield dlg
    set_language("en")


def _run(qtbot, dlg) -> None:
    assert dlg.run() is not None
    qtbot.waitUntil(lambda: not dlg.is_running() and not dlg._poll.isActive(), timeout=30_000)


def _non_background(img: QImage) -> int:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    arr = arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., :3]
    return int((arr.astype(int).sum(axis=2) < 300).sum())


def test_every_tool_gets_a_form_from_its_specs(dialog):
    for name, tool in TOOLS.items():
        dialog.select_tool(name)
        assert dialog.tool.name == name
        assert list(dialog.editors) == [p.name for p in tool.params]
        assert dialog.form.rowCount() == len(tool.params)
        labels = [dialog.form.itemAt(i, dialog.form.ItemRole.LabelRole).widget().text()
                  for i in range(dialog.form.rowCount())]
        assert labels == [p.label.en + ":" for p in tool.params]
    # layer pickers offer only the geometry a parameter accepts
    dialog.select_tool("clip")
    mask = dialog.editors["mask"].widget
    assert [mask.itemData(i) for i in range(mask.count())] == ["drawn_sites"]


def test_buffer_runs_adds_an_undoable_layer_and_feeds_the_next_tool(dialog, qtbot):
    dialog.select_tool("buffer")
    dialog.set_value("layer", "hsr_stations")
    dialog.set_value("distance_m", 2000)
    _run(qtbot, dialog)
    project = dialog.session.project
    assert "buffer_hsr_stations" in project
    layer = project.layer("buffer_hsr_stations")
    assert layer.provenance["lineage"]["parameters"]["distance_m"] == 2000
    assert np.allclose(layer.gdf.to_crs(GK).area, np.pi * 2000**2, rtol=0.01)
    stations = len(project.layer("hsr_stations").gdf)  # one buffer per station
    assert len(layer.gdf) == stations
    assert "Added layer" in dialog.status.text()
    assert f"({stations} features)" in dialog.status.text()
    assert dialog.progress.value() == 100
    # the new layer is offered at once to the next tool
    dialog.select_tool("select_by_location")
    by = dialog.editors["by"].widget
    assert by.findData("buffer_hsr_stations") >= 0
    dialog.session.undo()
    assert "buffer_hsr_stations" not in project
    assert by.findData("buffer_hsr_stations") < 0


def test_distance_only_applies_to_within_a_distance(dialog, qtbot):
    dialog.select_tool("select_by_location")
    dialog.set_value("layer", "drawn_sites")
    dialog.set_value("by", "hsr_stations")
    assert not dialog.editors["distance_m"].widget.isEnabled()
    dialog.set_value("predicate", "dwithin")
    assert dialog.editors["distance_m"].widget.isEnabled()
    dialog.set_value("distance_m", 2000)
    assert dialog.values()["distance_m"] == 2000
    _run(qtbot, dialog)
    got = dialog.session.project.layer("selected_drawn_sites").gdf
    # sites whose edge is within 2 km of the station: centres 0.5, 1.5 km (edge 1.35 km)
    assert list(got["name"]) == ["site_500", "site_1500"]


def test_cancel_stops_the_run_and_adds_nothing(dialog, qtbot, monkeypatch):
    import hljgis.processing.geometry as geometry
    import hljgis.processing.job as job

    started = threading.Event()

    def slow_buffer(geoms, *args, **kw):
        started.set()
        time.sleep(0.2)
        return shapely.buffer(geoms, *args, **kw)

    monkeypatch.setattr(job, "CHUNK", 1)
    monkeypatch.setattr(geometry, "shapely", types.SimpleNamespace(
        buffer=slow_buffer, union_all=shapely.union_all))
    before = dialog.session.project.layer_names()
    dialog.set_value("layer", "hsr_stations")
    dialog.run()
    assert started.wait(10)
    assert dialog.cancel_button.isEnabled() and not dialog.run_button.isEnabled()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running() and not dialog._poll.isActive(),
                    timeout=10_000)
    assert "Cancelled" in dialog.status.text()
    assert dialog.session.project.layer_names() == before
    assert dialog.run_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_bad_input_is_shown_not_raised(dialog, qtbot):
    dialog.select_tool("reproject")
    dialog.editors["crs"].widget.setEditText("EPSG:999999")
    before = dialog.session.project.layer_names()
    _run(qtbot, dialog)
    assert "not a coordinate reference system" in dialog.status.text()
    assert dialog.session.project.layer_names() == before


def test_chinese_form_and_a_picture_of_it(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from hljgis.gui.app import use_bundled_font
    from hljgis.gui.dialogs.processing_dialog import ProcessingDialog

    use_bundled_font(QApplication.instance())
    set_language("zh")
    try:
        dlg = ProcessingDialog(Session(stations_with_drawn_sites()), tool="spatial_join")
        qtbot.addWidget(dlg)
        dlg.show()
        assert dlg.windowTitle() == "处理工具箱"
        assert dlg.title_label.text() == "空间连接"
        assert dlg.run_button.text() == "运行"
        labels = [w.text() for w in dlg.findChildren(QLabel) if w.isVisible() and w.text()]
        assert "连接图层：" in labels and "空间关系：" in labels
        path = tmp_path / "processing_zh.png"
        assert dlg.grab().save(str(path))
        img = QImage(str(path))
        assert img.width() >= 800 and img.height() >= 500
        assert _non_background(img) > 2000  # text and frames drawn, not a blank window
    finally:
        set_language("en")


def test_from_the_window_buffer_then_rank_with_it_as_constraint(qtbot, make_main_window):
    """Issue #17: buffer the HSR stations by 2 km and rank the drawn sites with the buffer
    as a constraint, all from the main window."""
    from tests.gui.ranking_support import run_and_wait

    window = make_main_window(stations_with_drawn_sites())
    try:
        action = window.actions_by_key["processing"]
        assert action.text() == "Processing toolbox..."
        action.trigger()
        dlg = window.processing_dialog
        assert dlg.isVisible()
        dlg.select_tool("buffer")
        dlg.set_value("layer", "hsr_stations")
        dlg.set_value("distance_m", 2000)
        _run(qtbot, dlg)
        assert "buffer_hsr_stations" in window.session.project
        dlg.close()
        project = window.session.project
        project.set_scenario("near-hsr", {
            "name": "near-hsr", "title": "Near HSR", "planning_year": 2025,
            "candidates": {"kind": "layer", "layer": "drawn_sites", "id_field": "name"},
            "criteria": [{"name": "station", "kind": "distance", "layer": "hsr_stations",
                          "unit": "m", "direction": "cost", "weight": 1,
                          "transform": {"kind": "linear", "lo": 0, "hi": 10000,
                                        "benefit": False}}],
            "constraints": [{"name": "near_hsr", "kind": "inside",
                             "layer": "buffer_hsr_stations", "share": 0.5,
                             "reason": "more than 2 km from an HSR station"}],
        })
        window.show_ranking()
        panel = window.views.ranking
        panel.refresh_scenarios()
        panel.select_scenario("near-hsr")
        run_and_wait(qtbot, panel, monte_carlo=False)
        gdf = panel.result.gdf.set_index("site_id").loc[[f"site_{d}" for d in SITE_OFFSETS]]
        assert list(gdf["excluded"]) == [False, False, True, True, True]
        assert list(gdf["rank"].iloc[:2]) == [1, 2]
        assert panel.result_layer is not None and panel.result_layer.name in project
    finally:
        window.views.ranking.shutdown()


def test_language_switch_retranslates_and_keeps_values(dialog):
    dialog.select_tool("buffer")
    dialog.set_value("layer", "drawn_sites")
    dialog.set_value("distance_m", 750)
    set_language("zh")
    dialog.retranslate()  # Qt also sends LanguageChange; calling it is idempotent
    assert dialog.title_label.text() == "缓冲区"
    assert dialog.run_button.text() == "运行"
    assert dialog.editors["layer"].value() == "drawn_sites"
    assert dialog.editors["distance_m"].value() == 750
    set_language("en")
    dialog.retranslate()
    assert dialog.title_label.text() == "Buffer"
