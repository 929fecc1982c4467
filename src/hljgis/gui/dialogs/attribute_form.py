"""The attribute form of a feature, generated from its layer's field specs.

One row per field: a drop-down of the code list (labels in the interface language, the
code beside them), a line edit for text, numbers and dates (with the range as a hint), a
yes/no box for true/false. Required fields carry an asterisk. OK checks every value with
:func:`hljgis.core.editing.fields.check_values` and keeps the form open, each problem
written under its field, until all pass; only then is ``commit(values)`` called.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.editing.fields import FieldSpec, check_values
from hljgis.core.errors import InputError

_RED = "#b2182b"


class AttributeForm(QDialog):
    """Values of one feature, checked before they are accepted.

    Parameters
    ----------
    fields : sequence of FieldSpec
    values : dict
        Starting values (defaults, measured area, or the feature's own).
    lang : {"en", "zh"}
    info : str
        A line shown on top (the drawn feature's area and perimeter).
    """

    def __init__(self, fields, values: dict | None = None, parent=None, *, lang: str = "en",
                 info: str = "", title: str = "") -> None:
        super().__init__(parent)
        self.fields: tuple[FieldSpec, ...] = tuple(fields)
        self.lang = lang
        self.commit: Callable[[dict], None] | None = None
        self.editors: dict[str, QWidget] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self.setWindowTitle(self.tr("Feature attributes") + (f" – {title}" if title else ""))
        self.info = QLabel(info)
        self.info.setStyleSheet("color: #333333; font-weight: bold")
        self.info.setVisible(bool(info))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for f in self.fields:
            editor = self._editor(f)
            self.editors[f.name] = editor
            label = QLabel(f.title(lang) + (" *" if f.required else "") +
                           (f" ({f.unit})" if f.unit else ""))
            label.setToolTip(f"{f.name}: {f.help}" if f.help else f.name)
            problem = QLabel()
            problem.setStyleSheet(f"color: {_RED}")
            problem.setWordWrap(True)
            problem.hide()
            self.problem_labels[f.name] = problem
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(editor)
            box.addWidget(problem)
            form.addRow(label, box)
        self.set_values(values or {})
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.note = QLabel(self.tr("* required. Source, date and editor are recorded "
                                   "automatically."))
        self.note.setStyleSheet("color: #555555")
        self.note.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color: {_RED}")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(440, min(140 + 48 * len(self.fields), 640))

    # -- editors -------------------------------------------------------------------------------
    def _editor(self, f: FieldSpec) -> QWidget:
        if f.codes:
            box = QComboBox()
            box.addItem("", None)
            for code in f.codes:
                label = f.code_label(code[0], self.lang)
                plain = label.lower() in (str(code[0]).lower(), str(code[0]).replace("_", " "))
                box.addItem(label if plain else f"{label} ({code[0]})", code[0])
            return box
        if f.type == "bool":
            box = QComboBox()
            for text, value in (("", None), (self.tr("yes"), True), (self.tr("no"), False)):
                box.addItem(text, value)
            return box
        edit = QLineEdit()
        hint = {"int": self.tr("whole number"), "float": self.tr("number"),
                "date": "YYYY-MM-DD"}.get(f.type, "")
        if f.min is not None or f.max is not None:
            lo = "" if f.min is None else f"{f.min:g}"
            hi = "" if f.max is None else f"{f.max:g}"
            hint += f" {lo}–{hi}"
        edit.setPlaceholderText(hint.strip())
        return edit

    def set_values(self, values: dict) -> None:
        for f in self.fields:
            if f.name in values:
                self.set_value(f.name, values[f.name])

    def set_value(self, name: str, value) -> None:
        """Put ``value`` in a field's editor (a code for drop-downs, text otherwise)."""
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            i = editor.findData(value)
            editor.setCurrentIndex(max(i, 0))
        else:
            editor.setText("" if value is None else
                           (f"{value:g}" if isinstance(value, float) else str(value)))

    def raw_values(self) -> dict:
        out = {}
        for name, editor in self.editors.items():
            out[name] = editor.currentData() if isinstance(editor, QComboBox) else editor.text()
        return out

    def values(self) -> dict:
        """The checked values (raises InputError when any field fails)."""
        values, problems = check_values(self.fields, self.raw_values(), self.lang)
        if problems:
            raise InputError(" ".join(problems.values()))
        return values

    def check(self) -> dict[str, str]:
        """Validate, show each problem under its field, and return them."""
        _, problems = check_values(self.fields, self.raw_values(), self.lang)
        for name, label in self.problem_labels.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
            self.editors[name].setStyleSheet(f"border: 1px solid {_RED}" if name in problems
                                             else "")
        self.summary.setText(self.tr("Correct the fields marked in red.") if problems else "")
        return problems

    def accept(self) -> None:
        if self.check():
            return
        if self.commit is not None:
            try:
                self.commit(self.values())
            except InputError as exc:
                self.summary.setText(str(exc))
                return
        super().accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)
