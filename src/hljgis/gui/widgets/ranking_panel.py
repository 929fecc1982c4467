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
import copy
import time

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTextBoundaryFinder, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
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
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hljgis.analysis.presets import PRESETS, fill_chinese_from_preset, preset
from hljgis.analysis.scenario import Scenario, ScenarioError, save_scenario
from hljgis.analysis.weights import ahp, group_ahp
from hljgis.core.errors import InputError
from hljgis.core.style import Labels
from hljgis.export.atlas import city_titles
from hljgis.gui.i18n import current_language, tr
from hljgis.gui.widgets.ranking_models import (
    ACTION_NAMES,
    BarDelegate,
    ConstraintActionDelegate,
    ConstraintsModel,
    CriteriaModel,
    MembersModel,
    ResultsModel,
    TransformKindDelegate,
    criterion_rationale,
    criterion_title,
    layer_title_zh,
    listed,
    punct,
)
from hljgis.gui.widgets.ranking_results import (
    CompareView,
    ExplainView,
    SensitivityView,
    WeightSweepView,
)
from hljgis.gui.widgets.ranking_worker import RankingRunner

#: The four cities: English name (as in the data) and Chinese name.
CITIES = (("Hegang", "鹤岗"), ("Jixi", "鸡西"), ("Qitaihe", "七台河"),
          ("Shuangyashan", "双鸭山"))
_RED = "#c62828"
_GREEN = "#2e7d32"


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
        self.result_layer = None
        self.scenario: Scenario | None = None
        self._matrix: np.ndarray | None = None  # AHP judgements over all criteria
        # group AHP: each member's name and judgements over all criteria, and their say
        self._members: list[dict] = []
        self._member_weights: list[float] | None = None
        self.group_result = None
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
        self.year_box.setValue(2025)
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
        self.criteria = CriteriaModel(self)
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
        self.constraints = ConstraintsModel(self)
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
        cl = QVBoxLayout(self.constraints_group)
        cl.addWidget(self.constraints_view)
        cl.addWidget(self.constraints_note)

        self.weights_group = QGroupBox()
        self.direct_radio = QRadioButton()
        self.ahp_radio = QRadioButton()
        self.group_radio = QRadioButton()
        self.method_group = QButtonGroup(self)
        self.method_group.addButton(self.direct_radio)
        self.method_group.addButton(self.ahp_radio)
        self.method_group.addButton(self.group_radio)
        self.ahp_button = QPushButton()
        self.weight_report = QLabel()
        self.weight_report.setWordWrap(True)
        # group AHP: pick a member to edit, rename, add or remove members, see each one's CR
        self.group_box = QWidget()
        self.member_label = QLabel()
        self.member_box = QComboBox()
        self.member_box.setMinimumContentsLength(10)
        self.member_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.edit_member_button = QPushButton()
        self.rename_member_button = QPushButton()
        self.add_member_button = QPushButton()
        self.remove_member_button = QPushButton()
        self.members = MembersModel(self)
        self.members_view = QTableView()
        self.members_view.setModel(self.members)
        self.members_view.verticalHeader().hide()
        self.members_view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.members_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.members_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        mh = self.members_view.horizontalHeader()
        mh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        mh.setStretchLastSection(True)
        self.members_view.setColumnWidth(MembersModel.NAME, 190)
        self.members_view.setColumnWidth(MembersModel.CR, 56)
        gl = QVBoxLayout(self.group_box)
        gl.setContentsMargins(0, 0, 0, 0)
        gr = QHBoxLayout()
        gr.addWidget(self.member_label)
        gr.addWidget(self.member_box, 1)
        gr.addWidget(self.edit_member_button)
        gr.addWidget(self.rename_member_button)
        gr.addWidget(self.add_member_button)
        gr.addWidget(self.remove_member_button)
        gl.addLayout(gr)
        gl.addWidget(self.members_view)
        wl = QVBoxLayout(self.weights_group)
        r1 = QHBoxLayout()
        r1.addWidget(self.direct_radio)
        r1.addWidget(self.ahp_radio)
        r1.addWidget(self.group_radio)
        r1.addWidget(self.ahp_button)
        r1.addStretch(1)
        wl.addLayout(r1)
        wl.addWidget(self.group_box)
        wl.addWidget(self.weight_report)

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

        self.save_button = QPushButton()
        self.export_button = QPushButton()
        self.reset_button = QPushButton()
        files = QHBoxLayout()
        files.addWidget(self.reset_button)
        files.addStretch(1)
        files.addWidget(self.save_button)
        files.addWidget(self.export_button)

        setup = QWidget()
        sl = QVBoxLayout(setup)
        sl.setContentsMargins(2, 2, 2, 2)
        sl.addWidget(self.purpose)
        sl.addWidget(self.criteria_view, 1)
        sl.addWidget(self.rationale)
        sl.addWidget(self.weights_group)
        sl.addWidget(self.constraints_group)
        sl.addWidget(self.options_group)
        sl.addLayout(files)

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
        rl.addWidget(self.results_view, 1)
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
        self.criteria.edited.connect(self._on_criteria_changed)
        self.criteria.rejected.connect(self._on_edit_rejected)
        self.constraints.rejected.connect(self._on_edit_rejected)
        self.criteria_view.selectionModel().currentRowChanged.connect(
            self._on_criterion_row_changed)
        self.method_group.buttonToggled.connect(
            lambda _button, on: self._on_method_changed() if on else None)
        self.ahp_button.clicked.connect(self.edit_ahp)
        self.edit_member_button.clicked.connect(lambda: self.edit_member())
        self.rename_member_button.clicked.connect(lambda: self.rename_member())
        self.members_view.doubleClicked.connect(self._on_member_double_clicked)
        self.add_member_button.clicked.connect(lambda: self.add_member())
        self.remove_member_button.clicked.connect(lambda: self.remove_member())
        self.members_view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.member_box.setCurrentIndex(cur.row())
            if 0 <= cur.row() < self.member_box.count() else None)
        self.mc_check.toggled.connect(self._on_mc_changed)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(lambda: self.save_to_project())
        self.export_button.clicked.connect(lambda: self.export_json())
        self.reset_button.clicked.connect(self._on_scenario_changed)
        self.results_view.selectionModel().currentRowChanged.connect(self._on_result_row_changed)
        self.compare.compare_requested.connect(self._on_compare_requested)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_run_finished)
        self.runner.failed.connect(self._on_run_failed)
        self.runner.cancelled.connect(self._on_run_cancelled)
        session.events.project_changed.connect(self._on_project_changed)
        from hljgis.gui.ranking.live import connect_panel

        self.live = connect_panel(self)  # edits after a run re-colour the map at once

        self.retranslate()
        self.refresh_scenarios()

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
        try:
            sc = self._resolve(key)
        except (ScenarioError, KeyError) as exc:
            self._say(str(exc), error=True)
            return
        self.scenario = sc
        d = sc.to_dict()
        self.criteria.set_criteria(d["criteria"])
        self.constraints.set_constraints(d["constraints"])
        self._fit_constraints()
        self.year_box.setValue(sc.planning_year or 2025)
        self._show_purpose()
        if sc.sensitivity:
            self.runs_box.setValue(int(sc.sensitivity.get("runs", 200)))
            self.perturb_box.setValue(100 * float(sc.sensitivity.get("perturb", 0.2)))
            self.topk_box.setValue(int(sc.sensitivity.get("top_k", 10)))
        w = sc.weights
        self._matrix = None
        self._members = []
        self._member_weights = None
        if w.method == "ahp":
            self._matrix = np.array(w.matrix, dtype=float)
        elif w.method == "group_ahp":
            names = w.members or [f"member {i + 1}" for i in range(len(w.matrices))]
            self._members = [{"name": str(n), "matrix": np.array(m, dtype=float)}
                             for n, m in zip(names, w.matrices, strict=True)]
            self._member_weights = list(w.member_weights) if w.member_weights else None
            self._matrix = np.array(group_ahp(w.matrices).combined_matrix)
        self.method_group.blockSignals(True)
        {"direct": self.direct_radio, "ahp": self.ahp_radio,
         "group_ahp": self.group_radio}[w.method].setChecked(True)
        self.method_group.blockSignals(False)
        self._refresh_member_box()
        self._update_weights()
        rows = min(max(self.criteria.rowCount(), 3), 9)
        self.criteria_view.setMinimumHeight(
            self.criteria_view.horizontalHeader().sizeHint().height() + 4 +
            rows * self.criteria_view.verticalHeader().defaultSectionSize())
        if self.criteria.rowCount():
            self.criteria_view.selectRow(0)
        self._say(self.tr("Scenario loaded") + punct(": ") + sc.name)

    def _show_purpose(self) -> None:
        """Title and purpose of the scenario in the interface language."""
        sc = self.scenario
        if sc is None:
            self.purpose.setText("")
            return
        zh = current_language() == "zh"
        self.purpose.setText(f"<b>{(sc.title_zh if zh else '') or sc.title or sc.name}</b><br>"
                             f"{(sc.purpose_zh if zh else '') or sc.purpose}")

    # ================================================================== editing
    def _on_criteria_changed(self) -> None:
        self._update_weights()

    def _on_edit_rejected(self, message: str) -> None:
        self._say(message, error=True)

    def _on_criterion_row_changed(self, current, _previous) -> None:
        if not current.isValid():
            self.rationale.setText("")
            return
        c = self.criteria.criteria[current.row()]
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
        return city_titles(self.session.project, city)[1]

    def _fit_constraints(self) -> None:
        """Show every constraint row (there are few) and hide the box when there are none."""
        n = self.constraints.rowCount()
        self.constraints_group.setVisible(n > 0)
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

    def _on_method_changed(self) -> None:
        method = self.weight_method()
        if method != "direct" and self._matrix is None:
            self._matrix = self._matrix_from_direct()
        if method == "group_ahp" and not self._members:
            # a group starts with one member holding the current judgements
            self._members = [{"name": self.tr("member") + " 1",
                              "matrix": np.array(self._matrix, dtype=float)}]
            self._refresh_member_box()
        self._update_weights()

    def _on_mc_changed(self, on: bool) -> None:
        for w in (self.runs_box, self.perturb_box, self.topk_box, self.runs_label,
                  self.topk_label):
            w.setEnabled(on)

    def _enabled_index(self) -> np.ndarray:
        return np.flatnonzero(np.array(self.criteria.enabled, dtype=bool))

    def _matrix_from_direct(self) -> np.ndarray:
        """Start the AHP matrix from the typed weights, rounded to Saaty's scale."""
        from hljgis.gui.dialogs.ahp_dialog import nearest_saaty

        w = np.array([max(float(c.get("weight", 1.0)), 1e-6) for c in self.criteria.criteria])
        n = len(w)
        a = np.eye(n)
        for i in range(n):
            for j in range(i + 1, n):
                a[i, j] = nearest_saaty(w[i] / w[j])
                a[j, i] = 1.0 / a[i, j]
        return a

    def _sub_matrix(self) -> np.ndarray | None:
        if self._matrix is None:
            return None
        idx = self._enabled_index()
        return self._matrix[np.ix_(idx, idx)]

    def use_ahp(self) -> bool:
        return self.ahp_radio.isChecked()

    def weight_method(self) -> str:
        """``"direct"``, ``"ahp"`` or ``"group_ahp"`` (the scenario's spelling)."""
        if self.group_radio.isChecked():
            return "group_ahp"
        return "ahp" if self.ahp_radio.isChecked() else "direct"

    # -- group AHP ---------------------------------------------------------------------------
    def member_names(self) -> list[str]:
        return [m["name"] for m in self._members]

    def member_matrix(self, k: int) -> np.ndarray:
        """Member ``k``'s judgements over the criteria in use."""
        idx = self._enabled_index()
        return self._members[k]["matrix"][np.ix_(idx, idx)]

    def _refresh_member_box(self) -> None:
        current = self.member_box.currentIndex()
        self.member_box.blockSignals(True)
        self.member_box.clear()
        for m in self._members:
            self.member_box.addItem(m["name"])
        self.member_box.setCurrentIndex(min(max(current, 0), len(self._members) - 1))
        self.member_box.blockSignals(False)
        self.remove_member_button.setEnabled(len(self._members) > 1)

    def add_member(self, name: str | None = None, matrix=None) -> int | None:
        """Add a group member (asked for a name when None), judging all criteria equal
        unless ``matrix`` (over the criteria in use) is given; returns the member's index."""
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Add group member"),
                                            self.tr("Name of the bureau or expert:"))
            if not ok:
                return None
        name = name.strip()
        if not name or name in self.member_names():
            self._say(self.tr("A member needs a new, non-empty name") + punct(": ") + f"{name!r}",
                      error=True)
            return None
        n = len(self.criteria.criteria)
        full = np.ones((n, n))
        if matrix is not None:
            idx = self._enabled_index()
            full[np.ix_(idx, idx)] = np.array(matrix, dtype=float)
        self._members.append({"name": name, "matrix": full})
        if self._member_weights is not None:
            self._member_weights.append(float(np.mean(self._member_weights)))
        self._refresh_member_box()
        self.member_box.setCurrentIndex(len(self._members) - 1)
        if not self.group_radio.isChecked():
            self.group_radio.setChecked(True)
        self._update_weights()
        return len(self._members) - 1

    def remove_member(self, k: int | None = None) -> bool:
        """Remove member ``k`` (default the one picked); the last member stays."""
        k = self.member_box.currentIndex() if k is None else k
        if len(self._members) <= 1 or not 0 <= k < len(self._members):
            self._say(self.tr("A group keeps at least one member"), error=True)
            return False
        del self._members[k]
        if self._member_weights is not None:
            del self._member_weights[k]
        self._refresh_member_box()
        self._update_weights()
        return True

    def rename_member(self, k: int | None = None, name: str | None = None) -> bool:
        """Rename member ``k`` (default the one picked), asking for the name when None.

        The name is what the scenario saves in ``weights.members`` (in the order of the
        matrices) and what the CR list shows. An empty name, or one another member has, is
        refused with a message. Returns True if the member has the new name.
        """
        k = self.member_box.currentIndex() if k is None else k
        if not 0 <= k < len(self._members):
            return False
        old = self._members[k]["name"]
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Rename group member"),
                                            self.tr("New name of the bureau or expert:"),
                                            text=old)
            if not ok:
                return False
        name = name.strip()
        if not name:
            self._say(self.tr("A member's name cannot be empty") + punct(": ") + old, error=True)
            return False
        if name in self.member_names()[:k] + self.member_names()[k + 1:]:
            self._say(self.tr("Another member already has this name") + punct(": ") + name,
                      error=True)
            return False
        if name == old:
            return True
        self._members[k]["name"] = name
        self._refresh_member_box()
        self.member_box.setCurrentIndex(k)
        self._update_weights()
        self._say(self.tr("Member renamed") + punct(": ") + f"{old} → {name}")
        return True

    def _on_member_double_clicked(self, index) -> None:
        """Double-click a member in the CR list to rename it (not the combined row)."""
        if 0 <= index.row() < len(self._members):
            self.member_box.setCurrentIndex(index.row())
            self.rename_member(index.row())

    def edit_member(self, k: int | None = None) -> bool:
        """Open the AHP editor on one member's judgements; True if accepted."""
        from hljgis.gui.dialogs.ahp_dialog import AHPDialog

        k = self.member_box.currentIndex() if k is None else k
        if not 0 <= k < len(self._members):
            return False
        idx = self._enabled_index()
        used = [self.criteria.criteria[i] for i in idx]
        dialog = AHPDialog([c["name"] for c in used], [criterion_title(c) for c in used],
                           self.member_matrix(k), parent=self)
        dialog.setWindowTitle(dialog.windowTitle() + f" – {self._members[k]['name']}")
        self.ahp_dialog = dialog
        if dialog.exec() != AHPDialog.DialogCode.Accepted:
            return False
        self._members[k]["matrix"][np.ix_(idx, idx)] = np.array(dialog.matrix())
        self._update_weights()
        return True

    def _update_group(self) -> None:
        """Combined weights (geometric mean of the members' matrices) and every CR."""
        used = [criterion_title(c) for c in self.criteria.enabled_criteria()]
        max_cr = self.scenario.weights.max_cr if self.scenario else 0.10
        names = self.member_names()
        try:
            group = group_ahp([self.member_matrix(k) for k in range(len(self._members))],
                              member_weights=self._member_weights)
        except ValueError as exc:
            self.group_result = None
            self.members.set_group(names, None, used, max_cr)
            self.criteria.set_ahp_weights(None)
            self.weight_report.setText(str(exc))
            self.weight_report.setStyleSheet(f"color: {_RED};")
            return
        self.group_result = group
        self.members.set_group(names, group, used, max_cr)
        self.members_view.setFixedHeight(
            self.members_view.horizontalHeader().sizeHint().height() + 4 +
            self.members.rowCount() * self.members_view.verticalHeader().defaultSectionSize())
        self.criteria.set_ahp_weights(group.weights)
        ok = group.cr <= max_cr
        text = (self.tr("Group AHP of {n} members (geometric mean), combined").format(
            n=len(names)) + f" CR = {group.cr:.3f}")
        if not ok:
            text += " > 0.10" + punct(": ") + self.tr("too inconsistent, edit the matrices")
        flagged = self.members.flagged()
        if flagged:
            text += (punct(". ") + self.tr("Inconsistent members (CR > 0.10)") + punct(": ")
                     + listed(flagged))
        self.weight_report.setText(text)
        self.weight_report.setStyleSheet(f"color: {_GREEN if ok and not flagged else _RED};")

    def _update_weights(self) -> None:
        """Recompute the weights shown (AHP of the used criteria, or the typed ones)."""
        group = self.weight_method() == "group_ahp"
        self.group_box.setVisible(group)
        self.ahp_button.setVisible(not group)
        if group:
            self._update_group()
            return
        self.group_result = None
        if not self.use_ahp():
            self.criteria.set_ahp_weights(None)
            self.weight_report.setText(self.tr("Direct weights: only their proportions "
                                               "matter (e.g. 40, 30, 30)."))
            self.weight_report.setStyleSheet("")
            return
        sub = self._sub_matrix()
        try:
            r = ahp(sub)
        except ValueError as exc:
            self.criteria.set_ahp_weights(None)
            self.weight_report.setText(str(exc))
            self.weight_report.setStyleSheet(f"color: {_RED};")
            return
        self.criteria.set_ahp_weights(r.weights)
        ok = r.cr <= (self.scenario.weights.max_cr if self.scenario else 0.10)
        text = self.tr("AHP weights, consistency ratio") + f" CR = {r.cr:.3f}"
        if not ok:
            text += " > 0.10" + punct(": ") + self.tr("too inconsistent, edit the matrix")
        self.weight_report.setText(text)
        self.weight_report.setStyleSheet(f"color: {_GREEN if ok else _RED};")

    def edit_ahp(self) -> bool:
        """Open the AHP matrix editor on the criteria in use; True if accepted."""
        from hljgis.gui.dialogs.ahp_dialog import AHPDialog

        if self._matrix is None:
            self._matrix = self._matrix_from_direct()
        idx = self._enabled_index()
        used = [self.criteria.criteria[i] for i in idx]
        dialog = AHPDialog([c["name"] for c in used], [criterion_title(c) for c in used],
                           self._sub_matrix(), parent=self)
        self.ahp_dialog = dialog
        if dialog.exec() != AHPDialog.DialogCode.Accepted:
            return False
        self._matrix[np.ix_(idx, idx)] = np.array(dialog.matrix())
        self.ahp_radio.setChecked(True)
        self._update_weights()
        return True

    def edited_scenario(self) -> Scenario:
        """The scenario as edited here: used criteria only, this year, these weights.

        Raises
        ------
        ScenarioError
            If the edits make it invalid (the message names the field).
        """
        if self.scenario is None:
            raise ScenarioError("?", "", "no scenario chosen")
        d = self.scenario.to_dict()
        idx = self._enabled_index()
        d["criteria"] = copy.deepcopy([self.criteria.criteria[i] for i in idx])
        d["constraints"] = copy.deepcopy(self.constraints.constraints)
        d["planning_year"] = int(self.year_box.value())
        if self.weight_method() == "group_ahp" and self._members:
            d["weights"] = {"method": "group_ahp",
                            "matrices": [self.member_matrix(k).tolist()
                                         for k in range(len(self._members))],
                            "members": self.member_names(),
                            "max_cr": self.scenario.weights.max_cr}
            if self._member_weights is not None:
                d["weights"]["member_weights"] = list(self._member_weights)
        elif self.use_ahp() and self._matrix is not None:
            d["weights"] = {"method": "ahp", "matrix": self._sub_matrix().tolist(),
                            "max_cr": self.scenario.weights.max_cr}
        else:
            d["weights"] = {"method": "direct", "max_cr": self.scenario.weights.max_cr}
        d["sensitivity"] = ({"runs": self.runs_box.value(),
                             "perturb": self.perturb_box.value() / 100.0,
                             "top_k": self.topk_box.value(), "seed": 0}
                            if self.mc_check.isChecked() else None)
        return Scenario.from_dict(d)

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
        self.session.project.set_scenario(name, sc.to_dict())
        self.refresh_scenarios(select=name)
        self._say(self.tr("Scenario saved in the project") + punct(": ") + name)
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
            if message.startswith("criterion "):
                message = self.tr("criterion") + " " + message.removeprefix("criterion ")
            else:
                message = self.tr(message)
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
        self.result = result
        self.result_layer = self._result_layer(result) if add_layer else None
        if self.result_layer is not None:
            self.session.add_layers([self.result_layer])
        self.results.set_result(result)
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

    def _show_summary(self) -> None:
        """Sites ranked, excluded and penalised, and the map layer, in the interface
        language."""
        result = self.result
        g = result.gdf
        ranked = int(g["rank"].notna().sum())
        penalised = int(((g["penalty"].fillna("").astype(str) != "") & g["rank"].notna()).sum()
                        ) if "penalty" in g.columns else 0
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

    def _result_layer(self, result):
        """The result as an analysis layer: graduated by score, top N labelled '#rank'."""
        layer = result.layer()
        g = layer.gdf
        n = self.label_box.value()
        from hljgis.gui.ranking.live import top_labels  # as live re-scoring labels them

        g["label"], g["label_priority"] = top_labels(
            g["rank"].to_numpy(dtype=float, na_value=np.nan), n)
        # the fixed 0-0.2 ... 0.8-1 classes of the printed atlas: quantiles collapse when many
        # sites share a floor score, and fixed classes let planners compare cities and runs
        from hljgis.export.atlas import ranking_style

        renderer = ranking_style()["renderer"]
        # crowded top sites: numbers moved out with a leader line rather than dropped
        labels = Labels(enabled=n > 0, field="label", priority_field="label_priority",
                        bold=True, size_pt=9.0, priority=8, callout=True).to_dict()
        layer.style = {"version": 1, "renderer": renderer, "labels": labels}
        return layer

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
                    planning_year=int(self.year_box.value()), sensitivity=None)
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
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {_RED};" if error else
                                  f"color: {_GREEN};" if ok else "")

    def _on_project_changed(self, _project) -> None:
        self.result = None
        self.result_layer = None
        self.results.set_result(None)
        self.explain.clear()
        self.sensitivity.set_result(None)
        self.sweep.set_result(None)
        self.scenario = None
        self.refresh_scenarios()

    def retranslate(self) -> None:
        self.scenario_label.setText(self.tr("Scenario"))
        self.city_label.setText(self.tr("City"))
        self.year_label.setText(self.tr("Planning year"))
        zh = current_language() == "zh"
        current = self.city_box.currentData()
        self.city_box.blockSignals(True)
        self.city_box.clear()
        self.city_box.addItem(self.tr("All four cities"), None)
        for en, cn in CITIES:
            self.city_box.addItem(f"{cn} {en}" if zh else f"{en} {cn}", en)
        self.city_box.setCurrentIndex(max(0, self.city_box.findData(current)))
        self.city_box.blockSignals(False)
        self.weights_group.setTitle(self.tr("Weights"))
        self.constraints_group.setTitle(self.tr("Constraints"))
        self.constraints_note.setText(self.tr(
            "Action: exclude the sites a rule hits (the reason is recorded), or keep them with "
            "a penalty: score × factor (0..1) or score − amount."))
        self.constraints.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                                len(ConstraintsModel.HEADERS) - 1)
        self.direct_radio.setText(self.tr("Direct"))
        self.ahp_radio.setText(self.tr("AHP pairwise"))
        self.group_radio.setText(self.tr("Group AHP"))
        self.member_label.setText(self.tr("Member"))
        self.edit_member_button.setText(self.tr("Edit..."))
        self.rename_member_button.setText(self.tr("Rename..."))
        self.members_view.setToolTip(self.tr("Double-click a member to rename it"))
        self.add_member_button.setText(self.tr("Add..."))
        self.remove_member_button.setText(self.tr("Remove"))
        self.members.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                            len(MembersModel.HEADERS) - 1)
        self.ahp_button.setText(self.tr("Edit AHP matrix..."))
        self.options_group.setTitle(self.tr("Options"))
        self.mc_check.setText(self.tr("Monte Carlo weight sensitivity"))
        self.runs_label.setText(self.tr("Runs, weight change"))
        self.mc_check.setToolTip(self.tr("Vary all weights at random and record each site's "
                                         "best and worst rank"))
        self.topk_label.setText(self.tr("top k"))
        self.label_label.setText(self.tr("Label the best N on the map"))
        self.save_button.setText(self.tr("Save in project..."))
        self.export_button.setText(self.tr("Export JSON..."))
        self.reset_button.setText(self.tr("Revert edits"))
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
        self._update_weights() if self.scenario is not None else None
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
        self.runner.stop(2.0)
        self.live.shutdown()
