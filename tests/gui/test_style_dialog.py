"""Style dialog on plain layers: each renderer's dict, mapclassify breaks, OK/Apply/Cancel."""

from __future__ import annotations

import copy

import geopandas as gpd
import mapclassify
import numpy as np
import pytest
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.style import Style, default_style, ramp_colors
from hljgis.gui.dialogs.style_dialog import StyleDialog


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
    dlg.buttons.accepted.emit()
    assert layer.style == before


def test_single_symbol(dialog, layer):
    choose(dialog.kind, "single")
    dialog.single_editor.fill.choose("#112233")
    dialog.single_editor.width.setValue(0.8)
    choose(dialog.single_editor.dash, "dash")
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
    choose(dialog.cat_ramp, "Dark2")
    choose(dialog.cat_field, "status")
    dialog.cat_classify.click()
    r = dialog.style()["renderer"]
    assert r["kind"] == "categorized" and r["field"] == "status"
    values = [c["value"] for c in r["categories"]]
    assert values == sorted(layer.gdf["status"].unique())
    assert [c["symbol"]["fill"] for c in r["categories"]] == ramp_colors("Dark2", 3)
    assert r["other"] is None  # the style had no "other" class: reclassifying keeps that
    dialog.cat_other.setChecked(True)
    assert dialog.style()["renderer"]["other"]["symbol"]["fill"] == "#bdbdbd"
    assert dialog.cat_table.rowCount() == 3
    counts = layer.gdf["status"].value_counts()
    assert [int(dialog.cat_table.item(i, 2).text()) for i in range(3)] == [
        counts[v] for v in values]
    dialog.set_category_color(1, "#ff0000")
    dialog.cat_table.item(0, 4).setText("已完成")
    dialog.cat_other.setChecked(False)
    r = dialog.style()["renderer"]
    assert r["categories"][1]["symbol"]["fill"] == "#ff0000"
    assert r["categories"][0]["label_zh"] == "已完成"
    assert r["other"] is None
    Style.from_dict(dialog.style())


def test_shared_symbol_change_reaches_every_class_but_keeps_colours(dialog):
    colours = [c["symbol"]["fill"] for c in dialog.style()["renderer"]["categories"]]
    dialog.cat_template.width.setValue(1.2)
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
    choose(dialog.grad_field, "人口")
    dialog.grad_k.setValue(4)
    choose(dialog.grad_method, method)
    choose(dialog.grad_ramp, "Blues")
    r = dialog.style()["renderer"]
    values = layer.gdf["人口"].to_numpy(dtype=float)
    expected = cls(values, k=4).bins
    assert r["kind"] == "graduated" and r["field"] == "人口" and r["method"] == method
    assert r["k"] == 4 and r["ramp"] == "Blues"
    assert [c["upper"] for c in r["classes"]] == pytest.approx(list(expected))
    assert [c["symbol"]["fill"] for c in r["classes"]] == ramp_colors("Blues", 4)
    counts = dialog.class_counts()
    assert sum(counts) == len(values)
    assert counts == [int(dialog.grad_table.item(i, 3).text().replace(",", ""))
                      for i in range(4)]
    Style.from_dict(dialog.style())


def test_labels_tab(dialog):
    dialog.labels_box.setChecked(True)
    choose(dialog.label_field, "name_zh")
    dialog.label_size.setValue(11)
    dialog.label_color.choose("#003366")
    dialog.halo.setChecked(False)
    dialog.priority.setValue(8)
    lab = dialog.style()["labels"]
    assert lab["enabled"] and lab["field"] == "name_zh"
    assert (lab["size_pt"], lab["color"], lab["halo_color"], lab["priority"]) == (
        11.0, "#003366", None, 8)
    dialog.halo.setChecked(True)
    dialog.halo_color.choose("#ffffcc")
    assert dialog.style()["labels"]["halo_color"] == "#ffffcc"


def test_cancel_leaves_the_style_unchanged(dialog, layer, qtbot):
    before = copy.deepcopy(layer.style)
    choose(dialog.kind, "graduated")
    dialog.labels_box.setChecked(True)
    with qtbot.assertNotEmitted(layer.events.style):
        dialog.buttons.rejected.emit()
    assert layer.style == before


def test_ok_sets_the_style_and_fires_the_layer_event(dialog, layer, qtbot):
    choose(dialog.kind, "single")
    dialog.single_editor.fill.choose("#abcdef")
    with qtbot.waitSignal(layer.events.style) as blocker:
        dialog.buttons.accepted.emit()
    assert blocker.args[0]["renderer"]["symbol"]["fill"] == "#abcdef"
    assert layer.style["renderer"]["kind"] == "single"


def test_apply_keeps_the_dialog_open_and_sets_opacity(dialog, layer, qtbot):
    dialog.show()
    dialog.opacity.setValue(60)
    with qtbot.waitSignal(layer.events.style):
        dialog.apply()
    assert dialog.isVisible()
    assert layer.opacity == pytest.approx(0.6)


def test_point_layer_shows_marker_settings(qtbot):
    gdf = gpd.GeoDataFrame({"v": [1, 2]}, geometry=shapely.points([0, 1], [0, 1]), crs=4326)
    layer = VectorLayer(gdf, "pts")
    dlg = StyleDialog(layer)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.single_editor.marker.isVisible()
    assert not dlg.single_editor.hatch.isVisible()
    choose(dlg.single_editor.marker, "star")
    dlg.single_editor.size.setValue(4.0)
    sym = dlg.style()["renderer"]["symbol"]
    assert (sym["type"], sym["marker"], sym["size_mm"]) == ("marker", "star", 4.0)
