"""Editing on the map: the edit toolbar, its controller and the canvas tools it plugs in.

The tools only turn mouse events into map coordinates; what an edit does is decided by
:mod:`hljgis.core.editing` and recorded by the Session's undoable commands.
"""
