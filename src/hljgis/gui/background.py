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

from hljgis.gui.messages import translate_message


class Cancelled(Exception):
    """The planner cancelled the work."""


def _start_worker(func: Callable[[], Any],
                  name: str) -> tuple[dict[str, Any], threading.Event]:
    """Start ``func()`` in a daemon thread; its ``"value"`` or ``"error"`` lands in the dict
    (handed to the GUI thread, which re-raises the error), the event is set when it ends."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:  # handed to the GUI thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name=name, daemon=True).start()
    return outcome, done


def run_in_background(parent, label: str, func: Callable[[], Any], *,
                      show_after_ms: int = 400) -> Any:
    """Return ``func()``, computed in a worker thread; raise :class:`Cancelled` if the
    planner cancels, or re-raise the work's own exception."""
    outcome, done = _start_worker(func, "hljgis-work")
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


def run_with_progress(parent, label: str, func: Callable[[Callable[..., None]], Any], *,
                      show_after_ms: int = 400) -> Any:
    """Return ``func(progress)``, computed in a worker thread, with a progress bar.

    The work calls ``progress(fraction, message, cancellable=True)``. Cancel does not
    abandon the work (it would go on and write its file after all): it asks the work to stop,
    and the next ``progress`` call raises :class:`Cancelled` inside it. A phase that cannot
    stop half-way (writing the PDF) reports ``cancellable=False`` and the Cancel button is
    disabled until the end. Raises :class:`Cancelled` or the work's own exception.
    """
    state: dict[str, Any] = {"fraction": 0.0, "message": label, "cancellable": True}
    stop = threading.Event()

    def progress(fraction: float, message: str = "", cancellable: bool = True) -> None:
        if stop.is_set() and state["cancellable"]:
            raise Cancelled
        state.update(fraction=max(0.0, min(1.0, float(fraction))),
                     message=message or state["message"], cancellable=cancellable)

    outcome, done = _start_worker(lambda: func(progress), "hljgis-export")
    loop = QEventLoop()
    dialog = QProgressDialog(label, parent.tr("Cancel") if parent else "Cancel", 0, 1000,
                             parent)
    dialog.setWindowTitle("hljgis")
    dialog.setMinimumWidth(420)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.hide()
    QTimer.singleShot(show_after_ms, lambda: done.is_set() or dialog.show())
    from PySide6.QtWidgets import QPushButton

    button = dialog.findChild(QPushButton)

    def on_cancel() -> None:
        stop.set()
        dialog.setLabelText(parent.tr("Stopping...") if parent else "Stopping...")
        dialog.show()

    dialog.canceled.connect(on_cancel)

    def poll() -> None:
        if done.is_set():
            loop.quit()
            return
        dialog.setValue(int(state["fraction"] * 1000))
        if not stop.is_set():
            dialog.setLabelText(translate_message(state["message"]))  # core text: English
        if button is not None:
            button.setEnabled(bool(state["cancellable"]) and not stop.is_set())

    timer = QTimer(interval=50)
    timer.timeout.connect(poll)
    timer.start()
    if not done.is_set():
        loop.exec()
    timer.stop()
    dialog.reset()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    if stop.is_set() and "value" not in outcome:
        raise Cancelled
    return outcome.get("value")
