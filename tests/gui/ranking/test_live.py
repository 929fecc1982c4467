"""Live re-weighting in the ranking dock: after a run, an edit re-scores the result layer
and re-colours the map without measuring the criteria again."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from hljgis.analysis import run_scenario
from hljgis.analysis.ranking_layer import top_labels
from hljgis.gui.ranking.constraints_model import ConstraintsModel
from hljgis.gui.ranking.models import CriteriaModel
from hljgis.gui.widgets.map_canvas import MapCanvas
from tests.gui.ranking_support import open_panel, run_and_wait


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


@pytest.fixture
def canvas(qtbot, panel):
    view = MapCanvas()
    qtbot.addWidget(view)
    view.resize(480, 320)
    view.show()
    view.set_project(panel.session.project)
    panel.live.canvas = view
    yield view
    view.shutdown()


def pixels(canvas) -> np.ndarray:
    assert canvas.wait_for_render()
    img = canvas._image.copy()
    ptr = img.constBits()
    return np.frombuffer(ptr, np.uint32, img.width() * img.height()).copy()


def ran(qtbot, panel, canvas):
    run_and_wait(qtbot, panel, monte_carlo=False)
    layer = panel.result_layer
    canvas.zoom_to(layer.bounds if layer.crs.equals(canvas.project.crs) else
                   canvas.project.full_extent())
    return layer, pixels(canvas)


def edit_weight(panel, row: int, value: float) -> None:
    """What typing a weight in the criteria table does."""
    index = panel.criteria.index(row, CriteriaModel.WEIGHT)
    assert panel.criteria.setData(index, value)


def test_weight_edit_rescores_layer_and_recolours_map(qtbot, panel, canvas):
    layer, before_px = ran(qtbot, panel, canvas)
    before = layer.gdf
    measured = panel.result.gdf["raw_hsr_access"].to_numpy().copy()
    layer.selection = np.array([3, 4])

    edit_weight(panel, 4, 90.0)  # hsr_access now dominates
    assert panel.live.wait(30)
    after = layer.gdf
    assert after is not before
    # the layer shows what a full run of the edited scenario gives, without re-measuring
    full = run_scenario(panel.session.project, panel.edited_scenario(), city=panel.city())
    np.testing.assert_array_equal(after["score"].to_numpy(), full.gdf["score"].to_numpy())
    assert after["rank"].equals(full.gdf["rank"])
    assert not np.allclose(after["score"], before["score"], equal_nan=True)
    np.testing.assert_array_equal(after["raw_hsr_access"].to_numpy(), measured)
    # the '#rank' labels follow the new ranks, the selection stays
    top = after["rank"].to_numpy(dtype=float, na_value=np.nan) == 1
    assert set(after.loc[top, "label"]) == {"#1"}
    assert list(layer.selection) == [3, 4]
    # the layer's frame is the new result's columns plus the labels: the result itself
    # carries no label columns, and the ranks filled in after the swap reach both
    assert "label" not in panel.result.gdf.columns
    assert np.shares_memory(after["score"].to_numpy(), panel.result.gdf["score"].to_numpy())
    assert after["rank"].equals(panel.result.gdf["rank"])
    assert "re-scored" in panel.status.text()
    after_px = pixels(canvas)
    assert (after_px != before_px).sum() > 100  # the map was re-coloured


def table_rows(panel, rows: int) -> list[tuple[str, str, str]]:
    """(rank, site, score) as the results table shows its first rows."""
    m = panel.results
    return [tuple(m.data(m.index(r, c)) for c in (0, 1, 4)) for r in range(rows)]


def test_results_table_follows_a_live_weight_edit(qtbot, panel, canvas):
    """After a live edit the table shows the engine's new ranks, scores and order (same
    model, no rebuild of the sites' names), and the site on show stays selected."""
    ran(qtbot, panel, canvas)
    m = panel.results
    before = table_rows(panel, 5)
    known = m.position(7)  # a site in the middle of the first ranking
    known_rank = m.data(m.index(7, 0))
    panel.results_view.selectRow(7)
    names = m._identity[0]

    edit_weight(panel, 4, 90.0)  # hsr_access now dominates
    assert panel.live.wait(30)
    full = run_scenario(panel.session.project, panel.edited_scenario(), city=panel.city())
    g = full.gdf
    rank = g["rank"].to_numpy(dtype=float, na_value=np.nan)
    order = np.argsort(np.where(np.isnan(rank), np.inf, rank), kind="stable")
    assert np.array_equal(m.order, order)
    # the top row is the engine's best site, with its rank and score as the engine says
    best = int(order[0])
    assert m.data(m.index(0, 0)) == f"{int(rank[best])}"
    assert m.data(m.index(0, 1)) == names[best]
    assert m.data(m.index(0, 4)) == f"{g['score'].iloc[best]:,.3f}"
    after = table_rows(panel, 5)
    assert after != before
    # the known site moved: its new row shows the engine's new rank, and it is still the
    # selected one (Explain follows it)
    row = m.row_of(known)
    assert m.data(m.index(row, 0)) == f"{int(rank[known])}" != known_rank
    assert panel.results_view.currentIndex().row() == row
    assert m._identity[0] is names  # the names were not rebuilt
    assert "table" in panel.status.text()


def summary_counted_here(panel) -> tuple[str, str]:
    shown = panel.results_summary.text()
    panel._show_summary()  # counted from the frame's texts, as after a full run
    return shown, panel.results_summary.text()


def test_summary_follows_a_switch_to_penalty(qtbot, panel, canvas):
    """The "N of M sites ranked, K with a penalty" line the worker counts equals the one
    counted from the result's columns."""
    ran(qtbot, panel, canvas)
    assert "penalty" not in panel.results_summary.text()
    assert panel.constraints.set_action(0, "multiply", 0.5)
    assert panel.live.wait(30)
    assert panel.live.counts is not None
    shown, counted = summary_counted_here(panel)
    assert shown == counted and "penalty" in shown


def test_constraint_switched_to_penalty_draws_the_excluded_sites(qtbot, panel, canvas):
    layer, before_px = ran(qtbot, panel, canvas)
    excluded = layer.gdf["excluded"].to_numpy().copy()
    assert excluded.any()
    assert panel.constraints.set_action(0, "multiply", 0.5)
    assert panel.live.wait(30)
    g = layer.gdf
    assert not g["excluded"].any()
    assert g.loc[excluded, "score"].notna().all()  # drawn now, with a lower score
    assert (g.loc[excluded, "penalty"] != "").all()
    assert (pixels(canvas) != before_px).sum() > 0
    assert ConstraintsModel.action(panel.constraints.constraints[0]) == "multiply"


def test_edit_needing_a_full_run_leaves_the_layer_and_says_so(qtbot, panel, canvas):
    layer, _ = ran(qtbot, panel, canvas)
    before = layer.gdf
    panel.city_box.setCurrentIndex(panel.city_box.findData("Jixi"))  # not what was run
    edit_weight(panel, 0, 1.0)
    assert panel.live.wait(30)
    assert layer.gdf is before
    assert "Run the ranking again" in panel.status.text()
    assert "city" in panel.status.text()


def test_ahp_weights_rescore_too(qtbot, panel, canvas):
    layer, _ = ran(qtbot, panel, canvas)
    before = layer.gdf
    # weights from the matrix made from the typed ones
    panel.weights_group.ahp_radio.setChecked(True)
    assert panel.live.wait(30)
    sc = panel.edited_scenario()
    assert sc.weights.method == "ahp"
    full = run_scenario(panel.session.project, sc, city=panel.city())
    assert layer.gdf is not before
    np.testing.assert_array_equal(layer.gdf["score"].to_numpy(), full.gdf["score"].to_numpy())


def test_other_scenario_or_no_change_sends_nothing(qtbot, panel, canvas):
    layer, _ = ran(qtbot, panel, canvas)
    before = layer.gdf
    panel.retranslate()  # the criteria table repaints, nothing changed
    panel.select_scenario("place-making")  # another scenario: needs its own run
    assert panel.live.wait(30)
    assert layer.gdf is before and "Run the ranking again" not in panel.status.text()


def test_newest_edit_wins_and_gui_thread_stays_free(qtbot, panel, canvas):
    """Several quick edits: the layer ends with the last one. Event-loop gaps are recorded
    (a behaviour check that the work is off the GUI thread, not a timing assertion)."""
    layer, _ = ran(qtbot, panel, canvas)
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    for w in (5.0, 50.0, 20.0, 70.0):
        edit_weight(panel, 1, w)
    assert panel.live.wait(30)
    assert pixels(canvas) is not None
    timer.stop()
    full = run_scenario(panel.session.project, panel.edited_scenario(), city=panel.city())
    np.testing.assert_array_equal(layer.gdf["score"].to_numpy(), full.gdf["score"].to_numpy())
    assert panel.live.last_timings["gui"] >= 0 and len(gaps) > 1


def test_new_run_and_new_project_detach(qtbot, panel, canvas):
    layer, _ = ran(qtbot, panel, canvas)
    assert panel.live.attached and panel.live.layer is layer
    panel.session.new_project()
    assert not panel.live.attached
    assert panel.live.request(panel.edited_scenario()) == 0


def test_top_labels_name_at_most_n_sites_best_first():
    rank = np.array([3.0, np.nan, 1.0, 2.0, 12.0, 1.0])
    label, priority = top_labels(rank, 4)
    assert list(label) == ["#3", "", "#1", "#2", "", "#1"]
    np.testing.assert_array_equal(priority, [2, 0, 4, 3, 0, 4])
    label, _ = top_labels(rank, 3)  # the site ranked 3rd is the 4th best site
    assert list(label) == ["", "", "#1", "#2", "", "#1"]
    label, priority = top_labels(rank, 2)  # tied for first: both, and no "#2"
    assert list(label) == ["", "", "#1", "", "", "#1"]
    label, _ = top_labels(np.ones(5), 2)  # many tied: the first two sites
    assert list(label) == ["#1", "#1", "", "", ""]
    assert str(label.dtype) in ("str", "string")
