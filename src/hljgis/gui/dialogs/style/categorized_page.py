"""The categorized page: a field, a ramp, the category table, "Other" and the shared symbol."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.style.draft import primary_key
from hljgis.core.style.ramps import QUALITATIVE_RAMPS
from hljgis.gui.dialogs.style.class_models import CategoryTableModel
from hljgis.gui.dialogs.style.class_table import ClassTableView
from hljgis.gui.dialogs.style.symbol_editor import SymbolEditor
from hljgis.gui.dialogs.style.widgets import ColorButton, blocked, label_text, ramp_icon

CATEGORY_RAMPS = (*QUALITATIVE_RAMPS, "Spectral", "RdYlGn")


def select_text(combo: QComboBox, text) -> None:
    """Select ``text`` in ``combo``, adding it when the list lacks it (a field gone missing)."""
    if text is None:
        return
    i = combo.findText(str(text))
    if i < 0:
        combo.addItem(str(text))
        i = combo.count() - 1
    combo.setCurrentIndex(i)


class CategorizedPage(QWidget):
    """One class per value of a field; every control hands its edit to the draft."""

    def __init__(self, draft, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.field = QComboBox()
        self.field.addItems(draft.fields)
        self.ramp = QComboBox()
        self.ramp.setIconSize(QSize(96, 14))
        for name in CATEGORY_RAMPS:
            self.ramp.addItem(ramp_icon(name), name, name)
        self.classify = QPushButton()
        self.delete = QPushButton()
        self.model = CategoryTableModel(draft, self)
        self.table = ClassTableView(self.model)
        self.other = QCheckBox()
        self.other_color = ColorButton()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8a5a00;")
        self.template = SymbolEditor(template=True)
        self.template_box = QGroupBox()
        QVBoxLayout(self.template_box).addWidget(self.template)
        self.field_label, self.ramp_label = QLabel(), QLabel()
        top = QFormLayout()
        top.addRow(self.field_label, self.field)
        top.addRow(self.ramp_label, self.ramp)
        row = QHBoxLayout()
        row.addWidget(self.classify)
        row.addWidget(self.delete)
        row.addStretch(1)
        row.addWidget(self.other)
        row.addWidget(self.other_color)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.template_box)

        self.field.currentIndexChanged.connect(self._on_classify_clicked)
        self.classify.clicked.connect(self._on_classify_clicked)
        self.ramp.currentIndexChanged.connect(self._on_ramp_changed)
        self.delete.clicked.connect(self._on_delete_clicked)
        self.other.toggled.connect(self._on_other_changed)
        self.other_color.color_changed.connect(draft.set_other_color)
        self.template.edited.connect(draft.set_symbol_value)
        draft.events.changed.connect(self._on_draft_changed)
        self._retranslate()

    def current_ramp(self) -> str:
        return self.ramp.currentData() or "Set2"

    def set_category_color(self, row: int, color: str) -> None:
        """Set one category's colour (what double-clicking its swatch does)."""
        self.draft.set_class_color(row, color)

    # -- showing the draft -------------------------------------------------------------------
    def load(self) -> None:
        r = self.draft.renderer
        if r.kind != "categorized":
            return
        with blocked(self.field, self.other, self.other_color):
            select_text(self.field, r.field)
            self.other.setChecked(r.other is not None)
            other_symbol = (r.other or {}).get("symbol") or {}
            self.other_color.set_color(other_symbol.get(primary_key(other_symbol), "#bdbdbd"))
            self.other_color.setEnabled(r.other is not None)
        self.template.set_symbol(r.symbol)
        self._show_note()

    def _show_note(self) -> None:
        rest = self.model.unlisted()
        self.note.setText(self.tr("{n} features have other values").format(n=f"{rest:,}")
                          if rest > 0 else "")
        self.note.setVisible(rest > 0)

    def _on_draft_changed(self, part: str) -> None:
        if part in ("renderer", "classes", "symbol"):
            self.load()

    # -- edits -------------------------------------------------------------------------------
    def _on_classify_clicked(self, *_args) -> None:
        self.draft.categorize(self.field.currentText() or None, self.current_ramp())

    def _on_ramp_changed(self, _i: int) -> None:
        self.draft.set_ramp(self.current_ramp())

    def _on_delete_clicked(self) -> None:
        self.draft.delete_categories(self.table.selected_rows())

    def _on_other_changed(self, checked: bool) -> None:
        self.draft.set_other(checked, self.other_color.color())

    # -- language ----------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.field_label.setText(label_text(self.tr("Field")))
        self.ramp_label.setText(label_text(self.tr("Colour ramp")))
        self.classify.setText(self.tr("Classify"))
        self.classify.setToolTip(self.tr("One class per distinct value of the field"))
        self.delete.setText(self.tr("Delete selected"))
        self.other.setText(self.tr("Other values"))
        self.template_box.setTitle(self.tr("Symbol shared by all classes"))
        self.model.retranslate()
        self.load()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


__all__ = ["CATEGORY_RAMPS", "CategorizedPage", "select_text"]
