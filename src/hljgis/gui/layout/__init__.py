"""The print layout composer: layers, extent, legend, titles, templates and a live preview."""
