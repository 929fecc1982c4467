"""The composer's option pages as plain widget holders: text and page, map extent and scale.

They only build widgets; :mod:`hljgis.gui.layout.composer` binds them to the composition.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from hljgis.core.composition import city_choices, district_choices, sites_choices


class TextPage(QWidget):
    """Template, page size, language, titles and subtitles in two languages, 审图号, dpi."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.template_box = QComboBox()
        self.save_template_btn = QPushButton(self.tr("Save as template..."))
        self.delete_template_btn = QPushButton(self.tr("Delete"))
        row = QHBoxLayout()
        row.addWidget(self.save_template_btn)
        row.addWidget(self.delete_template_btn)
        row.addStretch(1)
        self.page_box = QComboBox()
        for size in ("A4", "A3", "A2"):
            self.page_box.addItem(size, size)
        self.orientation_box = QComboBox()
        self.orientation_box.addItem(self.tr("Landscape"), "landscape")
        self.orientation_box.addItem(self.tr("Portrait"), "portrait")
        self.lang_box = QComboBox()
        for code, label in (("both", self.tr("Chinese and English")), ("zh", "中文"),
                            ("en", "English")):
            self.lang_box.addItem(label, code)
        self.title_edit, self.title_zh_edit = QLineEdit(), QLineEdit()
        self.subtitle_edit, self.subtitle_zh_edit = QLineEdit(), QLineEdit()
        self.figure_edit = QLineEdit()
        self.review_edit = QLineEdit()
        self.review_edit.setPlaceholderText("GS(2024)0650号")
        self.review_edit.setToolTip(self.tr(
            "Map review number (审图号) of the reviewed standard base map; required before "
            "publishing a map that shows China's national border."))
        self.dpi_box = QSpinBox(minimum=72, maximum=1200, singleStep=50, value=300)
        form = QFormLayout(self)
        form.addRow(self.tr("Template:"), self.template_box)
        form.addRow("", row)
        paper = QHBoxLayout()
        paper.addWidget(self.page_box)
        paper.addWidget(self.orientation_box)
        form.addRow(self.tr("Page:"), paper)
        form.addRow(self.tr("Language:"), self.lang_box)
        form.addRow(self.tr("Title (English):"), self.title_edit)
        form.addRow(self.tr("Title (Chinese):"), self.title_zh_edit)
        form.addRow(self.tr("Subtitle (English):"), self.subtitle_edit)
        form.addRow(self.tr("Subtitle (Chinese):"), self.subtitle_zh_edit)
        form.addRow(self.tr("Figure number:"), self.figure_edit)
        form.addRow(self.tr("Review no. (审图号):"), self.review_edit)
        form.addRow(self.tr("Export dpi:"), self.dpi_box)

    def edits(self) -> dict:
        """Layout key -> line edit."""
        return {"title": self.title_edit, "title_zh": self.title_zh_edit,
                "subtitle": self.subtitle_edit, "subtitle_zh": self.subtitle_zh_edit,
                "figure": self.figure_edit, "map_review_number": self.review_edit}


class MapPage(QWidget):
    """Extent (template, current view, city or district, ranking sites, custom box), scale
    (fit or fixed 1:N) and map furniture (inset, north arrow, scale bar, graticule)."""

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.extent_box = QComboBox()
        self.extent_box.addItem(self.tr("As the template"), "template")
        self.extent_box.addItem(self.tr("Current map view"), "view")
        self.extent_box.addItem(self.tr("City or district"), "place")
        self.extent_box.addItem(self.tr("Candidate sites of a ranking"), "sites")
        self.extent_box.addItem(self.tr("Custom box"), "custom")
        self.place_box = QComboBox()
        self.sites_box = QComboBox()
        self.fill_places(project)
        self.bbox = [QDoubleSpinBox(decimals=4, minimum=-1e9, maximum=1e9) for _ in range(4)]
        grid = QGridLayout()
        for i, (spin, label) in enumerate(zip(self.bbox, ("W", "S", "E", "N"), strict=True)):
            spin.setPrefix(f"{label} ")
            grid.addWidget(spin, i // 2, i % 2)
        self.custom = QWidget()
        self.custom.setLayout(grid)
        self.fit_radio = QRadioButton(self.tr("Fit the extent"))
        self.fixed_radio = QRadioButton(self.tr("Fixed 1:"))
        self.fit_radio.setChecked(True)
        self.scale_box = QSpinBox(minimum=1000, maximum=50_000_000, singleStep=10_000,
                                  value=250_000)
        self.scale_box.setGroupSeparatorShown(True)
        scale = QHBoxLayout()
        scale.addWidget(self.fit_radio)
        scale.addWidget(self.fixed_radio)
        scale.addWidget(self.scale_box, 1)
        self.inset_check = QCheckBox(self.tr("Locator inset"))
        self.north_check = QCheckBox(self.tr("North arrow"))
        self.scalebar_check = QCheckBox(self.tr("Scale bar"))
        self.graticule_check = QCheckBox(self.tr("Graticule"))
        furniture = QGridLayout()
        for i, box in enumerate((self.inset_check, self.north_check, self.scalebar_check,
                                 self.graticule_check)):
            furniture.addWidget(box, i // 2, i % 2)
        form = QFormLayout(self)
        form.addRow(self.tr("Extent:"), self.extent_box)
        form.addRow(self.tr("Place:"), self.place_box)
        form.addRow(self.tr("Ranking:"), self.sites_box)
        form.addRow(self.tr("Box:"), self.custom)
        form.addRow(self.tr("Scale:"), scale)
        form.addRow(furniture)

    def fill_places(self, project) -> None:
        """Cities, each followed by its districts and counties ("city:jixi",
        "district:230302"); the project's rankings."""
        self.place_box.clear()
        districts = district_choices(project)
        for key, en, zh in city_choices(project):
            self.place_box.addItem(f"{zh} {en}".strip(), f"city:{key}")
            for code, d_en, d_zh, city in districts:
                if city.lower() == key:
                    self.place_box.addItem(f"    {d_zh} {d_en}".rstrip(), f"district:{code}")
        self.sites_box.clear()
        self.sites_box.setPlaceholderText(self.tr("No ranking in the project yet"))
        for name, en, zh in sites_choices(project):
            self.sites_box.addItem(f"{en} {zh}".strip(), name)
