""""Save features as...": format, Shapefile encoding, selected features only, file name.

The writing is :func:`hljgis.io.writers.write_layer` (atomic; a replaced file is kept as
``.bak``); this dialog only gathers the choices.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from hljgis.gui.widgets.output_path_row import OutputPathRow

#: (label, extension) in menu order.
FORMATS = (("GeoPackage (*.gpkg)", ".gpkg"), ("ESRI Shapefile (*.shp)", ".shp"),
           ("GeoJSON (*.geojson)", ".geojson"), ("CSV (*.csv)", ".csv"),
           ("Excel workbook (*.xlsx)", ".xlsx"))
#: Shapefile text encodings: (value, explanation).
ENCODINGS = (("UTF-8", "UTF-8 (QGIS, ArcGIS Pro, new software)"),
             ("GBK", "GBK (older Chinese GIS, ArcGIS 10 on Chinese Windows)"),
             ("GB18030", "GB18030 (GBK plus rare characters)"))


class SaveFeaturesDialog(QDialog):
    """Choices for saving one vector layer to a file."""

    def __init__(self, layer, parent=None, folder: str | Path | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.setWindowTitle(self.tr("Save features as") + f": {layer.display_title()}")
        self.format_box = QComboBox()
        for label, ext in FORMATS:
            self.format_box.addItem(self.tr(label), ext)
        self.encoding_box = QComboBox()
        for value, label in ENCODINGS:
            self.encoding_box.addItem(self.tr(label), value)
        n_selected = len(layer.selection)
        self.selected_check = QCheckBox(self.tr("Selected features only ({n} of {total})")
                                        .format(n=f"{n_selected:,}", total=f"{len(layer.gdf):,}"))
        self.selected_check.setEnabled(n_selected > 0)
        self.selected_check.setChecked(n_selected > 0)
        row = OutputPathRow(self.format_box.currentText,
                            str(Path(folder or Path.home()) / f"{layer.name}.gpkg"))
        self.path_edit = row.edit
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555555")
        form = QFormLayout()
        form.addRow(self.tr("Format:"), self.format_box)
        form.addRow(self.tr("Text encoding:"), self.encoding_box)
        form.addRow("", self.selected_check)
        form.addRow(self.tr("File:"), row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.format_box.currentIndexChanged.connect(self._on_format_changed)
        self._on_format_changed()
        self.resize(560, self.sizeHint().height())

    def _on_format_changed(self, *_args) -> None:
        ext = self.format_box.currentData()
        self.encoding_box.setEnabled(ext == ".shp")
        path = Path(self.path_edit.text())
        self.path_edit.setText(str(path.with_suffix(ext)))
        self.hint.setText({
            ".shp": self.tr("Writes .shp, .shx, .dbf, .prj and a .cpg naming the encoding. "
                            "Field names are cut to 10 characters."),
            ".geojson": self.tr("GeoJSON is always written in WGS84 longitude/latitude."),
            ".csv": self.tr("Points as lon/lat columns (WGS84), other shapes as WKT; UTF-8 "
                            "that Excel opens correctly."),
            ".xlsx": self.tr("Attributes with lon/lat of a point inside each feature (WGS84) "
                             "and, for lines and areas, the shape as WKT."),
        }.get(ext, self.tr("One file that keeps every field, the CRS and the geometry.")))

    def set_format(self, ext: str) -> None:
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(ext)))

    def options(self) -> dict:
        """``path``, ``encoding`` (Shapefile only, else None) and ``selected_only``."""
        ext = self.format_box.currentData()
        path = Path(self.path_edit.text().strip()).expanduser()
        if path.suffix.lower() != ext:
            path = path.with_name(path.name + ext)
        return {"path": str(path),
                "encoding": self.encoding_box.currentData() if ext == ".shp" else None,
                "selected_only": self.selected_check.isEnabled()
                and self.selected_check.isChecked()}
