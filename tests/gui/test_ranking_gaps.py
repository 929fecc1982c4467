"""Ranking dock: constraints exclude ↔ penalty, group AHP members, one-at-a-time weight sweep,
Chinese criterion titles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from hljgis.analysis import run_scenario
from hljgis.core.session import Session
from hljgis.gui.i18n import set_language
from hljgis.gui.widgets.ranking_models import ConstraintsModel
from hljgis.gui.widgets.ranking_panel import RankingPanel
from tests.analysis.test_presets import synthetic_project


@pytest.fixture
def panel(qtbot):
    session = Session(synthetic_project())
    widget = RankingPanel(session)
    qtbot.addWidget(widget)
    widget.resize(540, 860)
    widget.show()
    yield widget
    widget.shutdown()
    set_language("en")


def run_and_wait(qtbot, panel) -> None:
    job = panel.run()
    assert job is not None, panel.status.text()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60_000)
    assert panel.result is not None, panel.status.text()


def results_table(panel) -> pd.DataFrame:
    m = panel.results
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    rows = [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
    return pd.DataFrame(rows, columns=headers)


# ------------------------------------------------------------------------- constraints


def test_constraints_are_listed_with_rule_reason_and_action(panel):
    m = panel.constraints
    assert m.rowCount() == 1 and panel.constraints_group.isVisibleTo(panel)
    assert m.index(0, ConstraintsModel.NAME).data() == "unstable_subsidence"
    rule = m.index(0, ConstraintsModel.RULE).data()
    assert "subsidence_zones" in rule and "stable_from_year" in rule
    assert "not yet stable" in m.index(0, ConstraintsModel.REASON).data()
    assert m.index(0, ConstraintsModel.ACTION).data(Qt.ItemDataRole.EditRole) == "exclude"
    # the factor is only editable once the constraint penalises
    assert not m.flags(m.index(0, ConstraintsModel.VALUE)) & Qt.ItemFlag.ItemIsEditable
    panel.select_scenario("place-making")
    actions = [m.index(r, ConstraintsModel.ACTION).data(Qt.ItemDataRole.EditRole)
               for r in range(m.rowCount())]
    assert actions == ["exclude", "multiply"]
    assert m.index(1, ConstraintsModel.VALUE).data() == "×0.7"
    assert m.flags(m.index(1, ConstraintsModel.VALUE)) & Qt.ItemFlag.ItemIsEditable


def test_switching_subsidence_exclusion_to_penalty_ranks_the_sites(qtbot, panel):
    panel.mc_check.setChecked(False)
    run_and_wait(qtbot, panel)
    before = panel.result.gdf
    hit = before["exclusion_reason"].fillna("").str.contains("not yet stable").to_numpy()
    assert hit.sum() > 0 and before["rank"][hit].isna().all()
    shown = results_table(panel)
    assert shown["Excluded / note"].str.contains("not yet stable").sum() == hit.sum()

    m = panel.constraints
    row = m.row_of("unstable_subsidence")
    # as the planner does it: pick "Penalty ×" in the combo, type 0.5 in the penalty cell
    assert m.setData(m.index(row, ConstraintsModel.ACTION), "multiply")
    assert m.setData(m.index(row, ConstraintsModel.VALUE), "0.5")
    assert not m.setData(m.index(row, ConstraintsModel.VALUE), "1.5")  # a factor is 0..1
    assert m.index(row, ConstraintsModel.VALUE).data() == "×0.5"
    sc = panel.edited_scenario()
    c = sc.constraints[0]
    assert (c.mode, c.penalty, c.penalty_value) == ("penalty", "multiply", 0.5)

    expected = run_scenario(panel.session.project, sc, city=panel.city()).gdf
    run_and_wait(qtbot, panel)
    after = panel.result.gdf
    # formerly excluded sites are now ranked, with the penalty recorded
    assert after["rank"][hit].notna().all()
    assert (after["penalty"][hit].astype(str).str.contains(r"\(x0.5\)")).all()
    assert not after["excluded"].any()
    np.testing.assert_allclose(after["score"][hit], 0.5 * after["base_score"][hit])
    # identical to the engine run on the same edited scenario
    pd.testing.assert_series_equal(after["rank"], expected["rank"])
    np.testing.assert_allclose(after["score"], expected["score"])
    shown = results_table(panel)
    penalised = shown[shown["Excluded / note"].str.contains("x0.5", regex=False)]
    assert len(penalised) == hit.sum() and (penalised["Rank"] != "").all()
    assert "with a penalty" in panel.results_summary.text()

    # and back: exclusion again removes them
    assert m.set_action(row, "exclude")
    run_and_wait(qtbot, panel)
    assert panel.result.gdf["rank"][hit].isna().all()


def test_subtract_penalty_and_reason_edit_reach_the_scenario(panel):
    m = panel.constraints
    assert m.set_action(0, "subtract", 0.2)
    assert m.setData(m.index(0, ConstraintsModel.REASON), "ground still settling")
    c = panel.edited_scenario().constraints[0]
    assert (c.mode, c.penalty, c.penalty_value, c.reason) == (
        "penalty", "subtract", 0.2, "ground still settling")
    assert m.index(0, ConstraintsModel.VALUE).data() == "−0.2"
    assert not m.setData(m.index(0, ConstraintsModel.ACTION), "drop")


# ------------------------------------------------------------------------------ Chinese


def test_chinese_titles_of_criteria_in_zh(qtbot, panel):
    from hljgis.gui.widgets.ranking_models import CriteriaModel

    titles = [c.title_zh for c in panel.scenario.criteria]
    assert all(titles)
    set_language("zh")
    panel.retranslate()
    panel.select_scenario("sme-space")
    shown = [panel.criteria.index(r, CriteriaModel.USE).data()
             for r in range(panel.criteria.rowCount())]
    assert shown == titles
    assert titles[0] in panel.rationale.text()
    assert panel.constraints_group.title() == "约束条件"
    assert panel.constraints.headerData(ConstraintsModel.ACTION,
                                        Qt.Orientation.Horizontal) == "处理方式"
    set_language("en")
    panel.select_scenario("sme-space")
    assert panel.criteria.index(0, CriteriaModel.USE).data() == panel.scenario.criteria[0].title
