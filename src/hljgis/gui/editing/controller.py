"""The editing state of one window: the layer being edited, snapping, and what a finished
sketch or drag becomes (through the Session, so every edit can be undone)."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QObject, QPointF, Signal

from hljgis.core.editing import geometry as G
from hljgis.core.editing.fields import fields_for
from hljgis.core.editing.snapping import Snapper, SnapResult, pixel_tolerance, snap
from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer
from hljgis.core.query import features_in_box
from hljgis.gui.i18n import current_language

_ONE_PX = QPointF(1.0, 0.0)

#: Fields filled from the drawn geometry when the form opens (name -> unit factor).
_MEASURED = {"area_ha": ("area", 1e-4), "area_m2": ("area", 1.0), "area_km2": ("area", 1e-6),
             "length_m": ("length", 1.0), "length_km": ("length", 1e-3)}


class EditController(QObject):
    """Which layer is edited, what it snaps to, and the commits of the edit tools.

    Signals
    -------
    editing_changed(str) : the layer now edited ("" when editing stopped).
    message(object) : something to tell the planner (refused edit, what to click next): a
        function making the text in the UI language, called again after a language switch.
    measured(str) : the running length / area of the sketch.
    form_opened(object) : an attribute form is shown (tests fill it in).
    """

    editing_changed = Signal(str)
    message = Signal(object)
    measured = Signal(str)
    form_opened = Signal(object)

    def __init__(self, session, canvas, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.canvas = canvas
        self.layer_name: str | None = None
        self.snap_enabled = True
        self.snap_pixels = 12
        #: Layers snapped to besides the edited one.
        self.snap_layers: set[str] = set()
        self.form = None
        #: One Snapper per layer and version of its data: an edit re-indexes its layer only.
        self._snappers: dict[str, tuple[object, Snapper]] = {}
        # keyed by the frame itself (not its id: a freed frame's id can come back)
        self._map_geoms: dict[str, tuple[object, np.ndarray]] = {}
        self._project = None
        session.events.project_changed.connect(self._on_project_changed)
        self._watch(session.project)

    # -- which layer -------------------------------------------------------------------------
    @property
    def project(self):
        return self.session.project

    def layer(self) -> VectorLayer | None:
        if self.layer_name and self.layer_name in self.project:
            layer = self.project.layer(self.layer_name)
            return layer if isinstance(layer, VectorLayer) else None
        return None

    def kind(self) -> str:
        """Geometry family of the edited layer ("Polygon" for a new empty one)."""
        layer = self.layer()
        if layer is None:
            return "Polygon"
        kind = layer.geometry_type
        if kind in ("none", "mixed"):
            kind = layer.provenance.get("geometry", "Polygon")
        return kind

    def start_editing(self, name: str) -> bool:
        layer = self.project.layer(name) if name in self.project else None
        if not isinstance(layer, VectorLayer):
            self.message.emit(lambda: self.tr("Pick a vector layer in the Layers panel first"))
            return False
        self.layer_name = name
        self.editing_changed.emit(name)
        return True

    def stop_editing(self) -> None:
        self.layer_name = None
        if self.canvas.map_tool is not None:
            self.canvas.set_map_tool(None)
        self.editing_changed.emit("")

    def _on_project_changed(self, project) -> None:
        self._map_geoms.clear()
        self._snappers.clear()
        self.snap_layers.clear()
        self.stop_editing()
        self._watch(project)

    def _watch(self, project) -> None:
        if self._project is not None:
            self._project.events.layer_removed.disconnect(self._on_layer_removed)
        self._project = project
        project.events.layer_removed.connect(self._on_layer_removed)

    def _on_layer_removed(self, _index, layer) -> None:
        """Editing stops when its layer goes (removed, or its creation undone)."""
        self._map_geoms.pop(layer.name, None)
        self._snappers.pop(layer.name, None)
        if layer.name == self.layer_name:
            self.stop_editing()

    # -- geometry in the map's CRS -------------------------------------------------------------
    def map_geoms(self, layer: VectorLayer) -> np.ndarray:
        """The layer's geometries in the map CRS, reprojected once per version of its data."""
        hit = self._map_geoms.get(layer.name)
        if hit is not None and hit[0] is layer.gdf:
            return hit[1]
        crs = self.project.crs
        gdf = layer.gdf if layer.crs.equals(crs) else layer.gdf.to_crs(crs)
        geoms = np.asarray(gdf.geometry.values, dtype=object)
        self._map_geoms[layer.name] = (layer.gdf, geoms)
        return geoms

    def to_layer(self, geom):
        return G.reproject(geom, self.project.crs, self.layer().crs)

    def tolerance(self) -> float:
        return pixel_tolerance(self.snap_pixels, self.canvas.units_per_pixel())

    def snap(self, x: float, y: float) -> tuple[float, float, SnapResult | None]:
        """(x, y) moved onto the nearest vertex or edge of the snapping layers, if any lies
        within the tolerance."""
        if not self.snap_enabled or self.layer() is None:
            return x, y, None
        hit = snap(self._current_snappers(), x, y, self.tolerance())
        return (hit.x, hit.y, hit) if hit is not None else (x, y, None)

    def _current_snappers(self) -> list[Snapper]:
        names = [n for n in dict.fromkeys([self.layer_name, *sorted(self.snap_layers)])
                 if n in self.project]
        out = []
        for name in names:
            layer = self.project.layer(name)
            if not isinstance(layer, VectorLayer):
                continue
            hit = self._snappers.get(name)
            if hit is None or hit[0] is not layer.gdf:
                hit = (layer.gdf, Snapper({name: self.map_geoms(layer)}))
                self._snappers[name] = hit
            out.append(hit[1])
        return out

    def feature_at(self, x: float, y: float) -> int | None:
        """Row of the edited layer's feature nearest (x, y) within the tolerance."""
        layer = self.layer()
        if layer is None or not len(layer.gdf):
            return None
        tol = self.tolerance()
        rows = features_in_box(layer, (x - tol, y - tol, x + tol, y + tol), self.project.crs)
        if not len(rows):
            return None
        geoms = self.map_geoms(layer)[rows]
        return int(rows[int(np.argmin(shapely.distance(geoms, shapely.Point(x, y))))])

    # -- commits ---------------------------------------------------------------------------------
    def refuse(self, exc: InputError) -> None:
        """Say why an edit was refused, in the interface language (catalogue templates fill
        in the numbers), again in the new language after a switch."""
        from hljgis.gui.messages import translate_message

        what, todo = exc.what, exc.todo
        self.message.emit(lambda: " ".join(translate_message(t) for t in (what, todo) if t))

    def _try(self, action) -> bool:
        try:
            action()
        except InputError as exc:
            self.refuse(exc)
            return False
        return True

    def finish_sketch(self, mode: str, points) -> bool:
        """A finished sketch (map CRS): a new feature, a hole, or a split line."""
        layer = self.layer()
        if layer is None:
            return False
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        if mode == "add":
            try:
                geom = G.from_sketch(self.kind(), pts)
            except InputError as exc:
                self.refuse(exc)
                return False
            self.open_form(geom)
            return True
        if mode == "hole":
            return self._try(lambda: self._add_hole(pts))
        if mode == "split":
            return self._try(lambda: self._split(pts))
        raise ValueError(mode)

    def _add_hole(self, pts: np.ndarray) -> None:
        pos = self.feature_at(*pts.mean(axis=0))
        if pos is None:
            raise InputError("the hole is not inside a feature of the edited layer.",
                             "Draw it within a polygon.")
        ring = np.asarray(self.to_layer(shapely.LineString(pts)).coords)
        geom = G.add_hole(self.layer().gdf.geometry.iloc[pos], ring)
        self.session.change_geometry(self.layer_name, pos, geom)

    def _split(self, pts: np.ndarray) -> None:
        layer = self.layer()
        line = shapely.LineString(pts)
        # the line itself queries the index (a vertical line's bounds are a zero-width box)
        hits = np.sort(layer.gdf.sindex.query(self.to_layer(line), predicate="intersects"))
        if not len(hits):
            raise InputError("the line does not cross a feature of the edited layer.",
                             "Draw it across the feature to split.")
        self.session.split_feature(self.layer_name, int(hits[0]), line, crs=self.project.crs)

    def open_form(self, geom_map, position: int | None = None) -> None:
        """Show the attribute form for a new feature (``position`` None) or an existing
        one; the feature is written when the planner presses OK and the values pass."""
        from hljgis.gui.dialogs.attribute_form import AttributeForm

        layer = self.layer()
        specs = fields_for(layer)
        if position is None:
            values = {f.name: f.default for f in specs if f.default is not None}
            values.update(self._measured_values(geom_map, specs))
        else:
            row = layer.gdf.drop(columns=layer.gdf.geometry.name).iloc[position]
            values = {k: v for k, v in row.items() if not _missing(v)}
        info = self._measure_text(geom_map) if geom_map is not None else ""
        form = AttributeForm(specs, values, parent=self.canvas.window(),
                             lang=current_language(), info=info,
                             title=layer.display_title(current_language()))

        def commit(values: dict) -> None:
            if position is None:
                self.session.add_feature(self.layer_name, geom_map, values,
                                         crs=self.project.crs)
            else:
                self.session.change_attributes(self.layer_name, position, values)

        form.commit = commit
        form.finished.connect(lambda *_: setattr(self, "form", None))
        self.form = form
        form.open()
        self.form_opened.emit(form)

    def _measured_values(self, geom_map, specs) -> dict:
        metric = self.project.metric_crs()
        geom = G.reproject(geom_map, self.project.crs, metric)
        out = {}
        if any(f.name == "accuracy_m" for f in specs):
            # what a click can hit at this zoom: one screen pixel on the ground
            pixel = G.reproject(shapely.LineString(
                [self.canvas.to_map(self.canvas.rect().center().toPointF()),
                 self.canvas.to_map(self.canvas.rect().center().toPointF() + _ONE_PX)]),
                self.project.crs, metric).length
            out["accuracy_m"] = float(f"{pixel:.2g}")
        for f in specs:
            if f.name in _MEASURED:
                what, factor = _MEASURED[f.name]
                value = (geom.area if what == "area" else geom.length) * factor
                out[f.name] = round(value, 4)
        return out

    def _measure_text(self, geom_map) -> str:
        from hljgis.core.measure import (
            format_area,
            format_length,
            path_length_m,
            polygon_area_m2,
        )

        crs = self.project.crs
        fam = G.family(geom_map)
        if fam == "Polygon":
            ring = np.asarray(geom_map.exterior.coords) if geom_map.geom_type == "Polygon" \
                else np.asarray(geom_map.geoms[0].exterior.coords)
            area = polygon_area_m2(ring[:-1], crs)
            for hole in getattr(geom_map, "interiors", []):
                area -= polygon_area_m2(np.asarray(hole.coords)[:-1], crs)
            return f"{format_area(area)}{self.tr('; ')}{self.tr('perimeter')} " \
                   f"{format_length(path_length_m(ring, crs))}"
        if fam == "LineString":
            return format_length(path_length_m(np.asarray(geom_map.coords), crs))
        return ""

    def delete_selected(self) -> bool:
        layer = self.layer()
        if layer is None or not len(layer.selection):
            self.message.emit(lambda: self.tr("Select features of the edited layer first"))
            return False
        return self._try(lambda: self.session.delete_features(self.layer_name,
                                                              layer.selection.tolist()))

    def merge_selected(self) -> bool:
        layer = self.layer()
        if layer is None or len(layer.selection) < 2:
            self.message.emit(lambda: self.tr("Select two or more features of the edited layer"))
            return False
        return self._try(lambda: self.session.merge_features(self.layer_name,
                                                             layer.selection.tolist()))


def _missing(value) -> bool:
    try:
        return bool(value is None or value != value)
    except (TypeError, ValueError):
        return False
