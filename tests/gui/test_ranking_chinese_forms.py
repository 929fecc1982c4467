"""Ranking dock in Chinese mode, one form for each thing: city names as the project's
bookmarks give them (results, Compare, Explain alike), units in Chinese, full-width
punctuation where Chinese text is joined, and the result layer's labels as callouts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.analysis.test_presets import synthetic_project
from tests.gui.ranking_support import chinese, open_panel, run_and_wait

BOOKMARKS = {"jixi": ("Jixi", "鸡西市"), "hegang": ("Hegang", "鹤岗市")}


@pytest.fixture
def panel(qtbot):
    project = synthetic_project()
    project.layer("subsidence_zones").title_zh = "采煤沉陷区"
    for key, (en, zh) in BOOKMARKS.items():
        project.set_bookmark(key, {"title": en, "title_zh": zh, "bounds": [0, 0, 1, 1],
                                   "crs": "EPSG:4490"})
    yield from open_panel(qtbot, project)


def results_column(panel, name: str) -> list:
    m = panel.results
    col = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())].index(
        name)
    return [m.index(r, col).data() for r in range(m.rowCount())]


# ------------------------------------------------------------------------------ cities


def test_results_city_column_uses_the_bookmark_titles_like_the_explain_header(qtbot, panel):
    panel.select_scenario("place-making")
    run_and_wait(qtbot, panel, monte_carlo=False)
    assert set(results_column(panel, "City")) == {"Jixi", "Hegang"}

    chinese(panel)
    cities = results_column(panel, "城市")
    assert set(cities) == {"鸡西市", "鹤岗市"}  # not 鸡西 / 鹤岗
    panel.results_view.selectRow(0)
    assert f"（{cities[0]}，" in panel.explain.header.text()  # the same form in both

    chinese(panel, False)
    assert set(results_column(panel, "City")) == {"Jixi", "Hegang"}


def test_city_without_a_bookmark_gets_the_catalogue_name(qtbot, panel):
    del panel.session.project.bookmarks["hegang"]
    panel.select_scenario("place-making")
    chinese(panel)
    run_and_wait(qtbot, panel, monte_carlo=False)
    assert set(results_column(panel, "城市")) == {"鸡西市", "鹤岗"}


def test_compare_city_column_in_chinese_and_back(qtbot, panel):
    compare = panel.compare
    compare.a_box.setCurrentIndex(compare.a_box.findData("sme-space"))
    compare.b_box.setCurrentIndex(compare.b_box.findData("place-making"))
    compare.compare_button.click()
    run_and_wait(qtbot, panel, job=panel._job, require_result=False)
    m = compare.model
    city_col = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())
                ].index("City")

    def cities() -> set:
        return {m.index(r, city_col).data() for r in range(m.rowCount())}

    assert m.rowCount() and cities() <= {"Jixi", "Hegang"}
    chinese(panel)  # the table follows the switch, without comparing again
    assert m.headerData(city_col, Qt.Orientation.Horizontal) == "城市"
    assert cities() <= {"鸡西市", "鹤岗市"} and cities()
    assert "前 10 名重合" in compare.summary_label.text()
    chinese(panel, False)
    assert cities() <= {"Jixi", "Hegang"}
    assert "Top 10 overlap" in compare.summary_label.text()


# ------------------------------------------------------------------------------- units


def units(panel) -> list:
    from hljgis.gui.widgets.ranking_models import CriteriaModel

    m = panel.criteria
    return [m.index(r, CriteriaModel.UNIT).data() for r in range(m.rowCount())]


def test_criteria_units_in_chinese(panel):
    from hljgis.analysis import PRESETS

    used = {c["unit"] for p in PRESETS.values() for c in p["criteria"]}
    assert used == {"m", "share", "years"}  # a new unit in a preset needs a Chinese name
    panel.select_scenario("sme-space")
    english = units(panel)
    assert english == ["m", "share", "years", "m", "m", "m"]
    chinese(panel)
    assert units(panel) == ["米", "比例", "年", "米", "米", "米"]
    panel.select_scenario("place-making")
    assert set(units(panel)) == {"比例", "米"}
    chinese(panel, False)
    assert set(units(panel)) == {"share", "m"}


def test_unit_without_a_chinese_name_stays(panel):
    from hljgis.gui.i18n import set_language
    from hljgis.gui.widgets.ranking_models import unit_text

    set_language("zh")
    assert (unit_text("km2"), unit_text("ha"), unit_text("dB"), unit_text("")) == (
        "平方公里", "公顷", "dB", "")
    set_language("en")
    assert unit_text("km2") == "km2"


def test_explain_raw_values_with_chinese_units(qtbot, panel):
    panel.select_scenario("place-making")
    run_and_wait(qtbot, panel, monte_carlo=False)
    panel.results_view.selectRow(0)
    raw = [panel.explain.model.index(r, 1).data()
           for r in range(panel.explain.model.rowCount())]
    assert any(t.endswith(" m") for t in raw) and any(t.endswith(" %") for t in raw)
    chinese(panel)
    raw = [panel.explain.model.index(r, 1).data()
           for r in range(panel.explain.model.rowCount())]
    assert any(t.endswith(" 米") for t in raw), raw
    assert not any(t.endswith(" m") for t in raw), raw
