"""The desktop app's autosave: a Qt timer ticking the Qt-free :class:`~hljgis.io.autosave.
Autosaver`, whose outcome comes back to the GUI thread as a signal and a status message."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, QTimer, Signal

from hljgis.gui import actions as A
from hljgis.gui.messages import translate_message
from hljgis.io.autosave import INTERVAL_S, Autosaver


class AutosaveTimer(QObject):
    """Every ``interval_ms`` the window's project gets a recovery copy if it changed (a
    large project's with the picture it reopens with); a failure is shown in the window's
    status bar for ten seconds."""

    done = Signal(str)  # "" or the error message, from the autosave thread

    def __init__(self, window, interval_ms: int = INTERVAL_S * 1000) -> None:
        super().__init__(window)
        self.window = window
        from hljgis.gui.project_preview import autosave_preview_maker

        self.autosaver = Autosaver(window.session, on_done=self._emit,
                                   preview=autosave_preview_maker(window))
        self.done.connect(self._on_done)
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.autosaver.tick)
        self.timer.start()

    def _emit(self, message: str) -> None:
        with contextlib.suppress(RuntimeError):  # the window was closed meanwhile
            self.done.emit(message)

    def _on_done(self, message: str) -> None:
        if message:
            self.window.status.show(lambda: A.tr("Autosave failed") + ": " +
                                    translate_message(message), 10000)
