""""Export results..." of the ranking dock: the shown ranking as CSV or XLSX.

Kept out of ``panel.py`` (already long): the panel adds a button and calls
:func:`export_results`. Sites come best first with each criterion's raw value, 0-1 score
and contribution (:func:`hljgis.io.table_export.ranking_frame`); an XLSX carries the
illustrative-data warning on a second sheet, as the maps and score cards do.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from hljgis.gui.table_file_dialog import TABLE_FILTER


def export_results(panel, path: str | None = None) -> Path | None:
    """Write ``panel.result`` to ``path`` (asked for when None); returns the file or None."""
    from hljgis.core.errors import InputError
    from hljgis.export.sources import ranking_note
    from hljgis.gui.background import Cancelled, run_with_progress
    from hljgis.gui.dialogs.export_dialogs import show_error
    from hljgis.gui.i18n import current_language
    from hljgis.io.table_export import label_codes, ranking_frame, write_table

    result = panel.result
    if result is None:
        return None
    name = result.scenario.name
    if not path:
        path, chosen = QFileDialog.getSaveFileName(
            panel, panel.tr("Export results"), f"ranking-{name}.xlsx",
            TABLE_FILTER)
        if not path:
            return None
        if not Path(path).suffix:
            path += ".csv" if "csv" in chosen.lower() else ".xlsx"
    note = ranking_note(getattr(panel, "result_inputs", []) or [], "both")

    writing = panel.tr("Writing") + f" {Path(path).name} ..."  # tr on the GUI thread
    lang = current_language()  # codes (site type, city, excluded) as the table shows them

    def work(progress):  # rows cancellable, saving the file not
        def report(fraction: float, _message: str, cancellable: bool = True) -> None:
            progress(fraction, writing, cancellable)

        frame = label_codes(ranking_frame(result.gdf), lang)
        return write_table(frame, path, sheet=f"ranking {name}",
                           notes=note.split("\n") if note else None, progress=report)

    try:
        return run_with_progress(panel, panel.tr("Exporting") + f" {Path(path).name} ...",
                                 work)
    except Cancelled:
        return None
    except (InputError, OSError) as exc:
        show_error(panel, panel.tr("Export failed"), exc)
        return None
