"""The graduated page: a numeric field, a method, the number of classes, a ramp, the class table
and the shared symbol."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.style.ramps import QUALITATIVE_RAMPS, RAMPS
from hljgis.gui.dialogs.style.categorized_page import select_text
from hljgis.gui.dialogs.style.class_models import ClassTableModel
from hljgis.gui.dialogs.style.class_table import ClassTableView
from hljgis.gui.dialogs.style.symbol_editor import SymbolEditor
from hljgis.gui.dialogs.style.widgets import blocked, label_text, ramp_icon

GRADUATED_RAMPS = tuple(n for n in RAMPS if n not in QUALITATIVE_RAMPS and n != "terrain")


class GraduatedPage(QWidget):
    """Classes of a numeric field; changing the field, method or count reclassifies (except
    for manual classes), changing the ramp recolours."""

    def __init__(self, draft, lang: str = "en", parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.field = QComboBox()
        self.field.addItems(draft.numeric_fields)
        self.method = QComboBox()
        self.k = QSpinBox()
        self.k.setRange(2, 12)
        self.ramp = QComboBox()
        self.ramp.setIconSize(QSize(96, 14))
        for name in GRADUATED_RAMPS:
            self.ramp.addItem(ramp_icon(name), name, name)
        self.classify = QPushButton()
        self.model = ClassTableModel(draft, lang, self)
        self.table = ClassTableView(self.model)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8a5a00;")
        self.template = SymbolEditor(template=True)
        self.template_box = QGroupBox()
        QVBoxLayout(self.template_box).addWidget(self.template)
        self.field_label, self.method_label = QLabel(), QLabel()
        self.k_label, self.ramp_label = QLabel(), QLabel()
        top = QFormLayout()
        top.addRow(self.field_label, self.field)
        top.addRow(self.method_label, self.method)
        krow = QHBoxLayout()
        krow.addWidget(self.k)
        krow.addStretch(1)
        krow.addWidget(self.classify)
        top.addRow(self.k_label, krow)
        top.addRow(self.ramp_label, self.ramp)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.template_box)

        self.field.currentIndexChanged.connect(self._on_params_changed)
        self.method.currentIndexChanged.connect(self._on_params_changed)
        self.k.valueChanged.connect(self._on_params_changed)
        self.ramp.currentIndexChanged.connect(self._on_ramp_changed)
        self.classify.clicked.connect(self._on_classify_clicked)
        self.template.edited.connect(draft.set_symbol_value)
        draft.events.changed.connect(self._on_draft_changed)
        self._retranslate()

    def current_ramp(self) -> str:
        return self.ramp.currentData() or "YlOrRd"

    # -- showing the draft -------------------------------------------------------------------
    def load(self) -> None:
        r = self.draft.renderer
        if r.kind != "graduated":
            return
        with blocked(self.field, self.method, self.k, self.ramp):
            select_text(self.field, r.field)
            self._fill_methods(r.method)
            self.k.setValue(int(r.k or len(r.classes) or 5))
            if self.ramp.findData(r.ramp) < 0:
                self.ramp.addItem(ramp_icon(r.ramp) if r.ramp in RAMPS else QIcon(), r.ramp,
                                  r.ramp)
            self.ramp.setCurrentIndex(self.ramp.findData(r.ramp))
        self.template.set_symbol(r.symbol)
        self._show_note()

    def _fill_methods(self, current: str) -> None:
        names = {"quantiles": self.tr("Quantiles (equal count)"),
                 "natural_breaks": self.tr("Natural breaks (Jenks)"),
                 "equal_interval": self.tr("Equal interval"),
                 "manual": self.tr("Manual")}
        keys = ["quantiles", "natural_breaks", "equal_interval"]
        if current == "manual":
            keys.append("manual")
        with blocked(self.method):
            self.method.clear()
            for key in keys:
                self.method.addItem(names[key], key)
            self.method.setCurrentIndex(max(0, self.method.findData(current)))

    def _show_note(self) -> None:
        missing = self.draft.missing_count()
        outside = len(self.draft.layer.gdf) - missing - sum(self.model.counts())
        notes = []
        if missing:
            notes.append(self.tr("{n} features have no value and are not drawn")
                         .format(n=f"{missing:,}"))
        if outside > 0:
            notes.append(self.tr("{n} features fall outside every class")
                         .format(n=f"{outside:,}"))
        if not self.draft.numeric_fields:
            notes.append(self.tr("This layer has no numeric field to classify."))
        self.note.setText("; ".join(notes))
        self.note.setVisible(bool(notes))

    def _on_draft_changed(self, part: str) -> None:
        if part in ("renderer", "classes", "symbol"):
            self.load()

    # -- edits -------------------------------------------------------------------------------
    def _on_params_changed(self, *_args) -> None:
        if self.method.currentData() != "manual":
            self._on_classify_clicked()

    def _on_classify_clicked(self) -> None:
        field = self.field.currentText()
        if field and field in self.draft.layer.gdf.columns:
            self.draft.graduate(field, self.method.currentData() or "quantiles",
                                self.k.value(), self.current_ramp())

    def _on_ramp_changed(self, _i: int) -> None:
        self.draft.set_ramp(self.current_ramp())

    # -- language ----------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.field_label.setText(label_text(self.tr("Numeric field")))
        self.method_label.setText(label_text(self.tr("Method")))
        self.k_label.setText(label_text(self.tr("Classes")))
        self.ramp_label.setText(label_text(self.tr("Colour ramp")))
        self.classify.setText(self.tr("Compute classes"))
        self.template_box.setTitle(self.tr("Symbol shared by all classes"))
        self._fill_methods(self.method.currentData() or self.draft.renderer.method)
        self.model.retranslate()
        self.load()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


__all__ = ["GRADUATED_RAMPS", "GraduatedPage"]
