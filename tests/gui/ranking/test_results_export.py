"""Ranking dock "Export results...": the ranking best first as CSV and XLSX."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from tests.gui.ranking_support import open_panel, run_and_wait


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


def test_results_export_csv_and_xlsx_in_rank_order(qtbot, panel, tmp_path):
    assert not panel.export_results_button.isEnabled()
    run_and_wait(qtbot, panel, monte_carlo=False)
    assert panel.export_results_button.isEnabled()
    gdf = panel.result.gdf
    n_ranked = int(gdf["rank"].notna().sum())
    panel.export_results(str(tmp_path / "r.csv"))
    with open(tmp_path / "r.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "rank 排名" and "score 得分" in rows[0]
    assert len(rows) == 1 + len(gdf)
    ranks = [float(r[0]) for r in rows[1:1 + n_ranked]]
    assert ranks == sorted(ranks) and ranks[0] == 1.0
    # codes read as the table shows them (UI language), not True/False or raw codes
    excluded = rows[0].index("excluded 已排除")
    assert {r[excluded] for r in rows[1:]} <= {"Yes", "No"}
    crit = panel.result.scenario.criteria[0].name
    assert f"contrib_{crit} 贡献 {crit}" in rows[0]
    panel.export_results(str(tmp_path / "r.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    values = list(wb.worksheets[0].values)
    assert values[0][0] == "rank" and values[1][0] == "排名"
    assert values[2][values[0].index("score")] == pytest.approx(
        float(gdf.loc[gdf["rank"] == 1, "score"].iloc[0]))
    assert len(values) == 2 + len(gdf)
