"""Ranking dock: constraints exclude ↔ penalty, group AHP members, one-at-a-time weight sweep,
Chinese criterion titles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from hljgis.analysis import run_scenario
from hljgis.gui.i18n import set_language
from hljgis.gui.ranking.constraints_model import ConstraintsModel
from tests.gui.ranking_support import open_panel, run_and_wait


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


def results_table(panel) -> pd.DataFrame:
    m = panel.results
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    rows = [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
    return pd.DataFrame(rows, columns=headers)


# ------------------------------------------------------------------------- constraints


def test_constraints_are_listed_with_rule_reason_and_action(panel):
    m = panel.constraints
    assert m.rowCount() == 1 and panel.constraints_group.isVisibleTo(panel)
    assert m.index(0, ConstraintsModel.NAME).data() == "Unstable subsidence ground"
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
    assert (c.mode, c.penalty, c.penalty_value, c.reason.en) == (
        "penalty", "subtract", 0.2, "ground still settling")
    assert m.index(0, ConstraintsModel.VALUE).data() == "−0.2"
    assert not m.setData(m.index(0, ConstraintsModel.ACTION), "drop")


# ------------------------------------------------------------------------------ Chinese


def test_chinese_titles_of_criteria_in_zh(qtbot, panel):
    from hljgis.gui.ranking.models import CriteriaModel

    titles = [c.title.zh for c in panel.scenario.criteria]
    assert all(titles)
    set_language("zh")
    panel.retranslate()
    panel.select_scenario("sme-space")
    shown = [panel.criteria.index(r, CriteriaModel.USE).data()
             for r in range(panel.criteria.rowCount())]
    assert shown == titles
    assert titles[0] in panel.rationale.text()
    assert panel.scenario.criteria[0].rationale.zh in panel.rationale.text()
    assert panel.scenario.criteria[0].rationale.en not in panel.rationale.text()
    assert panel.constraints_group.title() == "约束条件"
    assert panel.constraints.headerData(ConstraintsModel.ACTION,
                                        Qt.Orientation.Horizontal) == "处理方式"
    set_language("en")
    panel.select_scenario("sme-space")
    assert panel.criteria.index(0, CriteriaModel.USE).data() == panel.scenario.criteria[0].title.en


# ---------------------------------------------------------------------------- group AHP

M1 = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
M2 = np.array([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
BAD = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])  # a > b > c > a: CR far above 0.1


def use_first_three(panel) -> None:
    from hljgis.gui.ranking.models import CriteriaModel

    for r in range(3, panel.criteria.rowCount()):
        assert panel.criteria.setData(panel.criteria.index(r, CriteriaModel.USE),
                                      Qt.CheckState.Unchecked.value,
                                      Qt.ItemDataRole.CheckStateRole)
    assert panel.criteria.enabled == [True] * 3 + [False] * 3


def type_in_editor(monkeypatch, matrix, seen) -> None:
    """Patch the modal editor: the planner types ``matrix``'s judgements and presses OK."""
    from hljgis.gui.dialogs.ahp_dialog import AHPDialog

    def fake_exec(dialog):
        seen.append(dialog.windowTitle())
        n = len(matrix)
        for i in range(n):
            for j in range(i + 1, n):
                dialog.set_judgement(i, j, float(matrix[i, j]))
        assert dialog.consistent
        dialog.accept()
        return AHPDialog.DialogCode.Accepted

    monkeypatch.setattr(AHPDialog, "exec", fake_exec)


def test_group_ahp_members_edited_combined_and_saved(qtbot, panel, monkeypatch, tmp_path):
    from hljgis.analysis import group_ahp, load_scenario

    use_first_three(panel)
    panel.weights_group.group_radio.setChecked(True)
    weights = panel.weights_group
    assert weights.group_box.isVisibleTo(panel) and not weights.ahp_button.isVisibleTo(panel)
    assert panel.draft.member_names() == ["member 1"]
    assert not panel.weights_group.remove_member(0)  # the last member stays

    titles: list[str] = []
    type_in_editor(monkeypatch, M1, titles)
    assert panel.weights_group.edit_member(0)
    assert panel.weights_group.add_member("economic bureau") == 1
    assert panel.weights_group.member_box.currentText() == "economic bureau"
    type_in_editor(monkeypatch, M2, titles)
    assert panel.weights_group.edit_member()  # the member picked in the box
    assert titles[0].endswith("member 1") and titles[1].endswith("economic bureau")
    np.testing.assert_allclose(panel.draft.matrix_in_use(0), M1)
    np.testing.assert_allclose(panel.draft.matrix_in_use(1), M2)

    expected = group_ahp([M1, M2])
    np.testing.assert_allclose(panel.weights_group.group_result.weights, expected.weights,
                               rtol=1e-12)
    np.testing.assert_allclose(panel.criteria.shares()[:3], expected.weights, rtol=1e-12)
    m = panel.weights_group.members
    assert m.rowCount() == 3  # two members and the combined row
    assert [m.index(r, 0).data() for r in range(3)][:2] == ["member 1", "economic bureau"]
    assert [m.index(r, 1).data() for r in range(3)] == [
        f"{r.cr:.3f}" for r in (*expected.members, expected.combined)]
    assert f"CR = {expected.cr:.3f}" in panel.weights_group.weight_report.text()
    assert m.flagged() == []

    sc = panel.edited_scenario()
    assert sc.weights.method == "group_ahp"
    assert sc.weights.members == ["member 1", "economic bureau"]
    w, rep = sc.resolve_weights()
    np.testing.assert_allclose(w, expected.weights, rtol=1e-12)
    assert set(rep["member_cr"]) == {"member 1", "economic bureau"}

    # an inconsistent member is flagged (red) and named in the report
    assert panel.weights_group.add_member("outlier", BAD) == 2
    assert m.flagged() == ["outlier"]
    assert m.index(2, 2).data().startswith("> 0.10")
    assert m.index(2, 1).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    assert "outlier" in panel.weights_group.weight_report.text()
    np.testing.assert_allclose(panel.weights_group.group_result.weights,
                               group_ahp([M1, M2, BAD]).weights, rtol=1e-12)
    assert panel.weights_group.remove_member(2) and m.flagged() == []
    assert panel.draft.member_names() == ["member 1", "economic bureau"]

    # saved in the project and exported: members and matrices round-trip
    assert panel.save_to_project("workshop") == "workshop"
    stored = panel.session.project.scenarios["workshop"]["weights"]
    assert stored["method"] == "group_ahp"
    assert stored["members"] == ["member 1", "economic bureau"]
    np.testing.assert_allclose(stored["matrices"], [M1, M2])
    path = panel.export_json(str(tmp_path / "workshop.json"))
    back = load_scenario(path)
    assert back.weights.members == stored["members"]
    np.testing.assert_allclose(back.weights.matrices, [M1, M2])
    panel.select_scenario("sme-space")
    assert panel.weights_group.weight_method() == "direct"
    panel.select_scenario("workshop")
    assert panel.weights_group.weight_method() == "group_ahp"
    assert panel.draft.member_names() == ["member 1", "economic bureau"]
    np.testing.assert_allclose(panel.weights_group.group_result.weights, expected.weights,
                               rtol=1e-12)

    panel.mc_check.setChecked(False)
    run_and_wait(qtbot, panel)
    assert panel.result.weight_report["method"] == "group_ahp"
    np.testing.assert_allclose(list(panel.result.weights.values()), expected.weights,
                               rtol=1e-12)


def test_group_ahp_scenario_loads_with_its_members(panel):
    from hljgis.analysis import preset

    d = preset("sme-space").to_dict()
    d["criteria"] = d["criteria"][:3]
    d["weights"] = {"method": "group_ahp", "matrices": [M1.tolist(), BAD.tolist()],
                    "members": ["planning", "mining"]}
    panel.session.project.set_scenario("grp", d)
    panel.refresh_scenarios(select="grp")
    assert panel.weights_group.group_radio.isChecked()
    assert panel.draft.member_names() == ["planning", "mining"]
    assert panel.weights_group.members.flagged() == ["mining"]
    assert "mining" in panel.weights_group.weight_report.text()


# ------------------------------------------------------------------------- weight sweep


def test_weight_sweep_chart_is_one_at_a_time_of_the_result(qtbot, panel):
    from hljgis.analysis.sensitivity import one_at_a_time
    from hljgis.gui.widgets.ranking_sensitivity import SWEEP_VALUES

    panel.mc_check.setChecked(False)
    run_and_wait(qtbot, panel)
    view = panel.sweep
    assert panel.tabs.widget(3) is panel.sensitivity_tabs
    assert panel.sensitivity_tabs.indexOf(view) == 1
    names = [c.name for c in panel.result.scenario.criteria]
    assert [view.criterion_box.itemData(i) for i in range(view.criterion_box.count())] == names
    assert view.is_busy() or view.sweep is not None  # computed off the GUI thread
    view.select_criterion("hsr_access")
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=30_000)

    # the same inputs, built here from the result table: normalised scores, weights, unranked
    g = panel.result.gdf
    scores = np.nan_to_num(np.column_stack([g[f"norm_{n}"].to_numpy(float) for n in names]))
    weights = [panel.result.weights[n] for n in names]
    unranked = g["rank"].isna().to_numpy()
    expected = one_at_a_time(scores, weights, "hsr_access", SWEEP_VALUES, names=names,
                             excluded=unranked)
    np.testing.assert_array_equal(view.sweep.ranks, expected.ranks)
    np.testing.assert_allclose(view.sweep.weights, expected.weights)
    np.testing.assert_allclose(view.sweep.weights.sum(axis=1), 1.0)

    # one line per current top site, its points = (weight, rank) of the sweep
    top = panel.result.top(view.count_box.value())
    assert view.positions == [g.index.get_loc(i) for i in top.index]
    assert len(view.series) == len(top)
    for s, p in zip(view.series, view.positions, strict=True):
        pts = [(q.x(), q.y()) for q in s.points()]
        want = [(v, r) for v, r in zip(SWEEP_VALUES, expected.ranks[p], strict=True)
                if np.isfinite(r)]
        np.testing.assert_allclose(pts, want)
    # another criterion and fewer sites redraw
    view.count_box.setValue(3)
    view.select_criterion("urban_centre")
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=30_000)
    assert view.sweep.criterion == names.index("urban_centre") and len(view.series) == 3


@pytest.mark.parametrize("name", ["sme-space", "place-making"])
def test_weight_sweep_at_the_scenario_weight_gives_the_run_ranks(qtbot, panel, name):
    """With penalties (place-making keeps settling ground at x0.7) the sweep keeps them."""
    from hljgis.analysis.sensitivity import one_at_a_time
    from hljgis.gui.widgets.ranking_sensitivity import sweep_inputs

    panel.select_scenario(name)
    panel.mc_check.setChecked(False)
    run_and_wait(qtbot, panel)
    r = panel.result
    if name == "place-making":
        assert (r.gdf["penalty"].fillna("") != "").any()
    args = sweep_inputs(r)
    for k, crit in enumerate(args["names"][:3]):
        w0 = args["weights"][k]
        at = one_at_a_time(args["scores"], args["weights"], crit, [w0], names=args["names"],
                           excluded=args["excluded"], method=args["method"])
        np.testing.assert_array_equal(at.ranks[:, 0],
                                      r.gdf["rank"].to_numpy(dtype=float, na_value=np.nan))


def test_weight_sweep_runs_off_the_gui_thread_and_keeps_the_newest(qtbot, panel, monkeypatch):
    """842k sites took 1 s on the GUI thread; a slow sweep must not freeze the dock."""
    import threading
    import time

    from hljgis.analysis import sensitivity

    panel.mc_check.setChecked(False)
    run_and_wait(qtbot, panel)
    view = panel.sweep
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=30_000)
    real = sensitivity.one_at_a_time
    threads = []

    def slow(*a, **k):
        threads.append(threading.current_thread())
        time.sleep(0.4)
        return real(*a, **k)

    monkeypatch.setattr(sensitivity, "one_at_a_time", slow)
    t0 = time.perf_counter()
    view.select_criterion("hsr_access")
    view.select_criterion("urban_centre")  # the newer request wins
    assert time.perf_counter() - t0 < 0.3 and view.is_busy()
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=30_000)
    names = [c.name for c in panel.result.scenario.criteria]
    assert view.sweep.criterion == names.index("urban_centre") and view.series
    assert threads and all(t is not threading.main_thread() for t in threads)
