"""A Qt-free session: the project being edited, its undo stack, and every user action.

The GUI calls these methods and nothing else changes the project, so every action can be
undone, tested without Qt, and scripted.

Events (``session.events``)
---------------------------
project_changed(project) : a new project was opened or created.
undo_changed() : the undo/redo availability or texts changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from psygnal import Signal, SignalGroup

from hljgis.core.layer import Layer
from hljgis.core.project import Project


@dataclass
class Command:
    """One undoable change: ``do`` applies it, ``undo`` reverts it exactly."""

    text: str
    do: Callable[[], None]
    undo: Callable[[], None]


@dataclass
class UndoStack:
    """Commands done so far, and the ones undone that can be redone."""

    done: list[Command] = field(default_factory=list)
    undone: list[Command] = field(default_factory=list)
    limit: int = 200

    def push(self, command: Command) -> None:
        command.do()
        self.done.append(command)
        del self.done[: -self.limit]
        self.undone.clear()

    def undo(self) -> str | None:
        if not self.done:
            return None
        command = self.done.pop()
        command.undo()
        self.undone.append(command)
        return command.text

    def redo(self) -> str | None:
        if not self.undone:
            return None
        command = self.undone.pop()
        command.do()
        self.done.append(command)
        return command.text

    def clear(self) -> None:
        self.done.clear()
        self.undone.clear()

    @property
    def undo_text(self) -> str | None:
        return self.done[-1].text if self.done else None

    @property
    def redo_text(self) -> str | None:
        return self.undone[-1].text if self.undone else None


def raster_slot(project: Project) -> int:
    """Where a new raster layer goes: above the rasters already there, under every vector
    layer. Appended on top, an added GeoTIFF covered the whole map although the layer panel
    listed it in the base-map group at the bottom."""
    for i, layer in enumerate(project.layers):
        if layer.kind != "raster":
            return i
    return len(project.layers)


class SessionEvents(SignalGroup):
    project_changed = Signal(object)
    undo_changed = Signal()


class Session:
    """The open project plus undoable actions on it."""

    def __init__(self, project: Project | None = None, *,
                 loader: Callable[[str | Path], Project] | None = None,
                 saver: Callable[[Project, str | Path], Path] | None = None) -> None:
        """``loader``/``saver`` read and write project files (``hljgis.io`` provides them;
        the core cannot import io, which sits above it)."""
        self.events = SessionEvents(self)
        self._loader = loader
        self._saver = saver
        self.project = project or Project()
        self.undo_stack = UndoStack()

    # -- project lifecycle ---------------------------------------------------------------------
    def new_project(self) -> Project:
        return self.set_project(Project())

    def open_project(self, path: str | Path) -> Project:
        if self._loader is None:
            raise RuntimeError("this session was created without a project loader")
        return self.set_project(self._loader(path))

    def save_project(self, path: str | Path | None = None) -> Path:
        if self._saver is None:
            raise RuntimeError("this session was created without a project saver")
        target = path or self.project.path
        if target is None:
            raise ValueError("the project has no file yet: give a path (Save As)")
        return self._saver(self.project, target)

    def set_project(self, project: Project) -> Project:
        self.project = project
        self.undo_stack.clear()
        self.events.project_changed.emit(project)
        self.events.undo_changed.emit()
        return project

    # -- undoable layer actions ----------------------------------------------------------------
    def _push(self, text: str, do: Callable[[], None], undo: Callable[[], None]) -> None:
        self.undo_stack.push(Command(text, do, undo))
        self.events.undo_changed.emit()

    def undo(self) -> str | None:
        text = self.undo_stack.undo()
        self.events.undo_changed.emit()
        return text

    def redo(self) -> str | None:
        text = self.undo_stack.redo()
        self.events.undo_changed.emit()
        return text

    def add_layers(self, layers: list[Layer]) -> None:
        project = self.project

        def do() -> None:
            for layer in layers:
                project.add_layer(layer, raster_slot(project) if layer.kind == "raster"
                                  else None)

        def undo() -> None:
            for layer in reversed(layers):
                project.remove_layer(layer.name)

        names = ", ".join(layer.title for layer in layers)
        self._push(f"Add {names}", do, undo)

    def remove_layer(self, name: str) -> None:
        project = self.project
        layer = project.layer(name)
        index = project.layers.index(layer)
        self._push(f"Remove {layer.title}", lambda: project.remove_layer(name),
                   lambda: project.add_layer(layer, index))

    def move_layer(self, name: str, index: int) -> None:
        project = self.project
        old = project.layer_names().index(name)
        if old == index:
            return
        self._push("Reorder layers", lambda: project.move_layer(name, index),
                   lambda: project.move_layer(name, old))

    def record_property_change(self, name: str, prop: str, old, new) -> None:
        """Record a change a dialog has already applied, so it can be undone."""
        layer = self.project.layer(name)
        self._push(f"Change {prop} of {layer.title}", lambda: setattr(layer, prop, new),
                   lambda: setattr(layer, prop, old))

    def set_layer_property(self, name: str, prop: str, value) -> None:
        """Change ``visible``, ``opacity``, ``title``, ``style`` or ``provenance`` undoably."""
        if prop not in ("visible", "opacity", "title", "title_zh", "style", "provenance", "theme"):
            raise ValueError(f"{prop!r} is not a layer property the session changes")
        layer = self.project.layer(name)
        old = getattr(layer, prop)
        if old == value:
            return
        self._push(f"Change {prop} of {layer.title}", lambda: setattr(layer, prop, value),
                   lambda: setattr(layer, prop, old))

    def replace_layer_data(self, name: str, gdf, provenance: dict | None = None) -> None:
        """Swap a vector layer's features (and its provenance) in one undoable step, e.g.
        the bureau's survey in place of an illustrative stand-in."""
        layer = self.project.layer(name)
        old_gdf, old_prov = layer.gdf, dict(layer.provenance)
        new_prov = dict(provenance) if provenance is not None else old_prov

        def do() -> None:
            layer.set_data(gdf)
            layer.provenance = new_prov

        def undo() -> None:
            layer.set_data(old_gdf)
            layer.provenance = old_prov

        self._push(f"Replace data of {layer.title}", do, undo)
