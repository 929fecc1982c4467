"""Qt widgets of the desktop app (map canvas, layer panel, attribute table, charts, ...)."""
