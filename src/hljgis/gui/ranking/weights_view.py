"""The weights box of the ranking dock: direct, AHP or group AHP, the pairwise-matrix
editor, the group's members with their consistency, and the report line; bound to the
draft, which resolves the weights (the view only shows them)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hljgis.analysis.draft import ScenarioDraft
from hljgis.gui.ranking.forms import apply
from hljgis.gui.ranking.models import CriteriaModel, MembersModel
from hljgis.gui.ranking.texts import criterion_title, listed, punct

_RED = "#c62828"
_GREEN = "#2e7d32"


class WeightsView(QGroupBox):
    """Weights of the draft's criteria in use.

    Parameters
    ----------
    draft : ScenarioDraft
    criteria : CriteriaModel
        The criteria table (it caches the draft's resolved weights for both views).
    say : callable(text, error=False)
        Where messages go (the dock's status line).
    """

    def __init__(self, draft: ScenarioDraft, criteria: CriteriaModel,
                 say: Callable[..., None], parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.criteria = criteria
        self._say = say
        self.group_result = None
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
        wl = QVBoxLayout(self)
        r1 = QHBoxLayout()
        r1.addWidget(self.direct_radio)
        r1.addWidget(self.ahp_radio)
        r1.addWidget(self.group_radio)
        r1.addWidget(self.ahp_button)
        r1.addStretch(1)
        wl.addLayout(r1)
        wl.addWidget(self.group_box)
        wl.addWidget(self.weight_report)

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
        draft.events.changed.connect(self._on_draft_changed)
        self.retranslate()

    def _on_draft_changed(self, what: str) -> None:
        if what in ("all", "weights", "criteria"):
            self.refresh()

    def refresh(self) -> None:
        """Method, members and report as the draft has them."""
        self.method_group.blockSignals(True)
        {"direct": self.direct_radio, "ahp": self.ahp_radio,
         "group_ahp": self.group_radio}[self.draft.method].setChecked(True)
        self.method_group.blockSignals(False)
        self._refresh_member_box()
        self._update_weights()

    def _on_method_changed(self) -> None:
        method = ("group_ahp" if self.group_radio.isChecked() else
                  "ahp" if self.ahp_radio.isChecked() else "direct")
        self.draft.set_method(method, member_name=self.tr("member") + " 1")

    def use_ahp(self) -> bool:
        return self.draft.method == "ahp"

    def weight_method(self) -> str:
        """``"direct"``, ``"ahp"`` or ``"group_ahp"`` (the scenario's spelling)."""
        return self.draft.method

    # -- group AHP ---------------------------------------------------------------------------
    @property
    def _members(self) -> list[dict]:
        return self.draft.members

    def member_names(self) -> list[str]:
        return self.draft.member_names()

    def member_matrix(self, k: int) -> np.ndarray:
        """Member ``k``'s judgements over the criteria in use."""
        return self.draft.matrix_in_use(k)

    def _refresh_member_box(self) -> None:
        current = self.member_box.currentIndex()
        names = self.member_names()
        self.member_box.blockSignals(True)
        self.member_box.clear()
        self.member_box.addItems(names)
        self.member_box.setCurrentIndex(min(max(current, 0), len(names) - 1))
        self.member_box.blockSignals(False)
        self.remove_member_button.setEnabled(len(names) > 1)

    def _draft_edit(self, edit) -> bool:
        """Run a draft edit from a button; a refusal goes to the status line."""
        return apply(edit, lambda message: self._say(message, error=True))

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
        if not self._draft_edit(lambda: self.draft.add_member(name, matrix)):
            return None
        self.member_box.setCurrentIndex(len(self._members) - 1)
        return len(self._members) - 1

    def remove_member(self, k: int | None = None) -> bool:
        """Remove member ``k`` (default the one picked); the last member stays."""
        k = self.member_box.currentIndex() if k is None else k
        if len(self._members) <= 1 or not 0 <= k < len(self._members):
            self._say(self.tr("A group keeps at least one member"), error=True)
            return False
        return self._draft_edit(lambda: self.draft.remove_member(k))

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
        if not self._draft_edit(lambda: self.draft.rename_member(k, name)):
            return False
        self.member_box.setCurrentIndex(k)
        self._say(self.tr("Member renamed") + punct(": ") + f"{old} → {name}")
        return True

    def _on_member_double_clicked(self, index) -> None:
        """Double-click a member in the CR list to rename it (not the combined row)."""
        if 0 <= index.row() < len(self._members):
            self.member_box.setCurrentIndex(index.row())
            self.rename_member(index.row())

    def _ahp_dialog(self, matrix, suffix: str = ""):
        """The AHP editor on the criteria in use; the accepted matrix, or None."""
        from hljgis.gui.dialogs.ahp_dialog import AHPDialog

        used = self.criteria.enabled_criteria()
        dialog = AHPDialog([c["name"] for c in used], [criterion_title(c) for c in used],
                           matrix, parent=self)
        if suffix:
            dialog.setWindowTitle(dialog.windowTitle() + f" – {suffix}")
        self.ahp_dialog = dialog
        if dialog.exec() != AHPDialog.DialogCode.Accepted:
            return None
        return np.array(dialog.matrix())

    def edit_member(self, k: int | None = None) -> bool:
        """Open the AHP editor on one member's judgements; True if accepted."""
        k = self.member_box.currentIndex() if k is None else k
        if not 0 <= k < len(self._members):
            return False
        m = self._ahp_dialog(self.member_matrix(k), self._members[k]["name"])
        return m is not None and self._draft_edit(lambda: self.draft.set_member_matrix(k, m))

    def edit_ahp(self) -> bool:
        """Open the AHP matrix editor on the criteria in use; True if accepted."""
        m = self._ahp_dialog(self.draft.matrix_in_use())
        return m is not None and self._draft_edit(lambda: self.draft.set_matrix(m))

    def _update_weights(self) -> None:
        """Show the draft's weights: the report line, and the members' CRs for a group."""
        state = self.criteria.weights_state()
        group = state.method == "group_ahp"
        self.group_box.setVisible(group)
        self.ahp_button.setVisible(not group)
        self.group_result = state.result if group else None
        used = [criterion_title(c) for c in self.criteria.enabled_criteria()]
        if group:
            self.members.set_group(self.member_names(), state.result, used, state.max_cr)
            self.members_view.setFixedHeight(
                self.members_view.horizontalHeader().sizeHint().height() + 4 +
                self.members.rowCount() * self.members_view.verticalHeader().defaultSectionSize())
        if state.error:
            self.weight_report.setText(state.error)
            self.weight_report.setStyleSheet(f"color: {_RED};")
            return
        if state.method == "direct":
            self.weight_report.setText(self.tr("Direct weights: only their proportions "
                                               "matter (e.g. 40, 30, 30)."))
            self.weight_report.setStyleSheet("")
            return
        limit = f" > {state.max_cr:.2f}"
        if group:
            text = (self.tr("Group AHP of {n} members (geometric mean), combined").format(
                n=len(self.member_names())) + f" CR = {state.cr:.3f}")
            if not state.ok:
                text += limit + punct(": ") + self.tr("too inconsistent, edit the matrices")
            flagged = self.members.flagged()
            if flagged:
                text += (punct(". ") + self.tr("Inconsistent members (CR > 0.10)") +
                         punct(": ") + listed(flagged))
            good = state.ok and not flagged
        else:
            text = self.tr("AHP weights, consistency ratio") + f" CR = {state.cr:.3f}"
            if not state.ok:
                text += limit + punct(": ") + self.tr("too inconsistent, edit the matrix")
            good = state.ok
        self.weight_report.setText(text)
        self.weight_report.setStyleSheet(f"color: {_GREEN if good else _RED};")

    def retranslate(self) -> None:
        self.setTitle(self.tr("Weights"))
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

