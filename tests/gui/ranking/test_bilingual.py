"""Ranking dock in Chinese: the scenario purpose, constraint reasons and the exclusion
reasons and penalties of the results (the results keep English; the dock translates)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from hljgis.analysis import preset
from hljgis.gui.ranking.constraints_model import ConstraintsModel
from tests.gui.ranking_support import chinese, open_panel
from tests.gui.ranking_support import run_and_wait as run


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


def run_and_wait(qtbot, panel) -> None:
    run(qtbot, panel, monte_carlo=False)


def notes(panel) -> list[str]:
    """The last column of the results table ("Excluded / note"), top to bottom."""
    m = panel.results
    col = m.columnCount() - 1
    return [m.index(r, col).data() for r in range(m.rowCount())]


# ------------------------------------------------------------------------------ purpose


@pytest.mark.parametrize("name", ["sme-space", "place-making"])
def test_purpose_in_the_interface_language(panel, name):
    sc = preset(name)
    panel.select_scenario(name)
    assert sc.purpose.en in panel.purpose.text() and sc.title.en in panel.purpose.text()
    chinese(panel)  # switching language re-reads the scenario's texts
    text = panel.purpose.text()
    assert sc.purpose.zh in text and sc.title.zh in text and sc.purpose.en not in text
    panel.select_scenario(name)
    assert sc.purpose.zh in panel.purpose.text()
    chinese(panel, False)
    assert sc.purpose.en in panel.purpose.text() and sc.purpose.zh not in panel.purpose.text()


def test_project_scenario_saved_without_chinese_purpose_falls_back_to_the_preset(panel):
    old = preset("sme-space").to_dict()
    old.pop("purpose_zh")
    for c in old["constraints"]:
        c.pop("reason_zh")
    panel.session.project.set_scenario("sme-space", old)
    mine = {**old, "name": "mine", "purpose": "Our own purpose"}
    panel.session.project.set_scenario("mine", mine)
    chinese(panel)
    panel.refresh_scenarios(select="sme-space")
    assert preset("sme-space").purpose.zh in panel.purpose.text()
    m = panel.constraints
    assert m.index(0, ConstraintsModel.REASON).data() == "位于规划年尚未稳定的采煤沉陷区"
    panel.select_scenario("mine")  # not a preset: the English purpose it has
    assert "Our own purpose" in panel.purpose.text()


# ------------------------------------------------------------------------------ reasons


def test_exclusion_reasons_in_the_results_and_explain_views(qtbot, panel):
    chinese(panel)
    panel.select_scenario("sme-space")
    run_and_wait(qtbot, panel)
    g = panel.result.gdf
    n_excl = int(g["excluded"].sum())
    assert n_excl > 0
    shown = notes(panel)
    # the results themselves keep the English text (no extra column) ...
    assert set(g.loc[g["excluded"], "exclusion_reason"]) == {
        "on subsidence ground not yet stable at the planning year"}
    assert "exclusion_reason_zh" not in g.columns
    # ... the table shows the Chinese reason
    assert set(shown[-n_excl:]) == {"位于规划年尚未稳定的采煤沉陷区"}
    assert set(shown[:-n_excl]) == {""}
    last = panel.results.rowCount() - 1
    panel.results_view.selectRow(last)
    assert "已排除：" in panel.explain.header.text()  # full-width colon in Chinese
    assert "已排除:" not in panel.explain.header.text()
    assert "位于规划年尚未稳定的采煤沉陷区" in panel.explain.header.text()
    assert "not yet stable" not in panel.explain.header.text()

    chinese(panel, False)  # back to English: the table and the explanation follow
    assert set(notes(panel)[-n_excl:]) == {
        "on subsidence ground not yet stable at the planning year"}
    assert panel.results_view.currentIndex().row() == last
    assert "not yet stable" in panel.explain.header.text()


def test_penalties_in_chinese(qtbot, panel):
    chinese(panel)
    panel.select_scenario("place-making")
    run_and_wait(qtbot, panel)
    g = panel.result.gdf
    pen = g["penalty"].fillna("").astype(str) != ""
    kept = pen & g["rank"].notna()
    assert kept.any()
    shown = np.array(notes(panel), dtype=object)
    pos = np.array([panel.results.position(r) for r in range(panel.results.rowCount())])
    assert set(shown[kept.to_numpy()[pos]]) == {"大部分位于仍在沉降的采煤沉陷区（×0.7）"}
    assert "位于规划年仍在开采的采煤沉陷区" in set(shown)
    assert not any("settling" in t or "mined" in t for t in shown)
    row = int(np.flatnonzero(kept.to_numpy()[pos])[0])
    panel.results_view.selectRow(row)
    assert "扣分：大部分位于仍在沉降的采煤沉陷区（×0.7）。" in panel.explain.footer.text()


def test_constraint_reason_column_shows_and_edits_the_interface_language(panel):
    m = panel.constraints
    idx = m.index(0, ConstraintsModel.REASON)
    en = "on subsidence ground not yet stable at the planning year"
    assert idx.data() == en
    chinese(panel)
    assert idx.data() == "位于规划年尚未稳定的采煤沉陷区"
    assert en in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert m.setData(idx, " 仍在沉降的采煤沉陷区 ")
    c = panel.edited_scenario().constraints[0]
    assert (c.reason.en, c.reason.zh) == (en, "仍在沉降的采煤沉陷区")
    chinese(panel, False)
    assert m.setData(idx, "ground still settling")
    c = panel.edited_scenario().constraints[0]
    assert (c.reason.en, c.reason.zh) == ("ground still settling", "仍在沉降的采煤沉陷区")
