"""The session's core: its events, the open project's lifecycle and the undo plumbing the
command modules (layers, selection, planning, documents, editing) build on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from psygnal import Signal, SignalGroup

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.session.undo import Command, UndoStack


class SessionEvents(SignalGroup):
    """The session's events; :mod:`hljgis.core.session` documents each one."""

    project_changed = Signal(object)
    undo_changed = Signal()
    about_to_save = Signal()
    saved = Signal(object)
    planning_year_changed = Signal(int)
    selection_changed = Signal(str, object)


class SessionBase:
    """The open project plus the undo stack every command goes through."""

    def __init__(self, project: Project | None = None, *,
                 loader: Callable[[str | Path], Project] | None = None,
                 saver: Callable[[Project, str | Path], Path] | None = None) -> None:
        """``loader``/``saver`` read and write project files (``hljgis.io`` provides them;
        the core cannot import io, which sits above it)."""
        self.events = SessionEvents(self)
        self._loader = loader
        self._saver = saver
        self.project = project if project is not None else Project()  # an empty one is falsy
        self.undo_stack = UndoStack()

    # -- project lifecycle ---------------------------------------------------------------------
    def new_project(self) -> Project:
        return self.set_project(Project())

    def open_project(self, path: str | Path) -> Project:
        return self.set_project(self.load(path))

    def load(self, path: str | Path) -> Project:
        """Read a project without making it the session's (a GUI reads on a worker thread,
        then calls :meth:`set_project`)."""
        if self._loader is None:
            raise RuntimeError("this session was created without a project loader")
        return self._loader(path)

    def save_project(self, path: str | Path | None = None) -> Path:
        self.events.about_to_save.emit()
        written = self.write_project(path)
        self.events.saved.emit(written)
        return written

    def write_project(self, path: str | Path | None = None) -> Path:
        """Write the project file only, with no event: a GUI may run this on a worker thread
        and emit ``about_to_save`` and ``saved`` on its own thread (their handlers touch
        widgets)."""
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
    def _vector_layer(self, name: str) -> VectorLayer:
        """The vector layer ``name``; a raster's features cannot be changed."""
        layer = self.project.layer(name)
        if not isinstance(layer, VectorLayer):
            raise TypeError(f"layer '{name}' is not a vector layer: its features cannot change")
        return layer

    def _push(self, text: str, do: Callable[[], object], undo: Callable[[], object]) -> None:
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
