"""The labels page: which field(s) label the features and how the text looks.

Each control is bound by name to one setting of the draft's :class:`Labels` (a table of
control, its signal, the setting and how to read the control), so there is one handler for
all of them instead of one per control.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hljgis.gui.dialogs.style.widgets import ColorButton, blocked, label_text


class LabelsPage(QWidget):
    """Label settings of the draft; every change goes to ``draft.set_label``."""

    def __init__(self, draft, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.box = QGroupBox()
        self.box.setCheckable(True)
        self.field = QComboBox()
        self.field2 = QComboBox()
        self.size = QDoubleSpinBox()
        self.size.setRange(4.0, 72.0)
        self.size.setDecimals(1)
        self.size.setSingleStep(0.5)
        self.size.setSuffix(" pt")
        self.color = ColorButton()
        self.bold = QCheckBox()
        self.callout = QCheckBox()
        self.halo = QCheckBox()
        self.halo_color = ColorButton()
        self.halo_color.set_color("#ffffff")
        self.halo_width = QDoubleSpinBox()
        self.halo_width.setRange(0.0, 5.0)
        self.halo_width.setDecimals(2)
        self.halo_width.setSingleStep(0.1)
        self.halo_width.setSuffix(" mm")
        self.priority = QSpinBox()
        self.priority.setRange(0, 10)
        self.priority_field = QComboBox()
        self.rows = {k: QLabel() for k in (
            "field", "field2", "size", "color", "bold", "halo", "halo_width", "priority",
            "priority_field", "callout")}
        halo_row = QHBoxLayout()
        halo_row.addWidget(self.halo)
        halo_row.addWidget(self.halo_color)
        halo_row.addStretch(1)
        form = QFormLayout(self.box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for key, widget in (("field", self.field), ("field2", self.field2),
                            ("size", self.size), ("color", self.color), ("bold", self.bold),
                            ("halo", halo_row), ("halo_width", self.halo_width),
                            ("priority", self.priority),
                            ("priority_field", self.priority_field),
                            ("callout", self.callout)):
            form.addRow(self.rows[key], widget)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.hint)
        layout.addStretch(1)

        #: control -> (its change signal, the Labels setting, how to read the new value)
        self._bindings = {
            self.box: (self.box.toggled, "enabled", bool),
            self.field: (self.field.currentIndexChanged, "field",
                         lambda _i: self.field.currentData()),
            self.field2: (self.field2.currentIndexChanged, "field2",
                          lambda _i: self.field2.currentData()),
            self.size: (self.size.valueChanged, "size_pt", lambda v: round(float(v), 1)),
            self.color: (self.color.color_changed, "color", lambda c: c),
            self.bold: (self.bold.toggled, "bold", bool),
            self.callout: (self.callout.toggled, "callout", bool),
            self.halo: (self.halo.toggled, "halo_color",
                        lambda on: self.halo_color.color() if on else None),
            self.halo_color: (self.halo_color.color_changed, "halo_color",
                              lambda c: c if self.halo.isChecked() else None),
            self.halo_width: (self.halo_width.valueChanged, "halo_width_mm",
                              lambda v: round(float(v), 2)),
            self.priority: (self.priority.valueChanged, "priority", int),
            self.priority_field: (self.priority_field.currentIndexChanged, "priority_field",
                                  lambda _i: self.priority_field.currentData()),
        }
        for signal, key, read in self._bindings.values():
            signal.connect(lambda value, key=key, read=read: draft.set_label(key, read(value)))
        draft.events.changed.connect(self._on_draft_changed)
        self._retranslate()

    def load(self) -> None:
        """Show the draft's label settings (no control writes back meanwhile)."""
        lab = self.draft.labels
        with blocked(*self._bindings):
            none = self.tr("(none)")
            for combo, fields, value in (
                    (self.field, self.draft.fields, lab.field),
                    (self.field2, self.draft.fields, lab.field2),
                    (self.priority_field, self.draft.numeric_fields, lab.priority_field)):
                combo.clear()
                combo.addItem(none, None)
                for f in fields:
                    combo.addItem(f, f)
                if value is not None and combo.findData(value) < 0:
                    combo.addItem(str(value), value)
                combo.setCurrentIndex(max(0, combo.findData(value)))
            self.box.setChecked(bool(lab.enabled))
            self.size.setValue(float(lab.size_pt))
            self.color.set_color(lab.color)
            self.bold.setChecked(bool(lab.bold))
            self.callout.setChecked(bool(lab.callout))
            halo = lab.halo_color
            self.halo.setChecked(halo is not None)
            if halo is not None:
                self.halo_color.set_color(halo)
            self.halo_width.setValue(float(lab.halo_width_mm))
            self.priority.setValue(int(lab.priority))
        for widget in (self.halo_color, self.halo_width):
            widget.setEnabled(halo is not None)

    def _on_draft_changed(self, part: str) -> None:
        if part == "labels":
            self.load()

    def _retranslate(self) -> None:
        self.box.setTitle(self.tr("Show labels"))
        names = {"field": self.tr("Label field"), "field2": self.tr("Second line"),
                 "size": self.tr("Text size"), "color": self.tr("Text colour"),
                 "bold": self.tr("Bold"), "halo": self.tr("Halo"),
                 "halo_width": self.tr("Halo width"), "priority": self.tr("Priority"),
                 "priority_field": self.tr("Priority field"), "callout": self.tr("Callouts")}
        for key, label in self.rows.items():
            label.setText(label_text(names[key]))
        self.halo.setText(self.tr("Draw a halo"))
        self.callout.setText(self.tr("Move crowded point labels out, with a leader line"))
        self.priority.setToolTip(self.tr("Labels with higher priority win when labels collide "
                                         "(10 = always try first)"))
        self.hint.setText(self.tr(
            "Chinese text is drawn with the bundled font, so 鹤岗, 鸡西, 七台河 and 双鸭山 "
            "show on any computer. Where labels overlap, the higher priority (or the larger "
            "value of the priority field) is kept."))
        self.load()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


__all__ = ["LabelsPage"]
