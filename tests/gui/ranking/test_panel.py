"""Ranking dock driven like a planner: run a preset, read the table, explain, cancel, compare."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from hljgis.analysis import load_scenario, run_scenario
from hljgis.core.session import Session
from hljgis.gui.i18n import set_language
from hljgis.gui.ranking.models import CriteriaModel
from tests.analysis.test_presets import synthetic_project
from tests.gui import pixels
from tests.gui.ranking_support import open_panel
from tests.gui.ranking_support import run_and_wait as run


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


def run_and_wait(qtbot, panel, job=None) -> None:
    run(qtbot, panel, job, require_result=False)


def table(panel) -> pd.DataFrame:
    m = panel.results
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    rows = [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
    return pd.DataFrame(rows, columns=headers)


def test_presets_and_cities_are_offered(panel):
    keys = [panel.scenario_box.itemData(i) for i in range(panel.scenario_box.count())]
    assert keys == ["sme-space", "place-making"]
    assert [panel.city_box.itemData(i) for i in range(panel.city_box.count())] == [
        None, "Hegang", "Jixi", "Qitaihe", "Shuangyashan"]
    assert panel.scenario.name == "sme-space"
    assert panel.criteria.rowCount() == len(panel.scenario.criteria)
    # the rationale is the tooltip of the criterion and is shown under the table
    tip = panel.criteria.index(0, CriteriaModel.USE).data(Qt.ItemDataRole.ToolTipRole)
    assert panel.scenario.criteria[0].rationale.en in tip
    assert panel.scenario.criteria[0].rationale.en[:40] in panel.rationale.text()


@pytest.mark.parametrize("name", ["sme-space", "place-making"])
def test_run_gives_the_engine_ranking_sorted_by_rank(qtbot, panel, name):
    panel.select_scenario(name)
    panel.city_box.setCurrentIndex(panel.city_box.findData("Jixi"))
    expected = run_scenario(panel.session.project, panel.edited_scenario(), city="Jixi")
    progress = []
    panel.runner.progress.connect(lambda f, m: progress.append(f))
    with qtbot.waitSignal(panel.ranking_finished, timeout=60_000):
        panel.run()
    qtbot.waitUntil(lambda: not panel.is_running())
    shown = table(panel)
    ranked = expected.ranked()
    n = len(ranked)
    assert len(shown) == len(expected.gdf)
    assert shown["Rank"].iloc[:n].astype(int).tolist() == ranked["rank"].astype(int).tolist()
    assert shown["Site"].iloc[:n].tolist() == ranked["site_name"].tolist()
    assert shown["Score"].iloc[:n].tolist() == [f"{s:,.3f}" for s in ranked["score"]]
    assert (shown["Rank"].iloc[n:] == "").all()  # excluded sites last, with their reason
    assert (shown["Excluded / note"].iloc[n:] != "").all()
    assert set(shown["City"]) == {"Jixi"}
    assert progress and progress[-1] == pytest.approx(1.0)
    assert panel.tabs.currentIndex() == 1 and not panel.cancel_button.isEnabled()


def test_result_layer_is_added_graduated_with_top_labels_and_undoable(qtbot, panel):
    panel.label_box.setValue(5)
    before = len(panel.session.project)
    run_and_wait(qtbot, panel)
    layer = panel.result_layer
    assert len(panel.session.project) == before + 1
    assert panel.session.project.layer(layer.name) is layer and layer.theme == "analysis"
    r = layer.style["renderer"]
    assert r["kind"] == "graduated" and r["field"] == "score" and r["method"] == "manual"
    # the atlas' fixed classes, so the screen and the printed annex read the same
    assert [c["upper"] for c in r["classes"]] == [0.2, 0.4, 0.6, 0.8, 1.0]
    labels = layer.style["labels"]
    assert labels["enabled"] and labels["field"] == "label"
    g = layer.gdf
    shown = g.loc[g["label"] != ""]
    assert sorted(shown["rank"].astype(int)) == sorted(
        g["rank"].dropna().astype(int)[g["rank"].dropna() <= 5])
    assert (shown["label"] == "#" + shown["rank"].astype(int).astype(str)).all()
    panel.session.undo()
    assert layer.name not in panel.session.project


def test_cancel_returns_to_idle_and_adds_nothing(qtbot, panel):
    gate = threading.Event()
    real = panel.runner._run

    def slow(project, progress=None, cancel=None, **kw):
        def held() -> bool:
            gate.wait(10)
            return cancel()
        return real(project, progress=progress, cancel=held, **kw)

    panel.runner._run = slow
    before = panel.session.project.layer_names()
    job = panel.run()
    assert panel.is_running() and panel.cancel_button.isEnabled()
    assert not panel.run_button.isEnabled()
    with qtbot.waitSignal(panel.runner.cancelled, timeout=30_000) as sig:
        panel.cancel()
        gate.set()
    assert sig.args == [job]
    qtbot.waitUntil(lambda: not panel.is_running())
    assert panel.session.project.layer_names() == before
    assert panel.result is None and panel.results.rowCount() == 0
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert "Cancelled" in panel.status.text()
    # the panel runs again normally afterwards
    panel.runner._run = real
    run_and_wait(qtbot, panel)
    assert panel.result is not None


def test_explain_equals_contributions_and_selection_is_signalled(qtbot, panel):
    run_and_wait(qtbot, panel)
    result = panel.result
    with qtbot.waitSignal(panel.site_selected) as sig:
        panel.results_view.selectRow(2)
    position = panel.results.position(2)
    assert sig.args == [panel.result_layer.name, position]
    assert result.gdf["rank"].iloc[position] == result.ranked()["rank"].iloc[2]
    pd.testing.assert_frame_equal(panel.explain.frame, result.contributions(position))
    m = panel.explain.model
    assert m.rowCount() == len(result.scenario.criteria)
    # the contribution column shows the numbers of contributions(), in the same order
    shown = [float(m.index(r, 4).data()) for r in range(m.rowCount())]
    np.testing.assert_allclose(shown, result.contributions(position)["contribution"],
                               atol=5e-4)
    assert f"{result.gdf['score'].iloc[position]:.3f}" in panel.explain.header.text()


def test_sensitivity_chart_shows_monte_carlo_rank_ranges(qtbot, panel):
    panel.runs_box.setValue(100)
    run_and_wait(qtbot, panel)
    rows = panel.sensitivity.rows
    g = panel.result.gdf
    top = panel.result.top(len(rows))
    assert len(rows) == min(15, len(panel.result.ranked()))
    assert rows["site_id"].tolist() == top["site_id"].tolist()
    np.testing.assert_array_equal(rows["rank_min"], top["rank_min"])
    np.testing.assert_array_equal(rows["rank_max"], top["rank_max"])
    np.testing.assert_array_equal(rows["p_top"], top["p_top_10"])
    assert (rows["rank_min"] <= rows["rank_median"]).all()
    assert (rows["rank_median"] <= rows["rank_max"]).all()
    assert "100 runs" in panel.sensitivity.note.text()
    assert "rank_min" in g.columns
    panel.mc_check.setChecked(False)  # without Monte Carlo the tab says how to get it
    run_and_wait(qtbot, panel)
    assert panel.sensitivity.rows.empty and "Monte Carlo" in panel.sensitivity.note.text()


def test_comparison_of_two_scenarios(qtbot, panel):
    compare = panel.compare
    compare.a_box.setCurrentIndex(compare.a_box.findData("sme-space"))
    compare.b_box.setCurrentIndex(compare.b_box.findData("place-making"))
    compare.compare_button.click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60_000)
    f = compare.frame
    assert len(f) >= 10 and f[["rank_a", "rank_b"]].notna().any().all()
    headers = [compare.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(compare.model.columnCount())]
    assert "A: sme-space" in headers and "B: place-making" in headers
    assert compare.summary["matched_by"] == "location"  # squares vs hexagons
    assert "sme-space" in compare.summary_label.text()
    assert "place-making" in compare.summary_label.text()
    # A against itself as edited here: same sites, same ranks, full overlap
    compare.a_box.setCurrentIndex(compare.a_box.findData(""))
    compare.b_box.setCurrentIndex(compare.b_box.findData("sme-space"))
    compare.compare_button.click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60_000)
    s = compare.summary
    assert s["matched_by"] == "id" and s["overlap"] == s["top_a"] == 10
    assert s["spearman"] == pytest.approx(1.0)
    assert (compare.frame["rank_a"] == compare.frame["rank_b"]).all()


def test_edits_weights_transforms_and_use_reach_the_run(qtbot, panel):
    m = panel.criteria
    assert not m.setData(m.index(0, CriteriaModel.PARAMS), "a=9000, b=100")  # a > b refused
    assert "c62828" in panel.status.styleSheet()
    assert m.setData(m.index(0, CriteriaModel.PARAMS), "a=1000, b=5000")
    assert m.setData(m.index(1, CriteriaModel.WEIGHT), "0")
    assert m.setData(m.index(2, CriteriaModel.USE), Qt.CheckState.Unchecked.value,
                     Qt.ItemDataRole.CheckStateRole)
    panel.year_box.setValue(2040)
    sc = panel.edited_scenario()
    assert sc.planning_year == 2040
    assert sc.criteria[0].transform.params["a"] == 1000
    assert sc.criteria[1].weight == 0
    assert len(sc.criteria) == m.rowCount() - 1
    run_and_wait(qtbot, panel)
    assert panel.result.scenario.planning_year == 2040
    assert panel.result.weights[sc.criteria[1].name] == 0


def test_ahp_weights_from_the_matrix_editor(qtbot, panel, monkeypatch):
    from hljgis.gui.dialogs.ahp_dialog import AHPDialog

    def fake_exec(dialog):
        dialog.set_judgement(0, 1, 3)  # first criterion 3x the second
        return AHPDialog.DialogCode.Accepted

    monkeypatch.setattr(AHPDialog, "exec", fake_exec)
    assert panel.weights_group.edit_ahp()
    assert panel.weights_group.use_ahp()
    assert "CR" in panel.weights_group.weight_report.text()
    sc = panel.edited_scenario()
    assert sc.weights.method == "ahp"
    weights, _report = sc.resolve_weights()
    assert weights[0] > weights[1]
    shares = panel.criteria.shares()
    np.testing.assert_allclose(shares, weights)
    run_and_wait(qtbot, panel)
    assert panel.result.weight_report["method"] == "ahp"


def test_save_in_project_and_export_json(qtbot, panel, tmp_path):
    panel.year_box.setValue(2030)
    name = panel.save_to_project("sme-2030")
    assert name == "sme-2030"
    stored = panel.session.project.scenarios["sme-2030"]
    assert stored["planning_year"] == 2030 and stored["name"] == "sme-2030"
    assert panel.scenario_box.currentData() == "sme-2030"
    path = panel.export_json(str(tmp_path / "sme.json"))
    back = load_scenario(path)
    assert back.to_dict() == panel.edited_scenario().to_dict()
    assert "sme-2030" in [panel.compare.a_box.itemData(i)
                          for i in range(panel.compare.a_box.count())]


def test_chinese_texts(qtbot, panel):
    set_language("zh")
    panel.retranslate()
    assert panel.tabs.tabText(0) == "设置" and panel.run_button.text() == "运行排序"
    assert panel.criteria.headerData(0, Qt.Orientation.Horizontal) == "准则"
    assert panel.city_box.itemText(1).startswith("鹤岗")


def test_dock_in_main_window_selects_sites_on_the_map(qtbot, user_dir):
    from hljgis.gui.main_window import MainWindow

    window = MainWindow(lang="en", session=Session(synthetic_project()))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        assert not window.docks["ranking"].isVisible()
        window.actions_by_key["ranking"].trigger()
        assert window.docks["ranking"].isVisible()
        assert window.actions_by_key["ranking"].shortcut().toString() == "Ctrl+R"
        panel = window.views.ranking
        run_and_wait(qtbot, panel)
        layer = panel.result_layer
        assert layer.name in window.session.project
        assert window.canvas.wait_for_render()
        # the selection's yellow (renderer.SELECTION_COLOR) on the map, before and after
        before = pixels.rgb(window.canvas)
        panel.results_view.selectRow(1)
        assert layer.selection.tolist() == [panel.results.position(1)]
        assert window.canvas.wait_for_render()
        after = pixels.rgb(window.canvas)
        window.grab().save("/tmp/ranking_main_window.png")
        def yellow(a):
            return (a[..., 0] > 170) & (a[..., 1] > 140) & (a[..., 2] < 120)

        # a new result starts with rank 1 selected (the row Explain shows); picking rank 2
        # moves the yellow outline: new yellow pixels appear where there were none
        moved = int((yellow(after) & ~yellow(before)).sum())
        assert moved >= 15, (int(yellow(before).sum()), int(yellow(after).sum()), moved)
    finally:
        window.session.project.dirty = False
        window.canvas.shutdown()


def test_screenshots(qtbot, panel):
    run_and_wait(qtbot, panel)
    shots = {}
    for i, name in enumerate(("setup", "results", "explain", "sensitivity")):
        panel.tabs.setCurrentIndex(i)
        qtbot.wait(20)
        shot = panel.grab()
        shot.save(f"/tmp/ranking_{name}.png")
        shots[name] = pixels.crop(pixels.rgb(shot.toImage()), panel, panel.tabs)
    # each tab draws its own page, not the one before it again
    area = shots["setup"].shape[0] * shots["setup"].shape[1]
    for a, b in (("setup", "results"), ("results", "explain"), ("explain", "sensitivity")):
        assert pixels.changed(shots[a], shots[b]) > 0.05 * area, (a, b)
    ranked = pixels.rows_drawn(panel.results_view, column=1)[:5]
    assert len(ranked) == 5 and min(ranked) > 100, ranked  # names of the top five sites
    assert pixels.coloured(shots["explain"]) > 500  # the contribution bars


def test_a_rerun_replaces_its_layer_in_place_and_undo_brings_it_back(qtbot, panel):
    """Issue 15: running a scenario again replaces its result layer (no _2, _3 copies)."""
    run_and_wait(qtbot, panel)
    first = panel.result_layer
    project = panel.session.project
    project.move_layer(first.name, 0)  # the planner put it under the others
    names = project.layer_names()
    run_and_wait(qtbot, panel)
    second = panel.result_layer
    assert second is not first and second.name == first.name
    assert project.layer_names() == names  # same place, no "_2"
    assert project.layer(first.name) is second
    panel.session.undo()
    assert project.layer(first.name) is first and project.layer_names() == names
    panel.session.redo()
    assert project.layer(first.name) is second


def test_the_dock_s_result_layer_is_saved_compactly(qtbot, panel, tmp_path, monkeypatch):
    """The layer as the dock adds it (labels, style) is stored as its grid definition."""
    import json
    import sqlite3

    from hljgis.io import compact_layers
    from hljgis.io.project_file import load_project, save_project

    monkeypatch.setattr(compact_layers, "COMPACT_FROM", 1)
    run_and_wait(qtbot, panel)
    layer = panel.result_layer
    path = tmp_path / "p.hljgis.gpkg"
    save_project(panel.session.project, path)
    with sqlite3.connect(path) as con:
        settings = json.loads(con.execute("SELECT json FROM hljgis_project").fetchone()[0])
    entry = next(e for e in settings["layers"] if e["name"] == layer.name)
    assert entry["storage"]["kind"] == "grid"
    again = load_project(path).layer(layer.name)
    pd.testing.assert_frame_equal(pd.DataFrame(again.gdf.drop(columns="geometry")),
                                  pd.DataFrame(layer.gdf.drop(columns="geometry")))
    assert again.style == layer.style
