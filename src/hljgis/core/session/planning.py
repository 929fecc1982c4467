"""The planning-year command: every subsidence layer's status and style classes follow the
project's year, undoably (issue #13)."""

from __future__ import annotations

import copy

from hljgis.core.session.base import SessionBase


class PlanningCommands(SessionBase):
    """Set the project's planning year."""

    def set_planning_year(self, year: int) -> None:
        """Make ``year`` the project's planning year (issue #13): every subsidence layer's
        ``status`` and style classes follow it. Undo restores the old year, statuses and
        styles exactly; both ways mark the project unsaved and redraw the map, legend and
        attribute table (each layer emits ``data`` and ``style``)."""
        from hljgis.core.subsidence import apply_planning_year, planning_year

        project = self.project
        year = int(year)
        meta = project.metadata
        had_year, old_year = "planning_year" in meta, meta.get("planning_year")
        if had_year and planning_year(project) == year:
            return
        layers = _subsidence_layers(project)
        before = [(layer, _status_copy(layer), copy.deepcopy(layer.style)) for layer in layers]

        def announce() -> None:
            for layer in layers:
                layer.events.data.emit()
            project.events.changed.emit("metadata:planning_year")
            self.events.planning_year_changed.emit(planning_year(project))

        def do() -> None:
            apply_planning_year(project, year)
            announce()

        def undo() -> None:
            if had_year:
                meta["planning_year"] = old_year
            else:
                meta.pop("planning_year", None)
            for layer, status, style in before:
                if status is None:
                    layer.gdf.drop(columns="status", inplace=True, errors="ignore")
                else:
                    layer.gdf["status"] = status
                layer.style = style
            announce()

        self._push(f"Set planning year {year}", do, undo)


def _subsidence_layers(project) -> list:
    """The vector layers the subsidence rule restyles."""
    from hljgis.core.subsidence import SCHEMA

    return [layer for layer in project.layers
            if layer.kind == "vector" and getattr(layer, "schema", None) == SCHEMA]


def _status_copy(layer):
    """A copy of a layer's ``status`` column (None when it has none), for an exact undo."""
    gdf = layer.gdf
    return gdf["status"].copy() if "status" in gdf.columns else None

