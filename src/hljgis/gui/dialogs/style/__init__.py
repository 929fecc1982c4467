"""The vector style dialog, one module per part: :mod:`~.dialog` (assembly, preview, Apply),
:mod:`~.single_page`, :mod:`~.categorized_page`, :mod:`~.graduated_page`, :mod:`~.labels_page`,
:mod:`~.class_models` (item models over the draft's classes), :mod:`~.class_table`,
:mod:`~.symbol_editor` and :mod:`~.widgets` (colour button, swatches, ramp icons).

Every page binds to one :class:`hljgis.core.style.draft.StyleDraft`; nothing here keeps a
second copy of the style.
"""

from __future__ import annotations

from hljgis.gui.dialogs.style.dialog import StyleDialog
from hljgis.gui.dialogs.style.symbol_editor import SymbolEditor
from hljgis.gui.dialogs.style.widgets import ColorButton, symbol_pixmap

__all__ = ["ColorButton", "StyleDialog", "SymbolEditor", "symbol_pixmap"]
