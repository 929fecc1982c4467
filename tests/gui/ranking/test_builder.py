"""The scenario builder in the ranking dock, driven through its widgets: criteria added,
defined, duplicated, moved and removed; the transform drawn over the values; constraints
written from scratch; candidates from another layer or cells over a picked area; import,
export and duplicate. Each test checks what the dock shows and what the scenario holds."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from hljgis.analysis import load_scenario, save_scenario
from hljgis.gui.i18n import set_language
from hljgis.gui.ranking.models import CriteriaModel
from hljgis.gui.ranking.transform_editor import BAR, CURVE
from tests.gui.ranking_support import choose, fill_form, open_panel, run_and_wait, type_into


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


def names(panel) -> list[str]:
    return [c["name"] for c in panel.draft.criteria]


def shown_titles(panel) -> list[str]:
    m = panel.criteria
    return [m.index(r, CriteriaModel.USE).data() for r in range(m.rowCount())]


def test_add_define_and_run_a_new_distance_criterion(qtbot, panel):
    n = len(names(panel))
    panel.criteria_view.selectRow(n - 1)
    row = panel.add_criterion("distance")
    assert row == n and panel.criteria.rowCount() == n + 1
    assert panel.criteria_view.currentIndex().row() == row
    ed = panel.criterion_editor
    assert ed.row == row and ed.form.isRowVisible(ed.w["measure"])
    assert not ed.form.isRowVisible(ed.w["stat"])  # a raster field, not for a distance
    assert panel.criteria.index(row, CriteriaModel.TRANSFORM).data() == "Min–max (data range)"
    assert ed.w["layer"].currentText() == "(choose a layer)"  # nothing chosen, and it shows
    with pytest.raises(Exception, match=r"criteria\[6\]\.layer is required"):
        panel.edited_scenario()
    fill_form(ed, layer="rivers", measure="edge", title="Distance to a river",
              title_zh="到河流距离", unit="m", name="river", direction="cost")
    assert names(panel)[row] == "river"
    assert shown_titles(panel)[row] == "Distance to a river"
    sc = panel.edited_scenario()
    c = sc.criteria[row]
    assert (c.layer, c.measure, c.direction, c.title.zh) == ("rivers", "edge", "cost",
                                                             "到河流距离")
    run_and_wait(qtbot, panel, monte_carlo=False)
    raw = panel.result.gdf["raw_river"].to_numpy()
    assert np.isfinite(raw).all() and raw.min() >= 0
    norm = panel.result.gdf["norm_river"].to_numpy()
    assert norm.max() == pytest.approx(1.0) and norm.min() == pytest.approx(0.0)  # min-max
    # a bad filter is refused with the field named, and nothing changes
    type_into(ed.w["where"], "status opened")
    assert "c62828" in panel.status.styleSheet() and "clause 1" in panel.status.text()
    assert panel.draft.criteria[row].get("where") is None


def test_duplicate_move_remove_follow_the_table_and_undo(panel):
    first = names(panel)
    assert panel.duplicate_criterion(0) == 1
    assert names(panel)[:2] == [first[0], f"{first[0]}_2"]
    assert shown_titles(panel)[0] == shown_titles(panel)[1]
    assert panel.move_criterion(+1, row=1) and names(panel)[2] == f"{first[0]}_2"
    assert panel.criteria_view.currentIndex().row() == 2
    assert panel.remove_criterion(2) and names(panel) == first
    for _ in range(3):
        panel.session.undo()
    assert names(panel) == first  # back before the duplicate
    assert panel.criteria.rowCount() == len(first)


def test_weights_follow_added_criteria_in_ahp(panel):
    panel.weights_group.ahp_radio.setChecked(True)
    before = panel.criteria.shares().copy()
    panel.criteria_view.selectRow(0)
    panel.duplicate_criterion(0)
    shares = panel.criteria.shares()
    assert len(shares) == len(before) + 1 and shares.sum() == pytest.approx(1.0)
    assert shares[0] == pytest.approx(shares[1])  # the copy is judged like its original
    assert "CR" in panel.weights_group.weight_report.text()


def _pixels(widget, color: QColor, tol: int = 12) -> int:
    img = widget.grab().toImage()
    n = 0
    for y in range(0, img.height(), 2):
        for x in range(0, img.width(), 2):
            c = img.pixelColor(x, y)
            if (abs(c.red() - color.red()) + abs(c.green() - color.green()) +
                    abs(c.blue() - color.blue())) < tol:
                n += 1
    return n


def test_transform_curve_over_the_histogram_of_computed_values(qtbot, panel):
    panel.criteria_view.selectRow(0)
    te = panel.transform_editor
    plot = te.plot
    plot.resize(480, 200)
    assert panel.criterion_values(0) is None
    assert _pixels(plot, BAR) < 10 and _pixels(plot, CURVE) > 40  # curve, no values yet
    job = panel.compute_values(0)
    assert job is not None
    qtbot.waitUntil(lambda: panel._values_job is None, timeout=60_000)
    values = panel.criterion_values(0)
    assert values is not None and len(values) > 50 and np.isfinite(values).any()
    assert plot.values is not None and len(plot.values) == len(values)
    assert _pixels(plot, BAR) > 200  # the histogram is drawn
    # the curve starts at score 1 left of its first anchor (a cost criterion)
    kind = panel.draft.criteria[0]["transform"]["kind"]
    assert kind == "fuzzy_decreasing"
    choose(te.kind_box, "minmax")
    assert panel.draft.criteria[0]["transform"] == {"kind": "minmax", "benefit": False}
    x0, x1 = plot.x_range()
    assert x0 <= np.nanmin(values) and x1 >= np.nanmax(values)
    type_into(te.params, "benefit=maybe")
    assert "benefit" in panel.status.text()
    assert panel.draft.criteria[0]["transform"]["benefit"] is False
    # values of a run are used for a criterion that measures the same thing
    choose(te.kind_box, "linear")
    assert panel.draft.criteria[0]["transform"]["kind"] == "linear"


def test_constraints_added_edited_and_removed_through_the_form(qtbot, panel):
    m = panel.constraints
    n = m.rowCount()
    row = panel.add_constraint()
    assert m.rowCount() == n + 1 and panel.constraint_editor.isVisibleTo(panel)
    ed = panel.constraint_editor
    assert ed.row == row
    choose(ed.w["layer"], "industrial_parks")
    choose(ed.w["kind"], "inside")
    type_into(ed.w["share"], "0.25")
    type_into(ed.w["name"], "in_park")
    type_into(ed.w["reason"], "not in an industrial park")
    type_into(ed.w["reason_zh"], "不在产业园区内")
    choose(ed.action, "multiply")
    type_into(ed.value, "0.4")
    c = panel.draft.constraints[row]
    assert (c["kind"], c["layer"], c["share"], c["mode"], c["penalty_value"]) == (
        "inside", "industrial_parks", 0.25, "penalty", 0.4)
    assert m.index(row, m.VALUE).data() == "×0.4"
    assert "industrial_parks" in m.index(row, m.RULE).data()
    type_into(ed.value, "1.5")  # a factor is 0..1
    assert "penalty_value" in panel.status.text() and c["penalty_value"] == 0.4
    run_and_wait(qtbot, panel, monte_carlo=False)
    pen = panel.result.gdf["penalty"].fillna("").astype(str)
    assert pen.str.contains("not in an industrial park").any()
    assert panel.remove_constraint(row) and m.rowCount() == n


def test_candidates_from_another_layer_and_cells_over_picked_areas(qtbot, panel):
    ce = panel.candidates_editor
    choose(ce.source, "layer")
    choose(ce.layer, "shanty_sites")
    assert ce.form.isRowVisible(ce.id_field) and not ce.form.isRowVisible(ce.rows["cells"])
    choose(ce.id_field, "name")
    assert panel.draft.candidates["id_field"] == "name"
    run_and_wait(qtbot, panel, monte_carlo=False)
    assert sorted(panel.result.gdf["site_id"]) == ["s1", "s2"]
    choose(ce.source, "grid")
    choose(ce.layer, "districts")
    choose(ce.shape, "hex")
    ce.size.setValue(1000)
    ce.size.editingFinished.emit()
    assert panel.draft.candidates.get("where") is None  # a new layer, a new filter
    type_into(ce.where, "kind in district")
    assert ce.picks.count() == 2  # J, H
    ce.picks.item(1).setCheckState(Qt.CheckState.Unchecked)
    where = panel.draft.candidates["where"]
    assert {"field": "name", "in": ["J"]} in where
    assert {"field": "kind", "in": ["district"]} in where  # the typed clause stays
    assert ce.where.text() == "kind in district; name in J"
    run_and_wait(qtbot, panel, monte_carlo=False)
    g = panel.result.gdf
    assert set(g["city"]) == {"Jixi"} and 60 < len(g) < 200  # 1 km hexagons over 12x10 km
    # the map extent becomes a project layer the cells cover, undoably
    project = panel.session.project
    districts = project.layer("districts")
    minx, miny, maxx, maxy = districts.bounds
    ce.set_map_extent(lambda: ((minx, miny, (minx + maxx) / 2, maxy), districts.crs))
    name = ce.use_map_extent()
    assert name in project and panel.draft.candidates["layer"] == name
    assert panel.draft.candidates.get("where") is None
    panel.session.undo()  # the candidate change
    panel.session.undo()  # the layer
    assert name not in project and panel.draft.candidates["layer"] == "districts"


def test_export_import_and_duplicate_preset(qtbot, panel, tmp_path):
    m = panel.criteria
    assert m.setData(m.index(0, CriteriaModel.WEIGHT), "40")
    path = panel.export_json(str(tmp_path / "sme.json"))
    assert load_scenario(path).criteria[0].weight == 40
    name = panel.duplicate_scenario("my-sme")
    assert name == "my-sme" and panel.scenario_box.currentData() == "my-sme"
    assert "preset" not in panel.scenario_box.currentText()
    stored = panel.session.project.scenarios["my-sme"]
    assert stored["criteria"][0]["weight"] == 40 and "(copy)" in stored["title"]
    assert panel.duplicate_scenario("sme-space") is None  # a preset's name is taken
    # import: a file with a name already used comes in under a free one
    sc = load_scenario(path)
    sc.criteria[1].weight = 3
    save_scenario(sc, tmp_path / "other.json")
    got = panel.import_json(str(tmp_path / "other.json"))
    assert got == "sme-space-2" and panel.scenario_box.currentData() == "sme-space-2"
    assert panel.draft.criteria[1]["weight"] == 3
    (tmp_path / "bad.json").write_text('{"name": "x", "criteria": []}', encoding="utf-8")
    assert panel.import_json(str(tmp_path / "bad.json")) is None
    assert "criteria must be a non-empty list" in panel.status.text()
    panel.session.undo()  # the import
    assert "sme-space-2" not in panel.session.project.scenarios


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_builder_in_both_languages(qtbot, panel, lang):
    set_language(lang)
    panel.retranslate()
    panel.criteria_view.selectRow(0)
    zh = lang == "zh"
    assert panel.candidates_group.title() == ("候选地块" if zh else "Candidate sites")
    assert panel.add_criterion_button.text() == ("添加准则" if zh else "Add criterion")
    assert panel.criterion_tabs.tabText(1) == ("定义" if zh else "Definition")
    ed = panel.criterion_editor
    assert ed.labels["rationale_zh"].text() == ("依据（中文）" if zh else "Rationale (Chinese)")
    assert ed.w["rationale_zh"].toPlainText() == panel.draft.criteria[0]["rationale_zh"]
    assert ed.w["direction"].currentText() == ("数值越小" if zh else "smaller values")
    kinds = [a.text() for a in panel.add_criterion_menu.actions()]
    assert kinds[0] == ("到要素的距离" if zh else "Distance to features")
    assert panel.constraint_editor.w["kind"].currentText() == (
        "地块须位于图层要素之外" if zh else "Sites stay outside the layer's features")


def test_values_are_the_current_sites_and_a_new_layer_is_offered(qtbot, panel):
    from shapely.geometry import box

    from tests.analysis.test_presets import _layer

    panel.criteria_view.selectRow(0)
    run_and_wait(qtbot, panel, monte_carlo=False)
    values = panel.criterion_values(0)
    assert values is not None and len(values) == len(panel.result.gdf)
    # other candidates: the last run's values no longer describe them
    panel.candidates_editor.size.setValue(1000)
    panel.candidates_editor.size.editingFinished.emit()
    assert panel.criterion_values(0) is None
    panel.session.undo()
    assert panel.criterion_values(0) is not None
    panel.city_box.setCurrentIndex(panel.city_box.findData("Jixi"))
    assert panel.criterion_values(0) is None
    # a layer added to the project shows up in the pickers at once
    layer = _layer("my_parcels", {"name": ["p1"]}, [box(500_100, 5_150_100, 500_900, 5_150_900)])
    panel.session.add_layers([layer])
    ce = panel.candidates_editor
    choose(ce.source, "layer")
    assert ce.layer.findData("my_parcels") >= 0


def test_aggregation_and_missing_values_are_scenario_edits(qtbot, panel):
    choose(panel.aggregation_box, "topsis")
    choose(panel.nan_box, "zero")
    sc = panel.edited_scenario()
    assert (sc.aggregation, sc.nan_policy) == ("topsis", "zero")
    run_and_wait(qtbot, panel, monte_carlo=False)
    assert panel.result.scenario.aggregation == "topsis"
    panel.session.undo()
    panel.session.undo()  # the layer, then the missing-value rule
    assert panel.nan_box.value() == "exclude" and panel.aggregation_box.value() == "topsis"
    set_language("zh")
    panel.retranslate()
    assert panel.aggregation_box.currentText() == "逼近理想解（TOPSIS）"


def test_duplicate_then_retitle_in_both_languages(panel):
    assert panel.duplicate_scenario("my-plan") == "my-plan"
    ab = panel.about_editor
    assert ab.w["title"].text() == "Space for small and medium enterprises (copy)"
    type_into(ab.w["title"], "Graphite valley workspace")
    ab.w["title_zh"].setText("石墨谷创业空间")
    ab.w["title_zh"].editingFinished.emit()
    assert "Graphite valley workspace" in panel.purpose.text()
    set_language("zh")
    panel.retranslate()
    assert "石墨谷创业空间" in panel.purpose.text()
    assert panel.about_group.title() == "标题与目的"
    sc = panel.edited_scenario()
    assert (sc.title.en, sc.title.zh) == ("Graphite valley workspace", "石墨谷创业空间")


def test_cells_over_the_selected_polygon_and_points_as_sites(qtbot, panel):
    ce = panel.candidates_editor
    project = panel.session.project
    assert ce.use_selection() is None  # nothing selected yet: said, not done
    assert "Select polygons" in panel.status.text()
    project.layer("districts").selection = np.array([1])  # Hegang's district
    name = ce.use_selection()
    assert panel.draft.candidates == {**panel.draft.candidates, "kind": "grid", "layer": name}
    run_and_wait(qtbot, panel, monte_carlo=False)
    g = panel.result.gdf
    assert 200 < len(g) < 400  # 500 m cells over 8 x 10 km
    # a point layer (the towns) as the candidate sites
    choose(ce.source, "layer")
    assert ce.layer.findData("towns") >= 0
    choose(ce.layer, "towns")
    choose(ce.id_field, "name")
    run_and_wait(qtbot, panel, monte_carlo=False)
    assert sorted(panel.result.gdf["site_id"]) == ["Hegang", "Jixi", "Village"]


def test_a_categorical_criterion_shows_no_histogram_and_does_not_fail(qtbot, panel):
    row = panel.add_criterion("attribute")
    ed = panel.criterion_editor
    choose(ed.w["layer"], "pillar_industries")
    ed.w["field"].setEditText("industry")
    ed.w["field"].lineEdit().editingFinished.emit()
    te = panel.transform_editor
    choose(te.kind_box, "categorical")
    type_into(te.params, 'mapping={"graphite": 1, "tourism": 0.5}')
    assert panel.draft.criteria[row]["transform"]["mapping"] == {"graphite": 1,
                                                                  "tourism": 0.5}
    ed.w["fill"].setText("")
    job = panel.compute_values(row)
    assert job is not None
    qtbot.waitUntil(lambda: panel._values_job is None, timeout=60_000)
    assert "Values computed" in panel.status.text(), panel.status.text()
    values = panel.criterion_values(row)  # classes, not numbers (or none at all here:
    assert values is None or np.isnan(values).all()  # the industries are points)
    te.plot.resize(400, 180)
    assert not te.plot.grab().isNull()


def test_category_columns_have_no_histogram():
    import pandas as pd

    from hljgis.gui.ranking.setup_tab import _numeric

    assert _numeric(pd.Series(["graphite", None], dtype=object)) is None
    assert _numeric(pd.Series([1.5, None], dtype=object)).tolist()[0] == 1.5
