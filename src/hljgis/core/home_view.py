"""The project's home view: what a map shows right after the project opens.

The map canvas zooms there on opening, and the picture a project file keeps of itself
(:mod:`hljgis.io.project_preview`) is drawn there, so the picture shown while a large
project loads covers what the first rendered frame will.
"""

from __future__ import annotations

import numpy as np

from hljgis.core.crs import CGCS2000, transform_bounds

Extent = tuple[float, float, float, float]

#: The canvas leaves this share of the extent as a margin around the home view.
HOME_PAD = 0.03


def pad_extent(extent: Extent, fraction: float) -> Extent:
    """``extent`` grown by ``fraction`` of its size on every side (a point by 0.01)."""
    minx, miny, maxx, maxy = extent
    dx = (maxx - minx) * fraction or 0.01
    dy = (maxy - miny) * fraction or 0.01
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


def full_view_extent(project) -> Extent | None:
    """The project's "full extent": its city outlines (the four coal cities in the bundled
    project), else its study area (home bookmark), in the project CRS."""
    cities = [layer for layer in project.layers if layer.kind == "vector"
              and getattr(layer, "schema", None) == "cities" and layer.feature_count]
    boxes = [transform_bounds(layer.bounds, layer.crs, project.crs) for layer in cities]
    if not boxes:
        area = project.study_area()
        return None if area is None else transform_bounds(area, CGCS2000, project.crs)
    b = np.asarray(boxes, dtype=float)
    return (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())


def home_extent(project) -> Extent | None:
    """The extent a canvas asks for right after opening ``project`` (its full view with
    the canvas's margin), else the union of its visible vector layers; None when empty."""
    extent = full_view_extent(project)
    if extent is None:
        boxes = [transform_bounds(layer.bounds, layer.crs, project.crs)
                 for layer in project.layers if layer.visible and layer.kind == "vector"
                 and layer.feature_count]
        if not boxes:
            return None
        b = np.asarray(boxes, dtype=float)
        extent = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    if not np.all(np.isfinite(extent)):
        return None
    x0, y0, x1, y1 = (float(v) for v in extent)
    return pad_extent((x0, y0, x1, y1), HOME_PAD)
