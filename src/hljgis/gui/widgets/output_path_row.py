"""The "output file" row of a save or export dialog: a path you can type, and Browse...

Export dialogs, "Save features as" and the layout composer each ask for a file to write;
one row keeps the look (the edit stretches, the button keeps its size) and the file dialog
(caption, starting at the typed path, the dialog's file filter) the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget


class OutputPathRow(QWidget):
    """A line edit for the file to write and a Browse... button that opens a save dialog.

    ``file_filter`` is the save dialog's filter (``"PDF (*.pdf)"``), or a callable giving it
    when Browse is clicked, for dialogs whose format can change. ``caption`` likewise; by
    default the window title of the dialog holding the row.
    """

    def __init__(self, file_filter: str | Callable[[], str], text: str = "",
                 caption: str | Callable[[], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filter = file_filter
        self._caption = caption
        self.edit = QLineEdit(text)
        self.browse_button = QPushButton(self.tr("Browse..."))
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse_button)

    def browse(self) -> None:
        """Ask for the file, starting at the typed path; a chosen file replaces the text."""
        file_filter = self._filter() if callable(self._filter) else self._filter
        caption = self._caption() if callable(self._caption) else self._caption
        if caption is None:
            caption = self.window().windowTitle()
        path, _ = QFileDialog.getSaveFileName(self, caption, self.edit.text(), file_filter)
        if path:
            self.edit.setText(path)
