"""Print layout dialog: pick a template and a city, edit the title block, see the page as it
will print, read the pre-flight warnings, save the layout in the project and export it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.errors import InputError
from hljgis.export.layout import TEMPLATE_NAMES, resolve_layout

CITY_KEYS = ("", "hegang", "jixi", "qitaihe", "shuangyashan")
PREVIEW_DPI = 40.0


class LayoutDialog(QDialog):
    """Edit one layout of ``project`` with a live preview of the page."""

    def __init__(self, project, parent=None, layout: str = "dfr-annex-a4") -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(self.tr("Print layout"))
        self.resize(1100, 720)
        self.template_box = QComboBox()
        for name in [*project.layouts, *[t for t in TEMPLATE_NAMES if t not in project.layouts]]:
            self.template_box.addItem(name, name)
        self.template_box.setCurrentIndex(max(0, self.template_box.findData(layout)))
        self.city_box = QComboBox()
        for key in CITY_KEYS:
            mark = project.bookmarks.get(key, {})
            label = self.tr("Whole region") if not key else \
                f"{mark.get('title_zh', '')} {mark.get('title', key)}".strip()
            self.city_box.addItem(label, key)
        self.lang_box = QComboBox()
        for code, label in (("both", self.tr("Chinese and English")), ("zh", "中文"),
                            ("en", "English")):
            self.lang_box.addItem(label, code)
        self.title_edit, self.title_zh_edit = QLineEdit(), QLineEdit()
        self.figure_edit = QLineEdit()
        self.review_edit = QLineEdit()
        self.review_edit.setPlaceholderText("GS(2024)0650号")
        self.review_edit.setToolTip(self.tr(
            "Map review number (审图号) of the reviewed standard base map; required before "
            "publishing a map that shows China's national border."))
        self.dpi_box = QSpinBox(minimum=72, maximum=1200, singleStep=50, value=300)
        form = QFormLayout()
        form.addRow(self.tr("Layout:"), self.template_box)
        form.addRow(self.tr("Map of:"), self.city_box)
        form.addRow(self.tr("Language:"), self.lang_box)
        form.addRow(self.tr("Title (English):"), self.title_edit)
        form.addRow(self.tr("Title (Chinese):"), self.title_zh_edit)
        form.addRow(self.tr("Figure number:"), self.figure_edit)
        form.addRow(self.tr("Map review number (审图号):"), self.review_edit)
        form.addRow(self.tr("Export resolution (dpi):"), self.dpi_box)
        self.warnings = QListWidget()
        save_btn = QPushButton(self.tr("Save layout in project..."))
        export_btn = QPushButton(self.tr("Export..."))
        save_btn.clicked.connect(self.save_to_project)
        export_btn.clicked.connect(self._on_export_clicked)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(QLabel(self.tr("Pre-flight check:")))
        left.addWidget(self.warnings, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(save_btn)
        buttons.addWidget(export_btn)
        left.addLayout(buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        left.addWidget(close)
        side = QWidget()
        side.setLayout(left)
        side.setMaximumWidth(380)
        self.preview = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(640, 460)
        self.preview.setStyleSheet("background: #8a8a8a")
        main = QHBoxLayout(self)
        main.addWidget(side)
        main.addWidget(self.preview, 1)
        self._refresh = QTimer(self, singleShot=True, interval=250)
        self._refresh.timeout.connect(self.update_preview)
        self.template_box.currentIndexChanged.connect(self._on_template_changed)
        for box in (self.city_box, self.lang_box):
            box.currentIndexChanged.connect(self._refresh.start)
        for edit in (self.title_edit, self.title_zh_edit, self.figure_edit, self.review_edit):
            edit.textEdited.connect(self._refresh.start)
        self._on_template_changed()

    # -- state ---------------------------------------------------------------------------------
    def _on_template_changed(self) -> None:
        lay = resolve_layout(self.template_box.currentData(), self.project)
        for edit, key in ((self.title_edit, "title"), (self.title_zh_edit, "title_zh"),
                          (self.figure_edit, "figure"),
                          (self.review_edit, "map_review_number")):
            edit.setText(str(getattr(lay, key, "") or ""))
        self.lang_box.setCurrentIndex(max(0, self.lang_box.findData(lay.lang)))
        self.dpi_box.setValue(int(lay.dpi))
        self.update_preview()

    def layout(self):
        """The layout as edited (a :class:`hljgis.export.layout.Layout`)."""
        lay = resolve_layout(self.template_box.currentData(), self.project)
        return lay.replace(title=self.title_edit.text(), title_zh=self.title_zh_edit.text(),
                           figure=self.figure_edit.text(), lang=self.lang_box.currentData(),
                           map_review_number=self.review_edit.text().strip(),
                           dpi=self.dpi_box.value())

    def city(self) -> str | None:
        return self.city_box.currentData() or None

    # -- preview, pre-flight, export -----------------------------------------------------------
    def update_preview(self) -> None:
        """Paint the page at screen resolution and list the pre-flight warnings."""
        from hljgis.export.page import page_for, paint_page
        from hljgis.export.preflight import preflight

        try:
            page = page_for(self.project, self._titled(self.layout()), city=self.city())
        except InputError as exc:
            self.warnings.clear()
            self.warnings.addItem(str(exc))
            return
        w_mm, h_mm = page.layout.page_size_mm()
        image = QImage(round(w_mm / 25.4 * PREVIEW_DPI), round(h_mm / 25.4 * PREVIEW_DPI),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        try:
            paint_page(painter, page, PREVIEW_DPI)
        finally:
            painter.end()
        pixmap = QPixmap.fromImage(image)
        target = self.preview.size()
        self.preview.setPixmap(pixmap.scaled(target, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))
        self.warnings.clear()
        for warning in preflight(self.project, [page], "preview.pdf", self.dpi_box.value()):
            self.warnings.addItem(str(warning))
        if not self.warnings.count():
            self.warnings.addItem(self.tr("No problems found."))

    def _titled(self, lay):
        if self.city():
            from hljgis.export.atlas import city_titles

            en, zh = city_titles(self.project, self.city())
            lay = lay.replace(subtitle=en, subtitle_zh=zh)
        return lay

    def save_to_project(self, name: str | None = None) -> str | None:
        if not name:
            name, ok = QInputDialog.getText(self, self.tr("Save layout"),
                                            self.tr("Layout name:"),
                                            text=self.template_box.currentData())
            if not ok or not name.strip():
                return None
        name = name.strip()
        values = self.layout().to_dict()
        base = self.template_box.currentData()
        if base in TEMPLATE_NAMES:
            values.setdefault("template", base)
        self.project.set_layout(name, values)
        if self.template_box.findData(name) < 0:
            blocked = self.template_box.blockSignals(True)  # keep the edits on screen
            self.template_box.insertItem(0, name, name)
            self.template_box.setCurrentIndex(0)
            self.template_box.blockSignals(blocked)
        return name

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export map"), "map.pdf", "PDF (*.pdf);;PNG (*.png);;SVG (*.svg)")
        if path:
            self.export_to(path)

    def export_to(self, path: str):
        """Write the page (PDF, PNG or SVG by extension); returns the export result."""
        from hljgis.export.api import export_layout

        try:
            result = export_layout(self.project, self.layout(), path,
                                   dpi=self.dpi_box.value(), city=self.city())
        except InputError as exc:
            QMessageBox.warning(self, self.tr("Export failed"), str(exc))
            return None
        self.warnings.addItem(self.tr("Exported") + f" {Path(path).name} "
                              f"({result.bytes / 1e6:.1f} MB)")
        return result
