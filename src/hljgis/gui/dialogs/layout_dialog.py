"""The print layout dialog is the layout composer now (:mod:`hljgis.gui.layout.composer`);
this name stays for callers and scripts that open it from here."""

from hljgis.gui.layout.composer import LayoutComposer as LayoutDialog

__all__ = ["LayoutDialog"]
