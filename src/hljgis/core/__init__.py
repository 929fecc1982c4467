"""The Qt-free core: layers, project, CRS helpers, errors. Never imports Qt."""
