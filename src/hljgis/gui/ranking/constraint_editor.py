"""The form of one constraint: the rule (layer, feature filter, inside / outside / site
condition, overlap share), what it does (exclude, or a penalty), and the texts; bound to
the draft."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.filter_text import text_to_where, where_to_text
from hljgis.gui.i18n import tr
from hljgis.gui.ranking.forms import ChoiceBox, LayerBox, TextBox, apply, is_vector

#: The fields each constraint kind shows, besides the common ones.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "outside": ("layer", "where", "share"),
    "inside": ("layer", "where", "share"),
    "attribute": ("where",),
}
COMMON = ("name", "title", "title_zh", "kind", "action", "reason", "reason_zh", "rationale")
LABELS = {
    "name": "Name", "title": "Title (English)", "title_zh": "Title (Chinese)", "kind": "Rule",
    "layer": "Layer", "where": "Feature filter", "share": "Overlap share", "action": "Action",
    "reason": "Reason (English)", "reason_zh": "Reason (Chinese)", "rationale": "Rationale",
}
KINDS = {"outside": "Sites stay outside the layer's features",
         "inside": "Sites lie inside the layer's features",
         "attribute": "Sites meet a condition on their own fields"}
ACTIONS = {"exclude": "Exclude", "multiply": "Penalty ×", "subtract": "Penalty −"}


class ConstraintEditor(QWidget):
    """Fields of constraint ``row`` of the draft, each committing one draft edit.

    Signals
    -------
    rejected(str) : an edit was refused; the draft's message names the field.
    """

    rejected = Signal(str)

    def __init__(self, draft: ScenarioDraft, project: Callable[[], object],
                 parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.project = project
        self.row = -1
        self.action = ChoiceBox(ACTIONS)
        self.value = QLineEdit()
        self.value.setMaximumWidth(70)
        action_row = QWidget()
        al = QHBoxLayout(action_row)
        al.setContentsMargins(0, 0, 0, 0)
        al.addWidget(self.action, 1)
        al.addWidget(self.value)
        self.w: dict[str, QWidget] = {
            "name": QLineEdit(), "title": QLineEdit(), "title_zh": QLineEdit(),
            "kind": ChoiceBox(KINDS), "layer": LayerBox(), "where": QLineEdit(),
            "share": QLineEdit(), "action": action_row, "reason": QLineEdit(),
            "reason_zh": QLineEdit(), "rationale": TextBox(),
        }
        self.labels = {key: QLabel() for key in self.w}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        for key, widget in self.w.items():
            self.form.addRow(self.labels[key], widget)
        for key in ("name", "title", "title_zh", "where", "share", "reason", "reason_zh",
                    "rationale"):
            self.w[key].editingFinished.connect(lambda key=key: self._commit(key))
        for key in ("kind", "layer"):
            self.w[key].activated.connect(lambda _i, key=key: self._commit(key))
        self.action.activated.connect(lambda _i: self._commit_action())
        self.value.editingFinished.connect(self._commit_action)
        draft.events.changed.connect(self._on_draft_changed)
        self.retranslate()

    def set_row(self, row: int) -> None:
        self.row = row
        self.refresh()

    def _on_draft_changed(self, what: str) -> None:
        if what in ("all", "constraints"):
            self.refresh()

    def constraint(self) -> dict | None:
        ok = 0 <= self.row < len(self.draft.constraints)
        return self.draft.constraints[self.row] if ok else None

    def refresh(self) -> None:
        c = self.constraint()
        self.setEnabled(c is not None)
        if c is None:
            return
        shown = set(COMMON) | set(KIND_FIELDS.get(c.get("kind"), ()))
        for key, widget in self.w.items():
            self.form.setRowVisible(widget, key in shown)
        self.w["layer"].fill(self.project(), is_vector, c.get("layer"))
        self.w["kind"].set_value(c.get("kind"))
        for key in ("name", "title", "title_zh", "reason", "reason_zh"):
            if not self.w[key].hasFocus():
                self.w[key].setText(str(c.get(key) or ""))
        if not self.w["rationale"].hasFocus():
            self.w["rationale"].setPlainText(str(c.get("rationale") or ""))
        if not self.w["where"].hasFocus():
            self.w["where"].setText(where_to_text(c.get("where")))
        if not self.w["share"].hasFocus():
            share = c.get("share")
            self.w["share"].setText("" if share is None else f"{share:g}")
        action = ScenarioDraft.constraint_action(c)
        self.action.set_value(action)
        self.value.setEnabled(action != "exclude")
        if not self.value.hasFocus():
            self.value.setText(f"{float(c.get('penalty_value', 0.5)):g}")

    def _value(self, key: str):
        w = self.w[key]
        if key == "rationale":
            return w.toPlainText().strip()
        if key == "layer":
            return w.value() or None
        if key == "kind":
            return w.value()
        if key == "where":
            return text_to_where(w.text())
        if key == "share":
            text = w.text().strip().replace(",", ".")
            return float(text) if text else None
        return w.text().strip()

    def _commit(self, key: str) -> None:
        c = self.constraint()
        if c is None:
            return
        try:
            value = self._value(key)
        except ValueError as exc:
            self.rejected.emit(f"{tr(LABELS[key])}: {exc}")
            return
        if value == c.get(key) or (value in ("", None) and not c.get(key)):
            return
        row = self.row
        if not apply(lambda: self.draft.set_constraint(row, **{key: value}), self.rejected.emit):
            self.refresh()

    def _commit_action(self) -> None:
        c = self.constraint()
        if c is None:
            return
        action = self.action.value()
        value = None
        if action != "exclude":
            try:
                value = float(self.value.text().strip().replace(",", ".").lstrip("×x−-"))
            except ValueError:
                self.rejected.emit(tr("A penalty must be a number") + f": {self.value.text()}")
                return
        row = self.row
        if not apply(lambda: self.draft.set_constraint_action(row, action, value),
                     self.rejected.emit):
            self.refresh()

    def retranslate(self) -> None:
        for key, label in self.labels.items():
            label.setText(tr(LABELS[key]))
        for w in (self.w["kind"], self.action):
            w.retranslate()
        self.w["where"].setPlaceholderText(tr("e.g. stable_from_year > $year"))
        self.w["share"].setPlaceholderText(tr("blank: any overlap (outside), half (inside)"))
        self.value.setToolTip(tr("Factor 0..1 the score is multiplied by, or the amount "
                                 "subtracted from it"))
        self.refresh()
