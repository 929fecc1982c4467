"""Style dialog on plain layers: each renderer's dict, mapclassify breaks, OK/Apply/Cancel,
and an edit travelling through the session to the rendered pixels."""

from __future__ import annotations

import copy

import geopandas as gpd
import mapclassify
import numpy as np
import pytest
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.session import Session
from hljgis.core.style import Style, default_style, ramp_colors
from hljgis.gui.dialogs.style import StyleDialog
from tests.gui.pixels import changed, near, rgb


@pytest.fixture
def layer():
    rng = np.random.default_rng(7)
    n = 60
    polys = shapely.box(np.arange(n), 0, np.arange(n) + 0.9, 1)
    gdf = gpd.GeoDataFrame(
        {"name_zh": [f"地块{i}" for i in range(n)],
         "status": rng.choice(["cleared", "planned", "under_redevelopment"], n),
         "人口": np.round(rng.lognormal(6, 1, n)),
         "area_ha": rng.random(n) * 20},
        geometry=polys, crs="EPSG:4490")
    return VectorLayer(gdf, "shanty_sites", schema="shanty_sites", title="Shanty sites",
                       title_zh="棚户区改造", style=default_style("shanty_sites"))


@pytest.fixture
def dialog(qtbot, layer):
    dlg = StyleDialog(layer)
    qtbot.addWidget(dlg)
    return dlg


def choose(combo, data):
    index = combo.findData(data)
    if index < 0:
        index = combo.findText(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


@pytest.mark.parametrize("schema", ["shanty_sites", "subsidence_zones", "hsr_lines", "towns",
                                    "cities", "border_crossings"])
def test_ok_without_changes_round_trips(qtbot, layer, schema):
    layer.style = default_style(schema)
    before = copy.deepcopy(layer.style)
    dlg = StyleDialog(layer)
    qtbot.addWidget(dlg)
    assert dlg.style() == before
    with qtbot.waitSignal(dlg.applied) as blocker:
        dlg.buttons.accepted.emit()
    assert blocker.args == [before, 1.0]
    assert layer.style == before


def test_single_symbol(dialog, layer):
    choose(dialog.kind, "single")
    dialog.single.editor.fill.choose("#112233")
    dialog.single.editor.width.setValue(0.8)
    choose(dialog.single.editor.dash, "dash")
    style = dialog.style()
    r = style["renderer"]
    assert r["kind"] == "single"
    assert r["symbol"]["type"] == "fill"
    assert (r["symbol"]["fill"], r["symbol"]["stroke_width_mm"], r["symbol"]["dash"]) == (
        "#112233", 0.8, "dash")
    Style.from_dict(style)  # valid per the core schema


def test_categorized_auto_fills_unique_values(dialog, layer):
    choose(dialog.kind, "single")
    choose(dialog.kind, "categorized")
    choose(dialog.categorized.ramp, "Dark2")
    choose(dialog.categorized.field, "status")
    dialog.categorized.classify.click()
    r = dialog.style()["renderer"]
    assert r["kind"] == "categorized" and r["field"] == "status"
    values = [c["value"] for c in r["categories"]]
    assert values == sorted(layer.gdf["status"].unique())
    assert [c["symbol"]["fill"] for c in r["categories"]] == ramp_colors("Dark2", 3)
    assert r["other"] is None  # the style had no "other" class: reclassifying keeps that
    dialog.categorized.other.setChecked(True)
    assert dialog.style()["renderer"]["other"]["symbol"]["fill"] == "#bdbdbd"
    model = dialog.categorized.model
    assert model.rowCount() == 3
    counts = layer.gdf["status"].value_counts()
    assert [int(model.index(i, model.COUNT).data()) for i in range(3)] == [
        counts[v] for v in values]
    dialog.set_category_color(1, "#ff0000")
    assert model.setData(model.index(0, model.LEGEND_ZH), "已完成")
    dialog.categorized.other.setChecked(False)
    r = dialog.style()["renderer"]
    assert r["categories"][1]["symbol"]["fill"] == "#ff0000"
    assert r["categories"][0]["label_zh"] == "已完成"
    assert r["other"] is None
    Style.from_dict(dialog.style())


def test_shared_symbol_change_reaches_every_class_but_keeps_colours(dialog):
    colours = [c["symbol"]["fill"] for c in dialog.style()["renderer"]["categories"]]
    dialog.categorized.template.width.setValue(1.2)
    cats = dialog.style()["renderer"]["categories"]
    assert [c["symbol"]["stroke_width_mm"] for c in cats] == [1.2] * len(cats)
    assert [c["symbol"]["fill"] for c in cats] == colours


@pytest.mark.filterwarnings("ignore:Numba not installed")
@pytest.mark.parametrize(("method", "cls"), [
    ("quantiles", mapclassify.Quantiles),
    ("natural_breaks", mapclassify.FisherJenks),
    ("equal_interval", mapclassify.EqualInterval),
])
def test_graduated_breaks_equal_mapclassify(dialog, layer, method, cls):
    choose(dialog.kind, "graduated")
    choose(dialog.graduated.field, "人口")
    dialog.graduated.k.setValue(4)
    choose(dialog.graduated.method, method)
    choose(dialog.graduated.ramp, "Blues")
    r = dialog.style()["renderer"]
    values = layer.gdf["人口"].to_numpy(dtype=float)
    expected = cls(values, k=4).bins
    assert r["kind"] == "graduated" and r["field"] == "人口" and r["method"] == method
    assert r["k"] == 4 and r["ramp"] == "Blues"
    assert [c["upper"] for c in r["classes"]] == pytest.approx(list(expected))
    assert [c["symbol"]["fill"] for c in r["classes"]] == ramp_colors("Blues", 4)
    counts = dialog.class_counts()
    assert sum(counts) == len(values)
    model = dialog.graduated.model
    assert counts == [int(model.index(i, model.COUNT).data().replace(",", ""))
                      for i in range(4)]
    Style.from_dict(dialog.style())


def test_labels_tab(dialog):
    dialog.labels_page.box.setChecked(True)
    choose(dialog.labels_page.field, "name_zh")
    dialog.labels_page.size.setValue(11)
    dialog.labels_page.color.choose("#003366")
    dialog.labels_page.halo.setChecked(False)
    dialog.labels_page.priority.setValue(8)
    lab = dialog.style()["labels"]
    assert lab["enabled"] and lab["field"] == "name_zh"
    assert (lab["size_pt"], lab["color"], lab["halo_color"], lab["priority"]) == (
        11.0, "#003366", None, 8)
    dialog.labels_page.halo.setChecked(True)
    dialog.labels_page.halo_color.choose("#ffffcc")
    assert dialog.style()["labels"]["halo_color"] == "#ffffcc"


def test_cancel_leaves_the_style_unchanged(dialog, layer, qtbot):
    before = copy.deepcopy(layer.style)
    choose(dialog.kind, "graduated")
    dialog.labels_page.box.setChecked(True)
    with qtbot.assertNotEmitted(layer.events.style), qtbot.assertNotEmitted(dialog.applied):
        dialog.buttons.rejected.emit()
    assert layer.style == before


def test_the_dialog_never_changes_the_layer_itself(dialog, layer, qtbot):
    before = copy.deepcopy(layer.style)
    choose(dialog.kind, "single")
    dialog.single.editor.fill.choose("#abcdef")
    dialog.opacity.setValue(30)
    with qtbot.assertNotEmitted(layer.events.style), \
            qtbot.waitSignal(dialog.applied) as blocker:
        dialog.buttons.accepted.emit()
    style, opacity = blocker.args
    assert style["renderer"]["symbol"]["fill"] == "#abcdef" and opacity == pytest.approx(0.3)
    assert layer.style == before and layer.opacity == 1.0


@pytest.fixture
def session(layer):
    project = Project()
    project.add_layer(layer)
    return Session(project)


def test_apply_through_the_session_is_one_undo_step_with_opacity(dialog, layer, session,
                                                                 qtbot):
    before = copy.deepcopy(layer.style)
    dialog.applied.connect(lambda style, opacity: session.set_layer_style(layer.name, style,
                                                                          opacity))
    dialog.show()
    dialog.opacity.setValue(60)
    dialog.set_category_color(0, "#00ff00")
    with qtbot.waitSignal(layer.events.style):
        dialog.apply()
    assert dialog.isVisible()
    assert layer.opacity == pytest.approx(0.6)
    assert layer.style["renderer"]["categories"][0]["symbol"]["fill"] == "#00ff00"
    session.undo()
    assert (layer.style, layer.opacity) == (before, 1.0)


def test_an_edit_in_the_dialog_changes_the_typed_model_and_the_map(dialog, layer, session,
                                                                   qapp):
    """Single symbol, fill picked in the editor: the draft's typed symbol changes, and after
    Apply the renderer paints the layer in that colour."""
    from hljgis.render import render_image

    dialog.applied.connect(lambda style, opacity: session.set_layer_style(layer.name, style,
                                                                          opacity))
    extent = tuple(layer.gdf.total_bounds)
    size = (600, 10)  # the 60 x 1 strip of boxes, 10 px per degree
    before = rgb(render_image([layer], extent, size))
    assert near(before, "#0055ff", 40) == 0
    choose(dialog.kind, "single")
    dialog.single.editor.fill.choose("#0055ff")
    dialog.single.editor.stroke.choose(None)
    assert isinstance(dialog.draft.style, Style)
    assert dialog.draft.renderer.kind == "single"
    assert dialog.draft.renderer.symbol["fill"] == "#0055ff"
    assert layer.style["renderer"]["kind"] == "categorized"  # nothing applied yet
    dialog.apply()
    after = rgb(render_image([layer], extent, size))
    assert near(after, "#0055ff", 40) > 0.5 * after.shape[0] * after.shape[1]
    assert changed(before, after) > 0.5 * after.shape[0] * after.shape[1]


def test_graduated_colours_reach_the_map(dialog, layer, session, qapp):
    from hljgis.render import render_image

    dialog.applied.connect(lambda style, opacity: session.set_layer_style(layer.name, style,
                                                                          opacity))
    choose(dialog.kind, "graduated")
    choose(dialog.graduated.field, "area_ha")
    choose(dialog.graduated.ramp, "Blues")
    dialog.graduated.k.setValue(3)
    classes = dialog.draft.renderer.classes
    assert len(classes) == 3 and classes[-1].symbol["fill"] == ramp_colors("Blues", 3)[-1]
    dialog.apply()
    img = rgb(render_image([layer], tuple(layer.gdf.total_bounds), (600, 10)))
    darkest = near(img, ramp_colors("Blues", 3)[-1], 30)
    assert darkest > 0
    assert near(img, ramp_colors("Blues", 3)[0], 12) > 0


def test_point_layer_shows_marker_settings(qtbot):
    gdf = gpd.GeoDataFrame({"v": [1, 2]}, geometry=shapely.points([0, 1], [0, 1]), crs=4326)
    layer = VectorLayer(gdf, "pts")
    dlg = StyleDialog(layer)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.single.editor.marker.isVisible()
    assert not dlg.single.editor.hatch.isVisible()
    choose(dlg.single.editor.marker, "star")
    dlg.single.editor.size.setValue(4.0)
    sym = dlg.style()["renderer"]["symbol"]
    assert (sym["type"], sym["marker"], sym["size_mm"]) == ("marker", "star", 4.0)


def test_pages_and_table_headers_follow_a_language_switch(dialog, qtbot):
    from PySide6.QtCore import QCoreApplication, Qt

    from hljgis.gui.i18n import set_language

    model = dialog.categorized.model

    def headers():
        return [model.headerData(c, Qt.Orientation.Horizontal) for c in
                range(model.columnCount())]

    assert headers()[1] == "Value"
    try:
        set_language("zh")
        QCoreApplication.processEvents()
        assert all(not any("a" <= ch.lower() <= "z" for ch in h) for h in headers()), headers()
        assert dialog.categorized.classify.text() != "Classify"
        assert dialog.kind.itemText(0) != "Single symbol"
        assert dialog.kind.currentData() == "categorized"  # the choice survives the switch
    finally:
        set_language("en")
        QCoreApplication.processEvents()
    assert headers()[1] == "Value"
