"""Layer style dialog: single symbol, categorized or graduated renderer, labels and opacity.

The widgets only bind to a Qt-free :class:`hljgis.core.style.draft.StyleDraft`, which holds
the typed :class:`~hljgis.core.style.model.Style`; each page hands its edits to the draft and
shows the draft back when it announces a change. The layer itself is never changed here:
Apply/OK emit ``applied(style, opacity)`` with the style in the project's dict form, and the
caller hands both to ``Session.set_layer_style``, so one Apply is one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.style.draft import StyleDraft
from hljgis.core.style.legend import legend_entries
from hljgis.gui.dialogs.style.categorized_page import CategorizedPage
from hljgis.gui.dialogs.style.graduated_page import GraduatedPage
from hljgis.gui.dialogs.style.labels_page import LabelsPage
from hljgis.gui.dialogs.style.preview import MAX_ROWS, preview_pixmap
from hljgis.gui.dialogs.style.single_page import SinglePage
from hljgis.gui.dialogs.style.widgets import blocked, label_text


class StyleDialog(QDialog):
    """Edit a vector layer's style: renderer, symbols, labels, layer opacity.

    Parameters
    ----------
    layer : VectorLayer
        Its ``style`` (or its default style when empty) and opacity are read into a draft;
        the layer is never changed here.
    lang : str
        "zh" shows the Chinese legend labels in the preview and the class table.

    Signals
    -------
    applied(object, float)
        The edited style dict and opacity, after Apply or OK.
    """

    applied = Signal(object, float)

    KINDS = ("single", "categorized", "graduated")

    def __init__(self, layer, parent=None, lang: str = "en") -> None:
        super().__init__(parent)
        self.layer = layer
        self.lang = lang
        self.draft = StyleDraft(layer)
        self.setMinimumSize(720, 560)

        self.kind = QComboBox()
        self.kind_label = QLabel()
        self.single = SinglePage(self.draft)
        self.categorized = CategorizedPage(self.draft)
        self.graduated = GraduatedPage(self.draft, lang)
        self.stack = QStackedWidget()
        for page in (self.single, self.categorized, self.graduated):
            self.stack.addWidget(page)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity_value = QLabel()
        self.opacity_value.setMinimumWidth(40)
        self.opacity_label = QLabel()
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.preview.setMinimumWidth(190)
        self.preview.setStyleSheet("background: #ffffff; border: 1px solid #c8c8c8;")
        self.preview_label = QLabel()
        self.preview_label.setStyleSheet("color: #555555;")
        self.labels_page = LabelsPage(self.draft)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._symbology_tab(), "")
        self.tabs.addTab(self.labels_page, "")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.opacity.valueChanged.connect(self._on_opacity_changed)
        self.draft.events.changed.connect(self._on_draft_changed)
        self._retranslate()
        self._show_renderer()
        self._show_opacity()

    def _symbology_tab(self) -> QWidget:
        page = QWidget()
        head = QHBoxLayout()
        head.addWidget(self.kind_label)
        head.addWidget(self.kind, 1)
        orow = QHBoxLayout()
        orow.addWidget(self.opacity_label)
        orow.addWidget(self.opacity, 1)
        orow.addWidget(self.opacity_value)
        left = QVBoxLayout()
        left.addLayout(head)
        left.addWidget(self.stack, 1)
        left.addLayout(orow)
        right = QVBoxLayout()
        right.addWidget(self.preview_label)
        right.addWidget(self.preview, 1)
        outer = QHBoxLayout(page)
        outer.addLayout(left, 3)
        outer.addLayout(right, 1)
        return page

    # -- result ------------------------------------------------------------------------------
    def style(self) -> dict:
        """The edited style in the project's dict form (a copy)."""
        return self.draft.to_dict()

    def class_counts(self) -> list[int]:
        """Features in each graduated class."""
        return self.draft.class_counts()

    def set_category_color(self, row: int, color: str) -> None:
        """Set one category's colour (what double-clicking its swatch does)."""
        self.categorized.set_category_color(row, color)

    def apply(self) -> None:
        """Hand the edited style and opacity on (``applied``); the caller records them."""
        self.applied.emit(self.draft.to_dict(), float(self.draft.opacity))

    def _on_ok_clicked(self) -> None:
        self.apply()
        self.accept()

    # -- binding -----------------------------------------------------------------------------
    def _on_kind_changed(self, _i: int) -> None:
        ramp = (self.categorized.current_ramp() if self.kind.currentData() == "categorized"
                else self.graduated.current_ramp())
        self.draft.set_kind(self.kind.currentData(), ramp=ramp)

    def _on_opacity_changed(self, value: int) -> None:
        self.draft.set_opacity(value / 100.0)

    def _on_draft_changed(self, part: str) -> None:
        if part == "renderer":
            self._show_renderer()
        elif part == "opacity":
            self._show_opacity()
        else:
            self._update_preview()

    def _show_renderer(self) -> None:
        kind = self.draft.renderer.kind
        with blocked(self.kind):
            self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.stack.setCurrentIndex(self.KINDS.index(kind) if kind in self.KINDS else 0)
        self._update_preview()

    def _show_opacity(self) -> None:
        percent = round(self.draft.opacity * 100)
        with blocked(self.opacity):
            self.opacity.setValue(percent)
        self.opacity_value.setText(f"{percent} %")
        self._update_preview()

    def _update_preview(self) -> None:
        entries = legend_entries(self.draft.to_dict(), self.lang)
        if self.draft.renderer.kind == "single":
            entries = [(self.layer.display_title(self.lang), entries[0][1])] if entries else []
        more = self.tr("… and {n} more").format(n=max(0, len(entries) - MAX_ROWS))
        self.preview.setPixmap(preview_pixmap(entries, self.draft.symbol_type,
                                              self.draft.opacity, more))

    # -- language ----------------------------------------------------------------------------
    def _retranslate(self) -> None:
        title = self.layer.display_title(self.lang)
        self.setWindowTitle(self.tr("Layer style: {layer}").format(layer=title))
        for button, text in ((QDialogButtonBox.StandardButton.Ok, self.tr("OK")),
                             (QDialogButtonBox.StandardButton.Apply, self.tr("Apply")),
                             (QDialogButtonBox.StandardButton.Cancel, self.tr("Cancel"))):
            self.buttons.button(button).setText(text)
        self.tabs.setTabText(0, self.tr("Symbology"))
        self.tabs.setTabText(1, self.tr("Labels"))
        self.kind_label.setText(label_text(self.tr("Renderer")))
        with blocked(self.kind):
            self.kind.clear()
            self.kind.addItem(self.tr("Single symbol"), "single")
            self.kind.addItem(self.tr("Categorized"), "categorized")
            self.kind.addItem(self.tr("Graduated"), "graduated")
            if not self.draft.numeric_fields:
                self.kind.model().item(2).setEnabled(False)
            self.kind.setCurrentIndex(max(0, self.kind.findData(self.draft.renderer.kind)))
        self.preview_label.setText(self.tr("Preview"))
        self.opacity_label.setText(label_text(self.tr("Layer opacity")))
        self._update_preview()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


__all__ = ["StyleDialog"]
