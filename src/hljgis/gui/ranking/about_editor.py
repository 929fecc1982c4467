"""Title and purpose of the scenario in both languages (what the dock's header, the atlas
and the score cards show); bound to the draft."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from hljgis.analysis.draft import ScenarioDraft
from hljgis.gui.i18n import tr
from hljgis.gui.ranking.forms import TextBox, apply

LABELS = {"title": "Title (English)", "title_zh": "Title (Chinese)",
          "purpose": "Purpose (English)", "purpose_zh": "Purpose (Chinese)"}


class AboutEditor(QWidget):
    """The scenario's texts; each field commits one draft edit when its editing ends.

    Signals
    -------
    rejected(str)
    """

    rejected = Signal(str)

    def __init__(self, draft: ScenarioDraft, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.w = {"title": QLineEdit(), "title_zh": QLineEdit(), "purpose": TextBox(),
                  "purpose_zh": TextBox()}
        self.labels = {key: QLabel() for key in self.w}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for key, widget in self.w.items():
            form.addRow(self.labels[key], widget)
            widget.editingFinished.connect(lambda key=key: self._commit(key))
        draft.events.changed.connect(self._on_draft_changed)
        self.retranslate()

    def _on_draft_changed(self, what: str) -> None:
        if what in ("all", "settings"):
            self.refresh()

    def refresh(self) -> None:
        for key, widget in self.w.items():
            if widget.hasFocus():
                continue
            text = self.draft.texts.get(key, "")
            widget.setText(text) if isinstance(widget, QLineEdit) else widget.setPlainText(text)

    def _commit(self, key: str) -> None:
        widget = self.w[key]
        text = (widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()).strip()
        if text != self.draft.texts.get(key, ""):
            apply(lambda: self.draft.set_texts(**{key: text}), self.rejected.emit)

    def retranslate(self) -> None:
        for key, label in self.labels.items():
            label.setText(tr(LABELS[key]))
        self.refresh()
