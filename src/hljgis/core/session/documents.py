"""Undoable commands on the project's documents: ranking scenarios (and the draft being
edited in the ranking dock) and print layouts."""

from __future__ import annotations

import copy
from collections.abc import Callable

from hljgis.core.session.base import SessionBase


class DocumentCommands(SessionBase):
    """Store and remove scenarios and layouts; record a scenario draft's edits."""

    # -- scenarios -----------------------------------------------------------------------------
    def store_scenario(self, name: str, scenario: dict, text: str | None = None, *,
                       remember: bool = False) -> None:
        """Store (or replace) the project's scenario ``name`` undoably; undo restores the
        previous one, or removes it if it is new. ``scenario`` is its plain dict. With
        ``remember`` the ranking dock opens on it next time (undone with the store)."""
        project = self.project
        old = copy.deepcopy(project.scenarios.get(name))
        new = copy.deepcopy(scenario)
        shown_before = project.metadata.get("ranking_scenario")
        shown_after = name if remember else shown_before
        if old == new:
            if shown_after != shown_before:  # a view preference, not an edit to undo
                project.metadata["ranking_scenario"] = shown_after
            return

        def show(value) -> None:
            if value is None:
                project.metadata.pop("ranking_scenario", None)
            else:
                project.metadata["ranking_scenario"] = value

        def do() -> None:
            project.set_scenario(name, new)
            show(shown_after)

        def undo() -> None:
            if old is None:
                project.scenarios.pop(name, None)
                project.events.changed.emit(f"scenario:{name}")
            else:
                project.set_scenario(name, old)
            show(shown_before)

        self._push(text or f"Save scenario {name}", do, undo)

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
        self.store_scenario(name, data, remember=True)
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

    # -- print layouts -------------------------------------------------------------------------
    def store_layout(self, name: str, layout: dict) -> None:
        """Store (or replace) the project's print layout ``name`` undoably (a composer
        template); undo restores the previous one, or removes it if it is new."""
        project = self.project
        old = copy.deepcopy(project.layouts.get(name))
        new = copy.deepcopy(layout)
        if old == new:
            return

        def undo() -> None:
            if old is None:
                project.layouts.pop(name, None)
                project.events.changed.emit(f"layout:{name}")
            else:
                project.set_layout(name, old)

        self._push(f"Save layout {name}", lambda: project.set_layout(name, new), undo)

    def remove_layout(self, name: str) -> None:
        """Remove the project's print layout ``name`` undoably."""
        project = self.project
        old = copy.deepcopy(project.layouts[name])

        def do() -> None:
            project.layouts.pop(name, None)
            project.events.changed.emit(f"layout:{name}")

        self._push(f"Remove layout {name}", do, lambda: project.set_layout(name, old))

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
