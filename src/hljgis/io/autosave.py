"""Autosave driven by the session: a recovery copy of the open project, written off-thread.

:class:`Autosaver` listens to a :class:`~hljgis.core.session.Session` and counts the
changes it announces (every command, undo and redo, and every project event, such as a
scenario draft's edit). Each :meth:`Autosaver.tick` (a GUI timer calls it every two
minutes) writes the recovery copy through :func:`hljgis.io.recovery.autosave` on a Python
thread when the project is unsaved and changed since the last copy; a project holding a
million-cell ranking takes seconds to write, which froze the window when written on its
thread. The outcome ("" or the error message) goes to ``on_done``, called on the worker
thread: a GUI passes it on to its own thread (a queued signal) before touching a widget.

The copy never touches the planner's file, its path or its unsaved state (see
:mod:`hljgis.io.recovery`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from hljgis.core.project import Project
from hljgis.io import recovery
from hljgis.io.project_preview import PreviewMaker

if TYPE_CHECKING:
    from hljgis.core.session import Session

#: How often the desktop app writes the copy.
INTERVAL_S = 120


class Autosaver:
    """Writes a recovery copy of ``session``'s project when :meth:`tick` finds it due.

    Parameters
    ----------
    session : hljgis.core.session.Session
        The session whose project is copied; its events tell what changed.
    on_done : callable, optional
        Called with "" after a copy was written, or with the error message when writing
        (or storing an editor's pending edits first) failed.
    write : callable, optional
        ``write(project)`` writes the copy; :func:`hljgis.io.recovery.autosave` by default
        (looked up at each write, so a test may replace it).
    preview : callable, optional
        Draws the picture of a large project's home view that the copy keeps (passed to
        :func:`hljgis.io.recovery.autosave`; called on the autosave thread).

    Examples
    --------
    >>> saver = Autosaver(session, on_done=print)  # doctest: +SKIP
    >>> session.set_layer_property("roads", "visible", False)  # doctest: +SKIP
    >>> saver.tick() and saver.wait()  # doctest: +SKIP
    """

    def __init__(self, session: Session, *, on_done: Callable[[str], None] | None = None,
                 write: Callable[[Project], object] | None = None,
                 preview: PreviewMaker | None = None) -> None:
        self.session = session
        self.on_done = on_done
        self._write = write
        self.preview = preview
        self._thread: threading.Thread | None = None
        self._changes = 0  # changes announced so far
        self._copied = 0  # how many of them the last copy written holds
        self._project: Project | None = None
        session.events.project_changed.connect(self._on_project_changed)
        session.events.undo_changed.connect(self._on_changed)
        self._on_project_changed(session.project)

    # -- what changed ----------------------------------------------------------------------------
    def _project_signals(self, project: Project) -> list:
        e = project.events
        return [e.changed, e.layer_added, e.layer_removed, e.layers_reordered]

    def _on_project_changed(self, project: Project) -> None:
        if self._project is not None:
            for signal in self._project_signals(self._project):
                signal.disconnect(self._on_changed)
        self._project = project
        for signal in self._project_signals(project):
            signal.connect(self._on_changed)
        self._on_changed()  # a recovered project is unsaved before any edit

    def _on_changed(self, *_args) -> None:
        self._changes += 1

    # -- writing ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A copy is being written."""
        return self._thread is not None and self._thread.is_alive()

    def due(self) -> bool:
        """The project is unsaved, has layers, and changed since the last copy."""
        project = self.session.project
        return bool(project.dirty and len(project) and self._changes != self._copied)

    def tick(self) -> bool:
        """Start writing the copy if it is due and no copy is being written; returns whether
        a write started. As Save does, ``about_to_save`` first lets an editor holding unsaved
        edits (the ranking dock's draft) store them; if that fails the copy is still written,
        without them, and the error is reported."""
        if self.busy or not self.due():
            return False
        try:
            self.session.events.about_to_save.emit()
        except Exception as exc:  # noqa: BLE001 - reported, the copy is still written
            # psygnal wraps a handler's error in a long emit-loop report: pass on the cause
            self._report(str(exc.__cause__ or exc))
        project, mark = self.session.project, self._changes
        write = self._write or partial(recovery.autosave, preview=self.preview)

        def work() -> None:
            try:
                write(project)
            except Exception as exc:  # noqa: BLE001 - reported through on_done
                self._report(str(exc))
                return
            self._copied = mark
            self._report("")

        self._thread = threading.Thread(target=work, name="hljgis-autosave", daemon=True)
        self._thread.start()
        return True

    def _report(self, message: str) -> None:
        if self.on_done is not None:
            self.on_done(message)

    def wait(self, timeout: float | None = None) -> None:
        """Let a running write finish (before the copy is deleted, or the app exits)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def discard(self) -> None:
        """The project was saved or closed: wait for a running write (or it would write the
        copy again afterwards), then delete the copy."""
        self.wait()
        recovery.discard()
        self._copied = self._changes

    def close(self) -> None:
        """Stop following the session (its project stays as it is)."""
        self.wait()
        self.session.events.project_changed.disconnect(self._on_project_changed)
        self.session.events.undo_changed.disconnect(self._on_changed)
        if self._project is not None:
            for signal in self._project_signals(self._project):
                signal.disconnect(self._on_changed)
            self._project = None
