"""The candidates form's site-name field: chosen, shown in the results, cleared with the
layer, and labelled in both languages."""

from __future__ import annotations

import pytest

from hljgis.gui.i18n import set_language
from tests.gui.ranking_support import choose, open_panel, run_and_wait


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


def test_name_field_is_picked_next_to_the_id_and_names_the_sites(qtbot, panel):
    ce = panel.candidates_editor
    choose(ce.source, "layer")
    choose(ce.layer, "shanty_sites")
    assert ce.form.isRowVisible(ce.name_field)
    assert ce.name_field.currentData() == "" and ce.name_field.currentText() == \
        "(automatic: name or id)"
    fields = [ce.name_field.itemData(k) for k in range(ce.name_field.count())]
    assert fields[1:] == [ce.id_field.itemData(k) for k in range(1, ce.id_field.count())]
    choose(ce.id_field, "name")
    choose(ce.name_field, "status")  # any field of the layer names the sites
    assert panel.draft.candidates["name_field"] == "status"
    assert panel.edited_scenario().candidates.name_field == "status"
    run_and_wait(qtbot, panel, monte_carlo=False)
    g = panel.result.gdf
    assert sorted(g["site_name"].str.split(",").str[0]) == sorted(g["status"].astype(str))
    choose(ce.name_field, "")  # back to automatic
    assert "name_field" not in panel.draft.candidates
    choose(ce.name_field, "status")
    panel.session.undo()
    assert "name_field" not in panel.draft.candidates and ce.name_field.currentData() == ""


def test_name_field_is_cleared_with_another_layer_and_hidden_for_cells(panel):
    ce = panel.candidates_editor
    choose(ce.source, "layer")
    choose(ce.layer, "shanty_sites")
    choose(ce.name_field, "name")
    layers = [ce.layer.itemData(k) for k in range(ce.layer.count())]
    other = next(n for n in layers if n and n != "shanty_sites")
    choose(ce.layer, other)
    assert "name_field" not in panel.draft.candidates  # a field of the old layer
    choose(ce.source, "grid")
    assert not ce.form.isRowVisible(ce.name_field)


def test_name_field_label_in_chinese(panel):
    set_language("zh")
    panel.retranslate()
    ce = panel.candidates_editor
    assert ce.labels["name_field"].text() == "地块名称字段"
    assert ce.name_field.itemText(0) == "（自动：名称或编号）"
