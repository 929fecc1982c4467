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
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from hljgis.core.errors import InputError
    from hljgis.gui.main_window import MainWindow
    from hljgis.gui.project_preview import open_when_started
    from hljgis.io import recovery
    from hljgis.io.bundled import bundled_project_path
    from hljgis.io.project_file import load_project

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hljgis")
    app.setOrganizationName("hljgis")
    use_bundled_font(app, first=bool(screenshot))
    lang = lang or QSettings().value("language") or _system_lang()
    window = MainWindow(lang=lang)
    recovery.start()  # this app's recovery lock; temporaries of killed saves go
    path = Path(project) if project else bundled_project_path()
    try:
        if not screenshot and recovery.pending_recovery() is not None and _ask_recover(window):
            window.session.set_project(recovery.recover())
        elif path.exists() and not screenshot and open_when_started(window, path):
            pass  # a large project: its saved picture at once, the layers read meanwhile
        elif path.exists():
            window.session.set_project(load_project(path))
        elif project:
            raise InputError(f"{path} does not exist.", "Check the path of the project file.")
    except InputError as exc:
        if screenshot:
            print(f"hljgis: error: {exc}", file=sys.stderr)
            return 2
        QMessageBox.warning(window, "hljgis", str(exc))
    width, height = (int(v) for v in size.lower().split("x"))
    from hljgis.gui.window_layout import fit_to_screen, restore_layout

    if screenshot:
        window.resize(width, height)  # offscreen: the size asked for, whatever the "screen"
        window.fit_layer_panel()
    elif not restore_layout(window):  # a saved layout keeps the planner's own dock widths
        fit_to_screen(window, width, height)
        window.fit_layer_panel()
    if screenshot:
        window.grab_screenshot(screenshot)
        window.session.project.dirty = False  # nothing to ask about
        window.close()
        window.deleteLater()
        app.processEvents()
        return 0
    window.show()
    return app.exec()


def use_bundled_font(app, first: bool = False) -> None:
    """Make the bundled CJK font a fallback of the UI font, so Chinese menus render on a
    machine with no Chinese fonts. ``first`` puts it first (offscreen screenshots, where Qt
    has no system fonts at all)."""
    from hljgis.render.fonts import ensure_fonts

    family = ensure_fonts()
    font = app.font()
    families = [f for f in font.families() if f != family]
    font.setFamilies([family, *families] if first else [*families, family])
    app.setFont(font)


def _ask_recover(window) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        window, window.tr("Recover unsaved work?"),
        window.tr("hljgis did not close properly last time. Restore the project as it was "
                  "at the last autosave?"))
    if answer == QMessageBox.StandardButton.Yes:
        return True
    from hljgis.io import recovery

    recovery.discard()
    return False


def _system_lang() -> str:
    from PySide6.QtCore import QLocale

    return "zh" if QLocale.system().language() == QLocale.Language.Chinese else "en"
