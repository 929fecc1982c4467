"""The "new layer" dialog: name, titles, geometry, CRS and the fields of a layer to draw.

The fields are typed into a small grid (name, type, labels in English and Chinese,
required, code list, range); "Proposed sites" fills in the example a planner needs most
(name, status, area, owner, notes). :meth:`NewLayerDialog.definition` turns the grid into
a checked :class:`~hljgis.core.editing.fields.LayerDefinition`, naming the row at fault.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.crs import parse_crs
from hljgis.core.editing.fields import (
    FIELD_TYPES,
    FieldSpec,
    LayerDefinition,
    proposed_sites,
)
from hljgis.core.errors import InputError

COLUMNS = ("name", "type", "label", "label_zh", "required", "codes", "min", "max")


def codes_to_text(codes) -> str:
    """``proposed=Proposed=拟议; approved=Approved=已批准``"""
    return "; ".join("=".join(str(p) for p in c) for c in codes)


def codes_from_text(text: str) -> tuple:
    out = []
    for item in (t.strip() for t in text.split(";")):
        if item:
            parts = [p.strip() for p in item.split("=")]
            out.append(tuple(parts[:3]) if len(parts) > 1 else (parts[0], parts[0], ""))
    return tuple(out)


class NewLayerDialog(QDialog):
    """Define a new editable layer; ``definition()`` gives it once OK passes the checks."""

    def __init__(self, default_crs: str = "EPSG:4490", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New layer"))
        self.name_edit = QLineEdit("proposed_sites")
        self.title_edit = QLineEdit("Proposed sites")  # the English title, in any language
        self.title_zh_edit = QLineEdit("拟选地块")
        self.geometry_box = QComboBox()
        for kind, text in (("Polygon", self.tr("Polygons (sites, areas)")),
                           ("LineString", self.tr("Lines (roads, pipes)")),
                           ("Point", self.tr("Points (facilities)"))):
            self.geometry_box.addItem(text, kind)
        self.crs_edit = QLineEdit(default_crs)
        self.crs_edit.setToolTip(self.tr("The layer's own CRS; it is drawn in the map's CRS"))
        self.template_box = QComboBox()
        self.template_box.addItem(self.tr("Proposed sites"), "proposed_sites")
        self.template_box.addItem(self.tr("Empty (define fields below)"), "empty")
        self.template_box.currentIndexChanged.connect(self._on_template)
        head = QFormLayout()
        head.addRow(self.tr("Table name (a-z, 0-9, _)"), self.name_edit)
        head.addRow(self.tr("Title"), self.title_edit)
        head.addRow(self.tr("Title (Chinese)"), self.title_zh_edit)
        head.addRow(self.tr("Geometry"), self.geometry_box)
        head.addRow(self.tr("CRS of the layer"), self.crs_edit)
        head.addRow(self.tr("Fields from"), self.template_box)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([
            self.tr("Field"), self.tr("Type"), self.tr("Label"), self.tr("Label (Chinese)"),
            self.tr("Required"), self.tr("Code list (code=English=中文; ...)"),
            self.tr("Min"), self.tr("Max")])
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        add = QPushButton(self.tr("Add field"))
        remove = QPushButton(self.tr("Remove field"))
        add.clicked.connect(lambda: self.add_field(FieldSpec(f"field_{self.table.rowCount() + 1}")))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b2182b")
        self.problem.setWordWrap(True)
        self.note = QLabel(self.tr("Every feature also records source, date (as_of) and "
                                   "editor (edited_by)."))
        self.note.setStyleSheet("color: #555555")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(900, 520)
        self.set_fields(proposed_sites())
        for col, width in enumerate((110, 70, 120, 110, 70, 260, 55, 55)):
            self.table.setColumnWidth(col, width)

    def _on_template(self) -> None:
        self.set_fields(proposed_sites() if self.template_box.currentData() ==
                        "proposed_sites" else ())

    def set_fields(self, fields) -> None:
        self.table.setRowCount(0)
        for f in fields:
            self.add_field(f)

    def add_field(self, f: FieldSpec) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(f.name))
        types = QComboBox()
        words = {"str": self.tr("Text"), "int": self.tr("Whole number"),
                 "float": self.tr("Number"), "bool": self.tr("Yes / no"),
                 "date": self.tr("Date")}
        for t in FIELD_TYPES:
            types.addItem(words[t], t)
        types.setCurrentIndex(FIELD_TYPES.index(f.type))
        self.table.setCellWidget(r, 1, types)
        self.table.setItem(r, 2, QTableWidgetItem(f.label))
        self.table.setItem(r, 3, QTableWidgetItem(f.label_zh))
        check = QCheckBox()
        check.setChecked(f.required)
        holder = QWidget()
        hl = QHBoxLayout(holder)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hl.addWidget(check)
        self.table.setCellWidget(r, 4, holder)
        self.table.setItem(r, 5, QTableWidgetItem(codes_to_text(f.codes)))
        self.table.setItem(r, 6, QTableWidgetItem("" if f.min is None else f"{f.min:g}"))
        self.table.setItem(r, 7, QTableWidgetItem("" if f.max is None else f"{f.max:g}"))

    def _text(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item is not None else ""

    def fields(self) -> tuple[FieldSpec, ...]:
        """The grid as field specs; InputError names the row at fault."""
        out, seen = [], set()
        for r in range(self.table.rowCount()):
            name = self._text(r, 0)
            try:
                lo, hi = (float(t) if t else None for t in (self._text(r, 6), self._text(r, 7)))
            except ValueError:
                raise InputError(f"field {r + 1} ('{name}'): min and max must be numbers.",
                                 "Correct them or leave them empty.") from None
            ftype = self.table.cellWidget(r, 1).currentData()
            required = self.table.cellWidget(r, 4).findChild(QCheckBox).isChecked()
            codes = codes_from_text(self._text(r, 5))
            spec = FieldSpec(name, ftype, self._text(r, 2), self._text(r, 3), required,
                             codes, lo, hi,
                             default=next((f.default for f in proposed_sites()
                                           if f.name == name and f.codes == codes), None))
            if name in seen:
                raise InputError(f"field {r + 1}: the name '{name}' is used twice.")
            seen.add(name)
            out.append(spec)
        return tuple(out)

    def definition(self) -> LayerDefinition:
        name = self.name_edit.text().strip()
        if not name:
            raise InputError("the layer needs a table name.", "Type one, e.g. proposed_sites.")
        crs = parse_crs(self.crs_edit.text())
        return LayerDefinition(name, self.title_edit.text().strip() or name,
                               self.title_zh_edit.text().strip(),
                               self.geometry_box.currentData(), crs.to_string(),
                               self.fields())

    def accept(self) -> None:
        try:
            self.definition()
        except InputError as exc:
            self.problem.setText(str(exc))
            return
        super().accept()
