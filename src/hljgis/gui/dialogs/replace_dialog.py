"""Replace a thematic layer's data with the bureau's file: map fields and codes, read the
row report, record the provenance.

The dialog only binds widgets to a :class:`hljgis.io.replace.ReplaceSpec`; reading, mapping,
checking and the report are :mod:`hljgis.io.replace`'s, the same the CLI uses. Every change
re-runs the mapping (a survey list of a few thousand rows maps in well under a second), so
the report always shows what pressing Replace would do.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.errors import InputError, MissingCRSError
from hljgis.core.schemas import get_schema
from hljgis.core.text import is_zh
from hljgis.io.replace import (
    DERIVED,
    ReplaceSpec,
    apply_spec,
    check_spec,
    commit_outcome,
    first_row_for,
    read_source,
    suggest_spec,
    target_layer,
    unfilled_fields,
)
from hljgis.io.replace_vocab import CODE_SYNONYMS, MULTI_SPLIT, suggest_values, units_for

FILE_FILTER = "Data (*.gpkg *.shp *.geojson *.json *.kml *.kmz *.csv *.txt *.xlsx)"
_RED, _GREEN, _AMBER = "#b2182b", "#1a7f37", "#b35806"


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


def _code_label(code: str) -> str:
    """"cleared  已完成": the code with the Chinese word a list would use."""
    zh = next((s for s in CODE_SYNONYMS.get(code, ()) if not s.isascii()), "")
    return f"{code}  {zh}" if zh else code


class ReplaceDialog(QDialog):
    """Map a file onto the schema of ``layer_name`` and swap it in (one undo step)."""

    def __init__(self, session, layer_name: str, path: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.layer = target_layer(session.project, layer_name)
        self.schema = get_schema(self.layer.schema)
        self.path: str | None = None
        self.source = None
        self.outcome = None
        self.spec = ReplaceSpec(self.schema.name)
        self._fields = [f for f in self.schema.fields if f.name != "illustrative"]
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.refresh)
        self.resize(960, 760)
        self._build()
        self.retranslate()
        if path:
            self.load(path)
        else:
            self.refresh()

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        row = QHBoxLayout()
        self.file_label = QLabel()
        self.file_edit = QLineEdit(readOnly=True)
        self.browse = QPushButton()
        self.browse.clicked.connect(self.browse_file)
        self.options_button = QPushButton()
        self.options_button.clicked.connect(self.ask_read_options)
        self.read_options: dict = {}
        self.sheet_label = QLabel()
        self.sheet_box = QComboBox()
        self.sheet_box.currentIndexChanged.connect(self._on_sheet_changed)
        for w in (self.file_label, self.file_edit, self.browse, self.options_button,
                  self.sheet_label, self.sheet_box):
            row.addWidget(w, 1 if w is self.file_edit else 0)
        self.sheet_label.hide()
        self.sheet_box.hide()
        layout.addLayout(row)
        self.tabs = QTabWidget()
        self.fields_page = QWidget()
        self.fields_grid = QGridLayout(self.fields_page)
        self.values_page = QWidget()
        self.values_layout = QVBoxLayout(self.values_page)
        self.prov_page = QWidget()
        self._build_provenance(QFormLayout(self.prov_page))
        self.tabs.addTab(_scroll(self.fields_page), "")
        self.tabs.addTab(_scroll(self.values_page), "")
        self.tabs.addTab(self.prov_page, "")
        layout.addWidget(self.tabs, 5)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        from hljgis.gui.widgets.ranking_results import _table

        self.report_view, self.report_model = _table()
        layout.addWidget(self.report_view, 2)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export_report)
        self.replace_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.replace)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._field_rows: dict[str, tuple] = {}
        self._value_boxes: dict[str, dict[str, QComboBox]] = {}
        self._build_field_rows()

    def _build_provenance(self, form: QFormLayout) -> None:
        self.source_edit = QLineEdit()
        self.as_of_edit = QLineEdit()
        self.accuracy_edit = QLineEdit()
        self.licence_edit = QLineEdit()
        self.note_edit = QLineEdit()
        self._prov_labels = [QLabel() for _ in range(5)]
        edits = (self.source_edit, self.as_of_edit, self.accuracy_edit, self.licence_edit,
                 self.note_edit)
        for label, edit in zip(self._prov_labels, edits, strict=True):
            form.addRow(label, edit)
            edit.textChanged.connect(self._schedule)

    def _build_field_rows(self) -> None:
        self._heads = [QLabel() for _ in range(4)]
        for i, head in enumerate(self._heads):
            head.setStyleSheet("font-weight: bold")
            self.fields_grid.addWidget(head, 0, i)
        for r, f in enumerate(self._fields, start=1):
            label = QLabel()
            column = QComboBox()
            column.currentIndexChanged.connect(self._on_mapping_changed)
            unit = QComboBox()
            for u in units_for(f):
                unit.addItem(u, u)
            unit.setEnabled(bool(units_for(f)))
            unit.setCurrentIndex(max(0, unit.findData(f.unit)))
            unit.currentIndexChanged.connect(self._schedule)
            if f.allowed and not f.multi:
                const = QComboBox()
                const.addItem("", "")
                for code in f.allowed:
                    const.addItem(_code_label(str(code)), str(code))
                const.currentIndexChanged.connect(self._on_mapping_changed)
            else:
                const = QLineEdit()
                const.textChanged.connect(self._on_mapping_changed)
            if f.name in ("source", "as_of", "accuracy_m"):  # the Provenance tab gives them
                const.setEnabled(False)
            for c, w in enumerate((label, column, unit, const)):
                self.fields_grid.addWidget(w, r, c)
            self._field_rows[f.name] = (label, column, unit, const)
        self.fields_grid.setColumnStretch(0, 3)
        self.fields_grid.setColumnStretch(1, 2)
        self.fields_grid.setColumnStretch(3, 2)
        self.fields_grid.setRowStretch(len(self._fields) + 1, 1)

    def retranslate(self) -> None:
        title = self.layer.display_title("zh") if self._zh() else self.layer.display_title("en")
        self.setWindowTitle(self.tr("Replace layer data") + f" - {title}")
        note = self.tr("The layer now holds illustrative stand-ins.") \
            if self.layer.is_illustrative else ""
        self.intro.setText(
            self.tr("Replace the features of this layer with your own file (GPKG, SHP, GeoJSON, "
                    "KML, CSV or XLSX). Map each field of the layer to a column of the file, "
                    "map the file's words to the layer's codes, and say where the data comes "
                    "from. Rows that do not fit are listed below with the reason.")
            + (f" <b style='color:{_AMBER}'>{note}</b>" if note else ""))
        self.file_label.setText(self.tr("File:"))
        self.browse.setText(self.tr("Browse..."))
        self.options_button.setText(self.tr("Import options..."))
        self.options_button.setToolTip(self.tr("Choose the CRS, the web-map datum (GCJ-02, "
                                               "BD-09) and the text encoding"))
        self.sheet_label.setText(self.tr("Sheet / layer:"))
        self.tabs.setTabText(0, self.tr("Fields"))
        self.tabs.setTabText(1, self.tr("Values"))
        self.tabs.setTabText(2, self.tr("Provenance"))
        for head, text in zip(self._heads, ("Field of the layer", "Column in your file",
                                            "Unit in your file", "Or one value for every row"),
                              strict=True):
            head.setText(self.tr(text))
        for f in self._fields:
            label = self._field_rows[f.name][0]
            star = " *" if f.required and not f.nullable else ""
            unit = f" [{f.unit}]" if f.unit else ""
            label.setText(f"<b>{f.name}</b>{star}{unit}<br><small>{self.tr(f.description)}"
                          "</small>")
            label.setToolTip(self.tr(f.description))
        texts = ("Source (required):", "As of (YYYY-MM-DD):", "Accuracy (metres):", "Licence:",
                 "Note:")
        for label, text in zip(self._prov_labels, texts, strict=True):
            label.setText(self.tr(text))
        self.source_edit.setPlaceholderText(self.tr("e.g. Jixi housing bureau survey"))
        self.as_of_edit.setPlaceholderText("2024-06")
        self.accuracy_edit.setPlaceholderText(self.tr("about 10 for GPS, 5 for a 1:10,000 map"))
        self.export_button.setText(self.tr("Export report..."))
        self.replace_button.setText(self.tr("Replace"))
        self.cancel_button.setText(self.tr("Cancel"))
        self._fill_column_boxes()
        self._show_outcome()

    def _zh(self) -> bool:
        from hljgis.gui.i18n import current_language

        return is_zh(current_language())

    # -- the file ----------------------------------------------------------------------------
    def browse_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Replace layer data"), "",
                                              FILE_FILTER)
        if path:
            self.read_options = {}
            self.load(path)

    def ask_read_options(self, problem: str = "", need_crs: bool = False) -> bool:
        """The import dialog (CRS, GCJ-02/BD-09 datum, encoding); re-reads the file."""
        from hljgis.gui.dialogs.import_dialog import ImportDialog

        if not self.path:
            return False
        dialog = ImportDialog(self.path, need_crs=need_crs, problem=problem, parent=self)
        if dialog.exec() != ImportDialog.DialogCode.Accepted:
            return False
        self.read_options = dialog.options()
        self.load(self.path, self.sheet_box.currentData() or None)
        return True

    def load(self, path: str, sheet: str | None = None) -> None:
        """Read ``path`` (its sheet or layer ``sheet``) and suggest a mapping."""
        self.path = str(path)
        self.file_edit.setText(self.path)
        if sheet is None:
            self._fill_sheets()
            sheet = self.sheet_box.currentData() or None
        from hljgis.gui.background import Cancelled, run_in_background

        options = {**self.read_options, **({"layer": sheet} if sheet else {})}
        try:  # a large GeoPackage takes a while: read off the GUI thread
            self.source = run_in_background(
                self, self.tr("Reading") + f" {Path(self.path).name} ...",
                lambda: read_source(self.path, **options))
        except Cancelled:
            return
        except InputError as exc:
            if (isinstance(exc, MissingCRSError) and "assume_crs" not in self.read_options
                    and self.ask_read_options(exc.what, True)):
                return  # asked, as Add data does, instead of guessing; read again
            self.source = None
            self.outcome = None
            self._problem = str(exc)
            self._fill_column_boxes()
            self._show_outcome()
            return
        self._problem = ""
        self.spec = suggest_spec(self.source, self.schema.name)
        self._fill_column_boxes()
        self._fill_value_boxes()
        self.refresh()

    def _fill_sheets(self) -> None:
        names: list[str] = []
        suffix = Path(self.path).suffix.lower()
        try:
            if suffix in (".xlsx", ".xlsm"):
                names = list(pd.ExcelFile(self.path, engine="openpyxl").sheet_names)
            elif suffix in (".gpkg", ".kml", ".kmz"):
                import pyogrio

                names = [str(n) for n, _ in pyogrio.list_layers(self.path)]
        except Exception:  # noqa: BLE001 - read_source reports the unreadable file
            names = []
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        for n in names:
            self.sheet_box.addItem(n, n)
        self.sheet_box.blockSignals(False)
        self.sheet_box.setVisible(len(names) > 1)
        self.sheet_label.setVisible(len(names) > 1)

    def _on_sheet_changed(self, _index: int) -> None:
        if self.path:
            self.load(self.path, self.sheet_box.currentData())

    # -- binding widgets and the spec --------------------------------------------------------
    def _fill_column_boxes(self) -> None:
        columns = [] if self.source is None else [
            str(c) for c in self.source.columns if c != self.source.geometry.name]
        for f in self._fields:
            _, box, unit, _const = self._field_rows[f.name]
            box.blockSignals(True)
            box.clear()
            derived = DERIVED.get(f.name)
            box.addItem(self.tr("(filled in: {how})").format(how=self.tr(derived)) if derived
                        and (f.name != "name" or "name_zh" in self.spec.fields)
                        else self.tr("(not in the file)"), None)
            for c in columns:
                box.addItem(c, c)
            box.setCurrentIndex(max(0, box.findData(self.spec.fields.get(f.name))))
            box.blockSignals(False)
            if f.name in self.spec.units:
                unit.blockSignals(True)
                unit.setCurrentIndex(max(0, unit.findData(self.spec.units[f.name])))
                unit.blockSignals(False)

    def _fill_value_boxes(self) -> None:
        """One row per distinct text of each mapped code-list field: text, rows, code."""
        while self.values_layout.count():
            item = self.values_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._value_boxes = {}
        for f in self._fields:
            col = self.spec.fields.get(f.name)
            if not f.allowed or col is None or self.source is None:
                continue
            vals = self.source[col].dropna().astype(str).str.strip()
            if f.multi:
                vals = pd.Series([p for v in vals for p in MULTI_SPLIT.split(v) if p])
            counts = vals[vals != ""].value_counts()
            group = QWidget()
            grid = QGridLayout(group)
            grid.addWidget(QLabel(f"<b>{f.name}</b> ← {col}"), 0, 0, 1, 3)
            boxes = {}
            if f.name not in self.spec.values:  # newly mapped: start from suggestions
                self.spec.values[f.name] = suggest_values(f, list(counts.index))
            for r, (text, n) in enumerate(counts.items(), start=1):
                box = QComboBox()
                box.addItem(self.tr("(no code: reject these rows)"), "")
                for code in f.allowed:
                    box.addItem(_code_label(str(code)), str(code))
                box.setCurrentIndex(max(0, box.findData(
                    self.spec.values.get(f.name, {}).get(text, text if text in f.allowed
                                                         else ""))))
                box.currentIndexChanged.connect(self._schedule)
                grid.addWidget(QLabel(str(text)), r, 0)
                grid.addWidget(QLabel(self.tr("1 row") if n == 1 else
                                      self.tr("{n} rows").format(n=int(n))), r, 1)
                grid.addWidget(box, r, 2)
                boxes[str(text)] = box
            grid.setColumnStretch(0, 2)
            grid.setColumnStretch(2, 2)
            self.values_layout.addWidget(group)
            self._value_boxes[f.name] = boxes
        self.values_layout.addStretch(1)

    def _on_mapping_changed(self, *_args) -> None:
        self._read_widgets()
        self._fill_value_boxes()
        self._schedule()

    def _schedule(self, *_args) -> None:
        self._timer.start()

    def _read_widgets(self) -> None:
        """The spec from the widgets (the widgets hold nothing the spec does not)."""
        spec = ReplaceSpec(self.schema.name, keep_extra=True)
        for f in self._fields:
            _, box, unit, const = self._field_rows[f.name]
            if box.currentData():
                spec.fields[f.name] = box.currentData()
            if unit.isEnabled() and unit.currentData() and unit.currentData() != f.unit:
                spec.units[f.name] = unit.currentData()
            value = const.currentData() if isinstance(const, QComboBox) else const.text().strip()
            if value and const.isEnabled():
                spec.constants[f.name] = value
                spec.fields.pop(f.name, None)
        for name, boxes in self._value_boxes.items():
            spec.values[name] = {t: b.currentData() for t, b in boxes.items() if b.currentData()}
        for name, mapping in self.spec.values.items():  # texts of fields not shown keep theirs
            if name not in self._value_boxes and name in spec.fields:
                spec.values[name] = dict(mapping)
        spec.provenance = {k: v for k, v in {
            "source": self.source_edit.text().strip(), "as_of": self.as_of_edit.text().strip(),
            "accuracy_m": self.accuracy_edit.text().strip(),
            "licence": self.licence_edit.text().strip(),
            "note": self.note_edit.text().strip()}.items() if v}
        self.spec = spec

    # -- the report --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-run the mapping and show the report."""
        self._read_widgets()
        self._problem = getattr(self, "_problem", "") if self.source is None else ""
        self.outcome = None
        if self.source is not None:
            self._problem = self._gui_problem()
        if self.source is not None and not self._problem:
            try:
                check_spec(self.source, self.spec)
                self.outcome = apply_spec(self.source, self.spec, crs=self.layer.crs,
                                          first_row=first_row_for(self.path))
            except InputError as exc:
                self._problem = str(exc)
        self._show_outcome()

    def _gui_problem(self) -> str:
        """What keeps the mapping from running, said in terms of this dialog."""
        missing = [f for f in unfilled_fields(self.spec)
                   if f not in ("source", "as_of", "accuracy_m")]
        if missing:
            return self.tr("Field(s) {fields} need a column of the file or one value for "
                           "every row.").format(fields=", ".join(missing))
        prov = self.spec.provenance
        need = [label for key, label in (("source", self.tr("source")),
                                         ("as_of", self.tr("as-of date")),
                                         ("accuracy_m", self.tr("accuracy")))
                if not prov.get(key) and key not in self.spec.fields]
        if need:
            return self.tr("Fill in the {what} on the Provenance tab.").format(
                what=", ".join(need))
        return ""

    def _show_outcome(self) -> None:
        out = self.outcome
        if out is None:
            text = getattr(self, "_problem", "") or self.tr("Pick a file to see how its rows "
                                                            "fit the layer.")
            colour = _RED if getattr(self, "_problem", "") else "#444444"
            self.summary.setText(f"<span style='color:{colour}'>{text}</span>")
            self.report_model.set_frame(pd.DataFrame(columns=["row", "field", "value",
                                                              "reason", "reason_zh"]),
                                        self._columns())
        else:
            colour = _GREEN if not out.rejected else (_AMBER if out.accepted else _RED)
            text = self.tr("{a} of {n} rows accepted, {r} rejected").format(
                a=out.accepted, n=out.total, r=out.rejected)
            notes = "; ".join(out.notes_zh if self._zh() else out.notes)
            self.summary.setText(f"<b style='color:{colour}'>{text}</b>"
                                 + (f"<br><small>{self.tr('Filled in')}"
                                    f"{'：' if self._zh() else ': '}{notes}</small>"
                                    if notes else ""))
            self.report_model.set_frame(out.report, self._columns())
        unmapped = sum(len(v) for v in out.unmapped_values().values()) if out else 0
        self.tabs.setTabText(1, self.tr("Values ({n} without a code)").format(n=unmapped)
                             if unmapped else self.tr("Values"))
        ok = out is not None and out.accepted > 0
        self.replace_button.setEnabled(ok)
        self.export_button.setEnabled(out is not None and len(out.report) > 0)

    def _columns(self):
        reason = "reason_zh" if self._zh() else "reason"
        return [("row", "Row", None), ("field", "Field", None), ("value", "Value", None),
                (reason, "Reason", None)]

    def export_report(self, path: str | None = None) -> str | None:
        if self.outcome is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export report..."),
                                                  "rejected_rows.csv",
                                                  "CSV (*.csv);;Excel (*.xlsx)")
        if path:
            self.outcome.write_report(path)
        return path or None

    def replace(self) -> None:
        """Swap the accepted rows into the layer (one undo step) and close."""
        self._timer.stop()
        self.refresh()
        if self.outcome is None or not self.outcome.accepted:
            return
        try:
            commit_outcome(self.session, self.layer.name, self.path, self.spec, self.outcome)
        except InputError as exc:
            self.summary.setText(f"<span style='color:{_RED}'>{exc}</span>")
            return
        self.accept()
