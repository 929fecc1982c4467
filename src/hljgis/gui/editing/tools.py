"""Canvas tools for editing: draw (point, line, polygon, hole, split line), vertices, move.

Each tool turns mouse events into map coordinates (snapped through the controller) and
paints its own overlay: the rubber band, the vertex handles, the snap marker and the live
length / area beside the cursor. Committing is the controller's job.
"""

from __future__ import annotations

import contextlib

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF

from hljgis.core.editing import geometry as G
from hljgis.core.errors import InputError

SKETCH = QColor("#e31a1c")
HANDLE = QColor("#1f78b4")
SNAP_VERTEX = QColor("#ff00ff")
SNAP_EDGE = QColor("#ff7f00")


class _Tool:
    """What every edit tool shares: the controller, the canvas and the snap marker."""

    def __init__(self, controller) -> None:
        self.controller = controller
        self.canvas = controller.canvas
        self.cursor: tuple[float, float] | None = None
        self.snapped = None

    def _point(self, event) -> tuple[float, float]:
        x, y = self.canvas.to_map(event.position())
        x, y, self.snapped = self.controller.snap(x, y)
        self.cursor = (x, y)
        return x, y

    def press(self, event) -> bool:
        return False

    def move(self, event) -> bool:
        self._point(event)
        self.canvas.update()
        return True

    def release(self, event) -> bool:
        return False

    def double_click(self, event) -> bool:
        return False

    def key(self, event) -> bool:
        return False

    def _px(self, x: float, y: float) -> QPointF:
        return self.canvas.to_pixel(x, y)

    def paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.snapped is not None and self.cursor is not None:
            p = self._px(*self.cursor)
            color = SNAP_VERTEX if self.snapped.kind == "vertex" else SNAP_EDGE
            painter.setPen(QPen(color, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if self.snapped.kind == "vertex":
                painter.drawRect(QRectF(p.x() - 6, p.y() - 6, 12, 12))
            else:
                painter.drawLine(QPointF(p.x() - 6, p.y() - 6), QPointF(p.x() + 6, p.y() + 6))
                painter.drawLine(QPointF(p.x() - 6, p.y() + 6), QPointF(p.x() + 6, p.y() - 6))

    def _label(self, painter: QPainter, text: str) -> None:
        """The running measurement in a box beside the cursor."""
        if not text or self.cursor is None:
            return
        p = self._px(*self.cursor)
        font = QFont(painter.font())
        font.setPointSizeF(9.5)
        painter.setFont(font)
        rect = painter.fontMetrics().boundingRect(text).adjusted(-5, -3, 5, 3)
        rect.moveTopLeft(QPointF(p.x() + 14, p.y() + 12).toPoint())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(QColor("#222222"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class SketchTool(_Tool):
    """Click points; double click, right click or Enter finishes, Backspace takes back
    the last point, Esc drops the sketch.

    ``mode``: "add" draws a new feature of the edited layer's kind, "hole" a ring cut out
    of the polygon it lies in, "split" a line that cuts the feature it crosses.
    """

    def __init__(self, controller, mode: str = "add") -> None:
        super().__init__(controller)
        self.mode = mode
        self.points: list[tuple[float, float]] = []

    @property
    def kind(self) -> str:
        if self.mode == "hole":
            return "Polygon"
        if self.mode == "split":
            return "LineString"
        return self.controller.kind()

    def press(self, event) -> bool:
        if event.button() == Qt.MouseButton.RightButton:
            self.finish()
            return True
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        self.points.append(self._point(event))
        if self.kind == "Point":
            self.finish()
        self._emit_measure()
        self.canvas.update()
        return True

    def move(self, event) -> bool:
        super().move(event)
        self._emit_measure()
        return True

    def double_click(self, event) -> bool:
        if event.button() == Qt.MouseButton.LeftButton:
            self.finish()
        return True

    def key(self, event) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish()
        elif key == Qt.Key.Key_Backspace and self.points:
            self.points.pop()
        elif key == Qt.Key.Key_Escape:
            self.points = []
        else:
            return False
        self._emit_measure()
        self.canvas.update()
        return True

    def finish(self) -> None:
        points, self.points = self.points, []
        if points:
            self.controller.finish_sketch(self.mode, points)
        self.controller.measured.emit("")
        self.canvas.update()

    def _live(self) -> list[tuple[float, float]]:
        return self.points + ([self.cursor] if self.cursor is not None and self.points else [])

    def measure_text(self) -> str:
        """Length of a line, area and perimeter of a polygon, as drawn so far (to the
        cursor): geodesic, in m / km and m² / ha / km²."""
        from hljgis.core.measure import (
            format_area,
            format_length,
            path_length_m,
            polygon_area_m2,
        )

        pts = np.asarray(self._live(), dtype=float)
        if len(pts) < 2 or self.kind == "Point":
            return ""
        crs = self.controller.project.crs
        if self.kind == "Polygon" and len(pts) >= 3:
            ring = np.vstack([pts, pts[:1]])
            return (f"{format_area(polygon_area_m2(pts, crs))}{self.controller.tr('; ')}"
                    f"{self.controller.tr('perimeter')} {format_length(path_length_m(ring, crs))}")
        return format_length(path_length_m(pts, crs))

    def _emit_measure(self) -> None:
        self.controller.measured.emit(self.measure_text())

    def paint(self, painter: QPainter) -> None:
        pts = [self._px(x, y) for x, y in self._live()]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if pts:
            painter.setPen(QPen(SKETCH, 2))
            if self.kind == "Polygon" and len(pts) >= 3:
                painter.setBrush(QColor(227, 26, 28, 50))
                painter.drawPolygon(QPolygonF(pts))
            else:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPolyline(QPolygonF(pts))
            painter.setBrush(QColor("white"))
            for p in pts[: len(self.points)]:
                painter.drawEllipse(p, 3.5, 3.5)
        super().paint(painter)
        self._label(painter, self.measure_text())


class VertexTool(_Tool):
    """Drag a vertex to move it; double click on an edge to add one; right click on a
    vertex (or Delete over it) to remove it. Clicking a feature shows its vertices."""

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.position: int | None = None  # row of the feature being edited
        self.vertex: G.Vertex | None = None  # the one being dragged

    def _geom(self):
        return self.controller.map_geoms(self.controller.layer())[self.position]

    def _vertex_near(self, x: float, y: float):
        if self.position is None:
            return None
        return G.nearest_vertex(self._geom(), x, y, self.controller.tolerance())

    def _pick(self, x: float, y: float) -> None:
        hit = self._vertex_near(x, y)
        if hit is None:
            self.position = self.controller.feature_at(x, y)

    def press(self, event) -> bool:
        x, y = self.canvas.to_map(event.position())
        self._pick(x, y)
        if self.position is None:
            return True
        vertex = self._vertex_near(x, y)
        if event.button() == Qt.MouseButton.RightButton:
            if vertex is not None:
                self._commit(lambda g: G.delete_vertex(g, vertex))
            return True
        if event.button() == Qt.MouseButton.LeftButton:
            self.vertex = vertex
            if vertex is not None:
                self.cursor, self.snapped = (vertex.x, vertex.y), None
        self.canvas.update()
        return True

    def move(self, event) -> bool:
        if self.vertex is not None:
            # snap to everything but the vertex being dragged (it would hold on to itself)
            x, y = self.canvas.to_map(event.position())
            x, y, hit = self.controller.snap(x, y)
            if hit is not None and (hit.x, hit.y) == (self.vertex.x, self.vertex.y):
                x, y = self.canvas.to_map(event.position())
                hit = None
            self.cursor, self.snapped = (x, y), hit
            self.canvas.update()
            return True
        return super().move(event)

    def release(self, event) -> bool:
        if self.vertex is not None and self.cursor is not None:
            vertex, (x, y) = self.vertex, self.cursor
            self.vertex = None
            if (x, y) != (vertex.x, vertex.y):
                lx, ly = self._to_layer_xy(x, y)
                self._commit(lambda g: G.move_vertex(g, vertex, lx, ly))
            self.canvas.update()
        return True

    def double_click(self, event) -> bool:
        x, y = self.canvas.to_map(event.position())
        self._pick(x, y)
        if self.position is None:
            return True
        edge = G.nearest_edge(self._geom(), x, y, self.controller.tolerance())
        if edge is not None:
            after, ex, ey = edge
            lx, ly = self._to_layer_xy(ex, ey)
            self._commit(lambda g: G.insert_vertex(g, after, lx, ly))
        return True

    def key(self, event) -> bool:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.cursor:
            vertex = self._vertex_near(*self.cursor)
            if vertex is not None:
                self._commit(lambda g: G.delete_vertex(g, vertex))
                return True
        return False

    def _to_layer_xy(self, x: float, y: float) -> tuple[float, float]:
        import shapely

        p = self.controller.to_layer(shapely.Point(x, y))
        return p.x, p.y

    def _commit(self, edit) -> None:
        """Apply ``edit`` (a function of the feature's geometry in the layer's CRS; vertex
        addresses are the same in both CRS) through the session."""
        c = self.controller
        try:
            geom = edit(c.layer().gdf.geometry.iloc[self.position])
            c.session.change_geometry(c.layer_name, self.position, geom)
        except InputError as exc:
            c.refuse(exc)
        self.canvas.update()

    def paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.position is not None and self.controller.layer() is not None \
                and self.position < len(self.controller.layer().gdf):
            geom = self._geom()
            if self.vertex is not None and self.cursor is not None:
                with contextlib.suppress(InputError):  # an invalid result: show the old
                    geom = G.move_vertex(geom, self.vertex, *self.cursor)
                _outline(painter, self, geom)
            painter.setPen(QPen(HANDLE, 1.5))
            painter.setBrush(QColor("white"))
            for v in G.vertices(geom):
                p = self._px(v.x, v.y)
                painter.drawRect(QRectF(p.x() - 4, p.y() - 4, 8, 8))
        super().paint(painter)


class MoveTool(_Tool):
    """Drag a feature of the edited layer to move it."""

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.position: int | None = None
        self.start: tuple[float, float] | None = None

    def press(self, event) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return True
        x, y = self.canvas.to_map(event.position())
        self.position = self.controller.feature_at(x, y)
        self.start = (x, y) if self.position is not None else None
        self.cursor = (x, y)
        return True

    def release(self, event) -> bool:
        if self.start is None or self.cursor is None:
            return True
        import shapely

        c = self.controller
        a = c.to_layer(shapely.Point(*self.start))
        b = c.to_layer(shapely.Point(*self.cursor))
        if (a.x, a.y) != (b.x, b.y):
            c.session.move_features(c.layer_name, [self.position], b.x - a.x, b.y - a.y)
        self.start = None
        self.canvas.update()
        return True

    def paint(self, painter: QPainter) -> None:
        if self.start is not None and self.cursor is not None:
            geom = self.controller.map_geoms(self.controller.layer())[self.position]
            dx, dy = self.cursor[0] - self.start[0], self.cursor[1] - self.start[1]
            _outline(painter, self, G.move(geom, dx, dy))
        super().paint(painter)


def _outline(painter: QPainter, tool: _Tool, geom) -> None:
    """Dashed preview of a geometry being changed."""
    import shapely

    painter.setPen(QPen(SKETCH, 2, Qt.PenStyle.DashLine))
    painter.setBrush(QColor(227, 26, 28, 40))
    for part in shapely.get_parts(np.asarray([geom], dtype=object)):
        if part.geom_type == "Polygon":
            for ring in (part.exterior, *part.interiors):
                painter.drawPolygon(QPolygonF([tool._px(x, y) for x, y in ring.coords]))
        elif part.geom_type == "LineString":
            painter.drawPolyline(QPolygonF([tool._px(x, y) for x, y in part.coords]))
        else:
            painter.drawEllipse(tool._px(part.x, part.y), 5, 5)


class AttributesTool(_Tool):
    """Click a feature of the edited layer to open its attribute form."""

    def press(self, event) -> bool:
        if event.button() == Qt.MouseButton.LeftButton:
            x, y = self.canvas.to_map(event.position())
            c = self.controller
            position = c.feature_at(x, y)
            if position is not None:
                c.open_form(c.map_geoms(c.layer())[position], position)
        return True
