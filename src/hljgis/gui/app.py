"""Start the desktop app: QApplication, language, the project to open, optional screenshot."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def run_app(project: str | None = None, lang: str | None = None,
            screenshot: str | None = None, size: str = "1600x1000") -> int:
    """Open the main window on ``project`` (the bundled project by default).

    With ``screenshot`` the window is built offscreen, fully rendered, saved as PNG and the
    app exits 0 without showing anything (for docs, tests and review).
    """
    if screenshot and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication, QMessageBox

    from hljgis.core.errors import InputError
    from hljgis.gui.main_window import MainWindow
    from hljgis.io.bundled import bundled_project_path
    from hljgis.io.project_file import load_project

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hljgis")
    app.setOrganizationName("hljgis")
    path = Path(project) if project else bundled_project_path()
    window = MainWindow(lang=lang or _system_lang())
    try:
        if path.exists():
            window.set_project(load_project(path))
    except InputError as exc:
        if screenshot:
            print(f"hljgis: error: {exc}", file=sys.stderr)
            return 2
        QMessageBox.warning(window, "hljgis", str(exc))
    width, height = (int(v) for v in size.lower().split("x"))
    window.resize(width, height)
    if screenshot:
        window.grab_screenshot(screenshot)
        return 0
    window.show()
    return app.exec()


def _system_lang() -> str:
    from PySide6.QtCore import QLocale

    return "zh" if QLocale.system().language() == QLocale.Language.Chinese else "en"
