"""The ranking dock's runs and results: run or compare on the worker thread with progress
and cancel, then the result as a map layer, the ranked table, its summary and the
explain, sensitivity and comparison views.

A mixin of :class:`~hljgis.gui.ranking.panel.RankingPanel`.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QTabWidget, QVBoxLayout, QWidget

from hljgis.core.errors import InputError
from hljgis.gui.i18n import current_language
from hljgis.gui.messages import translate_message
from hljgis.gui.ranking.results_models import ResultsModel
from hljgis.gui.ranking.texts import punct
from hljgis.gui.widgets.ranking_compare import CompareView
from hljgis.gui.widgets.ranking_results import ExplainView
from hljgis.gui.widgets.ranking_sensitivity import SensitivityView, WeightSweepView


class RunResults:
    """Runs the edited scenario and shows what came back."""

    def _build_results(self) -> QWidget:
        """The results page (summary, warning, table, export) and the explain,
        sensitivity and comparison views; returns the results page."""
        self.results = ResultsModel(self)
        self.results.layer_title = self._layer_title_zh
        self.results.city_title = self._city_title_zh
        self.results_view = QTableView()
        self.results_view.setModel(self.results)
        self.results_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.results_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.results_view.verticalHeader().hide()
        self.results_view.horizontalHeader().setStretchLastSection(True)
        self.results_view.setWordWrap(False)
        self.results_summary = QLabel()
        self.results_summary.setWordWrap(True)
        results_page = QWidget()
        rl = QVBoxLayout(results_page)
        rl.setContentsMargins(2, 2, 2, 2)
        rl.addWidget(self.results_summary)
        self.illustrative_note = QLabel()  # the maps' warning when inputs are illustrative
        self.illustrative_note.setWordWrap(True)
        self.illustrative_note.setStyleSheet("color: #b35806; font-weight: bold")
        self.illustrative_note.hide()
        rl.addWidget(self.illustrative_note)
        rl.addWidget(self.results_view, 1)
        self.export_results_button = QPushButton()  # CSV/XLSX (gui/ranking/results_export)
        self.export_results_button.setEnabled(False)
        rl.addWidget(self.export_results_button, 0, Qt.AlignmentFlag.AlignRight)
        self.explain = ExplainView()
        self.sensitivity = SensitivityView()
        self.sweep = WeightSweepView()
        self.sensitivity_tabs = QTabWidget()  # Monte Carlo ranges | one-at-a-time sweep
        self.sensitivity_tabs.setDocumentMode(True)
        self.sensitivity_tabs.addTab(self.sensitivity, "")
        self.sensitivity_tabs.addTab(self.sweep, "")
        self.compare = CompareView()
        self.compare.city_title = self._city_title_zh
        return results_page

    def is_running(self) -> bool:
        return self._job is not None

    def run(self) -> int | None:
        """Start ranking the edited scenario; returns the job id (None if refused)."""
        if self.is_running():
            return None
        try:
            sc = self.edited_scenario()
            sc.resolve_weights()
        except (InputError, ValueError) as exc:
            self._say(str(exc), error=True)
            return None
        return self._start("run", [{"scenario": sc, "city": self.city()}])

    def cancel(self) -> None:
        if self.is_running():
            self.runner.cancel()
            self._say(self.tr("Cancelling..."))

    def _start(self, kind: str, tasks: list[dict]) -> int:
        self._job_kind = kind
        self._started = time.perf_counter()
        self._job = self.runner.submit(self.session.project, tasks)
        self.run_button.setEnabled(False)
        self.compare.compare_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self._say(self.tr("Running..."))
        return self._job

    def _idle(self) -> None:
        self._job = None
        self.run_button.setEnabled(True)
        self.compare.compare_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _on_progress(self, fraction: float, message: str) -> None:
        if self._job is not None:
            self.progress.setValue(int(1000 * fraction))
            self.status.setStyleSheet("")
            message = translate_message(message)
            self.status.setText(f"{100 * fraction:.0f} %  {message}")

    def _on_run_failed(self, job_id: int, message: str) -> None:
        if job_id != self._job:
            return
        self._idle()
        self.progress.setValue(0)
        self._say(message, error=True)

    def _on_run_cancelled(self, job_id: int) -> None:
        if job_id != self._job:
            return
        self._idle()
        self.progress.setValue(0)
        self._say(self.tr("Cancelled; nothing was added to the project."))

    def _on_run_finished(self, job_id: int) -> None:
        if job_id != self._job:
            return
        results = self.runner.take(job_id)
        self._idle()
        self.progress.setValue(1000)
        if self._job_kind == "compare":
            self.compare.set_results(results[0], results[1], self._compare_names)
            self._say(self.tr("Comparison ready"))
            return
        self.show_result(results[0])

    def show_result(self, result, add_layer: bool = True) -> None:
        """Show a RankingResult in the tabs and (by default) add it as a layer."""
        from hljgis.analysis.inputs import illustrative_inputs

        self.result = result
        # the layers as they were when it ran: a later replacement does not clear the warning
        self.result_inputs = illustrative_inputs(self.session.project, result.scenario)
        self.result_layer = self._result_layer(result) if add_layer else None
        if self.result_layer is not None:
            # a re-run of the scenario replaces its earlier result (one undo step)
            self.session.put_result_layer(self.result_layer)
        self.results.set_result(result)
        self.export_results_button.setEnabled(True)
        # rank narrow, the site's name ("Parcel 17, Taoshan District") as wide as it needs,
        # up to half the view (Qt measures the first 1,000 rows only)
        self.results_view.resizeColumnToContents(0)
        self.results_view.setColumnWidth(1, min(self.results_view.sizeHintForColumn(1),
                                                max(120, self.results_view.width() // 2)))
        self.sensitivity.set_result(result)
        self.sweep.set_result(result)
        seconds = time.perf_counter() - self._started if self._started else 0.0
        self._show_summary()
        self.tabs.setCurrentIndex(1)
        if self.results.rowCount():
            self.results_view.selectRow(0)
        self._say(self.tr("Ranking done in {s} s").format(s=f"{seconds:.1f}"), ok=True)
        if self.result_layer is not None:
            self.ranking_finished.emit(self.result_layer.name)

    def _show_summary(self, counts: tuple[int, int] | None = None) -> None:
        """Sites ranked, excluded and penalised, and the map layer, in the interface
        language; ``counts``: (ranked, penalised) when known (a live edit counts them on
        its worker: at a million sites the penalty texts take 15 ms to count here)."""
        result = self.result
        g = result.gdf
        if counts is not None:
            ranked, penalised = counts
        else:
            ranked = int(g["rank"].notna().sum())
            penalised = int(((g["penalty"].fillna("").astype(str) != "") &
                             g["rank"].notna()).sum()) if "penalty" in g.columns else 0
        text = (self.tr("{r} of {n} sites ranked, {x} excluded").format(
            r=f"{ranked:,}", n=f"{len(g):,}", x=f"{len(g) - ranked:,}") +
            punct(" (") + self.tr(str(result.weight_report.get("method"))) +
            (punct(", ") + f"CR {result.weight_report['cr']:.3f}"
             if "cr" in result.weight_report else "") + punct(")"))
        if penalised:
            text += punct(". ") + self.tr("{p} ranked with a penalty").format(
                p=f"{penalised:,}")
        if self.result_layer is not None:
            text += punct(". ") + self.tr("Map layer") + punct(": ") + self.result_layer.name
        self.results_summary.setText(text)
        from hljgis.export.sources import ranking_note

        note = ranking_note(self.result_inputs, current_language())
        self.illustrative_note.setText(note)
        self.illustrative_note.setVisible(bool(note))

    def _result_layer(self, result):
        """The result as an analysis layer: graduated by score in the fixed 0-0.2 ... 0.8-1
        classes of the printed atlas, the best N labelled '#rank' (a new layer: the result
        stays as it ran)."""
        from hljgis.analysis.ranking_layer import ranking_layer

        return ranking_layer(result, label_top=self.label_box.value())

    def _on_result_row_changed(self, current, _previous) -> None:
        if not current.isValid() or self.result is None:
            return
        position = self.results.position(current.row())
        self.explain.set_site(self.result, position, self.session.project)
        if self.result_layer is not None:
            self.site_selected.emit(self.result_layer.name, position)

    def select_site(self, position: int) -> None:
        """Select the result row of a site (e.g. one clicked on the map)."""
        row = self.results.row_of(position)
        if row >= 0:
            self.results_view.selectRow(row)

    def _on_compare_requested(self, key_a: str, key_b: str) -> None:
        if self.is_running():
            return
        tasks, names = [], []
        for key in (key_a, key_b):
            try:
                sc = self.edited_scenario() if not key else self._resolve(key).copy(
                    planning_year=self.year(), sensitivity=None)
            except (InputError, KeyError) as exc:
                self._say(str(exc), error=True)
                return
            tasks.append({"scenario": sc, "city": self.city(), "sensitivity": None})
            names.append(key or self.tr("edited") + f" {sc.name}")
        for t in tasks:  # ranks only: no Monte Carlo for a comparison
            t["scenario"] = t["scenario"].copy(sensitivity=None)
        self._compare_names = (names[0], names[1])
        self._start("compare", tasks)

    def export_results(self, path: str | None = None):
        """The shown ranking as CSV or XLSX (see gui/ranking/results_export.py)."""
        from hljgis.gui.ranking.results_export import export_results

        return export_results(self, path)
