"""Ranking dock in Chinese mode, one form for each thing: city names as the project's
bookmarks give them (results, Compare, Explain alike), units in Chinese, full-width
punctuation where Chinese text is joined, and the result layer's labels as callouts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.analysis.test_presets import synthetic_project
from tests.gui.ranking_support import chinese, open_panel, run_and_wait

SHOTS = Path("/tmp/rankpolish2")
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
    from hljgis.gui.ranking.models import CriteriaModel

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
    from hljgis.gui.ranking.texts import unit_text

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


# ------------------------------------------------------------------------- punctuation

# ASCII punctuation next to a Chinese character ("已排除: x", "得分 0.7. 将", "图层: x")
_MIXED = re.compile(r"[\u4e00-\u9fff]\s?[:;,(]|[\u4e00-\u9fff][.]|[:;,)]\s?[\u4e00-\u9fff]")


def assert_chinese_punctuation(*texts: str) -> None:
    for text in texts:
        plain = re.sub(r"<[^>]+>", "", text)
        assert not _MIXED.search(plain), plain


def test_texts_join_chinese_with_full_width_punctuation(qtbot, panel):
    chinese(panel)
    panel.select_scenario("place-making")
    assert panel.status.text() == "已载入情景：place-making"
    assert_chinese_punctuation(panel.rationale.text(), panel.scenario_box.currentText())
    assert "（revitalisation · 图层 shanty_sites）" in panel.rationale.text()
    run_and_wait(qtbot, panel, monte_carlo=False)
    summary = panel.results_summary.text()
    assert "（" in summary and "。地图图层：" in summary, summary
    g = panel.result.gdf
    penalised = (g["penalty"].fillna("") != "") & g["rank"].notna()
    first = int(g.index.get_loc(g.index[penalised.to_numpy()][0]))
    panel.select_site(first)
    footer = panel.explain.footer.text()
    assert footer.startswith("各项贡献之和即加权得分 ") and "。扣分：" in footer, footer
    panel.select_site(int(np.flatnonzero(g["excluded"].to_numpy())[0]))
    header = panel.explain.header.text()
    assert "已排除：" in header
    tips = [panel.constraints.index(0, c).data(Qt.ItemDataRole.ToolTipRole)
            for c in range(panel.constraints.columnCount())]
    assert tips[0].startswith("<b>在采沉陷区</b>（active_mining）：压占采煤沉陷区")
    crit_tip = panel.criteria.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert_chinese_punctuation(summary, footer, header, *tips, crit_tip)

    chinese(panel, False)  # English as before
    assert ". Map layer: " in panel.results_summary.text()
    assert " (" in panel.results_summary.text()
    assert "Excluded: " in panel.explain.header.text()
    tip = panel.constraints.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("<b>Active mining</b> (active_mining): overlaps subsidence_zones")


def test_compare_summary_and_headers_in_chinese(qtbot, panel):
    chinese(panel)
    compare = panel.compare
    compare.a_box.setCurrentIndex(compare.a_box.findData("sme-space"))
    compare.b_box.setCurrentIndex(compare.b_box.findData("place-making"))
    compare.compare_button.click()
    run_and_wait(qtbot, panel, job=panel._job, require_result=False)
    text = compare.summary_label.text()
    assert "前 10 名重合：" in text and "<b>A</b> = 中小企业发展空间，" in text, text
    headers = [compare.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(compare.model.columnCount())]
    assert "A：中小企业发展空间" in headers and "B：城市更新与场所营造" in headers, headers
    assert_chinese_punctuation(text)
    chinese(panel, False)
    assert "Top 10 overlap: " in compare.summary_label.text()
    assert "A: sme-space" in [compare.model.headerData(c, Qt.Orientation.Horizontal)
                              for c in range(compare.model.columnCount())]


def test_inconsistent_members_listed_the_chinese_way(panel):
    from tests.gui.ranking.test_gaps import BAD, use_first_three

    chinese(panel)
    use_first_three(panel)
    panel.weights_group.group_radio.setChecked(True)
    panel.weights_group.add_member("甲", BAD)
    panel.weights_group.add_member("乙", BAD)
    report = panel.weights_group.weight_report.text()
    assert "一致性不足的成员（CR > 0.10）：甲、乙" in report, report
    assert_chinese_punctuation(report)


def test_rule_spaces_a_layer_name_that_is_not_chinese(panel):
    from hljgis.gui.i18n import set_language
    from hljgis.gui.ranking.texts import constraint_rule

    inside = {"name": "urban", "kind": "inside", "layer": "districts"}
    over = {"name": "x", "kind": "outside", "layer": "shanty_sites", "share": 0.3}
    set_language("zh")
    assert constraint_rule(inside) == "至少 50% 位于 districts 内"
    assert constraint_rule(over) == "超过 30% 位于 shanty_sites"
    assert constraint_rule(inside, {"districts": "区县"}.get) == "至少 50% 位于区县内"
    set_language("en")
    assert constraint_rule(inside) == "at least 50 % inside districts"


# ---------------------------------------------------------------------------- callouts


def test_result_layer_labels_are_callouts(qtbot, panel):
    from hljgis.core.style import Labels

    panel.select_scenario("sme-space")
    run_and_wait(qtbot, panel, monte_carlo=False)
    labels = panel.result_layer.style["labels"]
    assert labels["callout"] is True and labels["field"] == "label"
    assert Labels.from_dict(labels).callout


# ------------------------------------------------------------------------- screenshots


def test_screenshots_in_chinese(qtbot):
    """Grabs of the dock in Chinese on the bundled project (look at them after a change):
    set-up with the constraints, results, Explain and Compare, each checked for what it
    must show."""
    from PySide6.QtWidgets import QApplication

    from hljgis.gui.app import use_bundled_font
    from hljgis.io.bundled import bundled_project_path
    from hljgis.io.project_file import load_project
    from tests.gui import pixels

    if not bundled_project_path().exists():
        pytest.skip("bundled project not built")
    use_bundled_font(QApplication.instance())  # as the app does: Chinese, not boxes
    panel = next(gen := open_panel(qtbot, load_project(bundled_project_path())))
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        tag = os.environ.get("RANKPOLISH_TAG", "after")
        chinese(panel)
        panel.select_scenario("place-making")
        panel.city_box.setCurrentIndex(panel.city_box.findData("Jixi"))
        panel.tabs.setCurrentIndex(0)
        panel.tabs.widget(0).ensureWidgetVisible(panel.constraints_group)
        qtbot.wait(50)
        panel.grab().save(str(SHOTS / f"{tag}_setup.png"))
        rules = pixels.rows_drawn(panel.constraints_view)
        assert len(rules) >= 2 and min(rules) > 100, rules  # every rule written
        panel.tabs.widget(0).ensureWidgetVisible(panel.criteria_view)
        qtbot.wait(50)
        panel.grab().save(str(SHOTS / f"{tag}_criteria.png"))
        criteria = pixels.rows_drawn(panel.criteria_view)
        assert len(criteria) >= 5 and min(criteria) > 100, criteria
        run_and_wait(qtbot, panel, monte_carlo=False)
        panel.tabs.setCurrentIndex(1)
        qtbot.wait(50)
        panel.grab().save(str(SHOTS / f"{tag}_results.png"))
        ranked = pixels.rows_drawn(panel.results_view, column=1)[:5]  # names of the top
        assert len(ranked) == 5 and min(ranked) > 100, ranked
        g = panel.result.gdf
        shown = ((g["penalty"].fillna("") != "") | g["excluded"]).to_numpy()
        if shown.any():  # a site with a penalty or an exclusion, else the best site
            panel.select_site(int(np.flatnonzero(shown)[0]))
        else:
            panel.results_view.selectRow(0)
        panel.tabs.setCurrentIndex(2)
        qtbot.wait(50)
        shot = panel.grab()
        shot.save(str(SHOTS / f"{tag}_explain.png"))
        explain = pixels.rgb(shot.toImage())
        assert pixels.coloured(explain) > 1000  # the contribution bars
        compare = panel.compare
        compare.a_box.setCurrentIndex(compare.a_box.findData("sme-space"))
        compare.b_box.setCurrentIndex(compare.b_box.findData("place-making"))
        compare.compare_button.click()
        run_and_wait(qtbot, panel, job=panel._job, require_result=False)
        panel.tabs.setCurrentIndex(4)
        qtbot.wait(50)
        shot = panel.grab()
        shot.save(str(SHOTS / f"{tag}_compare.png"))
        compared = pixels.rgb(shot.toImage())
        assert pixels.changed(explain, compared) > 0.1 * explain.shape[0] * explain.shape[1]
        sites = pixels.rows_drawn(compare.view)[:5]  # the sites of either top 10
        assert len(sites) == 5 and min(sites) > 100, sites
        dots = pixels.coloured(pixels.crop(compared, panel, compare.chart_view))
        assert dots > 50, dots  # the rank-against-rank scatter is plotted
    finally:
        next(gen, None)


def test_raw_values_of_whole_numbers_have_no_false_decimals():
    from hljgis.gui.widgets.ranking_results import _num

    assert _num(8.0, whole=True) == "8"  # years since the ground became stable
    assert _num(1240.0, whole=True) == "1,240"
    assert _num(0.25, whole=True) == "0.250"
    assert _num(1.0) == "1.000"  # scores keep their decimals
