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
import time

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTextBoundaryFinder, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.presets import PRESETS, fill_chinese_from_preset, preset
from hljgis.analysis.ranking_vocab import CITIES, city_label, city_title
from hljgis.analysis.scenario import Scenario, ScenarioError, load_scenario, save_scenario
from hljgis.core.errors import InputError
from hljgis.core.subsidence import planning_year
from hljgis.gui.i18n import current_language, tr
from hljgis.gui.messages import translate_message
from hljgis.gui.ranking.about_editor import AboutEditor
from hljgis.gui.ranking.candidates_editor import CandidatesEditor
from hljgis.gui.ranking.constraint_editor import ConstraintEditor
from hljgis.gui.ranking.constraints_model import (
    ACTION_NAMES,
    ConstraintActionDelegate,
    ConstraintsModel,
)
from hljgis.gui.ranking.criterion_editor import KIND_NAMES, CriterionEditor
from hljgis.gui.ranking.forms import ChoiceBox, attempt
from hljgis.gui.ranking.models import BarDelegate, CriteriaModel, TransformKindDelegate
from hljgis.gui.ranking.results_models import ResultsModel
from hljgis.gui.ranking.texts import (
    criterion_rationale,
    criterion_title,
    layer_title_zh,
    punct,
)
from hljgis.gui.ranking.transform_editor import TransformEditor
from hljgis.gui.ranking.weights_view import WeightsView
from hljgis.gui.widgets.ranking_results import (
    CompareView,
    ExplainView,
    SensitivityView,
    WeightSweepView,
)
from hljgis.gui.widgets.ranking_worker import RankingRunner

AGGREGATION_NAMES = {"wlc": "Weighted sum (WLC)", "topsis": "Closeness to the ideal (TOPSIS)"}
NAN_NAMES = {"exclude": "is excluded", "zero": "scores 0 on it",
             "renormalize": "is scored on its other criteria"}
_RED = "#c62828"
_GREEN = "#2e7d32"


def _numeric(column) -> np.ndarray | None:
    """A raw-value column as floats, or None for categories (land-use classes...), which
    have no histogram on a number line."""
    try:
        return column.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        return None


def _widest_unbreakable(fm, text: str) -> int:
    """Width of the longest piece of ``text`` a word-wrapping cell cannot break (Qt's line
    breaking: between words, between any two Chinese characters, brackets kept on)."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
    widest, start = 0, 0
    while (end := finder.toNextBoundary()) >= 0:
        widest = max(widest, fm.horizontalAdvance(text[start:end].rstrip()))
        start = end
    return widest


class RankingPanel(QWidget):
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

        # -- set-up tab ----------------------------------------------------------------------
        self.criteria = CriteriaModel(self.draft, self)
        self.criteria_view = QTableView()
        self.criteria_view.setModel(self.criteria)
        self.criteria_view.verticalHeader().hide()
        self.criteria_view.setWordWrap(False)
        self.criteria_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.criteria_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.criteria_view.setItemDelegateForColumn(CriteriaModel.SHARE,
                                                    BarDelegate(self.criteria_view))
        self.criteria_view.setItemDelegateForColumn(CriteriaModel.TRANSFORM,
                                                    TransformKindDelegate(self.criteria_view))
        hh = self.criteria_view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(CriteriaModel.PARAMS, QHeaderView.ResizeMode.Stretch)
        for col, width in ((CriteriaModel.USE, 200), (CriteriaModel.WEIGHT, 44),
                           (CriteriaModel.SHARE, 58), (CriteriaModel.TRANSFORM, 92),
                           (CriteriaModel.UNIT, 44)):
            self.criteria_view.setColumnWidth(col, width)
        hh.moveSection(CriteriaModel.UNIT, CriteriaModel.TRANSFORM)  # unit beside the weight
        self.rationale = QLabel()
        self.rationale.setWordWrap(True)
        self.rationale.setTextFormat(Qt.TextFormat.RichText)
        self.rationale.setStyleSheet("background: #f7f4ec; padding: 4px;")
        self.rationale.setMinimumHeight(48)

        # constraints: exclude the sites a rule hits, or keep them with a penalty
        self.constraints_group = QGroupBox()
        self.constraints = ConstraintsModel(self.draft, self)
        self.constraints.layer_title = self._layer_title_zh
        self.constraints_view = QTableView()
        self.constraints_view.setModel(self.constraints)
        self.constraints_view.verticalHeader().hide()
        # long names, rules and reasons wrap onto more lines instead of being cut off: the
        # action and penalty fit their text, the name and rule take what they need up to a
        # share of the width (_size_constraint_columns), the reason the rest
        self.constraints_view.setWordWrap(True)
        self.constraints_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.constraints_view.setItemDelegateForColumn(
            ConstraintsModel.ACTION, ConstraintActionDelegate(self.constraints_view))
        self.constraints_view.setEditTriggers(QTableView.EditTrigger.AllEditTriggers)
        ch = self.constraints_view.horizontalHeader()
        ch.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        ch.setSectionResizeMode(ConstraintsModel.REASON, QHeaderView.ResizeMode.Stretch)
        ch.moveSection(ConstraintsModel.ACTION, ConstraintsModel.RULE)  # action beside name
        ch.moveSection(ConstraintsModel.VALUE, ConstraintsModel.RULE + 1)
        # refits wait for the event loop: the header reports a stretched section's new size
        # before the section has it
        self._fit_rows_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_rows_timer.timeout.connect(self._fit_constraint_rows)
        self._fit_columns_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_columns_timer.timeout.connect(self._size_constraint_columns)
        ch.sectionResized.connect(lambda *_: self._fit_rows_timer.start())
        self.constraints.dataChanged.connect(lambda *_: self._fit_rows_timer.start())
        self.constraints_view.viewport().installEventFilter(self)
        self.constraints_note = QLabel()
        self.constraints_note.setWordWrap(True)
        self.constraints_note.setStyleSheet("color: #555555;")
        self.constraints_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.constraints_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.add_constraint_button = QPushButton()
        self.remove_constraint_button = QPushButton()
        self.constraint_editor = ConstraintEditor(self.draft, lambda: self.session.project)
        self.constraint_editor.setVisible(False)
        cbar = QHBoxLayout()
        cbar.addWidget(self.add_constraint_button)
        cbar.addWidget(self.remove_constraint_button)
        cbar.addStretch(1)
        cl = QVBoxLayout(self.constraints_group)
        cl.addWidget(self.constraints_view)
        cl.addLayout(cbar)
        cl.addWidget(self.constraint_editor)
        cl.addWidget(self.constraints_note)

        # candidate sites, and the selected criterion: its definition and its transform
        self.candidates_group = QGroupBox()
        self.candidates_editor = CandidatesEditor(self.draft, session)
        QVBoxLayout(self.candidates_group).addWidget(self.candidates_editor)
        self.add_criterion_button = QToolButton()
        self.add_criterion_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_criterion_menu = QMenu(self)
        for kind in KIND_NAMES:
            action = self.add_criterion_menu.addAction("")
            action.setData(kind)
            action.triggered.connect(lambda _on=False, kind=kind: self.add_criterion(kind))
        self.add_criterion_button.setMenu(self.add_criterion_menu)
        self.duplicate_criterion_button = QPushButton()
        self.remove_criterion_button = QPushButton()
        self.up_button, self.down_button = QPushButton("▲"), QPushButton("▼")
        for b in (self.up_button, self.down_button):
            b.setFixedWidth(30)
        crit_bar = QHBoxLayout()
        crit_bar.addWidget(self.add_criterion_button)
        crit_bar.addWidget(self.duplicate_criterion_button)
        crit_bar.addWidget(self.remove_criterion_button)
        crit_bar.addStretch(1)
        crit_bar.addWidget(self.up_button)
        crit_bar.addWidget(self.down_button)
        self.criterion_editor = CriterionEditor(self.draft, lambda: self.session.project)
        self.transform_editor = TransformEditor(self.draft, self.criterion_values)
        self.criterion_tabs = QTabWidget()
        self.criterion_tabs.setDocumentMode(True)
        self.criterion_tabs.addTab(self.transform_editor, "")
        self.criterion_tabs.addTab(self.criterion_editor, "")
        self._values: dict[str, np.ndarray] = {}  # raw values by what a criterion measures
        self._values_job: tuple[int, str, str] | None = None
        self.values_runner = RankingRunner(self)

        self.weights_group = WeightsView(self.draft, self.criteria, self._say)

        self.about_group = QGroupBox()  # title and purpose, in both languages
        self.about_editor = AboutEditor(self.draft)
        QVBoxLayout(self.about_group).addWidget(self.about_editor)

        self.options_group = QGroupBox()
        self.mc_check = QCheckBox()
        self.mc_check.setChecked(True)
        self.runs_box = QSpinBox()
        self.runs_box.setRange(10, 5000)
        self.runs_box.setValue(200)
        self.perturb_box = QDoubleSpinBox()
        self.perturb_box.setRange(1, 90)
        self.perturb_box.setDecimals(0)
        self.perturb_box.setValue(20)
        self.perturb_box.setSuffix(" %")
        self.perturb_box.setPrefix("± ")
        self.topk_box = QSpinBox()
        self.topk_box.setRange(1, 500)
        self.topk_box.setValue(10)
        self.label_box = QSpinBox()
        self.label_box.setRange(0, 200)
        self.label_box.setValue(10)
        self.runs_label, self.topk_label, self.label_label = QLabel(), QLabel(), QLabel()
        ol = QFormLayout(self.options_group)
        mc_row = QHBoxLayout()
        mc_row.addWidget(self.runs_box)
        mc_row.addWidget(self.perturb_box)
        mc_row.addWidget(self.topk_label)
        mc_row.addWidget(self.topk_box)
        mc_row.addStretch(1)
        ol.addRow(self.mc_check)
        ol.addRow(self.runs_label, mc_row)
        label_row = QHBoxLayout()
        label_row.addWidget(self.label_box)
        label_row.addStretch(1)
        ol.addRow(self.label_label, label_row)
        # how the scores combine, and what a missing value does: part of the scenario
        self.aggregation_box = ChoiceBox(AGGREGATION_NAMES)
        self.nan_box = ChoiceBox(NAN_NAMES)
        self.aggregation_label, self.nan_label = QLabel(), QLabel()
        ol.addRow(self.aggregation_label, self.aggregation_box)
        ol.addRow(self.nan_label, self.nan_box)

        self.save_button = QPushButton()
        self.export_button = QPushButton()
        self.import_button = QPushButton()
        self.duplicate_button = QPushButton()
        self.reset_button = QPushButton()
        files = QHBoxLayout()
        files.addWidget(self.reset_button)
        files.addStretch(1)
        files.addWidget(self.duplicate_button)
        files.addWidget(self.save_button)
        files2 = QHBoxLayout()
        files2.addStretch(1)
        files2.addWidget(self.import_button)
        files2.addWidget(self.export_button)

        setup = QWidget()
        sl = QVBoxLayout(setup)
        sl.setContentsMargins(2, 2, 2, 2)
        sl.addWidget(self.purpose)
        sl.addWidget(self.candidates_group)
        sl.addWidget(self.criteria_view, 1)
        sl.addLayout(crit_bar)
        sl.addWidget(self.rationale)
        sl.addWidget(self.criterion_tabs)
        sl.addWidget(self.weights_group)
        sl.addWidget(self.constraints_group)
        sl.addWidget(self.about_group)
        sl.addWidget(self.options_group)
        sl.addLayout(files)
        sl.addLayout(files2)

        # -- result tabs ---------------------------------------------------------------------
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

    # ================================================================== scenarios
    def scenario_items(self) -> list[tuple[str, str]]:
        """(label, key) of every scenario: the project's first, then presets it lacks."""
        zh = current_language() == "zh"
        project = self.session.project.scenarios
        items = []
        for name, data in project.items():
            title = (data.get("title_zh") if zh else None) or data.get("title") or ""
            items.append((f"{name} – {title}" if title else name, name))
        for name, data in PRESETS.items():
            if name not in project:
                title = data.get("title_zh") if zh else data.get("title")
                items.append((f"{name} – {title}{punct(' (')}{self.tr('preset')}{punct(')')}",
                              name))
        return items

    def refresh_scenarios(self, select: str | None = None) -> None:
        """Re-list the scenarios (after a project change or a save), keeping the choice."""
        current = select or self.scenario_box.currentData()
        items = self.scenario_items()
        self.scenario_box.blockSignals(True)
        self.scenario_box.clear()
        for label, key in items:
            self.scenario_box.addItem(label, key)
            self.scenario_box.setItemData(self.scenario_box.count() - 1, label,
                                          Qt.ItemDataRole.ToolTipRole)
        i = self.scenario_box.findData(current)
        self.scenario_box.setCurrentIndex(max(0, i))
        self.scenario_box.blockSignals(False)
        self.compare.set_scenarios([(self.tr("Edited scenario (this panel)"), ""), *items])
        if self.scenario is None or i < 0 or select:
            self._on_scenario_changed()

    def _relabel_scenarios(self) -> None:
        """Scenario labels in the interface language, keeping the list and the choices (and
        so the edits in the panel)."""
        if not self.scenario_box.count():
            return
        items = self.scenario_items()
        labels = {key: label for label, key in items}
        for i in range(self.scenario_box.count()):
            label = labels.get(self.scenario_box.itemData(i))
            if label is not None:
                self.scenario_box.setItemText(i, label)
                self.scenario_box.setItemData(i, label, Qt.ItemDataRole.ToolTipRole)
        self.compare.set_scenarios([(self.tr("Edited scenario (this panel)"), ""), *items])

    def select_scenario(self, key: str) -> None:
        i = self.scenario_box.findData(key)
        if i < 0:
            raise KeyError(key)
        self.scenario_box.setCurrentIndex(i)
        self._on_scenario_changed()

    def _resolve(self, key: str) -> Scenario:
        data = self.session.project.scenarios.get(key)
        if data is not None:
            # a project saved before the presets had Chinese texts gets them where its
            # English texts are still the preset's
            return fill_chinese_from_preset(Scenario.from_dict(data, name=key))
        return preset(key)

    def _on_scenario_changed(self, *_args) -> None:
        key = self.scenario_box.currentData()
        if not key:
            return
        if self.draft.modified and key != self.draft.name:
            self._keep_edits()
        try:
            sc = self._resolve(key)
        except (ScenarioError, KeyError) as exc:
            self._say(str(exc), error=True)
            return
        self.scenario = sc
        if sc.sensitivity:
            self.runs_box.setValue(int(sc.sensitivity.get("runs", 200)))
            self.perturb_box.setValue(100 * float(sc.sensitivity.get("perturb", 0.2)))
            self.topk_box.setValue(int(sc.sensitivity.get("top_k", 10)))
        self.draft.load(sc.copy(planning_year=self.year()))  # plans for the project's year
        rows = min(max(self.criteria.rowCount(), 3), 9)
        self.criteria_view.setMinimumHeight(
            self.criteria_view.horizontalHeader().sizeHint().height() + 4 +
            rows * self.criteria_view.verticalHeader().defaultSectionSize())
        if self.criteria.rowCount():
            self.criteria_view.selectRow(0)
        self._say(self.tr("Scenario loaded") + punct(": ") + sc.name)

    def _keep_edits(self) -> bool:
        """Store the edited draft in the project under its name (before another scenario
        replaces it in the dock, or before a save), so no edit is silently lost."""
        try:
            sc = self.edited_scenario()
        except InputError as exc:
            self._say(self.tr("Edits not kept, the scenario is not valid") + punct(": ") +
                      str(exc), error=True)
            return False
        self._store(self.draft.name, sc)
        return True

    def _store(self, name: str, sc: Scenario) -> None:
        d = sc.to_dict()
        d["name"] = name
        self.session.store_scenario(name, d)
        self.session.project.metadata["ranking_scenario"] = name
        self.draft.name = name
        self.draft.mark_stored()

    def _on_about_to_save(self) -> None:
        if self.draft.modified:
            self._keep_edits()

    def _on_saved(self, _path) -> None:
        if self.draft.modified:  # edits that could not be stored: the project is not saved
            self.session.project.dirty = True

    def revert(self) -> None:
        """Put the draft back to the scenario as the project (or the preset) has it; undoable."""
        key = self.scenario_box.currentData()
        try:
            sc = self._resolve(key)
        except (ScenarioError, KeyError) as exc:
            self._say(str(exc), error=True)
            return
        self.draft.replace(sc, "Revert edits")
        self.draft.mark_stored()
        self._say(self.tr("Edits reverted") + punct(": ") + sc.name)

    def _on_draft_changed(self, what: str) -> None:
        """Bring the widgets that are not item views in line with the draft."""
        d = self.draft
        if what in ("all", "settings"):
            self._show_year()
            self.aggregation_box.set_value(d.aggregation)
            self.nan_box.set_value(d.nan_policy)
            self._show_purpose()
        if what in ("all", "constraints"):
            self._fit_constraints()
        if what in ("all", "weights", "criteria"):
            self.weights_group.refresh()
        if what in ("all", "criteria"):
            self._on_criterion_row_changed(self.criteria_view.currentIndex(), None)
        if what == "all" and d.name != self.scenario_box.currentData():
            i = self.scenario_box.findData(d.name)
            if i >= 0:  # an undo brought back another scenario's draft
                self.scenario_box.blockSignals(True)
                self.scenario_box.setCurrentIndex(i)
                self.scenario_box.blockSignals(False)

    def _on_city_changed(self, *_args) -> None:
        self.transform_editor.refresh()  # the values shown are the city's sites'

    def year(self) -> int:
        """The planning year rankings run for: the project's, whatever year a stored
        scenario or an imported file carries (one year for map, legend and ranking)."""
        return planning_year(self.session.project)

    def _show_year(self) -> None:
        self.year_box.blockSignals(True)
        self.year_box.setValue(self.year())
        self.year_box.blockSignals(False)

    def _on_year_changed(self, year: int) -> None:
        """The dock's year is the project's: set it (one undo step, map and legend follow)."""
        self.session.set_planning_year(int(year))

    def _on_planning_year_changed(self, year: int) -> None:
        """The project's year changed (here, in the status bar, by undo): the draft plans
        for it too. Not a draft edit: the project's own undo step already covers it."""
        self.draft.planning_year = int(year)
        self._show_year()
        self.transform_editor.refresh()  # filters with $year measure other sites now

    def _show_purpose(self) -> None:
        """Title and purpose of the scenario in the interface language."""
        if self.scenario is None:
            self.purpose.setText("")
            return
        t = self.draft.texts
        zh = current_language() == "zh"
        self.purpose.setText(f"<b>{(t['title_zh'] if zh else '') or t['title'] or self.draft.name}"
                             f"</b><br>{(t['purpose_zh'] if zh else '') or t['purpose']}")

    # ================================================================== editing
    def _on_edit_rejected(self, message: str) -> None:
        self._say(message, error=True)

    def _on_criterion_row_changed(self, current, _previous) -> None:
        row = current.row() if current.isValid() else -1
        if getattr(self, "criterion_editor", None) is not None and \
                self.criterion_editor.row != row:
            self.criterion_editor.set_row(row)
            self.transform_editor.set_row(row)
        if not current.isValid():
            self.rationale.setText("")
            return
        if current.row() >= len(self.draft.criteria):
            return
        c = self.draft.criteria[current.row()]
        layer = c.get("layer") or ""
        if layer and current_language() == "zh":
            layer = self._layer_title_zh(layer)
        layer = f" · {self.tr('layer')} {layer}" if layer else ""
        space = "" if current_language() == "zh" else " "  # （…） carries its own space
        self.rationale.setText(f"<b>{criterion_title(c)}</b>{space}"
                               f"<span style='color:#777'>{punct('(')}{c['name']}{layer}"
                               f"{punct(')')}</span><br>{criterion_rationale(c)}")

    def _layer_title_zh(self, name: str) -> str:
        """A project layer's Chinese title (its table name when it has none or is missing)."""
        return layer_title_zh(self.session.project, name)

    def _city_title_zh(self, city: str) -> str:
        """A city's Chinese name as the Explain header gives it: the project's bookmark title
        (鸡西市), the catalogue's name (鸡西) without a bookmark."""
        return city_title(self.session.project, city).zh

    def _fit_constraints(self) -> None:
        """Show every constraint row (there are few); the table hides when there are none
        (the box stays, to add one)."""
        n = self.constraints.rowCount()
        self.constraints_view.setVisible(n > 0)
        self.remove_constraint_button.setEnabled(n > 0)
        row = self.constraint_editor.row
        if n and not 0 <= row < n:
            self.constraints_view.selectRow(min(max(row, 0), n - 1))
        elif not n:
            self._on_constraint_row_changed(-1)
        self._size_constraint_columns()

    def _size_constraint_columns(self) -> None:
        """Column widths of the constraints table: action and penalty fit their text (the
        action also its editor's combo); the name and the rule take their text's width (all
        of it when every text fits on one line, else up to 30 % and 38 % of the rest, the
        rule less to leave the reason a quarter, but none less than its longest word), the
        reason the rest; long texts wrap instead of being cut off. Then the rows fit their
        text."""
        view, m = self.constraints_view, self.constraints
        fm = view.fontMetrics()
        for col in (ConstraintsModel.ACTION, ConstraintsModel.VALUE):
            view.resizeColumnToContents(col)
        combo = max(fm.horizontalAdvance(tr(t)) for t in ACTION_NAMES.values()) + 32
        if view.columnWidth(ConstraintsModel.ACTION) < combo:  # room for the editor's combo
            view.setColumnWidth(ConstraintsModel.ACTION, combo)
        rest = view.viewport().width() - view.columnWidth(
            ConstraintsModel.ACTION) - view.columnWidth(ConstraintsModel.VALUE)
        header = view.horizontalHeader()
        need, least = {}, {}
        for col in (ConstraintsModel.NAME, ConstraintsModel.RULE, ConstraintsModel.REASON):
            texts = [str(m.index(r, col).data() or "") for r in range(m.rowCount())]
            need[col] = max([fm.horizontalAdvance(t) + 14 for t in texts] +
                            [header.sectionSizeFromContents(col).width()])
            least[col] = max([60] + [_widest_unbreakable(fm, t) + 14 for t in texts])
        name, rule, reason = ConstraintsModel.NAME, ConstraintsModel.RULE, ConstraintsModel.REASON
        if sum(need.values()) <= rest:  # every text on one line
            widths = {name: need[name], rule: need[rule]}
        else:  # the reason keeps a quarter of the width at least, the rule gives way first
            n = max(min(need[name], int(0.30 * rest)), least[name])
            r = min(need[rule], int(0.38 * rest),
                    rest - n - max(least[reason], int(0.25 * rest)))
            widths = {name: n, rule: max(r, least[rule])}
        for col, width in widths.items():
            view.setColumnWidth(col, width)
        self._fit_constraint_rows()

    def _fit_constraint_rows(self) -> None:
        """Rows as tall as their wrapped text, and the table as tall as its rows."""
        view = self.constraints_view
        view.resizeRowsToContents()
        rows = sum(view.rowHeight(r) for r in range(self.constraints.rowCount()))
        view.setFixedHeight(view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
                            + max(rows, view.verticalHeader().defaultSectionSize()) + 2)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.Resize and watched is self.constraints_view.viewport()
                and event.size().width() != event.oldSize().width()):
            self._fit_columns_timer.start()
        return super().eventFilter(watched, event)

    # ================================================================== building
    def _current_criterion(self) -> int:
        return self.criteria_view.currentIndex().row()

    def _draft_edit(self, edit):
        """Run a draft edit from a button: what it returns (True for nothing), or None
        when refused (the reason goes to the status line)."""
        return attempt(edit, lambda message: self._say(message, error=True))

    def add_criterion(self, kind: str) -> int | None:
        """Add a criterion of ``kind`` below the selected one (min-max scaled, its layer or
        field still to choose in the form); returns its row."""
        at = self._current_criterion()
        row = self._draft_edit(lambda: self.draft.add_criterion(
            kind=kind, index=at + 1 if at >= 0 else None))
        if row is not None:
            self.criteria_view.selectRow(row)
            self.criterion_tabs.setCurrentWidget(self.criterion_editor)
            self._say(self.tr("Criterion added: choose what it measures") + punct(": ") +
                      self.draft.criteria[row]["name"])
        return row

    def duplicate_criterion(self, row: int | None = None) -> int | None:
        row = self._current_criterion() if row is None else row
        new = self._draft_edit(lambda: self.draft.duplicate_criterion(row))
        if new is not None:
            self.criteria_view.selectRow(new)
        return new

    def remove_criterion(self, row: int | None = None) -> bool:
        row = self._current_criterion() if row is None else row
        if self._draft_edit(lambda: self.draft.remove_criterion(row)) is None:
            return False
        self.criteria_view.selectRow(min(row, len(self.draft.criteria) - 1))
        return True

    def move_criterion(self, delta: int, row: int | None = None) -> bool:
        row = self._current_criterion() if row is None else row
        to = row + delta
        if not 0 <= to < len(self.draft.criteria):
            return False
        if self._draft_edit(lambda: self.draft.move_criterion(row, to)) is None:
            return False
        self.criteria_view.selectRow(to)
        return True

    def add_constraint(self, data: dict | None = None) -> int | None:
        """Add a constraint (by default: sites stay outside the first polygon layer's
        features; the form then edits it); returns its row."""
        if data is None:
            layers = [layer.name for layer in self.session.project.layers
                      if "polygon" in str(getattr(layer, "geometry_type", "")).lower()]
            if not layers:
                self._say(self.tr("The project has no polygon layer for a constraint"),
                          error=True)
                return None
            data = {"name": "constraint", "kind": "outside", "layer": layers[0],
                    "reason": f"overlaps {layers[0]}", "title": "New constraint",
                    "title_zh": "新约束"}
        row = self._draft_edit(lambda: self.draft.add_constraint(data))
        if row is not None:
            self.constraints_view.selectRow(row)
            self._on_constraint_row_changed(row)
        return row

    def remove_constraint(self, row: int | None = None) -> bool:
        row = self.constraint_editor.row if row is None else row
        return self._draft_edit(lambda: self.draft.remove_constraint(row)) is not None

    def _on_constraint_row_changed(self, row: int) -> None:
        self.constraint_editor.set_row(row)
        self.constraint_editor.setVisible(row >= 0)

    # -- values for the transform editor -----------------------------------------------------
    def _values_key(self, c: dict) -> str:
        """What a criterion's raw values depend on: what it measures, the candidate sites,
        the city and the planning year (filters may use ``$year``)."""
        return (ScenarioDraft.measure_key(c) + repr(sorted(self.draft.candidates.items())) +
                f"|{self.city()}|{self.year()}")

    def criterion_values(self, row: int):
        """Raw values of criterion ``row`` at the current candidates: computed here, or
        from the last run when it measured the same thing at the same sites (None when
        unknown)."""
        if not 0 <= row < len(self.draft.criteria):
            return None
        c = self.draft.criteria[row]
        key = self._values_key(c)
        if key in self._values:
            return self._values[key]
        result = self.result
        if result is None or f"raw_{c['name']}" not in result.gdf.columns:
            return None
        ran = result.scenario.to_dict()
        same_sites = (sorted(ran["candidates"].items()) == sorted(
            self.draft.candidates.items()) and result.city == self.city() and
            ran["planning_year"] == self.year())
        for rc in ran["criteria"]:
            if same_sites and rc["name"] == c["name"] and \
                    ScenarioDraft.measure_key(rc) == ScenarioDraft.measure_key(c):
                return _numeric(result.gdf[f"raw_{c['name']}"])
        return None

    def compute_values(self, row: int | None = None) -> int | None:
        """Measure criterion ``row`` alone at the current candidate sites, on the worker
        thread; the transform editor draws the histogram when it is done."""
        row = self._current_criterion() if row is None else row
        try:
            sc = self.draft.probe(row)
        except ScenarioError as exc:
            self._say(str(exc), error=True)
            return None
        key = self._values_key(self.draft.criteria[row])
        job = self.values_runner.submit(self.session.project, [
            {"scenario": sc, "city": self.city(), "sensitivity": None}])
        self._values_job = (job, key, sc.criteria[0].name)
        self.transform_editor.compute_button.setEnabled(False)
        self._say(self.tr("Computing the values of") + " " + sc.criteria[0].name)
        return job

    def _on_values_finished(self, job: int) -> None:
        results = self.values_runner.take(job)
        if self._values_job is None or self._values_job[0] != job or not results:
            return
        _job, key, name = self._values_job
        self._values_job = None
        self._values[key] = _numeric(results[0].gdf[f"raw_{name}"])
        self.transform_editor.compute_button.setEnabled(True)
        self.transform_editor.refresh()
        self._say(self.tr("Values computed") + punct(": ") + name, ok=True)

    def _on_values_failed(self, job: int, message: str) -> None:
        if self._values_job is not None and self._values_job[0] == job:
            self._values_job = None
            self.transform_editor.compute_button.setEnabled(True)
            self._say(message, error=True)

    # ================================================================== weights
    def _on_mc_changed(self, on: bool) -> None:
        for w in (self.runs_box, self.perturb_box, self.topk_box, self.runs_label,
                  self.topk_label):
            w.setEnabled(on)

    def edited_scenario(self) -> Scenario:
        """The scenario as edited here: used criteria only, this year, these weights, and
        the Monte Carlo options of the dock.

        Raises
        ------
        ScenarioError
            If the edits make it invalid (the message names the field).
        """
        if self.scenario is None:
            raise ScenarioError("?", "", "no scenario chosen")
        sc = self.draft.to_scenario()
        sc.planning_year = self.year()
        sc.sensitivity = ({"runs": self.runs_box.value(),
                           "perturb": self.perturb_box.value() / 100.0,
                           "top_k": self.topk_box.value(), "seed": 0}
                          if self.mc_check.isChecked() else None)
        return sc

    def city(self) -> str | None:
        return self.city_box.currentData()

    # ================================================================== files
    def save_to_project(self, name: str | None = None) -> str | None:
        """Store the edited scenario in the project under ``name`` (asked when None)."""
        try:
            sc = self.edited_scenario()
        except InputError as exc:
            self._say(str(exc), error=True)
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Save scenario in project"),
                                            self.tr("Scenario name (a-z, 0-9, - and _):"),
                                            text=sc.name)
            if not ok or not name.strip():
                return None
        name = name.strip()
        sc.name = name
        self._store(name, sc)
        self.refresh_scenarios(select=name)
        self._say(self.tr("Scenario saved in the project") + punct(": ") + name)
        return name

    def _free_name(self, base: str) -> str:
        """``base`` or ``base-2``, ``base-3``... not used by a project scenario or a preset."""
        taken = set(self.session.project.scenarios) | set(PRESETS)
        if base not in taken:
            return base
        i = 2
        while f"{base}-{i}" in taken:
            i += 1
        return f"{base}-{i}"

    def import_json(self, path: str | None = None) -> str | None:
        """Read a scenario JSON file into the project (under a free name) and edit it."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import scenario"), "",
                                                  self.tr("Scenario (*.json)"))
            if not path:
                return None
        try:
            sc = load_scenario(path)
        except InputError as exc:
            self._say(str(exc), error=True)
            return None
        name = self._free_name(sc.name)
        sc.name = name
        if self.draft.modified:
            self._keep_edits()
        self._store(name, sc)
        self.refresh_scenarios(select=name)
        self._say(self.tr("Scenario imported") + punct(": ") + name, ok=True)
        return name

    def duplicate_scenario(self, name: str | None = None) -> str | None:
        """Copy the scenario as edited here into a new project scenario (a preset becomes
        the planner's own, editable and saved with the project)."""
        try:
            sc = self.edited_scenario()
        except InputError as exc:
            self._say(str(exc), error=True)
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Duplicate scenario"),
                                            self.tr("Name of the copy (a-z, 0-9, - and _):"),
                                            text=self._free_name(f"{sc.name}-copy"))
            if not ok or not name.strip():
                return None
        name = name.strip()
        if name in self.session.project.scenarios or name in PRESETS:
            self._say(self.tr("A scenario already has this name") + punct(": ") + name,
                      error=True)
            return None
        sc.name = name
        sc.title = f"{sc.title or self.draft.name} (copy)"
        sc.title_zh = f"{sc.title_zh or sc.title}（副本）" if sc.title_zh else ""
        self.draft.mark_stored()  # the edits travel with the copy
        self._store(name, sc)
        self.refresh_scenarios(select=name)
        self._say(self.tr("Scenario duplicated") + punct(": ") + name, ok=True)
        return name

    def export_json(self, path: str | None = None) -> str | None:
        """Write the edited scenario as readable JSON (for an annex or another bureau)."""
        try:
            sc = self.edited_scenario()
        except InputError as exc:
            self._say(str(exc), error=True)
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export scenario"),
                                                  f"{sc.name}.json",
                                                  self.tr("Scenario (*.json)"))
            if not path:
                return None
        save_scenario(sc, path)
        self._say(self.tr("Scenario exported") + punct(": ") + str(path))
        return str(path)

    # ================================================================== running
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

    # ================================================================== comparison
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

    # ================================================================== misc
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

    def _relist_scenarios(self) -> None:
        """Re-list the scenarios without loading one (the draft stays as it is)."""
        items = self.scenario_items()
        key = self.draft.name if self.scenario is not None else self.scenario_box.currentData()
        self.scenario_box.blockSignals(True)
        self.scenario_box.clear()
        for label, k in items:
            self.scenario_box.addItem(label, k)
            self.scenario_box.setItemData(self.scenario_box.count() - 1, label,
                                          Qt.ItemDataRole.ToolTipRole)
        self.scenario_box.setCurrentIndex(max(0, self.scenario_box.findData(key)))
        self.scenario_box.blockSignals(False)
        self.compare.set_scenarios([(self.tr("Edited scenario (this panel)"), ""), *items])

    def export_results(self, path: str | None = None):
        """The shown ranking as CSV or XLSX (see gui/ranking/results_export.py)."""
        from hljgis.gui.ranking.results_export import export_results

        return export_results(self, path)

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
