"""Qt item models of the ranking dock's set-up: the criteria being edited, group AHP
members, and the delegates that draw weights as bars and pick transform kinds.

Each model reads plain data in place (the scenario draft's dicts) and sends edits to the
draft, so the table never holds a second copy. The constraints table is in
``constraints_model.py``, the result tables in ``results_models.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyle, QStyledItemDelegate

from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.scenario import ScenarioError
from hljgis.analysis.transforms import TRANSFORMS
from hljgis.gui.i18n import tr
from hljgis.gui.ranking.texts import (
    TRANSFORM_NAMES,
    criterion_rationale,
    criterion_title,
    punct,
    text_to_params,
    transform_params_text,
    unit_text,
)

__all__ = [
    "BAR_ROLE",
    "DISPLAY",
    "BarDelegate",
    "ChoiceDelegate",
    "CriteriaModel",
    "DraftModel",
    "FixedColumnsModel",
    "MembersModel",
    "TransformKindDelegate",
]

#: Item-data role holding a 0..1 fraction that :class:`BarDelegate` draws as a bar.
BAR_ROLE = int(Qt.ItemDataRole.UserRole) + 7
DISPLAY = Qt.ItemDataRole.DisplayRole


class BarDelegate(QStyledItemDelegate):
    """Draws ``BAR_ROLE`` (0..1) as a pale bar behind the cell text: weights at a glance."""

    color = QColor("#f6c28b")

    def paint(self, painter, option, index) -> None:
        value = index.data(BAR_ROLE)
        if value is not None and np.isfinite(value) and value > 0:
            if option.state & QStyle.StateFlag.State_Selected:
                painter.fillRect(option.rect, option.palette.highlight())
            r = QRectF(option.rect).adjusted(1, 3, -1, -3)
            r.setWidth(r.width() * min(1.0, float(value)))
            painter.fillRect(r, self.color)
            option.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, option, index)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo editing a cell's value among fixed codes, shown by their translated names
    (``names``: code -> English name, translated when the editor opens)."""

    codes: ClassVar[tuple[str, ...]] = ()
    names: ClassVar[Mapping[str, str]] = {}

    def createEditor(self, parent, option, index):  # noqa: N802
        box = QComboBox(parent)
        for code in self.codes:
            box.addItem(tr(self.names.get(code, code)), code)
        return box

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class TransformKindDelegate(ChoiceDelegate):
    """Combo of transform kinds."""

    codes = tuple(TRANSFORMS)
    names = TRANSFORM_NAMES


# ----------------------------------------------------------------------------- criteria


class FixedColumnsModel(QAbstractTableModel):
    """A flat table whose columns are fixed: ``HEADERS`` (translated when shown), optional
    header tooltips ``HEADER_TIPS`` (column -> text), and one row per item of :meth:`rows`."""

    HEADERS: tuple[str, ...] = ()
    HEADER_TIPS: dict[int, str] = {}  # noqa: RUF012 - read-only class data

    def rows(self):
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == DISPLAY:
                return tr(self.HEADERS[section])
            if role == Qt.ItemDataRole.ToolTipRole and section in self.HEADER_TIPS:
                return tr(self.HEADER_TIPS[section])
        return None


class DraftModel(FixedColumnsModel):
    """A table over part of a :class:`~hljgis.analysis.draft.ScenarioDraft`: it redraws
    when the draft says that part changed, and turns a refused edit into ``rejected``."""

    edited = Signal()
    rejected = Signal(str)
    PARTS: tuple[str, ...] = ()

    def __init__(self, draft: ScenarioDraft, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self._count = len(self.rows())
        draft.events.changed.connect(self._on_draft_changed)

    def _on_draft_changed(self, what: str) -> None:
        if what != "all" and what not in self.PARTS:
            return
        if len(self.rows()) != self._count or what == "all":
            self.beginResetModel()
            self._count = len(self.rows())
            self.endResetModel()
        elif self._count:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._count - 1, len(self.HEADERS) - 1))

    def _try(self, edit, label: str = "") -> bool:
        """Run one draft edit; a refusal is reported (``rejected``) instead of raised."""
        try:
            edit()
        except ScenarioError as exc:
            self.rejected.emit(f"{label}{punct(': ') if label else ''}{exc}")
            return False
        self.edited.emit()
        return True


class CriteriaModel(DraftModel):
    """The draft's criteria: use, weight, share, transform, parameters, unit.

    With AHP or group AHP the weights come from the matrices and the weight column is
    read-only. Edits go to the draft (which checks them); a refused edit is reported.

    Signals
    -------
    edited()
        An edit was applied.
    rejected(str)
        An edit was refused; the message says why (e.g. bad transform parameters).
    """

    USE, WEIGHT, SHARE, TRANSFORM, PARAMS, UNIT = range(6)
    HEADERS = ("Criterion", "Weight", "Share", "Transform", "Parameters", "Unit")
    HEADER_TIPS = {  # noqa: RUF012 - read-only class data
        SHARE: "Normalised weight: the share of the score this criterion decides"}
    PARTS = ("criteria", "weights")

    def __init__(self, draft: ScenarioDraft, parent=None) -> None:
        self._weights = None
        super().__init__(draft, parent)

    def _on_draft_changed(self, what: str) -> None:
        self._weights = None
        super()._on_draft_changed(what)

    @property
    def criteria(self) -> list[dict]:
        return self.draft.criteria

    @property
    def enabled(self) -> list[bool]:
        return self.draft.enabled

    def enabled_criteria(self) -> list[dict]:
        return [c for c, on in zip(self.criteria, self.enabled, strict=True) if on]

    def weights_state(self):
        """The draft's resolved weights (cached until the draft changes)."""
        if self._weights is None:
            self._weights = self.draft.weights()
        return self._weights

    def shares(self) -> np.ndarray:
        """Normalised weight of each criterion (0 for unused ones)."""
        return self.weights_state().shares

    def matrix_weights(self) -> bool:
        return self.draft.method != "direct"

    # -- Qt --------------------------------------------------------------------------------
    def rows(self):
        return self.draft.criteria

    def flags(self, index):
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = index.column()
        if col == self.USE:
            return f | Qt.ItemFlag.ItemIsUserCheckable
        if col == self.WEIGHT and not self.matrix_weights():
            return f | Qt.ItemFlag.ItemIsEditable
        if col in (self.TRANSFORM, self.PARAMS):
            return f | Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index, role=DISPLAY):
        c = self.criteria[index.row()]
        col = index.column()
        on = self.enabled[index.row()]
        spec = c.get("transform", {})
        if role == DISPLAY or role == Qt.ItemDataRole.EditRole:
            if col == self.USE:
                return criterion_title(c)
            if col == self.WEIGHT:
                if self.matrix_weights():
                    return tr("AHP") if on else ""
                w = float(c.get("weight", 1.0))
                return w if role == Qt.ItemDataRole.EditRole else f"{w:g}"
            if col == self.SHARE:
                return f"{100 * self.shares()[index.row()]:.1f} %" if on else "–"
            if col == self.TRANSFORM:
                kind = spec.get("kind", "")
                return kind if role == Qt.ItemDataRole.EditRole else tr(
                    TRANSFORM_NAMES.get(kind, kind))
            if col == self.PARAMS:
                return transform_params_text(spec)
            if col == self.UNIT:
                return unit_text(c.get("unit", ""))
        if role == Qt.ItemDataRole.CheckStateRole and col == self.USE:
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == BAR_ROLE and col == self.SHARE and on:
            return float(self.shares()[index.row()])
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.USE:
                return (f"<b>{criterion_title(c)}</b>{punct(' (')}{c['name']}, {c.get('kind')}"
                        f"{', ' + c['layer'] if c.get('layer') else ''}{punct(')')}<br>"
                        f"{criterion_rationale(c)}")
            if col == self.PARAMS:
                hint = tr("Edit as name=value, separated by commas, e.g. lo=0, hi=15000, "
                          "benefit=false")
                return f"{self.data(index)}\n{hint}"
            if col == self.WEIGHT and self.matrix_weights():
                return tr("Weights come from the AHP matrix; switch to direct weights to type "
                          "them")
        if role == Qt.ItemDataRole.ForegroundRole and not on:
            return QBrush(QColor("#9e9e9e"))
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row, col = index.row(), index.column()
        c = self.criteria[row]
        draft = self.draft
        if role == Qt.ItemDataRole.CheckStateRole and col == self.USE:
            on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(
                value, bool) else value
            if not on and self.enabled[row] and sum(self.enabled) <= 1:
                self.rejected.emit(tr("At least one criterion must stay in use"))
                return False
            return self._try(lambda: draft.set_enabled(row, bool(on)))
        if role != Qt.ItemDataRole.EditRole:
            return False
        if col == self.WEIGHT:
            return self._try(lambda: draft.set_weight(row, value), tr("Weight"))
        if col == self.TRANSFORM:
            if str(value) == c["transform"].get("kind"):
                return False
            return self._try(lambda: draft.set_transform_kind(row, str(value)),
                             criterion_title(c))
        if col == self.PARAMS:
            try:
                params = text_to_params(str(value))
            except ValueError as exc:
                self.rejected.emit(f"{criterion_title(c)}{punct(': ')}{exc}")
                return False
            return self._try(lambda: draft.set_transform(
                row, {"kind": c["transform"]["kind"], **params}), criterion_title(c))
        return False


# ---------------------------------------------------------------------------- group AHP


class MembersModel(FixedColumnsModel):
    """Group AHP: each member's consistency ratio, then the combined (geometric mean) row.

    ``set_group(names, group, titles, max_cr)`` takes a
    :class:`~hljgis.analysis.weights.GroupAHPResult`; a member whose CR is above ``max_cr``
    is shown in red and flagged (``flagged()``), the combined row in bold.
    """

    NAME, CR, STATUS = range(3)
    HEADERS = ("Member", "CR", "Consistency")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.crs: list[float] = []
        self.weights: list[np.ndarray] = []
        self.titles: list[str] = []
        self.max_cr = 0.10

    def set_group(self, names, group, titles, max_cr: float) -> None:
        self.beginResetModel()
        if group is None:
            self.names, self.crs, self.weights = list(names), [np.nan] * len(names), []
        else:
            self.names = [*names, tr("Combined (geometric mean)")]
            self.crs = [float(r.cr) for r in group.members] + [float(group.cr)]
            self.weights = [np.asarray(r.weights) for r in group.members] + [
                np.asarray(group.weights)]
        self.titles = list(titles)
        self.max_cr = float(max_cr)
        self.endResetModel()

    def flagged(self) -> list[str]:
        """Members (not the combined row) whose CR is above the limit."""
        return [n for n, cr in zip(self.names[:-1], self.crs[:-1], strict=True)
                if cr > self.max_cr]

    def rows(self):
        return self.names

    def data(self, index, role=DISPLAY):
        r, col = index.row(), index.column()
        cr = self.crs[r] if r < len(self.crs) else np.nan
        combined = bool(self.weights) and r == len(self.names) - 1
        bad = np.isfinite(cr) and cr > self.max_cr
        if role == DISPLAY:
            if col == self.NAME:
                return self.names[r]
            if col == self.CR:
                return f"{cr:.3f}" if np.isfinite(cr) else "?"
            if col == self.STATUS:
                if not np.isfinite(cr):
                    return tr("invalid matrix")
                return (f"> {self.max_cr:.2f} " + tr("too inconsistent") if bad
                        else "≤ " + f"{self.max_cr:.2f} " + tr("consistent enough"))
        if role == Qt.ItemDataRole.ForegroundRole and bad:
            return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.FontRole and combined:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and r < len(self.weights):
            w = self.weights[r]
            return "<br>".join(f"{t}: {100 * x:.1f} %" for t, x in zip(
                self.titles, w, strict=False))
        return None
