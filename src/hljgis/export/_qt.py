"""A QGuiApplication on demand, so exports run headless from the CLI or a script.

Exports paint with QtGui only; fonts need a Gui application. When none exists (the CLI,
a batch script) one is created on the offscreen platform, so no display is needed.
"""

from __future__ import annotations

import os

_APP: list = []


def ensure_gui_app():
    """Return the running QGuiApplication, creating an offscreen one if there is none."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["hljgis-export"])
        _APP.append(app)  # keep a reference for the life of the process
    return app
