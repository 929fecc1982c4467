"""The ranking dock says when its results rest on illustrative layers, in both languages."""

from __future__ import annotations

import pytest

from tests.gui.ranking_support import chinese, open_panel, run_and_wait


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


def _make_records(project, names) -> None:
    """As if the bureau's data had replaced these layers."""
    for name in names:
        layer = project.layer(name)
        g = layer.gdf.copy()
        g["illustrative"] = False
        g["source"] = "bureau survey"
        layer.set_data(g)
        layer.provenance = {"source": "bureau survey", "illustrative": False}


def test_results_name_the_illustrative_inputs_and_drop_replaced_ones(qtbot, panel):
    panel.select_scenario("sme-space")
    run_and_wait(qtbot, panel, monte_carlo=False)
    note = panel.illustrative_note
    assert note.isVisible()
    assert "read illustrative layers" in note.text()
    assert "shanty_sites" in note.text() and "subsidence_zones" in note.text()
    chinese(panel)
    assert "示意数据" in note.text()
    chinese(panel, False)
    project = panel.session.project
    _make_records(project, [layer.name for layer in project.layers])
    chinese(panel)  # the result shown still rests on what it read
    assert "示意数据" in note.text() and note.isVisible()
    chinese(panel, False)
    run_and_wait(qtbot, panel, monte_carlo=False)
    assert not note.isVisible() and note.text() == ""
