"""The dock's edits are project edits: undoable, marking the project unsaved, and stored by a
save so that reopening the project gives the same scenario and the same ranking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from hljgis.analysis import run_scenario
from hljgis.core.session import Session
from hljgis.gui.ranking.models import CriteriaModel
from hljgis.gui.ranking.panel import RankingPanel
from hljgis.io import load_project, save_project
from tests.analysis.test_presets import synthetic_project
from tests.gui.ranking_support import open_panel


@pytest.fixture
def panel(qtbot):
    project = synthetic_project()
    project.dirty = False
    yield from open_panel(qtbot, project)


def _weight(panel, row: int) -> str:
    return panel.criteria.index(row, CriteriaModel.WEIGHT).data()


def test_weight_edit_marks_unsaved_and_undo_restores_the_table(panel):
    m = panel.criteria
    before = _weight(panel, 1)
    assert not panel.session.project.dirty
    assert m.setData(m.index(1, CriteriaModel.WEIGHT), "7")
    assert _weight(panel, 1) == "7" and panel.session.project.dirty
    share = m.index(1, CriteriaModel.SHARE).data()
    panel.session.undo()
    assert _weight(panel, 1) == before
    assert m.index(1, CriteriaModel.SHARE).data() != share
    panel.session.redo()
    assert _weight(panel, 1) == "7"


def test_method_and_constraint_edits_are_undoable(panel):
    panel.weights_group.ahp_radio.setChecked(True)
    assert panel.draft.method == "ahp" and "CR" in panel.weights_group.weight_report.text()
    panel.session.undo()
    assert panel.weights_group.direct_radio.isChecked() and panel.draft.method == "direct"
    c = panel.constraints
    assert c.set_action(0, "multiply", 0.3)
    assert c.index(0, c.VALUE).data() == "×0.3"
    panel.session.undo()
    panel.session.undo()
    assert c.index(0, c.ACTION).data(Qt.ItemDataRole.EditRole) == "exclude"


def test_ctrl_s_stores_the_edited_scenario_and_reopening_ranks_the_same(qtbot, panel,
                                                                        tmp_path):
    session = panel.session
    session._loader, session._saver = load_project, save_project
    m = panel.criteria
    assert m.setData(m.index(0, CriteriaModel.WEIGHT), "9")
    panel.year_box.setValue(2031)
    expected = panel.edited_scenario()
    path = tmp_path / "edited.hljgis.gpkg"
    session.save_project(path)  # what Ctrl+S calls
    stored = session.project.scenarios["sme-space"]
    assert stored["criteria"][0]["weight"] == 9 and stored["planning_year"] == 2031
    assert not panel.draft.modified
    # reopened in a fresh dock, the same scenario is chosen and ranks the same
    reopened = load_project(path)
    dock = RankingPanel(Session(reopened))
    qtbot.addWidget(dock)
    try:
        assert dock.scenario_box.currentData() == "sme-space"
        assert "preset" not in dock.scenario_box.currentText()
        again = dock.edited_scenario()
        assert again.criteria[0].weight == 9 and again.planning_year == 2031
        a = run_scenario(session.project, expected.copy(sensitivity=None)).gdf
        b = run_scenario(reopened, again.copy(sensitivity=None)).gdf
        assert a["site_id"].tolist() == b["site_id"].tolist()
        assert a["rank"].tolist() == b["rank"].tolist()
    finally:
        dock.shutdown()


def test_switching_scenario_keeps_the_edits_in_the_project(panel):
    m = panel.criteria
    assert m.setData(m.index(0, CriteriaModel.WEIGHT), "5")
    panel.select_scenario("place-making")
    stored = panel.session.project.scenarios["sme-space"]
    assert stored["criteria"][0]["weight"] == 5
    panel.select_scenario("sme-space")
    assert _weight(panel, 0) == "5"
    panel.session.undo()  # the store into the project
    assert "sme-space" not in panel.session.project.scenarios
    assert "preset" in panel.scenario_box.currentText()


def test_main_window_title_marks_a_weight_edit_and_save_stores_it(make_main_window, tmp_path):
    project = synthetic_project()
    project.path = str(tmp_path / "w.hljgis.gpkg")
    project.dirty = False
    window = make_main_window(project)
    dock = window.views.ranking
    try:
        assert not window.windowTitle().startswith("*")
        m = dock.criteria
        assert m.setData(m.index(2, CriteriaModel.WEIGHT), "11")
        assert window.windowTitle().startswith("*")  # unsaved, so Ctrl+S has work to do
        assert window.save_project()
        assert not window.windowTitle().startswith("*")
        assert load_project(project.path).scenarios["sme-space"]["criteria"][2]["weight"] == 11
    finally:
        dock.shutdown()


def test_an_edit_that_cannot_be_stored_keeps_the_project_unsaved(panel, tmp_path):
    session = panel.session
    session._loader, session._saver = load_project, save_project
    panel.add_criterion("overlap")  # no layer yet: not a valid scenario
    session.save_project(tmp_path / "half.hljgis.gpkg")
    assert "Edits not kept" in panel.status.text() and "layer is required" in panel.status.text()
    assert session.project.dirty and panel.draft.modified
    assert "sme-space" not in load_project(tmp_path / "half.hljgis.gpkg").scenarios


def test_revert_is_undoable(panel):
    m = panel.criteria
    before = _weight(panel, 0)
    assert m.setData(m.index(0, CriteriaModel.WEIGHT), "3")
    panel.reset_button.click()
    assert _weight(panel, 0) == before and "reverted" in panel.status.text()
    panel.session.undo()
    assert _weight(panel, 0) == "3"
