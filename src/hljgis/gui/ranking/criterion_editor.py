"""The form of one criterion: what it measures (kind-specific fields), its unit and
direction, and its title and rationale in both languages; bound to the draft.

Which fields a kind has is a table (:data:`KIND_FIELDS`), not a chain of conditions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.filter_text import text_to_where, where_to_text
from hljgis.gui.i18n import tr
from hljgis.gui.ranking.forms import ChoiceBox, LayerBox, TextBox, apply, is_raster, is_vector

#: The fields each criterion kind shows, besides the common ones.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "distance": ("layer", "where", "measure"),
    "overlap": ("layer", "where"),
    "attribute": ("layer", "where", "field", "agg", "fill"),
    "raster": ("layer", "stat"),
    "years": ("layer", "where", "field", "agg", "fill", "mode"),
}
KIND_NAMES = {"distance": "Distance to features", "overlap": "Overlap share",
              "attribute": "Attribute value", "raster": "Raster zonal statistic",
              "years": "Years since / until"}
COMMON = ("name", "kind", "direction", "unit", "title", "title_zh", "rationale",
          "rationale_zh")
LABELS = {
    "name": "Name (result columns)", "kind": "Kind", "layer": "Layer",
    "where": "Feature filter", "measure": "Measured from", "field": "Field",
    "agg": "Several features", "fill": "Value where none", "stat": "Statistic",
    "mode": "Years", "direction": "Better when", "unit": "Unit", "title": "Title (English)",
    "title_zh": "Title (Chinese)", "rationale": "Rationale (English)",
    "rationale_zh": "Rationale (Chinese)",
}


class CriterionEditor(QWidget):
    """Fields of criterion ``row`` of the draft; each commits one draft edit when its
    editing ends. ``project()`` gives the project whose layers the pickers offer.

    Signals
    -------
    rejected(str) : an edit was refused; the draft's message names the field.
    """

    rejected = Signal(str)

    def __init__(self, draft: ScenarioDraft, project: Callable[[], object],
                 parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.project = project
        self.row = -1
        self.w: dict[str, QWidget] = {
            "name": QLineEdit(), "kind": QLabel(), "layer": LayerBox(), "where": QLineEdit(),
            "measure": ChoiceBox({"centroid": "site centre", "edge": "site edge"}),
            "field": QComboBox(), "agg": ChoiceBox({"max": "largest", "min": "smallest",
                                                    "mean": "mean"}),
            "fill": QLineEdit(), "stat": ChoiceBox({"mean": "mean", "max": "maximum"}),
            "mode": ChoiceBox({"since": "since the year in the field",
                               "until": "until the year in the field"}),
            "direction": ChoiceBox({"benefit": "larger values", "cost": "smaller values"}),
            "unit": QLineEdit(), "title": QLineEdit(), "title_zh": QLineEdit(),
            "rationale": TextBox(), "rationale_zh": TextBox(),
        }
        self.w["field"].setEditable(True)
        self.labels = {key: QLabel() for key in self.w}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        for key, widget in self.w.items():
            self.form.addRow(self.labels[key], widget)
        for key in ("name", "where", "fill", "unit", "title", "title_zh", "rationale",
                    "rationale_zh"):
            self.w[key].editingFinished.connect(lambda key=key: self._commit(key))
        self.w["field"].lineEdit().editingFinished.connect(lambda: self._commit("field"))
        self.w["field"].activated.connect(lambda _i: self._commit("field"))
        for key in ("layer", "measure", "agg", "stat", "mode", "direction"):
            self.w[key].activated.connect(lambda _i, key=key: self._commit(key))
        draft.events.changed.connect(self._on_draft_changed)
        self.retranslate()

    # -- reading the draft -----------------------------------------------------------------
    def set_row(self, row: int) -> None:
        self.row = row
        self.refresh()

    def _on_draft_changed(self, what: str) -> None:
        if what in ("all", "criteria"):
            self.refresh()

    def criterion(self) -> dict | None:
        ok = 0 <= self.row < len(self.draft.criteria)
        return self.draft.criteria[self.row] if ok else None

    def refresh(self) -> None:
        c = self.criterion()
        self.setEnabled(c is not None)
        if c is None:
            return
        kind = c.get("kind", "distance")
        shown = set(COMMON) | set(KIND_FIELDS.get(kind, ()))
        for key in self.w:
            self.form.setRowVisible(self.w[key], key in shown)
        project = self.project()
        raster = kind == "raster"
        self.w["layer"].fill(project, is_raster if raster else is_vector, c.get("layer"),
                             empty="(the site itself)" if kind in ("attribute", "years")
                             else None)
        self._fill_fields(c)
        for key in ("name", "unit", "title", "title_zh"):
            if not self.w[key].hasFocus():
                self.w[key].setText(str(c.get(key) or ""))
        for key in ("rationale", "rationale_zh"):
            if not self.w[key].hasFocus():
                self.w[key].setPlainText(str(c.get(key) or ""))
        if not self.w["where"].hasFocus():
            self.w["where"].setText(where_to_text(c.get("where")))
        if not self.w["fill"].hasFocus():
            fill = c.get("fill")
            self.w["fill"].setText("" if fill is None else f"{fill:g}")
        self.w["kind"].setText(tr(KIND_NAMES.get(kind, kind)))
        for key, default in (("measure", "centroid"), ("agg", "max"), ("stat", "mean"),
                             ("mode", "since"), ("direction", "benefit")):
            self.w[key].set_value(c.get(key, default))

    def _fill_fields(self, c: dict) -> None:
        """Field names of the criterion's layer (typed freely for the sites' own fields)."""
        box: QComboBox = self.w["field"]
        names: list[str] = []
        layer = c.get("layer")
        if layer:
            try:
                gdf = self.project().layer(layer).gdf
                names = [str(n) for n in gdf.columns if n != gdf.geometry.name]
            except (KeyError, AttributeError):
                names = []
        if box.lineEdit().hasFocus():
            return
        box.blockSignals(True)
        box.clear()
        box.addItems(names)
        box.setEditText(str(c.get("field") or ""))
        box.blockSignals(False)

    # -- writing the draft -----------------------------------------------------------------
    def _value(self, key: str):
        w = self.w[key]
        if key in ("rationale", "rationale_zh"):
            return w.toPlainText().strip()
        if key == "field":
            return w.currentText().strip() or None
        if key == "layer":
            return w.value() or None
        if isinstance(w, ChoiceBox):
            return w.value()
        if key == "where":
            return text_to_where(w.text())
        if key == "fill":
            text = w.text().strip().replace(",", ".")
            return float(text) if text else None
        return w.text().strip()

    def _commit(self, key: str) -> None:
        c = self.criterion()
        if c is None:
            return
        try:
            value = self._value(key)
        except ValueError as exc:
            self.rejected.emit(f"{tr(LABELS[key])}: {exc}")
            return
        if value == c.get(key) or (value in ("", None) and not c.get(key)):
            return
        row = self.row
        if not apply(lambda: self.draft.set_criterion(row, **{key: value}), self.rejected.emit):
            self.refresh()

    def retranslate(self) -> None:
        for key, label in self.labels.items():
            label.setText(tr(LABELS[key]))
        for w in self.w.values():
            if isinstance(w, ChoiceBox):
                w.retranslate()
        self.w["where"].setPlaceholderText(tr("e.g. status in opened; year > $year"))
        self.w["fill"].setPlaceholderText(tr("blank: no value (missing data)"))
        self.refresh()
