"""Where the candidate sites come from: the features of any polygon or point layer of the
project (bundled or imported) with its id and city fields, or square / hexagon cells of a
chosen size over chosen cities or districts, the polygons selected on the map, or the
current map extent; bound to the draft.

The selection and the extent become a small polygon layer of the project ("candidate
area"), so the scenario names a layer like any other and reopening the project ranks the
same cells.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.filter_text import text_to_where, where_to_text
from hljgis.core.layer import VectorLayer
from hljgis.gui.i18n import tr
from hljgis.gui.ranking.forms import ChoiceBox, LayerBox, apply, is_area_or_point

SOURCES = {"layer": "Features of a layer", "grid": "Square or hexagon cells"}
SHAPES = {"square": "Squares", "hex": "Hexagons"}
#: Fields that name a boundary's features, most telling first (for the pick list).
NAME_FIELDS = ("name_zh", "name", "name_en", "district", "city", "title")


def _is_polygon(layer) -> bool:
    return is_area_or_point(layer) and "point" not in str(layer.geometry_type).lower()


def name_field(gdf) -> str | None:
    """The field that names a layer's features (for picking cities or districts)."""
    for f in NAME_FIELDS:
        if f in gdf.columns:
            return f
    return None


def area_layer(name: str, geoms, crs, title: str, title_zh: str) -> VectorLayer:
    """A one-feature polygon layer (the union of ``geoms``) to generate cells over."""
    union = shapely.union_all(np.asarray(geoms))
    gdf = gpd.GeoDataFrame({"name": [title], "source": ["drawn in the ranking dock"],
                            "accuracy_m": [0.0], "as_of": [""]}, geometry=[union], crs=crs)
    return VectorLayer(gdf, name, title=title, title_zh=title_zh)


class CandidatesEditor(QWidget):
    """The candidate-site form.

    Parameters
    ----------
    draft : ScenarioDraft
    session : Session
        Gives the project (layers, their selections) and adds the candidate-area layers.
    map_extent : callable, optional
        ``() -> ((minx, miny, maxx, maxy), crs)`` of the map; without it the "map extent"
        button is hidden.

    Signals
    -------
    rejected(str) : an edit was refused; the message names the field.
    said(str) : what a button did, for the status line.
    """

    rejected = Signal(str)
    said = Signal(str)

    def __init__(self, draft: ScenarioDraft, session,
                 map_extent: Callable[[], tuple] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.session = session
        self.map_extent = map_extent
        self.source = ChoiceBox(SOURCES)
        self.layer = LayerBox()
        self.where = QLineEdit()
        self.picks = QListWidget()
        self.id_field, self.name_field, self.city_field = QComboBox(), QComboBox(), QComboBox()
        self.shape = ChoiceBox(SHAPES)
        self.size = QSpinBox()
        self.size.setRange(10, 50_000)
        self.size.setSingleStep(50)
        self.size.setSuffix(" m")
        self.selection_button, self.extent_button = QPushButton(), QPushButton()
        cells = QWidget()
        cl = QHBoxLayout(cells)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.shape)
        cl.addWidget(self.size)
        cl.addStretch(1)
        buttons = QWidget()
        bl = QHBoxLayout(buttons)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.selection_button)
        bl.addWidget(self.extent_button)
        bl.addStretch(1)
        self.rows = {"source": self.source, "layer": self.layer, "where": self.where,
                     "picks": self.picks, "id_field": self.id_field,
                     "name_field": self.name_field, "city_field": self.city_field,
                     "cells": cells, "area": buttons}
        self.labels = {key: QLabel() for key in self.rows}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        for key, widget in self.rows.items():
            self.form.addRow(self.labels[key], widget)
        self.source.activated.connect(lambda _i: self._on_source())
        self.layer.activated.connect(lambda _i: self._set(layer=self.layer.value(),
                                                          where=None, id_field=None,
                                                          name_field=None))
        self.where.editingFinished.connect(self._on_where)
        self.picks.itemChanged.connect(lambda _item: self._on_picks())
        self.id_field.activated.connect(
            lambda _i: self._set(id_field=self.id_field.currentData() or None))
        self.name_field.activated.connect(
            lambda _i: self._set(name_field=self.name_field.currentData() or None))
        self.city_field.activated.connect(
            lambda _i: self._set(city_field=self.city_field.currentData() or "city"))
        self.shape.activated.connect(lambda _i: self._set(shape=self.shape.value()))
        self.size.editingFinished.connect(lambda: self._set(size_m=float(self.size.value())))
        self.selection_button.clicked.connect(self.use_selection)
        self.extent_button.clicked.connect(self.use_map_extent)
        draft.events.changed.connect(self._on_draft_changed)
        self.retranslate()

    def set_map_extent(self, map_extent: Callable[[], tuple] | None) -> None:
        """Offer cells over the map's extent (``() -> (bounds, crs)``)."""
        self.map_extent = map_extent
        self.refresh()

    # -- reading the draft -----------------------------------------------------------------
    def _on_draft_changed(self, what: str) -> None:
        if what in ("all", "candidates"):
            self.refresh()

    def refresh(self) -> None:
        c = self.draft.candidates
        project = self.session.project
        grid = c.get("kind") == "grid"
        self.source.set_value(c.get("kind"))
        self.layer.fill(project, _is_polygon if grid else is_area_or_point, c.get("layer"))
        if not self.where.hasFocus():
            self.where.setText(where_to_text(c.get("where")))
        gdf = self._gdf(c.get("layer"))
        fields = [] if gdf is None else [str(f) for f in gdf.columns if f != gdf.geometry.name]
        for box, key, empty in ((self.id_field, "id_field", "(row number)"),
                                (self.name_field, "name_field", "(automatic: name or id)"),
                                (self.city_field, "city_field", None)):
            box.blockSignals(True)
            box.clear()
            if empty:
                box.addItem(tr(empty), "")
            for f in fields:
                box.addItem(f, f)
            current = c.get(key) or ("city" if key == "city_field" else "")
            if current and box.findData(current) < 0:
                box.addItem(current, current)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)
        self.shape.set_value(c.get("shape", "square"))
        if not self.size.hasFocus():
            self.size.setValue(round(float(c.get("size_m", 500))))
        self._fill_picks(gdf, c.get("where"))
        for key, show in (("picks", grid and gdf is not None and name_field(gdf) is not None),
                          ("id_field", not grid), ("name_field", not grid),
                          ("cells", grid), ("area", grid)):
            self.form.setRowVisible(self.rows[key], bool(show))
        self.extent_button.setVisible(self.map_extent is not None)
        self.labels["layer"].setText(tr("Cells over") if grid else tr("Layer"))

    def _gdf(self, name: str | None):
        try:
            return self.session.project.layer(name).gdf if name else None
        except (KeyError, AttributeError):
            return None

    def _fill_picks(self, gdf, where) -> None:
        """A tick per feature name of the boundary layer (cities, districts)."""
        self.picks.blockSignals(True)
        self.picks.clear()
        field = None if gdf is None else name_field(gdf)
        if field is not None:
            chosen = None
            clauses = [where] if isinstance(where, dict) else (where or [])
            for cl in clauses:
                if cl.get("field") == field and "in" in cl:
                    chosen = {str(v) for v in cl["in"]}
            for value in gdf[field].dropna().astype(str).unique()[:200]:
                item = QListWidgetItem(value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = chosen is None or value in chosen
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                self.picks.addItem(item)
        self.picks.setProperty("field", field)
        rows = min(max(self.picks.count(), 1), 5)  # short lists take no more room than needed
        self.picks.setFixedHeight(rows * max(self.picks.sizeHintForRow(0), 16) +
                                  2 * self.picks.frameWidth() + 2)
        self.picks.blockSignals(False)

    # -- writing the draft -----------------------------------------------------------------
    def _set(self, **fields) -> bool:
        return apply(lambda: self.draft.set_candidates(**fields), self.rejected.emit)

    def _on_source(self) -> None:
        kind = self.source.value()
        if kind == self.draft.candidates.get("kind"):
            return
        project = self.session.project
        accept = _is_polygon if kind == "grid" else is_area_or_point
        layers = [layer.name for layer in project.layers if accept(layer)]
        current = self.draft.candidates.get("layer")
        layer = current if current in layers else (layers[0] if layers else current)
        if not self._set(kind=kind, layer=layer, where=None, id_field=None, name_field=None):
            self.refresh()

    def _on_where(self) -> None:
        try:
            where = text_to_where(self.where.text())
        except ValueError as exc:
            self.rejected.emit(f"{tr('Feature filter')}: {exc}")
            return
        if where != self.draft.candidates.get("where"):
            self._set(where=where)

    def _on_picks(self) -> None:
        field = self.picks.property("field")
        items = [self.picks.item(i) for i in range(self.picks.count())]
        chosen = [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]
        if not chosen:
            self.rejected.emit(tr("Tick at least one feature to generate cells over"))
            self.refresh()
            return
        current = self.draft.candidates.get("where")
        others = [cl for cl in ([current] if isinstance(current, dict) else current or [])
                  if cl.get("field") != field or "in" not in cl]  # other clauses stay
        mine = [] if len(chosen) == len(items) else [{"field": field, "in": chosen}]
        self._set(where=(others + mine) or None)

    def _use_area(self, geoms, crs, title: str, title_zh: str) -> str | None:
        """Add the area as a project layer (undoably) and generate cells over it."""
        project = self.session.project
        layer = area_layer(project.unique_name("candidate_area"), geoms, crs, title, title_zh)
        self.session.add_layers([layer])
        if not self._set(kind="grid", layer=layer.name, where=None, id_field=None,
                         name_field=None):
            return None
        self.said.emit(tr("Cells over a new layer") + f": {layer.name}")
        return layer.name

    def use_selection(self) -> str | None:
        """Cells over the features selected on the map in the chosen boundary layer."""
        name = self.draft.candidates.get("layer")
        try:
            layer = self.session.project.layer(name)
        except KeyError:
            layer = None
        sel = np.asarray(getattr(layer, "selection", []), dtype=np.int64)
        if layer is None or sel.size == 0:
            self.rejected.emit(tr("Select polygons of the layer on the map first") +
                               f": {name}")
            return None
        geoms = layer.gdf.geometry.values[sel]
        return self._use_area(geoms, layer.crs, "Selected area", "所选区域")

    def use_map_extent(self) -> str | None:
        """Cells over the area the map shows now."""
        if self.map_extent is None:
            return None
        (minx, miny, maxx, maxy), crs = self.map_extent()
        return self._use_area([shapely.box(minx, miny, maxx, maxy)], crs, "Map extent",
                              "地图范围")

    def retranslate(self) -> None:
        for key, text in (("source", "Sites from"), ("layer", "Layer"),
                          ("where", "Feature filter"), ("picks", "Within"),
                          ("id_field", "Site id field"), ("name_field", "Site name field"),
                          ("city_field", "City field"),
                          ("cells", "Cells"), ("area", "Or over")):
            self.labels[key].setText(tr(text))
        for box in (self.source, self.shape):
            box.retranslate()
        self.where.setPlaceholderText(tr("e.g. status in cleared"))
        self.selection_button.setText(tr("Selected polygons"))
        self.extent_button.setText(tr("Map extent"))
        self.refresh()
