"""Pairwise comparison (AHP) editor: Saaty judgements in, weights and consistency out, live.

A planner fills only the upper triangle ("how many times more important is the row criterion
than the column criterion?") on Saaty's 1/9..9 scale; the lower triangle mirrors as exact
reciprocals. Weights and the consistency ratio are recomputed on every edit so a workshop can
see at once what a judgement does, and a CR above the limit names the judgement to revisit
first and blocks OK, because the engine would refuse the matrix anyway.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
)

from hljgis.analysis.weights import DEFAULT_MAX_CR, AHPResult, ahp
from hljgis.gui.ranking.models import BAR_ROLE, BarDelegate

#: Saaty's scale as (label, value), from "column extremely more important" to "row extremely".
SAATY_SCALE: tuple[tuple[str, float], ...] = tuple(
    [(f"1/{k}", 1.0 / k) for k in range(9, 1, -1)] + [(str(k), float(k)) for k in range(1, 10)]
)
_RED = QColor("#c62828")
_LOWER = QColor("#eeeeee")
_WORST = QColor("#ffcdd2")


def saaty_label(value: float) -> str:
    """'1/3' for 0.333.., '5' for 5.0, else 3 significant digits (combined group matrices)."""
    if not np.isfinite(value) or value <= 0:
        return "?"
    for label, v in SAATY_SCALE:
        if abs(v - value) < 1e-6 * max(1.0, value):
            return label
    frac = Fraction(value).limit_denominator(9)
    if abs(float(frac) - value) < 1e-6:
        return f"{frac.numerator}/{frac.denominator}" if frac.denominator != 1 else str(frac)
    return f"{value:.3g}"


def parse_judgement(text: str) -> float:
    """Read '3', '1/5', '0.2' or '５' typed by hand; raises ValueError if not positive."""
    text = text.strip().replace("／", "/")
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if "/" in text:
        num, den = text.split("/", 1)
        value = float(num) / float(den)
    else:
        value = float(text)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{text!r} is not a positive number")
    return value


class PairwiseMatrixModel(QAbstractTableModel):
    """The n x n judgement matrix; only cells above the diagonal are editable.

    Signals
    -------
    matrix_changed()
        A judgement changed (the lower triangle has already been mirrored).
    """

    matrix_changed = Signal()

    def __init__(self, labels: list[str], matrix=None, parent=None) -> None:
        super().__init__(parent)
        self._labels = list(labels)
        n = len(labels)
        self._a = np.ones((n, n)) if matrix is None else np.array(matrix, dtype=float)
        if self._a.shape != (n, n):
            raise ValueError(f"AHP editor: a {n}x{n} matrix is needed, got {self._a.shape}")
        self._mirror()
        self.worst: tuple[int, int] | None = None

    def _mirror(self) -> None:
        """Lower triangle := exact reciprocals of the upper one; diagonal 1."""
        n = len(self._a)
        iu = np.triu_indices(n, 1)
        self._a[(iu[1], iu[0])] = 1.0 / self._a[iu]
        np.fill_diagonal(self._a, 1.0)

    @property
    def matrix(self) -> np.ndarray:
        return self._a.copy()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._a)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._a)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole:
            label = self._labels[section]
            if orientation == Qt.Orientation.Horizontal:
                return f"{section + 1}"
            return f"{section + 1}  {label}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._labels[section]
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() > index.row():
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        i, j = index.row(), index.column()
        value = float(self._a[i, j])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return saaty_label(value)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self.worst is not None and (i, j) in (self.worst, self.worst[::-1]):
                return QBrush(_WORST)
            if j <= i:
                return QBrush(_LOWER)
        if role == Qt.ItemDataRole.ForegroundRole and j <= i:
            return QBrush(QColor("#666666"))
        if role == Qt.ItemDataRole.FontRole and j > i:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and i != j:
            a, b = self._labels[i], self._labels[j]
            return f"{a} : {b} = {saaty_label(value)}"
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        i, j = index.row(), index.column()
        if j <= i or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            v = parse_judgement(value) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            return False
        if not np.isfinite(v) or v <= 0:
            return False
        self.set_judgement(i, j, v)
        return True

    def set_judgement(self, i: int, j: int, value: float) -> None:
        """Set a[i, j] (either triangle) and its mirror, then announce the change."""
        if i == j:
            return
        if i > j:
            i, j, value = j, i, 1.0 / value
        self._a[i, j] = float(value)
        self._a[j, i] = 1.0 / float(value)
        for r, c in ((i, j), (j, i)):
            idx = self.index(r, c)
            self.dataChanged.emit(idx, idx)
        self.matrix_changed.emit()

    def set_worst(self, pair: tuple[int, int] | None) -> None:
        """Highlight the most inconsistent judgement (or none)."""
        self.worst = pair
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._a) - 1, len(self._a) - 1))


class SaatyDelegate(QStyledItemDelegate):
    """An editable combo of Saaty's scale: pick 1/9..9 or type a value such as 2.5."""

    def createEditor(self, parent, option, index):  # noqa: N802
        box = QComboBox(parent)
        box.setEditable(True)
        for label, value in SAATY_SCALE:
            box.addItem(label, value)
        return box

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        text = index.data(Qt.ItemDataRole.EditRole)
        k = editor.findText(text)
        if k >= 0:
            editor.setCurrentIndex(k)
        else:
            editor.setEditText(text)

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class AHPDialog(QDialog):
    """Edit a pairwise comparison matrix with live weights and consistency ratio.

    Parameters
    ----------
    names : list of str
        Criterion names (used in messages and kept in the scenario).
    titles : list of str, optional
        What the planner reads (criterion titles); default the names.
    matrix : array_like, optional
        Starting judgements; identity (all equal) by default.
    max_cr : float, default 0.10

    Signals
    -------
    result_changed(object)
        The :class:`~hljgis.analysis.weights.AHPResult` after every edit (None if invalid).
    """

    result_changed = Signal(object)

    def __init__(self, names: list[str], titles: list[str] | None = None, matrix=None,
                 max_cr: float = DEFAULT_MAX_CR, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("AHPDialog")
        self.names = list(names)
        self.titles = list(titles or names)
        self.max_cr = float(max_cr)
        self.ahp_result: AHPResult | None = None

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.scale_note = QLabel()
        self.scale_note.setWordWrap(True)
        self.scale_note.setStyleSheet("color: #555555;")
        self.model = PairwiseMatrixModel(self.titles, matrix, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(SaatyDelegate(self.view))
        self.view.setEditTriggers(QTableView.EditTrigger.AllEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setMinimumSectionSize(44)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.weights_view = QTableView()
        self.weights_view.verticalHeader().hide()
        self.weights_view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.weights_view.horizontalHeader().setStretchLastSection(True)
        self.weights_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.weights_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.weights_view.setWordWrap(False)
        self._weights_model = _WeightsModel(self.titles, self)
        self.weights_view.setModel(self._weights_model)
        self.weights_view.setItemDelegateForColumn(1, BarDelegate(self.weights_view))
        self.cr_label = QLabel()
        font = self.cr_label.font()
        font.setBold(True)
        self.cr_label.setFont(font)
        self.pair_label = QLabel()
        self.pair_label.setWordWrap(True)
        self.equal_button = QPushButton()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        bottom = QHBoxLayout()
        bottom.addWidget(self.equal_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.view, 2)
        layout.addWidget(self.scale_note)
        layout.addWidget(self.weights_view, 2)
        layout.addWidget(self.cr_label)
        layout.addWidget(self.pair_label)
        layout.addLayout(bottom)

        self.model.matrix_changed.connect(self._on_matrix_changed)
        self.equal_button.clicked.connect(self._on_equal_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.retranslate()
        self.resize(760, 640)
        self._on_matrix_changed()

    # -- public ----------------------------------------------------------------------------
    def matrix(self) -> list[list[float]]:
        """The judgements as plain lists (what ``WeightSpec.matrix`` stores)."""
        return self.model.matrix.tolist()

    def set_judgement(self, i: int, j: int, value: float) -> None:
        """Programmatic edit of a[i, j] (the mirror follows), as if typed in the table."""
        self.model.set_judgement(i, j, value)

    @property
    def weights(self) -> np.ndarray | None:
        return None if self.ahp_result is None else np.asarray(self.ahp_result.weights)

    @property
    def consistent(self) -> bool:
        return self.ahp_result is not None and self.ahp_result.cr <= self.max_cr

    def accept(self) -> None:
        """Refuse OK while the judgements are too inconsistent (the engine would too)."""
        if not self.consistent:
            return
        super().accept()

    # -- handlers --------------------------------------------------------------------------
    def _on_matrix_changed(self) -> None:
        try:
            self.ahp_result = ahp(self.model.matrix)
        except ValueError as exc:
            self.ahp_result = None
            self.cr_label.setText(str(exc))
            self.cr_label.setStyleSheet(f"color: {_RED.name()};")
            self.ok_button.setEnabled(False)
            self.result_changed.emit(None)
            return
        r = self.ahp_result
        self._weights_model.set_weights(r.weights)
        ok = r.cr <= self.max_cr
        text = (self.tr("Consistency ratio (CR)") + f" = {r.cr:.3f}  " +
                ("≤" if ok else ">") + f" {self.max_cr:.2f}  ")
        text += self.tr("OK: judgements are consistent enough") if ok else self.tr(
            "Too inconsistent: revise the highlighted judgement")
        self.cr_label.setText(text)
        self.cr_label.setStyleSheet(f"color: {'#2e7d32' if ok else _RED.name()};")
        pair = r.most_inconsistent_pair
        if pair is not None and r.n > 2:
            i, j = pair
            msg = (self.tr("Most inconsistent pair") + f": {self.titles[i]} ↔ "
                   f"{self.titles[j]}. " + self.tr("Judged") + f" {saaty_label(r.matrix[i, j])}, "
                   + self.tr("the other judgements imply about") +
                   f" {r.implied_ratio(i, j):.2g}.")
            self.pair_label.setText(msg)
            self.pair_label.setStyleSheet("" if ok else f"color: {_RED.name()};")
        else:
            self.pair_label.setText("")
        self.model.set_worst(pair if not ok else None)
        self.ok_button.setEnabled(ok)
        self.ok_button.setToolTip("" if ok else self.tr(
            "The consistency ratio must be at most 0.10 before these weights can be used"))
        self.result_changed.emit(r)

    def _on_equal_clicked(self) -> None:
        n = len(self.names)
        self.model.beginResetModel()
        self.model._a = np.ones((n, n))
        self.model.endResetModel()
        self.model.matrix_changed.emit()

    # -- language --------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Pairwise comparison (AHP)"))
        self.intro.setText(self.tr(
            "Fill the cells above the diagonal: how many times more important is the row "
            "criterion than the column criterion? The cells below mirror automatically."))
        self.scale_note.setText(self.tr(
            "Saaty scale: 1 equal, 3 moderately, 5 strongly, 7 very strongly, 9 extremely "
            "more important (2, 4, 6, 8 in between); 1/3, 1/5 ... mean the column criterion "
            "is more important."))
        self.equal_button.setText(self.tr("Reset to equal"))
        self._weights_model.headers = [self.tr("Criterion"), self.tr("Weight")]
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.ok_button.setText(self.tr("Use these weights"))
        if self.ahp_result is not None:
            self._on_matrix_changed()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "model"):
            self.retranslate()
        super().changeEvent(event)


class _WeightsModel(QAbstractTableModel):
    """Criterion and its derived weight (percent, with a bar drawn by the background)."""

    def __init__(self, titles: list[str], parent=None) -> None:
        super().__init__(parent)
        self.titles = titles
        self.weights = np.full(len(titles), np.nan)
        self.headers = ["Criterion", "Weight"]

    def set_weights(self, weights) -> None:
        self.weights = np.asarray(weights, dtype=float)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.titles) - 1, 1))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.titles)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 2

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        i, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{i + 1}  {self.titles[i]}"
            w = self.weights[i]
            return "" if not np.isfinite(w) else f"{100 * w:.1f} %"
        if role == BAR_ROLE and col == 1:
            return float(self.weights[i])
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QBrush(QColor("#b3541e"))
        return None
