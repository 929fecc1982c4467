"""The single-symbol page: one symbol editor bound to the draft's symbol."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from hljgis.gui.dialogs.style.symbol_editor import SymbolEditor


class SinglePage(QWidget):
    """Every feature drawn with one symbol; edits go to ``draft.set_symbol_value``."""

    def __init__(self, draft, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.editor = SymbolEditor()
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addStretch(1)
        self.editor.edited.connect(draft.set_symbol_value)
        draft.events.changed.connect(self._on_draft_changed)
        self.load()

    def load(self) -> None:
        if self.draft.renderer.kind == "single":
            self.editor.set_symbol(self.draft.renderer.symbol)

    def _on_draft_changed(self, part: str) -> None:
        if part in ("renderer", "symbol"):
            self.load()


__all__ = ["SinglePage"]
