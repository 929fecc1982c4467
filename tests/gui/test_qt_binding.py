"""Guards against known-bad Qt bindings (see the PySide6 pin in pyproject.toml)."""

import sys


def test_process_events_keeps_none_refcount(qapp):
    """PySide6 6.12.0 drops a reference to None on every processEvents() call, which
    aborts the interpreter once None's count reaches zero (a real crash in the canvas)."""
    qapp.processEvents()
    before = sys.getrefcount(None)
    for _ in range(2000):
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 50
