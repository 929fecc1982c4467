"""Dialogs of the desktop app (layer style, ...)."""
