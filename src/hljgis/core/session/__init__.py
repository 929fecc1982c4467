"""A Qt-free session: the project being edited, its undo stack, and every user action.

The GUI calls these methods and nothing else changes the project, so every action can be
undone, tested without Qt, and scripted. The commands live by subject in this package:
:mod:`~hljgis.core.session.layers` (add, remove, order, visibility, title, style with
opacity, data), :mod:`~hljgis.core.session.selection`, :mod:`~hljgis.core.session.planning`,
:mod:`~hljgis.core.session.documents` (scenarios, drafts, print layouts) and
:mod:`~hljgis.core.session.editing` (features); :mod:`~hljgis.core.session.undo` holds the
command and the stack.

Events (``session.events``)
---------------------------
project_changed(project) : a new project was opened or created.
undo_changed() : a command was done, undone or redone (the undo/redo texts changed).
about_to_save() : a save is starting; an editor holding unsaved edits (the scenario
    builder's draft) stores them in the project now, so the file has them.
saved(path) : the project was written; an editor whose edits could not be stored marks the
    project unsaved again.
planning_year_changed(year) : the project's planning year changed (set, undone or redone);
    the subsidence layers' status and style classes already follow it.
selection_changed(name, positions) : the selected features of layer ``name`` changed
    (sorted row positions); the map, attribute table, charts and ranking results follow it.
"""

from __future__ import annotations

from hljgis.core.session.base import SessionEvents
from hljgis.core.session.documents import DocumentCommands
from hljgis.core.session.editing import EditCommands
from hljgis.core.session.layers import LayerCommands, raster_slot
from hljgis.core.session.planning import PlanningCommands
from hljgis.core.session.selection import SelectionCommands
from hljgis.core.session.undo import Command, UndoStack


class Session(EditCommands, SelectionCommands, PlanningCommands, DocumentCommands,
              LayerCommands):
    """The open project plus undoable actions on it."""


__all__ = ["Command", "Session", "SessionEvents", "UndoStack", "raster_slot"]
