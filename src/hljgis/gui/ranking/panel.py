"""The site-ranking dock: choose a scenario, adjust it, run it, and read the results.

A planner picks a scenario (the project's own or the ``sme-space`` / ``place-making``
presets), a city and a planning year, adjusts criteria, transforms and weights (typed or from
an AHP matrix), and runs it on a worker thread with progress and cancel. The result becomes
an "analysis" layer (graduated by score, the top N labelled) and is shown as a ranked table,
an explanation of the selected site, Monte Carlo rank ranges and a comparison of two
scenarios. Everything the panel changes goes through the Qt-free Session and Project.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.ranking_vocab import CITIES, city_label, city_title
from hljgis.analysis.scenario import Scenario
from hljgis.core.subsidence import planning_year
from hljgis.gui.i18n import current_language
from hljgis.gui.messages import translate_message
from hljgis.gui.ranking.constraints_model import ConstraintsModel
from hljgis.gui.ranking.constraints_table import ConstraintsTable
from hljgis.gui.ranking.criterion_editor import KIND_NAMES
from hljgis.gui.ranking.models import CriteriaModel
from hljgis.gui.ranking.run_results import RunResults
from hljgis.gui.ranking.scenarios import ScenarioChoice
from hljgis.gui.ranking.setup_tab import SetupTab
from hljgis.gui.ranking.texts import layer_title_zh
from hljgis.gui.widgets.ranking_worker import RankingRunner

_RED = "#c62828"
_GREEN = "#2e7d32"


class RankingPanel(ScenarioChoice, SetupTab, ConstraintsTable, RunResults, QWidget):
    """Scenario set-up, worker run and result views for ranking candidate sites.

    Parameters
    ----------
    session : hljgis.core.session.Session
        Gives the project (scenarios, layers) and the undoable ``add_layers``.

    Signals
    -------
    site_selected(str, int)
        Result layer name and the site's row position in it, when the planner picks a site
        in the results table (the main window selects it on the map).
    ranking_finished(str)
        Name of the result layer just added to the project.
    """

    site_selected = Signal(str, int)
    ranking_finished = Signal(str)

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.result = None
        self.result_inputs: list = []  # illustrative layers the shown result read
        self.result_layer = None
        self.scenario: Scenario | None = None
        #: The scenario being edited: every view of the set-up tab is bound to it, and
        #: each of its edits goes on the session's undo stack and marks the project unsaved.
        self.draft = ScenarioDraft()
        self._stop_tracking = session.track_draft(self.draft)
        self._project = None
        self._job: int | None = None
        self._job_kind = ""
        self._compare_names: tuple[str, str] = ("", "")
        self._started = 0.0
        self.runner = RankingRunner(self)

        # -- scenario, city, year ----------------------------------------------------------
        self.scenario_label, self.city_label, self.year_label = QLabel(), QLabel(), QLabel()
        self.scenario_box = QComboBox()
        self.scenario_box.setMinimumContentsLength(16)
        self.scenario_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.city_box = QComboBox()
        self.year_box = QSpinBox()
        self.year_box.setRange(1990, 2100)
        self.year_box.setKeyboardTracking(False)  # typing 2035 is one change, not four
        # the box shows and sets the project's planning year (issue #13): no year of its own
        self.year_box.setValue(planning_year(session.project))
        self.purpose = QLabel()
        self.purpose.setWordWrap(True)
        self.purpose.setStyleSheet("color: #555555;")
        head = QFormLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addRow(self.scenario_label, self.scenario_box)
        row = QHBoxLayout()
        row.addWidget(self.city_box, 1)
        row.addWidget(self.year_label)
        row.addWidget(self.year_box)
        head.addRow(self.city_label, row)

        # -- set-up and result tabs ----------------------------------------------------------
        setup = self._build_setup()
        results_page = self._build_results()
        self.tabs = QTabWidget()
        scroll = QScrollArea()  # a short dock scrolls the set-up instead of crushing the table
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(setup)
        self.tabs.addTab(scroll, "")
        self.tabs.addTab(results_page, "")
        self.tabs.addTab(self.explain, "")
        self.tabs.addTab(self.sensitivity_tabs, "")
        self.tabs.addTab(self.compare, "")

        # -- run bar -------------------------------------------------------------------------
        self.run_button = QPushButton()
        self.run_button.setDefault(True)
        font = self.run_button.font()
        font.setBold(True)
        self.run_button.setFont(font)
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(14)
        self.status = QLabel()
        self.status.setWordWrap(True)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(run_row)
        layout.addWidget(self.status)

        # -- connections ---------------------------------------------------------------------
        self.scenario_box.currentIndexChanged.connect(self._on_scenario_changed)
        self.draft.events.changed.connect(self._on_draft_changed)
        for editor in (self.criterion_editor, self.transform_editor, self.constraint_editor,
                       self.candidates_editor, self.about_editor):
            editor.rejected.connect(self._on_edit_rejected)
        self.candidates_editor.said.connect(self._say)
        self.transform_editor.compute_requested.connect(self.compute_values)
        self.values_runner.finished.connect(self._on_values_finished)
        self.values_runner.failed.connect(
            lambda job, message: self._on_values_failed(job, message))
        self.duplicate_criterion_button.clicked.connect(lambda: self.duplicate_criterion())
        self.remove_criterion_button.clicked.connect(lambda: self.remove_criterion())
        self.up_button.clicked.connect(lambda: self.move_criterion(-1))
        self.down_button.clicked.connect(lambda: self.move_criterion(+1))
        self.add_constraint_button.clicked.connect(lambda: self.add_constraint())
        self.remove_constraint_button.clicked.connect(lambda: self.remove_constraint())
        self.constraints_view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._on_constraint_row_changed(cur.row()))
        self.import_button.clicked.connect(lambda: self.import_json())
        self.duplicate_button.clicked.connect(lambda: self.duplicate_scenario())
        self.year_box.valueChanged.connect(self._on_year_changed)
        self.aggregation_box.activated.connect(lambda _i: self._draft_edit(
            lambda: self.draft.set_aggregation(self.aggregation_box.value())))
        self.nan_box.activated.connect(lambda _i: self._draft_edit(
            lambda: self.draft.set_nan_policy(self.nan_box.value())))
        self.city_box.currentIndexChanged.connect(self._on_city_changed)
        session.events.about_to_save.connect(self._on_about_to_save)
        session.events.saved.connect(self._on_saved)
        session.events.planning_year_changed.connect(self._on_planning_year_changed)
        self.criteria.rejected.connect(self._on_edit_rejected)
        self.constraints.rejected.connect(self._on_edit_rejected)
        self.criteria_view.selectionModel().currentRowChanged.connect(
            self._on_criterion_row_changed)
        self.mc_check.toggled.connect(self._on_mc_changed)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(lambda: self.save_to_project())
        self.export_button.clicked.connect(lambda: self.export_json())
        self.reset_button.clicked.connect(self.revert)
        self.results_view.selectionModel().currentRowChanged.connect(self._on_result_row_changed)
        self.export_results_button.clicked.connect(lambda: self.export_results())
        self.compare.compare_requested.connect(self._on_compare_requested)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_run_finished)
        self.runner.failed.connect(self._on_run_failed)
        self.runner.cancelled.connect(self._on_run_cancelled)
        session.events.project_changed.connect(self._on_project_changed)
        self._watch_project(session.project)
        from hljgis.gui.ranking.live import connect_panel

        self.live = connect_panel(self)  # edits after a run re-colour the map at once

        self.retranslate()
        self.refresh_scenarios(select=session.project.metadata.get("ranking_scenario"))

    def _layer_title_zh(self, name: str) -> str:
        """A project layer's Chinese title (its table name when it has none or is missing)."""
        return layer_title_zh(self.session.project, name)

    def _city_title_zh(self, city: str) -> str:
        """A city's Chinese name as the Explain header gives it: the project's bookmark title
        (鸡西市), the catalogue's name (鸡西) without a bookmark."""
        return city_title(self.session.project, city).zh

    def _say(self, text: str, error: bool = False, ok: bool = False) -> None:
        self.status.setText(translate_message(text) if error else text)  # errors: the core's
        self.status.setStyleSheet(f"color: {_RED};" if error else
                                  f"color: {_GREEN};" if ok else "")

    def _on_project_changed(self, _project) -> None:
        self.result = None
        self.result_layer = None
        self.illustrative_note.hide()
        self.results_summary.clear()  # "2 of 3 sites ranked" was the closed project's
        self.results.set_result(None)
        self.export_results_button.setEnabled(False)
        self.explain.clear()
        self.sensitivity.set_result(None)
        self.sweep.set_result(None)
        self.scenario = None
        self.draft.mark_stored()  # edits of the project that was closed stay with it
        self._watch_project(self.session.project)
        self._show_year()
        self.refresh_scenarios(select=self.session.project.metadata.get("ranking_scenario"))

    def _watch_project(self, project) -> None:
        """Follow the project's scenario changes (a store, its undo) in the scenario list."""
        if self._project is not None:
            with contextlib.suppress(TypeError, ValueError, RuntimeError):
                self._project.events.changed.disconnect(self._on_project_item_changed)
                self._project.events.layer_added.disconnect(self._on_layers_changed)
                self._project.events.layer_removed.disconnect(self._on_layers_changed)
        self._project = project
        project.events.changed.connect(self._on_project_item_changed)
        project.events.layer_added.connect(self._on_layers_changed)
        project.events.layer_removed.connect(self._on_layers_changed)

    def _on_layers_changed(self, *_args) -> None:
        """A layer came or went: the pickers offer the project's layers as they are."""
        for editor in (self.candidates_editor, self.criterion_editor, self.constraint_editor):
            editor.refresh()

    def _on_project_item_changed(self, what: str) -> None:
        if what.startswith("scenario:"):
            self._relist_scenarios()

    def retranslate(self) -> None:
        self.scenario_label.setText(self.tr("Scenario"))
        self.export_results_button.setText(self.tr("Export results..."))
        self.city_label.setText(self.tr("City"))
        self.year_label.setText(self.tr("Planning year"))
        self.year_box.setToolTip(self.tr(
            "Year the subsidence status is shown for: map, legend, attribute table, "
            "new ranking scenarios and exports follow it (undoable)"))
        current = self.city_box.currentData()
        self.city_box.blockSignals(True)
        self.city_box.clear()
        self.city_box.addItem(self.tr("All four cities"), None)
        for city in CITIES:
            self.city_box.addItem(city_label(city, current_language()), city)
        self.city_box.setCurrentIndex(max(0, self.city_box.findData(current)))
        self.city_box.blockSignals(False)
        self.constraints_group.setTitle(self.tr("Constraints"))
        self.constraints_note.setText(self.tr(
            "Action: exclude the sites a rule hits (the reason is recorded), or keep them with "
            "a penalty: score × factor (0..1) or score − amount."))
        self.constraints.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                                len(ConstraintsModel.HEADERS) - 1)
        self.weights_group.retranslate()
        self.aggregation_label.setText(self.tr("Combine scores by"))
        self.nan_label.setText(self.tr("A site missing a value"))
        for box in (self.aggregation_box, self.nan_box):
            box.retranslate()
        self.options_group.setTitle(self.tr("Options"))
        self.mc_check.setText(self.tr("Monte Carlo weight sensitivity"))
        self.runs_label.setText(self.tr("Runs, weight change"))
        self.mc_check.setToolTip(self.tr("Vary all weights at random and record each site's "
                                         "best and worst rank"))
        self.topk_label.setText(self.tr("top k"))
        self.label_label.setText(self.tr("Label the best N on the map"))
        self.save_button.setText(self.tr("Save in project..."))
        self.export_button.setText(self.tr("Export JSON..."))
        self.import_button.setText(self.tr("Import JSON..."))
        self.duplicate_button.setText(self.tr("Duplicate..."))
        self.duplicate_button.setToolTip(self.tr("Copy this scenario (a preset too) into the "
                                                 "project as your own, to edit and save"))
        self.reset_button.setText(self.tr("Revert edits"))
        self.candidates_group.setTitle(self.tr("Candidate sites"))
        self.add_criterion_button.setText(self.tr("Add criterion"))
        for action in self.add_criterion_menu.actions():
            action.setText(self.tr(KIND_NAMES[action.data()]))
        self.duplicate_criterion_button.setText(self.tr("Duplicate"))
        self.remove_criterion_button.setText(self.tr("Remove"))
        self.up_button.setToolTip(self.tr("Move up"))
        self.down_button.setToolTip(self.tr("Move down"))
        self.criterion_tabs.setTabText(0, self.tr("Transform"))
        self.criterion_tabs.setTabText(1, self.tr("Definition"))
        self.add_constraint_button.setText(self.tr("Add constraint"))
        self.remove_constraint_button.setText(self.tr("Remove"))
        for editor in (self.candidates_editor, self.criterion_editor, self.transform_editor,
                       self.constraint_editor, self.about_editor):
            editor.retranslate()
        self.about_group.setTitle(self.tr("Title and purpose"))
        self.run_button.setText(self.tr("Run ranking"))
        self.cancel_button.setText(self.tr("Cancel"))
        for i, text in enumerate(("Set-up", "Results", "Explain", "Sensitivity", "Compare")):
            self.tabs.setTabText(i, self.tr(text))
        self.explain.clear() if self.result is None else None
        self.sensitivity.retranslate()
        self.sweep.retranslate()
        self.sensitivity_tabs.setTabText(0, self.tr("Monte Carlo"))
        self.sensitivity_tabs.setTabText(1, self.tr("Weight sweep"))
        self.compare.retranslate()
        self._relabel_scenarios()
        self.criteria.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                             len(CriteriaModel.HEADERS) - 1)
        self.weights_group.refresh() if self.scenario is not None else None
        # texts that come from the scenario and the results: purpose, rationale, reasons
        self._show_purpose()
        self._on_criterion_row_changed(self.criteria_view.currentIndex(), None)
        if self.constraints.rowCount():
            self.constraints.dataChanged.emit(
                self.constraints.index(0, 0),
                self.constraints.index(self.constraints.rowCount() - 1,
                                       len(ConstraintsModel.HEADERS) - 1))
            self._size_constraint_columns()  # the texts' widths changed with the language
        if self.result is not None and self.results.result is self.result:
            self._show_summary()
            row = self.results_view.currentIndex().row()
            self.results.set_result(self.result)
            if row >= 0:
                self.results_view.selectRow(row)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "tabs"):
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the worker thread and stop listening to the session."""
        with contextlib.suppress(TypeError, ValueError, RuntimeError):
            self.session.events.project_changed.disconnect(self._on_project_changed)
            self.session.events.about_to_save.disconnect(self._on_about_to_save)
            self.session.events.saved.disconnect(self._on_saved)
            self.session.events.planning_year_changed.disconnect(
                self._on_planning_year_changed)
        with contextlib.suppress(TypeError, ValueError, RuntimeError):
            self._project.events.changed.disconnect(self._on_project_item_changed)
            self._project.events.layer_added.disconnect(self._on_layers_changed)
            self._project.events.layer_removed.disconnect(self._on_layers_changed)
        self._stop_tracking()
        self.values_runner.stop(2.0)
        self.runner.stop(2.0)
        self.live.shutdown()
