"""Import choices the planner makes explicitly: the CRS of a file that has none, and the
offset datum of coordinates digitised from a Chinese web map (never guessed silently)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

#: CRS choices offered first: CGCS2000 and its Gauss-Kruger zones over the four cities.
COMMON_CRS = (
    ("EPSG:4490", "CGCS2000 lon/lat"),
    ("EPSG:4326", "WGS84 lon/lat (GPS)"),
    ("EPSG:4552", "CGCS2000 / 3-degree Gauss-Kruger CM 129E"),
    ("EPSG:4553", "CGCS2000 / 3-degree Gauss-Kruger CM 132E"),
    ("EPSG:4554", "CGCS2000 / 3-degree Gauss-Kruger CM 135E"),
    ("EPSG:4500", "CGCS2000 / Gauss-Kruger zone 22 (6-degree)"),
    ("EPSG:4501", "CGCS2000 / Gauss-Kruger zone 23 (6-degree)"),
    ("EPSG:2441", "Beijing 1954 / 3-degree Gauss-Kruger CM 132E"),
    ("EPSG:2389", "Xian 1980 / 3-degree Gauss-Kruger CM 132E"),
)

DATUMS = (
    ("", "WGS84 / CGCS2000 (GPS, surveys, official data)"),
    ("gcj02", "GCJ-02 (Amap/Gaode, Tencent, Google China maps)"),
    ("bd09", "BD-09 (Baidu maps)"),
)


class ImportDialog(QDialog):
    """Ask how to read one file: its CRS (when missing) and the source map's datum."""

    def __init__(self, path: str, *, need_crs: bool, problem: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import options"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("How should hljgis read this file?") + f"\n{path}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if problem:
            note = QLabel(problem)
            note.setWordWrap(True)
            note.setStyleSheet("color: #b35806")
            layout.addWidget(note)
        form = QFormLayout()
        self.crs_box = QComboBox()
        self.crs_box.setEditable(True)
        for code, label in COMMON_CRS:
            self.crs_box.addItem(f"{code}  {label}", code)
        self.crs_box.setEnabled(need_crs)
        self.crs_box.setToolTip(self.tr("Type any EPSG code or paste WKT if yours is not listed"))
        form.addRow(self.tr("Coordinate reference system:"), self.crs_box)
        self.datum_box = QComboBox()
        for key, label in DATUMS:
            self.datum_box.addItem(self.tr(label), key)
        form.addRow(self.tr("Coordinates digitised from:"), self.datum_box)
        self.encoding_edit = QLineEdit()
        self.encoding_edit.setPlaceholderText(self.tr("automatic (GBK/GB18030/UTF-8)"))
        form.addRow(self.tr("Text encoding:"), self.encoding_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def options(self) -> dict:
        """Keyword arguments for :func:`hljgis.io.readers.read_file`."""
        opts: dict = {}
        if self.crs_box.isEnabled():
            data = self.crs_box.currentData()
            text = self.crs_box.currentText().strip()
            opts["assume_crs"] = data if data and text.startswith(data) else text.split()[0]
        if self.datum_box.currentData():
            opts["offset_datum"] = self.datum_box.currentData()
        if self.encoding_edit.text().strip():
            opts["encoding"] = self.encoding_edit.text().strip()
        return opts
