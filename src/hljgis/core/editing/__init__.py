"""Editing vector layers without Qt: geometry operations, snapping, field schemas and the
rows a session command swaps in and out.

The GUI's map tools only collect clicks; everything that decides what a click does to a
feature lives here, so it is tested without a window and scripted the same way.
"""
