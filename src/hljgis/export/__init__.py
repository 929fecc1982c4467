"""Exports built on the renderer: print layouts, atlas, score cards, offline HTML maps."""
