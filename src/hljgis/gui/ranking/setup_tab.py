"""The ranking dock's set-up tab: candidates, criteria (add, remove, reorder, their
definition and transform with the values measured at the sites), weights, options.

A mixin of :class:`~hljgis.gui.ranking.panel.RankingPanel`: the widgets are the dock's
attributes, so the dock's tests and the live re-weighting reach them there.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.scenario import ScenarioError
from hljgis.gui.ranking.about_editor import AboutEditor
from hljgis.gui.ranking.candidates_editor import CandidatesEditor
from hljgis.gui.ranking.criterion_editor import KIND_NAMES, CriterionEditor
from hljgis.gui.ranking.forms import ChoiceBox, attempt
from hljgis.gui.ranking.models import BarDelegate, CriteriaModel, TransformKindDelegate
from hljgis.gui.ranking.texts import (
    criterion_rationale,
    criterion_title,
    interface_zh,
    punct,
    space,
)
from hljgis.gui.ranking.transform_editor import TransformEditor
from hljgis.gui.ranking.weights_view import WeightsView
from hljgis.gui.widgets.ranking_worker import RankingRunner

AGGREGATION_NAMES = {"wlc": "Weighted sum (WLC)", "topsis": "Closeness to the ideal (TOPSIS)"}
NAN_NAMES = {"exclude": "is excluded", "zero": "scores 0 on it",
             "renormalize": "is scored on its other criteria"}


def _numeric(column) -> np.ndarray | None:
    """A raw-value column as floats, or None for categories (land-use classes...), which
    have no histogram on a number line."""
    try:
        return column.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        return None


class SetupTab:
    """Builds the set-up tab and edits the draft's criteria from its buttons."""

    def _build_setup(self) -> QWidget:
        """The set-up tab: candidates, criteria and their editors, weights, constraints,
        title and purpose, options, and the scenario file buttons."""
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

        self._build_constraints()

        # candidate sites, and the selected criterion: its definition and its transform
        self.candidates_group = QGroupBox()
        self.candidates_editor = CandidatesEditor(self.draft, self.session)
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
        return setup

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
        if layer and interface_zh():
            layer = self._layer_title_zh(layer)
        layer = f" · {self.tr('layer')} {layer}" if layer else ""
        self.rationale.setText(f"<b>{criterion_title(c)}</b>{space()}"
                               f"<span style='color:#777'>{punct('(')}{c['name']}{layer}"
                               f"{punct(')')}</span><br>{criterion_rationale(c)}")

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

    def _on_mc_changed(self, on: bool) -> None:
        for w in (self.runs_box, self.perturb_box, self.topk_box, self.runs_label,
                  self.topk_label):
            w.setEnabled(on)
