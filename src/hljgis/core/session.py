"""A Qt-free session: the project being edited, its undo stack, and every user action.

The GUI calls these methods and nothing else changes the project, so every action can be
undone, tested without Qt, and scripted.

Events (``session.events``)
---------------------------
project_changed(project) : a new project was opened or created.
undo_changed() : the undo/redo availability or texts changed.
about_to_save() : a save is starting; an editor holding unsaved edits (the scenario
    builder's draft) stores them in the project now, so the file has them.
saved(path) : the project was written; an editor whose edits could not be stored marks the
    project unsaved again.
"""

from __future__ import annotations

import copy
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


class SessionEvents(SignalGroup):
    project_changed = Signal(object)
    undo_changed = Signal()
    about_to_save = Signal()
    saved = Signal(object)


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
        self.events.about_to_save.emit()
        written = self._saver(self.project, target)
        self.events.saved.emit(written)
        return written

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
                project.add_layer(layer)

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
    # -- scenarios -----------------------------------------------------------------------------
    def store_scenario(self, name: str, scenario: dict, text: str | None = None) -> None:
        """Store (or replace) the project's scenario ``name`` undoably; undo restores the
        previous one, or removes it if it is new. ``scenario`` is its plain dict."""
        project = self.project
        old = copy.deepcopy(project.scenarios.get(name))
        new = copy.deepcopy(scenario)
        if old == new:
            return

        def undo() -> None:
            if old is None:
                project.scenarios.pop(name, None)
                project.events.changed.emit(f"scenario:{name}")
            else:
                project.set_scenario(name, old)

        self._push(text or f"Save scenario {name}", lambda: project.set_scenario(name, new),
                   undo)

    def store_draft(self, draft, name: str | None = None) -> str:
        """Store a scenario draft in the project under ``name`` (its own name by default)
        and remember it as the scenario the ranking dock shows on opening.

        Raises
        ------
        ScenarioError
            If the draft is not a valid scenario yet (the message names the field); the
            project is left as it was.
        """
        name = name or draft.name
        data = draft.to_scenario().to_dict()
        data["name"] = name
        self.store_scenario(name, data)
        self.project.metadata["ranking_scenario"] = name
        draft.mark_stored()
        return name

    def remove_scenario(self, name: str) -> None:
        """Remove the project's scenario ``name`` undoably."""
        project = self.project
        old = copy.deepcopy(project.scenarios[name])

        def do() -> None:
            project.scenarios.pop(name, None)
            project.events.changed.emit(f"scenario:{name}")

        self._push(f"Remove scenario {name}", do, lambda: project.set_scenario(name, old))

    def record_draft_edit(self, draft, text: str, before: dict, after: dict) -> None:
        """Record an edit a scenario draft has already applied (its ``edited`` event):
        undo and redo restore the draft's snapshots, and either marks the project unsaved,
        since a save stores the draft (see ``about_to_save``)."""
        project = self.project

        def put(state: dict) -> Callable[[], None]:
            def apply() -> None:
                draft.restore(state)
                project.events.changed.emit("scenario-draft")
            return apply

        first = [True]
        redo = put(after)

        def do() -> None:  # the edit is already applied the first time
            if first[0]:
                first[0] = False
                project.events.changed.emit("scenario-draft")
                return
            redo()

        self._push(text, do, put(before))

    def track_draft(self, draft) -> Callable[[], None]:
        """Record every edit of ``draft`` on the undo stack; returns the call that stops."""
        def on_edited(text: str, before: dict, after: dict) -> None:
            self.record_draft_edit(draft, text, before, after)

        draft.events.edited.connect(on_edited)
        return lambda: draft.events.edited.disconnect(on_edited)
