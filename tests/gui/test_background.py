"""Slow work off the GUI thread: result, error, cancel."""

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from hljgis.gui.background import Cancelled, run_in_background


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_result_comes_back_and_work_ran_on_another_thread(parent):
    main = threading.get_ident()
    assert run_in_background(parent, "x", lambda: threading.get_ident()) != main


def test_errors_are_raised_in_the_gui_thread(parent):
    def boom():
        raise ValueError("corrupt file")

    with pytest.raises(ValueError, match="corrupt file"):
        run_in_background(parent, "x", boom)


def test_cancel_returns_at_once_while_work_goes_on(parent):
    from PySide6.QtWidgets import QProgressDialog

    release = threading.Event()

    def slow():
        release.wait(10)
        return 1

    def press_cancel():
        dialogs = parent.findChildren(QProgressDialog)
        assert dialogs and dialogs[0].isVisible()
        dialogs[0].cancel()

    QTimer.singleShot(700, press_cancel)  # after the dialog has appeared (400 ms)
    start = time.monotonic()
    with pytest.raises(Cancelled):
        run_in_background(parent, "reading a huge file", slow)
    assert time.monotonic() - start < 5
    release.set()
