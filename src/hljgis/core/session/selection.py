"""The selection: which features of a vector layer are picked, kept on the layer and
announced by the session, so the map, the attribute table, the charts and the ranking
results follow one truth instead of being kept in step by hand.

Choosing features is not an edit of the project: it is not undoable (as in QGIS) and does
not mark the project unsaved (``layer.selection`` is a plain attribute, not a layer event).
"""

from __future__ import annotations

import numpy as np

from hljgis.core.session.base import SessionBase


class SelectionCommands(SessionBase):
    """Select features; every change is announced by ``events.selection_changed``."""

    def select(self, name: str, positions) -> np.ndarray:
        """Make ``positions`` (row positions in the layer's frame) the selection of vector
        layer ``name``; returns it sorted and without repeats.

        Emits ``selection_changed(name, positions)`` when the selection changed, so a view
        that passes on the selection it shows does not echo it back.

        Raises
        ------
        TypeError
            If ``name`` is a raster layer.
        IndexError
            If a position is outside the layer's rows.
        """
        layer = self._vector_layer(name)
        chosen = np.unique(np.asarray(positions, dtype=np.int64).ravel())
        if len(chosen) and (chosen[0] < 0 or chosen[-1] >= len(layer.gdf)):
            bad = int(chosen[0] if chosen[0] < 0 else chosen[-1])
            raise IndexError(f"layer '{name}' has {len(layer.gdf)} features; "
                             f"cannot select position {bad}")
        if np.array_equal(chosen, np.asarray(layer.selection, dtype=np.int64)):
            return chosen
        layer.selection = chosen
        self.events.selection_changed.emit(name, chosen.copy())
        return chosen

    def clear_selection(self, name: str) -> None:
        """Select nothing in layer ``name``."""
        self.select(name, [])

    def selected(self, name: str) -> np.ndarray:
        """The positions selected in layer ``name`` (a copy)."""
        return np.asarray(self._vector_layer(name).selection, dtype=np.int64).copy()
