"""The results table and the explain header name sites as planners do, in the interface
language: 'a, Taoshan District' / 'a（桃山区）', never a bare row number."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from hljgis.analysis import run_scenario
from hljgis.gui.i18n import set_language
from hljgis.gui.ranking.results_models import ResultsModel
from hljgis.gui.widgets.ranking_results import site_label
from tests.analysis.test_run import tiny_layers, tiny_scenario
from tests.analysis.test_sites import districts


@pytest.fixture
def result():
    layers = {**tiny_layers(), "districts": districts()}
    layers["sites"] = layers["sites"].drop(columns="city")
    return run_scenario(layers, tiny_scenario())


@pytest.mark.parametrize("lang, first", [("en", "a, Taoshan District"), ("zh", "a（桃山区）")])
def test_site_column_and_label_in_the_interface_language(qapp, result, lang, first):
    set_language(lang)
    try:
        model = ResultsModel()
        model.set_result(result)
        site = [model.data(model.index(r, 1), Qt.ItemDataRole.DisplayRole)
                for r in range(model.rowCount())]
        best = result.ranked().index[0]
        assert site[0] == first and site[0] == site_label(result.gdf, best)
        assert sorted(site) == sorted(result.gdf["site_name_zh" if lang == "zh"
                                                 else "site_name"])
    finally:
        set_language("en")


@pytest.fixture
def panel(qtbot):
    from tests.gui.ranking_support import open_panel

    yield from open_panel(qtbot)


def test_results_view_gives_site_names_room(qtbot, panel):
    from tests.gui.ranking_support import run_and_wait

    panel.select_scenario("sme-space")
    panel.city_box.setCurrentIndex(panel.city_box.findData("Jixi"))
    run_and_wait(qtbot, panel)
    view = panel.results_view
    first = panel.results.data(panel.results.index(0, 1), Qt.ItemDataRole.DisplayRole)
    assert first.startswith("Cell ") and first.endswith(" District")
    # the whole name fits: not elided to "Cell 12, Ji..." as with the default width
    assert view.columnWidth(1) >= view.fontMetrics().horizontalAdvance(first) + 6
    assert view.columnWidth(0) < view.columnWidth(1)
