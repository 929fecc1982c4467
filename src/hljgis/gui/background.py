"""Run slow work (reading a huge file, ...) off the GUI thread, with progress and cancel.

The work runs in a plain Python thread (a Qt pool thread would lose pyproj's thread-local
PROJ context between jobs). The caller waits in a local event loop, so the window keeps
painting; after a short delay a progress dialog with a Cancel button appears. Cancelling
returns at once and the result, when it comes, is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QProgressDialog


class Cancelled(Exception):
    """The planner cancelled the work."""


def run_in_background(parent, label: str, func: Callable[[], Any], *,
                      show_after_ms: int = 400) -> Any:
    """Return ``func()``, computed in a worker thread; raise :class:`Cancelled` if the
    planner cancels, or re-raise the work's own exception."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:  # handed to the GUI thread below
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="hljgis-work", daemon=True).start()
    loop = QEventLoop()
    dialog = QProgressDialog(label, parent.tr("Cancel") if parent else "Cancel", 0, 0, parent)
    dialog.setWindowTitle("hljgis")
    dialog.setAutoClose(False)
    dialog.hide()  # shown only if the work is not done quickly
    QTimer.singleShot(show_after_ms, lambda: done.is_set() or dialog.show())
    dialog.canceled.connect(loop.quit)
    poll = QTimer(interval=30)
    poll.timeout.connect(lambda: (done.is_set() or dialog.wasCanceled()) and loop.quit())
    poll.start()
    if not done.is_set():
        loop.exec()
    poll.stop()
    cancelled = dialog.wasCanceled() and not done.is_set()
    dialog.reset()
    dialog.deleteLater()
    if cancelled:
        raise Cancelled
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
