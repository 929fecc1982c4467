"""Kept so ``from hljgis.gui.dialogs.style_dialog import StyleDialog`` still works; the dialog
lives in :mod:`hljgis.gui.dialogs.style`."""

from __future__ import annotations

from hljgis.core.style.draft import primary_key
from hljgis.gui.dialogs.style import ColorButton, StyleDialog, SymbolEditor, symbol_pixmap

__all__ = ["ColorButton", "StyleDialog", "SymbolEditor", "primary_key", "symbol_pixmap"]
