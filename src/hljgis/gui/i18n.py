"""Simplified Chinese / English for the GUI through Qt's own translation machinery.

Widgets call ``self.tr("English")``. Instead of compiled ``.qm`` files (which need Qt's
lrelease at build time), a :class:`CatalogueTranslator` serves the JSON catalogues in
``resources/i18n/zh_CN*.json`` ({"English": "中文"}). Switching language installs or removes
it; Qt then sends every widget a LanguageChange event and each one re-reads its texts.
"""

from __future__ import annotations

import json
from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QTranslator

from hljgis.core.text import is_zh
from hljgis.io.bundled import resources_dir

LANGUAGES = {"en": "English", "zh": "简体中文"}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """All zh_CN catalogues merged (English source text -> Chinese)."""
    merged: dict[str, str] = {}
    for path in sorted((resources_dir() / "i18n").glob("zh_CN*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


class CatalogueTranslator(QTranslator):
    """A QTranslator answering from the JSON catalogue, whatever the context."""

    def __init__(self, entries: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self._entries = entries

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401
        # None (not "") means "no translation": Qt then keeps its own text
        return self._entries.get(source_text)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return not self._entries


_installed: CatalogueTranslator | None = None
_qt_own: QTranslator | None = None


def set_language(lang: str) -> str:
    """Switch the running application to ``lang`` ("zh" or "en"); returns it."""
    global _installed, _qt_own
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before setting the language")
    for translator in (_installed, _qt_own):
        if translator is not None:
            app.removeTranslator(translator)
    _installed = _qt_own = None
    if is_zh(lang):
        # Qt's own dialogs (file, colour, standard buttons) from the translations PySide6
        # ships, then ours on top
        from PySide6.QtCore import QLibraryInfo

        qt_own = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load("qtbase_zh_CN", folder):
            app.installTranslator(qt_own)
            _qt_own = qt_own
        _installed = CatalogueTranslator(catalogue(), app)
        app.installTranslator(_installed)
    return lang


def current_language() -> str:
    return "zh" if _installed is not None else "en"


def tr(text: str) -> str:
    """Translate outside a QObject (e.g. in a model's headerData)."""
    return QCoreApplication.translate("hljgis", text)
