"""Asking for a table file: one XLSX/CSV filter, and a bare name gets the chosen extension."""

from __future__ import annotations

import pytest

from hljgis.gui import table_file_dialog
from hljgis.gui.table_file_dialog import TABLE_FILTER, ask_table_path


@pytest.fixture
def answer(monkeypatch):
    """Make the save dialog answer ``(path, chosen filter)`` and record what it was asked."""
    asked = []

    def set_answer(path, chosen):
        def ask(parent, caption, suggested, file_filter):
            asked.append((caption, suggested, file_filter))
            return path, chosen

        monkeypatch.setattr(table_file_dialog.QFileDialog, "getSaveFileName", ask)
        return asked

    return set_answer


@pytest.mark.parametrize(("typed", "chosen", "written"), [
    ("/tmp/sites", "CSV (*.csv)", "/tmp/sites.csv"),
    ("/tmp/sites", "Excel workbook (*.xlsx)", "/tmp/sites.xlsx"),
    ("/tmp/sites.csv", "Excel workbook (*.xlsx)", "/tmp/sites.csv"),  # a typed suffix wins
])
def test_a_bare_name_gets_the_chosen_extension(answer, typed, chosen, written):
    asked = answer(typed, chosen)
    assert ask_table_path(None, "Export table", "cities.xlsx") == written
    assert asked == [("Export table", "cities.xlsx", TABLE_FILTER)]


def test_cancel_is_none(answer):
    answer("", "")
    assert ask_table_path(None, "Export table", "cities.xlsx") is None


def test_the_filter_offers_xlsx_then_csv():
    assert TABLE_FILTER.split(";;") == ["Excel workbook (*.xlsx)", "CSV (*.csv)"]
