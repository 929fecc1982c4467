"""Asking where to write a table: the one CSV/XLSX choice every table export offers.

The attribute table and the ranking dock both export rows as an Excel workbook or CSV
(:func:`hljgis.io.table_export.write_table` picks the writer by extension); the filter and
the extension a bare name gets live here so the two questions stay the same.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

#: The save dialog's filter for a table: XLSX first (what planners send on), then CSV.
TABLE_FILTER = "Excel workbook (*.xlsx);;CSV (*.csv)"


def ask_table_path(parent: QWidget, caption: str, suggested: str) -> str | None:
    """Ask for an XLSX or CSV file; None when cancelled.

    A name typed without an extension gets the one of the chosen filter, so "sites" with CSV
    chosen is written as ``sites.csv``, not as a workbook without a suffix.
    """
    path, chosen = QFileDialog.getSaveFileName(parent, caption, suggested, TABLE_FILTER)
    if not path:
        return None
    if not Path(path).suffix:
        path += ".csv" if "csv" in chosen.lower() else ".xlsx"
    return path
