"""The ranking dock's constraints table: name, rule, reason, and exclude or penalise.

The rules and reasons are worded by :mod:`hljgis.analysis.ranking_texts` in the interface
language; edits go to the scenario draft.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from hljgis.analysis.draft import CONSTRAINT_ACTIONS, ScenarioDraft
from hljgis.gui.i18n import current_language, tr
from hljgis.gui.ranking.models import DISPLAY, ChoiceDelegate, DraftModel
from hljgis.gui.ranking.texts import constraint_label, constraint_reason, constraint_rule, punct

__all__ = ["ACTION_NAMES", "ConstraintActionDelegate", "ConstraintsModel"]

ACTION_NAMES = {"exclude": "Exclude", "multiply": "Penalty ×", "subtract": "Penalty −"}


class ConstraintActionDelegate(ChoiceDelegate):
    """Combo: exclude the site, or keep it with a score × factor or score − amount."""

    codes = tuple(CONSTRAINT_ACTIONS)
    names = ACTION_NAMES


class ConstraintsModel(DraftModel):
    """The draft's constraints: name, rule, reason, and exclude ↔ penalty per constraint.

    Shows ``draft.constraints`` (plain dicts); edits go to the draft. The "Reason" column
    shows and edits the reason in the interface language (``reason_zh`` in Chinese, which
    falls back to the English ``reason`` until one is typed). The "Constraint" column shows
    the constraint's short title (``title_zh`` in Chinese; the internal name when it has no
    title, and in the tooltip) and in Chinese the "Rule" names the layer by its Chinese
    title (``layer_title``). The "Action" column
    switches a constraint between excluding the sites it hits and keeping them with a
    penalty (score × factor, or score − amount); the "Penalty" column edits that factor or
    amount (read-only while the constraint excludes).

    Signals
    -------
    edited()
    rejected(str)
    """

    NAME, RULE, REASON, ACTION, VALUE = range(5)
    HEADERS = ("Constraint", "Rule", "Reason", "Action", "Penalty")
    HEADER_TIPS = {  # noqa: RUF012 - read-only class data
        ACTION: "Exclude the sites this rule hits, or keep them with a lower score"}

    PARTS = ("constraints",)

    def __init__(self, draft: ScenarioDraft, parent=None) -> None:
        super().__init__(draft, parent)
        #: A layer's Chinese title by its table name, for the rule in Chinese (the panel
        #: reads it from the project; None keeps the table names).
        self.layer_title: Callable[[str], str] | None = None

    @property
    def constraints(self) -> list[dict]:
        return self.draft.constraints

    @staticmethod
    def action(c: dict) -> str:
        return ScenarioDraft.constraint_action(c)

    def set_action(self, row: int, action: str, value: float | None = None) -> bool:
        """Exclude (``"exclude"``) or penalise (``"multiply"``/``"subtract"``) one constraint."""
        ok = self.setData(self.index(row, self.ACTION), action)
        if ok and value is not None and action != "exclude":
            ok = self.setData(self.index(row, self.VALUE), value)
        return ok

    def row_of(self, name: str) -> int:
        names = [c.get("name") for c in self.constraints]
        return names.index(name) if name in names else -1

    # -- Qt --------------------------------------------------------------------------------
    def rows(self):
        return self.draft.constraints

    def flags(self, index):
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = index.column()
        c = self.constraints[index.row()]
        if col in (self.REASON, self.ACTION):
            return f | Qt.ItemFlag.ItemIsEditable
        if col == self.VALUE and self.action(c) != "exclude":
            return f | Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index, role=DISPLAY):
        c = self.constraints[index.row()]
        col = index.column()
        action = self.action(c)
        if role in (DISPLAY, Qt.ItemDataRole.EditRole):
            if col == self.NAME:
                return constraint_label(c)
            if col == self.RULE:
                return constraint_rule(c, self.layer_title)
            if col == self.REASON:
                return constraint_reason(c)
            if col == self.ACTION:
                return action if role == Qt.ItemDataRole.EditRole else tr(ACTION_NAMES[action])
            if col == self.VALUE:
                v = float(c.get("penalty_value", 0.5))
                if role == Qt.ItemDataRole.EditRole:
                    return v
                if action == "exclude":
                    return "–"
                return f"×{v:g}" if action == "multiply" else f"−{v:g}"
        if role == Qt.ItemDataRole.ToolTipRole:
            rule = constraint_rule(c, self.layer_title)
            label, name = constraint_label(c), c.get("name", "")
            head = f"<b>{label}</b>" + (punct(" (") + name + punct(")") if label != name
                                        else "")
            tip = f"{head}{punct(': ')}{rule}<br>{c.get('rationale', '')}"
            if col == self.REASON:
                tip += "".join(f"<br>{label}{colon}{c[key]}" for key, label, colon in (
                    ("reason", "English", ": "), ("reason_zh", "中文", "：")) if c.get(key))
            if col == self.VALUE:
                tip += "<br>" + tr("Factor 0..1 the score is multiplied by, or the amount "
                                   "subtracted from it")
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ACTION:
            return QBrush(QColor("#c62828" if action == "exclude" else "#b26a00"))
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole:
            return False
        row, col = index.row(), index.column()
        c = self.constraints[row]
        label = constraint_label(c)
        draft = self.draft
        if col == self.REASON:
            return self._try(lambda: draft.set_constraint_reason(row, str(value),
                                                                 current_language()), label)
        if col == self.ACTION:
            if str(value) not in CONSTRAINT_ACTIONS:
                self.rejected.emit(tr("Unknown constraint action") + punct(": ") + f"{value}")
                return False
            return self._try(lambda: draft.set_constraint_action(row, str(value)), label)
        if col == self.VALUE:
            try:
                v = float(str(value).replace(",", ".").lstrip("×x−-"))
            except ValueError:
                self.rejected.emit(tr("A penalty must be a number") + punct(": ") + f"{value}")
                return False
            return self._try(lambda: draft.set_constraint_action(row, self.action(c), v), label)
        return False
